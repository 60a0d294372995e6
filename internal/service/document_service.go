package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// visibleClasses are the access classifications a role may read: partners
// see public documents only, the roles that run or audit the management
// system see restricted ones too.
func visibleClasses(a Actor) []bulkhead.Classification {
	switch {
	case a.System:
		return bulkhead.Classifications
	case a.Role == partn:
		return []bulkhead.Classification{bulkhead.ClassPublic}
	case a.Role == admin || a.Role == topm || a.Role == secm || a.Role == audit:
		return bulkhead.Classifications
	}
	return []bulkhead.Classification{bulkhead.ClassPublic, bulkhead.ClassInternal, bulkhead.ClassConfidential}
}

// classFilter is the list filter of what the actor may see: nil (no
// filter, so that the list can walk its indexes) for the roles that see
// every classification.
func classFilter(a Actor) []bulkhead.Classification {
	if cs := visibleClasses(a); len(cs) < len(bulkhead.Classifications) {
		return cs
	}
	return nil
}

// documentAudit is the audited view of a document's metadata.
func documentAudit(d *bulkhead.Document) map[string]any {
	due := ""
	if d.ReviewDue != nil {
		due = d.ReviewDue.Format(bulkhead.DateLayout)
	}
	roles := make([]string, len(d.AckRoles))
	for i, r := range d.AckRoles {
		roles[i] = string(r)
	}
	return map[string]any{
		"title": d.Title, "reference": d.Reference, "type": string(d.Type), "owner_id": d.OwnerID,
		"classification": string(d.Classification), "ack_required": d.AckRequired, "ack_roles": strings.Join(roles, ","),
		"review_months": d.ReviewMonths, "review_due": due, "retention_months": d.RetentionMonths,
	}
}

// docDay returns midnight UTC of t's day.
func docDay(t time.Time) time.Time {
	y, m, dd := t.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// checkDocument validates a document's metadata, including what needs the
// store: the owner is a member of the organisation, and the review date is
// after the day the current version was published (or the document made).
func (s *Service) checkDocument(ctx context.Context, r bulkhead.Reader, d *bulkhead.Document, fe map[string]string) error {
	for k, v := range d.Validate() {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
	if d.OwnerID != "" && fe["owner_id"] == "" {
		if _, err := r.Membership(ctx, d.OrgID, d.OwnerID); bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
			fe["owner_id"] = bulkhead.FieldChoice
		} else if err != nil {
			return err
		}
	}
	if d.ReviewDue != nil && fe["review_due"] == "" {
		after := docDay(d.CreatedAt)
		if d.PublishedID != "" {
			v, err := r.DocumentVersion(ctx, d.OrgID, d.PublishedID)
			if err != nil {
				return err
			}
			if v.PublishedAt != nil {
				after = docDay(*v.PublishedAt)
			}
		}
		if !d.ReviewDue.After(after) {
			fe["review_due"] = bulkhead.FieldDateOrder
		}
	}
	if len(fe) > 0 {
		return bulkhead.Invalid(fe)
	}
	return nil
}

// referenceTaken turns the store's conflict on a taken reference into a
// field error.
func referenceTaken(err error) error {
	if bulkhead.ErrorCode(err) == bulkhead.ECONFLICT {
		return &bulkhead.Error{Code: bulkhead.ECONFLICT, Message: "Another document has this reference.", Fields: map[string]string{"reference": bulkhead.FieldTaken}}
	}
	return err
}

// CreateDocument creates a controlled document's metadata; its content
// comes as versions. The owner defaults to the actor and the classification
// to internal. EFORBIDDEN, EINVALID, ECONFLICT (reference taken).
func (s *Service) CreateDocument(ctx context.Context, a Actor, in bulkhead.DocumentInput) (*bulkhead.Document, error) {
	if err := authorize(a, ActDocumentCreate); err != nil {
		return nil, err
	}
	now := s.now()
	d := &bulkhead.Document{ID: bulkhead.NewID(), OrgID: a.OrgID, OwnerID: a.UserID, Classification: bulkhead.ClassInternal, CreatedAt: now, UpdatedAt: now}
	if a.System {
		d.OwnerID = ""
	}
	fe := in.Apply(d)
	if err := s.checkDocument(ctx, s.store, d, fe); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return referenceTaken(err)
		}
		return s.record(ctx, tx, a, "document.create", "document", d.ID, map[string]any{"after": documentAudit(d)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// readDocument reads a document the actor may see: one of another
// organisation, or of a classification above the actor's, is not found.
func (s *Service) readDocument(ctx context.Context, r bulkhead.Reader, a Actor, id string) (*bulkhead.Document, error) {
	d, err := r.Document(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(visibleClasses(a), d.Classification) {
		return nil, bulkhead.NotFound("Document")
	}
	return d, nil
}

// Document returns a document of the actor's organisation. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) Document(ctx context.Context, a Actor, id string) (*bulkhead.Document, error) {
	if err := authorize(a, ActDocumentRead); err != nil {
		return nil, err
	}
	return s.readDocument(ctx, s.store, a, id)
}

// Documents lists the documents the actor may see. EFORBIDDEN, EINVALID.
func (s *Service) Documents(ctx context.Context, a Actor, f bulkhead.DocumentFilter) ([]*bulkhead.Document, int, error) {
	if err := authorize(a, ActDocumentRead); err != nil {
		return nil, 0, err
	}
	f.OrgID, f.Classes = a.OrgID, classFilter(a)
	if err := f.Normalize(); err != nil {
		return nil, 0, err
	}
	return s.store.Documents(ctx, f)
}

// EachDocument calls fn for every document matching the filter, in its
// order (Limit and Offset are ignored), for exports. EFORBIDDEN, EINVALID.
func (s *Service) EachDocument(ctx context.Context, a Actor, f bulkhead.DocumentFilter, fn func(*bulkhead.Document) error) error {
	if err := authorize(a, ActDocumentRead); err != nil {
		return err
	}
	f.OrgID, f.Classes = a.OrgID, classFilter(a)
	return s.eachDocument(ctx, f, fn)
}

func (s *Service) eachDocument(ctx context.Context, f bulkhead.DocumentFilter, fn func(*bulkhead.Document) error) error {
	f.Limit, f.Offset = bulkhead.MaxPageSize, 0
	if err := f.Normalize(); err != nil {
		return err
	}
	for {
		page, total, err := s.store.Documents(ctx, f)
		if err != nil {
			return err
		}
		for _, d := range page {
			if err := fn(d); err != nil {
				return err
			}
		}
		f.Offset += len(page)
		if len(page) == 0 || f.Offset >= total {
			return nil
		}
	}
}

// UpdateDocument changes a document's metadata. The type cannot change once
// the document has versions (it decides who approves them). An update that
// changes nothing writes nothing. EFORBIDDEN, ENOTFOUND, EINVALID,
// ECONFLICT (archived; reference taken).
func (s *Service) UpdateDocument(ctx context.Context, a Actor, id string, in bulkhead.DocumentInput) (*bulkhead.Document, error) {
	if err := authorize(a, ActDocumentUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.Document
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, err := s.readDocument(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document is archived; restore it before editing.")
		}
		before := documentAudit(d)
		oldType := d.Type
		fe := in.Apply(d)
		if d.Type != oldType && d.LatestVersion > 0 {
			fe["type"] = bulkhead.FieldLocked
		}
		if err := s.checkDocument(ctx, tx, d, fe); err != nil {
			return err
		}
		out = d
		changes := diff(before, documentAudit(d))
		if len(changes) == 0 {
			return nil
		}
		d.UpdatedAt = s.now()
		if err := tx.UpdateDocument(ctx, d); err != nil {
			return referenceTaken(err)
		}
		return s.record(ctx, tx, a, "document.update", "document", d.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ArchiveDocument archives (archive=true) or restores a document; doing
// what is already done is a no-op. EFORBIDDEN, ENOTFOUND.
func (s *Service) ArchiveDocument(ctx context.Context, a Actor, id string, archive bool) (*bulkhead.Document, error) {
	if err := authorize(a, ActDocumentArchive); err != nil {
		return nil, err
	}
	var out *bulkhead.Document
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, err := s.readDocument(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = d
		if (d.ArchivedAt != nil) == archive {
			return nil
		}
		now := s.now()
		d.UpdatedAt = now
		action := "document.restore"
		if archive {
			d.ArchivedAt, action = &now, "document.archive"
		} else {
			d.ArchivedAt = nil
		}
		if err := tx.UpdateDocument(ctx, d); err != nil {
			return err
		}
		return s.record(ctx, tx, a, action, "document", d.ID, map[string]any{"archived": archive})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DocumentVersions lists a document's versions, newest first. EFORBIDDEN,
// ENOTFOUND.
func (s *Service) DocumentVersions(ctx context.Context, a Actor, docID string) ([]*bulkhead.DocumentVersion, error) {
	if _, err := s.Document(ctx, a, docID); err != nil {
		return nil, err
	}
	return s.store.DocumentVersions(ctx, a.OrgID, docID)
}

// DocumentVersion returns a version of a document. EFORBIDDEN, ENOTFOUND.
func (s *Service) DocumentVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	if _, err := s.Document(ctx, a, docID); err != nil {
		return nil, err
	}
	v, err := s.store.DocumentVersion(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if v.DocumentID != docID {
		return nil, bulkhead.NotFound("Document version")
	}
	return v, nil
}

// DocumentFile returns a version's uploaded file and its bytes. EFORBIDDEN,
// ENOTFOUND (also when the version is Markdown).
func (s *Service) DocumentFile(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, []byte, error) {
	v, err := s.DocumentVersion(ctx, a, docID, id)
	if err != nil {
		return nil, nil, err
	}
	if !v.HasFile() {
		return nil, nil, bulkhead.NotFound("File")
	}
	b, err := s.store.DocumentFile(ctx, a.OrgID, v.ID)
	if err != nil {
		return nil, nil, err
	}
	return v, b, nil
}

// docMaxBody bounds a version's Markdown text.
const docMaxBody = 200_000

// applyVersion puts the input's content on a draft version and validates
// it. It returns the file bytes to store (nil: keep the stored file, if the
// version still has one).
func (s *Service) applyVersion(ctx context.Context, r bulkhead.Reader, d *bulkhead.Document, v *bulkhead.DocumentVersion, in bulkhead.VersionInput) ([]byte, error) {
	fe := map[string]string{}
	var file []byte
	if in.File != nil {
		name := bulkhead.CleanFileName(in.FileName)
		k, ferr := bulkhead.CheckFile(name, in.File)
		for f, c := range ferr {
			fe[f] = c
		}
		if ferr == nil {
			sum := sha256.Sum256(in.File)
			v.FileName, v.FileType, v.FileSize, v.FileSHA256 = name, k.MediaType, int64(len(in.File)), hex.EncodeToString(sum[:])
			v.Body, file = "", in.File
		}
	} else if in.Body != nil {
		v.Body = strings.TrimRight(strings.ReplaceAll(*in.Body, "\r\n", "\n"), " \t\n")
		v.FileName, v.FileType, v.FileSize, v.FileSHA256 = "", "", 0, ""
	}
	if in.Note != nil {
		v.Note = strings.TrimSpace(*in.Note)
	}
	if len(v.Note) > 2000 {
		fe["note"] = bulkhead.FieldTooLong
	}
	if len(v.Body) > docMaxBody {
		fe["body"] = bulkhead.FieldTooLong
	}
	if v.Body == "" && !v.HasFile() && fe["file"] == "" {
		fe["body"] = bulkhead.FieldRequired
	}
	if d.Type == bulkhead.DocScope {
		if in.Scope != nil {
			v.Scope = docCleanScope(in.Scope)
		}
		if v.Scope == nil || len(v.Scope.SiteIDs) == 0 {
			fe["site_ids"] = bulkhead.FieldRequired
		} else {
			for _, id := range v.Scope.SiteIDs {
				if _, err := r.Site(ctx, d.OrgID, id); bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
					fe["site_ids"] = bulkhead.FieldChoice
				} else if err != nil {
					return nil, err
				}
			}
		}
		if v.Scope != nil {
			v.Scope.Validate(fe)
		}
	} else {
		v.Scope = nil
	}
	if len(fe) > 0 {
		return nil, bulkhead.Invalid(fe)
	}
	return file, nil
}

// docCleanScope trims the scope's entries and drops empty ones; an exclusion
// with a reason but no item, or an item but no reason, stays (and fails).
func docCleanScope(in *bulkhead.ScopeDetails) *bulkhead.ScopeDetails {
	out := &bulkhead.ScopeDetails{SiteIDs: []string{}, Activities: []string{}, Segments: []string{}, Exclusions: []bulkhead.Exclusion{}}
	for _, id := range in.SiteIDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out.SiteIDs, id) {
			out.SiteIDs = append(out.SiteIDs, id)
		}
	}
	for _, x := range in.Activities {
		if x = strings.TrimSpace(x); x != "" {
			out.Activities = append(out.Activities, x)
		}
	}
	for _, x := range in.Segments {
		if x = strings.TrimSpace(x); x != "" {
			out.Segments = append(out.Segments, x)
		}
	}
	for _, e := range in.Exclusions {
		e.Item, e.Justification = strings.TrimSpace(e.Item), strings.TrimSpace(e.Justification)
		if e.Item != "" || e.Justification != "" {
			out.Exclusions = append(out.Exclusions, e)
		}
	}
	return out
}

// versionAudit is the audited view of a version's content.
func versionAudit(v *bulkhead.DocumentVersion) map[string]any {
	m := map[string]any{"version": v.Number, "status": string(v.Status), "note": v.Note}
	if v.HasFile() {
		m["file_name"], m["file_sha256"], m["file_size"] = v.FileName, v.FileSHA256, v.FileSize
	} else {
		sum := sha256.Sum256([]byte(v.Body))
		m["body_sha256"] = hex.EncodeToString(sum[:])
	}
	if v.Scope != nil {
		m["scope"] = v.Scope
	}
	return m
}

// SaveDraft saves content as the document's draft: it edits the latest
// version when that is a draft, and otherwise starts a new draft version
// (a version in review, approved or published is never edited). Content not
// given is copied from the latest version, so a draft can start as a copy of
// the published text. EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (archived).
func (s *Service) SaveDraft(ctx context.Context, a Actor, docID string, in bulkhead.VersionInput) (*bulkhead.DocumentVersion, error) {
	if err := authorize(a, ActDocumentUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.DocumentVersion
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, err := s.readDocument(ctx, tx, a, docID)
		if err != nil {
			return err
		}
		if d.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document is archived; restore it before editing.")
		}
		now := s.now()
		var latest *bulkhead.DocumentVersion
		if d.LatestVersion > 0 {
			vs, err := tx.DocumentVersions(ctx, a.OrgID, d.ID)
			if err != nil {
				return err
			}
			latest = vs[0]
		}
		if latest != nil && latest.Status == bulkhead.VersionDraft {
			out, err = s.editDraft(ctx, tx, a, d, latest, in)
			return err
		}
		v := &bulkhead.DocumentVersion{ID: bulkhead.NewID(), OrgID: a.OrgID, DocumentID: d.ID, Number: d.LatestVersion + 1,
			Status: bulkhead.VersionDraft, AuthorID: a.UserID, CreatedAt: now, UpdatedAt: now}
		var file []byte
		if latest != nil && in.File == nil && in.Body == nil {
			v.Body, v.Scope = latest.Body, latest.Scope
			if latest.HasFile() {
				v.FileName, v.FileType, v.FileSize, v.FileSHA256 = latest.FileName, latest.FileType, latest.FileSize, latest.FileSHA256
				if file, err = tx.DocumentFile(ctx, a.OrgID, latest.ID); err != nil {
					return err
				}
			}
		}
		if latest != nil && in.Scope == nil && latest.Scope != nil {
			v.Scope = latest.Scope
		}
		got, err := s.applyVersion(ctx, tx, d, v, in)
		if err != nil {
			return err
		}
		if got != nil {
			file = got
		}
		if err := tx.CreateDocumentVersion(ctx, v, file); err != nil {
			return err
		}
		d.LatestVersion, d.LatestStatus, d.UpdatedAt = v.Number, v.Status, now
		if err := tx.UpdateDocument(ctx, d); err != nil {
			return err
		}
		out = v
		return s.record(ctx, tx, a, "document.version_create", "document", d.ID, versionAudit(v))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// editDraft changes a draft version's content in tx.
func (s *Service) editDraft(ctx context.Context, tx bulkhead.Tx, a Actor, d *bulkhead.Document, v *bulkhead.DocumentVersion, in bulkhead.VersionInput) (*bulkhead.DocumentVersion, error) {
	before := versionAudit(v)
	file, err := s.applyVersion(ctx, tx, d, v, in)
	if err != nil {
		return nil, err
	}
	after := versionAudit(v)
	if len(docDiff(before, after)) == 0 && file == nil {
		return v, nil
	}
	// Whoever last wrote the draft is its author: they may not approve it.
	v.AuthorID, v.UpdatedAt = a.UserID, s.now()
	if err := tx.UpdateDocumentVersion(ctx, v, file); err != nil {
		return nil, err
	}
	return v, s.record(ctx, tx, a, "document.version_update", "document", d.ID, after)
}

// docDiff compares two audit views that may hold non-comparable values.
func docDiff(before, after map[string]any) []string {
	var out []string
	for k, v := range after {
		if k == "scope" {
			if !docScopeEqual(before[k], v) {
				out = append(out, k)
			}
			continue
		}
		if before[k] != v {
			out = append(out, k)
		}
	}
	return out
}

func docScopeEqual(x, y any) bool {
	a, _ := x.(*bulkhead.ScopeDetails)
	b, _ := y.(*bulkhead.ScopeDetails)
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.SiteIDs, b.SiteIDs) && slices.Equal(a.Activities, b.Activities) &&
		slices.Equal(a.Segments, b.Segments) && slices.Equal(a.Exclusions, b.Exclusions)
}

// UpdateVersion edits a draft version; a version past draft is refused with
// ECONFLICT (save a new draft instead). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateVersion(ctx context.Context, a Actor, docID, id string, in bulkhead.VersionInput) (*bulkhead.DocumentVersion, error) {
	if err := authorize(a, ActDocumentUpdate); err != nil {
		return nil, err
	}
	var out *bulkhead.DocumentVersion
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, v, err := s.lockVersion(ctx, tx, a, docID, id)
		if err != nil {
			return err
		}
		if d.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document is archived; restore it before editing.")
		}
		if v.Status != bulkhead.VersionDraft {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "Version %d is %s and can no longer be edited; save a new draft instead.", v.Number, strings.ReplaceAll(string(v.Status), "_", " "))
		}
		out, err = s.editDraft(ctx, tx, a, d, v, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockVersion reads (and, on PostgreSQL, locks) a document and one of its
// versions in tx.
func (s *Service) lockVersion(ctx context.Context, tx bulkhead.Tx, a Actor, docID, id string) (*bulkhead.Document, *bulkhead.DocumentVersion, error) {
	d, err := s.readDocument(ctx, tx, a, docID)
	if err != nil {
		return nil, nil, err
	}
	v, err := tx.DocumentVersion(ctx, a.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	if v.DocumentID != d.ID {
		return nil, nil, bulkhead.NotFound("Document version")
	}
	return d, v, nil
}

// transition moves a version from one status to the next in one
// transaction, with its audit entry; step sets the step's fields and may
// refuse it.
func (s *Service) transition(ctx context.Context, a Actor, act Action, docID, id string, from bulkhead.VersionStatus, auditAction string,
	step func(tx bulkhead.Tx, d *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error) (*bulkhead.DocumentVersion, error) {
	if err := authorize(a, act); err != nil {
		return nil, err
	}
	var out *bulkhead.DocumentVersion
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, v, err := s.lockVersion(ctx, tx, a, docID, id)
		if err != nil {
			return err
		}
		if d.ArchivedAt != nil {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document is archived; restore it first.")
		}
		if v.Status != from {
			return bulkhead.Errorf(bulkhead.ECONFLICT, "Version %d is %s, not %s.", v.Number, docStatusWords(v.Status), docStatusWords(from))
		}
		now := s.now()
		if err := step(tx, d, v, now); err != nil {
			return err
		}
		v.UpdatedAt = now
		if err := tx.UpdateDocumentVersion(ctx, v, nil); err != nil {
			return err
		}
		if v.Number == d.LatestVersion {
			d.LatestStatus = v.Status
		}
		d.UpdatedAt = now
		if err := tx.UpdateDocument(ctx, d); err != nil {
			return err
		}
		out = v
		return s.record(ctx, tx, a, auditAction, "document", d.ID, map[string]any{"version": v.Number, "status": string(v.Status)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func docStatusWords(st bulkhead.VersionStatus) string {
	return strings.ReplaceAll(string(st), "_", " ")
}

// SubmitVersion sends a draft for review. EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) SubmitVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	return s.transition(ctx, a, ActDocumentUpdate, docID, id, bulkhead.VersionDraft, "document.submit",
		func(_ bulkhead.Tx, _ *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error {
			v.Status, v.SubmittedBy, v.SubmittedAt = bulkhead.VersionInReview, a.UserID, &now
			return nil
		})
}

// mayApprove refuses an approval the actor may not give: a role not in the
// document type's approver table, or the version's own author.
func mayApprove(a Actor, d *bulkhead.Document, v *bulkhead.DocumentVersion) error {
	if !a.System && !bulkhead.CanApproveDoc(d.Type, a.Role) {
		return bulkhead.Errorf(bulkhead.EFORBIDDEN, "Your role (%s) may not approve a %s.", a.Role, docStatusWords(bulkhead.VersionStatus(d.Type)))
	}
	if v.AuthorID == a.UserID {
		return bulkhead.Errorf(bulkhead.EFORBIDDEN, "You wrote version %d; someone else must approve it.", v.Number)
	}
	return nil
}

// ApproveVersion approves a version in review. Only a role that may approve
// the document's type may, and never the version's author. EFORBIDDEN,
// ENOTFOUND, ECONFLICT (not in review).
func (s *Service) ApproveVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	return s.transition(ctx, a, ActDocumentApprove, docID, id, bulkhead.VersionInReview, "document.approve",
		func(_ bulkhead.Tx, d *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error {
			if err := mayApprove(a, d, v); err != nil {
				return err
			}
			v.Status, v.ApprovedBy, v.ApprovedRole, v.ApprovedAt = bulkhead.VersionApproved, a.UserID, a.Role, &now
			return nil
		})
}

// ReturnVersion sends a version in review back to draft, for changes. The
// same people who may approve it may return it. EFORBIDDEN, ENOTFOUND,
// ECONFLICT.
func (s *Service) ReturnVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	return s.transition(ctx, a, ActDocumentApprove, docID, id, bulkhead.VersionInReview, "document.return",
		func(_ bulkhead.Tx, d *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error {
			if err := mayApprove(a, d, v); err != nil {
				return err
			}
			v.Status, v.SubmittedBy, v.SubmittedAt = bulkhead.VersionDraft, "", nil
			return nil
		})
}

// PublishVersion publishes an approved version; the version published
// before it becomes obsolete, and members must acknowledge the new one
// afresh. Publishing a version not approved is refused (ECONFLICT). When the
// document has a review period, its review date moves to that long after
// today. EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) PublishVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	if err := authorize(a, ActDocumentPublish); err != nil {
		return nil, err
	}
	// A clearer refusal than "not approved" for a draft or one in review.
	if v, err := s.DocumentVersion(ctx, a, docID, id); err == nil && (v.Status == bulkhead.VersionDraft || v.Status == bulkhead.VersionInReview) {
		return nil, bulkhead.Errorf(bulkhead.ECONFLICT, "Version %d has not been approved; it cannot be published.", v.Number)
	}
	return s.transition(ctx, a, ActDocumentPublish, docID, id, bulkhead.VersionApproved, "document.publish",
		func(tx bulkhead.Tx, d *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error {
			if d.PublishedID != "" {
				old, err := tx.DocumentVersion(ctx, a.OrgID, d.PublishedID)
				if err != nil {
					return err
				}
				old.Status, old.ObsoletedAt, old.UpdatedAt = bulkhead.VersionObsolete, &now, now
				if err := tx.UpdateDocumentVersion(ctx, old, nil); err != nil {
					return err
				}
			}
			v.Status, v.PublishedBy, v.PublishedAt = bulkhead.VersionPublished, a.UserID, &now
			d.PublishedID, d.PublishedNumber = v.ID, v.Number
			if d.ReviewMonths > 0 {
				due := docDay(now).AddDate(0, d.ReviewMonths, 0)
				d.ReviewDue = &due
			}
			return nil
		})
}

// ObsoleteVersion withdraws the published version: the document has no
// published version until another is published. EFORBIDDEN, ENOTFOUND,
// ECONFLICT (not published).
func (s *Service) ObsoleteVersion(ctx context.Context, a Actor, docID, id string) (*bulkhead.DocumentVersion, error) {
	return s.transition(ctx, a, ActDocumentPublish, docID, id, bulkhead.VersionPublished, "document.obsolete",
		func(_ bulkhead.Tx, d *bulkhead.Document, v *bulkhead.DocumentVersion, now time.Time) error {
			v.Status, v.ObsoletedAt = bulkhead.VersionObsolete, &now
			d.PublishedID, d.PublishedNumber = "", 0
			return nil
		})
}

// Acknowledge records that the actor has read the document's published
// version. versionID, when given, must be the published version: a draft,
// or a version since superseded, cannot be acknowledged (ECONFLICT).
// Acknowledging twice is a no-op. EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) Acknowledge(ctx context.Context, a Actor, docID, versionID string) (*bulkhead.DocumentAck, error) {
	if err := authorize(a, ActDocumentAck); err != nil {
		return nil, err
	}
	var out *bulkhead.DocumentAck
	err := s.store.Write(ctx, func(tx bulkhead.Tx) error {
		d, err := s.readDocument(ctx, tx, a, docID)
		if err != nil {
			return err
		}
		switch {
		case d.ArchivedAt != nil:
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document is archived.")
		case d.PublishedID == "":
			return bulkhead.Errorf(bulkhead.ECONFLICT, "The document has no published version to acknowledge.")
		case versionID != "" && versionID != d.PublishedID:
			if _, err := tx.DocumentVersion(ctx, a.OrgID, versionID); err != nil {
				return err
			}
			return bulkhead.Errorf(bulkhead.ECONFLICT, "Only the published version (%d) can be acknowledged.", d.PublishedNumber)
		case !d.AckRequired:
			return bulkhead.Errorf(bulkhead.ECONFLICT, "This document does not ask for acknowledgement.")
		}
		acks, err := tx.DocumentAcks(ctx, a.OrgID, d.PublishedID)
		if err != nil {
			return err
		}
		for _, k := range acks {
			if k.UserID == a.UserID {
				out = k
				return nil
			}
		}
		out = &bulkhead.DocumentAck{OrgID: a.OrgID, DocumentID: d.ID, VersionID: d.PublishedID, UserID: a.UserID, At: s.now()}
		if err := tx.CreateDocumentAck(ctx, out); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "document.acknowledge", "document", d.ID, map[string]any{"version": d.PublishedNumber})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MyAcknowledgement returns the actor's acknowledgement of the document's
// published version, or nil. EFORBIDDEN, ENOTFOUND.
func (s *Service) MyAcknowledgement(ctx context.Context, a Actor, docID string) (*bulkhead.DocumentAck, error) {
	d, err := s.Document(ctx, a, docID)
	if err != nil || d.PublishedID == "" {
		return nil, err
	}
	acks, err := s.store.DocumentAcks(ctx, a.OrgID, d.PublishedID)
	if err != nil {
		return nil, err
	}
	for _, k := range acks {
		if k.UserID == a.UserID {
			return k, nil
		}
	}
	return nil, nil
}

// AckMember is one member who must acknowledge a version, and when they did.
type AckMember struct {
	UserID string
	Name   string
	Email  string
	Role   bulkhead.Role
	At     *time.Time // nil: not yet
}

// AckGroup is the members of one site (SiteID "" for members with no site).
type AckGroup struct {
	SiteID   string
	SiteName string
	Done     int
	Total    int
	Members  []AckMember
}

// AckReport is who has and hasn't acknowledged a document's published
// version, grouped by site.
type AckReport struct {
	VersionID string
	Number    int
	Done      int // distinct members who acknowledged
	Total     int // distinct members who must
	Groups    []AckGroup
}

// DocumentAckReport tells who must acknowledge the published version and
// who has, grouped by the sites the people register puts them at. A member
// at two sites shows in both groups and counts once in the totals. It is
// nil when the document asks for no acknowledgement or has no published
// version. EFORBIDDEN, ENOTFOUND.
func (s *Service) DocumentAckReport(ctx context.Context, a Actor, docID string) (*AckReport, error) {
	if err := authorize(a, ActDocumentAckReport); err != nil {
		return nil, err
	}
	d, err := s.readDocument(ctx, s.store, a, docID)
	if err != nil {
		return nil, err
	}
	if !d.AckRequired || d.PublishedID == "" {
		return nil, nil
	}
	members, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	acks, err := s.store.DocumentAcks(ctx, a.OrgID, d.PublishedID)
	if err != nil {
		return nil, err
	}
	at := map[string]*time.Time{}
	for _, k := range acks {
		t := k.At
		at[k.UserID] = &t
	}
	sites, err := s.peopleSites(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	rep := &AckReport{VersionID: d.PublishedID, Number: d.PublishedNumber}
	groups := map[string]*AckGroup{}
	var order []string
	for _, m := range members {
		if !d.MustAcknowledge(m.Role) {
			continue
		}
		am := AckMember{UserID: m.UserID, Name: m.UserName, Email: m.Email, Role: m.Role, At: at[m.UserID]}
		rep.Total++
		if am.At != nil {
			rep.Done++
		}
		ids := sites[m.UserID]
		if len(ids) == 0 {
			ids = []string{""}
		}
		for _, sid := range ids {
			g := groups[sid]
			if g == nil {
				g = &AckGroup{SiteID: sid}
				if sid != "" {
					if st, err := s.store.Site(ctx, a.OrgID, sid); err == nil {
						g.SiteName = st.Name
					} else if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
						return nil, err
					}
				}
				groups[sid] = g
				order = append(order, sid)
			}
			g.Total++
			if am.At != nil {
				g.Done++
			}
			g.Members = append(g.Members, am)
		}
	}
	for _, sid := range order {
		rep.Groups = append(rep.Groups, *groups[sid])
	}
	// Sites by name, "no site" last.
	slices.SortStableFunc(rep.Groups, func(x, y AckGroup) int {
		switch {
		case x.SiteID == "" && y.SiteID != "":
			return 1
		case y.SiteID == "" && x.SiteID != "":
			return -1
		}
		return strings.Compare(x.SiteName, y.SiteName)
	})
	return rep, nil
}

// DocumentMembers lists the organisation's members, by name, for the
// document pages (owners, authors, approvers). EFORBIDDEN.
func (s *Service) DocumentMembers(ctx context.Context, a Actor) ([]*bulkhead.Membership, error) {
	if err := authorize(a, ActDocumentRead); err != nil {
		return nil, err
	}
	return s.store.Members(ctx, a.OrgID)
}
