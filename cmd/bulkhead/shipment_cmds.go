package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// shipmentCommands are the shipment commands (part of custodyCommands).
func shipmentCommands() []command {
	return []command{
		{"shipment list", "list shipments (search, filters, sort)", cmdShipmentList},
		{"shipment create", "record a shipment: lane by UN/LOCODE, mode, carrier, equipment with expected seals", cmdShipmentCreate},
		{"shipment show", "show a shipment and its equipment (ISO 6346 check flagged)", cmdShipmentShow},
		{"shipment timeline", "print a shipment's custody timeline: every event of its equipment and EPCs, seal checks, gaps", cmdShipmentTimeline},
		{"shipment status", "move a shipment to another status: in_transit, delivered, cancelled", cmdShipmentStatus},
		{"shipment archive", "archive a shipment (kept with its history; restore to change it again)", cmdShipmentArchive(true)},
		{"shipment restore", "restore an archived shipment", cmdShipmentArchive(false)},
	}
}

// shipmentRef registers --id and --ref, which name one shipment.
type shipmentRef struct{ id, ref *string }

func (r *shipmentRef) register(fs *flagSet) {
	r.id = fs.String("id", "", "shipment ID")
	r.ref = fs.String("ref", "", "shipment reference (instead of --id)")
}

// find returns the shipment named by --id or --ref.
// open opens the store as the member u names and finds the shipment;
// done closes the store.
func (r *shipmentRef) open(ctx context.Context, u *asUser) (svc *service.Service, a service.Actor, sh *bulkhead.Shipment, done func(), err error) {
	st, a, err := u.open(ctx)
	if err != nil {
		return nil, a, nil, nil, err
	}
	svc = service.New(st, nil)
	if sh, err = r.find(ctx, svc, a); err != nil {
		st.Close()
		return nil, a, nil, nil, err
	}
	return svc, a, sh, func() { st.Close() }, nil
}

func (r *shipmentRef) find(ctx context.Context, svc *service.Service, a service.Actor) (*bulkhead.Shipment, error) {
	if *r.id != "" {
		return svc.Shipment(ctx, a, *r.id)
	}
	if *r.ref == "" {
		return nil, &usageError{"name the shipment with --id ID or --ref REFERENCE"}
	}
	list, _, err := svc.Shipments(ctx, a, bulkhead.ShipmentFilter{Query: *r.ref, Archived: bulkhead.StatusAll, Limit: bulkhead.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, sh := range list {
		if strings.EqualFold(sh.Reference, strings.TrimSpace(*r.ref)) {
			return sh, nil
		}
	}
	return nil, bulkhead.NotFound("Shipment")
}

func cmdShipmentList(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "shipment list")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the member (required)")
	var f bulkhead.ShipmentFilter
	fs.StringVar(&f.Query, "q", "", "search reference, carrier, parties, notes, equipment numbers")
	status := fs.String("status", "", "planned, in_transit, delivered or cancelled")
	mode := fs.String("mode", "", "sea, road, rail, air or multimodal")
	fs.StringVar(&f.Origin, "origin", "", "UN/LOCODE of origin")
	fs.StringVar(&f.Destination, "destination", "", "UN/LOCODE of destination")
	fs.StringVar(&f.Equipment, "equipment", "", "exact container or trailer number")
	fs.StringVar(&f.Archived, "archived", "", "active (default), archived or all")
	sort := fs.String("sort", "", "reference, status, mode, origin, destination, departure, arrival, updated_at; prefix - for descending (default -updated_at)")
	fs.IntVar(&f.Limit, "limit", 50, "rows (1–500)")
	fs.IntVar(&f.Offset, "offset", 0, "rows to skip")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	f.Status, f.Mode = bulkhead.ShipmentStatus(*status), bulkhead.ShipmentMode(*mode)
	if d, ok := strings.CutPrefix(*sort, "-"); ok {
		f.Desc, *sort = true, d
	}
	f.Sort = bulkhead.ShipmentSort(*sort)
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, total, err := service.New(st, nil).Shipments(ctx, a, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREFERENCE\tSTATUS\tMODE\tLANE\tDEPARTURE\tARRIVAL\tEQUIPMENT")
	for _, sh := range list {
		var eq []string
		for _, x := range sh.Equipment {
			n := x.Number
			if !x.CheckOK {
				n += " (CHECK DIGIT WRONG)"
			}
			eq = append(eq, n)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s→%s\t%s\t%s\t%s\n", sh.ID, sh.Reference, sh.Status, sh.Mode, sh.Origin, sh.Destination, sh.Departure, sh.Arrival, strings.Join(eq, ", "))
	}
	fmt.Fprintf(tw, "%d of %d shipments\n", len(list), total)
	return tw.Flush()
}

func cmdShipmentCreate(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "shipment create")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the member (required)")
	var in bulkhead.ShipmentInput
	fs.optional(&in.Reference, "ref", "reference, unique in the organisation (required)")
	fs.optional(&in.Origin, "origin", "UN/LOCODE of origin, e.g. NLRTM (required)")
	fs.optional(&in.Destination, "destination", "UN/LOCODE of destination, e.g. MXNLD (required)")
	fs.optional(&in.Mode, "mode", "sea, road, rail, air or multimodal (required)")
	fs.optional(&in.Carrier, "carrier", "carrier")
	fs.optional(&in.Parties, "parties", "other parties, as text")
	fs.optional(&in.Departure, "departure", "planned departure date, YYYY-MM-DD")
	fs.optional(&in.Arrival, "arrival", "planned arrival date, YYYY-MM-DD")
	fs.optional(&in.SiteID, "site", "ID of the site of origin")
	fs.optional(&in.Notes, "notes", "notes")
	fs.optional(&in.Status, "status", "initial status (default planned)")
	var equipment, epcs multiFlag
	fs.Var(&equipment, "equipment", `a container or trailer and its expected seals, e.g. "MSKU9070323 NLHS-0408113" (repeatable)`)
	fs.Var(&epcs, "epc", "another EPC of the shipment (SSCC, SGTIN …; repeatable)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	eq := bulkhead.ParseEquipmentLines(strings.Join(equipment, "\n"))
	ep := []string(epcs)
	in.Equipment, in.EPCs = &eq, &ep
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sh, err := service.New(st, nil).CreateShipment(ctx, a, in)
	if err != nil {
		return err
	}
	return printShipment(e, sh)
}

func printShipment(e *env, sh *bulkhead.Shipment) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\nreference\t%s\nstatus\t%s\nmode\t%s\nlane\t%s → %s\ncarrier\t%s\nparties\t%s\ndeparture\t%s\narrival\t%s\nsite\t%s\n",
		sh.ID, sh.Reference, sh.Status, sh.Mode, sh.Origin, sh.Destination, sh.Carrier, sh.Parties, sh.Departure, sh.Arrival, sh.SiteID)
	for _, x := range sh.Equipment {
		check := "ISO 6346 ok"
		if !x.CheckOK {
			check = "CHECK DIGIT WRONG (kept as written)"
		}
		fmt.Fprintf(tw, "equipment\t%s  %s  seals: %s\n", x.Number, check, strings.Join(x.Seals, ", "))
	}
	for _, x := range sh.EPCs {
		fmt.Fprintf(tw, "epc\t%s\n", x)
	}
	if sh.ArchivedAt != nil {
		fmt.Fprintf(tw, "archived\t%s\n", sh.ArchivedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

func cmdShipmentShow(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "shipment show")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the member (required)")
	var r shipmentRef
	r.register(fs)
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sh, err := r.find(ctx, service.New(st, nil), a)
	if err != nil {
		return err
	}
	return printShipment(e, sh)
}

func cmdShipmentStatus(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "shipment status")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the member (required)")
	var r shipmentRef
	r.register(fs)
	to := fs.String("to", "", "the new status: in_transit, delivered or cancelled (required)")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, sh, done, err := r.open(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	if sh, err = svc.SetShipmentStatus(ctx, a, sh.ID, bulkhead.ShipmentStatus(*to)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", sh.ID, sh.Reference, sh.Status)
	return nil
}

// cmdShipmentArchive archives (archive) or restores a shipment.
func cmdShipmentArchive(archive bool) func(ctx context.Context, e *env, args []string) error {
	name := "shipment restore"
	if archive {
		name = "shipment archive"
	}
	return func(ctx context.Context, e *env, args []string) error {
		fs := &flagSet{FlagSet: newFlags(e, name)}
		var u asUser
		u.register(fs.FlagSet, "as", "e-mail of the member (required)")
		var r shipmentRef
		r.register(fs)
		if err := parse(e, fs.FlagSet, args); err != nil {
			return err
		}
		svc, a, sh, done, err := r.open(ctx, &u)
		if err != nil {
			return err
		}
		defer done()
		if sh, err = svc.ArchiveShipment(ctx, a, sh.ID, archive); err != nil {
			return err
		}
		state := "active"
		if sh.ArchivedAt != nil {
			state = "archived"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", sh.ID, sh.Reference, state)
		return nil
	}
}

func cmdShipmentTimeline(ctx context.Context, e *env, args []string) error {
	fs := &flagSet{FlagSet: newFlags(e, "shipment timeline")}
	var u asUser
	u.register(fs.FlagSet, "as", "e-mail of the member (required)")
	var r shipmentRef
	r.register(fs)
	gap := fs.Int("gap-hours", 72, "flag gaps in custody longer than this")
	if err := parse(e, fs.FlagSet, args); err != nil {
		return err
	}
	svc, a, sh, done, err := r.open(ctx, &u)
	if err != nil {
		return err
	}
	defer done()
	tl, err := svc.ShipmentTimeline(ctx, a, sh.ID, time.Duration(*gap)*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s  %s → %s  %s\n", sh.Reference, sh.Origin, sh.Destination, sh.Status)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tEQUIPMENT\tSTEP\tWHERE\tHELD BY\tSEAL")
	for _, s := range tl.Steps {
		if s.Gap > 0 {
			fmt.Fprintf(tw, "GAP\t%.0f hours without a custody event\t\t\t\t\n", s.Gap.Hours())
		}
		where := s.Where
		if s.WhereSiteID != "" {
			where = "site " + s.WhereSiteID
		}
		subject := strings.Join(s.Equipment, ", ")
		if subject == "" {
			subject = strings.Join(s.EPCs, ", ")
		}
		seal := strings.TrimSpace(s.Seal + " " + s.SealState)
		if s.SealRead != "" && s.SealRead != s.Seal {
			seal += " READ AS " + s.SealRead
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Event.EventTime.Format("2006-01-02 15:04"), subject, s.BizStep, where, s.Holder, seal)
	}
	fmt.Fprintf(tw, "%d events, %d gaps\n", len(tl.Steps), tl.Gaps)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range tl.SealChecks {
		line := fmt.Sprintf("seal check %s: %s (expected %s", c.Equipment, strings.ToUpper(strings.ReplaceAll(c.Status, "_", " ")), orNone(c.Expected))
		if len(c.Seen) > 0 {
			line += "; in the events " + strings.Join(c.Seen, ", ")
		}
		fmt.Fprintln(e.stdout, line+")")
	}
	for _, d := range tl.Discrepancies {
		state := "open"
		if !d.Open {
			state = "closed"
		}
		fmt.Fprintf(e.stdout, "discrepancy %s %s (%s): %s\n", d.ID, d.Kind, state, d.Summary)
	}
	return nil
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
