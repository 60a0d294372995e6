package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate")
	var sf storeFlags
	sf.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	type applied interface {
		AppliedMigrations(context.Context) ([]string, error)
	}
	names, err := st.(applied).AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		fmt.Fprintf(e.stdout, "applied %s\n", n)
	}
	fmt.Fprintf(e.stdout, "database is at migration %d of %d\n", len(names), len(sqlite.Migrations()))
	return nil
}

func cmdOrgAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "org add")
	var sf storeFlags
	sf.register(fs)
	name := fs.String("name", "", "organisation name (required)")
	slug := fs.String("slug", "", "short handle: lower-case letters, digits and dashes (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	org, err := service.New(st, nil).CreateOrganization(ctx, service.SystemActor("", "cli"), *name, *slug)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", org.ID, org.Slug, org.Name)
	return nil
}

func cmdOrgList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "org list")
	var sf storeFlags
	sf.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	orgs, err := st.Organizations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSLUG\tNAME")
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", o.ID, o.Slug, o.Name)
	}
	return tw.Flush()
}

// readPassword reads one line from stdin.
func readPassword(e *env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", &usageError{"give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | bulkhead …"}
	}
	return pw, nil
}

func cmdUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user add")
	var u asUser
	u.register(fs, "email", "e-mail address, the login (required)")
	name := fs.String("name", "", "full name (required for a new user)")
	role := fs.String("role", "", "role: "+rolesList()+" (required)")
	lang := fs.String("lang", "en", "language: en or es")
	tz := fs.String("tz", "UTC", "IANA time zone, e.g. Europe/Amsterdam")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := u.storeFlags.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := orgBySlug(ctx, st, u.org)
	if err != nil {
		return err
	}
	var pw string
	if _, err := st.UserByEmail(ctx, bulkhead.NormalizeEmail(u.email)); err != nil {
		if pw, err = readPassword(e); err != nil {
			return err
		}
	}
	user, err := service.New(st, nil).AddMember(ctx, service.SystemActor(o.ID, "cli"), service.NewUser{Email: u.email, Name: *name, Password: pw, Role: bulkhead.Role(*role), Lang: *lang, TimeZone: *tz})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", user.ID, user.Email, *role)
	return nil
}

func rolesList() string {
	var rs []string
	for _, r := range bulkhead.Roles {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}

func cmdUserPasswd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user passwd")
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the user's e-mail (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, bulkhead.NormalizeEmail(*email))
	if err != nil {
		return bulkhead.Errorf(bulkhead.ENOTFOUND, "No user with e-mail %q.", *email)
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := service.New(st, nil).SetPassword(ctx, service.SystemActor("", "cli"), u.ID, "", pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password changed for %s; their sessions were ended\n", u.Email)
	return nil
}

func cmdUserRole(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user role")
	var u asUser
	u.register(fs, "email", "the member's e-mail (required)")
	role := fs.String("role", "", "new role: "+rolesList()+" (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := u.storeFlags.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := orgBySlug(ctx, st, u.org)
	if err != nil {
		return err
	}
	user, err := st.UserByEmail(ctx, bulkhead.NormalizeEmail(u.email))
	if err != nil {
		return bulkhead.Errorf(bulkhead.ENOTFOUND, "No user with e-mail %q.", u.email)
	}
	m, err := service.New(st, nil).SetMemberRole(ctx, service.SystemActor(o.ID, "cli"), user.ID, bulkhead.Role(*role))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", m.UserID, m.Email, m.Role)
	return nil
}

func cmdTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token create")
	var u asUser
	u.register(fs, "email", "the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"ERP sync\" (required)")
	days := fs.Int("expires-days", 0, "expire after this many days (0: never)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *days < 0 {
		return &usageError{"--expires-days must not be negative"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	raw, t, err := service.New(st, nil).CreateAPIToken(ctx, a, *name, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, raw)
	fmt.Fprintf(e.stderr, "Created API token %s (%s) for %s in %s. It is shown only once: store it now.\n", t.ID, t.Name, a.Name, u.org)
	return nil
}

func cmdTokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token list")
	var u asUser
	u.register(fs, "email", "the token owner's e-mail (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ts, err := service.New(st, nil).APITokens(ctx, a)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tLAST USED\tSTATUS")
	for _, t := range ts {
		status := "active"
		if !t.Active(bulkhead.Now()) {
			status = "revoked or expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.CreatedAt.Format(time.RFC3339), fmtTime(t.LastUsedAt), status)
	}
	return tw.Flush()
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func cmdTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token revoke")
	var sf storeFlags
	sf.register(fs)
	org := fs.String("org", "", "organisation `slug` (required)")
	id := fs.String("id", "", "token ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := orgBySlug(ctx, st, *org)
	if err != nil {
		return err
	}
	if err := service.New(st, nil).RevokeAPIToken(ctx, service.SystemActor(o.ID, "cli"), *id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked %s\n", *id)
	return nil
}

// siteFields registers the editable site fields as flags; only flags given
// are set in the input.
func siteFields(e *env, name string) (*flagSet, *bulkhead.SiteInput) {
	fs := &flagSet{FlagSet: newFlags(e, name)}
	in := &bulkhead.SiteInput{}
	fs.optional(&in.Name, "name", "site name")
	fs.optional(&in.Type, "type", "site type: warehouse, distribution_centre, port_facility, terminal, cross_dock, plant, office, yard")
	fs.optional(&in.UNLOCODE, "unlocode", "UN/LOCODE, e.g. NLRTM")
	fs.optional(&in.Address, "address", "postal address")
	fs.optional(&in.Country, "country", "ISO 3166-1 alpha-2 country code, e.g. NL")
	fs.optional(&in.TimeZone, "tz", "IANA time zone, e.g. Europe/Amsterdam (default UTC)")
	fs.optional(&in.Notes, "notes", "notes")
	return fs, in
}

func cmdSiteAdd(ctx context.Context, e *env, args []string) error {
	fs, in := siteFields(e, "site add")
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
	s, err := service.New(st, nil).CreateSite(ctx, a, *in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\n", s.ID, s.Name)
	return nil
}

func cmdSiteEdit(ctx context.Context, e *env, args []string) error {
	fs, in := siteFields(e, "site edit")
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the user making the change (required; their role applies)")
	id := fs.String("id", "", "site ID (required)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := service.New(st, nil).UpdateSite(ctx, a, *id, *in)
	if err != nil {
		return err
	}
	return printSite(e, s)
}

func cmdSiteShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "site show")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	id := fs.String("id", "", "site ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := service.New(st, nil).Site(ctx, a, *id)
	if err != nil {
		return err
	}
	return printSite(e, s)
}

// printSite prints a site as "field<TAB>value" lines.
func printSite(e *env, s *bulkhead.Site) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, kv := range [][2]string{
		{"id", s.ID}, {"name", s.Name}, {"type", string(s.Type)}, {"unlocode", s.UNLOCODE}, {"address", s.Address},
		{"country", s.Country}, {"time_zone", s.TimeZone}, {"notes", s.Notes},
		{"created_at", s.CreatedAt.Format(time.RFC3339)}, {"updated_at", s.UpdatedAt.Format(time.RFC3339)}, {"archived_at", fmtTime(s.ArchivedAt)},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}

func cmdAuditList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audit list")
	var u asUser
	u.register(fs, "as", "e-mail of the user reading (required; their role applies)")
	var f bulkhead.AuditFilter
	fs.StringVar(&f.ObjectType, "object-type", "", "only entries about this kind of object, e.g. site")
	fs.StringVar(&f.ObjectID, "object-id", "", "only entries about this object")
	fs.StringVar(&f.Action, "action", "", "only this action, e.g. site.update")
	fs.Int64Var(&f.BeforeSeq, "before", 0, "only entries before this sequence number (paging)")
	fs.IntVar(&f.Limit, "limit", 50, "entries to show (1–500)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	entries, total, err := service.New(st, nil).AuditEntries(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tACTOR\tACTION\tOBJECT\tCHANGE")
	for _, x := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s %s\t%s\n", x.Seq, x.At.Format(time.RFC3339), x.ActorName, x.Action, x.ObjectType, x.ObjectID, x.Change)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d of %d entries\n", len(entries), total)
	return nil
}

func cmdSiteArchive(ctx context.Context, e *env, args []string) error {
	return siteArchive(ctx, e, args, true)
}

func cmdSiteRestore(ctx context.Context, e *env, args []string) error {
	return siteArchive(ctx, e, args, false)
}

func siteArchive(ctx context.Context, e *env, args []string, archive bool) error {
	name := "site restore"
	if archive {
		name = "site archive"
	}
	fs := newFlags(e, name)
	var u asUser
	u.register(fs, "as", "e-mail of the user making the change (required)")
	id := fs.String("id", "", "site ID (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := service.New(st, nil).ArchiveSite(ctx, a, *id, archive)
	if err != nil {
		return err
	}
	state := "active"
	if s.ArchivedAt != nil {
		state = "archived"
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", s.ID, s.Name, state)
	return nil
}

func cmdSiteList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "site list")
	var u asUser
	u.register(fs, "as", "e-mail of the user listing (required; their role applies)")
	var f bulkhead.SiteFilter
	fs.StringVar(&f.Query, "q", "", "search name, UN/LOCODE, address and notes")
	typ := fs.String("type", "", "only this site type")
	fs.StringVar(&f.Country, "country", "", "only this country")
	fs.StringVar(&f.Status, "status", "active", "active, archived or all")
	sort := fs.String("sort", "name", "sort key (name, type, country, unlocode, created_at, updated_at); prefix - for descending")
	fs.IntVar(&f.Limit, "limit", 50, "page size (1–500)")
	fs.IntVar(&f.Offset, "offset", 0, "rows to skip")
	format := fs.String("format", "table", "output: table, csv or json")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	f.Type = bulkhead.SiteType(*typ)
	s := *sort
	if d, ok := strings.CutPrefix(s, "-"); ok {
		f.Desc, s = true, d
	}
	f.Sort = bulkhead.SiteSort(s)
	if *format != "table" && *format != "csv" && *format != "json" {
		return &usageError{"--format must be table, csv or json"}
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sites, total, err := service.New(st, nil).Sites(ctx, a, f)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": sites, "total": total})
	case "csv":
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"id", "name", "type", "unlocode", "country", "time_zone", "address", "archived"})
		for _, x := range sites {
			w.Write([]string{x.ID, x.Name, string(x.Type), x.UNLOCODE, x.Country, x.TimeZone, x.Address, fmt.Sprint(x.ArchivedAt != nil)})
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTYPE\tUN/LOCODE\tCOUNTRY")
	for _, x := range sites {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.Name, x.Type, x.UNLOCODE, x.Country)
	}
	tw.Flush()
	fmt.Fprintf(e.stderr, "%d–%d of %d\n", min(f.Offset+1, total), f.Offset+len(sites), total)
	return nil
}

func cmdVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "verify")
	var sf storeFlags
	sf.register(fs)
	org := fs.String("org", "", "only this organisation `slug` (default: all)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var orgs []*bulkhead.Organization
	if *org != "" {
		o, err := orgBySlug(ctx, st, *org)
		if err != nil {
			return err
		}
		orgs = []*bulkhead.Organization{o}
	} else if orgs, err = st.Organizations(ctx); err != nil {
		return err
	}
	var broken []string
	for _, o := range orgs {
		start := time.Now()
		res, err := service.VerifyOrg(ctx, st, o.ID)
		if err != nil {
			return err
		}
		if res.Intact {
			fmt.Fprintf(e.stdout, "intact  %s: %d entries verified in %s, head %s\n", o.Slug, res.Entries, time.Since(start).Round(time.Millisecond), res.Head)
			continue
		}
		b := res.Break
		fmt.Fprintf(e.stdout, "BROKEN  %s: first bad entry #%d %s: %s\n", o.Slug, b.Seq, b.EntryID, b.Reason)
		broken = append(broken, fmt.Sprintf("%s at entry #%d", o.Slug, b.Seq))
	}
	if len(broken) > 0 {
		return &tamperedError{"audit trail broken: " + strings.Join(broken, "; ")}
	}
	return nil
}
