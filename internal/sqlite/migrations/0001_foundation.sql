-- Foundation: organisations, users, memberships, sessions, API tokens,
-- login throttling, sites and the hash-chained audit trail.
-- Times are INTEGER microseconds since the Unix epoch, UTC.

CREATE TABLE organizations (
	id          TEXT PRIMARY KEY,
	slug        TEXT NOT NULL,
	name        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	audit_seq   INTEGER NOT NULL DEFAULT 0,
	audit_hash  BLOB NOT NULL DEFAULT x'',
	CONSTRAINT organizations_slug_key UNIQUE (slug)
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	lang          TEXT NOT NULL CHECK (lang IN ('en', 'es')),
	time_zone     TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	disabled_at   INTEGER,
	CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE memberships (
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	user_id    TEXT NOT NULL REFERENCES users (id),
	role       TEXT NOT NULL CHECK (role IN ('admin', 'security_manager', 'site_officer', 'auditor', 'contributor', 'viewer', 'partner')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE,
	user_id    TEXT NOT NULL REFERENCES users (id),
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         BLOB NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER,
	last_used_at INTEGER,
	revoked_at   INTEGER,
	FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (org_id, user_id);

CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);

-- rid is a SQLite-only surrogate: a stable rowid for the search index
-- (VACUUM may renumber implicit rowids, never an INTEGER PRIMARY KEY).
CREATE TABLE sites (
	rid         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	type        TEXT NOT NULL CHECK (type IN ('warehouse', 'distribution_centre', 'port_facility', 'terminal', 'cross_dock', 'plant', 'office', 'yard')),
	unlocode    TEXT NOT NULL,
	address     TEXT NOT NULL,
	country     TEXT NOT NULL,
	time_zone   TEXT NOT NULL,
	notes       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT sites_org_id_key UNIQUE (org_id, id)
);
-- Every index costs each audited write (about 5% each). The name index, the
-- default sort, also holds archived_at, type and country, so walking it in
-- name order while filtering on them needs no table lookups. IDs sort in
-- creation order, so (org_id, id) serves the created sort. Active sites,
-- the list's default view, have a partial index per other sort key.
CREATE INDEX sites_org_name_idx ON sites (org_id, lower(name), id, archived_at, type, country);
CREATE INDEX sites_active_updated_idx ON sites (org_id, updated_at, id) WHERE archived_at IS NULL;
CREATE INDEX sites_active_type_idx ON sites (org_id, type, id) WHERE archived_at IS NULL;
CREATE INDEX sites_active_country_idx ON sites (org_id, country, id) WHERE archived_at IS NULL;
CREATE INDEX sites_active_unlocode_idx ON sites (org_id, unlocode, id) WHERE archived_at IS NULL;
-- Sites of one country cluster in name order (names often start with the
-- place), so a country filter walks its own name-ordered index.
CREATE INDEX sites_active_country_name_idx ON sites (org_id, country, lower(name), id, type) WHERE archived_at IS NULL;

-- site_counts is derived data kept exact by triggers, so that list totals
-- and dashboard counts do not count rows: (organisation, type, country,
-- archived) → number of sites.
CREATE TABLE site_counts (
	org_id   TEXT NOT NULL,
	type     TEXT NOT NULL,
	country  TEXT NOT NULL,
	archived INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (org_id, type, country, archived)
) WITHOUT ROWID;
CREATE TRIGGER sites_count_insert AFTER INSERT ON sites BEGIN
	INSERT INTO site_counts (org_id, type, country, archived, n) VALUES (NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NOT NULL, 1)
		ON CONFLICT (org_id, type, country, archived) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER sites_count_delete AFTER DELETE ON sites BEGIN
	UPDATE site_counts SET n = n - 1
		WHERE org_id = OLD.org_id AND type = OLD.type AND country = OLD.country AND archived = (OLD.archived_at IS NOT NULL);
END;
CREATE TRIGGER sites_count_update AFTER UPDATE OF org_id, type, country, archived_at ON sites
	WHEN OLD.org_id IS NOT NEW.org_id OR OLD.type IS NOT NEW.type OR OLD.country IS NOT NEW.country
		OR (OLD.archived_at IS NULL) IS NOT (NEW.archived_at IS NULL)
BEGIN
	UPDATE site_counts SET n = n - 1
		WHERE org_id = OLD.org_id AND type = OLD.type AND country = OLD.country AND archived = (OLD.archived_at IS NOT NULL);
	INSERT INTO site_counts (org_id, type, country, archived, n) VALUES (NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NOT NULL, 1)
		ON CONFLICT (org_id, type, country, archived) DO UPDATE SET n = n + 1;
END;

-- Search: a trigram full-text index narrows a substring search to candidate
-- rows, which the LIKE predicate then checks exactly (so results equal
-- PostgreSQL's). Indexing in the write transaction would cost every audited
-- write a third of its speed, so writes only queue the site's rid and the
-- store indexes the queue in batches moments later; searches take queued
-- sites as candidates too, so they are never missed.
CREATE VIRTUAL TABLE sites_search USING fts5 (name, unlocode, address, notes, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE TABLE sites_search_queue (rid INTEGER PRIMARY KEY);
CREATE TRIGGER sites_search_insert AFTER INSERT ON sites BEGIN
	INSERT OR IGNORE INTO sites_search_queue (rid) VALUES (NEW.rid);
END;
CREATE TRIGGER sites_search_delete AFTER DELETE ON sites BEGIN
	INSERT OR IGNORE INTO sites_search_queue (rid) VALUES (OLD.rid);
END;
CREATE TRIGGER sites_search_update AFTER UPDATE OF name, unlocode, address, notes ON sites
	WHEN OLD.name IS NOT NEW.name OR OLD.unlocode IS NOT NEW.unlocode OR OLD.address IS NOT NEW.address OR OLD.notes IS NOT NEW.notes
BEGIN
	INSERT OR IGNORE INTO sites_search_queue (rid) VALUES (NEW.rid);
END;

CREATE TABLE audit_entries (
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	seq           INTEGER NOT NULL,
	id            TEXT NOT NULL,
	at            INTEGER NOT NULL,
	actor_id      TEXT NOT NULL,
	actor_name    TEXT NOT NULL,
	action        TEXT NOT NULL,
	object_type   TEXT NOT NULL,
	object_id     TEXT NOT NULL,
	change        BLOB NOT NULL,
	change_digest BLOB NOT NULL,
	prev_hash     BLOB NOT NULL,
	hash          BLOB NOT NULL,
	PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;
CREATE INDEX audit_entries_object_idx ON audit_entries (org_id, object_type, object_id, seq);
