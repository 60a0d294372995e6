package bulkhead

// RiskReader reads the records of issue 4: security risk assessment and treatment. It is part of Reader.
type RiskReader interface{}

// RiskWriter changes the records of issue 4: security risk assessment and treatment. It is part of Tx.
type RiskWriter interface{}
