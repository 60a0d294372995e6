-- Requirement libraries (CISO Assistant library YAML kept as canonical
-- text) and compliance assessments: answers, evidence and actions.
-- Built-in libraries have a NULL org_id and are shared by every organisation.

CREATE TABLE libraries (
	id               TEXT PRIMARY KEY,
	org_id           TEXT REFERENCES organizations (id),
	urn              TEXT NOT NULL,
	version          INTEGER NOT NULL CHECK (version > 0),
	ref_id           TEXT NOT NULL,
	name             TEXT NOT NULL,
	description      TEXT NOT NULL,
	provider         TEXT NOT NULL,
	packager         TEXT NOT NULL,
	copyright        TEXT NOT NULL,
	locale           TEXT NOT NULL,
	objects          TEXT NOT NULL,
	framework_urn    TEXT NOT NULL,
	node_count       INTEGER NOT NULL,
	assessable_count INTEGER NOT NULL,
	verified         INTEGER NOT NULL,
	harmonized       INTEGER NOT NULL,
	secondary        INTEGER NOT NULL,
	mapping_count    INTEGER NOT NULL,
	builtin          INTEGER NOT NULL CHECK (builtin IN (0, 1)),
	content          BLOB NOT NULL,
	imported_at      INTEGER NOT NULL,
	imported_by      TEXT NOT NULL
);
CREATE UNIQUE INDEX libraries_urn_key ON libraries (coalesce(org_id, ''), urn);

CREATE TABLE assessments (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	library_id  TEXT NOT NULL REFERENCES libraries (id),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	impl_groups TEXT NOT NULL,
	site_ids    TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	created_by  TEXT NOT NULL
);
CREATE INDEX assessments_org_idx ON assessments (org_id, id);

CREATE TABLE assessment_results (
	org_id          TEXT NOT NULL,
	assessment_id   TEXT NOT NULL REFERENCES assessments (id),
	node_urn        TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('not_assessed', 'compliant', 'partially_compliant', 'non_compliant', 'not_applicable')),
	notes           TEXT NOT NULL,
	justification   TEXT NOT NULL,
	controls        TEXT NOT NULL,
	inferred_status TEXT NOT NULL CHECK (inferred_status IN ('', 'not_assessed', 'compliant', 'partially_compliant', 'non_compliant', 'not_applicable')),
	inferred_from   TEXT NOT NULL,
	updated_at      INTEGER NOT NULL,
	updated_by      TEXT NOT NULL,
	PRIMARY KEY (assessment_id, node_urn)
) WITHOUT ROWID;

CREATE TABLE assessment_evidence (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	assessment_id TEXT NOT NULL REFERENCES assessments (id),
	node_urn      TEXT NOT NULL,
	name          TEXT NOT NULL,
	url           TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	size          INTEGER NOT NULL,
	sha256        TEXT NOT NULL,
	content       BLOB,
	valid_until   INTEGER,
	created_at    INTEGER NOT NULL,
	created_by    TEXT NOT NULL
);
CREATE INDEX assessment_evidence_idx ON assessment_evidence (org_id, assessment_id);

CREATE TABLE compliance_actions (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	assessment_id TEXT NOT NULL REFERENCES assessments (id),
	node_urn      TEXT NOT NULL,
	title         TEXT NOT NULL,
	notes         TEXT NOT NULL,
	owner_id      TEXT NOT NULL,
	due           INTEGER,
	status        TEXT NOT NULL CHECK (status IN ('open', 'done')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	closed_at     INTEGER
);
CREATE INDEX compliance_actions_idx ON compliance_actions (org_id, assessment_id);
