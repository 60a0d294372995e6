package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// dcsaSteps maps DCSA Track & Trace equipment event type codes to the CBV
// business step and disposition of the EPCIS event that records them.
var dcsaSteps = map[string][2]string{
	"LOAD": {"loading", "in_transit"},
	"DISC": {"unloading", "in_progress"},
	"GTIN": {"arriving", "in_progress"},
	"GTOT": {"departing", "in_transit"},
	"STUF": {"packing", "in_progress"},
	"STRP": {"unpacking", "in_progress"},
	"PICK": {"departing", "in_transit"},
	"DROP": {"receiving", "in_progress"},
	"INSP": {"inspecting", "container_closed"}, // the seal was inspected
	"RSEA": {"inspecting", "container_closed"}, // resealed after inspection
	"RMVD": {"inspecting", "container_open"},   // a seal removed for inspection
	"AVPU": {"holding", "in_progress"},
	"AVDO": {"holding", "in_progress"},
	"CUSS": {"holding", "in_progress"},
	"CUSI": {"holding", "in_progress"},
	"CUSR": {"accepting", "in_progress"},
	"WAYP": {"transporting", "in_transit"},
}

// dcsaEvent is the part of a DCSA Track & Trace 2.2 equipment event the
// mapping reads.
type dcsaEvent struct {
	EventID                string `json:"eventID"`
	EventType              string `json:"eventType"`
	EventClassifierCode    string `json:"eventClassifierCode"`
	EventDateTime          string `json:"eventDateTime"`
	EquipmentEventTypeCode string `json:"equipmentEventTypeCode"`
	EquipmentReference     string `json:"equipmentReference"`
	ISOEquipmentCode       string `json:"ISOEquipmentCode"`
	EmptyIndicatorCode     string `json:"emptyIndicatorCode"`
	EventLocation          *struct {
		LocationName   string `json:"locationName"`
		UNLocationCode string `json:"UNLocationCode"`
	} `json:"eventLocation"`
	Seals []struct {
		SealNumber string `json:"sealNumber"`
		SealSource string `json:"sealSource"`
		SealType   string `json:"sealType"`
	} `json:"seals"`
}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	unlocodeRE = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)
)

// DCSAToEPCIS maps DCSA Track & Trace v2.2 equipment events (a JSON array
// of events, or one event) to an EPCIS 2.0 document of ObjectEvents: the
// equipment as its BIC EPC (urn:epc:id:bic:…), the event type as a CBV
// business step and disposition, the location as a read point
// (urn:bulkhead:unlocode:…) and the seals and DCSA codes as extension
// fields. Events other than EQUIPMENT events are refused. A container
// number failing ISO 6346 is kept and flagged (bh:checkDigit "invalid").
// EINVALID with a field per event at fault ("events[i].field").
func DCSAToEPCIS(data []byte) ([]byte, error) {
	data = bytes.TrimSpace(data)
	var events []json.RawMessage
	if len(data) > 0 && data[0] == '{' {
		events = []json.RawMessage{data}
	} else if err := json.Unmarshal(data, &events); err != nil {
		return nil, &bulkhead.Error{Code: bulkhead.EINVALID, Message: "Send a JSON array of DCSA equipment events.", Fields: map[string]string{"events": bulkhead.FieldInvalid}}
	}
	bad := map[string]string{}
	var out []any
	for i, raw := range events {
		at := func(f string) string { return fmt.Sprintf("events[%d].%s", i, f) }
		var ev dcsaEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			bad[at("")] = bulkhead.FieldInvalid
			continue
		}
		if ev.EventType != "" && ev.EventType != "EQUIPMENT" {
			bad[at("eventType")] = bulkhead.FieldChoice
			continue
		}
		step, ok := dcsaSteps[ev.EquipmentEventTypeCode]
		if !ok {
			bad[at("equipmentEventTypeCode")] = bulkhead.FieldChoice
		}
		t, err := time.Parse(time.RFC3339Nano, ev.EventDateTime)
		if err != nil {
			bad[at("eventDateTime")] = bulkhead.FieldInvalid
		}
		norm, wellFormed, checkOK := bulkhead.ContainerNumber(ev.EquipmentReference)
		if !wellFormed {
			bad[at("equipmentReference")] = bulkhead.FieldInvalid
		}
		if !ok || err != nil || !wellFormed {
			continue
		}
		id := "urn:bulkhead:dcsa:" + strings.TrimSpace(ev.EventID)
		if uuidRE.MatchString(ev.EventID) {
			id = "urn:uuid:" + strings.ToLower(ev.EventID)
		}
		_, offset := t.Zone()
		sign := "+"
		if offset < 0 {
			sign, offset = "-", -offset
		}
		check := "valid"
		if !checkOK {
			check = "invalid"
		}
		e := map[string]any{
			"type": "ObjectEvent", "action": "OBSERVE", "eventTime": ev.EventDateTime,
			"eventTimeZoneOffset": fmt.Sprintf("%s%02d:%02d", sign, offset/3600, offset%3600/60),
			"epcList":             []string{"urn:epc:id:bic:" + norm},
			"bizStep":             step[0], "disposition": step[1],
			"bh:equipment": map[string]any{"bh:number": norm, "bh:checkDigit": check},
			"bh:dcsa":      map[string]any{"bh:equipmentEventTypeCode": ev.EquipmentEventTypeCode},
		}
		if ev.EventID != "" {
			e["eventID"] = id
		}
		dcsa := e["bh:dcsa"].(map[string]any)
		for k, v := range map[string]string{"bh:eventClassifierCode": ev.EventClassifierCode, "bh:ISOEquipmentCode": ev.ISOEquipmentCode, "bh:emptyIndicatorCode": ev.EmptyIndicatorCode} {
			if v != "" {
				dcsa[k] = v
			}
		}
		if l := ev.EventLocation; l != nil {
			if code := strings.ToUpper(strings.ReplaceAll(l.UNLocationCode, " ", "")); unlocodeRE.MatchString(code) {
				e["readPoint"] = map[string]any{"id": "urn:bulkhead:unlocode:" + code}
			}
			if l.LocationName != "" {
				dcsa["bh:locationName"] = l.LocationName
			}
		}
		var seals []any
		for _, s := range ev.Seals {
			seal := map[string]any{"bh:number": s.SealNumber}
			if s.SealSource != "" {
				seal["bh:source"] = s.SealSource
			}
			if s.SealType != "" {
				seal["bh:type"] = s.SealType
			}
			seals = append(seals, seal)
		}
		if len(seals) > 0 {
			e["bh:seals"] = seals
		}
		out = append(out, e)
	}
	if len(bad) > 0 {
		return nil, &bulkhead.Error{Code: bulkhead.EINVALID, Message: "Some DCSA events cannot be mapped.", Fields: bad}
	}
	return json.Marshal(map[string]any{
		"@context":      []any{epcis.ContextURL, map[string]any{custodyPrefix: custodyNamespace}},
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"epcisBody":     map[string]any{"eventList": out},
	})
}

// CaptureDCSA maps DCSA Track & Trace equipment events to EPCIS (see
// DCSAToEPCIS) and captures them as CaptureEPCIS does.
func (s *Service) CaptureDCSA(ctx context.Context, a Actor, data []byte, proceed bool) (*bulkhead.CaptureJob, error) {
	if err := authorize(a, ActEPCISCapture); err != nil {
		return nil, err
	}
	if len(data) > CaptureMaxBytes {
		return nil, ErrCaptureTooLarge
	}
	doc, err := DCSAToEPCIS(data)
	if err != nil {
		return nil, err
	}
	return s.CaptureEPCIS(ctx, a, doc, proceed)
}
