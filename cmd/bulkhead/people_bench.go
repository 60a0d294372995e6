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

// benchPeople fills an organisation with people, roles, courses and n
// training records through the store in batches, then measures the
// training-record list and the competence matrix of the largest site over
// real HTTP (web pages and API), p50 and p99.
func benchPeople(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench people")
	db := benchDBFlag(fs)
	n := fs.Int("n", 50000, "training records in the organisation")
	sitePeople := fs.Int("site-people", 500, "people working at the measured site")
	others := fs.Int("other-people", 1500, "people at the other sites")
	reqs := fs.Int("requests", 200, "requests per measured page")
	if err := fs.Parse(args); err != nil {
		return &usageError{err.Error()}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	fmt.Fprintf(e.stdout, "bench people on %s\n", b.engine)
	fill := time.Now()
	site, err := fillPeople(ctx, b, *n, *sitePeople, *others)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "filled %d people (%d at the measured site), %d training records in %s\n", *sitePeople+*others, *sitePeople, *n, time.Since(fill).Round(time.Millisecond))
	if cp, ok := b.st.(interface {
		Checkpoint(context.Context) (int, error)
	}); ok {
		if _, err := cp.Checkpoint(ctx); err != nil {
			return err
		}
	}

	handler, err := newHandler(b.svc, nil, false)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw, _, err := b.svc.CreateAPIToken(ctx, b.actor, "bench", 0)
	if err != nil {
		return err
	}
	sess, _, err := b.svc.Login(ctx, b.email, b.pw, "127.0.0.1")
	if err != nil {
		return err
	}
	client := srv.Client()
	get := func(path string, hdr func(*http.Request)) func() error {
		return func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
			hdr(req)
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
	api := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+raw) }
	page := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "bulkhead_session", Value: sess}) }
	mid := *n / 2 / 50
	cases := []struct {
		name string
		fn   func() error
	}{
		{"service: matrix of the site", func() error { _, err := b.svc.CompetenceMatrix(ctx, b.actor, site); return err }},
		{"web: /training first page", get("/training", page)},
		{"web: /training page in the middle", get(fmt.Sprintf("/training?page=%d", mid), page)},
		{"web: /training expired at the site", get("/training?expiry=expired&site_id="+site, page)},
		{"web: /training search", get("/training?q=person+0042", page)},
		{"web: /competence-matrix of the site", get("/competence-matrix?site_id="+site, page)},
		{"API: /training?limit=50", get("/api/v1/training?limit=50", api)},
		{"API: competence matrix of the site", get("/api/v1/competence-matrix?site_id="+site, api)},
	}
	fmt.Fprintf(e.stdout, "%-38s %9s %9s %9s  (%d requests each; target p99 < 100 ms)\n", "page", "p50", "p99", "max", *reqs)
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
		fmt.Fprintf(e.stdout, "%-38s %9s %9s %9s\n", c.name, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	return nil
}

// fillPeople writes the benchmark's register straight through the store:
// four sites, eight competences, six courses, four roles (two per site),
// people at the measured site (each assigned a role there) and elsewhere,
// and n training records spread over everyone, some expired. It returns the
// measured site's ID.
func fillPeople(ctx context.Context, b *benchOrg, n, sitePeople, others int) (string, error) {
	org := b.org.ID
	now := bulkhead.Now()
	today := bulkhead.Day(now)
	var sites []string
	var comps, courses, roles []string
	var people []string
	err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
		for i, lc := range []string{"NLRTM", "NLVEN", "BEANR", "MXNLD"} {
			s := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: org, Name: fmt.Sprintf("Bench site %d", i), Type: bulkhead.SiteWarehouse, UNLOCODE: lc, Country: lc[:2], TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSite(ctx, s); err != nil {
				return err
			}
			sites = append(sites, s.ID)
		}
		for i := range 8 {
			c := &bulkhead.Competence{ID: bulkhead.NewID(), OrgID: org, Name: fmt.Sprintf("Competence %d", i), CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateCompetence(ctx, c); err != nil {
				return err
			}
			comps = append(comps, c.ID)
		}
		for i := range 6 {
			c := &bulkhead.Course{ID: bulkhead.NewID(), OrgID: org, Title: fmt.Sprintf("Course %d", i), CompetenceIDs: []string{comps[i], comps[(i+1)%8]},
				RecurrenceMonths: 12 * (1 + i%2), Delivery: bulkhead.DeliveryClassroom, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateCourse(ctx, c); err != nil {
				return err
			}
			courses = append(courses, c.ID)
		}
		for i := range 4 {
			r := &bulkhead.SecurityRole{ID: bulkhead.NewID(), OrgID: org, Name: fmt.Sprintf("Role %d", i), CompetenceIDs: []string{comps[i], comps[i+2], comps[7]},
				PerSite: i < 2, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateSecurityRole(ctx, r); err != nil {
				return err
			}
			roles = append(roles, r.ID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	const batch = 5000
	total := sitePeople + others
	for done := 0; done < total; {
		m := min(batch, total-done)
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				site := sites[0]
				if i >= sitePeople {
					site = sites[1+i%3]
				}
				p := &bulkhead.Person{ID: bulkhead.NewID(), OrgID: org, Name: fmt.Sprintf("Person %05d", i), JobTitle: "Operative", SiteIDs: []string{site}, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreatePerson(ctx, p); err != nil {
					return err
				}
				people = append(people, p.ID)
				a := &bulkhead.RoleAssignment{ID: bulkhead.NewID(), OrgID: org, RoleID: roles[i%4], PersonID: p.ID, SiteID: site, From: today.AddDate(-1, 0, 0), CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateRoleAssignment(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		done += m
	}
	for done := 0; done < n; {
		m := min(batch, n-done)
		err := b.st.Write(ctx, func(tx bulkhead.Tx) error {
			for i := done; i < done+m; i++ {
				c := i % len(courses)
				completed := today.AddDate(0, 0, -(i*7919)%900)
				t := &bulkhead.TrainingRecord{ID: bulkhead.NewID(), OrgID: org, PersonID: people[(i*31)%len(people)], CourseID: courses[c], Completed: completed,
					Result: bulkhead.ResultPassed, EvidenceNote: "bench", CreatedAt: now, UpdatedAt: now}
				t.DeriveExpiry(12 * (1 + c%2))
				if err := tx.CreateTrainingRecord(ctx, t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		done += m
	}
	return sites[0], nil
}
