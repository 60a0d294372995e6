package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// Shipment actions.
const (
	ActShipmentRead   Action = "shipment.read"
	ActShipmentManage Action = "shipment.manage"
)

// shipmentAudit is the audited view of a shipment's fields.
func shipmentAudit(s *bulkhead.Shipment) map[string]any {
	return map[string]any{
		"reference": s.Reference, "origin": s.Origin, "destination": s.Destination, "mode": string(s.Mode), "carrier": s.Carrier,
		"parties": s.Parties, "departure": s.Departure, "arrival": s.Arrival, "site_id": s.SiteID, "notes": s.Notes,
		"equipment": strings.TrimSpace(bulkhead.EquipmentLines(s.Equipment)), "epcs": strings.Join(s.EPCs, " "),
	}
}

// validEPC reports whether s looks like an identifier the repository can
// match: an EPC or other URN, or a GS1 Digital Link URI.
func validEPC(s string) bool {
	if len(s) > 300 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	return strings.HasPrefix(s, "urn:") && strings.Count(s, ":") >= 2 || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// checkShipment validates a shipment and normalises its EPCs; the site of
// origin, when given, must be a site of the organisation (checked in tx).
func (s *Service) checkShipment(ctx context.Context, tx bulkhead.Tx, a Actor, sh *bulkhead.Shipment) error {
	err := sh.Validate()
	fields := bulkhead.ErrorFields(err)
	if err != nil && fields == nil {
		return err
	}
	if fields == nil {
		fields = map[string]string{}
	}
	seen := map[string]bool{}
	for i, e := range sh.EPCs {
		if !validEPC(e) {
			fields["epcs"] = bulkhead.FieldInvalid
			continue
		}
		sh.EPCs[i] = epcis.NormaliseEPC(e)
		if seen[sh.EPCs[i]] {
			fields["epcs"] = bulkhead.FieldDuplicate
		}
		seen[sh.EPCs[i]] = true
	}
	if sh.SiteID != "" && fields["site_id"] == "" {
		site, err := tx.Site(ctx, a.OrgID, sh.SiteID)
		switch {
		case bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND:
			fields["site_id"] = bulkhead.FieldUnknownSite
		case err != nil:
			return err
		case site.ArchivedAt != nil:
			fields["site_id"] = bulkhead.FieldUnknownSite
		}
	}
	if len(fields) > 0 {
		return bulkhead.Invalid(fields)
	}
	return nil
}

// CreateShipment records a new shipment, planned unless the input says
// otherwise (a shipment may also be recorded already in transit or
// delivered, as a planned one could have become). Equipment numbers
// failing ISO 6346 are kept and flagged. EFORBIDDEN, EINVALID, ECONFLICT
// (reference already used).
func (s *Service) CreateShipment(ctx context.Context, a Actor, in bulkhead.ShipmentInput) (*bulkhead.Shipment, error) {
	if err := authorize(a, ActShipmentManage); err != nil {
		return nil, err
	}
	now := s.now()
	sh := &bulkhead.Shipment{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.ShipmentPlanned, Equipment: []bulkhead.ShipmentEquipment{},
		EPCs: []string{}, CreatedAt: now, UpdatedAt: now}
	in.Apply(sh)
	if in.Status != nil && strings.TrimSpace(*in.Status) != "" {
		sh.Status = bulkhead.ShipmentStatus(strings.TrimSpace(*in.Status))
	}
	if in.Archived != nil && *in.Archived {
		sh.ArchivedAt = &now
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := s.checkShipment(ctx, tx, a, sh); err != nil {
			return err
		}
		if err := tx.CreateShipment(ctx, sh); err != nil {
			return err
		}
		after := shipmentAudit(sh)
		after["status"] = string(sh.Status)
		return s.record(ctx, tx, a, "shipment.create", "shipment", sh.ID, map[string]any{"after": after})
	})
	if err != nil {
		return nil, err
	}
	return sh, nil
}

// Shipment returns a shipment of the actor's organisation. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) Shipment(ctx context.Context, a Actor, id string) (*bulkhead.Shipment, error) {
	if err := authorize(a, ActShipmentRead); err != nil {
		return nil, err
	}
	return s.store.Shipment(ctx, a.OrgID, id)
}

// Shipments lists the organisation's shipments: a page and how many match.
// EFORBIDDEN, EINVALID.
func (s *Service) Shipments(ctx context.Context, a Actor, f bulkhead.ShipmentFilter) ([]*bulkhead.Shipment, int, error) {
	if err := authorize(a, ActShipmentRead); err != nil {
		return nil, 0, err
	}
	f.OrgID = a.OrgID
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.Shipments(ctx, f)
}

// EachShipment calls fn for every shipment matching the filter, in its
// order (Limit and Offset are ignored), for exports. EFORBIDDEN, EINVALID.
func (s *Service) EachShipment(ctx context.Context, a Actor, f bulkhead.ShipmentFilter, fn func(*bulkhead.Shipment) error) error {
	if err := authorize(a, ActShipmentRead); err != nil {
		return err
	}
	f.OrgID, f.Limit, f.Offset = a.OrgID, bulkhead.MaxPageSize, 0
	if err := f.Normalize(); err != nil {
		return err
	}
	for {
		page, total, err := s.store.Shipments(ctx, f)
		if err != nil {
			return err
		}
		for _, sh := range page {
			if err := fn(sh); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// UpdateShipment changes the given fields of a shipment, its status (along
// the allowed transitions: planned → in transit → delivered, planned or in
// transit → cancelled) and whether it is archived, in one transaction with
// one audit entry. An update that changes nothing writes nothing. An
// archived shipment must be restored (archived: false) before other
// changes. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateShipment(ctx context.Context, a Actor, id string, in bulkhead.ShipmentInput) (*bulkhead.Shipment, error) {
	if err := authorize(a, ActShipmentManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Shipment
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		sh, err := tx.Shipment(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		out = sh
		before := shipmentAudit(sh)
		beforeStatus, wasArchived := sh.Status, sh.ArchivedAt != nil
		now := s.now()
		if in.Archived != nil && !*in.Archived && wasArchived {
			sh.ArchivedAt = nil
		}
		in.Apply(sh)
		if in.Status != nil {
			next := bulkhead.ShipmentStatus(strings.TrimSpace(*in.Status))
			if next != sh.Status {
				if !slices.Contains(bulkhead.ShipmentStatuses, next) {
					return bulkhead.Invalid(map[string]string{"status": bulkhead.FieldChoice})
				}
				if !sh.Status.CanMoveTo(next) {
					return &bulkhead.Error{Code: bulkhead.EINVALID, Message: fmt.Sprintf("A shipment that is %s cannot become %s.", sh.Status, next),
						Fields: map[string]string{"status": bulkhead.FieldTransition}}
				}
				sh.Status = next
			}
		}
		if in.Archived != nil && *in.Archived && !wasArchived {
			sh.ArchivedAt = &now
		}
		if err := s.checkShipment(ctx, tx, a, sh); err != nil {
			return err
		}
		changes := diff(before, shipmentAudit(sh))
		if wasArchived && sh.ArchivedAt != nil && (len(changes) > 0 || sh.Status != beforeStatus) {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The shipment is archived; restore it before editing.")
		}
		change := map[string]any{}
		if len(changes) > 0 {
			change["changes"] = changes
		}
		if sh.Status != beforeStatus {
			change["status"] = fieldChange{From: string(beforeStatus), To: string(sh.Status)}
		}
		if (sh.ArchivedAt != nil) != wasArchived {
			change["archived"] = sh.ArchivedAt != nil
		}
		if len(change) == 0 {
			return nil
		}
		sh.UpdatedAt = now
		if err := tx.UpdateShipment(ctx, sh); err != nil {
			return err
		}
		action := "shipment.update"
		switch {
		case len(changes) == 0 && sh.Status != beforeStatus && (sh.ArchivedAt != nil) == wasArchived:
			action = "shipment.status"
		case len(changes) == 0 && sh.Status == beforeStatus && sh.ArchivedAt != nil:
			action = "shipment.archive"
		case len(changes) == 0 && sh.Status == beforeStatus:
			action = "shipment.restore"
		}
		return s.record(ctx, tx, a, action, "shipment", sh.ID, change)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetShipmentStatus moves a shipment to another status along the allowed
// transitions. EFORBIDDEN, ENOTFOUND, EINVALID (status: transition).
func (s *Service) SetShipmentStatus(ctx context.Context, a Actor, id string, status bulkhead.ShipmentStatus) (*bulkhead.Shipment, error) {
	st := string(status)
	return s.UpdateShipment(ctx, a, id, bulkhead.ShipmentInput{Status: &st})
}

// ArchiveShipment archives (archive=true) or restores a shipment.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveShipment(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Shipment, error) {
	return s.UpdateShipment(ctx, a, id, bulkhead.ShipmentInput{Archived: &archive})
}

// ShipmentStep is one event of a shipment's custody timeline: the step as
// the timeline of its identifier shows it (seal carried forward and gap
// measured per identifier), and which of the shipment's identifiers it
// concerns.
type ShipmentStep struct {
	TimelineStep
	EPCs      []string // the shipment's identifiers the event names
	Equipment []string // their equipment numbers, for containers
}

// SealCheck compares the seals expected on one piece of equipment with
// those its events name.
type SealCheck struct {
	Equipment  string
	CheckOK    bool     // ISO 6346 number with a right check digit
	Expected   []string // seal numbers expected on it
	Seen       []string // seal numbers its events name (affixed or read), in order of first appearance
	Unexpected []string // numbers seen that were not expected
	Last       string   // the seal known at its last event
	LastState  string
	// Status: "ok" (every number seen was expected), "mismatch", "not_seen"
	// (no seal in its events yet) or "none_expected" (no seal listed).
	Status string
}

// Seal check outcomes.
const (
	SealCheckOK           = "ok"
	SealCheckMismatch     = "mismatch"
	SealCheckNotSeen      = "not_seen"
	SealCheckNoneExpected = "none_expected"
)

// ShipmentTimeline is the merged custody history of a shipment.
type ShipmentTimeline struct {
	Shipment      *bulkhead.Shipment
	Steps         []ShipmentStep
	Gaps          int
	Threshold     time.Duration
	Truncated     bool // an identifier had more events than one timeline shows
	SealChecks    []SealCheck
	Discrepancies []*bulkhead.Discrepancy // those whose evidence is among the events
}

// shipmentIdentifiers returns the EPCs of a shipment's timeline: its
// containers (well-formed ISO 6346 numbers) and its other EPCs, with the
// equipment number of each container EPC.
func shipmentIdentifiers(sh *bulkhead.Shipment) (epcs []string, equipment map[string]string) {
	equipment = map[string]string{}
	for _, e := range sh.Equipment {
		if epc := e.EPC(); epc != "" && equipment[epc] == "" {
			equipment[epc] = e.Number
			epcs = append(epcs, epc)
		}
	}
	for _, e := range sh.EPCs {
		if !slices.Contains(epcs, e) {
			epcs = append(epcs, e)
		}
	}
	return epcs, equipment
}

// ShipmentTimeline merges the custody timelines of a shipment's equipment
// and EPCs into one, in event-time order: every event once, where it
// happened, who held the goods, the seal known at each step and the custody
// gaps (per identifier, longer than threshold, DefaultCustodyGap when zero,
// while not in transit). It checks the seals named in the events against
// those expected on each piece of equipment and lists the discrepancies
// whose evidence is among the events. EFORBIDDEN, ENOTFOUND.
func (s *Service) ShipmentTimeline(ctx context.Context, a Actor, id string, threshold time.Duration) (*ShipmentTimeline, error) {
	sh, err := s.Shipment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if threshold <= 0 {
		threshold = DefaultCustodyGap
	}
	out := &ShipmentTimeline{Shipment: sh, Threshold: threshold}
	epcs, equipment := shipmentIdentifiers(sh)
	perEPC := map[string]*Timeline{}
	byEvent := map[string]int{} // stored event ID → index in out.Steps
	for _, epc := range epcs {
		page, err := s.identifierEvents(ctx, a, epc)
		if err != nil {
			return nil, err
		}
		tl := buildTimeline(epc, page.Events, threshold)
		out.Truncated = out.Truncated || page.Next != ""
		perEPC[epc] = tl
		for _, st := range tl.Steps {
			i, ok := byEvent[st.Event.ID]
			if !ok {
				i = len(out.Steps)
				byEvent[st.Event.ID] = i
				out.Steps = append(out.Steps, ShipmentStep{TimelineStep: st})
			}
			step := &out.Steps[i]
			step.EPCs = append(step.EPCs, epc)
			if n := equipment[epc]; n != "" {
				step.Equipment = append(step.Equipment, n)
			}
			if st.Gap > step.Gap {
				step.Gap = st.Gap
			}
		}
	}
	sort.SliceStable(out.Steps, func(i, j int) bool {
		a, b := out.Steps[i].Event, out.Steps[j].Event
		if !a.EventTime.Equal(b.EventTime) {
			return a.EventTime.Before(b.EventTime)
		}
		return a.RecordTime.Before(b.RecordTime)
	})
	var eventIDs []string
	for _, st := range out.Steps {
		if st.Gap > 0 {
			out.Gaps++
		}
		eventIDs = append(eventIDs, st.Event.EventID)
	}
	for _, e := range sh.Equipment {
		out.SealChecks = append(out.SealChecks, sealCheck(e, perEPC[e.EPC()]))
	}
	if (a.System || Can(a.Role, ActDiscrepancyRead)) && len(eventIDs) > 0 {
		if out.Discrepancies, err = s.store.Discrepancies(ctx, bulkhead.DiscrepancyFilter{OrgID: a.OrgID, Evidence: eventIDs, Limit: discrepancyListMax}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sealCheck compares the seals expected on a piece of equipment with those
// named by its timeline (nil when its number is not an EPC).
func sealCheck(e bulkhead.ShipmentEquipment, tl *Timeline) SealCheck {
	c := SealCheck{Equipment: e.Number, CheckOK: e.CheckOK, Expected: e.Seals}
	add := func(n string) {
		if n != "" && !slices.Contains(c.Seen, n) {
			c.Seen = append(c.Seen, n)
			if !slices.Contains(e.Seals, n) {
				c.Unexpected = append(c.Unexpected, n)
			}
		}
	}
	if tl != nil {
		for _, st := range tl.Steps {
			add(st.Seal)
			add(st.SealRead)
			c.Last, c.LastState = st.Seal, st.SealState
			if st.SealRead != "" {
				c.Last = st.SealRead
			}
		}
	}
	switch {
	case len(c.Unexpected) > 0:
		c.Status = SealCheckMismatch
	case len(e.Seals) == 0:
		c.Status = SealCheckNoneExpected
	case len(c.Seen) == 0:
		c.Status = SealCheckNotSeen
	default:
		c.Status = SealCheckOK
	}
	return c
}

// demoShipments records the demo organisation's shipments: the three
// containers sealed at Rotterdam (NLRTM) travel to Monterrey (MXNLD) as
// three shipments, delivered, whose timelines show the seal read as another
// number and the intact arrival; a fourth shipment is still planned.
func (s *Service) demoShipments(ctx context.Context, d *demoOrg) error {
	rtm := d.sites[1]
	officer := d.as(bulkhead.RoleSiteOfficer)
	base := s.now().Add(-12 * 24 * time.Hour).Truncate(time.Hour)
	day := func(n int) *string { v := base.AddDate(0, 0, n).Format(time.DateOnly); return &v }
	for i, c := range []struct{ container, seal, note string }{
		{"MSKU9070323", "NLHS-0408113", "Arrived with its seal intact; opened with authorisation at the receiving dock."},
		{"CSQU3054383", "NLHS-0408114", "Seal read as another number at Monterrey: see the discrepancy."},
		{"TGHU1234560", "NLHS-0408115", "Container number keyed in with a wrong check digit at door 4 (kept as written, flagged)."},
	} {
		in := bulkhead.ShipmentInput{Reference: ptrTo(fmt.Sprintf("HLX-%d", 2611+i)), Origin: ptrTo("NLRTM"), Destination: ptrTo("MXNLD"),
			Mode: ptrTo("multimodal"), Carrier: ptrTo("Harbourline Ocean Services"), Parties: ptrTo("Forwarder: Maas Forwarding B.V.; consignee: Norte Industrial S.A. de C.V."),
			Departure: day(1), Arrival: day(11), SiteID: &rtm.ID, Notes: ptrTo(c.note),
			Equipment: &[]bulkhead.EquipmentInput{{Number: c.container, Seals: []string{c.seal}}}}
		sh, err := s.CreateShipment(ctx, officer, in)
		if err != nil {
			return err
		}
		for _, st := range []bulkhead.ShipmentStatus{bulkhead.ShipmentInTransit, bulkhead.ShipmentDelivered} {
			if _, err := s.SetShipmentStatus(ctx, officer, sh.ID, st); err != nil {
				return err
			}
		}
	}
	_, err := s.CreateShipment(ctx, officer, bulkhead.ShipmentInput{Reference: ptrTo("HLX-2650"), Origin: ptrTo("NLRTM"), Destination: ptrTo("BEANR"),
		Mode: ptrTo("road"), Carrier: ptrTo("Schelde Trucking"), Departure: day(14), Arrival: day(15), SiteID: &rtm.ID,
		Equipment: &[]bulkhead.EquipmentInput{{Number: "HLXU1000012"}}})
	return err
}
