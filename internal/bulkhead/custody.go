package bulkhead

import (
	"context"
	"time"
)

// CustodyReader reads the records of issue 6: chain of custody (EPCIS events, shipments, equipment, seals, inspections, discrepancies). It is part of Reader.
type CustodyReader interface {
	// CaptureJob returns a capture job of an organisation. ENOTFOUND.
	CaptureJob(ctx context.Context, orgID, id string) (*CaptureJob, error)
	// CaptureJobs lists an organisation's capture jobs, newest first.
	CaptureJobs(ctx context.Context, orgID string, limit int) ([]*CaptureJob, error)
	// EPCISEvents returns up to f.Limit events matching the normalised
	// filter, in its order, each with its document's context.
	EPCISEvents(ctx context.Context, f EventFilter) ([]*EPCISEvent, error)
	// StoredEventIDs returns which of ids are eventIDs of stored events of
	// the organisation that are not error declarations.
	StoredEventIDs(ctx context.Context, orgID string, ids []string) (map[string]bool, error)
	// EPCISEventCount returns the number of events an organisation holds.
	EPCISEventCount(ctx context.Context, orgID string) (int, error)

	// Seal returns a seal of an organisation; inside a transaction it
	// locks it. ENOTFOUND.
	Seal(ctx context.Context, orgID, id string) (*Seal, error)
	// Seals lists seals matching the filter, newest first.
	Seals(ctx context.Context, f SealFilter) ([]*Seal, error)
	// SealEvents returns a seal's log, oldest first.
	SealEvents(ctx context.Context, orgID, sealID string) ([]*SealEvent, error)
	// Discrepancy returns a discrepancy of an organisation; inside a
	// transaction it locks it. ENOTFOUND.
	Discrepancy(ctx context.Context, orgID, id string) (*Discrepancy, error)
	// Discrepancies lists discrepancies matching the filter, newest first.
	Discrepancies(ctx context.Context, f DiscrepancyFilter) ([]*Discrepancy, error)
	// OpenDiscrepancyCounts returns how many open discrepancies an
	// organisation has, by site ID ("" for those of no site).
	OpenDiscrepancyCounts(ctx context.Context, orgID string) (map[string]int, error)
	// Inspection returns an inspection of an organisation. ENOTFOUND.
	Inspection(ctx context.Context, orgID, id string) (*Inspection, error)
	// Inspections lists inspections matching the filter, newest first.
	Inspections(ctx context.Context, f InspectionFilter) ([]*Inspection, error)

	// Shipment returns a shipment of an organisation with its equipment;
	// inside a transaction it locks it. ENOTFOUND.
	Shipment(ctx context.Context, orgID, id string) (*Shipment, error)
	// Shipments returns a page of shipments matching the normalised
	// filter, in its order, with their equipment, and how many match.
	Shipments(ctx context.Context, f ShipmentFilter) ([]*Shipment, int, error)
	// InspectionTemplate returns a version of an organisation's own
	// checklist. ENOTFOUND.
	InspectionTemplate(ctx context.Context, orgID, id string) (*Checklist, error)
	// InspectionTemplates lists checklist versions matching the filter.
	InspectionTemplates(ctx context.Context, f ChecklistFilter) ([]*Checklist, error)
	// InspectionPhotos lists an inspection's photos, oldest first, without
	// their data.
	InspectionPhotos(ctx context.Context, orgID, inspectionID string) ([]*InspectionPhoto, error)
	// InspectionPhoto returns a photo of an inspection with its data.
	// ENOTFOUND.
	InspectionPhoto(ctx context.Context, orgID, inspectionID, id string) (*InspectionPhoto, error)
}

// CustodyWriter changes the records of issue 6: chain of custody (EPCIS events, shipments, equipment, seals, inspections, discrepancies). It is part of Tx.
type CustodyWriter interface {
	// CreateCaptureJob stores a new capture job.
	CreateCaptureJob(ctx context.Context, j *CaptureJob) error
	// FinishCaptureJob saves a running job's status, counts, problems and
	// finish time. ENOTFOUND when the job is missing; ECONFLICT when it is
	// no longer running (marked interrupted meanwhile).
	FinishCaptureJob(ctx context.Context, j *CaptureJob) error
	// FailRunningCaptures marks every job still running that was created
	// before the given time as failed, returning how many.
	FailRunningCaptures(ctx context.Context, before time.Time) (int, error)
	// InsertEPCISEvents stores events (and their EPCs) in bulk. ECONFLICT
	// on a duplicate eventID.
	InsertEPCISEvents(ctx context.Context, events []*EPCISEvent) error

	// CreateSeal stores a new seal. ECONFLICT on a number already used.
	CreateSeal(ctx context.Context, s *Seal) error
	// UpdateSeal saves a seal's status, equipment and update time. ENOTFOUND.
	UpdateSeal(ctx context.Context, s *Seal) error
	// InsertSealEvent appends to a seal's log.
	InsertSealEvent(ctx context.Context, e *SealEvent) error
	// CreateDiscrepancy stores a new discrepancy.
	CreateDiscrepancy(ctx context.Context, d *Discrepancy) error
	// UpdateDiscrepancy saves a discrepancy's state, assignee, resolution,
	// incident and times. ENOTFOUND.
	UpdateDiscrepancy(ctx context.Context, d *Discrepancy) error
	// CreateInspection stores an inspection with its results.
	CreateInspection(ctx context.Context, in *Inspection) error

	// CreateShipment stores a new shipment with its equipment. ECONFLICT
	// (field reference) on a reference already used.
	CreateShipment(ctx context.Context, s *Shipment) error
	// UpdateShipment saves every field of a shipment and replaces its
	// equipment. ENOTFOUND; ECONFLICT on a reference already used.
	UpdateShipment(ctx context.Context, s *Shipment) error
	// CreateInspectionTemplate stores a checklist version. ECONFLICT when
	// the version exists or another version of the key is still the
	// latest.
	CreateInspectionTemplate(ctx context.Context, c *Checklist) error
	// SetInspectionTemplateStatus changes a checklist version's status.
	// ENOTFOUND.
	SetInspectionTemplateStatus(ctx context.Context, orgID, id string, st ChecklistStatus) error
	// CreateInspectionPhoto stores a photo of an inspection point.
	CreateInspectionPhoto(ctx context.Context, p *InspectionPhoto) error
}
