package service

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// siteAudit is the audited view of a site's fields.
func siteAudit(s *bulkhead.Site) map[string]any {
	return map[string]any{
		"name": s.Name, "type": string(s.Type), "unlocode": s.UNLOCODE, "address": s.Address,
		"country": s.Country, "time_zone": s.TimeZone, "notes": s.Notes,
	}
}

func diff(before, after map[string]any) map[string]fieldChange {
	out := map[string]fieldChange{}
	for k, v := range after {
		if before[k] != v {
			out[k] = fieldChange{From: before[k], To: v}
		}
	}
	return out
}

// CreateSite creates a site. EFORBIDDEN, EINVALID.
func (s *Service) CreateSite(ctx context.Context, a Actor, in bulkhead.SiteInput) (*bulkhead.Site, error) {
	if err := authorize(a, ActSiteCreate); err != nil {
		return nil, err
	}
	now := s.now()
	site := &bulkhead.Site{ID: bulkhead.NewID(), OrgID: a.OrgID, TimeZone: "UTC", CreatedAt: now, UpdatedAt: now}
	in.Apply(site)
	if err := site.Validate(); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateSite(ctx, site); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "site.create", "site", site.ID, map[string]any{"after": siteAudit(site)})
	})
	if err != nil {
		return nil, err
	}
	return site, nil
}

// Site returns a site of the actor's organisation. EFORBIDDEN, ENOTFOUND.
func (s *Service) Site(ctx context.Context, a Actor, id string) (*bulkhead.Site, error) {
	if err := authorize(a, ActSiteRead); err != nil {
		return nil, err
	}
	return s.store.Site(ctx, a.OrgID, id)
}

// Sites lists the actor's organisation's sites. EFORBIDDEN, EINVALID.
func (s *Service) Sites(ctx context.Context, a Actor, f bulkhead.SiteFilter) ([]*bulkhead.Site, int, error) {
	if err := authorize(a, ActSiteRead); err != nil {
		return nil, 0, err
	}
	f.OrgID = a.OrgID
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.Sites(ctx, f)
}

// UpdateSite changes the given fields of a site. An update that changes
// nothing writes nothing. Archived sites must be restored before editing.
// EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateSite(ctx context.Context, a Actor, id string, in bulkhead.SiteInput) (*bulkhead.Site, error) {
	if err := authorize(a, ActSiteUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.Site
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		site, err := tx.Site(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if site.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The site is archived; restore it before editing.")
		}
		before := siteAudit(site)
		in.Apply(site)
		if err := site.Validate(); err != nil {
			return err
		}
		out = site
		changes := diff(before, siteAudit(site))
		if len(changes) == 0 {
			return nil
		}
		site.UpdatedAt = s.now()
		if err := tx.UpdateSite(ctx, site); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "site.update", "site", site.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ArchiveSite archives (archive=true) or restores a site. Archiving an
// archived site, or restoring an active one, is a no-op.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveSite(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Site, error) {
	if err := authorize(a, ActSiteArchive); err != nil {
		return nil, err
	}
	var out *bulkhead.Site
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		site, err := tx.Site(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		out = site
		if (site.ArchivedAt != nil) == archive {
			return nil
		}
		now := s.now()
		site.UpdatedAt = now
		action := "site.restore"
		if archive {
			site.ArchivedAt = &now
			action = "site.archive"
		} else {
			site.ArchivedAt = nil
		}
		if err := tx.UpdateSite(ctx, site); err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "site", site.ID, map[string]any{"archived": archive})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachSite calls fn for every site of the actor's organisation that matches
// the filter, in its order (Limit and Offset are ignored), for exports.
// EFORBIDDEN, EINVALID.
func (s *Service) EachSite(ctx context.Context, a Actor, f bulkhead.SiteFilter, fn func(*bulkhead.Site) error) error {
	if err := authorize(a, ActSiteRead); err != nil {
		return err
	}
	f.OrgID, f.Limit, f.Offset = a.OrgID, bulkhead.MaxPageSize, 0
	if err := f.Normalize(); err != nil {
		return err
	}
	for {
		page, total, err := s.store.Sites(ctx, f)
		if err != nil {
			return err
		}
		for _, site := range page {
			if err := fn(site); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}
