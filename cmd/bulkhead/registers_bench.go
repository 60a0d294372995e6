package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// benchRegisters fills n records in each register of clauses 4.1, 4.2,
// 6.2, 6.3 and 7.4 through the store, in batches, then measures their list
// pages and API lists over real HTTP (bulkhead bench registers).
func benchRegisters(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench registers")
	db := benchDBFlag(fs)
	n := fs.Int("n", 10000, "records per register")
	reqs := fs.Int("requests", 200, "requests per measured page")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench registers on %s\n", b.engine)
	a := b.actor
	var sites []string
	for i, lc := range []string{"NLRTM", "NLVEN", "BEANR", "MXNLD"} {
		s, err := b.svc.CreateSite(ctx, a, bulkhead.SiteInput{Name: sp(fmt.Sprintf("Site %d %s", i, lc)), Type: sp("warehouse"), UNLOCODE: sp(lc), Country: sp(lc[:2]), TimeZone: sp("UTC")})
		if err != nil {
			return err
		}
		sites = append(sites, s.ID)
	}
	fill := time.Now()
	const batch = 2000
	day := func(i int) bulkhead.Date { return bulkhead.DateOf(time.Now().AddDate(0, 0, i%700-350)) }
	for done := 0; done < *n; {
		m := min(batch, *n-done)
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				now := bulkhead.Now()
				rec := func() bulkhead.Record {
					return bulkhead.Record{ID: bulkhead.NewID(), OrgID: a.OrgID, CreatedAt: now, UpdatedAt: now}
				}
				k := (i * 7919) % *n
				steps := []func() error{
					func() error {
						return tx.CreateContextIssue(ctx, &bulkhead.ContextIssue{Record: rec(), Origin: bulkhead.Origins[i%2], Category: bulkhead.IssueCategories[i%8],
							Title: fmt.Sprintf("Issue %07d on lane %d", k, i%31), Description: "Organised theft at parking areas", Effect: "Parking policy", ReviewDate: day(i)})
					},
					func() error {
						p := &bulkhead.InterestedParty{Record: rec(), Type: bulkhead.PartyTypes[i%len(bulkhead.PartyTypes)], Name: fmt.Sprintf("Party %07d", k), Contact: "desk@example.com"}
						if err := tx.CreateInterestedParty(ctx, p); err != nil {
							return err
						}
						if i%10 != 0 {
							return nil
						}
						return tx.CreatePartyRequirement(ctx, &bulkhead.PartyRequirement{Record: rec(), PartyID: p.ID, Source: bulkhead.SourceContractual, Description: "Secured parking"})
					},
					func() error {
						var linked []string
						if i%3 == 0 {
							linked = []string{sites[i%len(sites)]}
						}
						return tx.CreateLegalRequirement(ctx, &bulkhead.LegalRequirement{Record: rec(), Title: fmt.Sprintf("Requirement %07d", k), Jurisdiction: []string{"EU", "NL", "US", "MX"}[i%4],
							Reference: fmt.Sprintf("Art. %d", i%90), SiteIDs: linked, OwnerID: a.UserID, LastReview: day(i - 365), NextReview: day(i), Compliance: bulkhead.Compliances[i%4]})
					},
					func() error {
						cur := float64(i % 100)
						o := &bulkhead.Objective{Record: rec(), Statement: fmt.Sprintf("Objective %07d", k), Measure: "Thefts", Target: 100, Unit: "%", Current: &cur,
							StartDate: day(i - 100), DueDate: day(i), OwnerID: a.UserID, Status: bulkhead.ObjectiveStatuses[i%6]}
						if err := tx.CreateObjective(ctx, o); err != nil {
							return err
						}
						if i%10 != 0 {
							return nil
						}
						return tx.CreateObjectiveAction(ctx, &bulkhead.ObjectiveAction{Record: rec(), ObjectiveID: o.ID, Description: "Act", OwnerID: a.UserID, DueDate: day(i), Status: bulkhead.ActionOpen})
					},
					func() error {
						return tx.CreatePlannedChange(ctx, &bulkhead.PlannedChange{Record: rec(), Title: fmt.Sprintf("Change %07d", k), Description: "Move the gate",
							SiteIDs: []string{sites[i%len(sites)]}, RequesterID: a.UserID, PlannedDate: day(i), Status: bulkhead.ChangeProposed})
					},
					func() error {
						return tx.CreateCommunication(ctx, &bulkhead.Communication{Record: rec(), Topic: fmt.Sprintf("Briefing %07d", k), Frequency: bulkhead.Frequencies[i%7],
							Audience: "Dock staff", Channel: bulkhead.Channels[i%10], CommunicatorID: a.UserID, Direction: bulkhead.Origins[i%2]})
					},
				}
				for _, step := range steps {
					if err := step(); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += m
	}
	if cp, ok := b.st.(interface {
		Checkpoint(context.Context) (int, error)
	}); ok {
		if _, err := cp.Checkpoint(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "filled %d records in each of 6 registers in %s\n", *n, time.Since(fill).Round(time.Millisecond))

	handler, err := newHandler(b.svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := b.svc.CreateAPIToken(ctx, a, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := b.svc.Login(ctx, b.email, b.pw, "127.0.0.1")
	if err != nil {
		return err
	}
	client := srv.Client()
	get := func(path string, api bool) func() error {
		return func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
			if api {
				req.Header.Set("Authorization", "Bearer "+raw)
			} else {
				req.AddCookie(&http.Cookie{Name: "bulkhead_session", Value: sess})
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s: %s", path, resp.Status)
			}
			return nil
		}
	}
	mid := *n / 2 / 50
	cases := []struct {
		name string
		fn   func() error
	}{
		{"web /context-issues", get("/context-issues", false)},
		{"web /context-issues middle page", get(fmt.Sprintf("/context-issues?page=%d", mid), false)},
		{"web /context-issues search", get("/context-issues?q=0042", false)},
		{"web /parties by type", get("/parties?type=insurer", false)},
		{"web /legal", get("/legal", false)},
		{"web /legal overdue, by review", get("/legal?overdue=1&sort=next_review", false)},
		{"web /legal by site", get("/legal?site="+sites[0], false)},
		{"web /objectives", get("/objectives", false)},
		{"web /objectives by status desc", get("/objectives?sort=status&dir=desc", false)},
		{"web /changes", get("/changes", false)},
		{"web /changes last page", get(fmt.Sprintf("/changes?page=%d", *n/50), false)},
		{"web /communication", get("/communication", false)},
		{"web /communication search", get("/communication?q=briefing%20001", false)},
		{"API legal-requirements", get("/api/v1/legal-requirements?limit=50", true)},
		{"API objectives middle", get(fmt.Sprintf("/api/v1/objectives?limit=50&offset=%d", mid*50), true)},
		{"web /tasks", get("/tasks", false)},
		{"web /coverage", get("/coverage", false)},
		{"web / (dashboard)", get("/", false)},
	}
	fmt.Fprintf(e.stdout, "%-36s %9s %9s %9s  (%d requests each; target p99 < 100 ms)\n", "page", "p50", "p99", "max", *reqs)
	for _, c := range cases {
		for range 5 {
			if err := c.fn(); err != nil {
				return err
			}
		}
		ds := make([]time.Duration, *reqs)
		for i := range *reqs {
			start := time.Now()
			if err := c.fn(); err != nil {
				return err
			}
			ds[i] = time.Since(start)
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
		fmt.Fprintf(e.stdout, "%-36s %9s %9s %9s\n", c.name, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	return nil
}
