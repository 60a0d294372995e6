package service

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// Seal and discrepancy actions.
const (
	ActSealRead          Action = "seal.read"
	ActSealIssue         Action = "seal.issue"
	ActSealRecord        Action = "seal.record"
	ActDiscrepancyRead   Action = "discrepancy.read"
	ActDiscrepancyManage Action = "discrepancy.manage"
)

const (
	// custodyNamespace is the JSON-LD namespace of Bulkhead's EPCIS
	// extension fields (prefix "bh").
	custodyNamespace   = "https://bulkhead-sms.org/ns/custody/"
	custodyPrefix      = "bh"
	maxSealNote        = 2000
	sealListMax        = 500
	discrepancyListMax = 500
)

// sealSteps maps each seal action to the CBV business step and
// disposition of its EPCIS event.
var sealSteps = map[bulkhead.SealAction][2]string{
	bulkhead.SealActIssue:   {"commissioning", "active"},
	bulkhead.SealActAffix:   {"staging_outbound", "container_closed"},
	bulkhead.SealActVerify:  {"inspecting", "container_closed"},
	bulkhead.SealActRemove:  {"unloading", "container_open"},
	bulkhead.SealActBreak:   {"inspecting", "container_open"},
	bulkhead.SealActDestroy: {"destroying", "destroyed"},
}

// newUUID returns a random (version 4) UUID URN, the usual form of an
// EPCIS eventID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sealEPCISDoc writes the EPCIS document of one seal transition: an
// ObjectEvent on the seal (and the equipment, when known), with the seal's
// details under Bulkhead's namespace.
func sealEPCISDoc(seal *bulkhead.Seal, e *bulkhead.SealEvent) ([]byte, string) {
	step := sealSteps[e.Action]
	epcs := []string{"urn:bulkhead:seal:" + seal.Number}
	if e.Equipment != "" {
		if norm, wellFormed, _ := bulkhead.ContainerNumber(e.Equipment); wellFormed {
			epcs = append(epcs, "urn:epc:id:bic:"+norm)
		}
	}
	sealExt := map[string]any{
		"bh:number": seal.Number, "bh:class": string(seal.Class), "bh:type": seal.Type, "bh:source": seal.Source,
		"bh:state": string(seal.Status), "bh:action": string(e.Action),
	}
	if seal.Manufacturer != "" {
		sealExt["bh:manufacturer"] = seal.Manufacturer
	}
	if e.Method != "" {
		sealExt["bh:method"] = e.Method
	}
	if e.ObservedNumber != "" {
		sealExt["bh:observedNumber"] = e.ObservedNumber
	}
	if e.Action == bulkhead.SealActRemove {
		sealExt["bh:authorized"] = e.Authorized
	}
	id := newUUID()
	ev := map[string]any{
		"type": "ObjectEvent", "eventID": id, "action": "OBSERVE",
		"eventTime":           e.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		"eventTimeZoneOffset": "+00:00",
		"epcList":             epcs,
		"bizStep":             step[0],
		"disposition":         step[1],
		"readPoint":           map[string]any{"id": "urn:bulkhead:site:" + e.SiteID},
		"bh:seal":             sealExt,
	}
	if e.Equipment != "" {
		check := "valid"
		if !e.EquipmentCheckOK {
			check = "invalid"
		}
		ev["bh:equipment"] = map[string]any{"bh:number": e.Equipment, "bh:checkDigit": check}
	}
	doc := map[string]any{
		"@context":      []any{epcis.ContextURL, map[string]any{custodyPrefix: custodyNamespace}},
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  e.At.UTC().Format("2006-01-02T15:04:05.000Z"),
		"epcisBody":     map[string]any{"eventList": []any{ev}},
	}
	b, _ := json.Marshal(doc)
	return b, id
}

// storeEPCIS captures a document the service wrote itself, inside the
// caller's transaction (the caller writes the audit entry). The document
// must be valid: a problem is an internal error.
func (s *Service) storeEPCIS(ctx context.Context, tx bulkhead.Tx, a Actor, doc []byte) error {
	now := s.now()
	p, err := epcis.Prepare(doc, now)
	if err != nil {
		return err
	}
	if !p.Report.Valid() {
		return fmt.Errorf("custody: generated EPCIS document not valid: %v", p.Report.Problems)
	}
	job := &bulkhead.CaptureJob{ID: bulkhead.NewID(), OrgID: a.OrgID, Status: bulkhead.CaptureRunning, ActorName: a.Name, CreatedAt: now,
		Events: len(p.Events), Bytes: len(doc), Context: p.Context}
	if err := tx.CreateCaptureJob(ctx, job); err != nil {
		return err
	}
	var evs []*bulkhead.EPCISEvent
	for _, pe := range p.Events {
		e := &bulkhead.EPCISEvent{ID: bulkhead.NewID(), OrgID: a.OrgID, CaptureID: job.ID, EventID: pe.EventID, Hash: pe.Hash, Type: pe.Type,
			EventTime: pe.EventTime.Truncate(time.Microsecond), RecordTime: now, Action: pe.Action, BizStep: pe.BizStep, Disposition: pe.Disposition,
			ReadPoint: pe.ReadPoint, BizLocation: pe.BizLocation, Body: pe.JSON}
		for _, r := range pe.EPCs {
			e.EPCs = append(e.EPCs, bulkhead.EPCRole{EPC: r.EPC, Role: r.Role})
		}
		evs = append(evs, e)
	}
	if err := s.custodyGaps(ctx, tx, a, evs); err != nil {
		return err
	}
	if err := tx.InsertEPCISEvents(ctx, evs); err != nil {
		return err
	}
	job.Status, job.Stored, job.FinishedAt = bulkhead.CaptureSuccess, len(evs), &now
	return tx.FinishCaptureJob(ctx, job)
}

// IssueSeal records a new seal in a site's stock, with the first entry of
// its log and its EPCIS event. EFORBIDDEN, EINVALID, ECONFLICT (number
// already recorded).
func (s *Service) IssueSeal(ctx context.Context, a Actor, in bulkhead.SealInput) (*bulkhead.Seal, error) {
	if err := authorize(a, ActSealIssue); err != nil {
		return nil, err
	}
	seal := in.Seal()
	seal.ID, seal.OrgID, seal.Status = bulkhead.NewID(), a.OrgID, bulkhead.SealIssued
	seal.CreatedAt, seal.UpdatedAt = s.now(), s.now()
	if err := seal.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if _, err := tx.Site(ctx, a.OrgID, seal.SiteID); err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
				return bulkhead.Invalid(map[string]string{"site_id": bulkhead.FieldInvalid})
			}
			return err
		}
		if err := tx.CreateSeal(ctx, seal); err != nil {
			return err
		}
		ev := &bulkhead.SealEvent{ID: bulkhead.NewID(), OrgID: a.OrgID, SealID: seal.ID, At: seal.CreatedAt, Action: bulkhead.SealActIssue,
			SiteID: seal.SiteID, EquipmentCheckOK: true, ActorName: a.Name}
		doc, eventID := sealEPCISDoc(seal, ev)
		ev.EPCISEventID = eventID
		if err := s.storeEPCIS(ctx, tx, a, doc); err != nil {
			return err
		}
		if err := tx.InsertSealEvent(ctx, ev); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "seal.issue", "seal", seal.ID, map[string]any{"after": map[string]any{
			"number": seal.Number, "class": string(seal.Class), "type": seal.Type, "source": seal.Source, "manufacturer": seal.Manufacturer, "site_id": seal.SiteID}})
	})
	if err != nil {
		return nil, err
	}
	return seal, nil
}

// SealTransition is the outcome of recording a seal event.
type SealTransition struct {
	Seal          *bulkhead.Seal
	Event         *bulkhead.SealEvent
	Discrepancies []*bulkhead.Discrepancy
}

// RecordSealEvent records a transition of a seal: affix (to equipment),
// verify (by view, verify, tug or twist, with the number read), remove,
// break or destroy. Each is a seal-log entry and an EPCIS event, written
// with its audit entry in one transaction. A number read that differs from
// the seal's, a broken seal or a removal nobody authorised, and equipment
// whose ISO 6346 check digit is wrong each open a discrepancy.
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (not allowed in the seal's
// state).
func (s *Service) RecordSealEvent(ctx context.Context, a Actor, sealID string, in bulkhead.SealEventInput) (*SealTransition, error) {
	if err := authorize(a, ActSealRecord); err != nil {
		return nil, err
	}
	action := bulkhead.SealAction(strings.TrimSpace(in.Action))
	f := map[string]string{}
	if !slices.Contains(bulkhead.SealActions, action) {
		f["action"] = bulkhead.FieldChoice
	}
	in.Method = strings.ToLower(strings.TrimSpace(in.Method))
	switch {
	case action == bulkhead.SealActVerify && in.Method == "":
		f["method"] = bulkhead.FieldRequired
	case in.Method != "" && !slices.Contains(bulkhead.SealMethods, in.Method):
		f["method"] = bulkhead.FieldChoice
	}
	in.Equipment = strings.TrimSpace(in.Equipment)
	if action == bulkhead.SealActAffix && in.Equipment == "" {
		f["equipment"] = bulkhead.FieldRequired
	}
	if len(in.Equipment) > 20 {
		f["equipment"] = bulkhead.FieldTooLong
	}
	in.ObservedNumber = strings.ToUpper(strings.TrimSpace(in.ObservedNumber))
	if len(in.ObservedNumber) > 40 {
		f["observed_number"] = bulkhead.FieldTooLong
	}
	if utf8.RuneCountInString(in.Note) > maxSealNote {
		f["note"] = bulkhead.FieldTooLong
	}
	if len(f) > 0 {
		return nil, bulkhead.Invalid(f)
	}
	at := in.At.UTC().Truncate(time.Microsecond)
	if in.At.IsZero() {
		at = s.now()
	}
	out := &SealTransition{}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		seal, err := tx.Seal(ctx, a.OrgID, sealID)
		if err != nil {
			return err
		}
		next, ok := seal.Status.Next(action)
		if !ok {
			return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: fmt.Sprintf("A seal that is %s cannot be %s.", seal.Status, pastTense(action)),
				Fields: map[string]string{"action": bulkhead.FieldChoice}}
		}
		siteID := strings.TrimSpace(in.SiteID)
		if siteID == "" {
			siteID = seal.SiteID
		}
		if _, err := tx.Site(ctx, a.OrgID, siteID); err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
				return bulkhead.Invalid(map[string]string{"site_id": bulkhead.FieldInvalid})
			}
			return err
		}
		ev := &bulkhead.SealEvent{ID: bulkhead.NewID(), OrgID: a.OrgID, SealID: seal.ID, At: at, Action: action, SiteID: siteID, Method: in.Method,
			ObservedNumber: in.ObservedNumber, Equipment: seal.Equipment, EquipmentCheckOK: seal.EquipmentCheckOK, Authorized: in.Authorized,
			ActorName: a.Name, Note: strings.TrimSpace(in.Note)}
		if in.Equipment != "" {
			norm, wellFormed, checkOK := bulkhead.ContainerNumber(in.Equipment)
			ev.Equipment, ev.EquipmentCheckOK = in.Equipment, wellFormed && checkOK
			if wellFormed {
				ev.Equipment = norm
			}
		}
		if action == bulkhead.SealActAffix {
			seal.Equipment, seal.EquipmentCheckOK = ev.Equipment, ev.EquipmentCheckOK
		}
		seal.Status, seal.UpdatedAt = next, s.now()
		doc, eventID := sealEPCISDoc(seal, ev)
		ev.EPCISEventID = eventID
		if err := s.storeEPCIS(ctx, tx, a, doc); err != nil {
			return err
		}
		if err := tx.UpdateSeal(ctx, seal); err != nil {
			return err
		}
		if err := tx.InsertSealEvent(ctx, ev); err != nil {
			return err
		}
		// What needs follow-up.
		open := func(kind bulkhead.DiscrepancyKind, summary string) error {
			d := &bulkhead.Discrepancy{ID: bulkhead.NewID(), OrgID: a.OrgID, SiteID: siteID, Kind: kind, Summary: summary, SealID: seal.ID,
				Evidence: []string{eventID}, Open: true, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := s.raiseDiscrepancyIncident(ctx, tx, a, d, seal.Equipment); err != nil {
				return err
			}
			if err := tx.CreateDiscrepancy(ctx, d); err != nil {
				return err
			}
			out.Discrepancies = append(out.Discrepancies, d)
			return s.record(ctx, tx, a, "discrepancy.open", "discrepancy", d.ID, map[string]any{"kind": string(kind), "summary": summary, "seal_id": seal.ID})
		}
		switch {
		case action == bulkhead.SealActVerify && ev.ObservedNumber != "" && ev.ObservedNumber != seal.Number:
			err = open(bulkhead.DiscSealMismatch, fmt.Sprintf("Seal %s on %s was read as %s.", seal.Number, orDash(seal.Equipment), ev.ObservedNumber))
		case action == bulkhead.SealActBreak:
			err = open(bulkhead.DiscSealBroken, fmt.Sprintf("Seal %s on %s was found broken.", seal.Number, orDash(seal.Equipment)))
		case action == bulkhead.SealActRemove && !in.Authorized:
			err = open(bulkhead.DiscSealBroken, fmt.Sprintf("Seal %s on %s was removed without an authorised removal.", seal.Number, orDash(seal.Equipment)))
		}
		if err != nil {
			return err
		}
		if in.Equipment != "" && !ev.EquipmentCheckOK {
			if err := open(bulkhead.DiscEquipmentCheck, fmt.Sprintf("Equipment number %s is not a valid ISO 6346 number (format or check digit); kept as written.", ev.Equipment)); err != nil {
				return err
			}
		}
		out.Seal, out.Event = seal, ev
		change := map[string]any{"action": string(action), "status": string(next), "site_id": siteID, "epcis_event_id": eventID}
		if ev.Equipment != "" {
			change["equipment"], change["equipment_ok"] = ev.Equipment, ev.EquipmentCheckOK
		}
		if ev.Method != "" {
			change["method"] = ev.Method
		}
		if ev.ObservedNumber != "" {
			change["observed_number"] = ev.ObservedNumber
		}
		return s.record(ctx, tx, a, "seal."+string(action), "seal", seal.ID, change)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func pastTense(a bulkhead.SealAction) string {
	switch a {
	case bulkhead.SealActAffix:
		return "affixed"
	case bulkhead.SealActVerify:
		return "verified"
	case bulkhead.SealActRemove:
		return "removed"
	case bulkhead.SealActBreak:
		return "recorded as broken"
	case bulkhead.SealActDestroy:
		return "destroyed"
	}
	return string(a)
}

// Seal returns a seal of the actor's organisation with its log.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) Seal(ctx context.Context, a Actor, id string) (*bulkhead.Seal, []*bulkhead.SealEvent, error) {
	if err := authorize(a, ActSealRead); err != nil {
		return nil, nil, err
	}
	seal, err := s.store.Seal(ctx, a.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	evs, err := s.store.SealEvents(ctx, a.OrgID, id)
	return seal, evs, err
}

// Seals lists the organisation's seals, most recently changed first.
// EFORBIDDEN.
func (s *Service) Seals(ctx context.Context, a Actor, f bulkhead.SealFilter) ([]*bulkhead.Seal, error) {
	if err := authorize(a, ActSealRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	if f.Limit <= 0 || f.Limit > sealListMax {
		f.Limit = sealListMax
	}
	return s.store.Seals(ctx, f)
}

// Discrepancies lists the organisation's discrepancies, newest first.
// EFORBIDDEN.
func (s *Service) Discrepancies(ctx context.Context, a Actor, f bulkhead.DiscrepancyFilter) ([]*bulkhead.Discrepancy, error) {
	if err := authorize(a, ActDiscrepancyRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	if f.Limit <= 0 || f.Limit > discrepancyListMax {
		f.Limit = discrepancyListMax
	}
	return s.store.Discrepancies(ctx, f)
}

// Discrepancy returns one discrepancy. EFORBIDDEN, ENOTFOUND.
func (s *Service) Discrepancy(ctx context.Context, a Actor, id string) (*bulkhead.Discrepancy, error) {
	if err := authorize(a, ActDiscrepancyRead); err != nil {
		return nil, err
	}
	return s.store.Discrepancy(ctx, a.OrgID, id)
}

// DiscrepancyUpdate changes the follow-up of a discrepancy; nil fields are
// left as they are.
type DiscrepancyUpdate struct {
	AssigneeID *string `json:"assignee_id"` // a member of the organisation, "" for nobody
	Close      *bool   `json:"close"`       // true closes (a resolution is required), false reopens
	Resolution *string `json:"resolution"`
	IncidentID *string `json:"incident_id"` // the incident opened for it
}

// UpdateDiscrepancy assigns, closes, reopens or links a discrepancy.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateDiscrepancy(ctx context.Context, a Actor, id string, in DiscrepancyUpdate) (*bulkhead.Discrepancy, error) {
	if err := authorize(a, ActDiscrepancyManage); err != nil {
		return nil, err
	}
	var out *bulkhead.Discrepancy
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, err := tx.Discrepancy(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		before := map[string]any{"assignee_id": d.AssigneeID, "open": d.Open, "resolution": d.Resolution, "incident_id": d.IncidentID}
		f := map[string]string{}
		if in.AssigneeID != nil {
			uid := strings.TrimSpace(*in.AssigneeID)
			if uid != "" {
				if _, err := tx.Membership(ctx, a.OrgID, uid); err != nil {
					f["assignee_id"] = bulkhead.FieldInvalid
				}
			}
			d.AssigneeID = uid
		}
		if in.Resolution != nil {
			d.Resolution = strings.TrimSpace(*in.Resolution)
			if utf8.RuneCountInString(d.Resolution) > maxSealNote {
				f["resolution"] = bulkhead.FieldTooLong
			}
		}
		if in.IncidentID != nil {
			d.IncidentID = strings.TrimSpace(*in.IncidentID)
			if len(d.IncidentID) > 64 {
				f["incident_id"] = bulkhead.FieldTooLong
			}
		}
		now := s.now()
		if in.Close != nil {
			switch {
			case *in.Close && d.Resolution == "":
				f["resolution"] = bulkhead.FieldRequired
			case *in.Close && d.Open:
				d.Open, d.ClosedAt = false, &now
			case !*in.Close && !d.Open:
				d.Open, d.ClosedAt = true, nil
			}
		}
		if len(f) > 0 {
			return bulkhead.Invalid(f)
		}
		out = d
		changes := diff(before, map[string]any{"assignee_id": d.AssigneeID, "open": d.Open, "resolution": d.Resolution, "incident_id": d.IncidentID})
		if len(changes) == 0 {
			return nil
		}
		d.UpdatedAt = now
		if err := tx.UpdateDiscrepancy(ctx, d); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "discrepancy.update", "discrepancy", d.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// raiseDiscrepancyIncident opens the draft incident that a seal mismatch, a
// broken seal or a failed inspection calls for (ISO 28000 8.6; C-TPAT and
// AEO want tampering documented and investigated), in the same transaction
// as the discrepancy, once per discrepancy, and records its ID on it. Custody
// gaps and check-digit errors stay discrepancies to follow up. It runs before
// the discrepancy is stored so that the stored row carries the incident.
func (s *Service) raiseDiscrepancyIncident(ctx context.Context, tx bulkhead.Tx, a Actor, d *bulkhead.Discrepancy, equipment string) error {
	switch d.Kind {
	case bulkhead.DiscSealMismatch, bulkhead.DiscSealBroken, bulkhead.DiscInspectionFailed:
	default:
		return nil
	}
	inc, _, err := s.openDiscrepancyIncident(ctx, tx, a, bulkhead.DiscrepancyRef{ID: d.ID, Kind: d.Kind, SiteID: d.SiteID,
		EquipmentRef: equipment, EventIDs: d.Evidence, Summary: d.Summary, DetectedAt: d.CreatedAt})
	if err != nil {
		return err
	}
	d.IncidentID = inc.ID
	return nil
}
