package export

import (
	"strconv"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// IncidentHeader is the header row of an incidents export, which is also
// the incident import's own format.
var IncidentHeader = []string{"id", "type", "severity", "status", "title", "description", "occurred_at", "detected_at", "reported_at",
	"site", "lane", "shipment_ref", "equipment_ref", "partner", "unlocode", "latitude", "longitude", "loss", "currency", "reporter",
	"assignee", "source", "source_ref", "rca_method", "cause_category", "root_cause", "whys", "contributing_factors", "lessons_learned",
	"created_at", "updated_at", "closed_at"}

// IncidentRow is one incident as a row under IncidentHeader; site and
// assignee are names.
func IncidentRow(i *bulkhead.Incident, site, assignee string) []string {
	coord := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 6, 64)
	}
	loss := ""
	if i.LossCents > 0 || i.Currency != "" {
		loss = bulkhead.FormatMoney(i.LossCents)
	}
	return []string{i.ID, string(i.Type), string(i.Severity), string(i.Status), i.Title, i.Description, Time(&i.OccurredAt),
		Time(&i.DetectedAt), Time(&i.ReportedAt), site, i.Lane, i.ShipmentRef, i.EquipmentRef, i.Partner, i.UNLOCODE,
		coord(i.Latitude), coord(i.Longitude), loss, i.Currency, i.Reporter, assignee, i.Source, i.SourceRef, i.RCAMethod,
		string(i.CauseCategory), i.RootCause, i.Whys, i.ContributingFactors, i.LessonsLearned, Time(&i.CreatedAt), Time(&i.UpdatedAt), Time(i.ClosedAt)}
}
