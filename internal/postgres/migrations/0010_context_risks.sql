-- Risks linked to context issues (ISO 28000 4.1 → 6.1): which risk
-- scenarios of the risk register consider which context issue. A link
-- joins records of one organisation: both foreign keys carry org_id, so the
-- database itself refuses a link across organisations. The primary key
-- refuses a second link of the same pair; the second index serves the
-- other direction (a scenario's issues). Unlinking deletes the row; the
-- audit trail keeps its history.
ALTER TABLE context_issues ADD CONSTRAINT context_issues_org_id_key UNIQUE (org_id, id);
ALTER TABLE risk_scenarios ADD CONSTRAINT risk_scenarios_org_id_key UNIQUE (org_id, id);

CREATE TABLE context_issue_risks (
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	issue_id   TEXT NOT NULL,
	risk_id    TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	CONSTRAINT context_issue_risks_pkey PRIMARY KEY (org_id, issue_id, risk_id),
	FOREIGN KEY (org_id, issue_id) REFERENCES context_issues (org_id, id),
	FOREIGN KEY (org_id, risk_id) REFERENCES risk_scenarios (org_id, id)
);
CREATE INDEX context_issue_risks_risk_idx ON context_issue_risks (org_id, risk_id, issue_id);
