package bulkhead

// LibraryReader reads the records of issue 5: requirement libraries and compliance assessments. It is part of Reader.
type LibraryReader interface{}

// LibraryWriter changes the records of issue 5: requirement libraries and compliance assessments. It is part of Tx.
type LibraryWriter interface{}
