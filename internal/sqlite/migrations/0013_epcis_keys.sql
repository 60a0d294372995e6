-- Narrower index entries for captured events (issue 6's capture figure).
-- A capture of 1,000 events used to dirty thousands of index pages: every
-- identifier row repeated the organisation and the event's text id, and
-- the hash index held whole hashes. Now:
--   - events get seq, an integer key in capture order, which the
--     identifier rows point to; the organisation is checked on the event;
--   - identifier rows hold a 16-byte key of the EPC (bulkhead.EPCKey,
--     computed here by the store's function bulkhead_epc_key) instead of
--     its text;
--     the text id is kept for paging order but needs no index of its own;
--   - the hash index holds hash_key, the hash's first 16 hex digits as an
--     integer (bulkhead.EventHashKey; queries compare the whole hash on the
--     row);
--   - a capture's events are found by the range of seq it wrote (kept on
--     the capture) instead of an index on capture_id;
--   - capture_id is no longer a foreign key: the capture's row is written
--     before its events by the same code, and the check cost a lookup per
--     event and a statement journal per insert.

CREATE TABLE epcis_events_new (
	seq               INTEGER PRIMARY KEY,
	id                TEXT NOT NULL, -- unique by construction (bulkhead.NewID); not looked up
	org_id            TEXT NOT NULL,
	capture_id        TEXT NOT NULL, -- epcis_captures.id, written in the same transaction
	event_id          TEXT NOT NULL,
	hash              TEXT NOT NULL,
	hash_key          INTEGER NOT NULL, -- bulkhead.EventHashKey(hash)
	type              TEXT NOT NULL CHECK (type IN ('ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent')),
	event_time        INTEGER NOT NULL,
	record_time       INTEGER NOT NULL,
	action            TEXT NOT NULL,
	biz_step          TEXT NOT NULL,
	disposition       TEXT NOT NULL,
	read_point        TEXT NOT NULL,
	biz_location      TEXT NOT NULL,
	error_declaration INTEGER NOT NULL CHECK (error_declaration IN (0, 1)),
	body              TEXT NOT NULL
);
INSERT INTO epcis_events_new (id, org_id, capture_id, event_id, hash, hash_key, type, event_time, record_time, action, biz_step, disposition, read_point, biz_location, error_declaration, body)
	SELECT id, org_id, capture_id, event_id, hash, bulkhead_hash_key(hash), type, event_time, record_time, action, biz_step, disposition, read_point, biz_location, error_declaration, body
	FROM epcis_events ORDER BY record_time, id;

CREATE TABLE epcis_event_epcs_new (
	epc_key BLOB NOT NULL, -- bulkhead.EPCKey of the normalised EPC: 16 bytes of its SHA-256
	event   INTEGER NOT NULL, -- epcis_events.seq
	role    TEXT NOT NULL CHECK (role IN ('epc', 'child', 'parent', 'input', 'output')),
	PRIMARY KEY (epc_key, event, role)
) WITHOUT ROWID;
INSERT INTO epcis_event_epcs_new (epc_key, event, role)
	SELECT bulkhead_epc_key(p.epc), n.seq, p.role FROM epcis_event_epcs p JOIN epcis_events_new n ON n.id = p.event;

DROP TABLE epcis_event_epcs;
DROP TABLE epcis_events;
ALTER TABLE epcis_events_new RENAME TO epcis_events;
ALTER TABLE epcis_event_epcs_new RENAME TO epcis_event_epcs;

-- One event per eventID; error declarations repeat the eventID they correct.
CREATE UNIQUE INDEX epcis_events_event_id_key ON epcis_events (org_id, event_id) WHERE error_declaration = 0;
CREATE INDEX epcis_events_declared_idx ON epcis_events (org_id, event_id) WHERE error_declaration = 1;
-- A column, not an index on an expression: SQLite keeps a statement
-- journal for every insert into a table with an expression index.
CREATE INDEX epcis_events_hash_idx ON epcis_events (hash_key);
CREATE INDEX epcis_events_time_idx ON epcis_events (org_id, event_time, id);
CREATE INDEX epcis_events_record_idx ON epcis_events (org_id, record_time, id);

ALTER TABLE epcis_captures ADD COLUMN first_seq INTEGER;
ALTER TABLE epcis_captures ADD COLUMN last_seq INTEGER;
UPDATE epcis_captures SET first_seq = r.lo, last_seq = r.hi
	FROM (SELECT capture_id, min(seq) AS lo, max(seq) AS hi FROM epcis_events GROUP BY capture_id) AS r
	WHERE r.capture_id = epcis_captures.id;
