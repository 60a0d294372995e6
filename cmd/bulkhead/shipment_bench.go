package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
)

// benchShipments fills shipments (through the store, as the service would
// store them) and custody events for some of their containers (through
// capture), then times the list (default page, filters, search) and the
// shipment timeline (bulkhead bench shipments).
func benchShipments(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench shipments")
	db := benchDBFlag(fs)
	n := fs.Int("n", 10000, "shipments to store")
	tracked := fs.Int("tracked", 200, "shipments whose containers get custody events (8 per container)")
	reqs := fs.Int("requests", 200, "timed requests per measurement")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	w := e.stdout
	fmt.Fprintf(w, "bench shipments on %s: %d shipments, %d with custody events\n", b.engine, *n, min(*tracked, *n))
	ids, err := fillShipments(ctx, w, b, *n, *tracked)
	if err != nil {
		return err
	}
	measure := func(name string, fn func(i int) error) error {
		times := make([]time.Duration, 0, *reqs)
		for i := range *reqs {
			t0 := time.Now()
			if err := fn(i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		q := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))].Round(time.Microsecond) }
		fmt.Fprintf(w, "%-40s p50 %-9s p90 %-9s p99 %-9s max %s\n", name, q(0.5), q(0.9), q(0.99), times[len(times)-1].Round(time.Microsecond))
		return nil
	}
	list := func(f bulkhead.ShipmentFilter) func(int) error {
		return func(i int) error {
			g := f
			g.Offset = (i % 20) * 50
			_, _, err := b.svc.Shipments(ctx, b.actor, g)
			return err
		}
	}
	steps := []struct {
		name string
		fn   func(int) error
	}{
		{"list, newest first (20 pages)", list(bulkhead.ShipmentFilter{})},
		{"list, by reference", list(bulkhead.ShipmentFilter{Sort: bulkhead.ShipmentSortReference})},
		{"list, status + destination filter", list(bulkhead.ShipmentFilter{Status: bulkhead.ShipmentInTransit, Destination: "MXNLD"})},
		{"list, search (reference substring)", func(i int) error {
			_, _, err := b.svc.Shipments(ctx, b.actor, bulkhead.ShipmentFilter{Query: fmt.Sprintf("BN-%03d", i%1000)})
			return err
		}},
		{"list, search (container number)", func(i int) error {
			_, _, err := b.svc.Shipments(ctx, b.actor, bulkhead.ShipmentFilter{Query: benchContainer(i * 37 % *n)[:9]})
			return err
		}},
		{"timeline, tracked shipment (2 containers)", func(i int) error {
			_, err := b.svc.ShipmentTimeline(ctx, b.actor, ids[i%len(ids)], 0)
			return err
		}},
	}
	for _, s := range steps {
		if err := measure(s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}

// benchContainer is the i-th bench container number, with its check digit.
func benchContainer(i int) string {
	s := fmt.Sprintf("BNCU%06d", i%1000000)
	return s + fmt.Sprint(bulkhead.ContainerCheckDigit(s))
}

// fillShipments stores n shipments of two containers each and captures
// eight custody events per container for the first tracked ones; it
// returns the IDs of the tracked shipments.
func fillShipments(ctx context.Context, w io.Writer, b *benchOrg, n, tracked int) ([]string, error) {
	t0 := time.Now()
	locodes := []string{"NLRTM", "BEANR", "DEHAM", "MXNLD", "ESVLC", "USLRD"}
	var ids []string
	const batch = 5000
	for done := 0; done < n; {
		m := min(batch, n-done)
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				now := bulkhead.Now()
				sh := &bulkhead.Shipment{ID: bulkhead.NewID(), OrgID: b.org.ID, Reference: fmt.Sprintf("BN-%07d", i), Origin: locodes[i%len(locodes)],
					Destination: locodes[(i+3)%len(locodes)], Mode: bulkhead.ShipmentModes[i%len(bulkhead.ShipmentModes)], Carrier: fmt.Sprintf("Carrier %d", i%40),
					Parties: "Forwarder B.V.; consignee S.A.", Departure: "2026-05-01", Arrival: "2026-05-20", Status: bulkhead.ShipmentStatuses[i%3],
					Notes: "bench", EPCs: []string{}, CreatedAt: now, UpdatedAt: now,
					Equipment: []bulkhead.ShipmentEquipment{{Number: benchContainer(2 * i), CheckOK: true, Seals: []string{fmt.Sprintf("S-%d-A", i)}},
						{Number: benchContainer(2*i + 1), CheckOK: true, Seals: []string{fmt.Sprintf("S-%d-B", i)}}}}
				if err := tx.CreateShipment(ctx, sh); err != nil {
					return err
				}
				if i < tracked {
					ids = append(ids, sh.ID)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		done += m
	}
	fmt.Fprintf(w, "stored %d shipments in %s\n", n, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	base := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	stepsOf := []string{"packing", "loading", "departing", "arriving", "unloading", "receiving", "inspecting", "storing"}
	var evs []string
	flush := func() error {
		if len(evs) == 0 {
			return nil
		}
		doc := `{"@context":["` + epcis.ContextURL + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-05-01T00:00:00Z","epcisBody":{"eventList":[` +
			strings.Join(evs, ",") + `]}}`
		evs = evs[:0]
		job, err := b.svc.CaptureEPCIS(ctx, b.actor, []byte(doc), false)
		if err != nil {
			return err
		}
		if job.Status != bulkhead.CaptureSuccess {
			return fmt.Errorf("bench capture: %v", job.Problems)
		}
		return nil
	}
	for i := range min(tracked, n) {
		for c := range 2 {
			for k, step := range stepsOf {
				evs = append(evs, fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:bic:%s"],"action":"OBSERVE","bizStep":"%s","readPoint":{"id":"urn:bulkhead:unlocode:%s"}}`,
					base.Add(time.Duration(i*10+k*20)*time.Hour).Format(time.RFC3339), benchContainer(2*i+c), step, locodes[k%len(locodes)]))
			}
		}
		if len(evs) >= 960 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "captured %d custody events in %s\n", min(tracked, n)*16, time.Since(t0).Round(time.Millisecond))
	return ids, nil
}
