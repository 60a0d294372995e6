-- Registers of ISO 28000 clauses 4.1, 4.2, 6.2, 6.3 and 7.4: context
-- issues, interested parties and their requirements, legal requirements,
-- objectives and their actions, planned changes, the communication plan.
-- Dates are TEXT 'YYYY-MM-DD' ('' for none), so they sort as text; times
-- are INTEGER microseconds, UTC. A member reference is NULL when unset and
-- points at a membership of the same organisation. Nothing is deleted:
-- records are archived.
--
-- Each list sort key has an index (organisation, key, id, archived_at):
-- a page's IDs are found by walking it in order without reading rows, and
-- its archived_at serves the default filter on active records.

CREATE TABLE context_issues (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	origin      TEXT NOT NULL CHECK (origin IN ('internal', 'external')),
	category    TEXT NOT NULL CHECK (category IN ('political', 'economic', 'social', 'technological', 'legal', 'environmental', 'supply_chain', 'organisational')),
	title       TEXT NOT NULL,
	description TEXT NOT NULL,
	effect      TEXT NOT NULL,
	review_date TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER
);
CREATE INDEX context_issues_title_idx ON context_issues (org_id, lower(title), id, archived_at);
CREATE INDEX context_issues_category_idx ON context_issues (org_id, category, id, archived_at);
CREATE INDEX context_issues_origin_idx ON context_issues (org_id, origin, id, archived_at);
CREATE INDEX context_issues_review_idx ON context_issues (org_id, review_date = '', review_date, id, archived_at);
CREATE INDEX context_issues_updated_idx ON context_issues (org_id, updated_at, id, archived_at);

CREATE TABLE interested_parties (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	type        TEXT NOT NULL CHECK (type IN ('customer', 'customs_regulator', 'authority', 'insurer', 'employees', 'business_partner', 'supplier', 'community', 'certification_body', 'owner', 'other')),
	name        TEXT NOT NULL,
	contact     TEXT NOT NULL,
	notes       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT interested_parties_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX interested_parties_name_idx ON interested_parties (org_id, lower(name), id, archived_at);
CREATE INDEX interested_parties_type_idx ON interested_parties (org_id, type, id, archived_at);
CREATE INDEX interested_parties_updated_idx ON interested_parties (org_id, updated_at, id, archived_at);

CREATE TABLE party_requirements (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	party_id    TEXT NOT NULL,
	source      TEXT NOT NULL CHECK (source IN ('legal', 'contractual', 'voluntary')),
	description TEXT NOT NULL,
	addressed   INTEGER NOT NULL CHECK (addressed IN (0, 1)),
	how         TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	FOREIGN KEY (org_id, party_id) REFERENCES interested_parties (org_id, id)
);
CREATE INDEX party_requirements_party_idx ON party_requirements (org_id, party_id);

CREATE TABLE legal_requirements (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES organizations (id),
	title        TEXT NOT NULL,
	jurisdiction TEXT NOT NULL,
	reference    TEXT NOT NULL,
	summary      TEXT NOT NULL,
	owner_id     TEXT,
	last_review  TEXT NOT NULL,
	next_review  TEXT NOT NULL,
	compliance   TEXT NOT NULL CHECK (compliance IN ('compliant', 'partially', 'non_compliant', 'not_assessed')),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	archived_at  INTEGER,
	CONSTRAINT legal_requirements_org_id_key UNIQUE (org_id, id),
	FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX legal_requirements_title_idx ON legal_requirements (org_id, lower(title), id, archived_at);
CREATE INDEX legal_requirements_jurisdiction_idx ON legal_requirements (org_id, jurisdiction, id, archived_at);
CREATE INDEX legal_requirements_review_idx ON legal_requirements (org_id, next_review = '', next_review, id, archived_at);
CREATE INDEX legal_requirements_compliance_idx ON legal_requirements (org_id, compliance, id, archived_at);
CREATE INDEX legal_requirements_updated_idx ON legal_requirements (org_id, updated_at, id, archived_at);

CREATE TABLE legal_requirement_sites (
	org_id         TEXT NOT NULL,
	requirement_id TEXT NOT NULL,
	site_id        TEXT NOT NULL,
	PRIMARY KEY (requirement_id, site_id),
	FOREIGN KEY (org_id, requirement_id) REFERENCES legal_requirements (org_id, id),
	FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
) WITHOUT ROWID;
CREATE INDEX legal_requirement_sites_site_idx ON legal_requirement_sites (site_id);

CREATE TABLE objectives (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	statement   TEXT NOT NULL,
	measure     TEXT NOT NULL,
	target      REAL NOT NULL,
	unit        TEXT NOT NULL,
	current     REAL,
	start_date  TEXT NOT NULL,
	due_date    TEXT NOT NULL,
	owner_id    TEXT,
	status      TEXT NOT NULL CHECK (status IN ('planned', 'on_track', 'at_risk', 'achieved', 'missed', 'cancelled')),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT objectives_org_id_key UNIQUE (org_id, id),
	FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX objectives_due_idx ON objectives (org_id, due_date, id, archived_at);
CREATE INDEX objectives_statement_idx ON objectives (org_id, lower(statement), id, archived_at);
CREATE INDEX objectives_status_idx ON objectives (org_id, status, id, archived_at);
CREATE INDEX objectives_updated_idx ON objectives (org_id, updated_at, id, archived_at);

CREATE TABLE objective_actions (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL,
	objective_id TEXT NOT NULL,
	description  TEXT NOT NULL,
	owner_id     TEXT,
	due_date     TEXT NOT NULL,
	status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	archived_at  INTEGER,
	FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, id),
	FOREIGN KEY (org_id, owner_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX objective_actions_objective_idx ON objective_actions (org_id, objective_id);
CREATE INDEX objective_actions_due_idx ON objective_actions (org_id, due_date) WHERE status = 'open' AND archived_at IS NULL;

CREATE TABLE planned_changes (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	title         TEXT NOT NULL,
	description   TEXT NOT NULL,
	reason        TEXT NOT NULL,
	processes     TEXT NOT NULL,
	risk_review   TEXT NOT NULL,
	risk_reviewed INTEGER NOT NULL CHECK (risk_reviewed IN (0, 1)),
	reviewer_id   TEXT,
	requester_id  TEXT NOT NULL,
	approved_by   TEXT,
	approved_on   TEXT NOT NULL,
	planned_date  TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'implemented', 'cancelled')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	archived_at   INTEGER,
	CONSTRAINT planned_changes_org_id_key UNIQUE (org_id, id),
	CONSTRAINT planned_changes_not_self_approved CHECK (approved_by IS NULL OR approved_by <> requester_id),
	FOREIGN KEY (org_id, reviewer_id) REFERENCES memberships (org_id, user_id),
	FOREIGN KEY (org_id, requester_id) REFERENCES memberships (org_id, user_id),
	FOREIGN KEY (org_id, approved_by) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX planned_changes_planned_idx ON planned_changes (org_id, planned_date = '', planned_date, id, archived_at);
CREATE INDEX planned_changes_title_idx ON planned_changes (org_id, lower(title), id, archived_at);
CREATE INDEX planned_changes_status_idx ON planned_changes (org_id, status, id, archived_at);
CREATE INDEX planned_changes_updated_idx ON planned_changes (org_id, updated_at, id, archived_at);

CREATE TABLE planned_change_sites (
	org_id    TEXT NOT NULL,
	change_id TEXT NOT NULL,
	site_id   TEXT NOT NULL,
	PRIMARY KEY (change_id, site_id),
	FOREIGN KEY (org_id, change_id) REFERENCES planned_changes (org_id, id),
	FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
) WITHOUT ROWID;
CREATE INDEX planned_change_sites_site_idx ON planned_change_sites (site_id);

CREATE TABLE communications (
	id              TEXT PRIMARY KEY,
	org_id          TEXT NOT NULL REFERENCES organizations (id),
	topic           TEXT NOT NULL,
	frequency       TEXT NOT NULL CHECK (frequency IN ('once', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'on_event')),
	timing          TEXT NOT NULL,
	audience        TEXT NOT NULL,
	channel         TEXT NOT NULL CHECK (channel IN ('email', 'meeting', 'briefing', 'intranet', 'notice_board', 'training', 'letter', 'portal', 'phone', 'other')),
	communicator_id TEXT NOT NULL,
	direction       TEXT NOT NULL CHECK (direction IN ('internal', 'external')),
	notes           TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	archived_at     INTEGER,
	FOREIGN KEY (org_id, communicator_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX communications_topic_idx ON communications (org_id, lower(topic), id, archived_at);
CREATE INDEX communications_frequency_idx ON communications (org_id, frequency, id, archived_at);
CREATE INDEX communications_channel_idx ON communications (org_id, channel, id, archived_at);
CREATE INDEX communications_direction_idx ON communications (org_id, direction, id, archived_at);
CREATE INDEX communications_updated_idx ON communications (org_id, updated_at, id, archived_at);
