package export

import (
	"io"
	"strconv"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// DocumentHeader is the header row of a documents export.
var DocumentHeader = []string{"id", "reference", "title", "type", "classification", "owner_id", "latest_version", "latest_status",
	"published_version", "ack_required", "ack_roles", "review_months", "review_due", "retention_months", "created_at", "updated_at", "archived_at"}

// DocumentRow is one document as a row under DocumentHeader.
func DocumentRow(d *bulkhead.Document) []string {
	roles := make([]string, len(d.AckRoles))
	for i, r := range d.AckRoles {
		roles[i] = string(r)
	}
	due := ""
	if d.ReviewDue != nil {
		due = d.ReviewDue.Format(bulkhead.DateLayout)
	}
	return []string{d.ID, d.Reference, d.Title, string(d.Type), string(d.Classification), d.OwnerID, strconv.Itoa(d.LatestVersion),
		string(d.LatestStatus), strconv.Itoa(d.PublishedNumber), strconv.FormatBool(d.AckRequired), strings.Join(roles, " "),
		strconv.Itoa(d.ReviewMonths), due, strconv.Itoa(d.RetentionMonths), Time(&d.CreatedAt), Time(&d.UpdatedAt), Time(d.ArchivedAt)}
}

// Documents writes a whole documents export: the header, then each
// document each gives.
func Documents(w io.Writer, each func(func(*bulkhead.Document) error) error) error {
	c := NewCSV(w)
	if err := c.Write(append([]string(nil), DocumentHeader...)...); err != nil {
		return err
	}
	if err := each(func(d *bulkhead.Document) error { return c.Write(DocumentRow(d)...) }); err != nil {
		return err
	}
	return c.Flush()
}
