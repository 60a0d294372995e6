package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// registerRoutes are the API routes of the registers of clauses 4.1, 4.2,
// 6.2, 6.3 and 7.4, plus My tasks and the clause coverage.
func registerRoutes() []Route {
	var out []Route
	add := func(base string, r regRoutes) {
		out = append(out,
			Route{Method: "GET", Path: base, handler: r.list},
			Route{Method: "POST", Path: base, handler: r.create},
			Route{Method: "GET", Path: base + "/export", handler: r.export},
			Route{Method: "GET", Path: base + "/{id}", handler: r.get},
			Route{Method: "PATCH", Path: base + "/{id}", handler: r.update},
			Route{Method: "POST", Path: base + "/{id}/archive", handler: r.archive(true)},
			Route{Method: "POST", Path: base + "/{id}/restore", handler: r.archive(false)},
		)
	}
	child := func(parent, sub, base string, r childRoutes) {
		out = append(out,
			Route{Method: "GET", Path: parent + "/{id}/" + sub, handler: r.list},
			Route{Method: "POST", Path: parent + "/{id}/" + sub, handler: r.create},
			Route{Method: "GET", Path: base + "/{id}", handler: r.get},
			Route{Method: "PATCH", Path: base + "/{id}", handler: r.update},
			Route{Method: "POST", Path: base + "/{id}/archive", handler: r.archive(true)},
			Route{Method: "POST", Path: base + "/{id}/restore", handler: r.archive(false)},
		)
	}
	add("/api/v1/context-issues", issueRoutes)
	add("/api/v1/parties", partyRoutes)
	child("/api/v1/parties", "requirements", "/api/v1/party-requirements", partyReqRoutes)
	add("/api/v1/legal-requirements", legalRoutes)
	add("/api/v1/objectives", objectiveRoutes)
	child("/api/v1/objectives", "actions", "/api/v1/objective-actions", actionRoutes)
	add("/api/v1/changes", changeRoutes)
	out = append(out,
		Route{Method: "POST", Path: "/api/v1/changes/{id}/approve", handler: decideChange(true)},
		Route{Method: "POST", Path: "/api/v1/changes/{id}/reject", handler: decideChange(false)},
	)
	add("/api/v1/communications", commRoutes)
	out = append(out,
		Route{Method: "GET", Path: "/api/v1/tasks", handler: (*Server).myTasks},
		Route{Method: "GET", Path: "/api/v1/coverage", handler: (*Server).coverage},
	)
	out = append(out, contextRiskRoutes()...)
	return out
}

type handler = func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error

// regRoutes are the handlers of one register.
type regRoutes struct {
	list, create, export, get, update handler
	archive                           func(bool) handler
}

// childRoutes are the handlers of a register's child records.
type childRoutes struct {
	list, create, get, update handler
	archive                   func(bool) handler
}

// regSpec describes one register for the shared handlers: F is its
// filter, T its record, I its input and J its JSON form.
type regSpec[F, T, I, J any] struct {
	base    string   // API path, for Location
	file    string   // export file name
	params  []string // the register's own filter parameters
	filter  func(q *query, lf bulkhead.ListFilter) F
	list    func(s *service.Service, ctx context.Context, a service.Actor, f F) ([]T, int, error)
	each    func(s *service.Service, ctx context.Context, a service.Actor, f F, fn func(T) error) error
	table   export.Table[T]
	get     func(s *service.Service, ctx context.Context, a service.Actor, id string) (T, error)
	create  func(s *service.Service, ctx context.Context, a service.Actor, in I) (T, error)
	update  func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
	id      func(T) string
	json    func(T) J
}

// listFilter reads the parameters every register list takes.
func listFilter(q *query, paged bool) bulkhead.ListFilter {
	f := bulkhead.ListFilter{Query: q.str("q"), Status: q.str("status")}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = sort
	if paged {
		f.Limit = q.int("limit", bulkhead.DefaultPageSize)
		f.Offset = q.int("offset", 0)
	}
	return f
}

func (sp regSpec[F, T, I, J]) routes() regRoutes {
	return regRoutes{
		list: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			q, err := parseQuery(r, append([]string{"q", "status", "sort", "limit", "offset"}, sp.params...)...)
			if err != nil {
				return err
			}
			lf := listFilter(q, true)
			f := sp.filter(q, lf)
			if err := q.err(); err != nil {
				return err
			}
			items, total, err := sp.list(s.svc, r.Context(), au.Actor, f)
			if err != nil {
				return err
			}
			if lf.Limit == 0 {
				lf.Limit = bulkhead.DefaultPageSize
			}
			out := listJSON[J]{Items: make([]J, len(items)), Total: total, Limit: lf.Limit, Offset: lf.Offset}
			for i, x := range items {
				out.Items[i] = sp.json(x)
			}
			if next := lf.Offset + len(items); next < total {
				out.NextOffset = &next
			}
			writeJSON(w, http.StatusOK, out)
			return nil
		},
		export: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			q, err := parseQuery(r, append([]string{"q", "status", "sort"}, sp.params...)...)
			if err != nil {
				return err
			}
			lf := listFilter(q, false)
			lf.Limit = 1
			f := sp.filter(q, lf)
			if err := q.err(); err != nil {
				return err
			}
			if _, _, err := sp.list(s.svc, r.Context(), au.Actor, f); err != nil {
				return err
			}
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+sp.file+`.csv"`)
			err = sp.table.Write(w, func(fn func(T) error) error { return sp.each(s.svc, r.Context(), au.Actor, f, fn) })
			if err != nil {
				s.log.Error("register export failed", "register", sp.file, "err", err)
			}
			return nil
		},
		create: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			var in I
			if err := decode(w, r, &in); err != nil {
				return err
			}
			x, err := sp.create(s.svc, r.Context(), au.Actor, in)
			if err != nil {
				return err
			}
			w.Header().Set("Location", sp.base+"/"+sp.id(x))
			writeJSON(w, http.StatusCreated, sp.json(x))
			return nil
		},
		get: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			x, err := sp.get(s.svc, r.Context(), au.Actor, r.PathValue("id"))
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, sp.json(x))
			return nil
		},
		update: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			var in I
			if err := decode(w, r, &in); err != nil {
				return err
			}
			x, err := sp.update(s.svc, r.Context(), au.Actor, r.PathValue("id"), in)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, sp.json(x))
			return nil
		},
		archive: func(archive bool) handler {
			return func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
				x, err := sp.archive(s.svc, r.Context(), au.Actor, r.PathValue("id"), archive)
				if err != nil {
					return err
				}
				writeJSON(w, http.StatusOK, sp.json(x))
				return nil
			}
		},
	}
}

// childSpec describes a register's child records.
type childSpec[T, I, J any] struct {
	base    string
	list    func(s *service.Service, ctx context.Context, a service.Actor, parentID string) ([]T, error)
	create  func(s *service.Service, ctx context.Context, a service.Actor, parentID string, in I) (T, error)
	get     func(s *service.Service, ctx context.Context, a service.Actor, id string) (T, error)
	update  func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
	id      func(T) string
	json    func(T) J
}

func (sp childSpec[T, I, J]) routes() childRoutes {
	reg := regSpec[struct{}, T, I, J]{base: sp.base, get: sp.get, update: sp.update, archive: sp.archive, id: sp.id, json: sp.json}.routes()
	return childRoutes{
		get: reg.get, update: reg.update, archive: reg.archive,
		list: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			if _, err := parseQuery(r); err != nil {
				return err
			}
			items, err := sp.list(s.svc, r.Context(), au.Actor, r.PathValue("id"))
			if err != nil {
				return err
			}
			out := make([]J, len(items))
			for i, x := range items {
				out[i] = sp.json(x)
			}
			writeJSON(w, http.StatusOK, map[string]any{"items": out})
			return nil
		},
		create: func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
			var in I
			if err := decode(w, r, &in); err != nil {
				return err
			}
			x, err := sp.create(s.svc, r.Context(), au.Actor, r.PathValue("id"), in)
			if err != nil {
				return err
			}
			w.Header().Set("Location", sp.base+"/"+sp.id(x))
			writeJSON(w, http.StatusCreated, sp.json(x))
			return nil
		},
	}
}

// ---- representations

// recordJSON is what every register entry carries.
type recordJSON struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ArchivedAt *time.Time `json:"archived_at"`
}

func toRecord(r *bulkhead.Record) recordJSON {
	return recordJSON{r.ID, r.CreatedAt, r.UpdatedAt, r.ArchivedAt}
}

type issueJSON struct {
	recordJSON
	Origin      string `json:"origin"`
	Category    string `json:"category"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Effect      string `json:"effect"`
	ReviewDate  string `json:"review_date"`
}

type partyJSON struct {
	recordJSON
	Type    string `json:"type"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Notes   string `json:"notes"`
}

type partyReqJSON struct {
	recordJSON
	PartyID     string `json:"party_id"`
	Source      string `json:"source"`
	Description string `json:"description"`
	Addressed   bool   `json:"addressed"`
	How         string `json:"how"`
}

type legalJSON struct {
	recordJSON
	Title        string   `json:"title"`
	Jurisdiction string   `json:"jurisdiction"`
	Reference    string   `json:"reference"`
	Summary      string   `json:"summary"`
	SiteIDs      []string `json:"site_ids"`
	OwnerID      string   `json:"owner_id"`
	LastReview   string   `json:"last_review"`
	NextReview   string   `json:"next_review"`
	Compliance   string   `json:"compliance"`
}

type objectiveJSON struct {
	recordJSON
	Statement string   `json:"statement"`
	Measure   string   `json:"measure"`
	Target    float64  `json:"target"`
	Unit      string   `json:"unit"`
	Current   *float64 `json:"current"`
	Progress  *int     `json:"progress_percent"`
	StartDate string   `json:"start_date"`
	DueDate   string   `json:"due_date"`
	OwnerID   string   `json:"owner_id"`
	Status    string   `json:"status"`
}

type actionJSON struct {
	recordJSON
	ObjectiveID string `json:"objective_id"`
	Description string `json:"description"`
	OwnerID     string `json:"owner_id"`
	DueDate     string `json:"due_date"`
	Status      string `json:"status"`
}

type changeJSON struct {
	recordJSON
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Reason       string   `json:"reason"`
	SiteIDs      []string `json:"site_ids"`
	Processes    string   `json:"processes"`
	RiskReview   string   `json:"risk_review"`
	RiskReviewed bool     `json:"risk_reviewed"`
	ReviewerID   string   `json:"reviewer_id"`
	RequesterID  string   `json:"requester_id"`
	ApprovedBy   string   `json:"approved_by"`
	ApprovedOn   string   `json:"approved_on"`
	PlannedDate  string   `json:"planned_date"`
	Status       string   `json:"status"`
}

type commJSON struct {
	recordJSON
	Topic          string `json:"topic"`
	Frequency      string `json:"frequency"`
	Timing         string `json:"timing"`
	Audience       string `json:"audience"`
	Channel        string `json:"channel"`
	CommunicatorID string `json:"communicator_id"`
	Direction      string `json:"direction"`
	Notes          string `json:"notes"`
}

// objectiveInput is an objective's input as JSON: numbers as numbers, and
// "current": null to clear the measured value.
type objectiveInput struct {
	Statement *string   `json:"statement"`
	Measure   *string   `json:"measure"`
	Target    *float64  `json:"target"`
	Unit      *string   `json:"unit"`
	Current   optNumber `json:"current"`
	StartDate *string   `json:"start_date"`
	DueDate   *string   `json:"due_date"`
	OwnerID   *string   `json:"owner_id"`
	Status    *string   `json:"status"`
}

// optNumber is a number that may be absent, null, or set.
type optNumber struct {
	set   bool
	value *float64
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *optNumber) UnmarshalJSON(b []byte) error {
	o.set = true
	if bytes.Equal(b, []byte("null")) {
		o.value = nil
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	o.value = &f
	return nil
}

func (in objectiveInput) domain() bulkhead.ObjectiveInput {
	out := bulkhead.ObjectiveInput{Statement: in.Statement, Measure: in.Measure, Unit: in.Unit, StartDate: in.StartDate, DueDate: in.DueDate, OwnerID: in.OwnerID, Status: in.Status}
	if in.Target != nil {
		s := bulkhead.FormatNumber(*in.Target)
		out.Target = &s
	}
	if in.Current.set {
		s := ""
		if in.Current.value != nil {
			s = bulkhead.FormatNumber(*in.Current.value)
		}
		out.Current = &s
	}
	return out
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// ---- the registers

var issueRoutes = regSpec[bulkhead.ContextIssueFilter, *bulkhead.ContextIssue, bulkhead.ContextIssueInput, issueJSON]{
	base: "/api/v1/context-issues", file: "context-issues", params: []string{"origin", "category", "unlinked"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.ContextIssueFilter {
		return bulkhead.ContextIssueFilter{ListFilter: lf, Origin: bulkhead.Origin(q.str("origin")), Category: bulkhead.IssueCategory(q.str("category")),
			Unlinked: q.bool("unlinked")}
	},
	list: (*service.Service).ContextIssues, each: (*service.Service).EachContextIssue, table: export.ContextIssues,
	get: (*service.Service).ContextIssue, create: (*service.Service).CreateContextIssue, update: (*service.Service).UpdateContextIssue,
	archive: (*service.Service).ArchiveContextIssue, id: func(x *bulkhead.ContextIssue) string { return x.ID },
	json: func(x *bulkhead.ContextIssue) issueJSON {
		return issueJSON{toRecord(&x.Record), string(x.Origin), string(x.Category), x.Title, x.Description, x.Effect, string(x.ReviewDate)}
	},
}.routes()

var partyRoutes = regSpec[bulkhead.PartyFilter, *bulkhead.InterestedParty, bulkhead.InterestedPartyInput, partyJSON]{
	base: "/api/v1/parties", file: "interested-parties", params: []string{"type"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.PartyFilter {
		return bulkhead.PartyFilter{ListFilter: lf, Type: bulkhead.PartyType(q.str("type"))}
	},
	list: (*service.Service).InterestedParties, each: (*service.Service).EachInterestedParty, table: export.Parties,
	get: (*service.Service).InterestedParty, create: (*service.Service).CreateInterestedParty, update: (*service.Service).UpdateInterestedParty,
	archive: (*service.Service).ArchiveInterestedParty, id: func(x *bulkhead.InterestedParty) string { return x.ID },
	json: func(x *bulkhead.InterestedParty) partyJSON {
		return partyJSON{toRecord(&x.Record), string(x.Type), x.Name, x.Contact, x.Notes}
	},
}.routes()

var partyReqRoutes = childSpec[*bulkhead.PartyRequirement, bulkhead.PartyRequirementInput, partyReqJSON]{
	base: "/api/v1/party-requirements",
	list: (*service.Service).PartyRequirements, create: (*service.Service).CreatePartyRequirement, get: (*service.Service).PartyRequirement,
	update: (*service.Service).UpdatePartyRequirement, archive: (*service.Service).ArchivePartyRequirement,
	id: func(x *bulkhead.PartyRequirement) string { return x.ID },
	json: func(x *bulkhead.PartyRequirement) partyReqJSON {
		return partyReqJSON{toRecord(&x.Record), x.PartyID, string(x.Source), x.Description, x.Addressed, x.How}
	},
}.routes()

var legalRoutes = regSpec[bulkhead.LegalFilter, *bulkhead.LegalRequirement, bulkhead.LegalRequirementInput, legalJSON]{
	base: "/api/v1/legal-requirements", file: "legal-requirements", params: []string{"compliance", "owner_id", "site_id", "review_before"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.LegalFilter {
		return bulkhead.LegalFilter{ListFilter: lf, Compliance: bulkhead.Compliance(q.str("compliance")), OwnerID: q.str("owner_id"),
			SiteID: q.str("site_id"), ReviewBefore: bulkhead.Date(q.str("review_before"))}
	},
	list: (*service.Service).LegalRequirements, each: (*service.Service).EachLegalRequirement, table: export.LegalRequirements,
	get: (*service.Service).LegalRequirement, create: (*service.Service).CreateLegalRequirement, update: (*service.Service).UpdateLegalRequirement,
	archive: (*service.Service).ArchiveLegalRequirement, id: func(x *bulkhead.LegalRequirement) string { return x.ID },
	json: func(x *bulkhead.LegalRequirement) legalJSON {
		return legalJSON{toRecord(&x.Record), x.Title, x.Jurisdiction, x.Reference, x.Summary, nonNil(x.SiteIDs), x.OwnerID,
			string(x.LastReview), string(x.NextReview), string(x.Compliance)}
	},
}.routes()

func toObjective(x *bulkhead.Objective) objectiveJSON {
	o := objectiveJSON{recordJSON: toRecord(&x.Record), Statement: x.Statement, Measure: x.Measure, Target: x.Target, Unit: x.Unit, Current: x.Current,
		StartDate: string(x.StartDate), DueDate: string(x.DueDate), OwnerID: x.OwnerID, Status: string(x.Status)}
	if p, ok := x.Progress(); ok {
		o.Progress = &p
	}
	return o
}

var objectiveRoutes = regSpec[bulkhead.ObjectiveFilter, *bulkhead.Objective, objectiveInput, objectiveJSON]{
	base: "/api/v1/objectives", file: "objectives", params: []string{"status", "owner_id", "record"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.ObjectiveFilter {
		// "status" here is the objective's; the archive status is "record".
		lf.Status = q.str("record")
		return bulkhead.ObjectiveFilter{ListFilter: lf, Status: bulkhead.ObjectiveStatus(q.str("status")), OwnerID: q.str("owner_id")}
	},
	list: (*service.Service).Objectives, each: (*service.Service).EachObjective, table: export.Objectives,
	get: (*service.Service).Objective,
	create: func(s *service.Service, ctx context.Context, a service.Actor, in objectiveInput) (*bulkhead.Objective, error) {
		return s.CreateObjective(ctx, a, in.domain())
	},
	update: func(s *service.Service, ctx context.Context, a service.Actor, id string, in objectiveInput) (*bulkhead.Objective, error) {
		return s.UpdateObjective(ctx, a, id, in.domain())
	},
	archive: (*service.Service).ArchiveObjective, id: func(x *bulkhead.Objective) string { return x.ID }, json: toObjective,
}.routes()

var actionRoutes = childSpec[*bulkhead.ObjectiveAction, bulkhead.ObjectiveActionInput, actionJSON]{
	base: "/api/v1/objective-actions",
	list: (*service.Service).ObjectiveActions, create: (*service.Service).CreateObjectiveAction, get: (*service.Service).ObjectiveAction,
	update: (*service.Service).UpdateObjectiveAction, archive: (*service.Service).ArchiveObjectiveAction,
	id: func(x *bulkhead.ObjectiveAction) string { return x.ID },
	json: func(x *bulkhead.ObjectiveAction) actionJSON {
		return actionJSON{toRecord(&x.Record), x.ObjectiveID, x.Description, x.OwnerID, string(x.DueDate), string(x.Status)}
	},
}.routes()

func toChange(x *bulkhead.PlannedChange) changeJSON {
	return changeJSON{toRecord(&x.Record), x.Title, x.Description, x.Reason, nonNil(x.SiteIDs), x.Processes, x.RiskReview, x.RiskReviewed,
		x.ReviewerID, x.RequesterID, x.ApprovedBy, string(x.ApprovedOn), string(x.PlannedDate), string(x.Status)}
}

var changeRoutes = regSpec[bulkhead.ChangeFilter, *bulkhead.PlannedChange, bulkhead.PlannedChangeInput, changeJSON]{
	base: "/api/v1/changes", file: "planned-changes", params: []string{"status", "site_id", "record"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.ChangeFilter {
		lf.Status = q.str("record")
		return bulkhead.ChangeFilter{ListFilter: lf, Status: bulkhead.ChangeStatus(q.str("status")), SiteID: q.str("site_id")}
	},
	list: (*service.Service).PlannedChanges, each: (*service.Service).EachPlannedChange, table: export.PlannedChanges,
	get: (*service.Service).PlannedChange, create: (*service.Service).CreatePlannedChange, update: (*service.Service).UpdatePlannedChange,
	archive: (*service.Service).ArchivePlannedChange, id: func(x *bulkhead.PlannedChange) string { return x.ID }, json: toChange,
}.routes()

func decideChange(approve bool) handler {
	return func(s *Server, w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
		x, err := s.svc.DecideChange(r.Context(), au.Actor, r.PathValue("id"), approve)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toChange(x))
		return nil
	}
}

var commRoutes = regSpec[bulkhead.CommunicationFilter, *bulkhead.Communication, bulkhead.CommunicationInput, commJSON]{
	base: "/api/v1/communications", file: "communication-plan", params: []string{"direction", "channel"},
	filter: func(q *query, lf bulkhead.ListFilter) bulkhead.CommunicationFilter {
		return bulkhead.CommunicationFilter{ListFilter: lf, Direction: bulkhead.Origin(q.str("direction")), Channel: bulkhead.Channel(q.str("channel"))}
	},
	list: (*service.Service).Communications, each: (*service.Service).EachCommunication, table: export.Communications,
	get: (*service.Service).Communication, create: (*service.Service).CreateCommunication, update: (*service.Service).UpdateCommunication,
	archive: (*service.Service).ArchiveCommunication, id: func(x *bulkhead.Communication) string { return x.ID },
	json: func(x *bulkhead.Communication) commJSON {
		return commJSON{toRecord(&x.Record), x.Topic, string(x.Frequency), x.Timing, x.Audience, string(x.Channel), x.CommunicatorID, string(x.Direction), x.Notes}
	},
}.routes()

// ---- My tasks and clause coverage

type taskJSON struct {
	Kind    string  `json:"kind"`
	Title   string  `json:"title"`
	Href    string  `json:"href"`
	Due     *string `json:"due"`
	Overdue bool    `json:"overdue"`
	SiteID  string  `json:"site_id,omitempty"`
}

func (s *Server) myTasks(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	tasks, err := s.svc.MyTasks(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]taskJSON, len(tasks))
	for i, t := range tasks {
		out[i] = taskJSON{Kind: t.Kind, Title: t.Title, Href: t.Href, Overdue: t.Overdue, SiteID: t.SiteID}
		if !t.Due.IsZero() {
			d := t.Due.UTC().Format(time.DateOnly)
			out[i].Due = &d
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

type clauseJSON struct {
	Clause  string   `json:"clause"`
	Kind    string   `json:"kind"`
	Href    string   `json:"href"`
	Count   int      `json:"count"`
	Overdue int      `json:"attention"`
	Missing bool     `json:"missing"`
	Notes   []string `json:"notes"`
}

func (s *Server) coverage(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	if _, err := parseQuery(r); err != nil {
		return err
	}
	cs, err := s.svc.ClauseCoverage(r.Context(), au.Actor)
	if err != nil {
		return err
	}
	out := make([]clauseJSON, len(cs))
	for i, c := range cs {
		out[i] = clauseJSON{c.Clause, c.Kind, c.Href, c.Count, c.Overdue, c.Missing, nonNil(c.Notes)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}
