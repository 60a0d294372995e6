-- Foundation: organisations, users, memberships, sessions, API tokens,
-- login throttling, sites and the hash-chained audit trail.
-- Times are TIMESTAMPTZ (microsecond precision).

CREATE TABLE organizations (
	id          TEXT PRIMARY KEY,
	slug        TEXT NOT NULL,
	name        TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	audit_seq   BIGINT NOT NULL DEFAULT 0,
	audit_hash  BYTEA NOT NULL DEFAULT ''::bytea,
	CONSTRAINT organizations_slug_key UNIQUE (slug)
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	lang          TEXT NOT NULL CHECK (lang IN ('en', 'es')),
	time_zone     TEXT NOT NULL,
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL,
	disabled_at   TIMESTAMPTZ,
	CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE memberships (
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	user_id    TEXT NOT NULL REFERENCES users (id),
	role       TEXT NOT NULL CHECK (role IN ('admin', 'security_manager', 'site_officer', 'auditor', 'contributor', 'viewer', 'partner')),
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	token_hash BYTEA NOT NULL UNIQUE,
	user_id    TEXT NOT NULL REFERENCES users (id),
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	csrf_token TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	last_seen  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         BYTEA NOT NULL UNIQUE,
	created_at   TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ,
	last_used_at TIMESTAMPTZ,
	revoked_at   TIMESTAMPTZ,
	FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (org_id, user_id);

CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);

CREATE TABLE sites (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	name        TEXT NOT NULL,
	type        TEXT NOT NULL CHECK (type IN ('warehouse', 'distribution_centre', 'port_facility', 'terminal', 'cross_dock', 'plant', 'office', 'yard')),
	unlocode    TEXT NOT NULL,
	address     TEXT NOT NULL,
	country     TEXT NOT NULL,
	time_zone   TEXT NOT NULL,
	notes       TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	archived_at TIMESTAMPTZ
);
-- Text is sorted and searched in the "C" collation (byte order, ASCII-only
-- lower()) whatever the cluster's locale, as SQLite does; an index serves an
-- ORDER BY only when its collation matches, so the indexes name it too. The
-- partial indexes serve the default list (active sites by name) and, being
-- small, index-only counts of active sites (the list's total, SiteCounts).
CREATE INDEX sites_org_name_idx ON sites (org_id, lower(name COLLATE "C"), id COLLATE "C");
CREATE INDEX sites_org_active_name_idx ON sites (org_id, lower(name COLLATE "C"), id COLLATE "C") WHERE archived_at IS NULL;
CREATE INDEX sites_org_active_type_idx ON sites (org_id, type) WHERE archived_at IS NULL;
CREATE INDEX sites_org_created_idx ON sites (org_id, created_at, id COLLATE "C");
CREATE INDEX sites_org_updated_idx ON sites (org_id, updated_at, id COLLATE "C");

CREATE TABLE audit_entries (
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	seq           BIGINT NOT NULL,
	id            TEXT NOT NULL,
	at            TIMESTAMPTZ NOT NULL,
	actor_id      TEXT NOT NULL,
	actor_name    TEXT NOT NULL,
	action        TEXT NOT NULL,
	object_type   TEXT NOT NULL,
	object_id     TEXT NOT NULL,
	change        BYTEA NOT NULL,
	change_digest BYTEA NOT NULL,
	prev_hash     BYTEA NOT NULL,
	hash          BYTEA NOT NULL,
	PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_entries_object_idx ON audit_entries (org_id, object_type, object_id, seq);
CREATE INDEX audit_entries_actor_idx ON audit_entries (org_id, actor_id, seq);
