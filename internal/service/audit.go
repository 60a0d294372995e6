package service

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// AuditEntries lists the actor's organisation's audit entries, newest first.
// EFORBIDDEN, EINVALID.
func (s *Service) AuditEntries(ctx context.Context, a Actor, f bulkhead.AuditFilter) ([]*bulkhead.AuditEntry, int, error) {
	if err := authorize(a, ActAuditRead); err != nil {
		return nil, 0, err
	}
	f.OrgID = a.OrgID
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.AuditEntries(ctx, f)
}

// VerifyResult reports the check of one organisation's trail.
type VerifyResult struct {
	OrgID   string               `json:"organization_id"`
	Intact  bool                 `json:"intact"`
	Entries int64                `json:"entries_verified"`
	Head    string               `json:"head_hash,omitempty"`
	Break   *bulkhead.AuditBreak `json:"first_bad_entry,omitempty"`
}

// VerifyAudit checks the actor's organisation's trail. EFORBIDDEN.
func (s *Service) VerifyAudit(ctx context.Context, a Actor) (*VerifyResult, error) {
	if err := authorize(a, ActAuditVerify); err != nil {
		return nil, err
	}
	return VerifyOrg(ctx, s.store, a.OrgID)
}

// parallelVerifyMin is the trail length from which VerifyOrg checks two
// halves at once, on two connections.
const parallelVerifyMin = 20000

// VerifyOrg checks one organisation's trail in a store up to its recorded
// head: every entry in order, their links, then the head itself. Long trails
// are checked as two segments in parallel and joined. A broken trail is a
// result, not an error; the break reported is always the earliest.
func VerifyOrg(ctx context.Context, r bulkhead.Reader, orgID string) (*VerifyResult, error) {
	return VerifyOrgSegments(ctx, r, orgID, 0)
}

// VerifyOrgSegments is VerifyOrg with the trail cut into n segments checked
// in parallel; n <= 0 chooses (two for long trails, else one).
func VerifyOrgSegments(ctx context.Context, r bulkhead.Reader, orgID string, n int) (*VerifyResult, error) {
	head, err := r.AuditHead(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		n = 1
		if head.Seq >= parallelVerifyMin {
			n = 2
		}
	}
	n = int(max(1, min(int64(n), head.Seq)))
	bounds := make([]int64, n+1)
	for i := range n {
		bounds[i] = 1 + head.Seq*int64(i)/int64(n)
	}
	bounds[n] = head.Seq + 1
	segs := make([]*bulkhead.AuditVerifier, len(bounds)-1)
	errs := make([]error, len(segs))
	var wg sync.WaitGroup
	for i := range segs {
		segs[i] = bulkhead.NewAuditSegmentVerifier(orgID, bounds[i])
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.ScanAudit(ctx, orgID, bounds[i], bounds[i+1], segs[i].Check)
			if errs[i] == nil {
				errs[i] = segs[i].Complete(bounds[i+1])
			}
		}()
	}
	wg.Wait()
	err = errs[0]
	for i := 1; err == nil && i < len(segs); i++ {
		if err = errs[i]; err == nil {
			err = segs[0].Join(segs[i])
		} else if b := (*bulkhead.AuditBreak)(nil); errors.As(err, &b) {
			// The link into a broken segment may break earlier than its
			// first bad entry.
			if jerr := segs[0].Join(segs[i]); jerr != nil && segs[i].Count() > 0 {
				err = jerr
			}
		}
	}
	if err == nil {
		err = segs[0].Finish(head.Seq, head.Hash)
	}
	if err == nil {
		err = checkBeyondHead(ctx, r, orgID)
	}
	res := &VerifyResult{OrgID: orgID, Entries: segs[0].Count()}
	var brk *bulkhead.AuditBreak
	switch {
	case errors.As(err, &brk):
		res.Break = brk
	case err != nil:
		return nil, err
	default:
		res.Intact = true
		res.Head = segs[0].HeadHex()
	}
	return res, nil
}

// checkBeyondHead looks for entries past the recorded head. An entry and the
// head move in one transaction, so an entry still past a head read after it
// was seen was not written by the application.
func checkBeyondHead(ctx context.Context, r bulkhead.Reader, orgID string) error {
	h1, err := r.AuditHead(ctx, orgID)
	if err != nil {
		return err
	}
	var seen []*bulkhead.AuditEntry
	err = r.ScanAudit(ctx, orgID, h1.Seq+1, math.MaxInt64, func(e *bulkhead.AuditEntry) error {
		c := *e
		seen = append(seen, &c)
		if len(seen) > 1000 {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return err
	}
	if len(seen) == 0 {
		return nil
	}
	h2, err := r.AuditHead(ctx, orgID)
	if err != nil {
		return err
	}
	for _, e := range seen {
		if e.Seq > h2.Seq {
			return &bulkhead.AuditBreak{Code: bulkhead.BreakBeyondHead, OrgID: orgID, Seq: e.Seq, EntryID: e.ID, Reason: fmt.Sprintf("entry #%d lies past the recorded head #%d (added outside the application)", e.Seq, h2.Seq)}
		}
	}
	return nil
}

var errStop = errors.New("stop")

// Dashboard holds the counts on the home page.
type Dashboard struct {
	Sites        int
	SitesByType  map[bulkhead.SiteType]int
	Members      int
	AuditEntries int64
	// OpenDiscrepancies is the number of open chain-of-custody
	// discrepancies and DiscrepancySites the number of sites they concern
	// (both 0 for a role that may not read discrepancies).
	OpenDiscrepancies int
	DiscrepancySites  int
}

// Dashboard returns the home page's counts. EFORBIDDEN.
func (s *Service) Dashboard(ctx context.Context, a Actor) (*Dashboard, error) {
	if err := authorize(a, ActDashboard); err != nil {
		return nil, err
	}
	d := &Dashboard{}
	var err error
	if Can(a.Role, ActSiteRead) || a.System {
		if d.SitesByType, err = s.store.SiteCounts(ctx, a.OrgID); err != nil {
			return nil, err
		}
		for _, n := range d.SitesByType {
			d.Sites += n
		}
	}
	ms, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	d.Members = len(ms)
	head, err := s.store.AuditHead(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	d.AuditEntries = head.Seq
	if Can(a.Role, ActDiscrepancyRead) || a.System {
		counts, err := s.store.OpenDiscrepancyCounts(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		for site, n := range counts {
			d.OpenDiscrepancies += n
			if site != "" {
				d.DiscrepancySites++
			}
		}
	}
	return d, nil
}
