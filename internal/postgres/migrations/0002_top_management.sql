-- The top-management role (ISO 28000 5.1): approves the security policy,
-- accepts residual risk and chairs management review.
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
	CHECK (role IN ('admin', 'top_management', 'security_manager', 'site_officer', 'auditor', 'contributor', 'viewer', 'partner'));
