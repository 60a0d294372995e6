package bulkhead

// RegisterReader reads the records of issue 3: ISO 28000 clauses 4, 5, 6.2, 6.3 and 7 registers (context issues, interested parties, legal requirements, scope, documents, roles, objectives, changes, competence, communication). It is part of Reader.
type RegisterReader interface{}

// RegisterWriter changes the records of issue 3: ISO 28000 clauses 4, 5, 6.2, 6.3 and 7 registers (context issues, interested parties, legal requirements, scope, documents, roles, objectives, changes, competence, communication). It is part of Tx.
type RegisterWriter interface{}
