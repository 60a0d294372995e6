-- The top-management role (ISO 28000 5.1): approves the security policy,
-- accepts residual risk and chairs management review. SQLite cannot change
-- a CHECK constraint in place, so memberships is rebuilt (the migration
-- runner turns foreign keys off around each migration and checks them
-- before committing).
CREATE TABLE memberships_new (
	org_id     TEXT NOT NULL REFERENCES organizations (id),
	user_id    TEXT NOT NULL REFERENCES users (id),
	role       TEXT NOT NULL CHECK (role IN ('admin', 'top_management', 'security_manager', 'site_officer', 'auditor', 'contributor', 'viewer', 'partner')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
INSERT INTO memberships_new (org_id, user_id, role, created_at) SELECT org_id, user_id, role, created_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_user_idx ON memberships (user_id);
