package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// riskCommands are the CLI commands of security risk assessment and treatment (issue 4).
func riskCommands() []command {
	return []command{
		{"risk simulate", "run the quantitative (FAIR-style) Monte Carlo engine on a JSON input", cmdRiskSimulate},
		{"risk threat list", "list the threat catalogue", cmdRiskThreatList},
		{"risk threat add", "add a threat to the catalogue", cmdRiskThreatAdd},
		{"risk threat import", "import the threats of a CISO Assistant library (YAML)", cmdRiskThreatImport},
		{"risk matrix import", "import the risk_matrix objects of a CISO Assistant library (YAML)", cmdRiskMatrixImport},
		{"risk settings", "show or set the risk appetite and default matrix", cmdRiskSettings},
		{"risk assessment list", "list risk assessments", cmdRiskAssessmentList},
		{"risk assessment add", "start a draft assessment (JSON as for POST /api/v1/risk/assessments)", cmdRiskAssessmentAdd},
		{"risk assessment status", "move an assessment: in_review, approved or draft", cmdRiskAssessmentStatus},
		{"risk scenario list", "print the risk register (table, csv or xlsx)", cmdRiskScenarioList},
		{"risk scenario add", "add a scenario (JSON as for POST /api/v1/risk/scenarios)", cmdRiskScenarioAdd},
		{"risk scenario edit", "change a scenario (JSON as for PATCH /api/v1/risk/scenarios/{id})", cmdRiskScenarioEdit},
		{"risk scenario show", "print a scenario as JSON", cmdRiskScenarioShow},
		{"risk accept", "accept a scenario's residual risk above the appetite (top management)", cmdRiskAccept},
		{"risk control list", "list the controls register", cmdRiskControlList},
		{"risk control add", "add an applied control (JSON as for POST /api/v1/risk/controls)", cmdRiskControlAdd},
		{"risk treatment list", "list treatment actions", cmdRiskTreatmentList},
		{"risk treatment add", "add a treatment action (JSON as for POST /api/v1/risk/treatments)", cmdRiskTreatmentAdd},
		{"risk treatment edit", "change a treatment action (JSON as for PATCH /api/v1/risk/treatments/{id})", cmdRiskTreatmentEdit},
		{"risk run", "simulate a stored quantitative scenario, or the portfolio, and store the run", cmdRiskRun},
		{"risk rerun", "run a stored run's input again and check the output is identical", cmdRiskRerun},
	}
}

// riskBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func riskBenches() map[string]benchFunc {
	return map[string]benchFunc{"risk-register": benchRiskRegister}
}

// riskCLI parses the common flags of a risk command and opens the store as
// the acting member.
type riskCLI struct {
	fs *flagSet
	u  asUser
}

func newRiskCLI(e *env, name string) *riskCLI {
	r := &riskCLI{fs: &flagSet{FlagSet: newFlags(e, name)}}
	r.u.register(r.fs.FlagSet, "as", "e-mail of the member acting (required; their role applies)")
	return r
}

func (r *riskCLI) open(ctx context.Context, e *env, args []string) (*service.Service, service.Actor, func(), error) {
	if err := parse(e, r.fs.FlagSet, args); err != nil {
		return nil, service.Actor{}, nil, err
	}
	st, a, err := r.u.open(ctx)
	if err != nil {
		return nil, service.Actor{}, nil, err
	}
	return service.New(st, nil), a, func() { st.Close() }, nil
}

// readRiskJSON decodes a JSON object from a file ("-" for standard input),
// rejecting unknown fields.
func readRiskJSON(e *env, path string, dst any) error {
	if path == "" {
		return &usageError{"--in FILE.json is required"}
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, 32<<20))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readRiskFile(e *env, path string) ([]byte, error) {
	if path == "" {
		return nil, &usageError{"--file LIBRARY.yaml is required"}
	}
	if path == "-" {
		return io.ReadAll(io.LimitReader(e.stdin, 4<<20))
	}
	return os.ReadFile(path)
}

func riskPrintJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdRiskThreatList(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk threat list")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	ts, err := svc.Threats(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREF\tFAMILY\tNAME")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Ref, t.Family, t.Name)
	}
	return tw.Flush()
}

func cmdRiskThreatAdd(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk threat add")
	in := bulkhead.ThreatInput{}
	r.fs.optional(&in.Name, "name", "threat name (required)")
	r.fs.optional(&in.Family, "family", "physical, personnel, cyber, cargo, natural or geopolitical (required)")
	r.fs.optional(&in.Ref, "ref", "short reference, unique in the organisation")
	r.fs.optional(&in.Description, "description", "description")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	t, err := svc.CreateThreat(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", t.ID, t.Name)
	return nil
}

func cmdRiskThreatImport(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk threat import")
	file := r.fs.String("file", "", "CISO Assistant library `file` (YAML; - for standard input)")
	family := r.fs.String("family", "", "family given to every imported threat (required)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	data, err := readRiskFile(e, *file)
	if err != nil {
		return err
	}
	n, err := svc.ImportThreats(ctx, a, data, bulkhead.ThreatFamily(*family))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d threats\n", n)
	return nil
}

func cmdRiskMatrixImport(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk matrix import")
	file := r.fs.String("file", "", "CISO Assistant library `file` (YAML; - for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	data, err := readRiskFile(e, *file)
	if err != nil {
		return err
	}
	ms, err := svc.ImportRiskMatrices(ctx, a, data)
	if err != nil {
		return err
	}
	for _, m := range ms {
		fmt.Fprintf(e.stdout, "%s\t%s\t%dx%d\n", m.ID, m.Name, len(m.Likelihood), len(m.Consequence))
	}
	return nil
}

func cmdRiskSettings(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk settings")
	appetite := r.fs.Int("appetite", -1, "highest 0-based level accepted without a formal acceptance")
	matrix := r.fs.String("matrix", "", "default matrix: 5x5, 3x3 or an imported matrix's ID")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	st, err := svc.RiskSettings(ctx, a)
	if err != nil {
		return err
	}
	if *appetite >= 0 || *matrix != "" {
		ap, mx := st.Appetite, st.MatrixID
		if *appetite >= 0 {
			ap = *appetite
		}
		if *matrix != "" {
			mx = *matrix
		}
		if st, err = svc.UpdateRiskSettings(ctx, a, ap, mx); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "appetite\t%d\nmatrix\t%s\n", st.Appetite, st.MatrixID)
	return nil
}

func cmdRiskAssessmentList(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk assessment list")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	as, err := svc.RiskAssessments(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMETHOD\tMATRIX\tDATE\tNEXT REVIEW\tTITLE")
	for _, x := range as {
		next := ""
		if x.NextReview != nil {
			next = x.NextReview.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Status, x.Method, x.Matrix.Name, x.Date.Format(time.DateOnly), next, x.Title)
	}
	return tw.Flush()
}

func cmdRiskAssessmentAdd(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk assessment add")
	in := r.fs.String("in", "", "the assessment as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.RiskAssessmentInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	x, err := svc.CreateRiskAssessment(ctx, a, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", x.ID, x.Title)
	return nil
}

func cmdRiskAssessmentStatus(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk assessment status")
	id := r.fs.String("id", "", "assessment ID (required)")
	to := r.fs.String("to", "", "in_review, approved or draft (required)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	x, err := svc.SetRiskAssessmentStatus(ctx, a, *id, bulkhead.RiskAssessmentStatus(*to))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", x.ID, x.Status)
	return nil
}

func cmdRiskScenarioList(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk scenario list")
	f := bulkhead.ScenarioFilter{}
	r.fs.StringVar(&f.SiteID, "site", "", "only scenarios against this site ID")
	family := r.fs.String("family", "", "only threats of this family")
	level := r.fs.Int("level", -1, "only this residual level (0-based)")
	r.fs.StringVar(&f.OwnerID, "owner", "", "only scenarios of this owner (user ID)")
	r.fs.BoolVar(&f.Overdue, "overdue", false, "only scenarios whose assessment is past its next review")
	r.fs.StringVar(&f.Query, "q", "", "search title and vulnerability")
	format := r.fs.String("format", "table", "table, csv or xlsx (xlsx to standard output: redirect it)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	f.Family = bulkhead.ThreatFamily(*family)
	if *level >= 0 {
		f.HasLevel, f.Level = true, *level
	}
	if *format == "csv" || *format == "xlsx" {
		probe := f
		probe.Limit = 1
		if _, _, err := svc.Scenarios(ctx, a, probe); err != nil {
			return err
		}
		return svc.ExportRisks(ctx, a, f, *format, e.stdout)
	}
	if *format != "table" {
		return &usageError{"--format is table, csv or xlsx"}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRESIDUAL\tINHERENT\tFAMILY\tSITE\tTITLE")
	err = svc.EachScenario(ctx, a, f, func(x *bulkhead.ScenarioRow) error {
		_, err := fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", x.ID, x.ResidualLevel, x.InherentLevel, x.ThreatFamily, x.SiteName, x.Title)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}

func cmdRiskScenarioAdd(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk scenario add")
	in := r.fs.String("in", "", "the scenario as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.ScenarioInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	x, err := svc.CreateScenario(ctx, a, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", x.ID, x.Title)
	return nil
}

func cmdRiskScenarioEdit(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk scenario edit")
	id := r.fs.String("id", "", "scenario ID (required)")
	in := r.fs.String("in", "", "the fields to change as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.ScenarioInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	body.AssessmentID = nil
	x, err := svc.UpdateScenario(ctx, a, *id, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", x.ID, x.Title)
	return nil
}

func cmdRiskScenarioShow(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk scenario show")
	id := r.fs.String("id", "", "scenario ID (required)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	x, err := svc.Scenario(ctx, a, *id)
	if err != nil {
		return err
	}
	return riskPrintJSON(e, x)
}

func cmdRiskAccept(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk accept")
	id := r.fs.String("id", "", "scenario ID (required)")
	in := bulkhead.AcceptanceInput{}
	r.fs.optional(&in.Rationale, "rationale", "why the residual risk is accepted (required)")
	r.fs.optional(&in.Expires, "expires", "expiry date YYYY-MM-DD (required)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	acc, err := svc.AcceptRisk(ctx, a, *id, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\taccepted until %s\n", acc.ID, acc.ExpiresAt.Format(time.DateOnly))
	return nil
}

func cmdRiskControlList(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk control list")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	cs, err := svc.Controls(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORY\tSTATUS\tEFFECTIVENESS\tNAME")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", c.ID, c.Category, c.Status, c.Effectiveness, c.Name)
	}
	return tw.Flush()
}

func cmdRiskControlAdd(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk control add")
	in := r.fs.String("in", "", "the control as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.ControlInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	c, err := svc.CreateControl(ctx, a, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", c.ID, c.Name)
	return nil
}

func cmdRiskTreatmentList(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk treatment list")
	f := bulkhead.TreatmentFilter{}
	r.fs.StringVar(&f.ScenarioID, "scenario", "", "only actions of this scenario ID")
	r.fs.BoolVar(&f.OpenOnly, "open", false, "only open and in-progress actions")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	ts, err := svc.TreatmentActions(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tDUE\tSCENARIO\tTITLE")
	for _, t := range ts {
		due := ""
		if t.Due != nil {
			due = t.Due.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Status, due, t.ScenarioID, t.Title)
	}
	return tw.Flush()
}

func cmdRiskTreatmentAdd(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk treatment add")
	in := r.fs.String("in", "", "the action as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.TreatmentActionInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	t, err := svc.CreateTreatmentAction(ctx, a, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", t.ID, t.Title)
	return nil
}

func cmdRiskTreatmentEdit(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk treatment edit")
	id := r.fs.String("id", "", "treatment action ID (required)")
	in := r.fs.String("in", "", "the fields to change as a JSON `file` (- for standard input)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var body bulkhead.TreatmentActionInput
	if err := readRiskJSON(e, *in, &body); err != nil {
		return err
	}
	body.ScenarioID = nil
	t, err := svc.UpdateTreatmentAction(ctx, a, *id, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", t.ID, t.Status, t.Title)
	return nil
}

func cmdRiskRun(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk run")
	id := r.fs.String("id", "", "scenario ID; empty for the portfolio of every quantitative scenario")
	iterations := r.fs.Int("iterations", 10_000, fmt.Sprintf("simulated years, 1 to %d", service.MaxRunIterations))
	seed := r.fs.Uint64("seed", 0, "random seed")
	whatIf := r.fs.String("what-if", "", "control what-ifs for the scenario: a JSON `file` holding an array of the engine's what_if objects")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	var run *bulkhead.SimulationRun
	switch {
	case *whatIf != "":
		var ws []json.RawMessage
		if err := readRiskJSON(e, *whatIf, &ws); err != nil {
			return err
		}
		run, err = svc.SimulateWhatIf(ctx, a, *id, *iterations, *seed, ws)
	case *id == "":
		run, err = svc.SimulatePortfolio(ctx, a, *iterations, *seed)
	default:
		run, err = svc.SimulateScenario(ctx, a, *id, *iterations, *seed)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "run %s\n", run.ID)
	var out any
	if err := json.Unmarshal(run.Output, &out); err != nil {
		return err
	}
	return riskPrintJSON(e, out)
}

func cmdRiskRerun(ctx context.Context, e *env, args []string) error {
	r := newRiskCLI(e, "risk rerun")
	id := r.fs.String("run", "", "stored run ID (required)")
	svc, a, done, err := r.open(ctx, e, args)
	if err != nil {
		return err
	}
	defer done()
	run, err := svc.SimulationRun(ctx, a, *id)
	if err != nil {
		return err
	}
	again, err := svc.RerunSimulation(ctx, a, *id)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, run.Output) {
		return fmt.Errorf("run %s: the re-run differs from the stored output", run.ID)
	}
	fmt.Fprintf(e.stdout, "run %s: identical (%d bytes of output)\n", run.ID, len(again))
	return nil
}

// benchRiskRegister fills n scenarios through the store in batches, then
// measures the risk register page (web and API) over real HTTP, as
// benchList does for sites.
func benchRiskRegister(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench risk-register")
	db := benchDBFlag(fs)
	n := fs.Int("n", 20_000, "scenarios in the register")
	reqs := fs.Int("requests", 200, "requests per measured page")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	w := e.stdout
	fmt.Fprintf(w, "risk register on %s, %d scenarios\n", b.engine, *n)
	svc, a := b.svc, b.actor
	m, _ := service.BuiltinMatrix(service.Matrix5x5)
	var sites []*bulkhead.Site
	for i, lc := range []string{"NLVEN", "NLRTM", "BEANR", "MXNLD"} {
		name, typ, country := fmt.Sprintf("Site %d", i), "warehouse", lc[:2]
		s, err := svc.CreateSite(ctx, a, bulkhead.SiteInput{Name: &name, Type: &typ, UNLOCODE: &lc, Country: &country})
		if err != nil {
			return err
		}
		sites = append(sites, s)
	}
	var threats []*bulkhead.Threat
	for _, f := range bulkhead.ThreatFamilies {
		name, fam := "Threat "+string(f), string(f)
		t, err := svc.CreateThreat(ctx, a, bulkhead.ThreatInput{Name: &name, Family: &fam})
		if err != nil {
			return err
		}
		threats = append(threats, t)
	}
	var assessments []*bulkhead.RiskAssessment
	for i := range 20 {
		title, method, date := fmt.Sprintf("Assessment %02d", i), "matrix", "2019-01-01"
		next := "2030-01-01"
		if i%5 == 0 {
			next = "2020-01-01" // past its review
		}
		x, err := svc.CreateRiskAssessment(ctx, a, bulkhead.RiskAssessmentInput{Title: &title, Method: &method, Date: &date, NextReview: &next, SiteID: &sites[i%len(sites)].ID})
		if err != nil {
			return err
		}
		assessments = append(assessments, x)
	}
	fill := time.Now()
	const batch = 5000
	// Filling bypasses the service (n audited writes would measure the
	// writes bench again); the rows are what the service would store.
	for done := 0; done < *n; {
		k := min(batch, *n-done)
		err := svc.Store().Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+k; i++ {
				now := bulkhead.Now()
				inh := bulkhead.Rating{Likelihood: 1 + i%5, Consequence: 1 + (i/5)%5}
				res := bulkhead.Rating{Likelihood: 1 + (i/3)%5, Consequence: 1 + (i/7)%5}
				site := sites[i%len(sites)]
				x := &bulkhead.Scenario{ID: bulkhead.NewID(), OrgID: a.OrgID, AssessmentID: assessments[i%len(assessments)].ID, ThreatID: threats[i%len(threats)].ID,
					TargetType: bulkhead.TargetSite, TargetID: site.ID, Title: fmt.Sprintf("Scenario %06d", (i*7919)%*n), Vulnerability: "bench",
					Inherent: inh, Residual: res, InherentLevel: m.Level(inh), CurrentLevel: -1, ResidualLevel: m.Level(res), OwnerID: a.UserID,
					Treatment: bulkhead.TreatReduce, Rationale: "bench", CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateScenario(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += k
	}
	fmt.Fprintf(w, "filled %d scenarios in %s\n", *n, time.Since(fill).Round(time.Millisecond))

	handler, err := newHandler(svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := svc.CreateAPIToken(ctx, a, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := svc.Login(ctx, b.email, b.pw, "127.0.0.1")
	if err != nil {
		return err
	}
	client := srv.Client()
	get := func(path string, hdr func(*http.Request)) func() error {
		return func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
			hdr(req)
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s: %s", path, resp.Status)
			}
			return nil
		}
	}
	api := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+raw) }
	page := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "bulkhead_session", Value: sess}) }
	mid := *n / 2 / 50
	cases := []struct {
		name string
		fn   func() error
	}{
		{"web: /risk first page", get("/risk", page)},
		{"web: /risk page in the middle", get(fmt.Sprintf("/risk?page=%d", mid+1), page)},
		{"web: /risk family=cargo level=2", get("/risk?family=cargo&level=2", page)},
		{"web: /risk site + overdue review", get("/risk?overdue=1&site="+sites[0].ID, page)},
		{"web: /risk sorted by title", get("/risk?sort=title", page)},
		{"web: /risk search q=0042", get("/risk?q=0042", page)},
		{"API: first page", get("/api/v1/risk/scenarios?limit=50", api)},
		{"API: family=cyber", get("/api/v1/risk/scenarios?limit=50&family=cyber", api)},
	}
	fmt.Fprintf(w, "%-36s %9s %9s %9s  (%d requests each, page of 50; target p99 < 100 ms)\n", "page", "p50", "p99", "max", *reqs)
	for _, c := range cases {
		for range 5 {
			if err := c.fn(); err != nil {
				return err
			}
		}
		ds := make([]time.Duration, *reqs)
		for i := range *reqs {
			start := time.Now()
			if err := c.fn(); err != nil {
				return err
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Fprintf(w, "%-36s %9s %9s %9s\n", c.name, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	return nil
}
