package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// documentCommands are the CLI commands of controlled documents (issue 3).
func documentCommands() []command {
	return []command{
		{"document list", "list controlled documents", cmdDocumentList},
		{"document show", "show a document, its versions (and with --version, one version's text)", cmdDocumentShow},
		{"document add", "create a controlled document (metadata; content comes as versions)", cmdDocumentAdd},
		{"document edit", "change a document's metadata (only the flags given)", cmdDocumentEdit},
		{"document archive", "archive a document", cmdDocumentArchive},
		{"document restore", "restore an archived document", cmdDocumentRestore},
		{"document version add", "save a draft from Markdown or a file (edits the draft, or starts a new version)", cmdDocumentVersionAdd},
		{"document submit", "send a draft version for review", docStep("submit")},
		{"document approve", "approve a version in review", docStep("approve")},
		{"document return", "return a version in review to draft", docStep("return")},
		{"document publish", "publish an approved version", docStep("publish")},
		{"document obsolete", "withdraw the published version", docStep("obsolete")},
		{"document ack", "acknowledge the published version", cmdDocumentAck},
		{"document acks", "who has and hasn't acknowledged the published version, by site", cmdDocumentAcks},
	}
}

// documentBenches are the benchmarks of controlled documents, by name.
func documentBenches() map[string]benchFunc {
	return map[string]benchFunc{"documents": benchDocuments}
}

// docFlags are the metadata flags; only flags given are set.
type docFlags struct {
	in                                   bulkhead.DocumentInput
	owner, ack, roles, review, retention *string
}

// docFields registers the metadata flags.
func docFields(e *env, name string) (*flagSet, *docFlags) {
	fs := &flagSet{FlagSet: newFlags(e, name)}
	f := &docFlags{}
	fs.optional(&f.in.Title, "title", "title")
	fs.optional(&f.in.Reference, "reference", "reference code, unique in the organisation, e.g. SEC-PRO-010")
	fs.optional(&f.in.Type, "type", "type: policy, scope, procedure, plan, work_instruction, record_template, form")
	fs.optional(&f.owner, "owner", "e-mail of the owner (default: you)")
	fs.optional(&f.in.Classification, "classification", "public, internal (default), confidential or restricted")
	fs.optional(&f.ack, "ack", "requires acknowledgement: yes or no")
	fs.optional(&f.roles, "ack-roles", "comma-separated roles that must acknowledge (empty: every member)")
	fs.optional(&f.review, "review-months", "review period in months")
	fs.optional(&f.in.ReviewDue, "review-due", "review-due date, YYYY-MM-DD")
	fs.optional(&f.retention, "retention-months", "retention period in months")
	return fs, f
}

// input turns the string flags into the input's typed fields.
func (f *docFlags) input(ctx context.Context, st bulkhead.Store) (bulkhead.DocumentInput, error) {
	in := f.in
	if f.owner != nil {
		u, err := st.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(*f.owner)))
		if err != nil {
			return in, &usageError{fmt.Sprintf("--owner %q: no such user", *f.owner)}
		}
		in.OwnerID = &u.ID
	}
	if f.ack != nil {
		b := *f.ack == "yes" || *f.ack == "true"
		if !b && *f.ack != "no" && *f.ack != "false" {
			return in, &usageError{"--ack must be yes or no"}
		}
		in.AckRequired = &b
	}
	if f.roles != nil {
		rs := []string{}
		for _, r := range strings.Split(*f.roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, r)
			}
		}
		in.AckRoles = &rs
	}
	for _, x := range []struct {
		s    *string
		dst  **int
		flag string
	}{{f.review, &in.ReviewMonths, "--review-months"}, {f.retention, &in.RetentionMonths, "--retention-months"}} {
		if x.s == nil {
			continue
		}
		n, err := strconv.Atoi(*x.s)
		if err != nil {
			return in, &usageError{x.flag + " must be a whole number of months"}
		}
		*x.dst = &n
	}
	return in, nil
}

func cmdDocumentAdd(ctx context.Context, e *env, args []string) error {
	fs, df := docFields(e, "document add")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required; their role applies)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := df.input(ctx, st)
	if err != nil {
		return err
	}
	d, err := service.New(st, nil).CreateDocument(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", d.ID, d.Reference, d.Title)
	return nil
}

func cmdDocumentEdit(ctx context.Context, e *env, args []string) error {
	fs, df := docFields(e, "document edit")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required; their role applies)")
	id := fs.String("id", "", "document ID (required)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := df.input(ctx, st)
	if err != nil {
		return err
	}
	d, err := service.New(st, nil).UpdateDocument(ctx, a, *id, in)
	if err != nil {
		return err
	}
	return printDocument(e, d)
}

// printDocument prints a document as "field<TAB>value" lines.
func printDocument(e *env, d *bulkhead.Document) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	roles := make([]string, len(d.AckRoles))
	for i, r := range d.AckRoles {
		roles[i] = string(r)
	}
	due := ""
	if d.ReviewDue != nil {
		due = d.ReviewDue.Format(bulkhead.DateLayout)
	}
	for _, kv := range [][2]string{
		{"id", d.ID}, {"reference", d.Reference}, {"title", d.Title}, {"type", string(d.Type)}, {"owner_id", d.OwnerID},
		{"classification", string(d.Classification)}, {"ack_required", strconv.FormatBool(d.AckRequired)}, {"ack_roles", strings.Join(roles, ",")},
		{"review_months", strconv.Itoa(d.ReviewMonths)}, {"review_due", due}, {"retention_months", strconv.Itoa(d.RetentionMonths)},
		{"latest_version", strconv.Itoa(d.LatestVersion)}, {"latest_status", string(d.LatestStatus)}, {"published_version", strconv.Itoa(d.PublishedNumber)},
		{"created_at", d.CreatedAt.Format(time.RFC3339)}, {"updated_at", d.UpdatedAt.Format(time.RFC3339)}, {"archived_at", fmtTime(d.ArchivedAt)},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}

func cmdDocumentList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "document list")
	var u asUser
	u.register(fs, "as", "e-mail of the user listing (required; their role applies)")
	var f bulkhead.DocumentFilter
	fs.StringVar(&f.Query, "q", "", "search title and reference")
	typ := fs.String("type", "", "only this type")
	state := fs.String("state", "", "only documents whose latest version has this status")
	class := fs.String("classification", "", "only this classification")
	fs.StringVar(&f.Status, "status", "active", "active, archived or all")
	sort := fs.String("sort", "title", "sort key (title, reference, type, review_due, updated_at); prefix - for descending")
	fs.IntVar(&f.Limit, "limit", 50, "page size (1–500)")
	fs.IntVar(&f.Offset, "offset", 0, "rows to skip")
	format := fs.String("format", "table", "output: table, csv or json")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	f.Type, f.State, f.Classification = bulkhead.DocType(*typ), bulkhead.VersionStatus(*state), bulkhead.Classification(*class)
	s := *sort
	if d, ok := strings.CutPrefix(s, "-"); ok {
		f.Desc, s = true, d
	}
	f.Sort = bulkhead.DocumentSort(s)
	if *format != "table" && *format != "csv" && *format != "json" {
		return &usageError{"--format must be table, csv or json"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	docs, total, err := service.New(st, nil).Documents(ctx, a, f)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": docs, "total": total})
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"id", "reference", "title", "type", "classification", "latest_version", "latest_status", "published_version", "review_due"})
		for _, d := range docs {
			due := ""
			if d.ReviewDue != nil {
				due = d.ReviewDue.Format(bulkhead.DateLayout)
			}
			w.Write([]string{d.ID, d.Reference, d.Title, string(d.Type), string(d.Classification), strconv.Itoa(d.LatestVersion), string(d.LatestStatus), strconv.Itoa(d.PublishedNumber), due})
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREFERENCE\tTITLE\tTYPE\tLATEST\tPUBLISHED")
	for _, d := range docs {
		latest := "-"
		if d.LatestVersion > 0 {
			latest = fmt.Sprintf("v%d %s", d.LatestVersion, d.LatestStatus)
		}
		pub := "-"
		if d.PublishedNumber > 0 {
			pub = fmt.Sprintf("v%d", d.PublishedNumber)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Reference, d.Title, d.Type, latest, pub)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d–%d of %d\n", min(f.Offset+1, total), f.Offset+len(docs), total)
	return nil
}

// findVersion returns the version numbered n of a document (0: the latest).
func findVersion(ctx context.Context, svc *service.Service, a service.Actor, docID string, n int) (*bulkhead.DocumentVersion, error) {
	vs, err := svc.DocumentVersions(ctx, a, docID)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, bulkhead.Errorf(bulkhead.ENOTFOUND, "The document has no versions yet.")
	}
	if n == 0 {
		return vs[0], nil
	}
	for _, v := range vs {
		if v.Number == n {
			return v, nil
		}
	}
	return nil, bulkhead.NotFound("Document version")
}

func cmdDocumentShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "document show")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	id := fs.String("id", "", "document ID (required)")
	ver := fs.Int("version", -1, "print this version's text (0: the latest) instead of the document")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	d, err := svc.Document(ctx, a, *id)
	if err != nil {
		return err
	}
	if *ver >= 0 {
		v, err := findVersion(ctx, svc, a, d.ID, *ver)
		if err != nil {
			return err
		}
		if v.HasFile() {
			fmt.Fprintf(e.stdout, "file %s (%s, %d bytes, sha256 %s)\n", v.FileName, v.FileType, v.FileSize, v.FileSHA256)
			return nil
		}
		_, err = io.WriteString(e.stdout, v.Body+"\n")
		return err
	}
	if err := printDocument(e, d); err != nil {
		return err
	}
	vs, err := svc.DocumentVersions(ctx, a, d.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATUS\tAUTHOR\tAPPROVED BY\tPUBLISHED\tCONTENT")
	for _, v := range vs {
		content := fmt.Sprintf("markdown, %d bytes", len(v.Body))
		if v.HasFile() {
			content = fmt.Sprintf("%s sha256:%s", v.FileName, v.FileSHA256)
		}
		appr := v.ApprovedBy
		if appr != "" {
			appr += " (" + string(v.ApprovedRole) + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", v.Number, v.Status, v.AuthorID, appr, fmtTime(v.PublishedAt), content)
	}
	return tw.Flush()
}

func cmdDocumentVersionAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "document version add")
	var u asUser
	u.register(fs, "as", "e-mail of the user writing (required; their role applies)")
	id := fs.String("id", "", "document ID (required)")
	file := fs.String("file", "", "upload this file (PDF, DOCX, XLSX, PNG, JPEG; at most 20 MiB)")
	bodyFile := fs.String("body-file", "", "read the Markdown text from this file (- for standard input)")
	body := fs.String("body", "", "the Markdown text")
	note := fs.String("note", "", "change note")
	scopeFile := fs.String("scope-file", "", `for a scope statement: JSON {"site_ids":[…],"activities":[…],"segments":[…],"exclusions":[{"item":…,"justification":…}]}`)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	var in bulkhead.VersionInput
	given := 0
	for _, s := range []string{*file, *bodyFile, *body} {
		if s != "" {
			given++
		}
	}
	if given > 1 {
		return &usageError{"give one of --file, --body-file and --body"}
	}
	switch {
	case *file != "":
		info, err := os.Stat(*file)
		if err != nil {
			return err
		}
		if info.Size() > bulkhead.MaxDocumentFile {
			return bulkhead.Invalid(map[string]string{"file": bulkhead.FieldFileSize})
		}
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		in.File, in.FileName = b, *file
	case *bodyFile != "":
		var b []byte
		var err error
		if *bodyFile == "-" {
			b, err = io.ReadAll(e.stdin)
		} else {
			b, err = os.ReadFile(*bodyFile)
		}
		if err != nil {
			return err
		}
		s := string(b)
		in.Body = &s
	case *body != "":
		in.Body = body
	}
	if *note != "" {
		in.Note = note
	}
	if *scopeFile != "" {
		b, err := os.ReadFile(*scopeFile)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		in.Scope = &bulkhead.ScopeDetails{}
		if err := dec.Decode(in.Scope); err != nil {
			return &usageError{"--scope-file: " + err.Error()}
		}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := service.New(st, nil).SaveDraft(ctx, a, *id, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\tversion %d\t%s", v.ID, v.Number, v.Status)
	if v.HasFile() {
		fmt.Fprintf(e.stdout, "\t%s\tsha256:%s", v.FileType, v.FileSHA256)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// docStep returns the command that takes one workflow step on a version.
func docStep(step string) func(ctx context.Context, e *env, args []string) error {
	return func(ctx context.Context, e *env, args []string) error {
		fs := newFlags(e, "document "+step)
		var u asUser
		u.register(fs, "as", "e-mail of the user acting (required; their role applies)")
		id := fs.String("id", "", "document ID (required)")
		ver := fs.Int("version", 0, "version number (default: the latest; for obsolete, the published one)")
		if err := parse(e, fs, args); err != nil {
			return err
		}
		st, a, err := u.open(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		svc := service.New(st, nil)
		n := *ver
		if n == 0 && step == "obsolete" {
			d, err := svc.Document(ctx, a, *id)
			if err != nil {
				return err
			}
			if n = d.PublishedNumber; n == 0 {
				return bulkhead.Errorf(bulkhead.ECONFLICT, "The document has no published version.")
			}
		}
		v, err := findVersion(ctx, svc, a, *id, n)
		if err != nil {
			return err
		}
		steps := map[string]func(context.Context, service.Actor, string, string) (*bulkhead.DocumentVersion, error){
			"submit": svc.SubmitVersion, "approve": svc.ApproveVersion, "return": svc.ReturnVersion, "publish": svc.PublishVersion, "obsolete": svc.ObsoleteVersion,
		}
		if v, err = steps[step](ctx, a, *id, v.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\tversion %d\t%s\n", v.ID, v.Number, v.Status)
		return nil
	}
}

func cmdDocumentArchive(ctx context.Context, e *env, args []string) error {
	return documentArchive(ctx, e, args, true)
}

func cmdDocumentRestore(ctx context.Context, e *env, args []string) error {
	return documentArchive(ctx, e, args, false)
}

func documentArchive(ctx context.Context, e *env, args []string, archive bool) error {
	name := "document restore"
	if archive {
		name = "document archive"
	}
	fs := newFlags(e, name)
	var u asUser
	u.register(fs, "as", "e-mail of the user making the change (required; their role applies)")
	id := fs.String("id", "", "document ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := service.New(st, nil).ArchiveDocument(ctx, a, *id, archive)
	if err != nil {
		return err
	}
	state := "active"
	if d.ArchivedAt != nil {
		state = "archived"
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", d.ID, d.Reference, state)
	return nil
}

func cmdDocumentAck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "document ack")
	var u asUser
	u.register(fs, "as", "e-mail of the user acknowledging (required)")
	id := fs.String("id", "", "document ID (required)")
	ver := fs.Int("version", 0, "the version read (default: the published one); any other is refused")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	vid := ""
	if *ver > 0 {
		v, err := findVersion(ctx, svc, a, *id, *ver)
		if err != nil {
			return err
		}
		vid = v.ID
	}
	k, err := svc.Acknowledge(ctx, a, *id, vid)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "acknowledged %s at %s\n", k.VersionID, k.At.Format(time.RFC3339))
	return nil
}

func cmdDocumentAcks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "document acks")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	id := fs.String("id", "", "document ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := service.New(st, nil).DocumentAckReport(ctx, a, *id)
	if err != nil {
		return err
	}
	if rep == nil {
		fmt.Fprintln(e.stdout, "the document asks for no acknowledgement, or has no published version")
		return nil
	}
	fmt.Fprintf(e.stdout, "version %d: %d of %d acknowledged\n", rep.Number, rep.Done, rep.Total)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tNAME\tE-MAIL\tROLE\tACKNOWLEDGED")
	for _, g := range rep.Groups {
		site := g.SiteName
		if g.SiteID == "" {
			site = "(no site)"
		}
		for _, m := range g.Members {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", site, m.Name, m.Email, m.Role, fmtTime(m.At))
		}
	}
	return tw.Flush()
}

// benchDocuments fills an organisation with n documents through the store
// in batches, then measures the document list over real HTTP: the web
// page and the API, p50 and p99.
func benchDocuments(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench documents")
	db := benchDBFlag(fs)
	n := fs.Int("n", 10000, "documents in the organisation")
	reqs := fs.Int("requests", 300, "requests per measured page")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench documents on %s\n", b.engine)
	return benchDocumentList(ctx, e.stdout, b, *n, *reqs)
}

func benchDocumentList(ctx context.Context, w io.Writer, b *benchOrg, n, reqs int) error {
	fill := time.Now()
	types := bulkhead.DocTypes
	words := []string{"Seal control", "Container inspection", "Visitor access", "Incident response", "Key control", "CCTV review", "Driver vetting", "Cargo screening"}
	const batch = 2000
	for done := 0; done < n; {
		m := min(batch, n-done)
		// Filling bypasses the service: n audited writes would measure the
		// writes bench again. The rows are what the service would store.
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				now := bulkhead.Now()
				d := &bulkhead.Document{ID: bulkhead.NewID(), OrgID: b.org.ID, Title: fmt.Sprintf("%s %05d", words[i%len(words)], (i*7919)%n),
					Reference: fmt.Sprintf("DOC-%06d", i), Type: types[i%len(types)], OwnerID: b.actor.UserID,
					Classification: bulkhead.Classifications[i%len(bulkhead.Classifications)], ReviewMonths: 12, RetentionMonths: 60,
					LatestVersion: 1, LatestStatus: bulkhead.VersionDraft, CreatedAt: now, UpdatedAt: now}
				if i%3 == 0 {
					due := now.AddDate(0, i%24-6, 0)
					d.ReviewDue = &due
				}
				if err := tx.CreateDocument(ctx, d); err != nil {
					return err
				}
				body := "# " + d.Title + "\n\nSteps to follow."
				v := &bulkhead.DocumentVersion{ID: bulkhead.NewID(), OrgID: b.org.ID, DocumentID: d.ID, Number: 1, Status: bulkhead.VersionDraft,
					Body: body, AuthorID: b.actor.UserID, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateDocumentVersion(ctx, v, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += m
	}
	// Measure a settled database, as it is some time after an import:
	// SQLite's write-ahead log copied back; PostgreSQL's table vacuumed and
	// analysed (autovacuum would do it shortly), so that the visibility map
	// allows index-only scans.
	if cp, ok := b.st.(interface {
		Checkpoint(context.Context) (int, error)
	}); ok {
		if _, err := cp.Checkpoint(ctx); err != nil {
			return err
		}
	} else if ex, ok := b.st.(interface {
		Exec(context.Context, string, ...any) error
	}); ok && b.engine == "PostgreSQL" {
		if err := ex.Exec(ctx, "VACUUM ANALYZE documents"); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "filled %d documents (and a version each) in %s\n", n, time.Since(fill).Round(time.Millisecond))

	handler, err := newHandler(b.svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := b.svc.CreateAPIToken(ctx, b.actor, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := b.svc.Login(ctx, b.email, b.pw, "127.0.0.1")
	if err != nil {
		return err
	}
	client := srv.Client()
	get := func(path string, hdr func(*http.Request)) func() error {
		return func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
			hdr(req)
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s: %s", path, resp.Status)
			}
			return nil
		}
	}
	api := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+raw) }
	page := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "bulkhead_session", Value: sess}) }
	mid := n / 2 / 50
	cases := []struct {
		name string
		fn   func() error
	}{
		{"web: /documents first page", get("/documents", page)},
		{"web: /documents page in the middle", get(fmt.Sprintf("/documents?page=%d", mid+1), page)},
		{"web: /documents last page", get(fmt.Sprintf("/documents?page=%d", (n+49)/50), page)},
		{"web: sorted by review date", get("/documents?sort=review_due&dir=asc", page)},
		{"web: filter type+classification", get("/documents?type=procedure&classification=internal", page)},
		{"web: search q=inspection", get("/documents?q=inspection", page)},
		{"API: first page", get("/api/v1/documents?limit=50", api)},
		{"API: sorted by -updated_at", get("/api/v1/documents?limit=50&sort=-updated_at", api)},
	}
	fmt.Fprintf(w, "%-36s %9s %9s %9s  (%d requests each, page of 50; target p99 < 100 ms)\n", "page", "p50", "p99", "max", reqs)
	for _, c := range cases {
		for range 10 {
			if err := c.fn(); err != nil {
				return err
			}
		}
		ds := make([]time.Duration, reqs)
		for i := range reqs {
			start := time.Now()
			if err := c.fn(); err != nil {
				return err
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Fprintf(w, "%-36s %9s %9s %9s\n", c.name, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	return nil
}
