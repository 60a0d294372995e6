package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The risk records (issue 4). JSON columns hold lists and method scores,
// read and written whole.

type riskScanner interface{ Scan(...any) error }

func riskNullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func riskJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ---- threats

const riskThreatCols = `id, org_id, ref, name, family, description, urn, created_at, updated_at`

func riskScanThreat(row riskScanner) (*bulkhead.Threat, error) {
	var t bulkhead.Threat
	var created, updated time.Time
	if err := row.Scan(&t.ID, &t.OrgID, &t.Ref, &t.Name, &t.Family, &t.Description, &t.URN, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = utc(created), utc(updated)
	return &t, nil
}

func (q queries) Threat(ctx context.Context, orgID, id string) (*bulkhead.Threat, error) {
	t, err := riskScanThreat(q.risk().QueryRowContext(ctx, `SELECT `+riskThreatCols+` FROM risk_threats WHERE org_id = ? AND id = ?`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Threat")
	}
	return t, nil
}

func (q queries) Threats(ctx context.Context, orgID string) ([]*bulkhead.Threat, error) {
	return riskRows(riskScanThreat)(q.risk().QueryContext(ctx, `SELECT `+riskThreatCols+` FROM risk_threats WHERE org_id = ? ORDER BY family, name COLLATE "C", id`, orgID))
}

func (q queries) CreateThreat(ctx context.Context, t *bulkhead.Threat) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_threats (`+riskThreatCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.Ref, t.Name, string(t.Family), t.Description, t.URN, t.CreatedAt, t.UpdatedAt)
	return riskThreatErr(err)
}

func (q queries) UpdateThreat(ctx context.Context, t *bulkhead.Threat) error {
	res, err := q.risk().ExecContext(ctx, `UPDATE risk_threats SET ref = ?, name = ?, family = ?, description = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		t.Ref, t.Name, string(t.Family), t.Description, t.UpdatedAt, t.OrgID, t.ID)
	return affectedOne(res, riskThreatErr(err), "Threat")
}

// riskThreatErr names the field of a taken reference.
func riskThreatErr(err error) error {
	err = mapErr(err)
	if e, ok := err.(*bulkhead.Error); ok && e.Code == bulkhead.ECONFLICT {
		e.Fields = map[string]string{"ref": bulkhead.FieldTaken}
	}
	return err
}

// riskRows scans every row of a query.
func riskRows[T any](scan func(riskScanner) (T, error)) func(rows pgx.Rows, err error) ([]T, error) {
	return func(rows pgx.Rows, err error) ([]T, error) {
		if err != nil {
			return nil, mapErr(err)
		}
		defer rows.Close()
		out := []T{}
		for rows.Next() {
			x, err := scan(rows)
			if err != nil {
				return nil, mapErr(err)
			}
			out = append(out, x)
		}
		return out, mapErr(rows.Err())
	}
}

// ---- matrices and settings

func riskScanMatrix(row riskScanner) (*bulkhead.RiskMatrix, error) {
	var id, org, def string
	var created time.Time
	if err := row.Scan(&id, &org, &def, &created); err != nil {
		return nil, err
	}
	var m bulkhead.RiskMatrix
	if err := json.Unmarshal([]byte(def), &m); err != nil {
		return nil, err
	}
	m.ID, m.OrgID, m.CreatedAt = id, org, utc(created)
	return &m, nil
}

func (q queries) RiskMatrix(ctx context.Context, orgID, id string) (*bulkhead.RiskMatrix, error) {
	m, err := riskScanMatrix(q.risk().QueryRowContext(ctx, `SELECT id, org_id, definition, created_at FROM risk_matrices WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Risk matrix")
	}
	return m, nil
}

func (q queries) RiskMatrices(ctx context.Context, orgID string) ([]*bulkhead.RiskMatrix, error) {
	return riskRows(riskScanMatrix)(q.risk().QueryContext(ctx, `SELECT id, org_id, definition, created_at FROM risk_matrices WHERE org_id = ? ORDER BY name COLLATE "C", id`, orgID))
}

func (q queries) CreateRiskMatrix(ctx context.Context, m *bulkhead.RiskMatrix) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_matrices (id, org_id, name, definition, created_at) VALUES (?, ?, ?, ?, ?)`,
		m.ID, m.OrgID, m.Name, riskJSON(m), m.CreatedAt)
	return mapErr(err)
}

func (q queries) RiskSettings(ctx context.Context, orgID string) (*bulkhead.RiskSettings, error) {
	s := bulkhead.RiskSettings{OrgID: orgID, Appetite: 1, MatrixID: "5x5"}
	var updated time.Time
	err := q.risk().QueryRowContext(ctx, `SELECT appetite, matrix_id, updated_at FROM risk_settings WHERE org_id = ?`, orgID).Scan(&s.Appetite, &s.MatrixID, &updated)
	if err == pgx.ErrNoRows {
		return &s, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	s.UpdatedAt = utc(updated)
	return &s, nil
}

func (q queries) PutRiskSettings(ctx context.Context, s *bulkhead.RiskSettings) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_settings (org_id, appetite, matrix_id, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET appetite = excluded.appetite, matrix_id = excluded.matrix_id, updated_at = excluded.updated_at`,
		s.OrgID, s.Appetite, s.MatrixID, s.UpdatedAt)
	return mapErr(err)
}

// ---- assessments

const riskAssessmentCols = `id, org_id, title, scope, coalesce(site_id, ''), method, matrix, coalesce(assessor_id, ''), date, status, next_review, coalesce(approved_by, ''), approved_at, created_at, updated_at`

func riskScanAssessment(row riskScanner) (*bulkhead.RiskAssessment, error) {
	var a bulkhead.RiskAssessment
	var matrix string
	var date, created, updated time.Time
	var next, approved *time.Time
	if err := row.Scan(&a.ID, &a.OrgID, &a.Title, &a.Scope, &a.SiteID, &a.Method, &matrix, &a.AssessorID, &date, &a.Status, &next, &a.ApprovedBy, &approved, &created, &updated); err != nil {
		return nil, err
	}
	a.Matrix = &bulkhead.RiskMatrix{}
	if err := json.Unmarshal([]byte(matrix), a.Matrix); err != nil {
		return nil, err
	}
	a.Date, a.NextReview, a.ApprovedAt = utc(date), utcPtr(next), utcPtr(approved)
	a.CreatedAt, a.UpdatedAt = utc(created), utc(updated)
	return &a, nil
}

func (q queries) RiskAssessment(ctx context.Context, orgID, id string) (*bulkhead.RiskAssessment, error) {
	a, err := riskScanAssessment(q.risk().QueryRowContext(ctx, `SELECT `+riskAssessmentCols+` FROM risk_assessments WHERE org_id = ? AND id = ?`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Assessment")
	}
	return a, nil
}

func (q queries) RiskAssessments(ctx context.Context, orgID string) ([]*bulkhead.RiskAssessment, error) {
	return riskRows(riskScanAssessment)(q.risk().QueryContext(ctx, `SELECT `+riskAssessmentCols+` FROM risk_assessments WHERE org_id = ? ORDER BY id DESC`, orgID))
}

func (q queries) CreateRiskAssessment(ctx context.Context, a *bulkhead.RiskAssessment) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_assessments (id, org_id, title, scope, site_id, method, matrix, assessor_id, date, status, next_review, approved_by, approved_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.OrgID, a.Title, a.Scope, riskNullStr(a.SiteID), string(a.Method), riskJSON(a.Matrix), riskNullStr(a.AssessorID), a.Date, string(a.Status),
		a.NextReview, riskNullStr(a.ApprovedBy), a.ApprovedAt, a.CreatedAt, a.UpdatedAt)
	return mapErr(err)
}

func (q queries) UpdateRiskAssessment(ctx context.Context, a *bulkhead.RiskAssessment) error {
	res, err := q.risk().ExecContext(ctx, `UPDATE risk_assessments SET title = ?, scope = ?, site_id = ?, method = ?, matrix = ?, assessor_id = ?, date = ?, status = ?,
		next_review = ?, approved_by = ?, approved_at = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		a.Title, a.Scope, riskNullStr(a.SiteID), string(a.Method), riskJSON(a.Matrix), riskNullStr(a.AssessorID), a.Date, string(a.Status),
		a.NextReview, riskNullStr(a.ApprovedBy), a.ApprovedAt, a.UpdatedAt, a.OrgID, a.ID)
	return affectedOne(res, err, "Assessment")
}

// ---- scenarios

// riskScenarioScores is the JSON form of a scenario's method scores.
type riskScenarioScores struct {
	TVC    *bulkhead.TVCScores    `json:"tvc,omitempty"`
	Carver *bulkhead.CarverScores `json:"carver,omitempty"`
	FAIR   json.RawMessage        `json:"fair,omitempty"`
}

const riskScenarioCols = `s.id, s.org_id, s.assessment_id, s.threat_id, s.target_type, s.target_id, s.title, s.vulnerability, s.existing_controls,
	s.inherent_l, s.inherent_c, s.current_l, s.current_c, s.residual_l, s.residual_c, s.inherent_level, s.current_level, s.residual_level,
	coalesce(s.owner_id, ''), s.treatment, s.rationale, s.scores, s.created_at, s.updated_at`

func riskScanScenarioAnd(row riskScanner, more ...any) (*bulkhead.Scenario, error) {
	var s bulkhead.Scenario
	var scores string
	var created, updated time.Time
	dest := []any{&s.ID, &s.OrgID, &s.AssessmentID, &s.ThreatID, &s.TargetType, &s.TargetID, &s.Title, &s.Vulnerability, &s.ExistingControls,
		&s.Inherent.Likelihood, &s.Inherent.Consequence, &s.Current.Likelihood, &s.Current.Consequence, &s.Residual.Likelihood, &s.Residual.Consequence,
		&s.InherentLevel, &s.CurrentLevel, &s.ResidualLevel, &s.OwnerID, &s.Treatment, &s.Rationale, &scores, &created, &updated}
	if err := row.Scan(append(dest, more...)...); err != nil {
		return nil, err
	}
	var sc riskScenarioScores
	if err := json.Unmarshal([]byte(scores), &sc); err != nil {
		return nil, err
	}
	s.TVC, s.Carver, s.FAIR = sc.TVC, sc.Carver, sc.FAIR
	s.CreatedAt, s.UpdatedAt = utc(created), utc(updated)
	return &s, nil
}

func riskScanScenario(row riskScanner) (*bulkhead.Scenario, error) { return riskScanScenarioAnd(row) }

func (q queries) Scenario(ctx context.Context, orgID, id string) (*bulkhead.Scenario, error) {
	s, err := riskScanScenario(q.risk().QueryRowContext(ctx, `SELECT `+riskScenarioCols+` FROM risk_scenarios s WHERE s.org_id = ? AND s.id = ?`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Scenario")
	}
	return s, nil
}

func (q queries) AssessmentScenarios(ctx context.Context, orgID, assessmentID string) ([]*bulkhead.Scenario, error) {
	return riskRows(riskScanScenario)(q.risk().QueryContext(ctx, `SELECT `+riskScenarioCols+` FROM risk_scenarios s WHERE s.assessment_id = ? AND s.org_id = ? ORDER BY lower(s.title COLLATE "C"), s.id`, assessmentID, orgID))
}

var riskScenarioOrder = map[bulkhead.ScenarioSort][]string{
	bulkhead.ScenarioSortLevel:   {"s.residual_level", "s.current_level", "s.inherent_level"},
	bulkhead.ScenarioSortTitle:   {`lower(s.title COLLATE "C")`},
	bulkhead.ScenarioSortUpdated: {"s.updated_at"},
}

func (q queries) Scenarios(ctx context.Context, f bulkhead.ScenarioFilter) ([]*bulkhead.ScenarioRow, int, error) {
	where := []string{"s.org_id = ?"}
	args := []any{f.OrgID}
	join := ""
	if f.AssessmentID != "" {
		where, args = append(where, "s.assessment_id = ?"), append(args, f.AssessmentID)
	}
	if f.SiteID != "" {
		where, args = append(where, "s.site_id = ?"), append(args, f.SiteID)
	}
	if f.Family != "" {
		join += " JOIN risk_threats tf ON tf.id = s.threat_id"
		where, args = append(where, "tf.family = ?"), append(args, string(f.Family))
	}
	if f.HasLevel {
		where, args = append(where, "s.residual_level = ?"), append(args, f.Level)
	}
	if f.OwnerID != "" {
		where, args = append(where, "s.owner_id = ?"), append(args, f.OwnerID)
	}
	if f.Overdue {
		join += " JOIN risk_assessments af ON af.id = s.assessment_id"
		where, args = append(where, "af.next_review IS NOT NULL AND af.next_review < ?"), append(args, f.Today)
	}
	if f.Query != "" {
		p := bulkhead.LikePattern(f.Query)
		where = append(where, `(lower(s.title COLLATE "C") LIKE ? ESCAPE '\' OR lower(s.vulnerability COLLATE "C") LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	from := "risk_scenarios s" + join + " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := q.risk().QueryRowContext(ctx, `SELECT count(*) FROM `+from, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	var order []string
	for _, k := range riskScenarioOrder[f.Sort] {
		order = append(order, k+dir)
	}
	order = append(order, "s.id"+dir)
	// The page's IDs come from the filtered, sorted index walk; names are
	// joined for those rows only.
	rows, err := q.risk().QueryContext(ctx, `SELECT `+riskScenarioCols+`, t.name, t.family, a.title, coalesce(s.site_id, ''), coalesce(st.name, ''), a.next_review
		FROM (SELECT s.id FROM `+from+` ORDER BY `+strings.Join(order, ", ")+` LIMIT ? OFFSET ?) p
		JOIN risk_scenarios s ON s.id = p.id
		JOIN risk_threats t ON t.id = s.threat_id
		JOIN risk_assessments a ON a.id = s.assessment_id
		LEFT JOIN sites st ON st.org_id = s.org_id AND st.id = s.site_id
		ORDER BY `+strings.Join(order, ", "), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	out := make([]*bulkhead.ScenarioRow, 0, f.Limit)
	for rows.Next() {
		var r bulkhead.ScenarioRow
		var next *time.Time
		s, err := riskScanScenarioAnd(rows, &r.ThreatName, &r.ThreatFamily, &r.AssessmentTitle, &r.SiteID, &r.SiteName, &next)
		if err != nil {
			return nil, 0, mapErr(err)
		}
		r.Scenario, r.NextReview = *s, utcPtr(next)
		out = append(out, &r)
	}
	return out, total, mapErr(rows.Err())
}

func riskScenarioSite(s *bulkhead.Scenario) any {
	if s.TargetType == bulkhead.TargetSite {
		return s.TargetID
	}
	return nil
}

func riskScenarioScoresJSON(s *bulkhead.Scenario) string {
	return riskJSON(riskScenarioScores{TVC: s.TVC, Carver: s.Carver, FAIR: s.FAIR})
}

func (q queries) CreateScenario(ctx context.Context, s *bulkhead.Scenario) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_scenarios (id, org_id, assessment_id, threat_id, target_type, target_id, site_id, title, vulnerability, existing_controls,
		inherent_l, inherent_c, current_l, current_c, residual_l, residual_c, inherent_level, current_level, residual_level, owner_id, treatment, rationale, scores, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.OrgID, s.AssessmentID, s.ThreatID, string(s.TargetType), s.TargetID, riskScenarioSite(s), s.Title, s.Vulnerability, s.ExistingControls,
		s.Inherent.Likelihood, s.Inherent.Consequence, s.Current.Likelihood, s.Current.Consequence, s.Residual.Likelihood, s.Residual.Consequence,
		s.InherentLevel, s.CurrentLevel, s.ResidualLevel, riskNullStr(s.OwnerID), string(s.Treatment), s.Rationale, riskScenarioScoresJSON(s), s.CreatedAt, s.UpdatedAt)
	return mapErr(err)
}

func (q queries) UpdateScenario(ctx context.Context, s *bulkhead.Scenario) error {
	res, err := q.risk().ExecContext(ctx, `UPDATE risk_scenarios SET threat_id = ?, target_type = ?, target_id = ?, site_id = ?, title = ?, vulnerability = ?, existing_controls = ?,
		inherent_l = ?, inherent_c = ?, current_l = ?, current_c = ?, residual_l = ?, residual_c = ?, inherent_level = ?, current_level = ?, residual_level = ?,
		owner_id = ?, treatment = ?, rationale = ?, scores = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		s.ThreatID, string(s.TargetType), s.TargetID, riskScenarioSite(s), s.Title, s.Vulnerability, s.ExistingControls,
		s.Inherent.Likelihood, s.Inherent.Consequence, s.Current.Likelihood, s.Current.Consequence, s.Residual.Likelihood, s.Residual.Consequence,
		s.InherentLevel, s.CurrentLevel, s.ResidualLevel, riskNullStr(s.OwnerID), string(s.Treatment), s.Rationale, riskScenarioScoresJSON(s), s.UpdatedAt, s.OrgID, s.ID)
	return affectedOne(res, err, "Scenario")
}

// ---- controls

const riskControlCols = `id, org_id, name, category, coalesce(owner_id, ''), status, site_ids, evidence, effectiveness, description, created_at, updated_at`

func riskScanControl(row riskScanner) (*bulkhead.Control, error) {
	var c bulkhead.Control
	var sites, evidence string
	var created, updated time.Time
	if err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.Category, &c.OwnerID, &c.Status, &sites, &evidence, &c.Effectiveness, &c.Description, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sites), &c.SiteIDs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(evidence), &c.Evidence); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = utc(created), utc(updated)
	return &c, nil
}

func (q queries) Control(ctx context.Context, orgID, id string) (*bulkhead.Control, error) {
	c, err := riskScanControl(q.risk().QueryRowContext(ctx, `SELECT `+riskControlCols+` FROM risk_controls WHERE org_id = ? AND id = ?`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Control")
	}
	return c, nil
}

func (q queries) Controls(ctx context.Context, orgID string) ([]*bulkhead.Control, error) {
	return riskRows(riskScanControl)(q.risk().QueryContext(ctx, `SELECT `+riskControlCols+` FROM risk_controls WHERE org_id = ? ORDER BY lower(name COLLATE "C"), id`, orgID))
}

func riskNonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func (q queries) CreateControl(ctx context.Context, c *bulkhead.Control) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_controls (id, org_id, name, category, owner_id, status, site_ids, evidence, effectiveness, description, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Name, string(c.Category), riskNullStr(c.OwnerID), string(c.Status), riskJSON(riskNonNil(c.SiteIDs)), riskJSON(riskNonNil(c.Evidence)),
		c.Effectiveness, c.Description, c.CreatedAt, c.UpdatedAt)
	return mapErr(err)
}

func (q queries) UpdateControl(ctx context.Context, c *bulkhead.Control) error {
	res, err := q.risk().ExecContext(ctx, `UPDATE risk_controls SET name = ?, category = ?, owner_id = ?, status = ?, site_ids = ?, evidence = ?, effectiveness = ?, description = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`,
		c.Name, string(c.Category), riskNullStr(c.OwnerID), string(c.Status), riskJSON(riskNonNil(c.SiteIDs)), riskJSON(riskNonNil(c.Evidence)),
		c.Effectiveness, c.Description, c.UpdatedAt, c.OrgID, c.ID)
	return affectedOne(res, err, "Control")
}

// ---- treatment actions

const riskActionCols = `id, org_id, scenario_id, coalesce(control_id, ''), title, coalesce(owner_id, ''), due, status, created_at, updated_at`

func riskScanAction(row riskScanner) (*bulkhead.TreatmentAction, error) {
	var t bulkhead.TreatmentAction
	var due *time.Time
	var created, updated time.Time
	if err := row.Scan(&t.ID, &t.OrgID, &t.ScenarioID, &t.ControlID, &t.Title, &t.OwnerID, &due, &t.Status, &created, &updated); err != nil {
		return nil, err
	}
	t.Due, t.CreatedAt, t.UpdatedAt = utcPtr(due), utc(created), utc(updated)
	return &t, nil
}

func (q queries) TreatmentAction(ctx context.Context, orgID, id string) (*bulkhead.TreatmentAction, error) {
	t, err := riskScanAction(q.risk().QueryRowContext(ctx, `SELECT `+riskActionCols+` FROM risk_treatment_actions WHERE org_id = ? AND id = ?`+q.lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "Treatment action")
	}
	return t, nil
}

func (q queries) TreatmentActions(ctx context.Context, f bulkhead.TreatmentFilter) ([]*bulkhead.TreatmentAction, error) {
	where := []string{"org_id = ?"}
	args := []any{f.OrgID}
	if f.ScenarioID != "" {
		where, args = append(where, "scenario_id = ?"), append(args, f.ScenarioID)
	}
	if f.ControlID != "" {
		where, args = append(where, "control_id = ?"), append(args, f.ControlID)
	}
	if f.OpenOnly {
		where = append(where, "status IN ('open', 'in_progress')")
	}
	return riskRows(riskScanAction)(q.risk().QueryContext(ctx, `SELECT `+riskActionCols+` FROM risk_treatment_actions WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due IS NULL, due, lower(title COLLATE "C"), id`, args...))
}

func (q queries) CreateTreatmentAction(ctx context.Context, t *bulkhead.TreatmentAction) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_treatment_actions (`+strings.ReplaceAll(strings.ReplaceAll(riskActionCols, "coalesce(control_id, '')", "control_id"), "coalesce(owner_id, '')", "owner_id")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.ScenarioID, riskNullStr(t.ControlID), t.Title, riskNullStr(t.OwnerID), t.Due, string(t.Status), t.CreatedAt, t.UpdatedAt)
	return mapErr(err)
}

func (q queries) UpdateTreatmentAction(ctx context.Context, t *bulkhead.TreatmentAction) error {
	res, err := q.risk().ExecContext(ctx, `UPDATE risk_treatment_actions SET control_id = ?, title = ?, owner_id = ?, due = ?, status = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		riskNullStr(t.ControlID), t.Title, riskNullStr(t.OwnerID), t.Due, string(t.Status), t.UpdatedAt, t.OrgID, t.ID)
	return affectedOne(res, err, "Treatment action")
}

// ---- acceptances

const riskAcceptanceCols = `id, org_id, scenario_id, accepted_by, role, level, rationale, expires_at, created_at`

func riskScanAcceptance(row riskScanner) (*bulkhead.Acceptance, error) {
	var a bulkhead.Acceptance
	var expires, created time.Time
	if err := row.Scan(&a.ID, &a.OrgID, &a.ScenarioID, &a.AcceptedBy, &a.Role, &a.Level, &a.Rationale, &expires, &created); err != nil {
		return nil, err
	}
	a.ExpiresAt, a.CreatedAt = utc(expires), utc(created)
	return &a, nil
}

func (q queries) Acceptances(ctx context.Context, orgID, scenarioID string) ([]*bulkhead.Acceptance, error) {
	if scenarioID == "" {
		return riskRows(riskScanAcceptance)(q.risk().QueryContext(ctx, `SELECT `+riskAcceptanceCols+` FROM risk_acceptances WHERE org_id = ? ORDER BY id DESC`, orgID))
	}
	return riskRows(riskScanAcceptance)(q.risk().QueryContext(ctx, `SELECT `+riskAcceptanceCols+` FROM risk_acceptances WHERE org_id = ? AND scenario_id = ? ORDER BY id DESC`, orgID, scenarioID))
}

func (q queries) CreateAcceptance(ctx context.Context, a *bulkhead.Acceptance) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_acceptances (`+riskAcceptanceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.OrgID, a.ScenarioID, a.AcceptedBy, string(a.Role), a.Level, a.Rationale, a.ExpiresAt, a.CreatedAt)
	return mapErr(err)
}

// ---- simulation runs

const riskRunCols = `id, org_id, coalesce(scenario_id, ''), iterations, input, output, created_by, created_at`

func riskScanRun(row riskScanner) (*bulkhead.SimulationRun, error) {
	var r bulkhead.SimulationRun
	var in, out string
	var created time.Time
	if err := row.Scan(&r.ID, &r.OrgID, &r.ScenarioID, &r.Iterations, &in, &out, &r.CreatedBy, &created); err != nil {
		return nil, err
	}
	r.Input, r.Output, r.CreatedAt = json.RawMessage(in), json.RawMessage(out), utc(created)
	return &r, nil
}

func (q queries) SimulationRun(ctx context.Context, orgID, id string) (*bulkhead.SimulationRun, error) {
	r, err := riskScanRun(q.risk().QueryRowContext(ctx, `SELECT `+riskRunCols+` FROM risk_simulation_runs WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "Simulation run")
	}
	return r, nil
}

func (q queries) SimulationRuns(ctx context.Context, orgID, scenarioID string, limit int) ([]*bulkhead.SimulationRun, error) {
	if scenarioID == "" {
		return riskRows(riskScanRun)(q.risk().QueryContext(ctx, `SELECT `+riskRunCols+` FROM risk_simulation_runs WHERE org_id = ? AND scenario_id IS NULL ORDER BY id DESC LIMIT ?`, orgID, limit))
	}
	return riskRows(riskScanRun)(q.risk().QueryContext(ctx, `SELECT `+riskRunCols+` FROM risk_simulation_runs WHERE org_id = ? AND scenario_id = ? ORDER BY id DESC LIMIT ?`, orgID, scenarioID, limit))
}

func (q queries) CreateSimulationRun(ctx context.Context, r *bulkhead.SimulationRun) error {
	_, err := q.risk().ExecContext(ctx, `INSERT INTO risk_simulation_runs (id, org_id, scenario_id, iterations, input, output, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, riskNullStr(r.ScenarioID), r.Iterations, string(r.Input), string(r.Output), r.CreatedBy, r.CreatedAt)
	return mapErr(err)
}

// riskQ runs the risk queries, written with ? placeholders as for SQLite,
// on PostgreSQL: riskRebind numbers the placeholders.
type riskQ struct{ q querier }

func (r riskQ) QueryRowContext(ctx context.Context, sql string, args ...any) pgx.Row {
	return r.q.QueryRow(ctx, riskRebind(sql), args...)
}

func (r riskQ) QueryContext(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return r.q.Query(ctx, riskRebind(sql), args...)
}

func (r riskQ) ExecContext(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return r.q.Exec(ctx, riskRebind(sql), args...)
}

// riskRebind turns ? placeholders into $1, $2, …; the risk queries hold no
// other question marks.
func riskRebind(sql string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(sql); i++ {
		if sql[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(sql[i])
	}
	return b.String()
}

func (q queries) risk() riskQ { return riskQ{q.q} }
