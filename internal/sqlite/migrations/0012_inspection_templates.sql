-- Custom inspection checklists and photos of inspection points (issue 6).

-- One row per version of an organisation's own checklist. Editing a
-- checklist adds a version and marks the previous one superseded; an
-- inspection keeps the version it was recorded against. Points are JSON:
-- [{key, label, guidance, photo_required_on_fail}].
CREATE TABLE inspection_templates (
	id         TEXT PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	key        TEXT NOT NULL CHECK (key <> ''),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('container', 'truck_trailer', 'other')),
	version    INTEGER NOT NULL CHECK (version >= 1),
	points     TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('current', 'superseded', 'archived')),
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (org_id, key, version)
);
-- At most one version of a checklist is current or archived: the latest.
CREATE UNIQUE INDEX inspection_templates_latest_idx ON inspection_templates (org_id, key) WHERE status <> 'superseded';

-- The inspections table is rebuilt: its template may now be an
-- organisation's own checklist (template holds the key; template_id the
-- version, empty for the built-in ones).
CREATE TABLE inspections_new (
	id             TEXT PRIMARY KEY,
	org_id         TEXT NOT NULL REFERENCES organizations (id),
	site_id        TEXT NOT NULL,
	template       TEXT NOT NULL CHECK (template <> ''),
	template_id    TEXT REFERENCES inspection_templates (id),
	equipment      TEXT NOT NULL,
	equipment_ok   INTEGER NOT NULL,
	inspector      TEXT NOT NULL,
	at             INTEGER NOT NULL,
	results        TEXT NOT NULL,
	failed         INTEGER NOT NULL,
	epcis_event_id TEXT NOT NULL,
	created_at     INTEGER NOT NULL
);
INSERT INTO inspections_new (id, org_id, site_id, template, template_id, equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at)
	SELECT id, org_id, site_id, template, NULL, equipment, equipment_ok, inspector, at, results, failed, epcis_event_id, created_at FROM inspections;
DROP TABLE inspections;
ALTER TABLE inspections_new RENAME TO inspections;
CREATE INDEX inspections_org_idx ON inspections (org_id, at);

-- Photos taken at inspection points; the image is kept in the database
-- (at most 10 MiB each, type decided by content).
CREATE TABLE inspection_photos (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	inspection_id TEXT NOT NULL REFERENCES inspections (id),
	point         TEXT NOT NULL,
	content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	size          INTEGER NOT NULL,
	sha256        TEXT NOT NULL,
	data          BLOB NOT NULL,
	created_by    TEXT NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE INDEX inspection_photos_idx ON inspection_photos (inspection_id, created_at);
