package service

import (
	"context"
	"io"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
)

// ExportFormats are the formats incidents export to.
var ExportFormats = []string{"csv", "xlsx"}

// CheckIncidentExport checks the actor may export with the filter, before
// any byte is written. EFORBIDDEN, EINVALID.
func (s *Service) CheckIncidentExport(ctx context.Context, a Actor, f bulkhead.IncidentFilter, format string) error {
	if format != "csv" && format != "xlsx" {
		return bulkhead.Invalid(map[string]string{"format": bulkhead.FieldChoice})
	}
	f.Limit, f.Offset = 1, 0
	_, _, err := s.Incidents(ctx, a, f)
	return err
}

// ExportIncidents writes every incident matching the filter, in its order,
// as CSV or XLSX with the columns of export.IncidentHeader (which the import
// reads back). EFORBIDDEN, EINVALID.
func (s *Service) ExportIncidents(ctx context.Context, a Actor, f bulkhead.IncidentFilter, format string, w io.Writer) error {
	if err := s.CheckIncidentExport(ctx, a, f, format); err != nil {
		return err
	}
	names, err := s.siteNames(ctx, a.OrgID)
	if err != nil {
		return err
	}
	members, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return err
	}
	people := map[string]string{}
	for _, m := range members {
		people[m.UserID] = m.UserName
	}
	row := func(inc *bulkhead.Incident) []string {
		return export.IncidentRow(inc, names[inc.SiteID], people[inc.AssigneeID])
	}
	if format == "xlsx" {
		x, err := export.NewXLSX("Incidents")
		if err != nil {
			return err
		}
		if err := x.Write(export.IncidentHeader...); err != nil {
			return err
		}
		if err := s.EachIncident(ctx, a, f, func(inc *bulkhead.Incident) error { return x.Write(row(inc)...) }); err != nil {
			return err
		}
		_, err = x.WriteTo(w)
		return err
	}
	c := export.NewCSV(w)
	if err := c.Write(append([]string(nil), export.IncidentHeader...)...); err != nil {
		return err
	}
	if err := s.EachIncident(ctx, a, f, func(inc *bulkhead.Incident) error { return c.Write(row(inc)...) }); err != nil {
		return err
	}
	return c.Flush()
}

// siteNames maps the organisation's site IDs to names.
func (s *Service) siteNames(ctx context.Context, orgID string) (map[string]string, error) {
	out := map[string]string{}
	f := bulkhead.SiteFilter{OrgID: orgID, Status: bulkhead.StatusAll, Limit: bulkhead.MaxPageSize}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	for {
		page, total, err := s.store.Sites(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, st := range page {
			out[st.ID] = st.Name
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return out, nil
		}
	}
}

// IncidentSiteNames maps the organisation's site IDs to names, for pages
// and charts that show incidents. EFORBIDDEN.
func (s *Service) IncidentSiteNames(ctx context.Context, a Actor) (map[string]string, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return nil, err
	}
	return s.siteNames(ctx, a.OrgID)
}

// IncidentAssignees lists the members an incident may be assigned to or a
// corrective action owned by (everyone but partners), for those who work
// incidents. EFORBIDDEN.
func (s *Service) IncidentAssignees(ctx context.Context, a Actor) ([]*bulkhead.Membership, error) {
	if err := authorize(a, ActIncidentUpdate); err != nil {
		return nil, err
	}
	ms, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	out := ms[:0]
	for _, m := range ms {
		if m.Role != bulkhead.RolePartner {
			out = append(out, m)
		}
	}
	return out, nil
}

// OverdueIncidentNotifications counts the organisation's owed notifications
// past their deadline (up to 100). EFORBIDDEN.
func (s *Service) OverdueIncidentNotifications(ctx context.Context, a Actor) (int, error) {
	if err := authorize(a, ActIncidentRead); err != nil {
		return 0, err
	}
	ns, err := s.store.OverdueIncidentNotifications(ctx, a.OrgID, s.now(), 100)
	return len(ns), err
}
