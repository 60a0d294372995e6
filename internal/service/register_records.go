package service

import (
	"context"
	"strings"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// The registers share their life cycle: read, create, edit, archive and
// restore, each authorised, validated and recorded in the audit trail in
// the same transaction. regKind describes one register for the shared
// code; each register keeps its own typed input and validation.

// regRecord is a register entry.
type regRecord interface{ Meta() *bulkhead.Record }

// regKind describes one register or child record type.
type regKind[T regRecord] struct {
	kind        string // audit object type and action prefix
	read, write Action
	get         func(ctx context.Context, r bulkhead.Reader, orgID, id string) (T, error)
	create      func(ctx context.Context, tx bulkhead.Tx, x T) error
	update      func(ctx context.Context, tx bulkhead.Tx, x T) error
	audit       func(x T) map[string]any
	// links checks, inside the transaction, that the members, sites and
	// parent a record points at belong to the actor's organisation.
	links func(ctx context.Context, tx bulkhead.Tx, a Actor, x T) error
}

// getRecord returns a record of the actor's organisation. EFORBIDDEN, ENOTFOUND.
func getRecord[T regRecord](s *Service, ctx context.Context, a Actor, k *regKind[T], id string) (T, error) {
	if err := authorize(a, k.read); err != nil {
		var zero T
		return zero, err
	}
	return k.get(ctx, s.store, a.OrgID, id)
}

// createRecord stores a new record made by fill, which sets and validates
// its fields. EFORBIDDEN, EINVALID.
func createRecord[T regRecord](s *Service, ctx context.Context, a Actor, k *regKind[T], x T, fill func(T) error) (T, error) {
	var zero T
	if err := authorize(a, k.write); err != nil {
		return zero, err
	}
	now := s.now()
	m := x.Meta()
	m.ID, m.OrgID, m.CreatedAt, m.UpdatedAt = bulkhead.NewID(), a.OrgID, now, now
	if err := fill(x); err != nil {
		return zero, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := k.links(ctx, tx, a, x); err != nil {
			return err
		}
		if err := k.create(ctx, tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, k.kind+".create", k.kind, m.ID, map[string]any{"after": k.audit(x)})
	})
	if err != nil {
		return zero, err
	}
	return x, nil
}

// updateRecord changes a record with change, which applies and validates
// the input. An edit that changes nothing writes nothing; archived records
// must be restored first. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func updateRecord[T regRecord](s *Service, ctx context.Context, a Actor, k *regKind[T], id string, change func(T) error) (T, error) {
	var out T
	if err := authorize(a, k.write); err != nil {
		return out, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := k.get(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if x.Meta().ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The record is archived; restore it before editing.")
		}
		before := k.audit(x)
		if err := change(x); err != nil {
			return err
		}
		out = x
		changes := diff(before, k.audit(x))
		if len(changes) == 0 {
			return nil
		}
		if err := k.links(ctx, tx, a, x); err != nil {
			return err
		}
		x.Meta().UpdatedAt = s.now()
		if err := k.update(ctx, tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, k.kind+".update", k.kind, id, map[string]any{"changes": changes})
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// archiveRecord archives (archive=true) or restores a record; doing either
// twice is a no-op. EFORBIDDEN, ENOTFOUND.
func archiveRecord[T regRecord](s *Service, ctx context.Context, a Actor, k *regKind[T], id string, archive bool) (T, error) {
	var out T
	if err := authorize(a, k.write); err != nil {
		return out, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		x, err := k.get(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		out = x
		m := x.Meta()
		if (m.ArchivedAt != nil) == archive {
			return nil
		}
		now := s.now()
		m.UpdatedAt = now
		action := k.kind + ".restore"
		if archive {
			m.ArchivedAt = &now
			action = k.kind + ".archive"
		} else {
			m.ArchivedAt = nil
		}
		if err := k.update(ctx, tx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, k.kind, id, map[string]any{"archived": archive})
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// linkCheck collects the field errors of references to other records.
type linkCheck struct {
	ctx    context.Context
	tx     bulkhead.Tx
	orgID  string
	fields map[string]string
}

func newLinkCheck(ctx context.Context, tx bulkhead.Tx, a Actor) *linkCheck {
	return &linkCheck{ctx: ctx, tx: tx, orgID: a.OrgID, fields: map[string]string{}}
}

// member checks that id, when set, is a member of the organisation.
func (l *linkCheck) member(field, id string) error {
	if id == "" {
		return nil
	}
	if _, err := l.tx.Membership(l.ctx, l.orgID, id); err != nil {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return err
		}
		l.fields[field] = bulkhead.FieldNotMember
	}
	return nil
}

// sites checks that every ID is a site of the organisation.
func (l *linkCheck) sites(field string, ids []string) error {
	for _, id := range ids {
		if _, err := l.tx.Site(l.ctx, l.orgID, id); err != nil {
			if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			l.fields[field] = bulkhead.FieldUnknownSite
		}
	}
	return nil
}

func (l *linkCheck) err() error {
	if len(l.fields) > 0 {
		return bulkhead.Invalid(l.fields)
	}
	return nil
}

// joinIDs is the audited form of a list of IDs.
func joinIDs(ids []string) string { return strings.Join(ids, ",") }

// listCheck authorises and normalises a register list.
func listCheck(a Actor, act Action, lf *bulkhead.ListFilter, normalize func() error) error {
	if err := authorize(a, act); err != nil {
		return err
	}
	lf.OrgID = a.OrgID
	return normalize()
}

// eachPage calls list for successive pages of at most MaxPageSize until
// every record that matches has been seen, for exports.
func eachPage[T any](lf *bulkhead.ListFilter, list func() ([]T, int, error), fn func(T) error) error {
	lf.Limit, lf.Offset = bulkhead.MaxPageSize, 0
	for {
		page, total, err := list()
		if err != nil {
			return err
		}
		for _, x := range page {
			if err := fn(x); err != nil {
				return err
			}
		}
		lf.Offset += len(page)
		if len(page) == 0 || lf.Offset >= total {
			return nil
		}
	}
}
