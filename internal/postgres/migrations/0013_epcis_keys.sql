-- Narrower index entries for captured events (issue 6's capture figure),
-- as in SQLite's migration of the same name:
--   - events get seq, a number in capture order from a sequence, which the
--     identifier rows point to; the organisation is checked on the event;
--   - identifier rows are (epc key, event seq, role), the key being
--     bulkhead.EPCKey of the EPC (16 bytes of its SHA-256) rather than its
--     text;
--   - the hash index holds hash_key, the hash's first 16 hex digits as an
--     integer (bulkhead.EventHashKey; queries compare the whole hash on the
--     row);
--   - a capture's events are found by the range of seq it wrote (kept on
--     the capture) instead of an index on capture_id;
--   - capture_id is no longer a foreign key: the capture's row is written
--     before its events by the same code, and the check ran a trigger per
--     event.

ALTER TABLE epcis_events DROP CONSTRAINT epcis_events_capture_id_fkey;

CREATE SEQUENCE epcis_events_seq AS BIGINT;
ALTER TABLE epcis_events ADD COLUMN seq BIGINT;
UPDATE epcis_events e SET seq = n.rn
	FROM (SELECT id, row_number() OVER (ORDER BY record_time, id) AS rn FROM epcis_events) n WHERE n.id = e.id;
SELECT setval('epcis_events_seq', (SELECT coalesce(max(seq), 0) + 1 FROM epcis_events), false);
ALTER TABLE epcis_events ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX epcis_events_seq_key ON epcis_events (seq);

ALTER TABLE epcis_captures ADD COLUMN first_seq BIGINT, ADD COLUMN last_seq BIGINT;
UPDATE epcis_captures c SET first_seq = r.lo, last_seq = r.hi
	FROM (SELECT capture_id, min(seq) AS lo, max(seq) AS hi FROM epcis_events GROUP BY capture_id) r
	WHERE r.capture_id = c.id;
DROP INDEX epcis_events_capture_idx;

-- hash_key is bulkhead.EventHashKey(hash): the first 16 hex digits of
-- "ni:///sha-256;<64 hex digits>" as an integer, 0 for anything else.
ALTER TABLE epcis_events ADD COLUMN hash_key BIGINT;
UPDATE epcis_events SET hash_key = CASE WHEN hash ~ '^ni:///sha-256;[0-9a-fA-F]{16}' THEN ('x' || substr(hash, 15, 16))::bit(64)::bigint ELSE 0 END;
ALTER TABLE epcis_events ALTER COLUMN hash_key SET NOT NULL;
DROP INDEX epcis_events_hash_idx;
CREATE INDEX epcis_events_hash_idx ON epcis_events (hash_key);

CREATE TABLE epcis_event_epcs_new (
	epc_key BYTEA NOT NULL, -- bulkhead.EPCKey of the normalised EPC: 16 bytes of its SHA-256
	event   BIGINT NOT NULL, -- epcis_events.seq
	role    TEXT NOT NULL CHECK (role IN ('epc', 'child', 'parent', 'input', 'output')),
	PRIMARY KEY (epc_key, event, role)
);
INSERT INTO epcis_event_epcs_new (epc_key, event, role)
	SELECT substring(sha256(convert_to(p.epc, 'UTF8')) FROM 1 FOR 16), e.seq, p.role
	FROM epcis_event_epcs p JOIN epcis_events e ON e.id = p.event;
DROP TABLE epcis_event_epcs;
ALTER TABLE epcis_event_epcs_new RENAME TO epcis_event_epcs;
ALTER INDEX epcis_event_epcs_new_pkey RENAME TO epcis_event_epcs_pkey;
