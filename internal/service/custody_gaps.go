package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// maxGapChecks bounds the containers one capture checks for custody gaps.
const maxGapChecks = 50

const dispInTransit = "https://ref.gs1.org/cbv/Disp-in_transit"

// isGap reports whether the time between two events of one piece of
// equipment is a gap in custody: longer than the threshold while the
// goods were not in transit (a voyage may take weeks without events;
// standing in a yard for days without one should not happen).
func isGap(prev, next *bulkhead.EPCISEvent, threshold time.Duration) (time.Duration, bool) {
	d := next.EventTime.Sub(prev.EventTime)
	return d, d > threshold && prev.Disposition != dispInTransit
}

// custodyGaps opens a custody_gap discrepancy for each container (BIC EPC)
// of newly captured events that went more than DefaultCustodyGap without a
// custody event while not in transit: against the last stored event before
// the new ones, and between the new ones. The discrepancy's site is that of
// the event ending the gap when it names one of our sites.
func (s *Service) custodyGaps(ctx context.Context, tx bulkhead.Tx, a Actor, events []*bulkhead.EPCISEvent) error {
	byBIC := map[string][]*bulkhead.EPCISEvent{}
	var order []string
	for _, e := range events {
		for _, r := range e.EPCs {
			if strings.HasPrefix(r.EPC, "urn:epc:id:bic:") && !e.ErrorDeclaration {
				if _, seen := byBIC[r.EPC]; !seen {
					order = append(order, r.EPC)
				}
				byBIC[r.EPC] = append(byBIC[r.EPC], e)
			}
		}
	}
	if len(order) > maxGapChecks {
		order = order[:maxGapChecks]
	}
	for _, bic := range order {
		evs := byBIC[bic]
		slices.SortStableFunc(evs, func(x, y *bulkhead.EPCISEvent) int { return x.EventTime.Compare(y.EventTime) })
		first := evs[0].EventTime
		prev, err := tx.EPCISEvents(ctx, bulkhead.EventFilter{OrgID: a.OrgID, MatchAnyEPC: []string{bic}, LTEventTime: &first,
			OrderBy: bulkhead.OrderEventTime, Desc: true, Limit: 1})
		if err != nil {
			return err
		}
		chain := append(prev, evs...)
		for i := 1; i < len(chain); i++ {
			d, gap := isGap(chain[i-1], chain[i], DefaultCustodyGap)
			if !gap {
				continue
			}
			site, _ := strings.CutPrefix(chain[i].ReadPoint, "urn:bulkhead:site:")
			if site == chain[i].ReadPoint {
				site = ""
			}
			disc := &bulkhead.Discrepancy{ID: bulkhead.NewID(), OrgID: a.OrgID, SiteID: site, Kind: bulkhead.DiscCustodyGap,
				Summary: fmt.Sprintf("No custody event for %s for %.0f hours (%s to %s) while not in transit.", strings.TrimPrefix(bic, "urn:epc:id:bic:"),
					d.Hours(), chain[i-1].EventTime.Format("2006-01-02 15:04"), chain[i].EventTime.Format("2006-01-02 15:04 MST")),
				Evidence: []string{chain[i-1].EventID, chain[i].EventID}, Open: true, CreatedAt: s.now(), UpdatedAt: s.now()}
			if err := tx.CreateDiscrepancy(ctx, disc); err != nil {
				return err
			}
			if err := s.record(ctx, tx, a, "discrepancy.open", "discrepancy", disc.ID, map[string]any{"kind": string(disc.Kind), "summary": disc.Summary}); err != nil {
				return err
			}
		}
	}
	return nil
}
