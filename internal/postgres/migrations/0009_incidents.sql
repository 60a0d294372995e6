-- Security incidents (issue 7): the register, its timeline, owed
-- notifications and the rules that owe them, evidence files, loose links to
-- other records, corrective actions, and a per-month rollup for the charts.
-- Times are TIMESTAMPTZ (microsecond precision).

CREATE TABLE incidents (
	id                   TEXT PRIMARY KEY,
	org_id               TEXT NOT NULL REFERENCES organizations (id),
	type                 TEXT NOT NULL CHECK (type IN ('cargo_theft', 'theft_from_vehicle', 'hijacking', 'fictitious_pickup', 'pilferage', 'seal_tampering', 'intrusion', 'contraband_or_stowaway', 'counterfeit', 'insider_misconduct', 'cyber_logistics_data', 'piracy_armed_robbery', 'temperature_excursion', 'natural_hazard', 'other')),
	severity             TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
	severity_rank        INTEGER NOT NULL,
	status               TEXT NOT NULL CHECK (status IN ('draft', 'reported', 'triaged', 'investigating', 'contained', 'closed')),
	title                TEXT NOT NULL,
	description          TEXT NOT NULL,
	occurred_at          TIMESTAMPTZ NOT NULL,
	month                INTEGER NOT NULL,
	detected_at          TIMESTAMPTZ NOT NULL,
	reported_at          TIMESTAMPTZ NOT NULL,
	site_id              TEXT REFERENCES sites (id),
	lane                 TEXT NOT NULL,
	shipment_ref         TEXT NOT NULL,
	equipment_ref        TEXT NOT NULL,
	partner              TEXT NOT NULL,
	unlocode             TEXT NOT NULL,
	latitude             DOUBLE PRECISION,
	longitude            DOUBLE PRECISION,
	loss_cents           BIGINT NOT NULL CHECK (loss_cents >= 0),
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
	created_at           TIMESTAMPTZ NOT NULL,
	updated_at           TIMESTAMPTZ NOT NULL,
	closed_at            TIMESTAMPTZ,
	CONSTRAINT incidents_source_key UNIQUE (org_id, source, source_ref)
);
-- The list's default order is newest first; each common filter has its
-- own index in that order, so a filtered page walks one index and stops
-- after a page. Every index also carries the other filter columns, so that
-- the total of any combination of filters is counted from an index alone,
-- without reading incidents. Sorting by loss has its own index.
CREATE INDEX incidents_org_occurred_idx ON incidents (org_id, occurred_at, id COLLATE "C", type, severity, status, site_id);
CREATE INDEX incidents_org_type_idx ON incidents (org_id, type, occurred_at, id COLLATE "C", severity, status, site_id);
CREATE INDEX incidents_org_site_idx ON incidents (org_id, site_id, occurred_at, id COLLATE "C", type, severity, status);
CREATE INDEX incidents_org_status_idx ON incidents (org_id, status, occurred_at, id COLLATE "C", type, severity, site_id);
CREATE INDEX incidents_org_severity_idx ON incidents (org_id, severity, occurred_at, id COLLATE "C", type, status, site_id);
CREATE INDEX incidents_org_loss_idx ON incidents (org_id, loss_cents, id COLLATE "C", status, type, severity, site_id);
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
	loss_cents BIGINT NOT NULL,
	PRIMARY KEY (org_id, month, type, severity, status, site_id, lane, currency)
);
CREATE FUNCTION incidents_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE incident_rollup SET n = n - 1, loss_cents = loss_cents - OLD.loss_cents
			WHERE org_id = OLD.org_id AND month = OLD.month AND type = OLD.type AND severity = OLD.severity AND status = OLD.status
				AND site_id = coalesce(OLD.site_id, '') AND lane = OLD.lane AND currency = OLD.currency;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		INSERT INTO incident_rollup (org_id, month, type, severity, status, site_id, lane, currency, n, loss_cents)
			VALUES (NEW.org_id, NEW.month, NEW.type, NEW.severity, NEW.status, coalesce(NEW.site_id, ''), NEW.lane, NEW.currency, 1, NEW.loss_cents)
			ON CONFLICT (org_id, month, type, severity, status, site_id, lane, currency) DO UPDATE
				SET n = incident_rollup.n + 1, loss_cents = incident_rollup.loss_cents + excluded.loss_cents;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER incidents_rollup_insert AFTER INSERT OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION incidents_rollup();
CREATE TRIGGER incidents_rollup_update AFTER UPDATE OF month, type, severity, status, site_id, lane, currency, loss_cents ON incidents FOR EACH ROW
	WHEN (OLD.month IS DISTINCT FROM NEW.month OR OLD.type IS DISTINCT FROM NEW.type OR OLD.severity IS DISTINCT FROM NEW.severity OR OLD.status IS DISTINCT FROM NEW.status
		OR OLD.site_id IS DISTINCT FROM NEW.site_id OR OLD.lane IS DISTINCT FROM NEW.lane OR OLD.currency IS DISTINCT FROM NEW.currency
		OR OLD.loss_cents IS DISTINCT FROM NEW.loss_cents)
	EXECUTE FUNCTION incidents_rollup();

CREATE TABLE incident_entries (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	at          TIMESTAMPTZ NOT NULL,
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
	due_at      TIMESTAMPTZ NOT NULL,
	note        TEXT NOT NULL,
	sent_at     TIMESTAMPTZ,
	sent_by_id  TEXT NOT NULL,
	sent_by     TEXT NOT NULL,
	reference   TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
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
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE incident_evidence (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL,
	incident_id  TEXT NOT NULL REFERENCES incidents (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	data         BYTEA NOT NULL,
	uploaded_at  TIMESTAMPTZ NOT NULL,
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
	created_at  TIMESTAMPTZ NOT NULL,
	CONSTRAINT incident_links_ref_key UNIQUE (incident_id, kind, ref_id)
);
CREATE INDEX incident_links_ref_idx ON incident_links (org_id, kind, ref_id);

CREATE TABLE corrective_actions (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL,
	incident_id TEXT NOT NULL REFERENCES incidents (id),
	title       TEXT NOT NULL,
	owner_id    TEXT NOT NULL,
	due         TIMESTAMPTZ NOT NULL,
	done_at     TIMESTAMPTZ,
	created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX corrective_actions_incident_idx ON corrective_actions (incident_id, due);
CREATE INDEX corrective_actions_open_idx ON corrective_actions (org_id, due) WHERE done_at IS NULL;
