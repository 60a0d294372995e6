package service

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
)

// Import formats.
const (
	ImportBulkhead = "bulkhead" // the export's columns
	ImportASAM     = "asam"     // NGA Anti-Shipping Activity Messages (RAW_ASAM.csv)
)

// IncidentHeader is the header of the incident CSV export and of the
// import's own format.
var IncidentHeader = export.IncidentHeader

// asamHeader are the columns an NGA ASAM file must have.
var asamHeader = []string{"reference", "date", "position", "navArea", "subreg", "hostility", "victim", "description"}

// ImportProblem is why one row (or the file, Row 0) was not imported.
type ImportProblem struct {
	Row   int    `json:"row"` // the CSV record number, the header being 1
	Field string `json:"field"`
	Code  string `json:"code"` // a field error code (err.<code> in the catalogs)
	Value string `json:"value,omitempty"`
}

// ImportReport says what an import found and did.
type ImportReport struct {
	Format    string          `json:"format"`
	Rows      int             `json:"rows"`     // data rows read
	Good      int             `json:"good"`     // rows that can be imported
	Rejected  int             `json:"rejected"` // rows that cannot
	Imported  int             `json:"imported"` // rows stored (0 in a preview)
	Committed bool            `json:"committed"`
	Problems  []ImportProblem `json:"problems"`
	ByType    map[string]int  `json:"by_type"` // good rows per incident type
}

// IncidentImportMode says what to do with an import's rows.
type IncidentImportMode string

// Import modes.
const (
	IncidentImportPreview        IncidentImportMode = "preview"          // read and check; store nothing
	IncidentImportCommit         IncidentImportMode = "commit"           // store everything, only if every row is good
	IncidentImportCommitGoodRows IncidentImportMode = "commit_good_rows" // store the good rows, skip the others
)

// MaxImportBytes bounds an import file.
const MaxImportBytes = 32 << 20

// ImportIncidents reads historical incidents from CSV, in our own format or
// NGA ASAM's (format "" detects it from the header), and reports per row
// what cannot be imported. Rows are stored only in IncidentImportCommit mode when
// all are good, or in IncidentImportCommitGoodRows mode; either way in one
// transaction, so nothing is ever half-imported. Imported incidents owe no
// notifications (they are history). A file whose columns are wrong is
// EINVALID. EFORBIDDEN, EINVALID.
func (s *Service) ImportIncidents(ctx context.Context, a Actor, r io.Reader, format string, mode IncidentImportMode) (*ImportReport, error) {
	if err := authorize(a, ActIncidentImport); err != nil {
		return nil, err
	}
	switch mode {
	case "":
		mode = IncidentImportPreview
	case IncidentImportPreview, IncidentImportCommit, IncidentImportCommitGoodRows:
	default:
		return nil, bulkhead.Invalid(map[string]string{"mode": bulkhead.FieldChoice})
	}
	cr := csv.NewReader(io.LimitReader(r, MaxImportBytes))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, &bulkhead.Error{Code: bulkhead.EINVALID, Message: "The file is not CSV or is empty.", Fields: map[string]string{"file": bulkhead.FieldCSVHeader}}
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	if format == "" {
		format = ImportBulkhead
		if len(header) > 0 && header[0] == "reference" {
			format = ImportASAM
		}
	}
	var want []string
	switch format {
	case ImportBulkhead:
		want = IncidentHeader
	case ImportASAM:
		want = asamHeader
	default:
		return nil, bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var missing, unknown []string
	for _, w := range want {
		if _, ok := col[w]; !ok {
			missing = append(missing, w)
		}
	}
	known := map[string]bool{}
	for _, w := range want {
		known[w] = true
	}
	for _, h := range header {
		if !known[h] {
			unknown = append(unknown, strconv.Quote(h))
		}
	}
	if len(missing) > 0 || len(unknown) > 0 {
		msg := "The file's columns are not those of the " + format + " format."
		if len(missing) > 0 {
			msg += " Missing: " + strings.Join(missing, ", ") + "."
		}
		if len(unknown) > 0 {
			msg += " Unknown: " + strings.Join(unknown, ", ") + "."
		}
		return nil, &bulkhead.Error{Code: bulkhead.EINVALID, Message: msg, Fields: map[string]string{"file": bulkhead.FieldCSVHeader}}
	}

	rep := &ImportReport{Format: format, Problems: []ImportProblem{}, ByType: map[string]int{}}
	now := s.now()
	sites, err := s.siteIndex(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	var good []*bulkhead.Incident
	seen := map[string]int{}
	rowNo := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		rowNo++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Rows++
				rep.Problems = append(rep.Problems, ImportProblem{Row: rowNo, Field: "row", Code: bulkhead.FieldInvalid})
				continue
			}
			return nil, bulkhead.Errorf(bulkhead.EINVALID, "The file could not be read: %v", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		rep.Rows++
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		var inc *bulkhead.Incident
		var fe map[string]string
		if format == ImportASAM {
			inc, fe = asamIncident(get)
		} else {
			inc, fe = s.ownIncident(get, sites)
		}
		inc.ID, inc.OrgID, inc.Source, inc.CreatedAt, inc.UpdatedAt = bulkhead.NewID(), a.OrgID, bulkhead.SourceImport, now, now
		if inc.Status == bulkhead.IncidentClosed && inc.ClosedAt == nil {
			inc.ClosedAt = &now
		}
		inc.ReporterID = ""
		if inc.Reporter == "" {
			inc.Reporter = a.Name
		}
		if fe == nil {
			fe = map[string]string{}
		}
		if inc.SourceRef == "" {
			fe["source_ref"] = bulkhead.FieldRequired
		} else if _, dup := seen[inc.SourceRef]; dup {
			fe["source_ref"] = bulkhead.FieldDuplicate
		} else {
			seen[inc.SourceRef] = rowNo
		}
		checkRow(inc, fe, now)
		if len(fe) > 0 {
			rep.Rejected++
			for _, k := range sortedKeys(fe) {
				rep.Problems = append(rep.Problems, ImportProblem{Row: rowNo, Field: k, Code: fe[k], Value: clip(get(sourceColumn(format, k)), 60)})
			}
			continue
		}
		good = append(good, inc)
		seen[inc.SourceRef] = rowNo
	}
	// References imported before are duplicates too.
	refs := make([]string, len(good))
	for i, inc := range good {
		refs[i] = inc.SourceRef
	}
	done, err := s.store.IncidentSourceRefs(ctx, a.OrgID, bulkhead.SourceImport, refs)
	if err != nil {
		return nil, err
	}
	kept := good[:0]
	for _, inc := range good {
		if done[inc.SourceRef] {
			rep.Rejected++
			rep.Problems = append(rep.Problems, ImportProblem{Row: seen[inc.SourceRef], Field: "source_ref", Code: bulkhead.FieldDuplicate, Value: inc.SourceRef})
			continue
		}
		kept = append(kept, inc)
		rep.ByType[string(inc.Type)]++
	}
	good = kept
	rep.Good = len(good)
	sortProblems(rep.Problems)
	if mode == IncidentImportPreview || (mode == IncidentImportCommit && rep.Rejected > 0) || len(good) == 0 {
		return rep, nil
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		// No timeline entries: each incident's source says it was
		// imported, and the import's audit entry says by whom.
		if err := tx.CreateIncidents(ctx, good); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "incident.import", "incident_import", bulkhead.NewID(), map[string]any{
			"format": format, "rows": rep.Rows, "imported": len(good), "rejected": rep.Rejected, "first_id": good[0].ID, "last_id": good[len(good)-1].ID})
	})
	if err != nil {
		return nil, err
	}
	rep.Imported, rep.Committed = len(good), true
	return rep, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

func sortProblems(p []ImportProblem) {
	slices.SortStableFunc(p, func(x, y ImportProblem) int { return cmp.Or(cmp.Compare(x.Row, y.Row), cmp.Compare(x.Field, y.Field)) })
}

// sourceColumn names the file's column a field came from.
func sourceColumn(format, field string) string {
	if format == ImportASAM {
		switch field {
		case "occurred_at", "detected_at", "reported_at":
			return "date"
		case "latitude", "longitude":
			return "position"
		case "source_ref":
			return "reference"
		case "title":
			return "victim"
		}
		return field
	}
	switch field {
	case "site_id":
		return "site"
	}
	return field
}

// checkRow validates an imported incident into fe; fields that failed to
// parse keep their first error.
func checkRow(inc *bulkhead.Incident, fe map[string]string, now time.Time) {
	err := inc.Validate(now)
	for k, v := range bulkhead.ErrorFields(err) {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
}

// siteIndex maps an organisation's site IDs, names (lower-case) and
// UN/LOCODEs to site IDs, for imports.
func (s *Service) siteIndex(ctx context.Context, orgID string) (map[string]string, error) {
	out := map[string]string{}
	f := bulkhead.SiteFilter{OrgID: orgID, Status: bulkhead.StatusAll, Limit: bulkhead.MaxPageSize}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	for {
		page, total, err := s.store.Sites(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, st := range page {
			out[st.ID] = st.ID
			out[strings.ToLower(st.Name)] = st.ID
			if st.UNLOCODE != "" {
				if _, ok := out[st.UNLOCODE]; !ok {
					out[st.UNLOCODE] = st.ID
				}
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return out, nil
		}
	}
}

// ownIncident reads a row of our own format.
func (s *Service) ownIncident(get func(string) string, sites map[string]string) (*bulkhead.Incident, map[string]string) {
	inc := &bulkhead.Incident{}
	str := func(k string) *string { v := get(k); return &v }
	in := bulkhead.IncidentInput{Type: str("type"), Severity: str("severity"), Title: str("title"), Description: str("description"),
		OccurredAt: str("occurred_at"), DetectedAt: str("detected_at"), ReportedAt: str("reported_at"), Lane: str("lane"),
		ShipmentRef: str("shipment_ref"), EquipmentRef: str("equipment_ref"), Partner: str("partner"), UNLOCODE: str("unlocode"),
		Loss: str("loss"), Currency: str("currency"), Reporter: str("reporter"), RCAMethod: str("rca_method"),
		CauseCategory: str("cause_category"), RootCause: str("root_cause"), Whys: str("whys"),
		ContributingFactors: str("contributing_factors"), LessonsLearned: str("lessons_learned")}
	fe := in.Apply(inc, time.UTC)
	for _, k := range []string{"latitude", "longitude"} {
		if v := get(k); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fe[k] = bulkhead.FieldCoordinates
				continue
			}
			if k == "latitude" {
				inc.Latitude = &f
			} else {
				inc.Longitude = &f
			}
		}
	}
	inc.Status = bulkhead.IncidentStatus(get("status"))
	if inc.Status == "" {
		inc.Status = bulkhead.IncidentReported
	}
	if inc.Status == bulkhead.IncidentDraft {
		fe["status"] = bulkhead.FieldChoice
	}
	if v := get("closed_at"); v != "" && inc.Status == bulkhead.IncidentClosed {
		if t, ok := bulkhead.ParseTime(v, time.UTC); ok {
			inc.ClosedAt = &t
		} else {
			fe["closed_at"] = bulkhead.FieldInvalid
		}
	}
	if v := get("site"); v != "" {
		id, ok := sites[v]
		if !ok {
			id, ok = sites[strings.ToLower(v)]
		}
		if !ok {
			fe["site_id"] = bulkhead.FieldInvalid
		}
		inc.SiteID = id
	}
	inc.SourceRef = get("source_ref")
	if get("source") != bulkhead.SourceImport || inc.SourceRef == "" {
		inc.SourceRef = get("id") // our own export: its ID identifies it
	}
	return inc, fe
}

// asamPosRE reads degrees, minutes and seconds; seconds come with up to
// three digits ("010" is ten seconds) and decimals.
var asamPosRE = regexp.MustCompile(`^(\d{1,3})°(\d{1,2})'(\d{1,3}(?:\.\d+)?)"([NS])\s*(\d{1,3})°(\d{1,2})'(\d{1,3}(?:\.\d+)?)"([EW])$`)

// parseASAMPosition reads an ASAM position such as 13°43'00"N 121°02'00"E.
func parseASAMPosition(s string) (lat, lon float64, ok bool) {
	m := asamPosRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, false
	}
	conv := func(d, mi, se, hemi string, maxDeg float64) (float64, bool) {
		dv, _ := strconv.ParseFloat(d, 64)
		mv, _ := strconv.ParseFloat(mi, 64)
		sv, _ := strconv.ParseFloat(se, 64)
		if mv >= 60 || sv >= 60 {
			return 0, false
		}
		v := dv + mv/60 + sv/3600
		if v > maxDeg {
			return 0, false
		}
		if hemi == "S" || hemi == "W" {
			v = -v
		}
		return v, true
	}
	lat, ok1 := conv(m[1], m[2], m[3], m[4], 90)
	lon, ok2 := conv(m[5], m[6], m[7], m[8], 180)
	return lat, lon, ok1 && ok2
}

// asamIncident maps an ASAM row onto our taxonomy. The hostility and the
// description decide the type (hijacking, stowaways and smuggling have
// their own classes; everything else ASAM records is piracy or armed
// robbery against ships) and the severity (from an approach to a boarding,
// a theft, weapons, and hostages or casualties).
func asamIncident(get func(string) string) (*bulkhead.Incident, map[string]string) {
	fe := map[string]string{}
	inc := &bulkhead.Incident{Status: bulkhead.IncidentClosed, SourceRef: get("reference")}
	if t, err := time.Parse("2006-01-02", get("date")); err != nil {
		if get("date") == "" {
			fe["occurred_at"] = bulkhead.FieldRequired
		} else {
			fe["occurred_at"] = bulkhead.FieldInvalid
		}
	} else {
		inc.OccurredAt, inc.DetectedAt, inc.ReportedAt = t, t, t
	}
	if p := get("position"); p == "" {
		fe["latitude"] = bulkhead.FieldRequired
	} else if lat, lon, ok := parseASAMPosition(p); !ok {
		fe["latitude"] = bulkhead.FieldCoordinates
	} else {
		inc.Latitude, inc.Longitude = &lat, &lon
	}
	hostility, victim, desc := get("hostility"), get("victim"), get("description")
	text := strings.ToLower(hostility + " " + desc)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(text, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("hijack"):
		inc.Type = bulkhead.IncidentHijacking
	case has("stowaway"):
		inc.Type = bulkhead.IncidentContraband
	case has("smuggl", "narcotic", "cocaine", "contraband"):
		inc.Type = bulkhead.IncidentContraband
	default:
		inc.Type = bulkhead.IncidentPiracy
	}
	switch {
	case has("hijack", "kidnap", "hostage", "killed", "murder", "dead", "injured", "wounded"):
		inc.Severity = bulkhead.SeverityCritical
	case has("fired", "shot", "gun", "rifle", "armed", "knife", "knives", "machete", "rpg", "grenade"):
		inc.Severity = bulkhead.SeverityHigh
	case has("boarded", "stole", "stolen", "robbed", "theft"):
		inc.Severity = bulkhead.SeverityMedium
	default:
		inc.Severity = bulkhead.SeverityLow
	}
	if inc.Severity.NeedsRootCause() {
		inc.RootCause = "External: criminal act at sea recorded by NGA ASAM; no internal root cause."
		inc.CauseCategory, inc.RCAMethod = "external", "cause_categories"
	}
	title := strings.TrimSpace(strings.Join(nonEmpty(titleCase(hostility), victim), " — "))
	if title == "" {
		title = "Maritime incident"
	}
	inc.Title = clip(title, 190)
	inc.Description = strings.TrimSpace(desc)
	if len(inc.Description) > 19000 {
		inc.Description = clip(inc.Description, 19000)
	}
	inc.Description += fmt.Sprintf("\n\nNGA ASAM %s, NAVAREA %s, subregion %s.", inc.SourceRef, get("navArea"), get("subreg"))
	inc.Reporter = "NGA ASAM"
	return inc, fe
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func titleCase(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}
