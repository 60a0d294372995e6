package bulkhead

// CustodyReader reads the records of issue 6: chain of custody (EPCIS events, shipments, equipment, seals, inspections, discrepancies). It is part of Reader.
type CustodyReader interface{}

// CustodyWriter changes the records of issue 6: chain of custody (EPCIS events, shipments, equipment, seals, inspections, discrepancies). It is part of Tx.
type CustodyWriter interface{}
