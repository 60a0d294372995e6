package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/i18n"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// chartBar is one bar of a server-rendered SVG chart, its geometry worked
// out here so that the template only places it.
type chartBar struct {
	Label, Value  string
	Href          string
	X, Y, W, H    int
	LabelX, TextY int
	ValueX        int
}

// chart is an SVG bar chart: horizontal bars (a category each) or
// vertical bars (a month each).
type chart struct {
	ID       string
	Title    string
	Vertical bool
	Width    int
	Height   int
	Bars     []chartBar
	Empty    bool
	Axis     []chartBar // month labels under vertical charts
}

const (
	chartWidth  = 640
	barRow      = 26
	labelColumn = 200
	valueSpace  = 110
)

// hbars builds a horizontal bar chart; values are in units, shown with show.
func hbars(id, title string, labels []string, values []int64, hrefs []string, show func(int64) string) chart {
	ch := chart{ID: id, Title: title, Width: chartWidth, Height: max(1, len(labels))*barRow + 8}
	var top int64
	for _, v := range values {
		top = max(top, v)
	}
	ch.Empty = top == 0
	span := chartWidth - labelColumn - valueSpace
	for i, l := range labels {
		w := 0
		if top > 0 {
			w = int(values[i] * int64(span) / top)
		}
		if values[i] > 0 && w < 2 {
			w = 2
		}
		y := 4 + i*barRow
		b := chartBar{Label: l, Value: show(values[i]), X: labelColumn, Y: y + 3, W: w, H: barRow - 8, LabelX: labelColumn - 8, TextY: y + barRow/2 + 4, ValueX: labelColumn + w + 6}
		if hrefs != nil {
			b.Href = hrefs[i]
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// vbars builds a vertical bar chart of months.
func vbars(id, title string, labels []string, values []int64, show func(int64) string) chart {
	const height, base = 220, 190
	ch := chart{ID: id, Title: title, Vertical: true, Width: chartWidth, Height: height}
	var top int64
	for _, v := range values {
		top = max(top, v)
	}
	ch.Empty = top == 0
	n := max(1, len(labels))
	slot := (chartWidth - 20) / n
	every := 1 + (n-1)/12 // at most a dozen axis labels
	for i, l := range labels {
		h := 0
		if top > 0 {
			h = int(values[i] * 160 / top)
		}
		if values[i] > 0 && h < 2 {
			h = 2
		}
		x := 10 + i*slot
		ch.Bars = append(ch.Bars, chartBar{Label: l, Value: show(values[i]), X: x + 2, Y: base - h, W: max(1, slot-4), H: h, TextY: base - h - 4, ValueX: x + slot/2})
		if i%every == 0 {
			ch.Axis = append(ch.Axis, chartBar{Label: l, LabelX: x + slot/2, TextY: base + 16})
		}
	}
	return ch
}

// incidentAnalysisPage is the analysis page.
type incidentAnalysisPage struct {
	basePage
	Filter   *form
	Charts   []chart
	Total    int
	Losses   []string
	Currency string
}

// incidentAnalysis shows counts and losses by month, type, site and lane
// as SVG charts (GET /incidents/analysis).
func (s *server) incidentAnalysis(c *call) error {
	q := c.r.URL.Query()
	f := bulkhead.IncidentStatsFilter{Type: bulkhead.IncidentType(q.Get("type")), Severity: bulkhead.Severity(q.Get("severity")), SiteID: q.Get("site")}
	bad := map[string]string{}
	month := func(k string) int {
		v := q.Get(k)
		if v == "" {
			return 0
		}
		t, err := time.Parse("2006-01", v)
		if err != nil {
			bad[k] = bulkhead.FieldInvalid
			return 0
		}
		return bulkhead.MonthOf(t)
	}
	f.FromMonth, f.ToMonth = month("from"), month("to")
	sites, err := s.svc.IncidentSiteNames(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &incidentAnalysisPage{basePage: c.base("incidents.analysis_title")}
	p.Filter = newForm()
	p.Filter.add(&formField{Name: "from", Label: c.T("incidents.from_month"), Type: "month", Value: q.Get("from")})
	p.Filter.add(&formField{Name: "to", Label: c.T("incidents.to_month"), Type: "month", Value: q.Get("to")})
	p.Filter.add(&formField{Name: "type", Label: c.T("incident.field.type"), Kind: "select", Options: c.incidentTypeOptions(q.Get("type"), c.T("incidents.any"))})
	p.Filter.add(&formField{Name: "severity", Label: c.T("incident.field.severity"), Kind: "select", Options: c.severityOptions(q.Get("severity"), c.T("incidents.any"))})
	p.Filter.add(&formField{Name: "site", Label: c.T("incident.field.site"), Kind: "select", Options: siteOptions(q.Get("site"), sites, c.T("incidents.any"))})
	status := http.StatusOK
	var st *bulkhead.IncidentStats
	if len(bad) == 0 {
		st, err = s.svc.IncidentStats(c.r.Context(), c.actor(), f)
		if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
			bad = bulkhead.ErrorFields(err)
		} else if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		if v, ok := bad["site_id"]; ok {
			bad["site"] = v
		}
		p.Filter.setErrors(c, bad)
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageIncidentAnalysis, p)
		return nil
	}
	p.Total = st.Total
	// Losses are charted in one currency: the one asked for, else the
	// one with the largest sum.
	cur := strings.ToUpper(q.Get("currency"))
	var best int64
	for code, v := range st.Losses {
		p.Losses = append(p.Losses, formatMoney(c.lang, v, code))
		if cur == "" && (v > best || v == best && code < p.Currency) {
			best, p.Currency = v, code
		}
	}
	if cur != "" {
		p.Currency = cur
	}
	slices.Sort(p.Losses)
	count := func(v int64) string { return i18n.Number(c.lang, v) }
	money := func(v int64) string { return formatMoney(c.lang, v, p.Currency) }
	listHref := func(k, v string) string {
		u := url.Values{}
		u.Set(k, v)
		return "/incidents?" + u.Encode()
	}
	var ml []string
	var mc, mv []int64
	for _, g := range st.ByMonth {
		m, _ := strconv.Atoi(g.Key)
		ml = append(ml, c.T("month."+strconv.Itoa(m%100))+" "+strconv.Itoa(m/100))
		mc = append(mc, int64(g.Count))
		mv = append(mv, g.Losses[p.Currency]/100)
	}
	p.Charts = append(p.Charts, vbars("by-month", c.T("incidents.chart.by_month"), ml, mc, count))
	if p.Currency != "" {
		p.Charts = append(p.Charts, vbars("loss-by-month", c.T("incidents.chart.loss_by_month", p.Currency), ml, mv, func(v int64) string { return money(v * 100) }))
	}
	group := func(id, title string, gs []bulkhead.IncidentGroup, label func(string) string, href func(string) string, losses bool) {
		if len(gs) > 15 {
			gs = gs[:15]
		}
		var ls, hs []string
		var vs []int64
		for _, g := range gs {
			ls = append(ls, label(g.Key))
			if href != nil {
				hs = append(hs, href(g.Key))
			}
			if losses {
				vs = append(vs, g.Losses[p.Currency])
			} else {
				vs = append(vs, int64(g.Count))
			}
		}
		show := count
		if losses {
			show = money
		}
		p.Charts = append(p.Charts, hbars(id, title, ls, vs, hs, show))
	}
	typeLabel := func(k string) string { return c.label(incidentTypeKey(bulkhead.IncidentType(k)), k) }
	group("by-type", c.T("incidents.chart.by_type"), st.ByType, typeLabel, func(k string) string { return listHref("type", k) }, false)
	if p.Currency != "" {
		group("loss-by-type", c.T("incidents.chart.loss_by_type", p.Currency), st.ByType, typeLabel, nil, true)
	}
	group("by-site", c.T("incidents.chart.by_site"), st.BySite, func(k string) string {
		if k == "" {
			return c.T("incident.no_site")
		}
		if n := sites[k]; n != "" {
			return n
		}
		return k
	}, func(k string) string {
		if k == "" {
			return "/incidents"
		}
		return listHref("site", k)
	}, false)
	group("by-lane", c.T("incidents.chart.by_lane"), st.ByLane, func(k string) string {
		if k == "" {
			return c.T("incident.no_lane")
		}
		return k
	}, nil, false)
	s.render(c.w, c.r, status, pageIncidentAnalysis, p)
	return nil
}

// ---- rules

// ruleRow is a notification rule as the rules page shows it.
type ruleRow struct {
	*bulkhead.IncidentRule
	TypeLabel     string
	SeverityLabel string
}

// incidentRulesPage lists the notification rules.
type incidentRulesPage struct {
	basePage
	Rules     []ruleRow
	IsDefault bool
	Form      *form
}

func (s *server) renderRules(c *call, status int, f *form) error {
	rules, isDefault, err := s.svc.IncidentRules(c.r.Context(), c.actor())
	if err != nil {
		return err
	}
	p := &incidentRulesPage{basePage: c.base("incidents.rules_title"), IsDefault: isDefault, Form: f}
	for _, r := range rules {
		row := ruleRow{IncidentRule: r, TypeLabel: c.T("incidents.any_type"), SeverityLabel: c.T("incidents.any_severity")}
		if r.Type != "" {
			row.TypeLabel = c.label(incidentTypeKey(r.Type), string(r.Type))
		}
		if r.MinSeverity != "" {
			row.SeverityLabel = c.T("incidents.at_least", c.label(severityKey(r.MinSeverity), string(r.MinSeverity)))
		}
		p.Rules = append(p.Rules, row)
	}
	if p.Form == nil {
		p.Form = c.ruleForm(nil)
	}
	s.render(c.w, c.r, status, pageIncidentRules, p)
	return nil
}

func (c *call) ruleForm(v url.Values) *form {
	get := func(k string) string {
		if v == nil {
			return ""
		}
		return v.Get(k)
	}
	f := newForm()
	f.add(&formField{Name: "type", Label: c.T("incident.field.type"), Kind: "select", Options: c.incidentTypeOptions(get("type"), c.T("incidents.any_type"))})
	f.add(&formField{Name: "min_severity", Label: c.T("incidents.rule.min_severity"), Kind: "select", Options: c.severityOptions(get("min_severity"), c.T("incidents.any_severity"))})
	rs := options(get("recipient"), "", c.T("incidents.rule.choose_recipient"))
	for _, r := range bulkhead.Recipients {
		rs = append(rs, selectOption{Value: string(r), Label: c.label(recipientKey(r), string(r)), Selected: get("recipient") == string(r)})
	}
	f.add(&formField{Name: "recipient", Label: c.T("incidents.rule.recipient"), Kind: "select", Options: rs, Required: true})
	f.add(&formField{Name: "hours", Label: c.T("incidents.rule.hours"), Hint: c.T("incidents.rule.hours_hint"), Type: "number", Min: "0", Max: "8760", Value: get("hours"), Required: true, InputMode: "numeric"})
	f.add(&formField{Name: "note", Label: c.T("incidents.rule.note"), Value: get("note"), MaxLength: 500})
	return f
}

// incidentRules shows the organisation's notification rules (GET /incidents/rules).
func (s *server) incidentRules(c *call) error { return s.renderRules(c, http.StatusOK, nil) }

// addIncidentRule adds a rule (POST /incidents/rules).
func (s *server) addIncidentRule(c *call) error {
	v := c.r.PostForm
	hours, err := strconv.Atoi(strings.TrimSpace(v.Get("hours")))
	if err != nil {
		hours = -1
	}
	err = s.svc.AddIncidentRule(c.r.Context(), c.actor(), bulkhead.IncidentRule{Type: bulkhead.IncidentType(v.Get("type")),
		MinSeverity: bulkhead.Severity(v.Get("min_severity")), Recipient: bulkhead.Recipient(v.Get("recipient")), Hours: hours, Note: v.Get("note")})
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		f := c.ruleForm(v)
		f.setErrors(c, bulkhead.ErrorFields(err))
		return s.renderRules(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return c.redirect("/incidents/rules", "flash.incident_rules")
}

// deleteIncidentRule removes a rule (POST /incidents/rules/{rid}/delete).
func (s *server) deleteIncidentRule(c *call) error {
	if err := s.svc.DeleteIncidentRule(c.r.Context(), c.actor(), c.r.PathValue("rid")); err != nil {
		return err
	}
	return c.redirect("/incidents/rules", "flash.incident_rules")
}

// ---- import

// importProblemRow is one line of an import report.
type importProblemRow struct {
	service.ImportProblem
	Message string
}

// incidentImportPage is the import form and, after a preview, its report.
type incidentImportPage struct {
	basePage
	Form     *form
	Report   *service.ImportReport
	Problems []importProblemRow
	More     int    // problems not shown
	Content  string // the previewed file, posted again to commit
	Format   string
	Error    string
}

// incidentImportForm shows the upload form (GET /incidents/import).
func (s *server) incidentImportForm(c *call) error {
	if !c.can(service.ActIncidentImport) {
		return forbidden()
	}
	s.render(c.w, c.r, http.StatusOK, pageIncidentImport, &incidentImportPage{basePage: c.base("incidents.import_title"), Form: c.importForm()})
	return nil
}

func (c *call) importForm() *form {
	f := newForm()
	f.add(&formField{Name: "file", Label: c.T("incidents.import.file"), Hint: c.T("incidents.import.file_hint"), Type: "file", Required: true})
	f.add(&formField{Name: "format", Label: c.T("incidents.import.format"), Kind: "select", Options: options("", "", c.T("incidents.import.detect"),
		service.ImportBulkhead, c.T("incidents.import.own"), service.ImportASAM, c.T("incidents.import.asam"))})
	return f
}

// importIncidents previews an uploaded file, or commits its good rows when
// the preview's button posts it back (POST /incidents/import).
func (s *server) importIncidents(c *call) error {
	var data []byte
	if file, _, err := c.r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(io.LimitReader(file, service.MaxImportBytes+1)); err != nil {
			return err
		}
	} else {
		data = []byte(c.r.PostFormValue("content"))
	}
	mode := service.IncidentImportPreview
	if c.r.PostFormValue("commit") == "good_rows" {
		mode = service.IncidentImportCommitGoodRows
	}
	format := c.r.PostFormValue("format")
	p := &incidentImportPage{basePage: c.base("incidents.import_title"), Form: c.importForm(), Format: format}
	if len(bytes.TrimSpace(data)) == 0 {
		p.Form.setErrors(c, map[string]string{"file": bulkhead.FieldRequired})
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageIncidentImport, p)
		return nil
	}
	rep, err := s.svc.ImportIncidents(c.r.Context(), c.actor(), bytes.NewReader(data), format, mode)
	if bulkhead.ErrorCode(err) == bulkhead.EINVALID {
		p.Form.setErrors(c, bulkhead.ErrorFields(err))
		p.Error = bulkhead.ErrorMessage(err)
		s.render(c.w, c.r, http.StatusUnprocessableEntity, pageIncidentImport, p)
		return nil
	}
	if err != nil {
		return err
	}
	if rep.Committed {
		return c.redirect("/incidents?sort=occurred_at&dir=desc", "flash.incident_imported")
	}
	p.Report, p.Format = rep, rep.Format
	const shown = 200
	for i, pr := range rep.Problems {
		if i == shown {
			p.More = len(rep.Problems) - shown
			break
		}
		p.Problems = append(p.Problems, importProblemRow{ImportProblem: pr, Message: c.errMessage(pr.Code)})
	}
	if rep.Good > 0 {
		p.Content = string(data)
	}
	s.render(c.w, c.r, http.StatusOK, pageIncidentImport, p)
	return nil
}
