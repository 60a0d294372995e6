package bulkhead

import "context"

// RiskReader reads the records of issue 4: security risk assessment and treatment. It is part of Reader.
type RiskReader interface {
	// Threat returns a threat of the catalogue. ENOTFOUND.
	Threat(ctx context.Context, orgID, id string) (*Threat, error)
	// Threats lists an organisation's threat catalogue by family, then name.
	Threats(ctx context.Context, orgID string) ([]*Threat, error)

	// RiskMatrix returns an imported matrix. ENOTFOUND.
	RiskMatrix(ctx context.Context, orgID, id string) (*RiskMatrix, error)
	// RiskMatrices lists an organisation's imported matrices by name.
	RiskMatrices(ctx context.Context, orgID string) ([]*RiskMatrix, error)

	// RiskSettings returns the organisation's risk settings, or the
	// defaults (appetite 1, the 5×5 matrix) when none were saved.
	RiskSettings(ctx context.Context, orgID string) (*RiskSettings, error)

	// RiskAssessment returns a risk assessment. ENOTFOUND.
	RiskAssessment(ctx context.Context, orgID, id string) (*RiskAssessment, error)
	// RiskAssessments lists an organisation's assessments, newest first.
	RiskAssessments(ctx context.Context, orgID string) ([]*RiskAssessment, error)

	// Scenario returns a risk scenario. ENOTFOUND.
	Scenario(ctx context.Context, orgID, id string) (*Scenario, error)
	// Scenarios returns one page of the risk register and the number of
	// scenarios matching the normalised filter.
	Scenarios(ctx context.Context, f ScenarioFilter) ([]*ScenarioRow, int, error)
	// AssessmentScenarios lists every scenario of an assessment, by title.
	AssessmentScenarios(ctx context.Context, orgID, assessmentID string) ([]*Scenario, error)

	// Control returns an applied control. ENOTFOUND.
	Control(ctx context.Context, orgID, id string) (*Control, error)
	// Controls lists an organisation's controls by name.
	Controls(ctx context.Context, orgID string) ([]*Control, error)

	// TreatmentAction returns a treatment action. ENOTFOUND.
	TreatmentAction(ctx context.Context, orgID, id string) (*TreatmentAction, error)
	// TreatmentActions lists the treatment actions matching f, by due date
	// (undated last), then title.
	TreatmentActions(ctx context.Context, f TreatmentFilter) ([]*TreatmentAction, error)

	// Acceptances lists the acceptances of one scenario (scenarioID != "")
	// or of the whole organisation, newest first.
	Acceptances(ctx context.Context, orgID, scenarioID string) ([]*Acceptance, error)

	// SimulationRun returns a stored simulation run. ENOTFOUND.
	SimulationRun(ctx context.Context, orgID, id string) (*SimulationRun, error)
	// SimulationRuns lists the runs of one scenario (scenarioID != "") or
	// the portfolio runs (scenarioID == ""), newest first, at most limit.
	SimulationRuns(ctx context.Context, orgID, scenarioID string, limit int) ([]*SimulationRun, error)
}

// RiskWriter changes the records of issue 4: security risk assessment and treatment. It is part of Tx.
type RiskWriter interface {
	// CreateThreat stores a new threat. ECONFLICT on a taken reference.
	CreateThreat(ctx context.Context, t *Threat) error
	// UpdateThreat saves every field of a threat. ENOTFOUND, ECONFLICT.
	UpdateThreat(ctx context.Context, t *Threat) error
	// CreateRiskMatrix stores an imported matrix.
	CreateRiskMatrix(ctx context.Context, m *RiskMatrix) error
	// PutRiskSettings creates or replaces the organisation's risk settings.
	PutRiskSettings(ctx context.Context, s *RiskSettings) error
	// RiskCreateAssessment stores a new assessment.
	CreateRiskAssessment(ctx context.Context, a *RiskAssessment) error
	// RiskUpdateAssessment saves every field of an assessment. ENOTFOUND.
	UpdateRiskAssessment(ctx context.Context, a *RiskAssessment) error
	// CreateScenario stores a new scenario.
	CreateScenario(ctx context.Context, s *Scenario) error
	// UpdateScenario saves every field of a scenario. ENOTFOUND.
	UpdateScenario(ctx context.Context, s *Scenario) error
	// CreateControl stores a new control.
	CreateControl(ctx context.Context, c *Control) error
	// UpdateControl saves every field of a control. ENOTFOUND.
	UpdateControl(ctx context.Context, c *Control) error
	// CreateTreatmentAction stores a new treatment action.
	CreateTreatmentAction(ctx context.Context, t *TreatmentAction) error
	// UpdateTreatmentAction saves every field of a treatment action. ENOTFOUND.
	UpdateTreatmentAction(ctx context.Context, t *TreatmentAction) error
	// CreateAcceptance stores a risk acceptance.
	CreateAcceptance(ctx context.Context, a *Acceptance) error
	// CreateSimulationRun stores a simulation's input and output.
	CreateSimulationRun(ctx context.Context, r *SimulationRun) error
}
