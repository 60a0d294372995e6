-- Controlled documents (ISO 28000 7.5): the security policy (5.2), the scope
-- statement (4.3), procedures, plans and forms; their versions, uploaded
-- files and read acknowledgements (7.3). Text sorts in the "C" collation,
-- as on SQLite.

CREATE TABLE documents (
	id                TEXT PRIMARY KEY,
	org_id            TEXT NOT NULL REFERENCES organizations (id),
	title             TEXT NOT NULL,
	reference         TEXT NOT NULL,
	type              TEXT NOT NULL CHECK (type IN ('policy', 'procedure', 'plan', 'work_instruction', 'record_template', 'form', 'scope')),
	owner_id          TEXT NOT NULL REFERENCES users (id),
	classification    TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'confidential', 'restricted')),
	ack_required      BOOLEAN NOT NULL,
	ack_roles         TEXT NOT NULL,
	review_months     INTEGER NOT NULL,
	review_due        TIMESTAMPTZ,
	retention_months  INTEGER NOT NULL,
	latest_version    INTEGER NOT NULL,
	latest_status     TEXT NOT NULL CHECK (latest_status IN ('', 'draft', 'in_review', 'approved', 'published', 'obsolete')),
	published_id      TEXT NOT NULL,
	published_number  INTEGER NOT NULL,
	created_at        TIMESTAMPTZ NOT NULL,
	updated_at        TIMESTAMPTZ NOT NULL,
	archived_at       TIMESTAMPTZ,
	CONSTRAINT documents_org_id_key UNIQUE (org_id, id),
	CONSTRAINT documents_reference_key UNIQUE (org_id, reference)
) WITH (
	-- Pages of the list find their ids by index-only scans, which need the
	-- visibility map current: vacuum after 1% of the rows change.
	autovacuum_vacuum_scale_factor = 0.01,
	autovacuum_vacuum_insert_scale_factor = 0.01
);
-- One index per sort key, with the id tie-breaker, in the "C" collation the
-- queries use (see docOrder in documents.go); the title index, the default
-- order, also carries what the filters read. Each also carries the plain
-- columns its key is computed from (an index-only scan needs every column the
-- query reads, and cannot get id from the key's id COLLATE "C"), so that a
-- page's ids are found without reading the table.
CREATE INDEX documents_org_title_idx ON documents (org_id, lower(title COLLATE "C"), (id COLLATE "C")) INCLUDE (id, title, archived_at, classification, type, latest_status, owner_id, reference);
CREATE INDEX documents_active_reference_idx ON documents (org_id, (reference COLLATE "C"), (id COLLATE "C")) INCLUDE (id, reference) WHERE archived_at IS NULL;
CREATE INDEX documents_active_type_idx ON documents (org_id, (type COLLATE "C"), (id COLLATE "C")) INCLUDE (id, type) WHERE archived_at IS NULL;
CREATE INDEX documents_active_updated_idx ON documents (org_id, updated_at, (id COLLATE "C")) INCLUDE (id) WHERE archived_at IS NULL;
CREATE INDEX documents_active_review_idx ON documents (org_id, review_due NULLS LAST, (id COLLATE "C")) INCLUDE (id) WHERE archived_at IS NULL;

CREATE TABLE document_versions (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL,
	document_id   TEXT NOT NULL,
	number        INTEGER NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'published', 'obsolete')),
	body          TEXT NOT NULL,
	note          TEXT NOT NULL,
	file_name     TEXT NOT NULL,
	file_type     TEXT NOT NULL,
	file_size     BIGINT NOT NULL,
	file_sha256   TEXT NOT NULL,
	scope         TEXT NOT NULL,
	author_id     TEXT NOT NULL,
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL,
	submitted_by  TEXT NOT NULL,
	submitted_at  TIMESTAMPTZ,
	approved_by   TEXT NOT NULL,
	approved_role TEXT NOT NULL,
	approved_at   TIMESTAMPTZ,
	published_by  TEXT NOT NULL,
	published_at  TIMESTAMPTZ,
	obsoleted_at  TIMESTAMPTZ,
	FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id),
	CONSTRAINT document_versions_number_key UNIQUE (document_id, number)
);
CREATE INDEX document_versions_doc_idx ON document_versions (document_id);
CREATE INDEX document_versions_status_idx ON document_versions (org_id, status);

-- File bytes live apart from the version rows so that listing versions
-- never reads them; the database holds them so app instances keep no state.
CREATE TABLE document_files (
	version_id TEXT PRIMARY KEY REFERENCES document_versions (id),
	org_id     TEXT NOT NULL,
	content    BYTEA NOT NULL
);

CREATE TABLE document_acks (
	org_id      TEXT NOT NULL,
	document_id TEXT NOT NULL,
	version_id  TEXT NOT NULL REFERENCES document_versions (id),
	user_id     TEXT NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (version_id, user_id)
);
CREATE INDEX document_acks_user_idx ON document_acks (org_id, user_id);
