-- The people register (ISO 28000 5.3, 7.1, 7.2): people, competences,
-- security roles with their required competences and assignments, processes
-- and the RACI matrix, courses, training records and evidence files.
-- Times are INTEGER microseconds, UTC; dates without a time are TEXT
-- YYYY-MM-DD, which sort and compare as dates. Links carry the organisation
-- in composite foreign keys, so no row can point into another organisation.

CREATE TABLE people (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	email       TEXT NOT NULL,
	job_title   TEXT NOT NULL,
	employer    TEXT NOT NULL,
	user_id     TEXT,
	notes       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT people_org_id_key UNIQUE (org_id, id),
	FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX people_org_name_idx ON people (org_id, lower(name), id);
CREATE INDEX people_user_idx ON people (org_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE person_sites (
	org_id    TEXT NOT NULL,
	person_id TEXT NOT NULL,
	site_id   TEXT NOT NULL,
	PRIMARY KEY (person_id, site_id),
	FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id),
	FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
) WITHOUT ROWID;
CREATE INDEX person_sites_site_idx ON person_sites (org_id, site_id, person_id);

CREATE TABLE competences (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT competences_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX competences_org_name_idx ON competences (org_id, lower(name), id);

CREATE TABLE security_roles (
	id               TEXT PRIMARY KEY,
	org_id           TEXT NOT NULL REFERENCES organizations (id),
	name             TEXT NOT NULL,
	responsibilities TEXT NOT NULL,
	authorities      TEXT NOT NULL,
	per_site         INTEGER NOT NULL CHECK (per_site IN (0, 1)),
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	archived_at      INTEGER,
	CONSTRAINT security_roles_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX security_roles_org_name_idx ON security_roles (org_id, lower(name), id);

CREATE TABLE role_competences (
	org_id        TEXT NOT NULL,
	role_id       TEXT NOT NULL,
	competence_id TEXT NOT NULL,
	PRIMARY KEY (role_id, competence_id),
	FOREIGN KEY (org_id, role_id) REFERENCES security_roles (org_id, id),
	FOREIGN KEY (org_id, competence_id) REFERENCES competences (org_id, id)
) WITHOUT ROWID;
CREATE INDEX role_competences_competence_idx ON role_competences (competence_id);

CREATE TABLE role_assignments (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	role_id     TEXT NOT NULL,
	person_id   TEXT NOT NULL,
	site_id     TEXT,
	from_date   TEXT NOT NULL CHECK (length(from_date) = 10),
	to_date     TEXT CHECK (to_date IS NULL OR (length(to_date) = 10 AND to_date >= from_date)),
	notes       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	FOREIGN KEY (org_id, role_id) REFERENCES security_roles (org_id, id),
	FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id),
	FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id)
);
CREATE INDEX role_assignments_person_idx ON role_assignments (org_id, person_id);
CREATE INDEX role_assignments_role_idx ON role_assignments (org_id, role_id);
CREATE INDEX role_assignments_site_idx ON role_assignments (org_id, site_id);

CREATE TABLE processes (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT processes_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX processes_org_name_idx ON processes (org_id, lower(name), id);

-- One row per non-empty cell. The partial unique index holds the rule that
-- a process has at most one Accountable role (the service checks it first,
-- to say which cell is wrong).
CREATE TABLE raci_cells (
	org_id     TEXT NOT NULL,
	process_id TEXT NOT NULL,
	role_id    TEXT NOT NULL,
	value      TEXT NOT NULL CHECK (value IN ('R', 'A', 'C', 'I')),
	PRIMARY KEY (process_id, role_id),
	FOREIGN KEY (org_id, process_id) REFERENCES processes (org_id, id),
	FOREIGN KEY (org_id, role_id) REFERENCES security_roles (org_id, id)
) WITHOUT ROWID;
CREATE INDEX raci_cells_org_idx ON raci_cells (org_id);
CREATE UNIQUE INDEX raci_cells_one_a_idx ON raci_cells (process_id) WHERE value = 'A';

CREATE TABLE courses (
	id                TEXT PRIMARY KEY,
	org_id            TEXT NOT NULL REFERENCES organizations (id),
	title             TEXT NOT NULL,
	description       TEXT NOT NULL,
	recurrence_months INTEGER NOT NULL CHECK (recurrence_months >= 0),
	delivery          TEXT NOT NULL CHECK (delivery IN ('classroom', 'e_learning', 'drill', 'on_the_job')),
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL,
	archived_at       INTEGER,
	CONSTRAINT courses_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX courses_org_title_idx ON courses (org_id, lower(title), id);

CREATE TABLE course_competences (
	org_id        TEXT NOT NULL,
	course_id     TEXT NOT NULL,
	competence_id TEXT NOT NULL,
	PRIMARY KEY (course_id, competence_id),
	FOREIGN KEY (org_id, course_id) REFERENCES courses (org_id, id),
	FOREIGN KEY (org_id, competence_id) REFERENCES competences (org_id, id)
) WITHOUT ROWID;
CREATE INDEX course_competences_competence_idx ON course_competences (competence_id, course_id);

CREATE TABLE evidence_files (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES organizations (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL CHECK (size >= 0 AND size <= 10485760),
	sha256       TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	CONSTRAINT evidence_files_org_id_key UNIQUE (org_id, id)
);

CREATE TABLE training_records (
	id               TEXT PRIMARY KEY,
	org_id           TEXT NOT NULL REFERENCES organizations (id),
	person_id        TEXT NOT NULL,
	course_id        TEXT NOT NULL,
	completed        TEXT NOT NULL CHECK (length(completed) = 10),
	expires          TEXT CHECK (expires IS NULL OR (length(expires) = 10 AND expires >= completed)),
	result           TEXT NOT NULL CHECK (result IN ('passed', 'attended', 'failed')),
	evidence_note    TEXT NOT NULL,
	evidence_file_id TEXT,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	archived_at      INTEGER,
	FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id),
	FOREIGN KEY (org_id, course_id) REFERENCES courses (org_id, id),
	FOREIGN KEY (org_id, evidence_file_id) REFERENCES evidence_files (org_id, id)
);
-- The list's default order (newest completion first), also for counting
-- the active records.
CREATE INDEX training_records_completed_idx ON training_records (org_id, completed, id);
CREATE INDEX training_records_active_completed_idx ON training_records (org_id, completed, id) WHERE archived_at IS NULL;
-- Covers the matrix's read of a person's records.
CREATE INDEX training_records_person_idx ON training_records (person_id, course_id, completed, expires, result, archived_at);
CREATE INDEX training_records_course_idx ON training_records (course_id);
CREATE INDEX training_records_expires_idx ON training_records (org_id, expires) WHERE archived_at IS NULL AND expires IS NOT NULL;
