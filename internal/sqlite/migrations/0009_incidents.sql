-- Security incidents (issue 7): the register, its timeline, owed
-- notifications and the rules that owe them, evidence files, loose links to
-- other records, corrective actions, and a per-month rollup for the charts.
-- Times are INTEGER microseconds since the Unix epoch, UTC.

CREATE TABLE incidents (
	id                   TEXT PRIMARY KEY,
	org_id               TEXT NOT NULL REFERENCES organizations (id),
	type                 TEXT NOT NULL CHECK (type IN ('cargo_theft', 'theft_from_vehicle', 'hijacking', 'fictitious_pickup', 'pilferage', 'seal_tampering', 'intrusion', 'contraband_or_stowaway', 'counterfeit', 'insider_misconduct', 'cyber_logistics_data', 'piracy_armed_robbery', 'temperature_excursion', 'natural_hazard', 'other')),
	severity             TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
	severity_rank        INTEGER NOT NULL,
	status               TEXT NOT NULL CHECK (status IN ('draft', 'reported', 'triaged', 'investigating', 'contained', 'closed')),
	title                TEXT NOT NULL,
	description          TEXT NOT NULL,
	occurred_at          INTEGER NOT NULL,
	month                INTEGER NOT NULL,
	detected_at          INTEGER NOT NULL,
	reported_at          INTEGER NOT NULL,
	site_id              TEXT,
	lane                 TEXT NOT NULL,
	shipment_ref         TEXT NOT NULL,
	equipment_ref        TEXT NOT NULL,
	partner              TEXT NOT NULL,
	unlocode             TEXT NOT NULL,
	latitude             REAL,
	longitude            REAL,
	loss_cents           INTEGER NOT NULL CHECK (loss_cents >= 0),
	currency             TEXT NOT NULL,
	reporter_id          TEXT NOT NULL,
	reporter             TEXT NOT NULL,
	assignee_id          TEXT,
	source               TEXT NOT NULL CHECK (source IN ('manual', 'custody', 'import')),
	source_ref           TEXT,
	rca_method           TEXT NOT NULL,
	cause_category       TEXT NOT NULL,
	root_cause           TEXT NOT NULL,
	whys                 TEXT NOT NULL,
	contributing_factors TEXT NOT NULL,
	lessons_learned      TEXT NOT NULL,
	search_text          TEXT NOT NULL, -- see bulkhead.Incident.SearchText
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL,
	closed_at            INTEGER,
	FOREIGN KEY (org_id, site_id) REFERENCES sites (org_id, id),
	CONSTRAINT incidents_source_key UNIQUE (org_id, source, source_ref)
);
-- The list's default order is newest first; each common filter has its
-- own index in that order, so a filtered page walks one index and stops
-- after a page. Every index also carries the other filter columns, so that
-- the total of any combination of filters is counted from an index alone,
-- without reading incidents. Sorting by loss has its own index.
CREATE INDEX incidents_org_occurred_idx ON incidents (org_id, occurred_at, id, type, severity, status, site_id);
CREATE INDEX incidents_org_type_idx ON incidents (org_id, type, occurred_at, id, severity, status, site_id);
CREATE INDEX incidents_org_site_idx ON incidents (org_id, site_id, occurred_at, id, type, severity, status);
CREATE INDEX incidents_org_status_idx ON incidents (org_id, status, occurred_at, id, type, severity, site_id);
CREATE INDEX incidents_org_severity_idx ON incidents (org_id, severity, occurred_at, id, type, status, site_id);
CREATE INDEX incidents_org_loss_idx ON incidents (org_id, loss_cents, id, status, type, severity, site_id);
CREATE INDEX incidents_assignee_idx ON incidents (org_id, assignee_id, status) WHERE assignee_id IS NOT NULL;

-- incident_rollup is derived data kept exact by triggers: incidents and
-- losses per (organisation, month, type, severity, status, site, lane,
-- currency),
-- so that the charts read a few hundred rows, not every incident.
CREATE TABLE incident_rollup (
	org_id     TEXT NOT NULL,
	month      INTEGER NOT NULL,
	type       TEXT NOT NULL,
	severity   TEXT NOT NULL,
	status     TEXT NOT NULL,
	site_id    TEXT NOT NULL,
	lane       TEXT NOT NULL,
	currency   TEXT NOT NULL,
	n          INTEGER NOT NULL,
	loss_cents INTEGER NOT NULL,
	PRIMARY KEY (org_id, month, type, severity, status, site_id, lane, currency)
) WITHOUT ROWID;
CREATE TRIGGER incidents_rollup_insert AFTER INSERT ON incidents BEGIN
	INSERT INTO incident_rollup (org_id, month, type, severity, status, site_id, lane, currency, n, loss_cents)
		VALUES (NEW.org_id, NEW.month, NEW.type, NEW.severity, NEW.status, coalesce(NEW.site_id, ''), NEW.lane, NEW.currency, 1, NEW.loss_cents)
		ON CONFLICT (org_id, month, type, severity, status, site_id, lane, currency) DO UPDATE SET n = n + 1, loss_cents = loss_cents + excluded.loss_cents;
END;
CREATE TRIGGER incidents_rollup_delete AFTER DELETE ON incidents BEGIN
	UPDATE incident_rollup SET n = n - 1, loss_cents = loss_cents - OLD.loss_cents
		WHERE org_id = OLD.org_id AND month = OLD.month AND type = OLD.type AND severity = OLD.severity AND status = OLD.status
			AND site_id = coalesce(OLD.site_id, '') AND lane = OLD.lane AND currency = OLD.currency;
END;
CREATE TRIGGER incidents_rollup_update AFTER UPDATE OF month, type, severity, status, site_id, lane, currency, loss_cents ON incidents
	WHEN OLD.month IS NOT NEW.month OR OLD.type IS NOT NEW.type OR OLD.severity IS NOT NEW.severity OR OLD.status IS NOT NEW.status OR OLD.site_id IS NOT NEW.site_id
		OR OLD.lane IS NOT NEW.lane OR OLD.currency IS NOT NEW.currency OR OLD.loss_cents IS NOT NEW.loss_cents
BEGIN
	UPDATE incident_rollup SET n = n - 1, loss_cents = loss_cents - OLD.loss_cents
		WHERE org_id = OLD.org_id AND month = OLD.month AND type = OLD.type AND severity = OLD.severity AND status = OLD.status
			AND site_id = coalesce(OLD.site_id, '') AND lane = OLD.lane AND currency = OLD.currency;
	INSERT INTO incident_rollup (org_id, month, type, severity, status, site_id, lane, currency, n, loss_cents)
		VALUES (NEW.org_id, NEW.month, NEW.type, NEW.severity, NEW.status, coalesce(NEW.site_id, ''), NEW.lane, NEW.currency, 1, NEW.loss_cents)
		ON CONFLICT (org_id, month, type, severity, status, site_id, lane, currency) DO UPDATE SET n = n + 1, loss_cents = loss_cents + excluded.loss_cents;
END;

CREATE TABLE incident_entries (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	at          INTEGER NOT NULL,
	actor_id    TEXT NOT NULL,
	actor_name  TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('note', 'created', 'status', 'assign', 'notification', 'evidence', 'link', 'root_cause', 'action', 'edit')),
	body        TEXT NOT NULL
);
CREATE INDEX incident_entries_incident_idx ON incident_entries (incident_id, at, id);

CREATE TABLE incident_notifications (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	recipient   TEXT NOT NULL CHECK (recipient IN ('customs', 'police', 'insurer', 'customer', 'certification_body', 'other')),
	due_at      INTEGER NOT NULL,
	note        TEXT NOT NULL,
	sent_at     INTEGER,
	sent_by_id  TEXT NOT NULL,
	sent_by     TEXT NOT NULL,
	reference   TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	CONSTRAINT incident_notifications_recipient_key UNIQUE (incident_id, recipient)
);
CREATE INDEX incident_notifications_unsent_idx ON incident_notifications (org_id, due_at) WHERE sent_at IS NULL;

CREATE TABLE incident_rules (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES organizations (id),
	position     INTEGER NOT NULL,
	type         TEXT NOT NULL,
	min_severity TEXT NOT NULL,
	recipient    TEXT NOT NULL CHECK (recipient IN ('customs', 'police', 'insurer', 'customer', 'certification_body', 'other')),
	hours        INTEGER NOT NULL CHECK (hours >= 0),
	note         TEXT NOT NULL
);
CREATE INDEX incident_rules_org_idx ON incident_rules (org_id, position);
-- An organisation with a row here has set its rules (possibly to none);
-- without one the default rules apply.
CREATE TABLE incident_rule_sets (
	org_id     TEXT PRIMARY KEY REFERENCES organizations (id),
	updated_at INTEGER NOT NULL
);

CREATE TABLE incident_evidence (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL,
	incident_id  TEXT NOT NULL REFERENCES incidents (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL,
	data         BLOB NOT NULL,
	uploaded_at  INTEGER NOT NULL,
	uploaded_by  TEXT NOT NULL
);
CREATE INDEX incident_evidence_incident_idx ON incident_evidence (incident_id, uploaded_at);

CREATE TABLE incident_links (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	kind        TEXT NOT NULL,
	ref_id      TEXT NOT NULL,
	label       TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	CONSTRAINT incident_links_ref_key UNIQUE (incident_id, kind, ref_id)
);
CREATE INDEX incident_links_ref_idx ON incident_links (org_id, kind, ref_id);

CREATE TABLE corrective_actions (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	title       TEXT NOT NULL,
	owner_id    TEXT NOT NULL,
	due         INTEGER NOT NULL,
	done_at     INTEGER,
	created_at  INTEGER NOT NULL
);
CREATE INDEX corrective_actions_incident_idx ON corrective_actions (incident_id, due);
CREATE INDEX corrective_actions_open_idx ON corrective_actions (org_id, due) WHERE done_at IS NULL;
