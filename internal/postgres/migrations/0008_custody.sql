-- Chain of custody (issue 6): the EPCIS 2.0 event repository.
-- Events keep their JSON as captured beside the values queries filter on
-- (normalised); their identifiers sit in a separate table, keyed for
-- MATCH_ queries by EPC. Times are TIMESTAMPTZ. Row IDs sort in byte
-- order (COLLATE "C"), as keyset paging needs.

CREATE TABLE epcis_captures (
	id          TEXT COLLATE "C" PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	status      TEXT NOT NULL CHECK (status IN ('running', 'success', 'partial', 'failed')),
	proceed     BOOLEAN NOT NULL,
	actor_name  TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ,
	event_count INTEGER NOT NULL,
	stored      INTEGER NOT NULL DEFAULT 0,
	bytes       INTEGER NOT NULL,
	context     TEXT NOT NULL DEFAULT '',
	problems    TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX epcis_captures_org_idx ON epcis_captures (org_id, created_at);
CREATE INDEX epcis_captures_running_idx ON epcis_captures (status) WHERE status = 'running';

CREATE TABLE epcis_events (
	id                TEXT COLLATE "C" PRIMARY KEY,
	org_id            TEXT NOT NULL,
	capture_id        TEXT NOT NULL REFERENCES epcis_captures (id),
	event_id          TEXT NOT NULL,
	hash              TEXT NOT NULL,
	type              TEXT NOT NULL CHECK (type IN ('ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent')),
	event_time        TIMESTAMPTZ NOT NULL,
	record_time       TIMESTAMPTZ NOT NULL,
	action            TEXT NOT NULL,
	biz_step          TEXT NOT NULL,
	disposition       TEXT NOT NULL,
	read_point        TEXT NOT NULL,
	biz_location      TEXT NOT NULL,
	error_declaration BOOLEAN NOT NULL,
	body              TEXT NOT NULL
);
-- One event per eventID; error declarations repeat the eventID they correct.
CREATE UNIQUE INDEX epcis_events_event_id_key ON epcis_events (org_id, event_id) WHERE NOT error_declaration;
CREATE INDEX epcis_events_declared_idx ON epcis_events (org_id, event_id) WHERE error_declaration;
CREATE INDEX epcis_events_hash_idx ON epcis_events (org_id, hash);
CREATE INDEX epcis_events_time_idx ON epcis_events (org_id, event_time, id);
CREATE INDEX epcis_events_record_idx ON epcis_events (org_id, record_time, id);
CREATE INDEX epcis_events_capture_idx ON epcis_events (capture_id);

CREATE TABLE epcis_event_epcs (
	org_id     TEXT NOT NULL,
	epc        TEXT NOT NULL,
	event_time TIMESTAMPTZ NOT NULL,
	event      TEXT COLLATE "C" NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('epc', 'child', 'parent', 'input', 'output')),
	PRIMARY KEY (org_id, epc, event_time, event, role)
);

-- Seals (ISO 17712) held in a site's stock, their log, and the
-- discrepancies found in the chain of custody.
CREATE TABLE seals (
	id               TEXT COLLATE "C" PRIMARY KEY,
	org_id           TEXT NOT NULL REFERENCES organizations (id),
	site_id          TEXT NOT NULL,
	number           TEXT NOT NULL,
	class            TEXT NOT NULL CHECK (class IN ('I', 'S', 'H')),
	type             TEXT NOT NULL CHECK (type IN ('BLT', 'WIR', 'KLP')),
	source           TEXT NOT NULL CHECK (source IN ('CAR', 'SHI', 'CUS', 'PHY', 'VET')),
	manufacturer     TEXT NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('issued', 'affixed', 'verified', 'removed', 'broken', 'destroyed')),
	equipment        TEXT NOT NULL,
	equipment_ok     BOOLEAN NOT NULL,
	created_at       TIMESTAMPTZ NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL,
	CONSTRAINT seals_number_key UNIQUE (org_id, number)
);
CREATE INDEX seals_site_idx ON seals (org_id, site_id, status);

CREATE TABLE seal_events (
	id              TEXT COLLATE "C" PRIMARY KEY,
	org_id          TEXT NOT NULL,
	seal_id         TEXT NOT NULL REFERENCES seals (id),
	at              TIMESTAMPTZ NOT NULL,
	action          TEXT NOT NULL CHECK (action IN ('issue', 'affix', 'verify', 'remove', 'break', 'destroy')),
	site_id         TEXT NOT NULL,
	method          TEXT NOT NULL CHECK (method IN ('', 'view', 'verify', 'tug', 'twist')),
	observed_number TEXT NOT NULL,
	equipment       TEXT NOT NULL,
	equipment_ok    BOOLEAN NOT NULL,
	authorized      BOOLEAN NOT NULL,
	actor_name      TEXT NOT NULL,
	note            TEXT NOT NULL,
	epcis_event_id  TEXT NOT NULL
);
CREATE INDEX seal_events_seal_idx ON seal_events (seal_id, at);

CREATE TABLE discrepancies (
	id          TEXT COLLATE "C" PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	site_id     TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('seal_mismatch', 'seal_broken', 'inspection_failed', 'custody_gap', 'equipment_check')),
	summary     TEXT NOT NULL,
	seal_id     TEXT REFERENCES seals (id),
	evidence    TEXT NOT NULL,
	open        BOOLEAN NOT NULL,
	assignee_id TEXT NOT NULL,
	resolution  TEXT NOT NULL,
	incident_id TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	closed_at   TIMESTAMPTZ
);
CREATE INDEX discrepancies_org_idx ON discrepancies (org_id, open, site_id);

-- Inspections of equipment against a checklist; results as JSON.
CREATE TABLE inspections (
	id             TEXT COLLATE "C" PRIMARY KEY,
	org_id         TEXT NOT NULL REFERENCES organizations (id),
	site_id        TEXT NOT NULL,
	template       TEXT NOT NULL CHECK (template IN ('container7', 'truck17')),
	equipment      TEXT NOT NULL,
	equipment_ok   BOOLEAN NOT NULL,
	inspector      TEXT NOT NULL,
	at             TIMESTAMPTZ NOT NULL,
	results        TEXT NOT NULL,
	failed         INTEGER NOT NULL,
	epcis_event_id TEXT NOT NULL,
	created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspections_org_idx ON inspections (org_id, at);
