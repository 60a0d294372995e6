-- Foundation: organisations, users, memberships, sessions, API tokens,
-- login throttling, sites and the hash-chained audit trail.
-- Times are TIMESTAMPTZ (microsecond precision).

-- pg_trgm indexes the substring search on sites. It is a trusted
-- extension: the database's owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

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
) WITH (
	-- Pages of the list are found by index-only scans (see Sites in
	-- queries.go), which stay index-only on pages the visibility map marks
	-- all-visible: vacuum after 1% of the rows change rather than 20%.
	autovacuum_vacuum_scale_factor = 0.01,
	autovacuum_vacuum_insert_scale_factor = 0.01
);
-- Text is sorted and searched in the "C" collation (byte order, ASCII-only
-- lower()) whatever the cluster's locale, as SQLite does. An index serves an
-- ORDER BY or a predicate only when its expression and collation are the
-- ones the query uses (see siteOrder and siteQuery in queries.go), so the
-- indexes spell them out exactly: lower(name COLLATE "C"), and the other
-- text keys, the id tie-breaker included, as columns indexed in "C".
--
-- The list's default view is active sites: one partial index per sort key
-- serves any page of it in either direction (a backward scan for DESC). A
-- page's ids are found by an index-only scan, and then its rows by id, so
-- each index carries (INCLUDE) what the type and country filters read, and
-- the name index the name its key is computed from. A filter on a rare
-- type or country is better served by its own index, sorting the few sites
-- it finds (when they cluster far along the sort order, as a country's do by
-- UN/LOCODE, walking the sort index would pass most sites first), so those
-- two carry every sort key. status=all by name has its own index; archived
-- sites, usually few, are found by theirs and sorted.
CREATE INDEX sites_org_name_idx ON sites (org_id, lower(name COLLATE "C"), id COLLATE "C") INCLUDE (name, type, country);
CREATE INDEX sites_active_name_idx ON sites (org_id, lower(name COLLATE "C"), id COLLATE "C") INCLUDE (name, type, country)
	WHERE archived_at IS NULL;
CREATE INDEX sites_active_type_idx ON sites (org_id, type COLLATE "C", id COLLATE "C")
	INCLUDE (country, name, unlocode, created_at, updated_at) WHERE archived_at IS NULL;
CREATE INDEX sites_active_country_idx ON sites (org_id, country COLLATE "C", id COLLATE "C")
	INCLUDE (type, name, unlocode, created_at, updated_at) WHERE archived_at IS NULL;
CREATE INDEX sites_active_unlocode_idx ON sites (org_id, unlocode COLLATE "C", id COLLATE "C") INCLUDE (type, country)
	WHERE archived_at IS NULL;
CREATE INDEX sites_active_created_idx ON sites (org_id, id COLLATE "C") INCLUDE (type, country) WHERE archived_at IS NULL;
CREATE INDEX sites_active_updated_idx ON sites (org_id, updated_at, id COLLATE "C") INCLUDE (type, country) WHERE archived_at IS NULL;
CREATE INDEX sites_archived_idx ON sites (org_id, archived_at) WHERE archived_at IS NOT NULL;

-- Substring search: Sites matches lower(col COLLATE "C") LIKE '%...%'
-- ESCAPE '\' on each searched column, ORed; these trigram indexes on the
-- same expressions turn that into a BitmapOr of index scans (a pattern with
-- three or more letters or digits in a row narrows it), whose candidate
-- rows the LIKE then checks exactly. fastupdate is off so that a search
-- never scans a long list of pending entries: sites are written rarely and
-- searched often.
CREATE INDEX sites_name_trgm_idx ON sites USING gin (lower(name COLLATE "C") gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX sites_unlocode_trgm_idx ON sites USING gin (lower(unlocode COLLATE "C") gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX sites_address_trgm_idx ON sites USING gin (lower(address COLLATE "C") gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX sites_notes_trgm_idx ON sites USING gin (lower(notes COLLATE "C") gin_trgm_ops) WITH (fastupdate = off);

-- site_counts is derived data: the number of sites per (organisation, type,
-- country, archived or not), kept exact by the triggers below on every
-- insert, update and delete of sites (and emptied by a TRUNCATE), so that
-- list totals and SiteCounts read a few rows instead of counting sites. It
-- lives in the store, like an index; nothing else writes it. Rows that drop
-- to zero stay (readers skip them).
CREATE TABLE site_counts (
	org_id   TEXT NOT NULL REFERENCES organizations (id),
	type     TEXT NOT NULL,
	country  TEXT NOT NULL,
	archived BOOLEAN NOT NULL,
	n        BIGINT NOT NULL,
	PRIMARY KEY (org_id, type, country, archived)
);

-- site_counts_add adds delta to the count of one key, creating its row.
CREATE FUNCTION site_counts_add(p_org TEXT, p_type TEXT, p_country TEXT, p_archived BOOLEAN, p_delta BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO site_counts AS c (org_id, type, country, archived, n) VALUES (p_org, p_type, p_country, p_archived, p_delta)
		ON CONFLICT (org_id, type, country, archived) DO UPDATE SET n = c.n + excluded.n;
END;
$$;

-- sites_count moves one site between keys of site_counts. An update that
-- changes its key takes the two count rows in key order, so that two
-- transactions moving sites in opposite directions cannot deadlock.
CREATE FUNCTION sites_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	old_first BOOLEAN;
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM site_counts_add(NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NOT NULL, 1);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM site_counts_add(OLD.org_id, OLD.type, OLD.country, OLD.archived_at IS NOT NULL, -1);
	ELSIF (OLD.org_id, OLD.type, OLD.country, OLD.archived_at IS NOT NULL)
			IS DISTINCT FROM (NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NOT NULL) THEN
		old_first := (OLD.org_id COLLATE "C", OLD.type COLLATE "C", OLD.country COLLATE "C", OLD.archived_at IS NOT NULL)
			< (NEW.org_id COLLATE "C", NEW.type COLLATE "C", NEW.country COLLATE "C", NEW.archived_at IS NOT NULL);
		IF old_first THEN
			PERFORM site_counts_add(OLD.org_id, OLD.type, OLD.country, OLD.archived_at IS NOT NULL, -1);
		END IF;
		PERFORM site_counts_add(NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NOT NULL, 1);
		IF NOT old_first THEN
			PERFORM site_counts_add(OLD.org_id, OLD.type, OLD.country, OLD.archived_at IS NOT NULL, -1);
		END IF;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER sites_count_insert AFTER INSERT ON sites FOR EACH ROW EXECUTE FUNCTION sites_count();
CREATE TRIGGER sites_count_delete AFTER DELETE ON sites FOR EACH ROW EXECUTE FUNCTION sites_count();
CREATE TRIGGER sites_count_update AFTER UPDATE OF org_id, type, country, archived_at ON sites FOR EACH ROW
	WHEN ((OLD.org_id, OLD.type, OLD.country, OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.org_id, NEW.type, NEW.country, NEW.archived_at IS NULL))
	EXECUTE FUNCTION sites_count();

CREATE FUNCTION sites_count_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM site_counts;
	RETURN NULL;
END;
$$;
CREATE TRIGGER sites_count_truncate AFTER TRUNCATE ON sites FOR EACH STATEMENT EXECUTE FUNCTION sites_count_truncate();

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
