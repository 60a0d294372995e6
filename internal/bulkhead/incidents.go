package bulkhead

// IncidentReader reads security incidents (ISO 28000 8.6, 10.2), their
// timelines, owed notifications and root-cause analyses. It is part of
// Reader.
type IncidentReader interface{}

// IncidentWriter changes security incidents. It is part of Tx.
type IncidentWriter interface{}
