-- Custom inspection checklists and photos of inspection points (issue 6).

-- One row per version of an organisation's own checklist. Editing a
-- checklist adds a version and marks the previous one superseded; an
-- inspection keeps the version it was recorded against. Points are JSON:
-- [{key, label, guidance, photo_required_on_fail}].
CREATE TABLE inspection_templates (
	id         TEXT COLLATE "C" PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	key        TEXT NOT NULL CHECK (key <> ''),
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('container', 'truck_trailer', 'other')),
	version    INTEGER NOT NULL CHECK (version >= 1),
	points     TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('current', 'superseded', 'archived')),
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	UNIQUE (org_id, key, version)
);
-- At most one version of a checklist is current or archived: the latest.
CREATE UNIQUE INDEX inspection_templates_latest_idx ON inspection_templates (org_id, key) WHERE status <> 'superseded';

-- An inspection's template may now be an organisation's own checklist
-- (template holds the key; template_id the version, NULL for built-ins).
ALTER TABLE inspections DROP CONSTRAINT inspections_template_check;
ALTER TABLE inspections ADD CONSTRAINT inspections_template_check CHECK (template <> '');
ALTER TABLE inspections ADD COLUMN template_id TEXT COLLATE "C" REFERENCES inspection_templates (id);

-- Photos taken at inspection points; the image is kept in the database
-- (at most 10 MiB each, type decided by content).
CREATE TABLE inspection_photos (
	id            TEXT COLLATE "C" PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES organizations (id),
	inspection_id TEXT NOT NULL REFERENCES inspections (id),
	point         TEXT NOT NULL,
	content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	size          INTEGER NOT NULL,
	sha256        TEXT NOT NULL,
	data          BYTEA NOT NULL,
	created_by    TEXT NOT NULL,
	created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspection_photos_idx ON inspection_photos (inspection_id, created_at);
