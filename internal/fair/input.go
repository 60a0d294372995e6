package fair

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Limits of one run. They keep a mistyped input from running for hours or
// exhausting memory; each is reported as a field error.
const (
	MaxIterations = 10_000_000  // iterations of one run
	MaxSamples    = 100_000_000 // iterations × (scenarios + what-ifs): 800 MB of float64 losses
	MaxFrequency  = 100_000_000 // a frequency parameter, in events a year
	MaxLoss       = 1e15        // a loss parameter
	MaxInputBytes = 32 << 20    // the JSON document Decode reads
)

// DefaultIterations is the number of iterations Decode uses when the
// document gives none; the same default as pyfair and evaluator.
const DefaultIterations = 10_000

// Frequency models.
const (
	// FreqPoisson: the number of threat events in a year is a Poisson count
	// whose rate is one draw of the TEF distribution.
	FreqPoisson = "poisson"
	// FreqRounded: the number of threat events is one TEF draw rounded to
	// the nearest integer, halves to even (evaluator).
	FreqRounded = "rounded"
)

// Vulnerability models.
const (
	// VulnAuto picks VulnProbability for a scenario that gives a
	// vulnerability and VulnPerEvent for one that gives a threat capability
	// and controls. Results always record the model actually used.
	VulnAuto = "auto"
	// VulnProbability: one vulnerability draw per year; each threat event
	// becomes a loss event with that probability.
	VulnProbability = "probability"
	// VulnPerEvent: for each threat event, one threat-capability draw and
	// one difficulty draw per control; a loss event iff the capability
	// exceeds the mean of the difficulties (evaluator).
	VulnPerEvent = "per_event"
)

// Magnitude models.
const (
	// MagPerEvent: every loss event draws its own primary (and secondary)
	// loss; the year's loss is their sum.
	MagPerEvent = "per_event"
	// MagPerYear: one primary (and secondary) draw a year, multiplied by the
	// number of loss events (pyfair's LEF × LM).
	MagPerYear = "per_year"
)

// Dependence between scenarios of a run.
const (
	// Independent: every scenario has its own random streams, derived from
	// (seed, scenario ID).
	Independent = "independent"
	// SharedStream: every scenario draws from streams derived from the seed
	// alone (common random numbers across scenarios, as when evaluator or
	// pyfair reseed each model with the same seed). Factors with equal
	// distributions move together year by year, which fattens the
	// portfolio's tail. Use it only to reproduce such tools or to model a
	// common shock on purpose.
	SharedStream = "shared_stream"
)

// Model holds the model options. An empty field takes the run's value, or
// the default: poisson, auto, per_event.
type Model struct {
	Frequency     string `json:"frequency,omitempty"`
	Vulnerability string `json:"vulnerability,omitempty"`
	Magnitude     string `json:"magnitude,omitempty"`
}

// merge returns m with its empty fields taken from def.
func (m Model) merge(def Model) Model {
	if m.Frequency == "" {
		m.Frequency = def.Frequency
	}
	if m.Vulnerability == "" {
		m.Vulnerability = def.Vulnerability
	}
	if m.Magnitude == "" {
		m.Magnitude = def.Magnitude
	}
	return m
}

var defaultModel = Model{Frequency: FreqPoisson, Vulnerability: VulnAuto, Magnitude: MagPerEvent}

// Input is one simulation request: the JSON document that Decode reads.
type Input struct {
	// Iterations is the number of simulated years, 1 to MaxIterations.
	Iterations int `json:"iterations"`
	// Seed selects the random streams; the same input and seed give the
	// same output, bit for bit.
	Seed uint64 `json:"seed"`
	// Model holds the defaults for every scenario.
	Model Model `json:"model,omitzero"`
	// Dependence is Independent (the default) or SharedStream.
	Dependence string `json:"dependence,omitempty"`
	// Tolerance is the annual loss whose probability of being exceeded is
	// reported for the portfolio and for scenarios that give none.
	Tolerance *float64 `json:"tolerance,omitempty"`
	// Percentiles to report, in percent (0 to 100). Default
	// DefaultPercentiles.
	Percentiles []float64 `json:"percentiles,omitempty"`
	// Scenarios are simulated and, when there are two or more, summed per
	// iteration into the portfolio.
	Scenarios []Scenario `json:"scenarios"`
	// WhatIf lists changed copies of scenarios to compare with their base.
	WhatIf []WhatIf `json:"what_if,omitempty"`
}

// DefaultPercentiles are reported when an Input gives none.
var DefaultPercentiles = []float64{1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9}

// Scenario is one loss scenario. It gives either Vulnerability, or
// ThreatCapability and at least one control.
type Scenario struct {
	// ID names the scenario's random streams; unique within the input.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Model overrides the run's model options for this scenario.
	Model Model `json:"model,omitzero"`
	// TEF is the threat-event frequency, in events a year.
	TEF *Dist `json:"tef"`
	// Vulnerability is the probability that a threat event becomes a loss
	// event (vulnerability model "probability").
	Vulnerability *Dist `json:"vulnerability,omitempty"`
	// ThreatCapability is the attacker's strength on [0, 1] (vulnerability
	// model "per_event").
	ThreatCapability *Dist `json:"threat_capability,omitempty"`
	// Controls resist each threat event (vulnerability model "per_event").
	Controls []Control `json:"controls,omitempty"`
	// PrimaryLoss is the loss of one loss event.
	PrimaryLoss *Dist `json:"primary_loss"`
	// SecondaryLoss, when given, is added to every primary loss.
	SecondaryLoss *Dist `json:"secondary_loss,omitempty"`
	// Tolerance overrides the run's tolerance for this scenario.
	Tolerance *float64 `json:"tolerance,omitempty"`
}

// Control is one control's difficulty (resistance strength) on [0, 1].
type Control struct {
	// ID names the control's random stream; unique within the scenario.
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Difficulty *Dist  `json:"difficulty"`
}

// WhatIf is a changed copy of a scenario, simulated on the same random
// streams as its base (common random numbers), so that the change in
// annual loss shows the effect of the change rather than sampling noise.
type WhatIf struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Scenario string `json:"scenario"` // the base scenario's ID
	// Factors that replace the base's when given.
	TEF              *Dist `json:"tef,omitempty"`
	Vulnerability    *Dist `json:"vulnerability,omitempty"`
	ThreatCapability *Dist `json:"threat_capability,omitempty"`
	PrimaryLoss      *Dist `json:"primary_loss,omitempty"`
	SecondaryLoss    *Dist `json:"secondary_loss,omitempty"`
	// Controls replace the base's controls of the same ID or are added.
	Controls []Control `json:"controls,omitempty"`
	// RemoveControls lists IDs of the base's controls to drop.
	RemoveControls []string `json:"remove_controls,omitempty"`
}

// apply returns the scenario that w makes of base.
func (w *WhatIf) apply(base *Scenario) Scenario {
	s := *base
	s.Name = w.Name
	for _, f := range []struct {
		dst **Dist
		src *Dist
	}{
		{&s.TEF, w.TEF}, {&s.Vulnerability, w.Vulnerability}, {&s.ThreatCapability, w.ThreatCapability},
		{&s.PrimaryLoss, w.PrimaryLoss}, {&s.SecondaryLoss, w.SecondaryLoss},
	} {
		if f.src != nil {
			*f.dst = f.src
		}
	}
	s.Controls = nil
	for _, c := range base.Controls {
		if !slices.Contains(w.RemoveControls, c.ID) {
			s.Controls = append(s.Controls, c)
		}
	}
	for _, c := range w.Controls {
		if i := slices.IndexFunc(s.Controls, func(x Control) bool { return x.ID == c.ID }); i >= 0 {
			s.Controls[i] = c
		} else {
			s.Controls = append(s.Controls, c)
		}
	}
	return s
}

// ValidationError lists every problem of an input, keyed by the JSON path
// of the field, e.g. "scenarios[2].tef.mode": "must be between min and max".
type ValidationError struct {
	Fields map[string]string
}

// Error lists the fields one per line, in document order.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("the risk input is not valid:")
	for _, k := range e.paths() {
		fmt.Fprintf(&b, "\n  %s: %s", k, e.Fields[k])
	}
	return b.String()
}

// paths returns the field paths sorted with array indices in numeric
// order, so scenarios[2] comes before scenarios[10].
func (e *ValidationError) paths() []string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, comparePaths)
	return keys
}

func comparePaths(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if na != nb {
				return na - nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitsPrefix(s string) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// fieldErrors collects field errors; the first message for a path wins.
type fieldErrors map[string]string

func (fe fieldErrors) add(path, msg string) {
	if _, ok := fe[path]; !ok {
		fe[path] = msg
	}
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}

// Decode reads one JSON input document. Unknown fields, values of the wrong
// JSON type and malformed JSON are reported as a *ValidationError naming
// the field (or "input" for the document as a whole). Iterations defaults
// to DefaultIterations when absent. Decode does not validate values: call
// Validate, or Simulate, which does.
func Decode(r io.Reader) (*Input, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxInputBytes {
		return nil, &ValidationError{Fields: map[string]string{"input": fmt.Sprintf("is larger than %d bytes", MaxInputBytes)}}
	}
	// First pass: the document as generic JSON, checked against the shape of
	// Input so that every error names its field with array indices.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &ValidationError{Fields: map[string]string{"input": "is not valid JSON: " + jsonProblem(err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ValidationError{Fields: map[string]string{"input": "has more after the JSON document"}}
	}
	fe := fieldErrors{}
	checkShape("", doc, reflect.TypeFor[Input](), fe)
	if err := fe.err(); err != nil {
		return nil, err
	}
	// Second pass: the typed decode, now known to succeed.
	in := &Input{Iterations: DefaultIterations}
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return nil, &ValidationError{Fields: map[string]string{"input": err.Error()}}
	}
	return in, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the document is empty or cut short"
	}
	return err.Error()
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkShape compares a generic JSON value with the Go type it will be
// decoded into and adds an error for every unknown field and wrong type.
func checkShape(path string, v any, t reflect.Type, fe fieldErrors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil { // null leaves the field at its zero value
		return
	}
	where := path
	if where == "" {
		where = "input"
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			fe.add(where, "must be a JSON object")
			return
		}
		fields := map[string]reflect.Type{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.IsExported() && name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for k, val := range obj {
			ft, ok := fields[k]
			if !ok {
				fe.add(joinPath(path, k), "is not a known field")
				continue
			}
			checkShape(joinPath(path, k), val, ft, fe)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			fe.add(where, "must be a JSON array")
			return
		}
		for i, e := range arr {
			checkShape(fmt.Sprintf("%s[%d]", path, i), e, t.Elem(), fe)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			fe.add(where, "must be a string")
		}
	case reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			fe.add(where, "must be a number")
			return
		}
		if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
			fe.add(where, "must be a finite number")
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if _, err := strconv.ParseInt(string(n), 10, 64); !ok || err != nil {
			fe.add(where, "must be a whole number")
		}
	case reflect.Uint64:
		n, ok := v.(json.Number)
		if _, err := strconv.ParseUint(string(n), 10, 64); !ok || err != nil {
			fe.add(where, "must be a whole number from 0 to 18446744073709551615")
		}
	}
}

// Validate checks every field of the input and returns a *ValidationError
// listing all problems, or nil. Simulate calls it before simulating.
func (in *Input) Validate() error {
	_, err := in.plan()
	return err
}

// oneOf returns "" if v is empty or one of allowed, else the message.
func oneOf(v string, allowed ...string) string {
	if v == "" || slices.Contains(allowed, v) {
		return ""
	}
	q := make([]string, len(allowed))
	for i, a := range allowed {
		q[i] = strconv.Quote(a)
	}
	return fmt.Sprintf("must be one of %s (or left out), not %q", strings.Join(q, ", "), v)
}

func (m Model) validate(path string, fe fieldErrors) {
	if msg := oneOf(m.Frequency, FreqPoisson, FreqRounded); msg != "" {
		fe.add(path+".frequency", msg)
	}
	if msg := oneOf(m.Vulnerability, VulnAuto, VulnProbability, VulnPerEvent); msg != "" {
		fe.add(path+".vulnerability", msg)
	}
	if msg := oneOf(m.Magnitude, MagPerEvent, MagPerYear); msg != "" {
		fe.add(path+".magnitude", msg)
	}
}

func validTolerance(path string, t *float64, fe fieldErrors) {
	if t != nil && !(*t >= 0 && *t <= math.MaxFloat64) {
		fe.add(path, "must be a non-negative loss")
	}
}

// validateScenario checks a scenario's own fields; m is its merged model.
// It returns the vulnerability model the scenario will use.
func validateScenario(path string, s *Scenario, m Model, fe fieldErrors) string {
	if s.ID == "" {
		fe.add(path+".id", "is required")
	}
	s.Model.validate(path+".model", fe)
	s.TEF.validate(path+".tef", roleFrequency, fe)
	s.PrimaryLoss.validate(path+".primary_loss", roleLoss, fe)
	if s.SecondaryLoss != nil {
		s.SecondaryLoss.validate(path+".secondary_loss", roleLoss, fe)
	}
	validTolerance(path+".tolerance", s.Tolerance, fe)
	return validateVulnerability(path, s, m, fe, true)
}

// validateVulnerability checks the scenario's vulnerability inputs against
// its vulnerability model; dists says whether to check the distributions
// themselves too.
func validateVulnerability(path string, s *Scenario, m Model, fe fieldErrors, dists bool) string {
	hasV := s.Vulnerability != nil
	hasTC := s.ThreatCapability != nil || len(s.Controls) > 0
	vm := m.Vulnerability
	if vm == VulnAuto || vm == "" {
		vm = VulnProbability
		if hasTC && !hasV {
			vm = VulnPerEvent
		}
	}
	switch vm {
	case VulnProbability:
		if !hasV {
			fe.add(path+".vulnerability", `is required by the "probability" vulnerability model (or give threat_capability and controls for "per_event")`)
		} else if dists {
			s.Vulnerability.validate(path+".vulnerability", roleProbability, fe)
		}
		if s.ThreatCapability != nil {
			fe.add(path+".threat_capability", `is not used by the "probability" vulnerability model: give either vulnerability or threat_capability with controls`)
		}
		if len(s.Controls) > 0 {
			fe.add(path+".controls", `are not used by the "probability" vulnerability model: give either vulnerability or threat_capability with controls`)
		}
	case VulnPerEvent:
		if hasV {
			fe.add(path+".vulnerability", `is not used by the "per_event" vulnerability model: give either vulnerability or threat_capability with controls`)
		}
		if s.ThreatCapability == nil {
			fe.add(path+".threat_capability", `is required by the "per_event" vulnerability model`)
		} else if dists {
			s.ThreatCapability.validate(path+".threat_capability", roleProbability, fe)
		}
		if len(s.Controls) == 0 {
			fe.add(path+".controls", `must list at least one control for the "per_event" vulnerability model`)
		}
	}
	if !dists {
		return vm
	}
	seen := map[string]bool{}
	for j := range s.Controls {
		c := &s.Controls[j]
		cp := fmt.Sprintf("%s.controls[%d]", path, j)
		switch {
		case c.ID == "":
			fe.add(cp+".id", "is required")
		case seen[c.ID]:
			fe.add(cp+".id", fmt.Sprintf("repeats control %q", c.ID))
		}
		seen[c.ID] = true
		c.Difficulty.validate(cp+".difficulty", roleProbability, fe)
	}
	return vm
}
