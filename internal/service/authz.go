package service

import (
	"fmt"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Action names something a user can do. Every service method that reads or
// changes organisation data checks one.
type Action string

// Actions.
const (
	ActDashboard   Action = "dashboard.read"
	ActSiteRead    Action = "site.read"
	ActSiteCreate  Action = "site.create"
	ActSiteUpdate  Action = "site.update"
	ActSiteArchive Action = "site.archive"
	ActAuditRead   Action = "audit.read"
	ActAuditVerify Action = "audit.verify"
	ActMemberRead  Action = "member.read"
	ActMemberAdmin Action = "member.manage"
	ActTokenOwn    Action = "token.manage_own"
)

// Actions lists every action in the order of the permissions table.
var Actions = []Action{ActDashboard, ActSiteRead, ActSiteCreate, ActSiteUpdate, ActSiteArchive, ActAuditRead, ActAuditVerify, ActMemberRead, ActMemberAdmin, ActTokenOwn}

const (
	admin = bulkhead.RoleAdmin
	secm  = bulkhead.RoleSecurityManager
	siteo = bulkhead.RoleSiteOfficer
	audit = bulkhead.RoleAuditor
	contr = bulkhead.RoleContributor
	viewr = bulkhead.RoleViewer
	partn = bulkhead.RolePartner
)

// Permissions is the authorisation table: which roles may take each action.
// It is the single source of truth; docs/permissions.md is generated from it
// (a test keeps the two equal).
var Permissions = map[Action][]bulkhead.Role{
	ActDashboard:   {admin, secm, siteo, audit, contr, viewr, partn},
	ActSiteRead:    {admin, secm, siteo, audit, contr, viewr},
	ActSiteCreate:  {admin, secm},
	ActSiteUpdate:  {admin, secm, siteo},
	ActSiteArchive: {admin, secm},
	ActAuditRead:   {admin, secm, audit},
	ActAuditVerify: {admin, secm, audit},
	ActMemberRead:  {admin, secm, audit},
	ActMemberAdmin: {admin},
	ActTokenOwn:    {admin, secm, siteo, audit, contr, viewr, partn},
}

// Can reports whether role may take action.
func Can(role bulkhead.Role, action Action) bool {
	for _, r := range Permissions[action] {
		if r == role {
			return true
		}
	}
	return false
}

// authorize returns EFORBIDDEN unless the actor may take action.
func authorize(a Actor, action Action) error {
	if a.System || Can(a.Role, action) {
		return nil
	}
	if a.UserID == "" {
		return bulkhead.Errorf(bulkhead.EUNAUTHORIZED, "You need to log in.")
	}
	return bulkhead.Errorf(bulkhead.EFORBIDDEN, "Your role (%s) does not allow this action (%s).", a.Role, action)
}

// PermissionsMarkdown renders the table for docs/permissions.md.
func PermissionsMarkdown() string {
	var b strings.Builder
	b.WriteString("# Permissions\n\nGenerated from `internal/service/authz.go` (`go test ./internal/service -run TestPermissionsDoc -update`).\n")
	b.WriteString("Every action is checked in the service layer, for the web UI, the API and the CLI alike.\n\n")
	b.WriteString("| action |")
	for _, r := range bulkhead.Roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n| --- |")
	for range bulkhead.Roles {
		b.WriteString(" :-: |")
	}
	b.WriteString("\n")
	for _, a := range Actions {
		fmt.Fprintf(&b, "| `%s` |", a)
		for _, r := range bulkhead.Roles {
			if Can(r, a) {
				b.WriteString(" ✓ |")
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
