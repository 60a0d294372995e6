package service

import (
	"context"
	"errors"

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

// VerifyOrg checks one organisation's trail in a store: every entry in
// order, then the recorded head. A broken trail is a result, not an error.
func VerifyOrg(ctx context.Context, r bulkhead.Reader, orgID string) (*VerifyResult, error) {
	head, err := r.AuditHead(ctx, orgID)
	if err != nil {
		return nil, err
	}
	v := bulkhead.NewAuditVerifier(orgID)
	res := &VerifyResult{OrgID: orgID}
	err = r.ScanAudit(ctx, orgID, v.Check)
	if err == nil {
		err = v.Finish(head.Seq, head.Hash)
	}
	res.Entries = v.Count()
	var brk *bulkhead.AuditBreak
	switch {
	case errors.As(err, &brk):
		res.Break = brk
	case err != nil:
		return nil, err
	default:
		res.Intact = true
		res.Head = v.HeadHex()
	}
	return res, nil
}

// Dashboard holds the counts on the home page.
type Dashboard struct {
	Sites        int
	SitesByType  map[bulkhead.SiteType]int
	Members      int
	AuditEntries int64
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
	return d, nil
}
