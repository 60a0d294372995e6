// Package service holds Bulkhead's business rules. Every method authorises
// its actor by role and organisation, validates input, and makes its change
// in one transaction together with the audit-trail entry that records it.
package service

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Actor is who is acting: a user in one organisation, or the system (CLI
// administration, demo loading).
type Actor struct {
	UserID   string
	Name     string // e-mail, or a label such as "cli"
	OrgID    string
	Role     bulkhead.Role
	Lang     string
	TimeZone string
	System   bool   // installation-level actor: bypasses role checks
	Via      string // "web", "api", "cli"
}

// SystemActor returns an installation-level actor acting in orgID.
func SystemActor(orgID, label string) Actor {
	return Actor{UserID: "system", Name: label, OrgID: orgID, System: true, Lang: "en", TimeZone: "UTC", Via: "cli"}
}

// Service is Bulkhead's business layer over a store.
type Service struct {
	store bulkhead.Store
	log   *slog.Logger
	now   func() time.Time
}

// New returns a service over store.
func New(store bulkhead.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, log: log, now: bulkhead.Now}
}

// SetClock replaces the clock (tests of expiry).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Store returns the underlying store.
func (s *Service) Store() bulkhead.Store { return s.store }

// record appends an audit entry for a change made in tx.
func (s *Service) record(ctx context.Context, tx bulkhead.Tx, a Actor, action, objType, objID string, change any) error {
	head, err := tx.LockAuditHead(ctx, a.OrgID)
	if err != nil {
		return err
	}
	body, err := json.Marshal(change)
	if err != nil {
		return err
	}
	e := &bulkhead.AuditEntry{
		OrgID:      a.OrgID,
		Seq:        head.Seq + 1,
		ID:         bulkhead.NewID(),
		At:         s.now(),
		ActorID:    a.UserID,
		ActorName:  a.Name,
		Action:     action,
		ObjectType: objType,
		ObjectID:   objID,
		Change:     body,
	}
	e.Seal(head.Hash)
	return tx.InsertAudit(ctx, e)
}

// fieldChange is one changed field in an update's audit entry.
type fieldChange struct {
	From any `json:"from"`
	To   any `json:"to"`
}
