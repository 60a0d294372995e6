package oscal

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/catalog"
)

// Assessment is what the assessment-results and POA&M exports need.
type Assessment struct {
	ID          string
	Title       string
	Description string
	Start       time.Time
	Framework   *catalog.Framework
	Results     []Result
	Actions     []Action
}

// Result is the answer to one requirement.
type Result struct {
	NodeURN       string
	Status        string // Bulkhead's result status
	Notes         string
	Justification string
	Controls      string
	Evidence      []Evidence
}

// Evidence is one file or link.
type Evidence struct {
	ID, Name, URL, SHA256 string
	Collected             time.Time
	ValidUntil            *time.Time
}

// Action is a planned action on a gap.
type Action struct {
	ID, NodeURN, Title, Notes, Status string
	Due                               *time.Time
}

type controlSelection struct {
	IncludeAll *struct{} `json:"include-all,omitempty"`
}

type relevantEvidence struct {
	Href        string `json:"href,omitempty"`
	Description string `json:"description"`
}

type observation struct {
	UUID             string             `json:"uuid"`
	Title            string             `json:"title,omitempty"`
	Description      string             `json:"description"`
	Props            []prop             `json:"props,omitempty"`
	Methods          []string           `json:"methods"`
	Types            []string           `json:"types,omitempty"`
	RelevantEvidence []relevantEvidence `json:"relevant-evidence,omitempty"`
	Collected        string             `json:"collected"`
	Expires          string             `json:"expires,omitempty"`
	Remarks          string             `json:"remarks,omitempty"`
}

type findingStatus struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

type findingTarget struct {
	Type     string        `json:"type"`
	TargetID string        `json:"target-id"`
	Title    string        `json:"title,omitempty"`
	Status   findingStatus `json:"status"`
}

type obsRef struct {
	ObservationUUID string `json:"observation-uuid"`
}

type finding struct {
	UUID                string        `json:"uuid"`
	Title               string        `json:"title"`
	Description         string        `json:"description"`
	Props               []prop        `json:"props,omitempty"`
	Target              findingTarget `json:"target"`
	RelatedObservations []obsRef      `json:"related-observations,omitempty"`
	Remarks             string        `json:"remarks,omitempty"`
}

type result struct {
	UUID             string        `json:"uuid"`
	Title            string        `json:"title"`
	Description      string        `json:"description"`
	Start            string        `json:"start"`
	ReviewedControls reviewed      `json:"reviewed-controls"`
	Observations     []observation `json:"observations,omitempty"`
	Findings         []finding     `json:"findings,omitempty"`
}

type reviewed struct {
	ControlSelections []controlSelection `json:"control-selections"`
}

type arDoc struct {
	AR struct {
		UUID     string   `json:"uuid"`
		Metadata metadata `json:"metadata"`
		ImportAP struct {
			Href string `json:"href"`
		} `json:"import-ap"`
		Results []result `json:"results"`
	} `json:"assessment-results"`
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func nodeIndex(fw *catalog.Framework) map[string]*catalog.RequirementNode {
	m := map[string]*catalog.RequirementNode{}
	for i := range fw.RequirementNodes {
		m[fw.RequirementNodes[i].URN] = &fw.RequirementNodes[i]
	}
	return m
}

// AssessmentResults writes an assessment as OSCAL assessment-results: one
// result, an observation per answered requirement (with its evidence) and a
// finding per requirement judged compliant or not.
func AssessmentResults(a *Assessment, now time.Time) ([]byte, error) {
	ids := ControlIDs(a.Framework)
	nodes := nodeIndex(a.Framework)
	var doc arDoc
	doc.AR.UUID = UUID("assessment-results", a.ID, ts(now))
	doc.AR.Metadata = meta(a.Title, ts(now), "Exported by Bulkhead from a compliance assessment of "+a.Framework.Name+".", now)
	doc.AR.ImportAP.Href = "#"
	r := result{UUID: UUID("result", a.ID), Title: a.Title, Description: a.Description, Start: ts(a.Start),
		ReviewedControls: reviewed{ControlSelections: []controlSelection{{IncludeAll: &struct{}{}}}}}
	if r.Description == "" {
		r.Description = "Compliance assessment against " + a.Framework.Name + "."
	}
	for _, res := range a.Results {
		n := nodes[res.NodeURN]
		if n == nil || res.Status == "not_assessed" {
			continue
		}
		o := observation{UUID: UUID("observation", a.ID, res.NodeURN), Title: nodeTitle(n), Methods: []string{"EXAMINE"}, Collected: ts(a.Start),
			Description: fmt.Sprintf("%s %s: %s", n.RefID, nodeTitle(n), res.Status),
			Props:       []prop{{Name: "status", Value: res.Status, NS: NS}}, Remarks: joinNonEmpty(res.Notes, res.Justification, res.Controls)}
		for _, e := range res.Evidence {
			re := relevantEvidence{Description: e.Name}
			if e.URL != "" {
				re.Href = e.URL
			} else {
				re.Description += " (SHA-256 " + e.SHA256 + ")"
			}
			o.RelevantEvidence = append(o.RelevantEvidence, re)
			if e.Collected.After(a.Start) {
				o.Collected = ts(e.Collected)
			}
		}
		r.Observations = append(r.Observations, o)
		var state, reason string
		switch res.Status {
		case "compliant":
			state, reason = "satisfied", "pass"
		case "partially_compliant", "non_compliant":
			state, reason = "not-satisfied", "fail"
		default:
			continue // not applicable: observed, not judged
		}
		r.Findings = append(r.Findings, finding{UUID: UUID("finding", a.ID, res.NodeURN), Title: fmt.Sprintf("%s %s", n.RefID, nodeTitle(n)),
			Description:         fmt.Sprintf("Requirement %s judged %s.", n.RefID, res.Status),
			Target:              findingTarget{Type: "objective-id", TargetID: ids[n.URN], Status: findingStatus{State: state, Reason: reason}},
			RelatedObservations: []obsRef{{ObservationUUID: o.UUID}}})
	}
	doc.AR.Results = []result{r}
	return json.MarshalIndent(doc, "", "  ")
}

func joinNonEmpty(xs ...string) string {
	out := ""
	for _, x := range xs {
		if x == "" {
			continue
		}
		if out != "" {
			out += "\n\n"
		}
		out += x
	}
	return out
}

type timing struct {
	OnDate struct {
		Date string `json:"date"`
	} `json:"on-date"`
}

type task struct {
	UUID        string  `json:"uuid"`
	Type        string  `json:"type"`
	Title       string  `json:"title"`
	Description string  `json:"description,omitempty"`
	Props       []prop  `json:"props,omitempty"`
	Timing      *timing `json:"timing,omitempty"`
}

type remediation struct {
	UUID        string `json:"uuid"`
	Lifecycle   string `json:"lifecycle"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Tasks       []task `json:"tasks,omitempty"`
}

type risk struct {
	UUID         string        `json:"uuid"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	Statement    string        `json:"statement"`
	Status       string        `json:"status"`
	Deadline     string        `json:"deadline,omitempty"`
	Remediations []remediation `json:"remediations,omitempty"`
}

type riskRef struct {
	RiskUUID string `json:"risk-uuid"`
}

type poamItem struct {
	UUID         string    `json:"uuid"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Props        []prop    `json:"props,omitempty"`
	RelatedRisks []riskRef `json:"related-risks,omitempty"`
}

type poamDoc struct {
	POAM struct {
		UUID      string     `json:"uuid"`
		Metadata  metadata   `json:"metadata"`
		Risks     []risk     `json:"risks,omitempty"`
		POAMItems []poamItem `json:"poam-items"`
	} `json:"plan-of-action-and-milestones"`
}

// ErrNoGaps is returned by POAM for an assessment with no open gap.
var ErrNoGaps = fmt.Errorf("oscal: the assessment has no open gaps")

// POAM writes the open gaps of an assessment (requirements judged partly
// or not compliant) and their actions as an OSCAL plan of action and
// milestones: one risk and one POA&M item per gap, the actions as
// remediation tasks with their due dates. ErrNoGaps when there are none
// (OSCAL requires at least one item).
func POAM(a *Assessment, now time.Time) ([]byte, error) {
	nodes := nodeIndex(a.Framework)
	var doc poamDoc
	doc.POAM.UUID = UUID("poam", a.ID, ts(now))
	doc.POAM.Metadata = meta("Plan of action: "+a.Title, ts(now), "Open gaps of a compliance assessment against "+a.Framework.Name+", exported by Bulkhead.", now)
	actions := map[string][]Action{}
	for _, c := range a.Actions {
		actions[c.NodeURN] = append(actions[c.NodeURN], c)
	}
	for _, res := range a.Results {
		n := nodes[res.NodeURN]
		if n == nil || (res.Status != "partially_compliant" && res.Status != "non_compliant") {
			continue
		}
		title := fmt.Sprintf("%s %s", n.RefID, nodeTitle(n))
		rk := risk{UUID: UUID("risk", a.ID, res.NodeURN), Title: "Gap: " + title, Description: fmt.Sprintf("Requirement %s is %s.", n.RefID, res.Status),
			Statement: joinNonEmpty(res.Notes, n.Description), Status: "open"}
		if rk.Statement == "" {
			rk.Statement = rk.Description
		}
		var latest *time.Time
		for _, c := range actions[res.NodeURN] {
			life := "planned"
			if c.Status == "done" {
				life = "completed"
			}
			rem := remediation{UUID: UUID("remediation", c.ID), Lifecycle: life, Title: c.Title, Description: joinNonEmpty(c.Notes, c.Title)}
			if c.Due != nil {
				tk := task{UUID: UUID("task", c.ID), Type: "milestone", Title: "Due: " + c.Title, Timing: &timing{}}
				tk.Timing.OnDate.Date = ts(*c.Due)
				rem.Tasks = []task{tk}
				if latest == nil || c.Due.After(*latest) {
					latest = c.Due
				}
			}
			rk.Remediations = append(rk.Remediations, rem)
		}
		if latest != nil {
			rk.Deadline = ts(*latest)
		}
		doc.POAM.Risks = append(doc.POAM.Risks, rk)
		doc.POAM.POAMItems = append(doc.POAM.POAMItems, poamItem{UUID: UUID("poam-item", a.ID, res.NodeURN), Title: title,
			Description: rk.Description, Props: []prop{{Name: "status", Value: res.Status, NS: NS}}, RelatedRisks: []riskRef{{RiskUUID: rk.UUID}}})
	}
	if len(doc.POAM.POAMItems) == 0 {
		return nil, ErrNoGaps
	}
	return json.MarshalIndent(doc, "", "  ")
}
