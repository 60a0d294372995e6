package service

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
)

// ---- audit views

func riskThreatAudit(t *bulkhead.Threat) map[string]any {
	return map[string]any{"ref": t.Ref, "name": t.Name, "family": string(t.Family), "description": t.Description}
}

func riskDateStr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func riskAssessmentAudit(x *bulkhead.RiskAssessment) map[string]any {
	return map[string]any{"title": x.Title, "scope": x.Scope, "site_id": x.SiteID, "method": string(x.Method), "matrix": x.Matrix.Name,
		"assessor_id": x.AssessorID, "date": x.Date.Format(time.DateOnly), "status": string(x.Status), "next_review": riskDateStr(x.NextReview)}
}

func riskRatingStr(r bulkhead.Rating) string {
	if !r.Rated() {
		return ""
	}
	return strings.Join([]string{riskItoa(r.Likelihood), riskItoa(r.Consequence)}, "x")
}

func riskItoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func riskScenarioAudit(x *bulkhead.Scenario) map[string]any {
	m := map[string]any{"title": x.Title, "threat_id": x.ThreatID, "target": string(x.TargetType) + ":" + x.TargetID,
		"vulnerability": x.Vulnerability, "existing_controls": x.ExistingControls,
		"inherent": riskRatingStr(x.Inherent), "current": riskRatingStr(x.Current), "residual": riskRatingStr(x.Residual),
		"owner_id": x.OwnerID, "treatment": string(x.Treatment), "rationale": x.Rationale}
	if x.TVC != nil {
		m["tvc"] = riskItoa(x.TVC.Threat) + "/" + riskItoa(x.TVC.Vulnerability) + "/" + riskItoa(x.TVC.Consequence)
	}
	if x.Carver != nil {
		b, _ := json.Marshal(x.Carver)
		m["carver"] = string(b)
	}
	if x.FAIR != nil {
		m["fair"] = string(x.FAIR)
	}
	return m
}

func riskControlAudit(c *bulkhead.Control) map[string]any {
	return map[string]any{"name": c.Name, "category": string(c.Category), "owner_id": c.OwnerID, "status": string(c.Status),
		"site_ids": strings.Join(c.SiteIDs, ","), "evidence": strings.Join(c.Evidence, " "), "effectiveness": c.Effectiveness, "description": c.Description}
}

func riskActionAudit(t *bulkhead.TreatmentAction) map[string]any {
	return map[string]any{"title": t.Title, "control_id": t.ControlID, "owner_id": t.OwnerID, "due": riskDateStr(t.Due), "status": string(t.Status)}
}

// ---- reference checks

// checkMember records a field error unless userID is "" or a member of the
// organisation.
func riskCheckMember(ctx context.Context, r bulkhead.Reader, orgID, field, userID string, f map[string]string) error {
	if userID == "" {
		return nil
	}
	if _, err := r.Membership(ctx, orgID, userID); err != nil {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return err
		}
		f[field] = bulkhead.FieldChoice
	}
	return nil
}

// checkSite records a field error unless siteID is "" or a site of the
// organisation.
func riskCheckSite(ctx context.Context, r bulkhead.Reader, orgID, field, siteID string, f map[string]string) error {
	if siteID == "" {
		return nil
	}
	if _, err := r.Site(ctx, orgID, siteID); err != nil {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return err
		}
		f[field] = bulkhead.FieldChoice
	}
	return nil
}

// checkTarget resolves a scenario's target. Adding a target type means a
// case here.
func riskCheckTarget(ctx context.Context, r bulkhead.Reader, orgID string, t bulkhead.TargetType, id string, f map[string]string) error {
	if id == "" || f["target_type"] != "" {
		return nil
	}
	switch t {
	case bulkhead.TargetSite:
		return riskCheckSite(ctx, r, orgID, "target_id", id, f)
	}
	return nil
}

func riskMerge(err error, f map[string]string) error {
	if err == nil && len(f) == 0 {
		return nil
	}
	all := map[string]string{}
	for k, v := range bulkhead.ErrorFields(err) {
		all[k] = v
	}
	for k, v := range f {
		all[k] = v
	}
	if err != nil && bulkhead.ErrorCode(err) != bulkhead.EINVALID {
		return err
	}
	return bulkhead.Invalid(all)
}

// ---- threats

// Threats lists the threat catalogue. EFORBIDDEN.
func (s *Service) Threats(ctx context.Context, a Actor) ([]*bulkhead.Threat, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Threats(ctx, a.OrgID)
}

// Threat returns a threat. EFORBIDDEN, ENOTFOUND.
func (s *Service) Threat(ctx context.Context, a Actor, id string) (*bulkhead.Threat, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Threat(ctx, a.OrgID, id)
}

// CreateThreat adds a threat to the catalogue. EFORBIDDEN, EINVALID, ECONFLICT.
func (s *Service) CreateThreat(ctx context.Context, a Actor, in bulkhead.ThreatInput) (*bulkhead.Threat, error) {
	if err := authorize(a, ActRiskCatalogue); err != nil {
		return nil, err
	}
	now := s.now()
	t := &bulkhead.Threat{ID: bulkhead.NewID(), OrgID: a.OrgID, CreatedAt: now, UpdatedAt: now}
	in.Apply(t)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateThreat(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_threat.create", "risk_threat", t.ID, map[string]any{"after": riskThreatAudit(t)})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateThreat changes a threat. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateThreat(ctx context.Context, a Actor, id string, in bulkhead.ThreatInput) (*bulkhead.Threat, error) {
	if err := authorize(a, ActRiskCatalogue); err != nil {
		return nil, err
	}
	var out *bulkhead.Threat
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		t, err := tx.Threat(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := riskThreatAudit(t)
		in.Apply(t)
		if err := t.Validate(); err != nil {
			return err
		}
		out = t
		changes := diff(before, riskThreatAudit(t))
		if len(changes) == 0 {
			return nil
		}
		t.UpdatedAt = s.now()
		if err := tx.UpdateThreat(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_threat.update", "risk_threat", t.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- assessments

// RiskAssessments lists the organisation's assessments, newest first. EFORBIDDEN.
func (s *Service) RiskAssessments(ctx context.Context, a Actor) ([]*bulkhead.RiskAssessment, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.RiskAssessments(ctx, a.OrgID)
}

// RiskAssessment returns an assessment. EFORBIDDEN, ENOTFOUND.
func (s *Service) RiskAssessment(ctx context.Context, a Actor, id string) (*bulkhead.RiskAssessment, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.RiskAssessment(ctx, a.OrgID, id)
}

// RiskCreateAssessment starts a draft assessment on the chosen matrix (default:
// the organisation's), which it keeps a copy of. EFORBIDDEN, EINVALID.
func (s *Service) CreateRiskAssessment(ctx context.Context, a Actor, in bulkhead.RiskAssessmentInput) (*bulkhead.RiskAssessment, error) {
	if err := authorize(a, ActRiskAssess); err != nil {
		return nil, err
	}
	now := s.now()
	x := &bulkhead.RiskAssessment{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.RiskDraft, CreatedAt: now, UpdatedAt: now}
	if !a.System {
		x.AssessorID = a.UserID
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		f := map[string]string{}
		in.Apply(x, f)
		key := ""
		if in.Matrix != nil {
			key = strings.TrimSpace(*in.Matrix)
		}
		if key == "" {
			st, err := tx.RiskSettings(ctx, a.OrgID)
			if err != nil {
				return err
			}
			key = st.MatrixID
		}
		m, err := riskMatrixFor(ctx, tx, a.OrgID, key)
		if err != nil {
			f["matrix"] = bulkhead.FieldChoice
			m = riskBuiltinMatrices[Matrix5x5]
		}
		x.Matrix = m
		if err := riskCheckSite(ctx, tx, a.OrgID, "site_id", x.SiteID, f); err != nil {
			return err
		}
		if err := riskCheckMember(ctx, tx, a.OrgID, "assessor_id", x.AssessorID, f); err != nil {
			return err
		}
		if err := x.Validate(f); err != nil {
			return err
		}
		if err := tx.CreateRiskAssessment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_assessment.create", "risk_assessment", x.ID, map[string]any{"after": riskAssessmentAudit(x)})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// RiskUpdateAssessment changes an assessment's fields (not its matrix or
// status). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateRiskAssessment(ctx context.Context, a Actor, id string, in bulkhead.RiskAssessmentInput) (*bulkhead.RiskAssessment, error) {
	if err := authorize(a, ActRiskAssess); err != nil {
		return nil, err
	}
	var out *bulkhead.RiskAssessment
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.RiskAssessment(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := riskAssessmentAudit(x)
		f := map[string]string{}
		method := x.Method
		in.Matrix = nil
		in.Apply(x, f)
		if x.Method != method {
			n, err := tx.AssessmentScenarios(ctx, a.OrgID, x.ID)
			if err != nil {
				return err
			}
			if len(n) > 0 {
				f["method"] = bulkhead.FieldMismatch
			}
		}
		if err := riskCheckSite(ctx, tx, a.OrgID, "site_id", x.SiteID, f); err != nil {
			return err
		}
		if err := riskCheckMember(ctx, tx, a.OrgID, "assessor_id", x.AssessorID, f); err != nil {
			return err
		}
		if err := x.Validate(f); err != nil {
			return err
		}
		out = x
		changes := diff(before, riskAssessmentAudit(x))
		if len(changes) == 0 {
			return nil
		}
		x.UpdatedAt = s.now()
		if err := tx.UpdateRiskAssessment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_assessment.update", "risk_assessment", x.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RiskSetAssessmentStatus moves an assessment through its workflow: draft →
// in_review (risk.assess; every scenario must have a residual rating),
// in_review → approved (risk.approve), in_review → draft (returned) and
// approved → draft (reopened) (risk.assess). EFORBIDDEN, ENOTFOUND,
// EINVALID, ECONFLICT.
func (s *Service) SetRiskAssessmentStatus(ctx context.Context, a Actor, id string, to bulkhead.RiskAssessmentStatus) (*bulkhead.RiskAssessment, error) {
	need := ActRiskAssess
	if to == bulkhead.RiskApproved {
		need = ActRiskApprove
	}
	if err := authorize(a, need); err != nil {
		return nil, err
	}
	if !slices.Contains(bulkhead.RiskAssessmentStatuses, to) {
		return nil, bulkhead.Invalid(map[string]string{"status": bulkhead.FieldChoice})
	}
	var out *bulkhead.RiskAssessment
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.RiskAssessment(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		out = x
		from := x.Status
		ok := (from == bulkhead.RiskDraft && to == bulkhead.RiskInReview) ||
			(from == bulkhead.RiskInReview && (to == bulkhead.RiskApproved || to == bulkhead.RiskDraft)) ||
			(from == bulkhead.RiskApproved && to == bulkhead.RiskDraft)
		if !ok {
			return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "An assessment cannot move from " + string(from) + " to " + string(to) + ".",
				Fields: map[string]string{"status": bulkhead.FieldChoice}}
		}
		if to == bulkhead.RiskInReview {
			scs, err := tx.AssessmentScenarios(ctx, a.OrgID, x.ID)
			if err != nil {
				return err
			}
			if len(scs) == 0 {
				return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "The assessment has no scenarios to review.", Fields: map[string]string{"status": bulkhead.FieldRequired}}
			}
			for _, sc := range scs {
				if !sc.Residual.Rated() {
					return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "Every scenario needs a residual rating before review: " + sc.Title + ".",
						Fields: map[string]string{"residual": bulkhead.FieldRequired}}
				}
			}
		}
		now := s.now()
		x.Status, x.UpdatedAt = to, now
		if to == bulkhead.RiskApproved {
			x.ApprovedAt = &now
			x.ApprovedBy = ""
			if !a.System {
				x.ApprovedBy = a.UserID
			}
		} else {
			x.ApprovedAt, x.ApprovedBy = nil, ""
		}
		if err := tx.UpdateRiskAssessment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_assessment.status", "risk_assessment", x.ID, map[string]any{"from": string(from), "to": string(to)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- scenarios

// rate fills a scenario's levels from its assessment's matrix; TVC and
// CARVER scores, when given under those methods, set the current rating.
func riskRate(x *bulkhead.Scenario, as *bulkhead.RiskAssessment) {
	m := as.Matrix
	switch {
	case as.Method == bulkhead.MethodTVC && x.TVC != nil && x.TVC.Threat >= 1 && x.TVC.Threat <= 5 && x.TVC.Vulnerability >= 1 && x.TVC.Vulnerability <= 5 && x.TVC.Consequence >= 1 && x.TVC.Consequence <= 5:
		x.Current = bulkhead.TVCRating(x.TVC, m)
	case as.Method == bulkhead.MethodCarver && x.Carver != nil && x.Carver.Total() >= 7 && x.Carver.Total() <= 70:
		x.Current = bulkhead.CarverRating(x.Carver, m)
	}
	x.InherentLevel, x.CurrentLevel, x.ResidualLevel = m.Level(x.Inherent), m.Level(x.Current), m.Level(x.Residual)
}

// Scenarios returns a page of the risk register. EFORBIDDEN, EINVALID.
func (s *Service) Scenarios(ctx context.Context, a Actor, f bulkhead.ScenarioFilter) ([]*bulkhead.ScenarioRow, int, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, 0, err
	}
	f.OrgID = a.OrgID
	f.Today = s.now().Truncate(24 * time.Hour)
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.Scenarios(ctx, f)
}

// EachScenario calls fn for every scenario matching the filter, in its
// order, for exports. EFORBIDDEN, EINVALID.
func (s *Service) EachScenario(ctx context.Context, a Actor, f bulkhead.ScenarioFilter, fn func(*bulkhead.ScenarioRow) error) error {
	f.Limit, f.Offset = bulkhead.MaxPageSize, 0
	for {
		page, total, err := s.Scenarios(ctx, a, f)
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// Scenario returns a scenario. EFORBIDDEN, ENOTFOUND.
func (s *Service) Scenario(ctx context.Context, a Actor, id string) (*bulkhead.Scenario, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Scenario(ctx, a.OrgID, id)
}

// AssessmentScenarios lists an assessment's scenarios. EFORBIDDEN, ENOTFOUND.
func (s *Service) AssessmentScenarios(ctx context.Context, a Actor, assessmentID string) ([]*bulkhead.Scenario, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	if _, err := s.store.RiskAssessment(ctx, a.OrgID, assessmentID); err != nil {
		return nil, err
	}
	return s.store.AssessmentScenarios(ctx, a.OrgID, assessmentID)
}

// ScenarioHistory returns the audit entries of a scenario, newest first:
// the record's own history, readable by whoever may read the scenario.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) ScenarioHistory(ctx context.Context, a Actor, id string, limit int) ([]*bulkhead.AuditEntry, error) {
	if _, err := s.Scenario(ctx, a, id); err != nil {
		return nil, err
	}
	f := bulkhead.AuditFilter{OrgID: a.OrgID, ObjectType: "risk_scenario", ObjectID: id, Limit: limit}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	es, _, err := s.store.AuditEntries(ctx, f)
	return es, err
}

// checkScenario validates a scenario and its references in tx.
func riskCheckScenario(ctx context.Context, tx bulkhead.Tx, orgID string, x *bulkhead.Scenario, as *bulkhead.RiskAssessment) error {
	f := map[string]string{}
	if x.ThreatID != "" {
		if _, err := tx.Threat(ctx, orgID, x.ThreatID); err != nil {
			if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			f["threat_id"] = bulkhead.FieldChoice
		}
	}
	if err := riskCheckTarget(ctx, tx, orgID, x.TargetType, x.TargetID, f); err != nil {
		return err
	}
	if err := riskCheckMember(ctx, tx, orgID, "owner_id", x.OwnerID, f); err != nil {
		return err
	}
	fairMsg := ""
	if x.FAIR != nil {
		if _, err := riskFairScenarioInput(x, 1, 0); err != nil {
			for k, v := range bulkhead.ErrorFields(err) {
				f[k] = v
			}
			fairMsg = bulkhead.ErrorMessage(err)
		}
	}
	if as.Method == bulkhead.MethodFAIR && x.FAIR == nil {
		f["fair"] = bulkhead.FieldRequired
	}
	err := riskMerge(x.Validate(as.Matrix), f)
	if e, ok := err.(*bulkhead.Error); ok && fairMsg != "" {
		e.Message = fairMsg // the engine's words name each problem
	}
	return err
}

// CreateScenario adds a scenario to an assessment. EFORBIDDEN, ENOTFOUND,
// EINVALID.
func (s *Service) CreateScenario(ctx context.Context, a Actor, in bulkhead.ScenarioInput) (*bulkhead.Scenario, error) {
	if err := authorize(a, ActRiskAssess); err != nil {
		return nil, err
	}
	if in.AssessmentID == nil || strings.TrimSpace(*in.AssessmentID) == "" {
		return nil, bulkhead.Invalid(map[string]string{"assessment_id": bulkhead.FieldRequired})
	}
	now := s.now()
	x := &bulkhead.Scenario{ID: bulkhead.NewID(), OrgID: a.OrgID, AssessmentID: strings.TrimSpace(*in.AssessmentID), TargetType: bulkhead.TargetSite, CreatedAt: now, UpdatedAt: now}
	in.Apply(x)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		as, err := tx.RiskAssessment(ctx, a.OrgID, x.AssessmentID)
		if err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
				return bulkhead.Invalid(map[string]string{"assessment_id": bulkhead.FieldChoice})
			}
			return err
		}
		if err := riskCheckScenario(ctx, tx, a.OrgID, x, as); err != nil {
			return err
		}
		riskRate(x, as)
		if err := tx.CreateScenario(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_scenario.create", "risk_scenario", x.ID, map[string]any{"after": riskScenarioAudit(x), "assessment_id": x.AssessmentID})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// UpdateScenario changes a scenario: its description, ratings, owner and
// treatment decision. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateScenario(ctx context.Context, a Actor, id string, in bulkhead.ScenarioInput) (*bulkhead.Scenario, error) {
	if err := authorize(a, ActRiskAssess); err != nil {
		return nil, err
	}
	var out *bulkhead.Scenario
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.Scenario(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		as, err := tx.RiskAssessment(ctx, a.OrgID, x.AssessmentID)
		if err != nil {
			return err
		}
		before := riskScenarioAudit(x)
		in.AssessmentID = nil
		in.Apply(x)
		if err := riskCheckScenario(ctx, tx, a.OrgID, x, as); err != nil {
			return err
		}
		riskRate(x, as)
		out = x
		changes := diff(before, riskScenarioAudit(x))
		if len(changes) == 0 {
			return nil
		}
		x.UpdatedAt = s.now()
		if err := tx.UpdateScenario(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_scenario.update", "risk_scenario", x.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- controls

// Controls lists the controls register. EFORBIDDEN.
func (s *Service) Controls(ctx context.Context, a Actor) ([]*bulkhead.Control, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Controls(ctx, a.OrgID)
}

// Control returns a control. EFORBIDDEN, ENOTFOUND.
func (s *Service) Control(ctx context.Context, a Actor, id string) (*bulkhead.Control, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Control(ctx, a.OrgID, id)
}

func riskCheckControl(ctx context.Context, r bulkhead.Reader, orgID string, c *bulkhead.Control) error {
	f := map[string]string{}
	if err := riskCheckMember(ctx, r, orgID, "owner_id", c.OwnerID, f); err != nil {
		return err
	}
	for _, id := range c.SiteIDs {
		if err := riskCheckSite(ctx, r, orgID, "site_ids", id, f); err != nil {
			return err
		}
	}
	return riskMerge(c.Validate(), f)
}

// CreateControl adds an applied control. EFORBIDDEN, EINVALID.
func (s *Service) CreateControl(ctx context.Context, a Actor, in bulkhead.ControlInput) (*bulkhead.Control, error) {
	if err := authorize(a, ActRiskControl); err != nil {
		return nil, err
	}
	now := s.now()
	c := &bulkhead.Control{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.ControlPlanned, SiteIDs: []string{}, Evidence: []string{}, CreatedAt: now, UpdatedAt: now}
	in.Apply(c)
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := riskCheckControl(ctx, tx, a.OrgID, c); err != nil {
			return err
		}
		if err := tx.CreateControl(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_control.create", "risk_control", c.ID, map[string]any{"after": riskControlAudit(c)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateControl changes a control. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateControl(ctx context.Context, a Actor, id string, in bulkhead.ControlInput) (*bulkhead.Control, error) {
	if err := authorize(a, ActRiskControl); err != nil {
		return nil, err
	}
	var out *bulkhead.Control
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		c, err := tx.Control(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := riskControlAudit(c)
		in.Apply(c)
		if err := riskCheckControl(ctx, tx, a.OrgID, c); err != nil {
			return err
		}
		out = c
		changes := diff(before, riskControlAudit(c))
		if len(changes) == 0 {
			return nil
		}
		c.UpdatedAt = s.now()
		if err := tx.UpdateControl(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_control.update", "risk_control", c.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- treatment actions

// TreatmentActions lists treatment actions. EFORBIDDEN.
func (s *Service) TreatmentActions(ctx context.Context, a Actor, f bulkhead.TreatmentFilter) ([]*bulkhead.TreatmentAction, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	return s.store.TreatmentActions(ctx, f)
}

// TreatmentAction returns a treatment action. EFORBIDDEN, ENOTFOUND.
func (s *Service) TreatmentAction(ctx context.Context, a Actor, id string) (*bulkhead.TreatmentAction, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.TreatmentAction(ctx, a.OrgID, id)
}

func riskCheckAction(ctx context.Context, r bulkhead.Reader, orgID string, t *bulkhead.TreatmentAction, f map[string]string) error {
	if t.ControlID != "" {
		if _, err := r.Control(ctx, orgID, t.ControlID); err != nil {
			if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			f["control_id"] = bulkhead.FieldChoice
		}
	}
	if err := riskCheckMember(ctx, r, orgID, "owner_id", t.OwnerID, f); err != nil {
		return err
	}
	return t.Validate(f)
}

// CreateTreatmentAction adds a treatment action to a scenario. EFORBIDDEN,
// EINVALID.
func (s *Service) CreateTreatmentAction(ctx context.Context, a Actor, in bulkhead.TreatmentActionInput) (*bulkhead.TreatmentAction, error) {
	if err := authorize(a, ActRiskTreat); err != nil {
		return nil, err
	}
	now := s.now()
	t := &bulkhead.TreatmentAction{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.TreatmentOpen, CreatedAt: now, UpdatedAt: now}
	if in.ScenarioID != nil {
		t.ScenarioID = strings.TrimSpace(*in.ScenarioID)
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		f := map[string]string{}
		in.Apply(t, f)
		if t.ScenarioID == "" {
			f["scenario_id"] = bulkhead.FieldRequired
		} else if _, err := tx.Scenario(ctx, a.OrgID, t.ScenarioID); err != nil {
			if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			f["scenario_id"] = bulkhead.FieldChoice
		}
		if err := riskCheckAction(ctx, tx, a.OrgID, t, f); err != nil {
			return err
		}
		if err := tx.CreateTreatmentAction(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_treatment.create", "risk_treatment", t.ID, map[string]any{"after": riskActionAudit(t), "scenario_id": t.ScenarioID})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTreatmentAction changes a treatment action. EFORBIDDEN, ENOTFOUND,
// EINVALID.
func (s *Service) UpdateTreatmentAction(ctx context.Context, a Actor, id string, in bulkhead.TreatmentActionInput) (*bulkhead.TreatmentAction, error) {
	if err := authorize(a, ActRiskTreat); err != nil {
		return nil, err
	}
	var out *bulkhead.TreatmentAction
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		t, err := tx.TreatmentAction(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := riskActionAudit(t)
		f := map[string]string{}
		in.ScenarioID = nil
		in.Apply(t, f)
		if err := riskCheckAction(ctx, tx, a.OrgID, t, f); err != nil {
			return err
		}
		out = t
		changes := diff(before, riskActionAudit(t))
		if len(changes) == 0 {
			return nil
		}
		t.UpdatedAt = s.now()
		if err := tx.UpdateTreatmentAction(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk_treatment.update", "risk_treatment", t.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- acceptance

// Acceptances lists a scenario's acceptances, newest first. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) Acceptances(ctx context.Context, a Actor, scenarioID string) ([]*bulkhead.Acceptance, error) {
	if _, err := s.Scenario(ctx, a, scenarioID); err != nil {
		return nil, err
	}
	return s.store.Acceptances(ctx, a.OrgID, scenarioID)
}

// MaxAcceptance is the longest an acceptance may run.
const MaxAcceptance = 3 * 366 * 24 * time.Hour

// AcceptRisk records the acceptance of a scenario's residual risk above the
// organisation's appetite. Only top management may accept, never the
// scenario's own owner, with a rationale and an expiry in the future (at
// most three years). EFORBIDDEN (field "role" or "accepted_by"), ENOTFOUND,
// EINVALID, ECONFLICT (within the appetite: nothing to accept).
func (s *Service) AcceptRisk(ctx context.Context, a Actor, scenarioID string, in bulkhead.AcceptanceInput) (*bulkhead.Acceptance, error) {
	return s.acceptRisk(ctx, a, scenarioID, in, s.now())
}

func (s *Service) acceptRisk(ctx context.Context, a Actor, scenarioID string, in bulkhead.AcceptanceInput, now time.Time) (*bulkhead.Acceptance, error) {
	if err := authorize(a, ActRiskAccept); err != nil {
		var e *bulkhead.Error
		if b, ok := err.(*bulkhead.Error); ok && b.Code == bulkhead.EFORBIDDEN {
			e = &bulkhead.Error{Code: b.Code, Message: "Only top management may accept residual risk above the appetite.", Fields: map[string]string{"role": bulkhead.FieldRiskAuthority}}
			return nil, e
		}
		return nil, err
	}
	acc := &bulkhead.Acceptance{ID: bulkhead.NewID(), OrgID: a.OrgID, ScenarioID: scenarioID, AcceptedBy: a.UserID, Role: a.Role, CreatedAt: now}
	f := map[string]string{}
	if in.Rationale != nil {
		acc.Rationale = strings.TrimSpace(*in.Rationale)
	}
	if acc.Rationale == "" {
		f["rationale"] = bulkhead.FieldRequired
	} else if len(acc.Rationale) > 10000 {
		f["rationale"] = bulkhead.FieldTooLong
	}
	if in.Expires == nil || strings.TrimSpace(*in.Expires) == "" {
		f["expires"] = bulkhead.FieldRequired
	} else if d, ok := bulkhead.ParseRiskDate(*in.Expires); !ok {
		f["expires"] = bulkhead.FieldRiskDate
	} else if !d.After(now) || d.Sub(now) > MaxAcceptance {
		f["expires"] = bulkhead.FieldRiskPast
	} else {
		acc.ExpiresAt = d
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := tx.Scenario(ctx, a.OrgID, scenarioID)
		if err != nil {
			return err
		}
		if x.OwnerID != "" && x.OwnerID == a.UserID {
			return &bulkhead.Error{Code: bulkhead.EFORBIDDEN, Message: "The risk owner cannot accept their own risk.", Fields: map[string]string{"accepted_by": bulkhead.FieldRiskAuthority}}
		}
		if len(f) > 0 {
			return bulkhead.Invalid(f)
		}
		as, err := tx.RiskAssessment(ctx, a.OrgID, x.AssessmentID)
		if err != nil {
			return err
		}
		st, err := tx.RiskSettings(ctx, a.OrgID)
		if err != nil {
			return err
		}
		if x.ResidualLevel <= st.AppetiteFor(as.Matrix) {
			return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "The residual risk is within the appetite; it needs no acceptance.", Fields: map[string]string{"residual": bulkhead.FieldRiskScale}}
		}
		acc.Level = x.ResidualLevel
		if err := tx.CreateAcceptance(ctx, acc); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "risk.accept", "risk_scenario", x.ID, map[string]any{"acceptance_id": acc.ID, "level": as.Matrix.LevelName(acc.Level),
			"rationale": acc.Rationale, "expires": acc.ExpiresAt.Format(time.DateOnly)})
	})
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// AcceptanceState says where a scenario stands against the appetite.
type AcceptanceState string

// Acceptance states.
const (
	WithinAppetite     AcceptanceState = "within"   // no acceptance needed
	AcceptanceNeeded   AcceptanceState = "needed"   // above the appetite, never accepted
	AcceptanceValid    AcceptanceState = "accepted" // accepted, not expired
	AcceptanceExpired  AcceptanceState = "expired"  // the last acceptance has lapsed
	AcceptanceUnrated  AcceptanceState = "unrated"  // no residual rating yet
	acceptanceStateEnd AcceptanceState = ""
)

// AcceptanceStates lists every state (for the catalogs).
var AcceptanceStates = []AcceptanceState{WithinAppetite, AcceptanceNeeded, AcceptanceValid, AcceptanceExpired, AcceptanceUnrated}

// riskAcceptanceState decides a scenario's state from its latest acceptance
// (accs newest first) at the current residual level.
func riskAcceptanceState(x *bulkhead.Scenario, appetite int, accs []*bulkhead.Acceptance, now time.Time) AcceptanceState {
	switch {
	case x.ResidualLevel < 0:
		return AcceptanceUnrated
	case x.ResidualLevel <= appetite:
		return WithinAppetite
	}
	for _, acc := range accs {
		if acc.ScenarioID != x.ID {
			continue
		}
		if acc.Level < x.ResidualLevel {
			return AcceptanceNeeded // accepted at a lower level: the rise needs a new one
		}
		if acc.Expired(now) {
			return AcceptanceExpired
		}
		return AcceptanceValid
	}
	return AcceptanceNeeded
}

// ScenarioAcceptance returns a scenario's acceptance state, its latest
// acceptance (or nil) and the appetite level on its matrix. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) ScenarioAcceptance(ctx context.Context, a Actor, x *bulkhead.Scenario, as *bulkhead.RiskAssessment) (AcceptanceState, *bulkhead.Acceptance, int, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return acceptanceStateEnd, nil, 0, err
	}
	st, err := s.store.RiskSettings(ctx, a.OrgID)
	if err != nil {
		return acceptanceStateEnd, nil, 0, err
	}
	accs, err := s.store.Acceptances(ctx, a.OrgID, x.ID)
	if err != nil {
		return acceptanceStateEnd, nil, 0, err
	}
	app := st.AppetiteFor(as.Matrix)
	var last *bulkhead.Acceptance
	if len(accs) > 0 {
		last = accs[0]
	}
	return riskAcceptanceState(x, app, accs, s.now()), last, app, nil
}

// ExportRisks writes the register rows matching f to w as "csv" or "xlsx"
// (internal/export), levels named from each assessment's matrix and owners
// by e-mail. Check the filter first (Scenarios with Limit 1): once rows are
// written an error can only truncate the file. EFORBIDDEN, EINVALID.
func (s *Service) ExportRisks(ctx context.Context, a Actor, f bulkhead.ScenarioFilter, format string, w io.Writer) error {
	if !slices.Contains(export.RiskFormats, format) {
		return bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	as, err := s.RiskAssessments(ctx, a)
	if err != nil {
		return err
	}
	matrices := map[string]*bulkhead.RiskMatrix{}
	for _, x := range as {
		matrices[x.ID] = x.Matrix
	}
	members, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return err
	}
	owners := map[string]string{}
	for _, m := range members {
		owners[m.UserID] = m.Email
	}
	return export.RiskRegister(w, format, func(row func(*bulkhead.ScenarioRow, *bulkhead.RiskMatrix, string) error) error {
		return s.EachScenario(ctx, a, f, func(r *bulkhead.ScenarioRow) error {
			return row(r, matrices[r.AssessmentID], owners[r.OwnerID])
		})
	})
}

// RiskPeople lists the organisation's members by name, for choosing risk
// owners, assessors and action owners: what anyone who reads the risk
// records needs, without the member administration's details. EFORBIDDEN.
func (s *Service) RiskPeople(ctx context.Context, a Actor) ([]*bulkhead.Membership, error) {
	if err := authorize(a, ActRiskRead); err != nil {
		return nil, err
	}
	return s.store.Members(ctx, a.OrgID)
}
