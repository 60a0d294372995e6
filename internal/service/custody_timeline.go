package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// DefaultCustodyGap is the time without a custody event after which a
// timeline flags a gap.
const DefaultCustodyGap = 72 * time.Hour

// TimelineStep is one event of a custody timeline.
type TimelineStep struct {
	Event       *bulkhead.EPCISEvent
	BizStep     string // CBV word
	Disposition string // CBV word
	Where       string // site ID (urn:bulkhead:site:…), UN/LOCODE, or the read point as given
	WhereSiteID string
	Holder      string // the possessing or owning party the event names, if any
	Seal        string // seal number known at this step (carried forward)
	SealState   string // seal state known at this step (carried forward)
	SealRead    string // the seal number read at this step, when the event gives one
	// Gap is the time since the previous step when it exceeds the
	// threshold, else zero.
	Gap time.Duration
}

// Timeline is the custody history of one identifier.
type Timeline struct {
	EPC       string
	Steps     []TimelineStep
	Gaps      int
	Threshold time.Duration
	Truncated bool // more events than one timeline shows
}

// CustodyTimeline returns every stored event of an EPC (a container's
// urn:epc:id:bic:…, an item, a seal) in event-time order, with where it
// happened, who held the goods, the seal state at each step and the gaps
// longer than threshold (DefaultCustodyGap when zero) while the goods were
// not in transit. EFORBIDDEN, EINVALID.
func (s *Service) CustodyTimeline(ctx context.Context, a Actor, epc string, threshold time.Duration) (*Timeline, error) {
	if threshold <= 0 {
		threshold = DefaultCustodyGap
	}
	epc = epcis.NormaliseEPC(epc)
	if epc == "" {
		return nil, bulkhead.Invalid(map[string]string{"epc": bulkhead.FieldRequired})
	}
	page, err := s.identifierEvents(ctx, a, epc)
	if err != nil {
		return nil, err
	}
	tl := buildTimeline(epc, page.Events, threshold)
	tl.Truncated = page.Next != ""
	return tl, nil
}

// identifierEvents returns the first EventsMaxPerPage events naming a
// normalised identifier in any role, in event-time order: what a timeline
// shows. The identifier is one value, never a list (a GS1 serial may hold
// a comma).
func (s *Service) identifierEvents(ctx context.Context, a Actor, epc string) (*EventPage, error) {
	return s.EPCISEvents(ctx, a, bulkhead.EventFilter{MatchAnyEPC: []string{epc}, OrderBy: bulkhead.OrderEventTime, Limit: EventsMaxPerPage})
}

// buildTimeline turns the events of one identifier, in event-time order,
// into its custody timeline: where each happened, who held the goods, the
// seal known at each step (carried forward) and the gaps longer than
// threshold while the goods were not in transit. The per-EPC timeline and
// the shipment timeline share it.
func buildTimeline(epc string, events []*bulkhead.EPCISEvent, threshold time.Duration) *Timeline {
	tl := &Timeline{EPC: epc, Threshold: threshold}
	var seal, state string
	for i, e := range events {
		st := TimelineStep{Event: e, BizStep: cbvWord(e.BizStep), Disposition: cbvWord(e.Disposition), Where: e.ReadPoint}
		if id, ok := strings.CutPrefix(e.ReadPoint, "urn:bulkhead:site:"); ok {
			st.WhereSiteID, st.Where = id, ""
		} else if code, ok := strings.CutPrefix(e.ReadPoint, "urn:bulkhead:unlocode:"); ok {
			st.Where = code
		}
		var body struct {
			Seal  map[string]any   `json:"bh:seal"`
			Seals []map[string]any `json:"bh:seals"`
			Src   []map[string]any `json:"sourceList"`
			Dst   []map[string]any `json:"destinationList"`
		}
		if json.Unmarshal(e.Body, &body) == nil {
			if n, _ := body.Seal["bh:number"].(string); n != "" {
				seal, state = n, ""
				state, _ = body.Seal["bh:state"].(string)
				st.SealRead, _ = body.Seal["bh:observedNumber"].(string)
			} else if len(body.Seals) > 0 {
				if n, _ := body.Seals[0]["bh:number"].(string); n != "" {
					if n != seal {
						state = ""
					}
					seal = n
				}
			}
			for _, l := range append(body.Dst, body.Src...) {
				if t, _ := l["type"].(string); strings.HasSuffix(t, "possessing_party") || strings.HasSuffix(t, "owning_party") {
					st.Holder, _ = l["destination"].(string)
					if st.Holder == "" {
						st.Holder, _ = l["source"].(string)
					}
					break
				}
			}
		}
		st.Seal, st.SealState = seal, state
		if i > 0 {
			if d, gap := isGap(events[i-1], e, threshold); gap {
				st.Gap = d
				tl.Gaps++
			}
		}
		tl.Steps = append(tl.Steps, st)
	}
	return tl
}

// cbvWord returns the bare word of a CBV Web URI value.
func cbvWord(s string) string {
	if _, w, ok := strings.Cut(s, "/BizStep-"); ok {
		return w
	}
	if _, w, ok := strings.Cut(s, "/Disp-"); ok {
		return w
	}
	return s
}
