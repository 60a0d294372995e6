-- Shipments (issue 6): a movement of goods between two UN/LOCODEs, with
-- the equipment it travels in and the seals expected on it. Dates are
-- TEXT YYYY-MM-DD (or ''); times INTEGER microseconds, UTC.

CREATE TABLE shipments (
	id          TEXT PRIMARY KEY,
	org_id      TEXT NOT NULL REFERENCES organizations (id),
	reference   TEXT NOT NULL,
	origin      TEXT NOT NULL,
	destination TEXT NOT NULL,
	mode        TEXT NOT NULL CHECK (mode IN ('sea', 'road', 'rail', 'air', 'multimodal')),
	carrier     TEXT NOT NULL,
	parties     TEXT NOT NULL,
	departure   TEXT NOT NULL,
	arrival     TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('planned', 'in_transit', 'delivered', 'cancelled')),
	site_id     TEXT NOT NULL,
	notes       TEXT NOT NULL,
	epcs        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	archived_at INTEGER,
	CONSTRAINT shipments_reference_key UNIQUE (org_id, reference)
);
CREATE INDEX shipments_updated_idx ON shipments (org_id, updated_at, id);
CREATE INDEX shipments_status_idx ON shipments (org_id, status, updated_at);

-- Equipment in list order, with the expected seal numbers (JSON array).
-- check_ok is 0 for a number that is not ISO 6346 with a right check digit.
CREATE TABLE shipment_equipment (
	shipment_id TEXT NOT NULL REFERENCES shipments (id),
	org_id      TEXT NOT NULL,
	position    INTEGER NOT NULL,
	number      TEXT NOT NULL,
	check_ok    INTEGER NOT NULL,
	seals       TEXT NOT NULL,
	PRIMARY KEY (shipment_id, position)
);
CREATE INDEX shipment_equipment_number_idx ON shipment_equipment (org_id, number);
