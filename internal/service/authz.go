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

// Role shorthands for the permission tables.
const (
	admin = bulkhead.RoleAdmin
	topm  = bulkhead.RoleTopManagement
	secm  = bulkhead.RoleSecurityManager
	siteo = bulkhead.RoleSiteOfficer
	audit = bulkhead.RoleAuditor
	contr = bulkhead.RoleContributor
	viewr = bulkhead.RoleViewer
	partn = bulkhead.RolePartner
)

// grant is one row of the permissions table: an action and the roles that
// may take it.
type grant struct {
	action Action
	roles  []bulkhead.Role
}

// coreGrants are the foundation's rows. Each area of the product keeps its
// rows in its own file (registerGrants, riskGrants, libraryGrants,
// custodyGrants), in the order the table shows them.
var coreGrants = []grant{
	{ActDashboard, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr, partn}},
	{ActSiteRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr}},
	{ActSiteCreate, []bulkhead.Role{admin, secm}},
	{ActSiteUpdate, []bulkhead.Role{admin, secm, siteo}},
	{ActSiteArchive, []bulkhead.Role{admin, secm}},
	{ActAuditRead, []bulkhead.Role{admin, topm, secm, audit}},
	{ActAuditVerify, []bulkhead.Role{admin, topm, secm, audit}},
	{ActMemberRead, []bulkhead.Role{admin, topm, secm, audit}},
	{ActMemberAdmin, []bulkhead.Role{admin}},
	{ActTokenOwn, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr, partn}},
}

// Actions lists every action in the order of the permissions table.
var Actions []Action

// Permissions is the authorisation table: which roles may take each action.
// It is the single source of truth; docs/permissions.md is generated from it
// (a test keeps the two equal).
var Permissions = map[Action][]bulkhead.Role{}

func init() {
	for _, rows := range [][]grant{coreGrants, registerGrants, peopleGrants, documentGrants, riskGrants, libraryGrants, custodyGrants, incidentGrants} {
		for _, g := range rows {
			if _, dup := Permissions[g.action]; dup {
				panic("service: action " + string(g.action) + " granted twice")
			}
			Actions = append(Actions, g.action)
			Permissions[g.action] = g.roles
		}
	}
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
