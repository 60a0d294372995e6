package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// incidentCommands are the CLI commands of security incidents (issue 7).
func incidentCommands() []command {
	return []command{
		{"incident add", "record a security incident", cmdIncidentAdd},
		{"incident list", "list incidents (filters, sort, paging)", cmdIncidentList},
		{"incident show", "show an incident with its notifications and timeline", cmdIncidentShow},
		{"incident status", "move an incident through its workflow", cmdIncidentStatus},
		{"incident notify", "record that an owed notification was sent", cmdIncidentNotify},
		{"incident import", "import historical incidents from CSV (preview unless --commit or --commit-good-rows)", cmdIncidentImport},
		{"incident export", "export incidents as CSV or XLSX", cmdIncidentExport},
		{"incident rules", "list the notification rules", cmdIncidentRules},
	}
}

// incidentFields registers the editable incident fields as flags; only
// flags given are set.
func incidentFields(e *env, name string) (*flagSet, *bulkhead.IncidentInput, *string, *string) {
	fs := &flagSet{FlagSet: newFlags(e, name)}
	in := &bulkhead.IncidentInput{}
	fs.optional(&in.Type, "type", "incident type: "+joinTypes())
	fs.optional(&in.Severity, "severity", "low, medium, high or critical")
	fs.optional(&in.Title, "title", "short summary")
	fs.optional(&in.Description, "description", "what happened")
	fs.optional(&in.OccurredAt, "occurred", "when it happened (RFC 3339, or YYYY-MM-DDTHH:MM in the user's time zone)")
	fs.optional(&in.DetectedAt, "detected", "when it was detected")
	fs.optional(&in.ReportedAt, "reported", "when it was reported (default now)")
	fs.optional(&in.SiteID, "site", "site ID")
	fs.optional(&in.Lane, "lane", "lane, e.g. \"Venlo → Milan\"")
	fs.optional(&in.ShipmentRef, "shipment", "shipment reference")
	fs.optional(&in.EquipmentRef, "equipment", "container or trailer number")
	fs.optional(&in.Partner, "partner", "partner involved")
	fs.optional(&in.UNLOCODE, "unlocode", "UN/LOCODE of the place")
	fs.optional(&in.Loss, "loss", "loss value, e.g. 1250.50")
	fs.optional(&in.Currency, "currency", "ISO 4217 currency code")
	fs.optional(&in.Reporter, "reporter", "who reported it")
	fs.optional(&in.RootCause, "root-cause", "root cause")
	lat := fs.String("lat", "", "latitude, decimal degrees")
	lon := fs.String("lon", "", "longitude, decimal degrees")
	return fs, in, lat, lon
}

func joinTypes() string {
	var s []string
	for _, t := range bulkhead.IncidentTypes {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

func setPosition(in *bulkhead.IncidentInput, lat, lon string) error {
	for _, p := range []struct {
		s   string
		dst **float64
	}{{lat, &in.Latitude}, {lon, &in.Longitude}} {
		if p.s == "" {
			continue
		}
		var f float64
		if _, err := fmt.Sscan(p.s, &f); err != nil {
			return &usageError{fmt.Sprintf("%q is not a decimal coordinate", p.s)}
		}
		*p.dst = &f
	}
	return nil
}

func cmdIncidentAdd(ctx context.Context, e *env, args []string) error {
	fs, in, lat, lon := incidentFields(e, "incident add")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user recording it (required; their role applies)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	if err := setPosition(in, *lat, *lon); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	inc, err := service.New(st, nil).CreateIncident(ctx, a, *in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", inc.ID, inc.Title)
	return nil
}

func cmdIncidentList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident list")
	var u asUser
	u.register(fs, "as", "e-mail of the user listing (required; their role applies)")
	var f bulkhead.IncidentFilter
	fs.StringVar(&f.Query, "q", "", "search title, description, references, lane, partner")
	typ := fs.String("type", "", "only this type")
	sev := fs.String("severity", "", "only this severity")
	fs.StringVar(&f.Status, "status", "", "a status, or open")
	fs.StringVar(&f.SiteID, "site", "", "only this site ID")
	from := fs.String("from", "", "occurred on or after (YYYY-MM-DD or RFC 3339)")
	to := fs.String("to", "", "occurred before (YYYY-MM-DD or RFC 3339)")
	sort := fs.String("sort", "-occurred_at", "sort key (occurred_at, detected_at, severity, type, status, loss, title, updated_at); prefix - for descending")
	fs.IntVar(&f.Limit, "limit", 50, "page size (1–500)")
	fs.IntVar(&f.Offset, "offset", 0, "rows to skip")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	f.Type, f.Severity = bulkhead.IncidentType(*typ), bulkhead.Severity(*sev)
	for _, p := range []struct {
		s   string
		dst *time.Time
	}{{*from, &f.From}, {*to, &f.To}} {
		if p.s == "" {
			continue
		}
		t, ok := bulkhead.ParseTime(p.s, time.UTC)
		if !ok {
			return &usageError{fmt.Sprintf("%q is not a date", p.s)}
		}
		*p.dst = t
	}
	s := *sort
	if d, ok := strings.CutPrefix(s, "-"); ok {
		f.Desc, s = true, d
	}
	f.Sort = bulkhead.IncidentSort(s)
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, total, err := service.New(st, nil).Incidents(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOCCURRED\tTYPE\tSEVERITY\tSTATUS\tLOSS\tTITLE")
	for _, x := range list {
		loss := ""
		if x.LossCents > 0 {
			loss = x.Currency + " " + bulkhead.FormatMoney(x.LossCents)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.OccurredAt.Format("2006-01-02 15:04"), x.Type, x.Severity, x.Status, loss, x.Title)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d–%d of %d\n", min(f.Offset+1, total), f.Offset+len(list), total)
	return nil
}

func cmdIncidentShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident show")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	id := fs.String("id", "", "incident ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rec, err := service.New(st, nil).IncidentRecord(ctx, a, *id)
	if err != nil {
		return err
	}
	i := rec.Incident
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, kv := range [][2]string{{"id", i.ID}, {"title", i.Title}, {"type", string(i.Type)}, {"severity", string(i.Severity)}, {"status", string(i.Status)},
		{"occurred_at", i.OccurredAt.Format(time.RFC3339)}, {"detected_at", i.DetectedAt.Format(time.RFC3339)}, {"reported_at", i.ReportedAt.Format(time.RFC3339)},
		{"site_id", i.SiteID}, {"lane", i.Lane}, {"loss", bulkhead.FormatMoney(i.LossCents) + " " + i.Currency}, {"root_cause", i.RootCause}} {
		fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
	}
	now := time.Now()
	for _, n := range rec.Notifications {
		state := "owed"
		switch {
		case n.SentAt != nil:
			state = "sent " + n.SentAt.Format(time.RFC3339) + " by " + n.SentBy + " ref " + n.Reference
		case n.Overdue(now):
			state = "OVERDUE"
		}
		fmt.Fprintf(tw, "notification %s\t%s due %s (%s)\n", n.ID, n.Recipient, n.DueAt.Format(time.RFC3339), state)
	}
	for _, en := range rec.Timeline {
		fmt.Fprintf(tw, "timeline\t%s %s %s: %s\n", en.At.Format(time.RFC3339), en.ActorName, en.Kind, en.Body)
	}
	return tw.Flush()
}

func cmdIncidentStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident status")
	var u asUser
	u.register(fs, "as", "e-mail of the user making the change (required; their role applies)")
	id := fs.String("id", "", "incident ID (required)")
	to := fs.String("to", "", "new status: reported, triaged, investigating, contained, closed (or investigating to reopen)")
	note := fs.String("note", "", "note for the timeline")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	inc, err := service.New(st, nil).SetIncidentStatus(ctx, a, *id, bulkhead.IncidentStatus(*to), *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", inc.ID, inc.Status)
	return nil
}

func cmdIncidentNotify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident notify")
	var u asUser
	u.register(fs, "as", "e-mail of the user who sent it (required; their role applies)")
	id := fs.String("id", "", "incident ID (required)")
	recipient := fs.String("recipient", "", "recipient whose notification was sent: customs, police, insurer, customer, certification_body, other")
	ref := fs.String("reference", "", "the reference the recipient gave (e.g. police report number)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	rec, err := svc.IncidentRecord(ctx, a, *id)
	if err != nil {
		return err
	}
	for _, n := range rec.Notifications {
		if string(n.Recipient) == *recipient {
			if _, err := svc.MarkNotificationSent(ctx, a, *id, n.ID, *ref, time.Time{}); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\tsent\n", n.Recipient)
			return nil
		}
	}
	return bulkhead.Errorf(bulkhead.ENOTFOUND, "No notification to %q is owed for this incident.", *recipient)
}

func cmdIncidentImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident import")
	var u asUser
	u.register(fs, "as", "e-mail of the user importing (required; their role applies)")
	file := fs.String("file", "", "CSV file (required; - for stdin)")
	format := fs.String("format", "", "bulkhead or asam (default: detected from the header)")
	commit := fs.Bool("commit", false, "store the rows if every row is good")
	good := fs.Bool("commit-good-rows", false, "store the good rows and skip the bad ones")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *file == "" {
		return &usageError{"--file is required"}
	}
	var r io.Reader = e.stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	mode := service.IncidentImportPreview
	switch {
	case *good:
		mode = service.IncidentImportCommitGoodRows
	case *commit:
		mode = service.IncidentImportCommit
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	rep, err := service.New(st, nil).ImportIncidents(ctx, a, r, *format, mode)
	if err != nil {
		return err
	}
	took := time.Since(start)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "row %d\t%s\t%s\t%s\n", p.Row, p.Field, p.Code, p.Value)
	}
	fmt.Fprintf(e.stdout, "%s: %d rows, %d good, %d rejected, %d imported in %s\n", rep.Format, rep.Rows, rep.Good, rep.Rejected, rep.Imported, took.Round(time.Millisecond))
	if mode != service.IncidentImportPreview && !rep.Committed && rep.Rejected > 0 {
		return bulkhead.Errorf(bulkhead.EINVALID, "Nothing was imported: %d rows are bad. Fix them, or pass --commit-good-rows to import the %d good rows.", rep.Rejected, rep.Good)
	}
	return nil
}

func cmdIncidentExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident export")
	var u asUser
	u.register(fs, "as", "e-mail of the user exporting (required; their role applies)")
	format := fs.String("format", "csv", "csv or xlsx")
	out := fs.String("out", "-", "file to write (- for stdout)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	w := e.stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return service.New(st, nil).ExportIncidents(ctx, a, bulkhead.IncidentFilter{}, *format, w)
}

func cmdIncidentRules(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "incident rules")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rules, isDefault, err := service.New(st, nil).IncidentRules(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tMIN SEVERITY\tRECIPIENT\tHOURS\tNOTE")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", orAny(string(r.Type)), orAny(string(r.MinSeverity)), r.Recipient, r.Hours, r.Note)
	}
	tw.Flush()
	if isDefault {
		fmt.Fprintln(e.stderr, "(the default rules)")
	}
	return nil
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}
