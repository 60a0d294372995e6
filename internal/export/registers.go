package export

import (
	"io"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Table is one register's export: a header row and how a record becomes a
// row under it.
type Table[T any] struct {
	Header []string
	Row    func(T) []string
}

// Write writes the header, then each record that each gives.
func (t Table[T]) Write(w io.Writer, each func(func(T) error) error) error {
	c := NewCSV(w)
	if err := c.Write(append([]string(nil), t.Header...)...); err != nil {
		return err
	}
	if err := each(func(x T) error { return c.Write(t.Row(x)...) }); err != nil {
		return err
	}
	return c.Flush()
}

func bools(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func ids(l []string) string { return strings.Join(l, " ") }

func rec(r *bulkhead.Record, cells ...string) []string {
	out := append([]string{r.ID}, cells...)
	return append(out, Time(&r.CreatedAt), Time(&r.UpdatedAt), Time(r.ArchivedAt))
}

func head(cols ...string) []string {
	return append(append([]string{"id"}, cols...), "created_at", "updated_at", "archived_at")
}

// ContextIssues is the context issues export.
var ContextIssues = Table[*bulkhead.ContextIssue]{
	Header: head("origin", "category", "title", "description", "effect", "review_date"),
	Row: func(x *bulkhead.ContextIssue) []string {
		return rec(&x.Record, string(x.Origin), string(x.Category), x.Title, x.Description, x.Effect, string(x.ReviewDate))
	},
}

// Parties is the interested parties export.
var Parties = Table[*bulkhead.InterestedParty]{
	Header: head("type", "name", "contact", "notes"),
	Row: func(x *bulkhead.InterestedParty) []string {
		return rec(&x.Record, string(x.Type), x.Name, x.Contact, x.Notes)
	},
}

// LegalRequirements is the legal requirements export; site_ids holds
// space-separated IDs, empty for every site.
var LegalRequirements = Table[*bulkhead.LegalRequirement]{
	Header: head("title", "jurisdiction", "reference", "summary", "site_ids", "owner_id", "last_review", "next_review", "compliance"),
	Row: func(x *bulkhead.LegalRequirement) []string {
		return rec(&x.Record, x.Title, x.Jurisdiction, x.Reference, x.Summary, ids(x.SiteIDs), x.OwnerID, string(x.LastReview), string(x.NextReview), string(x.Compliance))
	},
}

// Objectives is the objectives export; progress is the current value as a
// percentage of the target, empty when unknown.
var Objectives = Table[*bulkhead.Objective]{
	Header: head("statement", "measure", "target", "unit", "current", "progress_percent", "start_date", "due_date", "owner_id", "status"),
	Row: func(x *bulkhead.Objective) []string {
		cur, pct := "", ""
		if x.Current != nil {
			cur = bulkhead.FormatNumber(*x.Current)
		}
		if p, ok := x.Progress(); ok {
			pct = bulkhead.FormatNumber(float64(p))
		}
		return rec(&x.Record, x.Statement, x.Measure, bulkhead.FormatNumber(x.Target), x.Unit, cur, pct, string(x.StartDate), string(x.DueDate), x.OwnerID, string(x.Status))
	},
}

// PlannedChanges is the planned changes export.
var PlannedChanges = Table[*bulkhead.PlannedChange]{
	Header: head("title", "description", "reason", "site_ids", "processes", "risk_review", "risk_reviewed", "reviewer_id", "requester_id",
		"approved_by", "approved_on", "planned_date", "status"),
	Row: func(x *bulkhead.PlannedChange) []string {
		return rec(&x.Record, x.Title, x.Description, x.Reason, ids(x.SiteIDs), x.Processes, x.RiskReview, bools(x.RiskReviewed), x.ReviewerID,
			x.RequesterID, x.ApprovedBy, string(x.ApprovedOn), string(x.PlannedDate), string(x.Status))
	},
}

// Communications is the communication plan export.
var Communications = Table[*bulkhead.Communication]{
	Header: head("topic", "frequency", "timing", "audience", "channel", "communicator_id", "direction", "notes"),
	Row: func(x *bulkhead.Communication) []string {
		return rec(&x.Record, x.Topic, string(x.Frequency), x.Timing, x.Audience, string(x.Channel), x.CommunicatorID, string(x.Direction), x.Notes)
	},
}
