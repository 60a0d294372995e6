package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// RiskHeader is the header row of a risk register export.
var RiskHeader = []string{"id", "title", "assessment", "threat", "threat_family", "target_type", "target_id", "site",
	"inherent_likelihood", "inherent_consequence", "inherent_level", "current_likelihood", "current_consequence", "current_level",
	"residual_likelihood", "residual_consequence", "residual_level", "owner", "treatment", "rationale", "next_review", "updated_at"}

// RiskRow is one scenario as a row under RiskHeader; levels are named from
// the assessment's matrix m, ratings are 1-based numbers ("" when unrated).
func RiskRow(r *bulkhead.ScenarioRow, m *bulkhead.RiskMatrix, owner string) []string {
	n := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	return []string{r.ID, r.Title, r.AssessmentTitle, r.ThreatName, string(r.ThreatFamily), string(r.TargetType), r.TargetID, r.SiteName,
		n(r.Inherent.Likelihood), n(r.Inherent.Consequence), m.LevelName(r.InherentLevel),
		n(r.Current.Likelihood), n(r.Current.Consequence), m.LevelName(r.CurrentLevel),
		n(r.Residual.Likelihood), n(r.Residual.Consequence), m.LevelName(r.ResidualLevel),
		owner, string(r.Treatment), r.Rationale, Time(r.NextReview), Time(&r.UpdatedAt)}
}

// rowWriter is what the CSV and XLSX writers share.
type rowWriter interface{ Write(cells ...string) error }

// RiskFormats are the register's export formats.
var RiskFormats = []string{"csv", "xlsx"}

// RiskRegister writes a whole register export in format "csv" or "xlsx":
// the header, then each row that each gives (with its matrix and owner).
func RiskRegister(w io.Writer, format string, each func(func(r *bulkhead.ScenarioRow, m *bulkhead.RiskMatrix, owner string) error) error) error {
	var rw rowWriter
	var finish func() error
	switch format {
	case "csv":
		c := NewCSV(w)
		rw, finish = c, c.Flush
	case "xlsx":
		x, err := NewXLSX("Risk register")
		if err != nil {
			return err
		}
		rw, finish = x, func() error { _, err := x.WriteTo(w); return err }
	default:
		return fmt.Errorf("export: unknown format %q", format)
	}
	if err := rw.Write(append([]string(nil), RiskHeader...)...); err != nil {
		return err
	}
	err := each(func(r *bulkhead.ScenarioRow, m *bulkhead.RiskMatrix, owner string) error {
		return rw.Write(RiskRow(r, m, owner)...)
	})
	if err != nil {
		return err
	}
	return finish()
}
