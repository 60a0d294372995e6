package bulkhead

import (
	"context"
	"time"
)

// IncidentReader reads security incidents (ISO 28000 8.6, 10.2), their
// timelines, owed notifications and root-cause analyses. It is part of
// Reader.
type IncidentReader interface {
	// Incident returns an incident of an organisation. ENOTFOUND.
	Incident(ctx context.Context, orgID, id string) (*Incident, error)
	// IncidentBySource returns the incident opened from a source record
	// (e.g. a custody discrepancy). ENOTFOUND.
	IncidentBySource(ctx context.Context, orgID, source, ref string) (*Incident, error)
	// IncidentSourceRefs returns which of refs already have an incident
	// from source.
	IncidentSourceRefs(ctx context.Context, orgID, source string, refs []string) (map[string]bool, error)
	// Incidents returns one page of incidents and the total that match the
	// normalised filter.
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
	// IncidentStats counts incidents and sums losses by type, site, lane and
	// month from the per-month rollup.
	IncidentStats(ctx context.Context, f IncidentStatsFilter) (*IncidentStats, error)
	// IncidentTimeline lists an incident's entries, oldest first.
	IncidentTimeline(ctx context.Context, orgID, incidentID string) ([]*IncidentEntry, error)
	// IncidentNotifications lists the notifications owed for an incident, by deadline.
	IncidentNotifications(ctx context.Context, orgID, incidentID string) ([]*IncidentNotification, error)
	// OverdueIncidentNotifications lists unsent notifications due before
	// t, with their incident's title and site, earliest first.
	OverdueIncidentNotifications(ctx context.Context, orgID string, t time.Time, limit int) ([]*IncidentNotification, error)
	// IncidentEvidenceList lists an incident's files without their content.
	IncidentEvidenceList(ctx context.Context, orgID, incidentID string) ([]*IncidentEvidence, error)
	// IncidentEvidence returns one file with its content. ENOTFOUND.
	IncidentEvidence(ctx context.Context, orgID, id string) (*IncidentEvidence, error)
	// IncidentLinks lists an incident's links.
	IncidentLinks(ctx context.Context, orgID, incidentID string) ([]*IncidentLink, error)
	// CorrectiveActions lists an incident's corrective actions by due date.
	CorrectiveActions(ctx context.Context, orgID, incidentID string) ([]*CorrectiveAction, error)
	// CorrectiveActionsDue lists open actions (of one owner when ownerID
	// is set) due before t, with their incident's title.
	CorrectiveActionsDue(ctx context.Context, orgID, ownerID string, t time.Time, limit int) ([]*CorrectiveAction, error)
	// IncidentRules returns an organisation's notification rules and
	// whether they were ever set (false: the defaults apply).
	IncidentRules(ctx context.Context, orgID string) ([]*IncidentRule, bool, error)
}

// IncidentWriter changes security incidents. It is part of Tx.
type IncidentWriter interface {
	// CreateIncident stores a new incident. ECONFLICT when its source
	// reference is taken.
	CreateIncident(ctx context.Context, inc *Incident) error
	// CreateIncidents stores many new incidents (an import) in few
	// statements. ECONFLICT when a source reference is taken.
	CreateIncidents(ctx context.Context, incs []*Incident) error
	// UpdateIncident saves every field of an incident. ENOTFOUND.
	UpdateIncident(ctx context.Context, inc *Incident) error
	// AddIncidentEntry appends a timeline entry.
	AddIncidentEntry(ctx context.Context, e *IncidentEntry) error
	// PutIncidentNotification creates or saves a notification (by ID).
	PutIncidentNotification(ctx context.Context, n *IncidentNotification) error
	// AddIncidentEvidence stores a file.
	AddIncidentEvidence(ctx context.Context, ev *IncidentEvidence) error
	// AddIncidentLink stores a link. ECONFLICT when it exists.
	AddIncidentLink(ctx context.Context, l *IncidentLink) error
	// DeleteIncidentLink removes a link. ENOTFOUND.
	DeleteIncidentLink(ctx context.Context, orgID, incidentID, id string) error
	// PutCorrectiveAction creates or saves a corrective action (by ID).
	PutCorrectiveAction(ctx context.Context, ca *CorrectiveAction) error
	// ReplaceIncidentRules replaces an organisation's notification rules
	// and marks them as set.
	ReplaceIncidentRules(ctx context.Context, orgID string, rules []*IncidentRule, at time.Time) error
}
