package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// registerCommands are the CLI commands of the registers of clauses 4.1,
// 4.2, 6.2, 6.3 and 7.4, one uniform set per register:
//
//	bulkhead NOUN list|show|add|edit|archive|restore
//
// with fields given as a JSON object (--json FILE, or - for standard input)
// in the API's shape, plus My tasks and the clause coverage.
func registerCommands() []command {
	var out []command
	for _, r := range cliRegisters {
		out = append(out, r.commands()...)
	}
	for _, c := range cliChildren {
		out = append(out, c.commands()...)
	}
	return append(append(out,
		command{"change approve", "approve a proposed change (as --as; not its requester)", func(ctx context.Context, e *env, args []string) error {
			return cmdDecideChange(ctx, e, args, true)
		}},
		command{"change reject", "reject a proposed change (as --as; not its requester)", func(ctx context.Context, e *env, args []string) error {
			return cmdDecideChange(ctx, e, args, false)
		}},
		command{"tasks", "list what falls due for a member (My tasks)", cmdTasks},
		command{"coverage", "show the ISO 28000 clause 4–7 coverage", cmdCoverage},
	), contextRiskCommands()...)
}

// cliRegister is a register's command set.
type cliRegister interface{ commands() []command }

// cliReg describes one register for the shared commands: T its record, F
// its filter, I its input.
type cliReg[T interface{ Meta() *bulkhead.Record }, F any, I any] struct {
	noun    string // command word, e.g. "context-issue"
	what    string // for usage lines, e.g. "context issues"
	table   export.Table[T]
	cols    []string // export columns the list table shows, after id
	flags   func(fs *flag.FlagSet) func(lf bulkhead.ListFilter) F
	list    func(s *service.Service, ctx context.Context, a service.Actor, f F) ([]T, int, error)
	get     func(s *service.Service, ctx context.Context, a service.Actor, id string) (T, error)
	create  func(s *service.Service, ctx context.Context, a service.Actor, in I) (T, error)
	update  func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
	// numbers lists input fields typed as text that JSON may give as numbers.
	numbers []string
}

func (r cliReg[T, F, I]) commands() []command {
	return []command{
		{r.noun + " list", "list " + r.what, r.cmdList},
		{r.noun + " show", "show one of the " + r.what, func(ctx context.Context, e *env, args []string) error {
			return r.one(ctx, e, "show", args, func(s *service.Service, a service.Actor, id string, _ []byte) (T, error) {
				return r.get(s, ctx, a, id)
			})
		}},
		{r.noun + " add", "add to the " + r.what + " (--json FILE|-)", r.cmdAdd},
		{r.noun + " edit", "change fields of one of the " + r.what + " (--id, --json FILE|- with the fields to change)", func(ctx context.Context, e *env, args []string) error {
			return r.one(ctx, e, "edit", args, func(s *service.Service, a service.Actor, id string, body []byte) (T, error) {
				var in I
				if err := decodeInput(body, &in, r.numbers); err != nil {
					var zero T
					return zero, err
				}
				return r.update(s, ctx, a, id, in)
			})
		}},
		{r.noun + " archive", "archive one of the " + r.what + " (kept with its history)", func(ctx context.Context, e *env, args []string) error {
			return r.one(ctx, e, "archive", args, func(s *service.Service, a service.Actor, id string, _ []byte) (T, error) {
				return r.archive(s, ctx, a, id, true)
			})
		}},
		{r.noun + " restore", "restore an archived one of the " + r.what, func(ctx context.Context, e *env, args []string) error {
			return r.one(ctx, e, "restore", args, func(s *service.Service, a service.Actor, id string, _ []byte) (T, error) {
				return r.archive(s, ctx, a, id, false)
			})
		}},
	}
}

func (r cliReg[T, F, I]) cmdList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, r.noun+" list")
	var u asUser
	u.register(fs, "as", "e-mail of the member listing (required; their role applies)")
	var lf bulkhead.ListFilter
	fs.StringVar(&lf.Query, "q", "", "search text")
	fs.StringVar(&lf.Status, "status", "active", "active, archived or all")
	sort := fs.String("sort", "", "sort key; prefix - for descending")
	fs.IntVar(&lf.Limit, "limit", 50, "page size (1–500)")
	fs.IntVar(&lf.Offset, "offset", 0, "rows to skip")
	format := fs.String("format", "table", "output: table, csv or json")
	own := r.flags(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	lf.Sort = *sort
	if d, ok := strings.CutPrefix(lf.Sort, "-"); ok {
		lf.Desc, lf.Sort = true, d
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return &usageError{"--format must be table, csv or json"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	items, total, err := r.list(service.New(st, nil), ctx, a, own(lf))
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": items, "total": total})
	case "csv":
		return r.table.Write(e.stdout, func(fn func(T) error) error {
			for _, x := range items {
				if err := fn(x); err != nil {
					return err
				}
			}
			return nil
		})
	}
	idx := []int{0}
	for _, c := range r.cols {
		for i, h := range r.table.Header {
			if h == c {
				idx = append(idx, i)
			}
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	var head []string
	for _, i := range idx {
		head = append(head, strings.ToUpper(r.table.Header[i]))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, x := range items {
		row := r.table.Row(x)
		var cells []string
		for _, i := range idx {
			cells = append(cells, oneLine(row[i], 60))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d of %d\n", len(items), total)
	return nil
}

// oneLine fits a cell on one line of a table.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (r cliReg[T, F, I]) cmdAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, r.noun+" add")
	var u asUser
	u.register(fs, "as", "e-mail of the member making the change (required; their role applies)")
	file := fs.String("json", "", "the fields as a JSON object: a file, or - for standard input (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	body, err := readJSONArg(e, *file)
	if err != nil {
		return err
	}
	var in I
	if err := decodeInput(body, &in, r.numbers); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := r.create(service.New(st, nil), ctx, a, in)
	if err != nil {
		return err
	}
	return printRecord(e, r.table, x)
}

// one runs a command on one record given by --id (with --json for edit).
func (r cliReg[T, F, I]) one(ctx context.Context, e *env, verb string, args []string, do func(s *service.Service, a service.Actor, id string, body []byte) (T, error)) error {
	fs := newFlags(e, r.noun+" "+verb)
	var u asUser
	u.register(fs, "as", "e-mail of the member acting (required; their role applies)")
	id := fs.String("id", "", "the record's ID (required)")
	var file *string
	if verb == "edit" {
		file = fs.String("json", "", "the fields to change as a JSON object: a file, or - for standard input (required)")
	}
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *id == "" {
		return &usageError{"--id is required"}
	}
	var body []byte
	if file != nil {
		var err error
		if body, err = readJSONArg(e, *file); err != nil {
			return err
		}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := do(service.New(st, nil), a, *id, body)
	if err != nil {
		return err
	}
	return printRecord(e, r.table, x)
}

// printRecord prints a record as "field<TAB>value" lines.
func printRecord[T any](e *env, t export.Table[T], x T) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for i, v := range t.Row(x) {
		fmt.Fprintf(tw, "%s\t%s\n", t.Header[i], strings.ReplaceAll(v, "\n", " ⏎ "))
	}
	return tw.Flush()
}

// readJSONArg reads --json: a file, or standard input for "-".
func readJSONArg(e *env, file string) ([]byte, error) {
	switch file {
	case "":
		return nil, &usageError{"--json FILE|- is required: the fields as a JSON object"}
	case "-":
		return io.ReadAll(io.LimitReader(e.stdin, 1<<20))
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	return b, nil
}

// decodeInput reads one JSON object into an input strictly (unknown fields
// refused); numbers given for the fields named in numbers become text.
func decodeInput(body []byte, in any, numbers []string) error {
	if len(numbers) > 0 {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&m); err == nil {
			for _, k := range numbers {
				if n, ok := m[k].(json.Number); ok {
					m[k] = n.String()
				}
			}
			body, _ = json.Marshal(m)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return bulkhead.Invalid(map[string]string{te.Field: bulkhead.FieldInvalid})
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return bulkhead.Invalid(map[string]string{strings.Trim(name, `"`): bulkhead.FieldUnknown})
		}
		return &usageError{"--json: " + err.Error()}
	}
	return nil
}

// cliChild is the command set of a register's child records.
type cliChild[T any, I any] struct {
	noun, parentFlag, what string
	table                  export.Table[T]
	list                   func(s *service.Service, ctx context.Context, a service.Actor, parentID string) ([]T, error)
	create                 func(s *service.Service, ctx context.Context, a service.Actor, parentID string, in I) (T, error)
	update                 func(s *service.Service, ctx context.Context, a service.Actor, id string, in I) (T, error)
	archive                func(s *service.Service, ctx context.Context, a service.Actor, id string, archive bool) (T, error)
}

func (c cliChild[T, I]) commands() []command {
	run := func(verb string, body func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, in []byte) error) command {
		usage := map[string]string{
			"list": "list the " + c.what + " of --" + c.parentFlag, "add": "add one of the " + c.what + " to --" + c.parentFlag + " (--json FILE|-)",
			"edit": "change fields of one of the " + c.what + " (--id, --json)", "archive": "archive one of the " + c.what, "restore": "restore one of the " + c.what,
		}[verb]
		return command{c.noun + " " + verb, usage, func(ctx context.Context, e *env, args []string) error {
			fs := newFlags(e, c.noun+" "+verb)
			var u asUser
			u.register(fs, "as", "e-mail of the member acting (required; their role applies)")
			name := "id"
			if verb == "list" || verb == "add" {
				name = c.parentFlag
			}
			id := fs.String(name, "", "the "+name+"'s ID (required)")
			var file *string
			if verb == "add" || verb == "edit" {
				file = fs.String("json", "", "the fields as a JSON object: a file, or - for standard input (required)")
			}
			if err := parse(e, fs, args); err != nil {
				return err
			}
			if *id == "" {
				return &usageError{"--" + name + " is required"}
			}
			var in []byte
			if file != nil {
				var err error
				if in, err = readJSONArg(e, *file); err != nil {
					return err
				}
			}
			st, a, err := u.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			return body(ctx, e, service.New(st, nil), a, *id, in)
		}}
	}
	input := func(b []byte) (I, error) {
		var in I
		err := decodeInput(b, &in, nil)
		return in, err
	}
	return []command{
		run("list", func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, _ []byte) error {
			items, err := c.list(s, ctx, a, id)
			if err != nil {
				return err
			}
			return c.table.Write(e.stdout, func(fn func(T) error) error {
				for _, x := range items {
					if err := fn(x); err != nil {
						return err
					}
				}
				return nil
			})
		}),
		run("add", func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, b []byte) error {
			in, err := input(b)
			if err != nil {
				return err
			}
			x, err := c.create(s, ctx, a, id, in)
			if err != nil {
				return err
			}
			return printRecord(e, c.table, x)
		}),
		run("edit", func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, b []byte) error {
			in, err := input(b)
			if err != nil {
				return err
			}
			x, err := c.update(s, ctx, a, id, in)
			if err != nil {
				return err
			}
			return printRecord(e, c.table, x)
		}),
		run("archive", func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, _ []byte) error {
			x, err := c.archive(s, ctx, a, id, true)
			if err != nil {
				return err
			}
			return printRecord(e, c.table, x)
		}),
		run("restore", func(ctx context.Context, e *env, s *service.Service, a service.Actor, id string, _ []byte) error {
			x, err := c.archive(s, ctx, a, id, false)
			if err != nil {
				return err
			}
			return printRecord(e, c.table, x)
		}),
	}
}

// ---- the registers

var cliRegisters = []cliRegister{
	cliReg[*bulkhead.ContextIssue, bulkhead.ContextIssueFilter, bulkhead.ContextIssueInput]{
		noun: "context-issue", what: "context issues (ISO 28000 4.1)", table: export.ContextIssues, cols: []string{"origin", "category", "title", "review_date"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.ContextIssueFilter {
			origin := fs.String("origin", "", "only internal or external issues")
			category := fs.String("category", "", "only this category")
			unlinked := fs.Bool("unlinked", false, "only issues no risk scenario is linked to")
			return func(lf bulkhead.ListFilter) bulkhead.ContextIssueFilter {
				return bulkhead.ContextIssueFilter{ListFilter: lf, Origin: bulkhead.Origin(*origin), Category: bulkhead.IssueCategory(*category), Unlinked: *unlinked}
			}
		},
		list: (*service.Service).ContextIssues, get: (*service.Service).ContextIssue, create: (*service.Service).CreateContextIssue,
		update: (*service.Service).UpdateContextIssue, archive: (*service.Service).ArchiveContextIssue,
	},
	cliReg[*bulkhead.InterestedParty, bulkhead.PartyFilter, bulkhead.InterestedPartyInput]{
		noun: "party", what: "interested parties (4.2.1)", table: export.Parties, cols: []string{"type", "name"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.PartyFilter {
			typ := fs.String("type", "", "only this type of party")
			return func(lf bulkhead.ListFilter) bulkhead.PartyFilter {
				return bulkhead.PartyFilter{ListFilter: lf, Type: bulkhead.PartyType(*typ)}
			}
		},
		list: (*service.Service).InterestedParties, get: (*service.Service).InterestedParty, create: (*service.Service).CreateInterestedParty,
		update: (*service.Service).UpdateInterestedParty, archive: (*service.Service).ArchiveInterestedParty,
	},
	cliReg[*bulkhead.LegalRequirement, bulkhead.LegalFilter, bulkhead.LegalRequirementInput]{
		noun: "legal", what: "legal and other requirements (4.2.2)", table: export.LegalRequirements, cols: []string{"title", "jurisdiction", "next_review", "compliance"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.LegalFilter {
			compliance := fs.String("compliance", "", "only this compliance status")
			owner := fs.String("owner", "", "only those of this owner (user ID)")
			site := fs.String("site", "", "only those applying to this site (ID)")
			before := fs.String("review-before", "", "only those whose next review is before this date (YYYY-MM-DD)")
			return func(lf bulkhead.ListFilter) bulkhead.LegalFilter {
				return bulkhead.LegalFilter{ListFilter: lf, Compliance: bulkhead.Compliance(*compliance), OwnerID: *owner, SiteID: *site, ReviewBefore: bulkhead.Date(*before)}
			}
		},
		list: (*service.Service).LegalRequirements, get: (*service.Service).LegalRequirement, create: (*service.Service).CreateLegalRequirement,
		update: (*service.Service).UpdateLegalRequirement, archive: (*service.Service).ArchiveLegalRequirement,
	},
	cliReg[*bulkhead.Objective, bulkhead.ObjectiveFilter, bulkhead.ObjectiveInput]{
		noun: "objective", what: "security objectives (6.2)", table: export.Objectives, cols: []string{"statement", "progress_percent", "due_date", "status"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.ObjectiveFilter {
			state := fs.String("state", "", "only objectives in this status")
			owner := fs.String("owner", "", "only those of this owner (user ID)")
			return func(lf bulkhead.ListFilter) bulkhead.ObjectiveFilter {
				return bulkhead.ObjectiveFilter{ListFilter: lf, Status: bulkhead.ObjectiveStatus(*state), OwnerID: *owner}
			}
		},
		list: (*service.Service).Objectives, get: (*service.Service).Objective, create: (*service.Service).CreateObjective,
		update: (*service.Service).UpdateObjective, archive: (*service.Service).ArchiveObjective, numbers: []string{"target", "current"},
	},
	cliReg[*bulkhead.PlannedChange, bulkhead.ChangeFilter, bulkhead.PlannedChangeInput]{
		noun: "change", what: "planned changes (6.3)", table: export.PlannedChanges, cols: []string{"title", "planned_date", "status"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.ChangeFilter {
			state := fs.String("state", "", "only changes in this status")
			site := fs.String("site", "", "only changes affecting this site (ID)")
			return func(lf bulkhead.ListFilter) bulkhead.ChangeFilter {
				return bulkhead.ChangeFilter{ListFilter: lf, Status: bulkhead.ChangeStatus(*state), SiteID: *site}
			}
		},
		list: (*service.Service).PlannedChanges, get: (*service.Service).PlannedChange, create: (*service.Service).CreatePlannedChange,
		update: (*service.Service).UpdatePlannedChange, archive: (*service.Service).ArchivePlannedChange,
	},
	cliReg[*bulkhead.Communication, bulkhead.CommunicationFilter, bulkhead.CommunicationInput]{
		noun: "communication", what: "communication plan lines (7.4)", table: export.Communications, cols: []string{"topic", "frequency", "channel", "direction"},
		flags: func(fs *flag.FlagSet) func(bulkhead.ListFilter) bulkhead.CommunicationFilter {
			direction := fs.String("direction", "", "only internal or external communication")
			channel := fs.String("channel", "", "only this channel")
			return func(lf bulkhead.ListFilter) bulkhead.CommunicationFilter {
				return bulkhead.CommunicationFilter{ListFilter: lf, Direction: bulkhead.Origin(*direction), Channel: bulkhead.Channel(*channel)}
			}
		},
		list: (*service.Service).Communications, get: (*service.Service).Communication, create: (*service.Service).CreateCommunication,
		update: (*service.Service).UpdateCommunication, archive: (*service.Service).ArchiveCommunication,
	},
}

// partyRequirementTable and objectiveActionTable print child records.
var (
	partyRequirementTable = export.Table[*bulkhead.PartyRequirement]{
		Header: []string{"id", "party_id", "source", "description", "addressed", "how", "archived_at"},
		Row: func(x *bulkhead.PartyRequirement) []string {
			return []string{x.ID, x.PartyID, string(x.Source), x.Description, fmt.Sprint(x.Addressed), x.How, export.Time(x.ArchivedAt)}
		},
	}
	objectiveActionTable = export.Table[*bulkhead.ObjectiveAction]{
		Header: []string{"id", "objective_id", "description", "owner_id", "due_date", "status", "archived_at"},
		Row: func(x *bulkhead.ObjectiveAction) []string {
			return []string{x.ID, x.ObjectiveID, x.Description, x.OwnerID, string(x.DueDate), string(x.Status), export.Time(x.ArchivedAt)}
		},
	}
)

var cliChildren = []cliRegister{
	cliChild[*bulkhead.PartyRequirement, bulkhead.PartyRequirementInput]{
		noun: "party-requirement", parentFlag: "party", what: "requirements of an interested party", table: partyRequirementTable,
		list: (*service.Service).PartyRequirements, create: (*service.Service).CreatePartyRequirement,
		update: (*service.Service).UpdatePartyRequirement, archive: (*service.Service).ArchivePartyRequirement,
	},
	cliChild[*bulkhead.ObjectiveAction, bulkhead.ObjectiveActionInput]{
		noun: "objective-action", parentFlag: "objective", what: "actions of an objective", table: objectiveActionTable,
		list: (*service.Service).ObjectiveActions, create: (*service.Service).CreateObjectiveAction,
		update: (*service.Service).UpdateObjectiveAction, archive: (*service.Service).ArchiveObjectiveAction,
	},
}

func cmdDecideChange(ctx context.Context, e *env, args []string, approve bool) error {
	verb := "reject"
	if approve {
		verb = "approve"
	}
	fs := newFlags(e, "change "+verb)
	var u asUser
	u.register(fs, "as", "e-mail of the member deciding (required; not the requester)")
	id := fs.String("id", "", "the change's ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *id == "" {
		return &usageError{"--id is required"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := service.New(st, nil).DecideChange(ctx, a, *id, approve)
	if err != nil {
		return err
	}
	return printRecord(e, export.PlannedChanges, x)
}

func cmdTasks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tasks")
	var u asUser
	u.register(fs, "as", "e-mail of the member whose tasks to list (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tasks, err := service.New(st, nil).MyTasks(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE\tOVERDUE\tKIND\tTITLE\tPAGE")
	for _, t := range tasks {
		due := ""
		if !t.Due.IsZero() {
			due = t.Due.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\t%s\n", due, t.Overdue, t.Kind, oneLine(t.Title, 60), t.Href)
	}
	return tw.Flush()
}

func cmdCoverage(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "coverage")
	var u asUser
	u.register(fs, "as", "e-mail of the member reading (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := service.New(st, nil).ClauseCoverage(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLAUSE\tKIND\tCOUNT\tATTENTION\tMISSING")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%v\n", c.Clause, c.Kind, c.Count, c.Overdue, c.Missing)
	}
	return tw.Flush()
}

// registerBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func registerBenches() map[string]benchFunc {
	return map[string]benchFunc{"registers": benchRegisters}
}
