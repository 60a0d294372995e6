package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/epcis"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// epcisGen writes realistic EPCIS 2.0 documents: the events of goods
// moving through a port (packing, loading, shipping, receiving), with
// SGTIN item lists, SSCC pallets, SGLN read points and locations, business
// transactions, parties, a sealing extension under our own namespace and
// now and then a temperature sensor report. Item serials are drawn from a
// pool of epcs, so that each item appears in several events.
type epcisGen struct {
	rnd  *rand.Rand
	epcs int
	seq  atomic.Int64
	run  string
	at   time.Time // the time of the last event: a document's events follow each other
}

func newEPCISGen(seed uint64, epcs int) *epcisGen {
	return &epcisGen{rnd: rand.New(rand.NewPCG(seed, 42)), epcs: max(epcs, 1), run: fmt.Sprintf("%08x", uint32(time.Now().UnixNano())^uint32(seed*2654435761)),
		at: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (g *epcisGen) item() string { return benchItem(g.rnd.IntN(g.epcs)) }

// benchItem is the SGTIN of item serial n: forty products, serials shared.
func benchItem(n int) string { return fmt.Sprintf("urn:epc:id:sgtin:4012345.0%05d.%d", n%40, n) }

var benchSteps = []struct{ step, disp string }{
	{"packing", "in_progress"}, {"staging_outbound", "in_progress"}, {"loading", "in_transit"},
	{"shipping", "in_transit"}, {"arriving", "in_transit"}, {"receiving", "in_progress"}, {"inspecting", "in_progress"},
}

// event writes one event.
func (g *epcisGen) event(b *bytes.Buffer) {
	n := g.seq.Add(1)
	st := benchSteps[g.rnd.IntN(len(benchSteps))]
	g.at = g.at.Add(time.Duration(g.rnd.Int64N(20_000)) * time.Millisecond)
	t := g.at
	site := g.rnd.IntN(50)
	fmt.Fprintf(b, `{"type":"%s","eventID":"urn:uuid:%s-0000-4000-8000-%012d","eventTime":"%s","eventTimeZoneOffset":"+01:00",`,
		map[bool]string{true: "AggregationEvent", false: "ObjectEvent"}[st.step == "packing"], g.run[:8], n, t.Add(time.Hour).Format("2006-01-02T15:04:05.000+01:00"))
	var items []string
	for range 1 + g.rnd.IntN(4) {
		if it := `"` + g.item() + `"`; !slices.Contains(items, it) {
			items = append(items, it)
		}
	}
	if st.step == "packing" {
		fmt.Fprintf(b, `"parentID":"urn:epc:id:sscc:4012345.%010d","childEPCs":[%s],"action":"ADD",`, g.rnd.IntN(g.epcs), strings.Join(items, ","))
	} else {
		fmt.Fprintf(b, `"epcList":[%s],"action":"OBSERVE",`, strings.Join(items, ","))
	}
	fmt.Fprintf(b, `"bizStep":"%s","disposition":"%s","readPoint":{"id":"urn:epc:id:sgln:4012345.%05d.%d"},"bizLocation":{"id":"urn:epc:id:sgln:4012345.%05d.0"},`,
		st.step, st.disp, site, g.rnd.IntN(9)+1, site)
	fmt.Fprintf(b, `"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:PO-%06d"}],`, g.rnd.IntN(100000))
	fmt.Fprintf(b, `"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00000"}],"destinationList":[{"type":"location","destination":"urn:epc:id:sgln:4098765.%05d.0"}],`, g.rnd.IntN(50))
	if g.rnd.IntN(10) == 0 {
		fmt.Fprintf(b, `"sensorElementList":[{"sensorMetadata":{"time":"%s"},"sensorReport":[{"type":"Temperature","value":%d.%d,"uom":"CEL"}]}],`,
			t.Format("2006-01-02T15:04:05.000Z"), 2+g.rnd.IntN(6), g.rnd.IntN(10))
	}
	fmt.Fprintf(b, `"bh:equipment":"MSKU%07d","bh:seal":{"bh:number":"NL%07d","bh:class":"H","bh:state":"affixed"}}`, g.rnd.IntN(10000000), g.rnd.IntN(10000000))
}

// document writes an EPCISDocument of n events, or of as many as fit in
// maxBytes when n is 0.
func (g *epcisGen) document(n, maxBytes int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"bh":"https://bulkhead.example/epcis/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-27T10:00:00Z","epcisBody":{"eventList":[`)
	const tail = "]}}"
	for i := 0; n == 0 || i < n; i++ {
		mark := b.Len()
		if i > 0 {
			b.WriteByte(',')
		}
		g.event(&b)
		if n == 0 && (b.Len()+len(tail) > maxBytes || i == epcis.MaxEvents) {
			b.Truncate(mark)
			break
		}
	}
	b.WriteString(tail)
	return b.Bytes()
}

// peakRSS returns the process's peak resident set size (VmHWM) in MiB;
// resetPeakRSS starts a new peak (Linux; both are no-ops elsewhere).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// cpuTime returns the CPU time (user + system) the process has used. On a
// machine shared with other work, events per CPU second say more than
// events per wall-clock second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchServer serves the benchmark organisation's API over real HTTP and
// returns a client that sends its API token.
func benchServer(ctx context.Context, b *benchOrg) (post func(path string, body []byte) (int, []byte, error), get func(path string) (int, error), stop func(), err error) {
	handler, err := newHandler(b.svc, nil, false)
	if err != nil {
		return nil, nil, nil, err
	}
	srv := httptest.NewServer(handler)
	raw, _, err := b.svc.CreateAPIToken(ctx, b.actor, "bench", 0)
	if err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	client := srv.Client()
	post = func(path string, body []byte) (int, []byte, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+raw)
		req.Header.Set("Content-Type", "application/ld+json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}
	get = func(path string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+raw)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	return post, get, srv.Close, nil
}

// benchEPCISCapture measures capture over HTTP against the floor of
// decoding and hashing the same documents.
func benchEPCISCapture(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench epcis-capture")
	db := benchDBFlag(fs)
	docs := fs.Int("docs", 30, "documents to capture")
	size := fs.Int("events", 1000, "events per document")
	conc := fs.Int("clients", 2, "concurrent clients")
	rounds := fs.Int("rounds", 1, "measure this many times, each into a new temporary SQLite repository, and report the medians (single runs vary with other work on the machine)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the (first) capture phase to this file")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *docs < 1 || *size < 1 || *conc < 1 || *rounds < 1 {
		return &usageError{"--docs, --events, --clients and --rounds must be at least 1"}
	}
	if *rounds > 1 && *db != "" {
		return &usageError{"--rounds needs the default temporary SQLite repository (no --db)"}
	}
	serverGC() // as serve runs
	w := e.stdout
	gen := newEPCISGen(1, *docs**size/2)
	all := make([][]byte, *docs+1)
	var bytesTotal int
	for i := range all {
		all[i] = gen.document(*size, 0)
		bytesTotal += len(all[i])
	}
	var floors, captures []float64
	for r := range *rounds {
		b, closeBench, err := openBench(ctx, *db)
		if err != nil {
			return err
		}
		if r == 0 {
			fmt.Fprintf(w, "bench epcis-capture on %s, GOMAXPROCS=%d, GOGC=%d: %d documents of %d events, %d clients\n", b.engine, runtime.GOMAXPROCS(0), gcPercent(), *docs, *size, *conc)
			fmt.Fprintf(w, "documents: %.1f KiB each on average\n", float64(bytesTotal)/float64(len(all))/1024)
		}
		if *rounds > 1 {
			fmt.Fprintf(w, "round %d of %d, new repository:\n", r+1, *rounds)
		}
		prof := ""
		if r == 0 {
			prof = *profile
		}
		floorRate, capRate, err := captureRound(ctx, w, b, all, *docs, *size, *conc, prof, r == *rounds-1)
		closeBench()
		if err != nil {
			return err
		}
		floors, captures = append(floors, floorRate), append(captures, capRate)
	}
	if *rounds > 1 {
		fmt.Fprintf(w, "median of %d rounds: capture %.0f events/s (rounds: %s), floor %.0f events/s, capture / floor %.2f\n",
			*rounds, median(captures), joinRates(captures), median(floors), median(captures)/median(floors))
	}
	return nil
}

// captureRound runs the floor and the capture of all[1:] over HTTP into
// b's repository (all[0] warms up), prints the figures and returns the
// two rates in events per second; last also measures the peak memory of
// capturing a document at the size limit.
func captureRound(ctx context.Context, w io.Writer, b *benchOrg, all [][]byte, docs, size, conc int, profile string, last bool) (floorRate, capRate float64, err error) {
	post, _, stop, err := benchServer(ctx, b)
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	// Floor: decode and hash only, on the same number of goroutines.
	var cpu time.Duration
	run := func(f func(doc []byte) error) (time.Duration, error) {
		cpu0 := cpuTime()
		defer func() { cpu = cpuTime() - cpu0 }()
		var next atomic.Int64
		var firstErr error
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for range conc {
			wg.Go(func() {
				for {
					i := int(next.Add(1))
					if i > docs {
						return
					}
					if err := f(all[i]); err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
				}
			})
		}
		wg.Wait()
		return time.Since(start), firstErr
	}
	hash := func(doc []byte) error { _, err := epcis.HashDocument(doc); return err }
	// A first pass, not counted: in a fresh process the first pass over
	// the documents grows the heap and takes twice the CPU time of the
	// next ones, which would flatter the capture measured after it.
	if _, err := run(hash); err != nil {
		return 0, 0, err
	}
	floor, err := run(hash)
	if err != nil {
		return 0, 0, err
	}
	floorCPU := cpu
	// Warm-up capture (statement preparation), not counted.
	if code, body, err := post("/api/v1/epcis/capture", all[0]); err != nil || code != 202 {
		return 0, 0, fmt.Errorf("warm-up capture: %d %v %.300s", code, err, body)
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, 0, err
		}
	}
	capture, err := run(func(doc []byte) error {
		code, body, err := post("/api/v1/epcis/capture", doc)
		if err == nil && code != 202 {
			err = fmt.Errorf("capture: %d %.300s", code, body)
		}
		return err
	})
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return 0, 0, err
	}
	n := float64(docs * size)
	floorRate, capRate = n/floor.Seconds(), n/capture.Seconds()
	cores := float64(runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "floor (decode + hash only):            %8.0f events/s  (%s; %.1f µs CPU per event)\n", floorRate, floor.Round(time.Millisecond), floorCPU.Seconds()*1e6/n)
	fmt.Fprintf(w, "capture over HTTP (validate, hash,\n  store, durable commit, audit):       %8.0f events/s  (%s, %.1f ms per document; %.1f µs CPU per event)\n",
		capRate, capture.Round(time.Millisecond), capture.Seconds()*1000/float64(docs)*float64(conc), cpu.Seconds()*1e6/n)
	fmt.Fprintf(w, "capture / floor:                       %8.2f  (by CPU time: %.2f)\n", capRate/floorRate, floorCPU.Seconds()/cpu.Seconds())
	if b.engine == "SQLite" {
		fmt.Fprintf(w, "CPU-bound ceiling on %d idle cores:     floor %.0f, capture %.0f events/s (wall-clock figures above are lower when other work shares the machine)\n",
			int(cores), n/floorCPU.Seconds()*cores, n/cpu.Seconds()*cores)
	} else {
		// The server's CPU time is not this process's: no ceiling can be
		// told from it.
		fmt.Fprintf(w, "(CPU times are this process's; the database server's are not counted)\n")
	}
	if cnt, err := b.st.EPCISEventCount(ctx, b.org.ID); err == nil {
		fmt.Fprintf(w, "events stored: %d\n", cnt)
	}
	if !last {
		return floorRate, capRate, nil
	}

	// Peak memory while capturing one document at the size limit.
	big := newEPCISGen(2, 100000).document(0, service.CaptureMaxBytes)
	runtime.GC()
	before := peakRSS()
	resetPeakRSS()
	base := peakRSS()
	start := time.Now()
	code, body, err := post("/api/v1/epcis/capture", big)
	if err != nil || code != 202 {
		return 0, 0, fmt.Errorf("capture at the limit: %d %v %.300s", code, err, body)
	}
	fmt.Fprintf(w, "document at the size limit: %.1f MiB, %d events, captured in %s; peak RSS %.0f MiB (%.0f MiB before it; peak so far %.0f MiB)\n",
		float64(len(big))/(1<<20), strings.Count(string(big), `"eventID"`), time.Since(start).Round(time.Millisecond), peakRSS(), base, before)
	return floorRate, capRate, nil
}

// median returns the median of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// joinRates lists rates as whole numbers.
func joinRates(xs []float64) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strings.Join(out, ", ")
}

// benchEPCISQuery fills the repository through the store and measures
// queries by EPC.
func benchEPCISQuery(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench epcis-query")
	db := benchDBFlag(fs)
	n := fs.Int("n", 1_000_000, "events to store")
	queries := fs.Int("queries", 2000, "queries to time")
	reuse := fs.Bool("reuse", false, "with --db naming a SQLite file or an EMPTY PostgreSQL database: keep the filled organisation and, on a later run with the same --n, time the queries again without filling")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *reuse && *db == "" {
		return &usageError{"--reuse needs --db"}
	}
	b, closeBench, err := openBench(ctx, *db)
	if err != nil {
		return err
	}
	defer closeBench()
	w := e.stdout
	fmt.Fprintf(w, "bench epcis-query on %s: %d events\n", b.engine, *n)
	// Each item appears in about five events (2.5 items per event).
	epcs := max(*n/2, 1)
	slug := fmt.Sprintf("bench-epcis-query-%d", *n)
	if *reuse {
		filled, err := reuseBenchOrg(ctx, b, slug, *n)
		if err != nil {
			return err
		}
		if filled {
			fmt.Fprintf(w, "reusing the %d events of organisation %s\n", *n, slug)
			return timeEPCQueries(ctx, w, b, epcs, *queries)
		}
	}
	gen := newEPCISGen(3, epcs)
	const docEvents = 5000
	fill := time.Now()
	job := &bulkhead.CaptureJob{ID: bulkhead.NewID(), OrgID: b.org.ID, Status: bulkhead.CaptureRunning, ActorName: "bench", CreatedAt: bulkhead.Now()}
	if err := b.st.Write(ctx, func(tx bulkhead.Tx) error { return tx.CreateCaptureJob(ctx, job) }); err != nil {
		return err
	}
	// Prepare (validate, hash, index) on every core while the previous
	// batch is written.
	type batch struct {
		evs []*bulkhead.EPCISEvent
		err error
	}
	ch := make(chan batch, 2)
	go func() {
		defer close(ch)
		for done := 0; done < *n; done += docEvents {
			p, err := epcis.Prepare(gen.document(min(docEvents, *n-done), 0), time.Now())
			if err == nil && !p.Report.Valid() {
				err = fmt.Errorf("generated document: %v", p.Report.Problems[0])
			}
			if err != nil {
				ch <- batch{err: err}
				return
			}
			now := bulkhead.Now()
			evs := make([]*bulkhead.EPCISEvent, len(p.Events))
			for i, pe := range p.Events {
				ev := &bulkhead.EPCISEvent{ID: bulkhead.NewID(), OrgID: b.org.ID, CaptureID: job.ID, EventID: pe.EventID, Hash: pe.Hash, Type: pe.Type,
					EventTime: pe.EventTime, RecordTime: now, Action: pe.Action, BizStep: pe.BizStep, Disposition: pe.Disposition,
					ReadPoint: pe.ReadPoint, BizLocation: pe.BizLocation, Body: pe.JSON}
				for _, r := range pe.EPCs {
					ev.EPCs = append(ev.EPCs, bulkhead.EPCRole{EPC: r.EPC, Role: r.Role})
				}
				evs[i] = ev
			}
			ch <- batch{evs: evs}
		}
	}()
	// Big transactions: the EPC index takes rows all over its pages, and
	// each transaction writes every page it touched once.
	const txEvents = 100_000
	stored := 0
	var pending []*bulkhead.EPCISEvent
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := b.st.Write(ctx, func(tx bulkhead.Tx) error { return tx.InsertEPCISEvents(ctx, pending) }); err != nil {
			return err
		}
		stored += len(pending)
		pending = nil
		fmt.Fprintf(w, "  %d events stored (%s)\n", stored, time.Since(fill).Round(time.Second))
		return nil
	}
	for bt := range ch {
		if bt.err != nil {
			return bt.err
		}
		if pending = append(pending, bt.evs...); len(pending) >= txEvents {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "filled %d events in %s (%.0f events/s)\n", stored, time.Since(fill).Round(time.Millisecond), float64(stored)/time.Since(fill).Seconds())
	if cp, ok := b.st.(interface{ Checkpoint(context.Context) error }); ok {
		cp.Checkpoint(ctx)
	}
	return timeEPCQueries(ctx, w, b, epcs, *queries)
}

// reuseBenchOrg makes the organisation with the given slug the benchmark's,
// creating it if need be and adding the benchmark's user to it, and reports
// whether it was already there (holding n events: it is filled).
func reuseBenchOrg(ctx context.Context, b *benchOrg, slug string, n int) (bool, error) {
	o, err := b.st.OrganizationBySlug(ctx, slug)
	filled := err == nil
	if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
		o, err = b.svc.CreateOrganization(ctx, service.SystemActor("", "bench"), "Bench EPCIS query", slug)
	}
	if err != nil {
		return false, err
	}
	if filled {
		have, err := b.st.EPCISEventCount(ctx, o.ID)
		if err != nil {
			return false, err
		}
		if have < n {
			return false, fmt.Errorf("organisation %s holds %d events, not %d: use another --db", slug, have, n)
		}
	}
	u, err := b.svc.AddMember(ctx, service.SystemActor(o.ID, "bench"), service.NewUser{Email: b.email, Role: bulkhead.RoleAdmin})
	if err != nil {
		return false, err
	}
	b.org = o
	b.actor = service.Actor{UserID: u.ID, Name: u.Email, OrgID: o.ID, Role: bulkhead.RoleAdmin, Via: "cli"}
	return filled, nil
}

// timeEPCQueries times queries by EPC, through the service and over HTTP.
func timeEPCQueries(ctx context.Context, w io.Writer, b *benchOrg, epcs, queries int) error {

	_, get, stop, err := benchServer(ctx, b)
	if err != nil {
		return err
	}
	defer stop()
	rnd := rand.New(rand.NewPCG(9, 9))
	pick := func() string {
		return benchItem(rnd.IntN(epcs))
	}
	measure := func(name string, fn func(epc string) (int, error)) error {
		times := make([]time.Duration, 0, queries)
		found := 0
		for range queries {
			epc := pick()
			start := time.Now()
			k, err := fn(epc)
			if err != nil {
				return err
			}
			times = append(times, time.Since(start))
			if k < 0 {
				found = -1 // not counted
			} else if found >= 0 {
				found += k
			}
		}
		slices.Sort(times)
		q := func(p float64) time.Duration { return times[int(p*float64(len(times)-1))].Round(time.Microsecond) }
		per := ""
		if found >= 0 {
			per = fmt.Sprintf(" (%.1f events per EPC)", float64(found)/float64(queries))
		}
		fmt.Fprintf(w, "%-44s p50 %-9s p90 %-9s p99 %-9s max %s%s\n", name, q(0.5), q(0.9), q(0.99), times[len(times)-1].Round(time.Microsecond), per)
		return nil
	}
	if err := measure("service: MATCH_anyEPC", func(epc string) (int, error) {
		f, err := service.ParseEventQuery(url.Values{"MATCH_anyEPC": {epc}})
		if err != nil {
			return 0, err
		}
		p, err := b.svc.EPCISEvents(ctx, b.actor, f)
		if err != nil {
			return 0, err
		}
		return len(p.Events), nil
	}); err != nil {
		return err
	}
	if err := measure("API: GET /api/v1/epcis/epcs/{epc}/events", func(epc string) (int, error) {
		code, err := get("/api/v1/epcis/epcs/" + url.PathEscape(epc) + "/events?orderBy=eventTime")
		if err == nil && code != 200 {
			err = fmt.Errorf("GET events of %s: %d", epc, code)
		}
		return -1, err
	}); err != nil {
		return err
	}
	return measure("API: GET /api/v1/epcis/events?MATCH_epc=", func(epc string) (int, error) {
		code, err := get("/api/v1/epcis/events?MATCH_epc=" + url.QueryEscape(epc))
		if err == nil && code != 200 {
			err = fmt.Errorf("GET events?MATCH_epc=%s: %d", epc, code)
		}
		return -1, err
	})
}
