-- Security risk assessment and treatment (issue 4): the threat catalogue,
-- imported risk matrices, per-organisation risk settings, assessments and
-- their scenarios, the controls register, treatment actions, risk
-- acceptances and stored runs of the quantitative engine. Lists (site IDs,
-- evidence links), method scores and the matrix copied into an assessment
-- are JSON text: they are read and written whole, never searched.
CREATE TABLE risk_threats (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	ref         TEXT NOT NULL,
	name        TEXT NOT NULL,
	family      TEXT NOT NULL CHECK (family IN ('physical', 'personnel', 'cyber', 'cargo', 'natural', 'geopolitical')),
	description TEXT NOT NULL,
	urn         TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX risk_threats_org_idx ON risk_threats (org_id, family, name);
CREATE UNIQUE INDEX risk_threats_ref_key ON risk_threats (org_id, ref) WHERE ref <> '';

CREATE TABLE risk_matrices (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	definition  TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX risk_matrices_org_idx ON risk_matrices (org_id, name);

CREATE TABLE risk_settings (
	org_id     TEXT PRIMARY KEY REFERENCES organizations (id),
	appetite   INTEGER NOT NULL CHECK (appetite BETWEEN 0 AND 9),
	matrix_id  TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE risk_assessments (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	title       TEXT NOT NULL,
	scope       TEXT NOT NULL,
	site_id     TEXT,
	method      TEXT NOT NULL CHECK (method IN ('matrix', 'tvc', 'carver', 'fair')),
	matrix      TEXT NOT NULL,
	assessor_id TEXT REFERENCES users (id),
	date        INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved')),
	next_review INTEGER,
	approved_by TEXT REFERENCES users (id),
	approved_at INTEGER,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX risk_assessments_org_idx ON risk_assessments (org_id, id);

-- Site references are checked by the service (sites' id is unique per
-- organisation, not a key SQLite can point at). site_id repeats target_id for site targets so that the register's site
-- filter and name join need no CASE.
CREATE TABLE risk_scenarios (
	id                TEXT PRIMARY KEY,
	org_id            TEXT NOT NULL REFERENCES organizations (id),
	assessment_id     TEXT NOT NULL REFERENCES risk_assessments (id),
	threat_id         TEXT NOT NULL REFERENCES risk_threats (id),
	target_type       TEXT NOT NULL CHECK (target_type IN ('site')),
	target_id         TEXT NOT NULL,
	site_id           TEXT,
	title             TEXT NOT NULL,
	vulnerability     TEXT NOT NULL,
	existing_controls TEXT NOT NULL,
	inherent_l        INTEGER NOT NULL,
	inherent_c        INTEGER NOT NULL,
	current_l         INTEGER NOT NULL,
	current_c         INTEGER NOT NULL,
	residual_l        INTEGER NOT NULL,
	residual_c        INTEGER NOT NULL,
	inherent_level    INTEGER NOT NULL,
	current_level     INTEGER NOT NULL,
	residual_level    INTEGER NOT NULL,
	owner_id          TEXT REFERENCES users (id),
	treatment         TEXT NOT NULL CHECK (treatment IN ('', 'avoid', 'reduce', 'transfer', 'accept')),
	rationale         TEXT NOT NULL,
	scores            TEXT NOT NULL,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);
CREATE INDEX risk_scenarios_level_idx ON risk_scenarios (org_id, residual_level, current_level, inherent_level, id);
CREATE INDEX risk_scenarios_title_idx ON risk_scenarios (org_id, lower(title), id);
CREATE INDEX risk_scenarios_updated_idx ON risk_scenarios (org_id, updated_at, id);
CREATE INDEX risk_scenarios_assessment_idx ON risk_scenarios (assessment_id, lower(title));
CREATE INDEX risk_scenarios_site_idx ON risk_scenarios (org_id, site_id, residual_level);
CREATE INDEX risk_scenarios_owner_idx ON risk_scenarios (org_id, owner_id);
CREATE INDEX risk_scenarios_threat_idx ON risk_scenarios (threat_id);

CREATE TABLE risk_controls (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	name          TEXT NOT NULL,
	category      TEXT NOT NULL CHECK (category IN ('physical', 'personnel', 'procedural', 'technical', 'cargo', 'information')),
	owner_id      TEXT REFERENCES users (id),
	status        TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'implemented', 'retired')),
	site_ids      TEXT NOT NULL,
	evidence      TEXT NOT NULL,
	effectiveness INTEGER NOT NULL CHECK (effectiveness BETWEEN 0 AND 5),
	description   TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX risk_controls_org_idx ON risk_controls (org_id, lower(name));

CREATE TABLE risk_treatment_actions (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	scenario_id TEXT NOT NULL REFERENCES risk_scenarios (id),
	control_id  TEXT REFERENCES risk_controls (id),
	title       TEXT NOT NULL,
	owner_id    TEXT REFERENCES users (id),
	due         INTEGER,
	status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX risk_treatment_actions_org_idx ON risk_treatment_actions (org_id, status, due);
CREATE INDEX risk_treatment_actions_scenario_idx ON risk_treatment_actions (scenario_id);
CREATE INDEX risk_treatment_actions_control_idx ON risk_treatment_actions (control_id);

CREATE TABLE risk_acceptances (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	scenario_id TEXT NOT NULL REFERENCES risk_scenarios (id),
	accepted_by TEXT NOT NULL REFERENCES users (id),
	role        TEXT NOT NULL,
	level       INTEGER NOT NULL,
	rationale   TEXT NOT NULL,
	expires_at  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX risk_acceptances_org_idx ON risk_acceptances (org_id, scenario_id, id);

CREATE TABLE risk_simulation_runs (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	scenario_id TEXT REFERENCES risk_scenarios (id),
	iterations  INTEGER NOT NULL,
	input       TEXT NOT NULL,
	output      TEXT NOT NULL,
	created_by  TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX risk_simulation_runs_org_idx ON risk_simulation_runs (org_id, scenario_id, id);
