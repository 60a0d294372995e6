package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// The registers (context issues, interested parties, legal requirements,
// objectives, planned changes, communication plan and their child records)
// share one shape: a table whose columns map one to one onto a domain
// struct's fields, listed once in a regTable. The statements that read,
// list, insert and update them are built from it, so each register only
// says what is its own: columns, search columns, sort keys and filters.

// regTable describes one register table.
type regTable[T any] struct {
	name   string
	what   string   // the record's name in not-found errors
	cols   []string // every column, id and org_id first
	fields func(*T) []any
	// search lists the columns a search looks in; sorts maps sort keys to
	// their ORDER BY expressions.
	search []string
	sorts  map[string][]string
	// links, when set, is the table of linked sites: its owner column,
	// and where the IDs go.
	links    string
	linkCol  string
	linkIDs  func(*T) *[]string
	colsText string
}

func (t *regTable[T]) selectCols() string {
	if t.colsText == "" {
		t.colsText = strings.Join(t.cols, ", ")
	}
	s := t.colsText
	if t.links != "" {
		s += ", (SELECT string_agg(site_id, ',') FROM " + t.links + " l WHERE l." + t.linkCol + " = " + t.name + ".id)"
	}
	return s
}

func (t *regTable[T]) dest(x *T) []any {
	d := t.fields(x)
	if t.links != "" {
		d = append(d, idList{t.linkIDs(x)})
	}
	return d
}

// args turns scan destinations into statement arguments.
func args(fields []any) []any {
	out := make([]any, len(fields))
	for i, f := range fields {
		switch p := f.(type) {
		case driver.Valuer:
			out[i], _ = p.Value()
		case *string:
			out[i] = *p
		case *bool:
			out[i] = *p
		case *float64:
			out[i] = *p
		case **float64:
			if *p != nil {
				out[i] = **p
			}
		default:
			v := reflect.ValueOf(f).Elem()
			if v.Kind() != reflect.String {
				panic(fmt.Sprintf("postgres: register field of type %T", f))
			}
			out[i] = v.String()
		}
	}
	return out
}

// utcTime scans a TIMESTAMPTZ in UTC (pgx scans it in the local zone).
type utcTime struct{ t *time.Time }

func (u utcTime) Scan(src any) error {
	t, ok := src.(time.Time)
	if !ok {
		return fmt.Errorf("time column holds %T", src)
	}
	*u.t = t.UTC()
	return nil
}

func (u utcTime) Value() (driver.Value, error) { return *u.t, nil }

// nullUTCTime is utcTime for an optional time.
type nullUTCTime struct{ t **time.Time }

func (u nullUTCTime) Scan(src any) error {
	if src == nil {
		*u.t = nil
		return nil
	}
	var t time.Time
	if err := (utcTime{&t}).Scan(src); err != nil {
		return err
	}
	*u.t = &t
	return nil
}

func (u nullUTCTime) Value() (driver.Value, error) {
	if *u.t == nil {
		return nil, nil
	}
	return **u.t, nil
}

// nullID is an optional reference: "" in Go, NULL in the database.
type nullID struct{ p *string }

func (n nullID) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*n.p = ""
	case string:
		*n.p = v
	case []byte:
		*n.p = string(v)
	default:
		return fmt.Errorf("id column holds %T", src)
	}
	return nil
}

func (n nullID) Value() (driver.Value, error) {
	if *n.p == "" {
		return nil, nil
	}
	return *n.p, nil
}

// idList scans a comma-separated list of IDs, sorted.
type idList struct{ p *[]string }

func (l idList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("id list holds %T", src)
	}
	*l.p = []string{}
	if s != "" {
		*l.p = strings.Split(s, ",")
		slices.Sort(*l.p)
	}
	return nil
}

// record returns the common fields of a register's scan list.
func record(r *bulkhead.Record) (head []any, tail []any) {
	return []any{&r.ID, &r.OrgID}, []any{utcTime{&r.CreatedAt}, utcTime{&r.UpdatedAt}, nullUTCTime{&r.ArchivedAt}}
}

// fields joins a record's head, its own fields and its tail.
func fields(r *bulkhead.Record, own ...any) []any {
	head, tail := record(r)
	return append(append(head, own...), tail...)
}

var recordCols = []string{"created_at", "updated_at", "archived_at"}

func columns(own ...string) []string {
	return append(append([]string{"id", "org_id"}, own...), recordCols...)
}

// rebind numbers the ? placeholders of a statement: $1, $2 …
func rebind(query string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func getRec[T any](ctx context.Context, q queries, t *regTable[T], orgID, id string) (*T, error) {
	var x T
	err := q.q.QueryRow(ctx, `SELECT `+t.selectCols()+` FROM `+t.name+` WHERE org_id = $1 AND id = $2`+q.lock, orgID, id).Scan(t.dest(&x)...)
	if err != nil {
		return nil, notFound(err, t.what)
	}
	return &x, nil
}

func queryRecs[T any](ctx context.Context, q queries, t *regTable[T], where, order string, args ...any) ([]*T, error) {
	rows, err := q.q.Query(ctx, rebind(`SELECT `+t.selectCols()+` FROM `+t.name+` WHERE `+where+` ORDER BY `+order), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		var x T
		if err := rows.Scan(t.dest(&x)...); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &x)
	}
	return out, mapErr(rows.Err())
}

// listRecs runs a register list: the common filter, the register's own
// conditions, the total and a page. Text is searched and sorted in the "C"
// collation, ASCII-only lower(), as SQLite does. The page is found in two
// steps, its IDs then its records, as in package sqlite; a search counts
// its matches in the same pass.
func listRecs[T any](ctx context.Context, q queries, t *regTable[T], f bulkhead.ListFilter, conds []string, cargs []any) ([]*T, int, error) {
	where := append([]string{"org_id = ?"}, conds...)
	qa := append([]any{f.OrgID}, cargs...)
	switch f.Status {
	case bulkhead.StatusActive:
		where = append(where, "archived_at IS NULL")
	case bulkhead.StatusArchived:
		where = append(where, "archived_at IS NOT NULL")
	}
	if f.Query != "" {
		p := bulkhead.LikePattern(f.Query)
		or := make([]string, len(t.search))
		for i, c := range t.search {
			or[i] = `lower(` + c + ` COLLATE "C") LIKE ? ESCAPE '\'`
			qa = append(qa, p)
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	w := strings.Join(where, " AND ")
	orderBy := func(desc bool) string {
		dir := " ASC"
		if desc {
			dir = " DESC"
		}
		var order []string
		for _, e := range t.sorts[f.Sort] {
			order = append(order, e+dir)
		}
		return strings.Join(append(order, `id COLLATE "C"`+dir), ", ")
	}
	o := orderBy(f.Desc)
	count := func() (int, error) {
		var n int
		err := q.q.QueryRow(ctx, rebind(`SELECT count(*) FROM `+t.name+` WHERE `+w), qa...).Scan(&n)
		return n, mapErr(err)
	}
	total := -1
	if f.Query == "" {
		var err error
		if total, err = count(); err != nil {
			return nil, 0, err
		}
		if f.Offset >= total {
			return []*T{}, total, nil
		}
	}
	// A page past the middle is found from the other end: skipping index
	// entries costs time in proportion to the offset. The records are then
	// read in the list's own order.
	idOrder, limit, offset := o, f.Limit, f.Offset
	if total >= 0 && offset > total/2 {
		idOrder, offset = orderBy(!f.Desc), total-f.Offset-f.Limit
		if offset < 0 {
			limit, offset = limit+offset, 0
		}
	}
	sel := `SELECT id, count(*) OVER () FROM `
	if f.Query == "" {
		sel = `SELECT id, 0 FROM `
	}
	rows, err := q.q.Query(ctx, rebind(sel+t.name+` WHERE `+w+` ORDER BY `+idOrder+` LIMIT ? OFFSET ?`), append(qa, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, 0, mapErr(err)
		}
		ids = append(ids, id)
		if total < 0 {
			total = int(n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, mapErr(err)
	}
	if total < 0 {
		if total, err = count(); err != nil {
			return nil, 0, err
		}
	}
	if len(ids) == 0 {
		return []*T{}, total, nil
	}
	list, err := queryRecs(ctx, q, t, `org_id = ? AND id = ANY(?)`, o, f.OrgID, ids)
	return list, total, err
}

func insertRec[T any](ctx context.Context, q queries, t *regTable[T], x *T) error {
	a := args(t.fields(x))
	_, err := q.q.Exec(ctx, rebind(`INSERT INTO `+t.name+` (`+strings.Join(t.cols, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(t.cols)-1)+`)`), a...)
	if err != nil {
		return mapErr(err)
	}
	return setLinks(ctx, q, t, x, a[0], a[1], false)
}

func updateRec[T any](ctx context.Context, q queries, t *regTable[T], x *T) error {
	a := args(t.fields(x))
	set := make([]string, 0, len(t.cols)-2)
	for _, c := range t.cols[2:] {
		set = append(set, c+" = ?")
	}
	tag, err := q.q.Exec(ctx, rebind(`UPDATE `+t.name+` SET `+strings.Join(set, ", ")+` WHERE org_id = ? AND id = ?`), append(a[2:], a[1], a[0])...)
	if err := affectedOne(tag, err, t.what); err != nil {
		return err
	}
	return setLinks(ctx, q, t, x, a[0], a[1], true)
}

// setLinks replaces a record's linked sites.
func setLinks[T any](ctx context.Context, q queries, t *regTable[T], x *T, id, orgID any, replace bool) error {
	if t.links == "" {
		return nil
	}
	if replace {
		if _, err := q.q.Exec(ctx, `DELETE FROM `+t.links+` WHERE `+t.linkCol+` = $1`, id); err != nil {
			return mapErr(err)
		}
	}
	for _, site := range *t.linkIDs(x) {
		if _, err := q.q.Exec(ctx, `INSERT INTO `+t.links+` (org_id, `+t.linkCol+`, site_id) VALUES ($1, $2, $3)`, orgID, id, site); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// ---- the registers

var issueTable = &regTable[bulkhead.ContextIssue]{
	name: "context_issues", what: "Context issue",
	cols: columns("origin", "category", "title", "description", "effect", "review_date"),
	fields: func(x *bulkhead.ContextIssue) []any {
		return fields(&x.Record, &x.Origin, &x.Category, &x.Title, &x.Description, &x.Effect, &x.ReviewDate)
	},
	search: []string{"title", "description", "effect"},
	sorts: map[string][]string{"title": {`lower(title COLLATE "C")`}, "category": {`category COLLATE "C"`}, "origin": {`origin COLLATE "C"`},
		"review_date": {"review_date = ''", "review_date"}, "updated_at": {"updated_at"}},
}

func (q queries) ContextIssue(ctx context.Context, orgID, id string) (*bulkhead.ContextIssue, error) {
	return getRec(ctx, q, issueTable, orgID, id)
}

func (q queries) ContextIssues(ctx context.Context, f bulkhead.ContextIssueFilter) ([]*bulkhead.ContextIssue, int, error) {
	var c conds
	c.eq("origin", string(f.Origin))
	c.eq("category", string(f.Category))
	c.before("review_date", f.ReviewBefore)
	if f.Unlinked {
		c.add("NOT EXISTS (SELECT 1 FROM context_issue_risks l WHERE l.org_id = context_issues.org_id AND l.issue_id = context_issues.id)")
	}
	return listRecs(ctx, q, issueTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreateContextIssue(ctx context.Context, x *bulkhead.ContextIssue) error {
	return insertRec(ctx, q, issueTable, x)
}

func (q queries) UpdateContextIssue(ctx context.Context, x *bulkhead.ContextIssue) error {
	return updateRec(ctx, q, issueTable, x)
}

var partyTable = &regTable[bulkhead.InterestedParty]{
	name: "interested_parties", what: "Interested party",
	cols: columns("type", "name", "contact", "notes"),
	fields: func(x *bulkhead.InterestedParty) []any {
		return fields(&x.Record, &x.Type, &x.Name, &x.Contact, &x.Notes)
	},
	search: []string{"name", "contact", "notes"},
	sorts:  map[string][]string{"name": {`lower(name COLLATE "C")`}, "type": {`type COLLATE "C"`}, "updated_at": {"updated_at"}},
}

func (q queries) InterestedParty(ctx context.Context, orgID, id string) (*bulkhead.InterestedParty, error) {
	return getRec(ctx, q, partyTable, orgID, id)
}

func (q queries) InterestedParties(ctx context.Context, f bulkhead.PartyFilter) ([]*bulkhead.InterestedParty, int, error) {
	var c conds
	c.eq("type", string(f.Type))
	return listRecs(ctx, q, partyTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreateInterestedParty(ctx context.Context, x *bulkhead.InterestedParty) error {
	return insertRec(ctx, q, partyTable, x)
}

func (q queries) UpdateInterestedParty(ctx context.Context, x *bulkhead.InterestedParty) error {
	return updateRec(ctx, q, partyTable, x)
}

var partyReqTable = &regTable[bulkhead.PartyRequirement]{
	name: "party_requirements", what: "Requirement",
	cols: columns("party_id", "source", "description", "addressed", "how"),
	fields: func(x *bulkhead.PartyRequirement) []any {
		return fields(&x.Record, &x.PartyID, &x.Source, &x.Description, &x.Addressed, &x.How)
	},
}

func (q queries) PartyRequirement(ctx context.Context, orgID, id string) (*bulkhead.PartyRequirement, error) {
	return getRec(ctx, q, partyReqTable, orgID, id)
}

func (q queries) PartyRequirements(ctx context.Context, orgID, partyID string) ([]*bulkhead.PartyRequirement, error) {
	return queryRecs(ctx, q, partyReqTable, "org_id = ? AND party_id = ?", "id", orgID, partyID)
}

func (q queries) CreatePartyRequirement(ctx context.Context, x *bulkhead.PartyRequirement) error {
	return insertRec(ctx, q, partyReqTable, x)
}

func (q queries) UpdatePartyRequirement(ctx context.Context, x *bulkhead.PartyRequirement) error {
	return updateRec(ctx, q, partyReqTable, x)
}

var legalTable = &regTable[bulkhead.LegalRequirement]{
	name: "legal_requirements", what: "Legal requirement",
	cols: columns("title", "jurisdiction", "reference", "summary", "owner_id", "last_review", "next_review", "compliance"),
	fields: func(x *bulkhead.LegalRequirement) []any {
		return fields(&x.Record, &x.Title, &x.Jurisdiction, &x.Reference, &x.Summary, nullID{&x.OwnerID}, &x.LastReview, &x.NextReview, &x.Compliance)
	},
	search: []string{"title", "jurisdiction", "reference", "summary"},
	sorts: map[string][]string{"title": {`lower(title COLLATE "C")`}, "jurisdiction": {`jurisdiction COLLATE "C"`}, "next_review": {"next_review = ''", "next_review"},
		"compliance": {`compliance COLLATE "C"`}, "updated_at": {"updated_at"}},
	links: "legal_requirement_sites", linkCol: "requirement_id",
	linkIDs: func(x *bulkhead.LegalRequirement) *[]string { return &x.SiteIDs },
}

func (q queries) LegalRequirement(ctx context.Context, orgID, id string) (*bulkhead.LegalRequirement, error) {
	return getRec(ctx, q, legalTable, orgID, id)
}

func (q queries) LegalRequirements(ctx context.Context, f bulkhead.LegalFilter) ([]*bulkhead.LegalRequirement, int, error) {
	var c conds
	c.eq("compliance", string(f.Compliance))
	c.eq("owner_id", f.OwnerID)
	c.before("next_review", f.ReviewBefore)
	if f.SiteID != "" {
		// Uncorrelated, so that each subquery runs once, not per row.
		c.add(`(id NOT IN (SELECT requirement_id FROM legal_requirement_sites WHERE org_id = ?)
			OR id IN (SELECT requirement_id FROM legal_requirement_sites WHERE site_id = ?))`, f.OrgID, f.SiteID)
	}
	return listRecs(ctx, q, legalTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreateLegalRequirement(ctx context.Context, x *bulkhead.LegalRequirement) error {
	return insertRec(ctx, q, legalTable, x)
}

func (q queries) UpdateLegalRequirement(ctx context.Context, x *bulkhead.LegalRequirement) error {
	return updateRec(ctx, q, legalTable, x)
}

var objectiveTable = &regTable[bulkhead.Objective]{
	name: "objectives", what: "Objective",
	cols: columns("statement", "measure", "target", "unit", "current", "start_date", "due_date", "owner_id", "status"),
	fields: func(x *bulkhead.Objective) []any {
		return fields(&x.Record, &x.Statement, &x.Measure, &x.Target, &x.Unit, &x.Current, &x.StartDate, &x.DueDate, nullID{&x.OwnerID}, &x.Status)
	},
	search: []string{"statement", "measure"},
	sorts:  map[string][]string{"due_date": {"due_date"}, "statement": {`lower(statement COLLATE "C")`}, "status": {`status COLLATE "C"`}, "updated_at": {"updated_at"}},
}

func (q queries) Objective(ctx context.Context, orgID, id string) (*bulkhead.Objective, error) {
	return getRec(ctx, q, objectiveTable, orgID, id)
}

func (q queries) Objectives(ctx context.Context, f bulkhead.ObjectiveFilter) ([]*bulkhead.Objective, int, error) {
	var c conds
	c.eq("status", string(f.Status))
	c.eq("owner_id", f.OwnerID)
	return listRecs(ctx, q, objectiveTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreateObjective(ctx context.Context, x *bulkhead.Objective) error {
	return insertRec(ctx, q, objectiveTable, x)
}

func (q queries) UpdateObjective(ctx context.Context, x *bulkhead.Objective) error {
	return updateRec(ctx, q, objectiveTable, x)
}

var actionTable = &regTable[bulkhead.ObjectiveAction]{
	name: "objective_actions", what: "Action",
	cols: columns("objective_id", "description", "owner_id", "due_date", "status"),
	fields: func(x *bulkhead.ObjectiveAction) []any {
		return fields(&x.Record, &x.ObjectiveID, &x.Description, nullID{&x.OwnerID}, &x.DueDate, &x.Status)
	},
}

func (q queries) ObjectiveAction(ctx context.Context, orgID, id string) (*bulkhead.ObjectiveAction, error) {
	return getRec(ctx, q, actionTable, orgID, id)
}

func (q queries) ObjectiveActions(ctx context.Context, orgID, objectiveID string) ([]*bulkhead.ObjectiveAction, error) {
	return queryRecs(ctx, q, actionTable, "org_id = ? AND objective_id = ?", "due_date = '', due_date, id", orgID, objectiveID)
}

func (q queries) OverdueActions(ctx context.Context, orgID, ownerID string, before bulkhead.Date, limit int) ([]*bulkhead.ObjectiveAction, error) {
	where := `org_id = ? AND status = 'open' AND archived_at IS NULL AND due_date <> '' AND due_date < ?
		AND objective_id IN (SELECT id FROM objectives o WHERE o.org_id = ? AND o.archived_at IS NULL)`
	a := []any{orgID, string(before), orgID}
	if ownerID != "" {
		where += " AND owner_id = ?"
		a = append(a, ownerID)
	}
	list, err := queryRecs(ctx, q, actionTable, where, "due_date, id LIMIT ?", append(a, limit)...)
	if err != nil {
		return nil, err
	}
	for _, x := range list {
		if err := q.q.QueryRow(ctx, `SELECT statement FROM objectives WHERE org_id = $1 AND id = $2`, orgID, x.ObjectiveID).Scan(&x.ObjectiveStatement); err != nil {
			return nil, mapErr(err)
		}
	}
	return list, nil
}

func (q queries) CreateObjectiveAction(ctx context.Context, x *bulkhead.ObjectiveAction) error {
	return insertRec(ctx, q, actionTable, x)
}

func (q queries) UpdateObjectiveAction(ctx context.Context, x *bulkhead.ObjectiveAction) error {
	return updateRec(ctx, q, actionTable, x)
}

var changeTable = &regTable[bulkhead.PlannedChange]{
	name: "planned_changes", what: "Planned change",
	cols: columns("title", "description", "reason", "processes", "risk_review", "risk_reviewed", "reviewer_id", "requester_id",
		"approved_by", "approved_on", "planned_date", "status"),
	fields: func(x *bulkhead.PlannedChange) []any {
		return fields(&x.Record, &x.Title, &x.Description, &x.Reason, &x.Processes, &x.RiskReview, &x.RiskReviewed, nullID{&x.ReviewerID},
			&x.RequesterID, nullID{&x.ApprovedBy}, &x.ApprovedOn, &x.PlannedDate, &x.Status)
	},
	search: []string{"title", "description", "reason", "processes"},
	sorts: map[string][]string{"planned_date": {"planned_date = ''", "planned_date"}, "title": {`lower(title COLLATE "C")`}, "status": {`status COLLATE "C"`},
		"updated_at": {"updated_at"}},
	links: "planned_change_sites", linkCol: "change_id",
	linkIDs: func(x *bulkhead.PlannedChange) *[]string { return &x.SiteIDs },
}

func (q queries) PlannedChange(ctx context.Context, orgID, id string) (*bulkhead.PlannedChange, error) {
	return getRec(ctx, q, changeTable, orgID, id)
}

func (q queries) PlannedChanges(ctx context.Context, f bulkhead.ChangeFilter) ([]*bulkhead.PlannedChange, int, error) {
	var c conds
	c.eq("status", string(f.Status))
	if f.SiteID != "" {
		c.add(`id IN (SELECT change_id FROM planned_change_sites WHERE site_id = ?)`, f.SiteID)
	}
	return listRecs(ctx, q, changeTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreatePlannedChange(ctx context.Context, x *bulkhead.PlannedChange) error {
	return insertRec(ctx, q, changeTable, x)
}

func (q queries) UpdatePlannedChange(ctx context.Context, x *bulkhead.PlannedChange) error {
	return updateRec(ctx, q, changeTable, x)
}

var commTable = &regTable[bulkhead.Communication]{
	name: "communications", what: "Communication",
	cols: columns("topic", "frequency", "timing", "audience", "channel", "communicator_id", "direction", "notes"),
	fields: func(x *bulkhead.Communication) []any {
		return fields(&x.Record, &x.Topic, &x.Frequency, &x.Timing, &x.Audience, &x.Channel, &x.CommunicatorID, &x.Direction, &x.Notes)
	},
	search: []string{"topic", "timing", "audience", "notes"},
	sorts: map[string][]string{"topic": {`lower(topic COLLATE "C")`}, "frequency": {`frequency COLLATE "C"`}, "channel": {`channel COLLATE "C"`}, "direction": {`direction COLLATE "C"`},
		"updated_at": {"updated_at"}},
}

func (q queries) Communication(ctx context.Context, orgID, id string) (*bulkhead.Communication, error) {
	return getRec(ctx, q, commTable, orgID, id)
}

func (q queries) Communications(ctx context.Context, f bulkhead.CommunicationFilter) ([]*bulkhead.Communication, int, error) {
	var c conds
	c.eq("direction", string(f.Direction))
	c.eq("channel", string(f.Channel))
	return listRecs(ctx, q, commTable, f.ListFilter, c.where, c.args)
}

func (q queries) CreateCommunication(ctx context.Context, x *bulkhead.Communication) error {
	return insertRec(ctx, q, commTable, x)
}

func (q queries) UpdateCommunication(ctx context.Context, x *bulkhead.Communication) error {
	return updateRec(ctx, q, commTable, x)
}

// registerCountsSQL counts each kind's active records and those needing
// attention, in RegisterKinds order. $1 is the organisation, $2 today.
const registerCountsSQL = `
SELECT 0 AS k, count(*), count(*) FILTER (WHERE review_date <> '' AND review_date < $2) FROM context_issues WHERE org_id = $1 AND archived_at IS NULL
UNION ALL SELECT 1, count(*), 0 FROM interested_parties WHERE org_id = $1 AND archived_at IS NULL
UNION ALL SELECT 2, count(*), count(*) FILTER (WHERE NOT addressed) FROM party_requirements r WHERE org_id = $1 AND archived_at IS NULL
	AND party_id IN (SELECT id FROM interested_parties p WHERE p.org_id = $1 AND p.archived_at IS NULL)
UNION ALL SELECT 3, count(*), count(*) FILTER (WHERE next_review <> '' AND next_review < $2) FROM legal_requirements WHERE org_id = $1 AND archived_at IS NULL
UNION ALL SELECT 4, count(*), count(*) FILTER (WHERE due_date < $2 AND status IN ('planned', 'on_track', 'at_risk')) FROM objectives WHERE org_id = $1 AND archived_at IS NULL
UNION ALL SELECT 5, count(*), count(*) FILTER (WHERE due_date <> '' AND due_date < $2 AND status = 'open') FROM objective_actions WHERE org_id = $1 AND archived_at IS NULL
	AND objective_id IN (SELECT id FROM objectives o WHERE o.org_id = $1 AND o.archived_at IS NULL)
UNION ALL SELECT 6, count(*), count(*) FILTER (WHERE status = 'proposed') FROM planned_changes WHERE org_id = $1 AND archived_at IS NULL
UNION ALL SELECT 7, count(*), 0 FROM communications WHERE org_id = $1 AND archived_at IS NULL
ORDER BY 1`

// RegisterCounts returns the registers' counts.
func (q queries) RegisterCounts(ctx context.Context, orgID string, today bulkhead.Date) ([]bulkhead.RegisterCount, error) {
	rows, err := q.q.Query(ctx, registerCountsSQL, orgID, string(today))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []bulkhead.RegisterCount
	for rows.Next() {
		var k int
		c := bulkhead.RegisterCount{}
		if err := rows.Scan(&k, &c.Count, &c.Attention); err != nil {
			return nil, mapErr(err)
		}
		c.Kind = bulkhead.RegisterKinds[k]
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// conds collects a register's own list conditions.
type conds struct {
	where []string
	args  []any
}

func (c *conds) add(cond string, args ...any) {
	c.where = append(c.where, cond)
	c.args = append(c.args, args...)
}

// eq adds col = v when v is set.
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

// before adds a set date column before d, when d is set.
func (c *conds) before(col string, d bulkhead.Date) {
	if d != "" {
		c.add(col+" <> '' AND "+col+" < ?", string(d))
	}
}
