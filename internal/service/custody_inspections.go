package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// Inspection actions.
const (
	ActInspectionRead   Action = "inspection.read"
	ActInspectionRecord Action = "inspection.record"
)

// RecordInspection records an inspection of equipment against a built-in
// checklist (7-point container, 17-point truck and trailer) or the current
// version of one of the organisation's own (in.Template: key or version
// ID), with photos of points. It is an
// EPCIS inspecting event on the equipment too; a failed point opens an
// inspection_failed discrepancy and a container number failing ISO 6346 is
// flagged. EFORBIDDEN, EINVALID.
func (s *Service) RecordInspection(ctx context.Context, a Actor, in bulkhead.InspectionInput) (*bulkhead.Inspection, *bulkhead.Discrepancy, error) {
	if err := authorize(a, ActInspectionRecord); err != nil {
		return nil, nil, err
	}
	in.SiteID, in.Equipment = strings.TrimSpace(in.SiteID), strings.TrimSpace(in.Equipment)
	for i := range in.Results {
		in.Results[i].Note = strings.TrimSpace(in.Results[i].Note)
	}
	in.Template = strings.TrimSpace(in.Template)
	var insp *bulkhead.Inspection
	var disc *bulkhead.Discrepancy
	var photoIDs []string
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		// The checklist is read in the transaction, so that the inspection
		// keeps the version that was current when it was stored.
		tpl, x, bic, failed, err := s.buildInspection(ctx, tx, a, in)
		if err != nil {
			return err
		}
		insp = x
		if _, err := tx.Site(ctx, a.OrgID, in.SiteID); err != nil {
			if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
				return bulkhead.Invalid(map[string]string{"site_id": bulkhead.FieldInvalid})
			}
			return err
		}
		doc, id := inspectionEPCISDoc(insp, bic, failed)
		insp.EPCISEventID = id
		if err := s.storeEPCIS(ctx, tx, a, doc); err != nil {
			return err
		}
		if err := tx.CreateInspection(ctx, insp); err != nil {
			return err
		}
		if photoIDs, err = s.storeInspectionPhotos(ctx, tx, a, insp, in.Photos); err != nil {
			return err
		}
		if len(failed) > 0 {
			disc = &bulkhead.Discrepancy{ID: bulkhead.NewID(), OrgID: a.OrgID, SiteID: in.SiteID, Kind: bulkhead.DiscInspectionFailed,
				Summary:  fmt.Sprintf("%d of %d points failed on %s (%s): %s.", len(failed), len(tpl.Points), orDash(insp.Equipment), insp.Template, strings.Join(failed, ", ")),
				Evidence: []string{id}, Open: true, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := s.raiseDiscrepancyIncident(ctx, tx, a, disc, insp.Equipment); err != nil {
				return err
			}
			if err := tx.CreateDiscrepancy(ctx, disc); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "discrepancy.open", "discrepancy", disc.ID, map[string]any{"kind": string(disc.Kind), "summary": disc.Summary}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "inspection.record", "inspection", insp.ID, map[string]any{
			"template": insp.Template, "template_id": insp.TemplateID, "equipment": insp.Equipment, "failed": failed, "site_id": in.SiteID, "epcis_event_id": id,
			"photos": photoIDs})
	})
	if err != nil {
		return nil, nil, err
	}
	return insp, disc, nil
}

// buildInspection reads the checklist an inspection input names through r,
// checks the input against it and makes the inspection: its results in the
// checklist's order, the failed points and the equipment's BIC EPC (""
// when the number is not ISO 6346). EINVALID.
func (s *Service) buildInspection(ctx context.Context, rd bulkhead.Reader, a Actor, in bulkhead.InspectionInput) (*bulkhead.Checklist, *bulkhead.Inspection, string, []string, error) {
	tpl, err := s.checklistForInspection(ctx, rd, a.OrgID, in.Template)
	if err != nil {
		return nil, nil, "", nil, err
	}
	if err := in.ValidateFor(tpl); err != nil {
		return nil, nil, "", nil, err
	}
	at := in.At.UTC().Truncate(time.Microsecond)
	if in.At.IsZero() {
		at = s.now()
	}
	insp := &bulkhead.Inspection{ID: bulkhead.NewID(), OrgID: a.OrgID, SiteID: in.SiteID, Template: tpl.Key, Equipment: in.Equipment,
		EquipmentCheckOK: true, Inspector: a.Name, At: at, CreatedAt: s.now()}
	byPoint := map[string]bulkhead.PointResult{}
	for _, r := range in.Results {
		byPoint[r.Point] = r
	}
	var failed []string
	if !tpl.Builtin {
		insp.TemplateID = tpl.ID
	}
	for _, p := range tpl.Points {
		r := byPoint[p.Key]
		insp.Results = append(insp.Results, r)
		if r.Result == bulkhead.PointFail {
			failed = append(failed, p.Key)
		}
	}
	insp.Failed = len(failed)
	var bic string
	if in.Equipment != "" {
		norm, wellFormed, checkOK := bulkhead.ContainerNumber(in.Equipment)
		insp.EquipmentCheckOK = wellFormed && checkOK
		if wellFormed {
			insp.Equipment, bic = norm, "urn:epc:id:bic:"+norm
		}
	}
	return tpl, insp, bic, failed, nil
}

// inspectionEPCISDoc writes the EPCIS event of an inspection.
func inspectionEPCISDoc(insp *bulkhead.Inspection, bic string, failed []string) ([]byte, string) {
	id := newUUID()
	epcs := []string{"urn:bulkhead:inspection:" + insp.ID}
	if bic != "" {
		epcs = append(epcs, bic)
	}
	disp := "container_closed"
	if len(failed) > 0 {
		disp = "damaged"
	}
	ext := map[string]any{"bh:template": insp.Template, "bh:failedPoints": len(failed)}
	if len(failed) > 0 {
		ext["bh:failed"] = failed
	}
	ev := map[string]any{
		"type": "ObjectEvent", "eventID": id, "action": "OBSERVE",
		"eventTime": insp.At.UTC().Format("2006-01-02T15:04:05.000Z"), "eventTimeZoneOffset": "+00:00",
		"epcList": epcs, "bizStep": "inspecting", "disposition": disp,
		"readPoint": map[string]any{"id": "urn:bulkhead:site:" + insp.SiteID}, "bh:inspection": ext,
	}
	if insp.Equipment != "" {
		check := "valid"
		if !insp.EquipmentCheckOK {
			check = "invalid"
		}
		ev["bh:equipment"] = map[string]any{"bh:number": insp.Equipment, "bh:checkDigit": check}
	}
	b, _ := json.Marshal(map[string]any{
		"@context": []any{epcis.ContextURL, map[string]any{custodyPrefix: custodyNamespace}}, "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": insp.At.UTC().Format("2006-01-02T15:04:05.000Z"), "epcisBody": map[string]any{"eventList": []any{ev}},
	})
	return b, id
}

// Inspection returns an inspection. EFORBIDDEN, ENOTFOUND.
func (s *Service) Inspection(ctx context.Context, a Actor, id string) (*bulkhead.Inspection, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	return s.store.Inspection(ctx, a.OrgID, id)
}

// Inspections lists the organisation's inspections, newest first.
// EFORBIDDEN.
func (s *Service) Inspections(ctx context.Context, a Actor, f bulkhead.InspectionFilter) ([]*bulkhead.Inspection, error) {
	if err := authorize(a, ActInspectionRead); err != nil {
		return nil, err
	}
	f.OrgID = a.OrgID
	if f.Limit <= 0 || f.Limit > sealListMax {
		f.Limit = sealListMax
	}
	return s.store.Inspections(ctx, f)
}
