package bulkhead

// PeopleReader reads the people register and what hangs on it (ISO 28000
// 5.3 security roles and their assignments, 7.1/7.2 courses, training
// records and competences). It is part of Reader.
type PeopleReader interface{}

// PeopleWriter changes the people register. It is part of Tx.
type PeopleWriter interface{}
