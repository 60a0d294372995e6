// Package export writes records as CSV for spreadsheets: a header row, one
// row per record, times in RFC 3339 UTC, and cells that a spreadsheet would
// run as formulas defused.
package export

import (
	"encoding/csv"
	"io"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// CSV writes rows to w.
type CSV struct{ w *csv.Writer }

// NewCSV returns a CSV writer. It starts with a UTF-8 byte-order mark so
// that spreadsheet programs read accented names correctly.
func NewCSV(w io.Writer) *CSV {
	io.WriteString(w, "\ufeff")
	return &CSV{w: csv.NewWriter(w)}
}

// Write writes one row, defusing each cell.
func (c *CSV) Write(cells ...string) error {
	for i, s := range cells {
		cells[i] = Cell(s)
	}
	return c.w.Write(cells)
}

// Flush flushes buffered rows and reports any write error.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Cell defuses a value a spreadsheet would read as a formula (one starting
// with =, +, -, @, a tab or a carriage return) by prefixing an apostrophe.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Time formats t for a CSV cell; nil or zero is empty.
func Time(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SiteHeader is the header row of a sites export.
var SiteHeader = []string{"id", "name", "type", "unlocode", "address", "country", "time_zone", "notes", "created_at", "updated_at", "archived_at"}

// SiteRow is one site as a row under SiteHeader.
func SiteRow(s *bulkhead.Site) []string {
	return []string{s.ID, s.Name, string(s.Type), s.UNLOCODE, s.Address, s.Country, s.TimeZone, s.Notes,
		Time(&s.CreatedAt), Time(&s.UpdatedAt), Time(s.ArchivedAt)}
}

// Sites writes a whole sites export: the header, then each site next gives
// until it returns nil.
func Sites(w io.Writer, each func(func(*bulkhead.Site) error) error) error {
	c := NewCSV(w)
	if err := c.Write(append([]string(nil), SiteHeader...)...); err != nil {
		return err
	}
	if err := each(func(s *bulkhead.Site) error { return c.Write(SiteRow(s)...) }); err != nil {
		return err
	}
	return c.Flush()
}
