package service_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// docFixture is a fixture with helpers for documents.
type docFixture struct {
	t   *testing.T
	svc *service.Service
	f   *fixture
}

func newDocFixture(t *testing.T) *docFixture {
	svc := newService(t)
	return &docFixture{t: t, svc: svc, f: newFixture(t, svc, "docs")}
}

func (x *docFixture) as(r bulkhead.Role) service.Actor { return x.f.actors[r] }

// create makes a document as the security manager.
func (x *docFixture) create(ref string, t bulkhead.DocType, ack bool) *bulkhead.Document {
	x.t.Helper()
	d, err := x.svc.CreateDocument(ctx, x.as(bulkhead.RoleSecurityManager), bulkhead.DocumentInput{Reference: &ref, Title: ptr("Title " + ref),
		Type: ptr(string(t)), AckRequired: &ack, ReviewMonths: ptr(12)})
	if err != nil {
		x.t.Fatal(err)
	}
	return d
}

// auditSeq is the organisation's audit head, to check that refusals write nothing.
func (x *docFixture) auditSeq() int64 {
	x.t.Helper()
	h, err := x.svc.Store().AuditHead(ctx, x.f.org.ID)
	if err != nil {
		x.t.Fatal(err)
	}
	return h.Seq
}

// refuse checks that fn fails with code and writes nothing.
func (x *docFixture) refuse(name, code string, fn func() error) {
	x.t.Helper()
	before := x.auditSeq()
	err := fn()
	if got := bulkhead.ErrorCode(err); got != code {
		x.t.Errorf("%s: code %q (%v), want %q", name, got, err, code)
	}
	if after := x.auditSeq(); after != before {
		x.t.Errorf("%s: audit trail moved %d → %d: something was written", name, before, after)
	}
}

func TestDocumentWorkflow(t *testing.T) {
	t.Parallel()
	x := newDocFixture(t)
	secm, topm, admin, siteo := x.as(bulkhead.RoleSecurityManager), x.as(bulkhead.RoleTopManagement), x.as(bulkhead.RoleAdmin), x.as(bulkhead.RoleSiteOfficer)
	pol := x.create("POL-1", bulkhead.DocPolicy, true)
	if pol.OwnerID != secm.UserID || pol.Classification != bulkhead.ClassInternal {
		t.Errorf("defaults: owner %q class %q", pol.OwnerID, pol.Classification)
	}
	v1, err := x.svc.SaveDraft(ctx, secm, pol.ID, bulkhead.VersionInput{Body: ptr("# Policy\n\nWe keep freight safe.")})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Number != 1 || v1.Status != bulkhead.VersionDraft {
		t.Fatalf("v1 = %d %s", v1.Number, v1.Status)
	}
	// Editing the draft keeps it version 1.
	if v, err := x.svc.SaveDraft(ctx, secm, pol.ID, bulkhead.VersionInput{Body: ptr("# Policy\n\nWe keep all freight safe.")}); err != nil || v.ID != v1.ID {
		t.Fatalf("second save = %v, %v; want the same draft", v, err)
	}
	x.refuse("publish a draft", bulkhead.ECONFLICT, func() error { _, err := x.svc.PublishVersion(ctx, secm, pol.ID, v1.ID); return err })
	x.refuse("approve a draft", bulkhead.ECONFLICT, func() error { _, err := x.svc.ApproveVersion(ctx, topm, pol.ID, v1.ID); return err })
	if _, err := x.svc.SubmitVersion(ctx, secm, pol.ID, v1.ID); err != nil {
		t.Fatal(err)
	}
	x.refuse("edit a version in review", bulkhead.ECONFLICT, func() error {
		_, err := x.svc.UpdateVersion(ctx, secm, pol.ID, v1.ID, bulkhead.VersionInput{Body: ptr("sneaky")})
		return err
	})
	x.refuse("publish a version in review", bulkhead.ECONFLICT, func() error { _, err := x.svc.PublishVersion(ctx, secm, pol.ID, v1.ID); return err })
	x.refuse("policy approved by the security manager", bulkhead.EFORBIDDEN, func() error { _, err := x.svc.ApproveVersion(ctx, secm, pol.ID, v1.ID); return err })
	x.refuse("policy approved by the admin", bulkhead.EFORBIDDEN, func() error { _, err := x.svc.ApproveVersion(ctx, admin, pol.ID, v1.ID); return err })
	x.refuse("approval by a site officer", bulkhead.EFORBIDDEN, func() error { _, err := x.svc.ApproveVersion(ctx, siteo, pol.ID, v1.ID); return err })

	// Top management approves; the security manager publishes.
	v, err := x.svc.ApproveVersion(ctx, topm, pol.ID, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.ApprovedBy != topm.UserID || v.ApprovedRole != bulkhead.RoleTopManagement || v.ApprovedAt == nil || v.SubmittedBy != secm.UserID {
		t.Errorf("approval not recorded: %+v", v)
	}
	x.refuse("edit an approved version", bulkhead.ECONFLICT, func() error {
		_, err := x.svc.UpdateVersion(ctx, secm, pol.ID, v1.ID, bulkhead.VersionInput{Body: ptr("sneaky")})
		return err
	})
	x.refuse("acknowledge before publication", bulkhead.ECONFLICT, func() error { _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, ""); return err })
	if v, err = x.svc.PublishVersion(ctx, secm, pol.ID, v1.ID); err != nil {
		t.Fatal(err)
	}
	if v.Status != bulkhead.VersionPublished || v.PublishedBy != secm.UserID || v.PublishedAt == nil {
		t.Errorf("publication not recorded: %+v", v)
	}
	d, _ := x.svc.Document(ctx, secm, pol.ID)
	if d.PublishedID != v1.ID || d.ReviewDue == nil || d.ReviewDue.Before(time.Now().AddDate(0, 11, 0)) {
		t.Errorf("document after publish: published %q review %v", d.PublishedID, d.ReviewDue)
	}
	x.refuse("edit a published version", bulkhead.ECONFLICT, func() error {
		_, err := x.svc.UpdateVersion(ctx, secm, pol.ID, v1.ID, bulkhead.VersionInput{Body: ptr("sneaky")})
		return err
	})

	// Acknowledgements.
	if _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, v1.ID); err != nil {
		t.Fatal(err)
	}
	before := x.auditSeq()
	if _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, ""); err != nil {
		t.Fatal(err)
	}
	if x.auditSeq() != before {
		t.Error("a second acknowledgement wrote again")
	}
	rep, err := x.svc.DocumentAckReport(ctx, secm, pol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 1 || rep.Total != len(bulkhead.Roles) || len(rep.Groups) != 1 || rep.Groups[0].SiteID != "" {
		t.Errorf("report = done %d total %d groups %+v", rep.Done, rep.Total, rep.Groups)
	}

	// Editing the published text starts version 2 as a copy; v1 stays published.
	v2, err := x.svc.SaveDraft(ctx, secm, pol.ID, bulkhead.VersionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || v2.Status != bulkhead.VersionDraft || !strings.Contains(v2.Body, "all freight") {
		t.Fatalf("v2 = %d %s %q", v2.Number, v2.Status, v2.Body)
	}
	x.refuse("acknowledge a draft", bulkhead.ECONFLICT, func() error { _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, v2.ID); return err })
	// The version's author may not approve it, even with the right role.
	if _, err := x.svc.UpdateVersion(ctx, topm, pol.ID, v2.ID, bulkhead.VersionInput{Body: ptr("Version two by the director.")}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.SubmitVersion(ctx, topm, pol.ID, v2.ID); err != nil {
		t.Fatal(err)
	}
	x.refuse("approval by the author", bulkhead.EFORBIDDEN, func() error { _, err := x.svc.ApproveVersion(ctx, topm, pol.ID, v2.ID); return err })
	if _, err := x.svc.ReturnVersion(ctx, secm, pol.ID, v2.ID); bulkhead.ErrorCode(err) != bulkhead.EFORBIDDEN {
		t.Errorf("return by a role that may not approve: %v", err)
	}
	// Another top manager approves it; publishing makes v1 obsolete.
	topm2, err := x.svc.AddMember(ctx, service.SystemActor(x.f.org.ID, "test"), service.NewUser{Email: "d2@docs.example", Name: "D2", Password: "correct horse battery", Role: bulkhead.RoleTopManagement})
	if err != nil {
		t.Fatal(err)
	}
	other := service.Actor{UserID: topm2.ID, Name: topm2.Email, OrgID: x.f.org.ID, Role: bulkhead.RoleTopManagement}
	if _, err := x.svc.ApproveVersion(ctx, other, pol.ID, v2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.PublishVersion(ctx, secm, pol.ID, v2.ID); err != nil {
		t.Fatal(err)
	}
	old, _ := x.svc.DocumentVersion(ctx, secm, pol.ID, v1.ID)
	if old.Status != bulkhead.VersionObsolete || old.ObsoletedAt == nil {
		t.Errorf("v1 after v2's publication: %s", old.Status)
	}
	x.refuse("acknowledge the superseded version", bulkhead.ECONFLICT, func() error { _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, v1.ID); return err })
	// A new published version needs new acknowledgements.
	rep, _ = x.svc.DocumentAckReport(ctx, secm, pol.ID)
	if rep.Done != 0 || rep.Number != 2 {
		t.Errorf("after v2: done %d number %d", rep.Done, rep.Number)
	}
	tasks, err := x.svc.MyTasks(ctx, siteo)
	if err != nil {
		t.Fatal(err)
	}
	if !docHasTask(tasks, "document.acknowledge", "POL-1") {
		t.Errorf("site officer's tasks lack the acknowledgement: %+v", tasks)
	}
	if _, err := x.svc.Acknowledge(ctx, siteo, pol.ID, ""); err != nil {
		t.Fatal(err)
	}
	tasks, _ = x.svc.MyTasks(ctx, siteo)
	if docHasTask(tasks, "document.acknowledge", "POL-1") {
		t.Errorf("acknowledged document still a task")
	}

	// Audit trail: each step recorded.
	entries, _, err := x.svc.AuditEntries(ctx, admin, bulkhead.AuditFilter{ObjectType: "document", ObjectID: pol.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Action]++
	}
	for _, a := range []string{"document.create", "document.version_create", "document.version_update", "document.submit", "document.approve", "document.publish", "document.acknowledge"} {
		if seen[a] == 0 {
			t.Errorf("no %s audit entry: %v", a, seen)
		}
	}
}

func docHasTask(ts []service.Task, kind, title string) bool {
	for _, t := range ts {
		if t.Kind == kind && strings.Contains(t.Title, title) {
			return true
		}
	}
	return false
}

func TestDocumentTasksAndCoverage(t *testing.T) {
	t.Parallel()
	x := newDocFixture(t)
	secm, topm, admin, contr := x.as(bulkhead.RoleSecurityManager), x.as(bulkhead.RoleTopManagement), x.as(bulkhead.RoleAdmin), x.as(bulkhead.RoleContributor)
	cov, err := x.svc.ClauseCoverage(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if c := docClause(cov, "4.3"); c == nil || !c.Missing {
		t.Errorf("4.3 before any scope: %+v", c)
	}
	if c := docClause(cov, "5.2"); c == nil || !c.Missing {
		t.Errorf("5.2 before any policy: %+v", c)
	}
	pro := x.create("PRO-1", bulkhead.DocProcedure, false)
	v, err := x.svc.SaveDraft(ctx, contr, pro.ID, bulkhead.VersionInput{Body: ptr("Steps.")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.SubmitVersion(ctx, contr, pro.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []service.Actor{secm, topm, admin} {
		ts, _ := x.svc.MyTasks(ctx, a)
		if !docHasTask(ts, "document.approve", "PRO-1") {
			t.Errorf("%s lacks the approval task: %+v", a.Role, ts)
		}
	}
	if ts, _ := x.svc.MyTasks(ctx, contr); docHasTask(ts, "document.approve", "PRO-1") {
		t.Error("the author has an approval task")
	}
	// A policy in review is top management's only.
	pol := x.create("POL-1", bulkhead.DocPolicy, false)
	pv, _ := x.svc.SaveDraft(ctx, secm, pol.ID, bulkhead.VersionInput{Body: ptr("Policy.")})
	x.svc.SubmitVersion(ctx, secm, pol.ID, pv.ID)
	if ts, _ := x.svc.MyTasks(ctx, admin); docHasTask(ts, "document.approve", "POL-1") {
		t.Error("admin has the policy's approval task")
	}
	if ts, _ := x.svc.MyTasks(ctx, topm); !docHasTask(ts, "document.approve", "POL-1") {
		t.Error("top management lacks the policy's approval task")
	}
	x.svc.ApproveVersion(ctx, topm, pol.ID, pv.ID)
	if _, err := x.svc.PublishVersion(ctx, secm, pol.ID, pv.ID); err != nil {
		t.Fatal(err)
	}
	// Past its review date a month later.
	x.svc.SetClock(func() time.Time { return time.Now().AddDate(1, 1, 0) })
	defer x.svc.SetClock(bulkhead.Now)
	if ts, _ := x.svc.MyTasks(ctx, secm); !docHasTask(ts, "document.review", "POL-1") {
		t.Errorf("security manager lacks the overdue review")
	}
	cov, _ = x.svc.ClauseCoverage(ctx, admin)
	if c := docClause(cov, "5.2"); c == nil || c.Missing || c.Count != 1 {
		t.Errorf("5.2 after the policy: %+v", c)
	}
	if c := docClause(cov, "7.5"); c == nil || c.Count != 2 || c.Overdue != 1 {
		t.Errorf("7.5: %+v", c)
	}
}

func docClause(cs []service.ClauseStatus, n string) *service.ClauseStatus {
	for i := range cs {
		if cs[i].Clause == n {
			return &cs[i]
		}
	}
	return nil
}

func TestDocumentInvalidInput(t *testing.T) {
	t.Parallel()
	x := newDocFixture(t)
	secm := x.as(bulkhead.RoleSecurityManager)
	x.create("DUP-1", bulkhead.DocProcedure, false)
	tests := []struct {
		name  string
		in    bulkhead.DocumentInput
		field string
		code  string
	}{
		{"no title", bulkhead.DocumentInput{Reference: ptr("A-1"), Type: ptr("form")}, "title", bulkhead.FieldRequired},
		{"bad type", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("memo")}, "type", bulkhead.FieldChoice},
		{"bad class", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), Classification: ptr("secret")}, "classification", bulkhead.FieldChoice},
		{"bad ack role", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), AckRoles: &[]string{"captain"}}, "ack_roles", bulkhead.FieldChoice},
		{"owner not a member", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), OwnerID: ptr(bulkhead.NewID())}, "owner_id", bulkhead.FieldChoice},
		{"bad date", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), ReviewDue: ptr("31/12/2030")}, "review_due", bulkhead.FieldDate},
		{"review before creation", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), ReviewDue: ptr("2020-01-01")}, "review_due", bulkhead.FieldDateOrder},
		{"negative period", bulkhead.DocumentInput{Reference: ptr("A-1"), Title: ptr("x"), Type: ptr("form"), ReviewMonths: ptr(-1)}, "review_months", bulkhead.FieldRange},
		{"reference taken", bulkhead.DocumentInput{Reference: ptr("dup-1"), Title: ptr("x"), Type: ptr("form")}, "reference", bulkhead.FieldTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := x.auditSeq()
			_, err := x.svc.CreateDocument(ctx, secm, tt.in)
			if f := bulkhead.ErrorFields(err); f[tt.field] != tt.code {
				t.Errorf("fields = %v (%v), want %s: %s", f, err, tt.field, tt.code)
			}
			if x.auditSeq() != before {
				t.Error("something was written")
			}
		})
	}
	// The type is fixed once there are versions.
	d := x.create("FIX-1", bulkhead.DocProcedure, false)
	if _, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{Body: ptr("x")}); err != nil {
		t.Fatal(err)
	}
	x.refuse("type change", bulkhead.EINVALID, func() error {
		_, err := x.svc.UpdateDocument(ctx, secm, d.ID, bulkhead.DocumentInput{Type: ptr("policy")})
		return err
	})
	empty := x.create("E-1", bulkhead.DocForm, false)
	x.refuse("empty version", bulkhead.EINVALID, func() error {
		_, err := x.svc.SaveDraft(ctx, secm, empty.ID, bulkhead.VersionInput{Body: ptr("  ")})
		return err
	})
}

// docx builds a minimal Word package.
func testDocx(t *testing.T, mainType string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="` + mainType + `"/></Types>`))
	w, _ = zw.Create("word/document.xml")
	w.Write([]byte(`<w:document/>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDocumentFiles(t *testing.T) {
	t.Parallel()
	x := newDocFixture(t)
	secm := x.as(bulkhead.RoleSecurityManager)
	d := x.create("FILE-1", bulkhead.DocForm, false)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	word := testDocx(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
	bad := []struct {
		name, file string
		b          []byte
		code       string
	}{
		{"exe renamed pdf", "form.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), bulkhead.FieldFileType},
		{"html as pdf", "form.pdf", []byte("<html><script>alert(1)</script></html>"), bulkhead.FieldFileType},
		{"pdf named docx", "form.docx", pdf, bulkhead.FieldFileName},
		{"zip that is not office", "form.docx", testDocx(t, "application/xml"), bulkhead.FieldFileType},
		{"too large", "big.pdf", append([]byte("%PDF-"), make([]byte, bulkhead.MaxDocumentFile)...), bulkhead.FieldFileSize},
	}
	for _, tt := range bad {
		x.refuse(tt.name, bulkhead.EINVALID, func() error {
			_, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{File: tt.b, FileName: tt.file})
			if f := bulkhead.ErrorFields(err); f["file"] != tt.code {
				t.Errorf("%s: fields %v, want file: %s", tt.name, f, tt.code)
			}
			return err
		})
	}
	v, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{File: word, FileName: `C:\Users\me\Visitor "log".docx`})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(word)
	if v.FileName != "Visitor log.docx" || v.FileSHA256 != hex.EncodeToString(sum[:]) || v.FileType != bulkhead.FileDOCX.MediaType || v.FileSize != int64(len(word)) {
		t.Errorf("version file = %q %s %s %d", v.FileName, v.FileType, v.FileSHA256, v.FileSize)
	}
	_, b, err := x.svc.DocumentFile(ctx, x.as(bulkhead.RoleViewer), d.ID, v.ID)
	if err != nil || !bytes.Equal(b, word) {
		t.Fatalf("file back = %d bytes, %v", len(b), err)
	}
	// Replacing the file with a PDF in the same draft.
	if v, err = x.svc.UpdateVersion(ctx, secm, d.ID, v.ID, bulkhead.VersionInput{File: pdf, FileName: "form.pdf"}); err != nil || v.FileType != "application/pdf" {
		t.Fatalf("replace = %v, %v", v, err)
	}
	if _, b, _ = x.svc.DocumentFile(ctx, secm, d.ID, v.ID); !bytes.Equal(b, pdf) {
		t.Error("file not replaced")
	}
}

func TestDocumentScopeAndClassification(t *testing.T) {
	t.Parallel()
	x := newDocFixture(t)
	secm, topm := x.as(bulkhead.RoleSecurityManager), x.as(bulkhead.RoleTopManagement)
	d := x.create("SCOPE-1", bulkhead.DocScope, false)
	bad := []struct {
		name  string
		sc    *bulkhead.ScopeDetails
		field string
	}{
		{"no sites", &bulkhead.ScopeDetails{}, "site_ids"},
		{"unknown site", &bulkhead.ScopeDetails{SiteIDs: []string{bulkhead.NewID()}}, "site_ids"},
		{"exclusion without justification", &bulkhead.ScopeDetails{SiteIDs: []string{x.f.site.ID}, Exclusions: []bulkhead.Exclusion{{Item: "Brokerage"}}}, "exclusions"},
	}
	for _, tt := range bad {
		x.refuse(tt.name, bulkhead.EINVALID, func() error {
			_, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{Body: ptr("Scope."), Scope: tt.sc})
			if f := bulkhead.ErrorFields(err); f[tt.field] == "" {
				t.Errorf("%s: fields %v, want %s", tt.name, f, tt.field)
			}
			return err
		})
	}
	sc := &bulkhead.ScopeDetails{SiteIDs: []string{x.f.site.ID}, Activities: []string{"Storage", " "}, Segments: []string{"Inbound"},
		Exclusions: []bulkhead.Exclusion{{Item: "Brokerage", Justification: "Bought in."}}}
	v, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{Body: ptr("Scope."), Scope: sc})
	if err != nil {
		t.Fatal(err)
	}
	x.svc.SubmitVersion(ctx, secm, d.ID, v.ID)
	if _, err := x.svc.ApproveVersion(ctx, topm, d.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	v, err = x.svc.PublishVersion(ctx, secm, d.ID, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := x.svc.DocumentVersion(ctx, secm, d.ID, v.ID)
	if got.Scope == nil || len(got.Scope.Activities) != 1 || got.Scope.Exclusions[0].Justification != "Bought in." {
		t.Errorf("scope = %+v", got.Scope)
	}
	// A change to the scope is a new version, which carries the fields over.
	v2, err := x.svc.SaveDraft(ctx, secm, d.ID, bulkhead.VersionInput{Body: ptr("Scope, wider.")})
	if err != nil || v2.Number != 2 || v2.Scope == nil || v2.Scope.SiteIDs[0] != x.f.site.ID {
		t.Fatalf("v2 = %+v, %v", v2, err)
	}

	// Classification: partners see public documents only, viewers no restricted ones.
	r, _ := x.svc.CreateDocument(ctx, secm, bulkhead.DocumentInput{Reference: ptr("R-1"), Title: ptr("Restricted"), Type: ptr("plan"), Classification: ptr("restricted")})
	pub, _ := x.svc.CreateDocument(ctx, secm, bulkhead.DocumentInput{Reference: ptr("P-1"), Title: ptr("Public"), Type: ptr("plan"), Classification: ptr("public")})
	if _, err := x.svc.Document(ctx, x.as(bulkhead.RoleViewer), r.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("viewer reads a restricted document: %v", err)
	}
	if _, err := x.svc.Document(ctx, x.as(bulkhead.RoleAuditor), r.ID); err != nil {
		t.Errorf("auditor cannot read a restricted document: %v", err)
	}
	list, total, err := x.svc.Documents(ctx, x.as(bulkhead.RolePartner), bulkhead.DocumentFilter{})
	if err != nil || total != 1 || list[0].ID != pub.ID {
		t.Errorf("partner list = %d, %v", total, err)
	}
	// Another organisation's document is not found.
	other := newFixture(t, x.svc, "other")
	if _, err := x.svc.Document(ctx, other.actors[bulkhead.RoleAdmin], pub.ID); bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
		t.Errorf("other org reads the document: %v", err)
	}
}

func TestDocumentDemo(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	if _, err := svc.LoadDemo(ctx, "demo password 123"); err != nil {
		t.Fatal(err)
	}
	org, _ := svc.Store().OrganizationBySlug(ctx, service.DemoSlug)
	sys := service.SystemActor(org.ID, "test")
	docs, total, err := svc.Documents(ctx, sys, bulkhead.DocumentFilter{Limit: 50})
	if err != nil || total < 6 {
		t.Fatalf("demo documents = %d, %v", total, err)
	}
	states := map[bulkhead.VersionStatus]int{}
	for _, d := range docs {
		states[d.LatestStatus]++
	}
	if states[bulkhead.VersionPublished] < 3 || states[bulkhead.VersionInReview] != 1 || states[bulkhead.VersionDraft] != 1 {
		t.Errorf("demo states = %v", states)
	}
	cov, _ := svc.ClauseCoverage(ctx, sys)
	for _, n := range []string{"4.3", "5.2"} {
		if c := docClause(cov, n); c == nil || c.Missing {
			t.Errorf("demo %s = %+v", n, c)
		}
	}
	if c := docClause(cov, "7.5"); c == nil || c.Overdue != 1 {
		t.Errorf("demo 7.5 = %+v", c)
	}
	if res, err := svc.VerifyAudit(ctx, sys); err != nil || !res.Intact {
		t.Errorf("demo trail: %+v, %v", res, err)
	}
}
