package bulkhead

// DocumentReader reads controlled documents (ISO 28000 7.5: the security
// policy, the scope statement, procedures, plans …), their versions and
// acknowledgements. It is part of Reader.
type DocumentReader interface{}

// DocumentWriter changes controlled documents. It is part of Tx.
type DocumentWriter interface{}
