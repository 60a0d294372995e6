package service_test

import (
	"fmt"
	"testing"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// BenchmarkAuditedWrite measures one site creation with its audit entry, in
// its own transaction, on SQLite.
func BenchmarkAuditedWrite(b *testing.B) {
	svc := newService(b)
	org, _ := svc.CreateOrganization(ctx, service.SystemActor("", "b"), "B", "bench")
	a := service.SystemActor(org.ID, "bench")
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.CreateSite(ctx, a, siteInput(fmt.Sprintf("Site %d", i), "NLRTM")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}

// BenchmarkVerify measures verifying a trail of 100,000 entries on SQLite.
func BenchmarkVerify(b *testing.B) {
	svc := newService(b)
	st := svc.Store()
	org, _ := svc.CreateOrganization(ctx, service.SystemActor("", "b"), "B", "bench")
	const n = 100000
	err := st.Write(ctx, func(tx bulkhead.Tx) error {
		head, err := tx.LockAuditHead(ctx, org.ID)
		if err != nil {
			return err
		}
		prev := head.Hash
		for i := range n - 1 {
			e := &bulkhead.AuditEntry{OrgID: org.ID, Seq: head.Seq + int64(i) + 1, ID: bulkhead.NewID(), At: bulkhead.Now(), ActorID: "u", ActorName: "u@x.example",
				Action: "site.update", ObjectType: "site", ObjectID: bulkhead.NewID(), Change: []byte(`{"changes":{"notes":{"from":"a","to":"b"}}}`)}
			e.Seal(prev)
			prev = e.Hash
			if err := tx.InsertAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		res, err := service.VerifyOrg(ctx, st, org.ID)
		if err != nil || !res.Intact || res.Entries != n {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
}
