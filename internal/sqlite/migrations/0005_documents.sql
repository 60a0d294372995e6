-- Controlled documents (ISO 28000 7.5): the security policy (5.2), the scope
-- statement (4.3), procedures, plans and forms; their versions, uploaded
-- files and read acknowledgements (7.3). Times are INTEGER microseconds.

CREATE TABLE documents (
	rid               INTEGER PRIMARY KEY,
	id                TEXT NOT NULL,
	org_id            TEXT NOT NULL REFERENCES organizations (id),
	title             TEXT NOT NULL,
	reference         TEXT NOT NULL,
	type              TEXT NOT NULL CHECK (type IN ('policy', 'procedure', 'plan', 'work_instruction', 'record_template', 'form', 'scope')),
	owner_id          TEXT NOT NULL REFERENCES users (id),
	classification    TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'confidential', 'restricted')),
	ack_required      INTEGER NOT NULL CHECK (ack_required IN (0, 1)),
	ack_roles         TEXT NOT NULL,
	review_months     INTEGER NOT NULL,
	review_due        INTEGER,
	retention_months  INTEGER NOT NULL,
	latest_version    INTEGER NOT NULL,
	latest_status     TEXT NOT NULL CHECK (latest_status IN ('', 'draft', 'in_review', 'approved', 'published', 'obsolete')),
	published_id      TEXT NOT NULL,
	published_number  INTEGER NOT NULL,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL,
	archived_at       INTEGER,
	CONSTRAINT documents_org_id_key UNIQUE (org_id, id),
	CONSTRAINT documents_reference_key UNIQUE (org_id, reference)
);
-- The list's default order is by title: that index also holds what the
-- filters and the search read, so that walking it in order while filtering,
-- searching and counting needs no table lookups. Active documents, the
-- default view, have a partial index per other sort key (the review sort puts documents without a date
-- last, by the same expression as the query).
CREATE INDEX documents_org_title_idx ON documents (org_id, lower(title), id, archived_at, classification, type, latest_status, owner_id, reference);
CREATE INDEX documents_active_reference_idx ON documents (org_id, reference, id) WHERE archived_at IS NULL;
CREATE INDEX documents_active_type_idx ON documents (org_id, type, id) WHERE archived_at IS NULL;
CREATE INDEX documents_active_updated_idx ON documents (org_id, updated_at, id) WHERE archived_at IS NULL;
CREATE INDEX documents_active_review_idx ON documents (org_id, coalesce(review_due, 9223372036854775807), id) WHERE archived_at IS NULL;

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
	file_size     INTEGER NOT NULL,
	file_sha256   TEXT NOT NULL,
	scope         TEXT NOT NULL,
	author_id     TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	submitted_by  TEXT NOT NULL,
	submitted_at  INTEGER,
	approved_by   TEXT NOT NULL,
	approved_role TEXT NOT NULL,
	approved_at   INTEGER,
	published_by  TEXT NOT NULL,
	published_at  INTEGER,
	obsoleted_at  INTEGER,
	FOREIGN KEY (org_id, document_id) REFERENCES documents (org_id, id),
	CONSTRAINT document_versions_number_key UNIQUE (document_id, number)
);
CREATE INDEX document_versions_status_idx ON document_versions (org_id, status);

-- File bytes live apart from the version rows so that listing versions
-- never reads them; the database holds them so app instances keep no state.
CREATE TABLE document_files (
	version_id TEXT PRIMARY KEY REFERENCES document_versions (id),
	org_id     TEXT NOT NULL,
	content    BLOB NOT NULL
);

CREATE TABLE document_acks (
	org_id      TEXT NOT NULL,
	document_id TEXT NOT NULL,
	version_id  TEXT NOT NULL REFERENCES document_versions (id),
	user_id     TEXT NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (version_id, user_id)
);
CREATE INDEX document_acks_user_idx ON document_acks (org_id, user_id);
