package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// custodyCommands are the CLI commands of chain of custody and cargo security (issue 6).
func custodyCommands() []command {
	return append([]command{
		{"epcis hash", "print the CBV 2.0 event hash ID of each event in an EPCIS document", cmdEPCISHash},
		{"epcis capture", "capture an EPCIS 2.0 JSON/JSON-LD document into the repository (FILE, - for standard input)", cmdEPCISCapture},
		{"epcis dcsa", "import DCSA Track & Trace equipment events (JSON) as EPCIS events", cmdEPCISDCSA},
		{"epcis events", "query stored EPCIS events (simple event query parameters) and print an EPCISQueryDocument", cmdEPCISEvents},
		{"epcis timeline", "print the custody timeline of one EPC (container, item or seal), gaps flagged", cmdEPCISTimeline},
		{"seal list", "list seals", cmdSealList},
		{"seal issue", "add a seal to a site's stock", cmdSealIssue},
		{"seal record", "record what happened to a seal: affix, verify, remove, break, destroy", cmdSealRecord},
		{"inspection list", "list inspections", cmdInspectionList},
		{"inspection record", "record an inspection: every point passes unless named with --fail or --na", cmdInspectionRecord},
		{"inspection template list", "list inspection checklists: the built-in ones and the organisation's own", cmdChecklistList},
		{"inspection template show", "show a checklist's points and versions (--template KEY_OR_ID)", cmdChecklistShow},
		{"inspection template create", "create an own checklist from a JSON file (--file: points, or {key,name,kind,points})", cmdChecklistCreate},
		{"inspection template version", "edit an own checklist by adding a version from a JSON file (--template, --file)", cmdChecklistVersion},
		{"inspection template archive", "archive an own checklist (--template)", cmdChecklistArchive},
		{"discrepancy list", "list chain-of-custody discrepancies (open ones unless --all)", cmdDiscrepancyList},
	}, shipmentCommands()...)
}

// custodyBenches are the benchmarks of this area, by name (bulkhead bench NAME).
func custodyBenches() map[string]benchFunc {
	return map[string]benchFunc{
		"epcis-capture": benchEPCISCapture,
		"epcis-query":   benchEPCISQuery,
		"shipments":     benchShipments,
	}
}

// readInput reads FILE, or standard input for "-".
func readInput(e *env, file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(io.LimitReader(e.stdin, service.CaptureMaxBytes+1))
	}
	return os.ReadFile(file)
}

// printCapture reports a capture job; a job that stored nothing is an
// error (non-zero exit), after its problems are listed.
func printCapture(e *env, job *bulkhead.CaptureJob) error {
	fmt.Fprintf(e.stdout, "capture %s: %s, %d of %d events stored\n", job.ID, job.Status, job.Stored, job.Events)
	for _, p := range job.Problems {
		where := "document"
		if p.Event >= 0 {
			where = fmt.Sprintf("event %d", p.Event)
		}
		if p.EventID != "" {
			where += fmt.Sprintf(" (%s)", p.EventID)
		}
		fmt.Fprintf(e.stderr, "%s %s: %s [%s]\n", where, p.Field, p.Message, p.Rule)
	}
	if job.Status == bulkhead.CaptureFailed {
		return bulkhead.Errorf(bulkhead.EINVALID, "The document has %d problem(s); nothing was stored.", len(job.Problems))
	}
	return nil
}

func cmdEPCISCapture(ctx context.Context, e *env, args []string) error {
	return epcisImport(ctx, e, args, "epcis capture", func(svc *service.Service, a service.Actor, data []byte, proceed bool) (*bulkhead.CaptureJob, error) {
		return svc.CaptureEPCIS(ctx, a, data, proceed)
	})
}

func cmdEPCISDCSA(ctx context.Context, e *env, args []string) error {
	return epcisImport(ctx, e, args, "epcis dcsa", func(svc *service.Service, a service.Actor, data []byte, proceed bool) (*bulkhead.CaptureJob, error) {
		return svc.CaptureDCSA(ctx, a, data, proceed)
	})
}

func epcisImport(ctx context.Context, e *env, args []string, name string, capture func(*service.Service, service.Actor, []byte, bool) (*bulkhead.CaptureJob, error)) error {
	fs := newFlags(e, name)
	var u asUser
	u.register(fs, "as", "e-mail of the member capturing (required)")
	proceed := fs.Bool("proceed", false, "store the valid events when some have problems (default: store nothing)")
	if err := parse(e, fs, flagsFirst(args)); err != nil {
		return err
	}
	files := positional(args)
	if len(files) != 1 {
		return &usageError{"give one FILE (- for standard input): bulkhead " + name + " FILE --org SLUG --as EMAIL"}
	}
	data, err := readInput(e, files[0])
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	job, err := capture(service.New(st, nil), a, data, *proceed)
	if err != nil {
		return err
	}
	return printCapture(e, job)
}

// flagsFirst and positional split arguments into flags (with their values)
// and the rest, so that FILE may come before or after the flags.
func flagsFirst(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if a := args[i]; strings.HasPrefix(a, "-") && a != "-" {
			out = append(out, a)
			if !strings.Contains(a, "=") && a != "--proceed" && a != "-proceed" && i+1 < len(args) {
				out = append(out, args[i+1])
				i++
			}
		}
	}
	return out
}

func positional(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && a != "-" {
			if !strings.Contains(a, "=") && a != "--proceed" && a != "-proceed" {
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

func cmdEPCISEvents(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "epcis events")
	var u asUser
	u.register(fs, "as", "e-mail of the member querying (required)")
	q := fs.String("query", "", "query parameters as in the API, e.g. \"MATCH_anyEPC=urn:epc:id:bic:CSQU3054383&orderBy=eventTime\"")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	v, err := url.ParseQuery(*q)
	if err != nil {
		return &usageError{"--query: " + err.Error()}
	}
	f, err := service.ParseEventQuery(v)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	page, err := service.New(st, nil).EPCISEvents(ctx, a, f)
	if err != nil {
		return err
	}
	doc, err := service.EPCISQueryDocument(page.Events, bulkhead.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, string(doc))
	if page.Next != "" {
		fmt.Fprintf(e.stderr, "more events: add nextPageToken=%s\n", page.Next)
	}
	return nil
}

func cmdSealList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "seal list")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	status := fs.String("status", "", "only seals in this state: issued, affixed, verified, removed, broken, destroyed")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	seals, err := service.New(st, nil).Seals(ctx, a, bulkhead.SealFilter{Status: bulkhead.SealStatus(*status)})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNUMBER\tCLASS\tSTATUS\tEQUIPMENT\tCHECK")
	for _, s := range seals {
		check := "ok"
		if !s.EquipmentCheckOK {
			check = "CHECK DIGIT WRONG"
		}
		if s.Equipment == "" {
			check = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Number, s.Class, s.Status, s.Equipment, check)
	}
	return tw.Flush()
}

func cmdSealIssue(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "seal issue")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	site := fs.String("site", "", "ID of the site whose stock holds the seal (required)")
	number := fs.String("number", "", "seal number (required)")
	class := fs.String("class", "H", "ISO 17712 class: H, S or I")
	typ := fs.String("type", "BLT", "DCSA seal type: BLT, WIR or KLP")
	source := fs.String("source", "SHI", "who affixes it (DCSA code): CAR, SHI, CUS, PHY or VET")
	maker := fs.String("manufacturer", "", "manufacturer")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	seal, err := service.New(st, nil).IssueSeal(ctx, a, bulkhead.SealInput{SiteID: site, Number: number, Class: class, Type: typ, Source: source, Manufacturer: maker})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", seal.ID, seal.Number, seal.Status)
	return nil
}

func cmdSealRecord(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "seal record")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	var in bulkhead.SealEventInput
	number := fs.String("number", "", "the seal's number (required)")
	fs.StringVar(&in.Action, "action", "", "affix, verify, remove, break or destroy (required)")
	fs.StringVar(&in.Equipment, "equipment", "", "container number (ISO 6346), to affix")
	fs.StringVar(&in.Method, "method", "", "how it was verified: view, verify, tug or twist")
	fs.StringVar(&in.ObservedNumber, "read", "", "the number read on the seal when verifying")
	fs.BoolVar(&in.Authorized, "authorized", false, "the removal was authorised")
	fs.StringVar(&in.SiteID, "site", "", "site ID where it happened (default: the seal's stock site)")
	fs.StringVar(&in.Note, "note", "", "note")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	seals, err := svc.Seals(ctx, a, bulkhead.SealFilter{Number: strings.ToUpper(strings.TrimSpace(*number))})
	if err != nil {
		return err
	}
	if len(seals) != 1 {
		return bulkhead.Errorf(bulkhead.ENOTFOUND, "No seal numbered %q.", *number)
	}
	tr, err := svc.RecordSealEvent(ctx, a, seals[0].ID, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\tEPCIS %s\n", tr.Seal.Number, tr.Event.Action, tr.Seal.Status, tr.Event.EPCISEventID)
	for _, d := range tr.Discrepancies {
		fmt.Fprintf(e.stdout, "discrepancy %s opened: %s\n", d.ID, d.Summary)
	}
	return nil
}

func cmdDiscrepancyList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "discrepancy list")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	all := fs.Bool("all", false, "closed ones too")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ds, err := service.New(st, nil).Discrepancies(ctx, a, bulkhead.DiscrepancyFilter{OpenOnly: !*all})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tOPEN\tOPENED\tSUMMARY")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", d.ID, d.Kind, d.Open, d.CreatedAt.Format("2006-01-02 15:04"), d.Summary)
	}
	return tw.Flush()
}

func cmdEPCISTimeline(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "epcis timeline")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	epc := fs.String("epc", "", "the EPC, e.g. urn:epc:id:bic:CSQU3054383 (required)")
	gap := fs.Int("gap-hours", 72, "flag gaps in custody longer than this")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	tl, err := service.New(st, nil).CustodyTimeline(ctx, a, *epc, time.Duration(*gap)*time.Hour)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tSTEP\tWHERE\tHELD BY\tSEAL")
	for _, s := range tl.Steps {
		if s.Gap > 0 {
			fmt.Fprintf(tw, "GAP\t%.0f hours without a custody event\t\t\t\n", s.Gap.Hours())
		}
		where := s.Where
		if s.WhereSiteID != "" {
			where = "site " + s.WhereSiteID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\n", s.Event.EventTime.Format("2006-01-02 15:04"), s.BizStep, where, s.Holder, s.Seal, s.SealState)
	}
	fmt.Fprintf(tw, "%d events, %d gaps\n", len(tl.Steps), tl.Gaps)
	return tw.Flush()
}

func cmdInspectionList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection list")
	var u asUser
	u.register(fs, "as", "e-mail of the member (required)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := service.New(st, nil).Inspections(ctx, a, bulkhead.InspectionFilter{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT (UTC)\tCHECKLIST\tEQUIPMENT\tFAILED\tINSPECTOR")
	for _, in := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", in.ID, in.At.Format("2006-01-02 15:04"), in.Template, in.Equipment, in.Failed, in.Inspector)
	}
	return tw.Flush()
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdInspectionRecord(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inspection record")
	var u asUser
	u.register(fs, "as", "e-mail of the inspector (required)")
	var in bulkhead.InspectionInput
	fs.StringVar(&in.Template, "template", "container7", "checklist: container7, truck17, or the key or version ID of an own checklist")
	fs.StringVar(&in.SiteID, "site", "", "site ID (required)")
	fs.StringVar(&in.Equipment, "equipment", "", "container or trailer number")
	var fails, nas multiFlag
	fs.Var(&fails, "fail", "a failed point and what was found, as POINT=NOTE (repeatable)")
	fs.Var(&nas, "na", "a point that does not apply (repeatable)")
	var photos multiFlag
	fs.Var(&photos, "photo", "a photo of a point, as POINT=FILE (JPEG, PNG or WebP; repeatable)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	var err error
	if in.Photos, err = readPhotoFlags(photos); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	tpl, _, err := svc.InspectionTemplate(ctx, a, in.Template)
	if err != nil {
		return err
	}
	res := map[string]bulkhead.PointResult{}
	for _, p := range tpl.Points {
		res[p.Key] = bulkhead.PointResult{Point: p.Key, Result: bulkhead.PointPass}
	}
	for _, f := range fails {
		p, note, _ := strings.Cut(f, "=")
		res[p] = bulkhead.PointResult{Point: p, Result: bulkhead.PointFail, Note: note}
	}
	for _, p := range nas {
		res[p] = bulkhead.PointResult{Point: p, Result: bulkhead.PointNA}
	}
	for _, r := range res {
		in.Results = append(in.Results, r)
	}
	insp, disc, err := svc.RecordInspection(ctx, a, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%d failed\tEPCIS %s\n", insp.ID, insp.Template, insp.Failed, insp.EPCISEventID)
	if disc != nil {
		fmt.Fprintf(e.stdout, "discrepancy %s opened: %s\n", disc.ID, disc.Summary)
	}
	return nil
}
