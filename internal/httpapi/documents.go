package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/export"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// documentRoutes are the API routes of controlled documents (issue 3).
func documentRoutes() []Route {
	const d, v = "/api/v1/documents", "/api/v1/documents/{id}/versions/{vid}"
	return []Route{
		{Method: "GET", Path: d, handler: (*Server).listDocuments},
		{Method: "POST", Path: d, handler: (*Server).createDocument},
		{Method: "GET", Path: d + "/export", handler: (*Server).exportDocuments},
		{Method: "GET", Path: d + "/{id}", handler: (*Server).getDocument},
		{Method: "PATCH", Path: d + "/{id}", handler: (*Server).updateDocument},
		{Method: "POST", Path: d + "/{id}/archive", handler: (*Server).archiveDocument},
		{Method: "POST", Path: d + "/{id}/restore", handler: (*Server).restoreDocument},
		{Method: "GET", Path: d + "/{id}/versions", handler: (*Server).listVersions},
		{Method: "POST", Path: d + "/{id}/versions", handler: (*Server).createVersion},
		{Method: "GET", Path: v, handler: (*Server).getVersion},
		{Method: "PATCH", Path: v, handler: (*Server).updateVersion},
		{Method: "GET", Path: v + "/file", handler: (*Server).versionFile},
		{Method: "POST", Path: v + "/submit", handler: (*Server).versionStep},
		{Method: "POST", Path: v + "/approve", handler: (*Server).versionStep},
		{Method: "POST", Path: v + "/return", handler: (*Server).versionStep},
		{Method: "POST", Path: v + "/publish", handler: (*Server).versionStep},
		{Method: "POST", Path: v + "/obsolete", handler: (*Server).versionStep},
		{Method: "POST", Path: d + "/{id}/acknowledge", handler: (*Server).acknowledgeDocument},
		{Method: "GET", Path: d + "/{id}/acknowledgements", handler: (*Server).documentAcks},
	}
}

// ---- representations

type documentJSON struct {
	ID              string     `json:"id"`
	Reference       string     `json:"reference"`
	Title           string     `json:"title"`
	Type            string     `json:"type"`
	OwnerID         string     `json:"owner_id"`
	Classification  string     `json:"classification"`
	AckRequired     bool       `json:"ack_required"`
	AckRoles        []string   `json:"ack_roles"`
	ReviewMonths    int        `json:"review_months"`
	ReviewDue       *string    `json:"review_due"`
	RetentionMonths int        `json:"retention_months"`
	LatestVersion   int        `json:"latest_version"`
	LatestStatus    string     `json:"latest_status"`
	PublishedID     *string    `json:"published_version_id"`
	PublishedNumber int        `json:"published_version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	ArchivedAt      *time.Time `json:"archived_at"`
}

func toDocument(d *bulkhead.Document) documentJSON {
	out := documentJSON{ID: d.ID, Reference: d.Reference, Title: d.Title, Type: string(d.Type), OwnerID: d.OwnerID,
		Classification: string(d.Classification), AckRequired: d.AckRequired, AckRoles: []string{}, ReviewMonths: d.ReviewMonths,
		RetentionMonths: d.RetentionMonths, LatestVersion: d.LatestVersion, LatestStatus: string(d.LatestStatus),
		PublishedNumber: d.PublishedNumber, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, ArchivedAt: d.ArchivedAt}
	for _, r := range d.AckRoles {
		out.AckRoles = append(out.AckRoles, string(r))
	}
	if d.ReviewDue != nil {
		s := d.ReviewDue.Format(bulkhead.DateLayout)
		out.ReviewDue = &s
	}
	if d.PublishedID != "" {
		out.PublishedID = &d.PublishedID
	}
	return out
}

type docFileJSON struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type docVersionJSON struct {
	ID           string                 `json:"id"`
	DocumentID   string                 `json:"document_id"`
	Number       int                    `json:"number"`
	Status       string                 `json:"status"`
	Body         string                 `json:"body"`
	Note         string                 `json:"note"`
	File         *docFileJSON           `json:"file"`
	Scope        *bulkhead.ScopeDetails `json:"scope"`
	AuthorID     string                 `json:"author_id"`
	CreatedAt    time.Time              `json:"created_at"`
	UpdatedAt    time.Time              `json:"updated_at"`
	SubmittedBy  string                 `json:"submitted_by"`
	SubmittedAt  *time.Time             `json:"submitted_at"`
	ApprovedBy   string                 `json:"approved_by"`
	ApprovedRole string                 `json:"approved_role"`
	ApprovedAt   *time.Time             `json:"approved_at"`
	PublishedBy  string                 `json:"published_by"`
	PublishedAt  *time.Time             `json:"published_at"`
	ObsoletedAt  *time.Time             `json:"obsoleted_at"`
}

func toDocVersion(v *bulkhead.DocumentVersion) docVersionJSON {
	out := docVersionJSON{ID: v.ID, DocumentID: v.DocumentID, Number: v.Number, Status: string(v.Status), Body: v.Body, Note: v.Note,
		Scope: v.Scope, AuthorID: v.AuthorID, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, SubmittedBy: v.SubmittedBy,
		SubmittedAt: v.SubmittedAt, ApprovedBy: v.ApprovedBy, ApprovedRole: string(v.ApprovedRole), ApprovedAt: v.ApprovedAt,
		PublishedBy: v.PublishedBy, PublishedAt: v.PublishedAt, ObsoletedAt: v.ObsoletedAt}
	if v.HasFile() {
		out.File = &docFileJSON{v.FileName, v.FileType, v.FileSize, v.FileSHA256}
	}
	return out
}

// ---- handlers

// documentFilter reads the list's filter and sort parameters.
func documentFilter(q *query) bulkhead.DocumentFilter {
	f := bulkhead.DocumentFilter{Query: q.str("q"), Type: bulkhead.DocType(q.str("type")), State: bulkhead.VersionStatus(q.str("state")),
		Classification: bulkhead.Classification(q.str("classification")), OwnerID: q.str("owner_id"), Status: q.str("status")}
	sort := q.str("sort")
	if d, ok := strings.CutPrefix(sort, "-"); ok {
		f.Desc, sort = true, d
	}
	f.Sort = bulkhead.DocumentSort(sort)
	return f
}

var documentParams = []string{"q", "type", "state", "classification", "owner_id", "status", "sort"}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, append(documentParams, "limit", "offset")...)
	if err != nil {
		return err
	}
	f := documentFilter(q)
	f.Limit = q.int("limit", bulkhead.DefaultPageSize)
	f.Offset = q.int("offset", 0)
	if err := q.err(); err != nil {
		return err
	}
	docs, total, err := s.svc.Documents(r.Context(), au.Actor, f)
	if err != nil {
		return err
	}
	out := listJSON[documentJSON]{Items: make([]documentJSON, len(docs)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for i, d := range docs {
		out.Items[i] = toDocument(d)
	}
	if next := f.Offset + len(docs); next < total {
		out.NextOffset = &next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) exportDocuments(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	q, err := parseQuery(r, documentParams...)
	if err != nil {
		return err
	}
	f := documentFilter(q)
	f.Limit = 1
	if _, _, err := s.svc.Documents(r.Context(), au.Actor, f); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="documents.csv"`)
	err = export.Documents(w, func(fn func(*bulkhead.Document) error) error {
		return s.svc.EachDocument(r.Context(), au.Actor, f, fn)
	})
	if err != nil {
		s.log.Error("document export failed", "err", err)
	}
	return nil
}

func (s *Server) createDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.DocumentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.CreateDocument(r.Context(), au.Actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID)
	writeJSON(w, http.StatusCreated, toDocument(d))
	return nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	d, err := s.svc.Document(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocument(d))
	return nil
}

func (s *Server) updateDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in bulkhead.DocumentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.svc.UpdateDocument(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocument(d))
	return nil
}

func (s *Server) archiveDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.setDocumentArchived(w, r, au, true)
}

func (s *Server) restoreDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	return s.setDocumentArchived(w, r, au, false)
}

func (s *Server) setDocumentArchived(w http.ResponseWriter, r *http.Request, au *service.Authenticated, archive bool) error {
	d, err := s.svc.ArchiveDocument(r.Context(), au.Actor, r.PathValue("id"), archive)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocument(d))
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	vs, err := s.svc.DocumentVersions(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]docVersionJSON, len(vs))
	for i, v := range vs {
		out[i] = toDocVersion(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// docMaxUploadBody bounds a multipart upload: the largest file plus room for
// the other fields.
const docMaxUploadBody = bulkhead.MaxDocumentFile + 1<<20

// docVersionInput reads a version's content: JSON (Markdown text, note, scope)
// or multipart/form-data with the file in the part "file" and an optional
// "note". The file's type is decided by its content in the service, never
// by the part's Content-Type or the name.
func docVersionInput(w http.ResponseWriter, r *http.Request) (bulkhead.VersionInput, error) {
	var in bulkhead.VersionInput
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		err := decode(w, r, &in)
		return in, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, docMaxUploadBody)
	if err := r.ParseMultipartForm(docMaxUploadBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return in, &bulkhead.Error{Code: codeTooLarge, Message: "The file is larger than 20 MiB.", Fields: map[string]string{"file": bulkhead.FieldFileSize}}
		}
		return in, &bulkhead.Error{Code: codeBadRequest, Message: "The multipart body could not be read."}
	}
	defer r.MultipartForm.RemoveAll()
	for k := range r.MultipartForm.Value {
		if k != "note" {
			return in, &bulkhead.Error{Code: codeBadRequest, Message: "Unknown form field.", Fields: map[string]string{k: bulkhead.FieldUnknown}}
		}
	}
	if note, ok := r.MultipartForm.Value["note"]; ok && len(note) > 0 {
		in.Note = &note[0]
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) != 1 {
		return in, bulkhead.Invalid(map[string]string{"file": bulkhead.FieldRequired})
	}
	f, err := fhs[0].Open()
	if err != nil {
		return in, err
	}
	defer f.Close()
	if in.File, err = io.ReadAll(f); err != nil {
		return in, err
	}
	in.FileName = fhs[0].Filename
	if in.File == nil {
		in.File = []byte{}
	}
	return in, nil
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	in, err := docVersionInput(w, r)
	if err != nil {
		return err
	}
	v, err := s.svc.SaveDraft(r.Context(), au.Actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/documents/"+v.DocumentID+"/versions/"+v.ID)
	writeJSON(w, http.StatusCreated, toDocVersion(v))
	return nil
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	v, err := s.svc.DocumentVersion(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("vid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocVersion(v))
	return nil
}

func (s *Server) updateVersion(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	in, err := docVersionInput(w, r)
	if err != nil {
		return err
	}
	v, err := s.svc.UpdateVersion(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("vid"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocVersion(v))
	return nil
}

// versionFile sends a version's file as an attachment of the type found
// in its content.
func (s *Server) versionFile(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	v, b, err := s.svc.DocumentFile(r.Context(), au.Actor, r.PathValue("id"), r.PathValue("vid"))
	if err != nil {
		return err
	}
	serveDocumentFile(w, v, b)
	return nil
}

// serveDocumentFile writes a version's file: always as an attachment (never
// shown inline, so an uploaded file cannot run as a page of ours), with the
// media type found in its content and its SHA-256 in a header.
func serveDocumentFile(w http.ResponseWriter, v *bulkhead.DocumentVersion, b []byte) {
	h := w.Header()
	h.Set("Content-Type", v.FileType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Digest", "sha-256="+v.FileSHA256)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) versionStep(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	steps := map[string]func(ctx context.Context, a service.Actor, docID, id string) (*bulkhead.DocumentVersion, error){
		"submit": s.svc.SubmitVersion, "approve": s.svc.ApproveVersion, "return": s.svc.ReturnVersion,
		"publish": s.svc.PublishVersion, "obsolete": s.svc.ObsoleteVersion,
	}
	step := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	v, err := steps[step](r.Context(), au.Actor, r.PathValue("id"), r.PathValue("vid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toDocVersion(v))
	return nil
}

type docAckInput struct {
	VersionID string `json:"version_id"`
}

func (s *Server) acknowledgeDocument(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	var in docAckInput
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	k, err := s.svc.Acknowledge(r.Context(), au.Actor, r.PathValue("id"), in.VersionID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"document_id": k.DocumentID, "version_id": k.VersionID, "user_id": k.UserID, "at": k.At})
	return nil
}

type docAckMemberJSON struct {
	UserID string     `json:"user_id"`
	Name   string     `json:"name"`
	Email  string     `json:"email"`
	Role   string     `json:"role"`
	At     *time.Time `json:"acknowledged_at"`
}

type docAckGroupJSON struct {
	SiteID   *string            `json:"site_id"`
	SiteName string             `json:"site_name"`
	Done     int                `json:"acknowledged"`
	Total    int                `json:"total"`
	Members  []docAckMemberJSON `json:"members"`
}

func (s *Server) documentAcks(w http.ResponseWriter, r *http.Request, au *service.Authenticated) error {
	rep, err := s.svc.DocumentAckReport(r.Context(), au.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if rep == nil {
		writeJSON(w, http.StatusOK, map[string]any{"version_id": nil, "acknowledged": 0, "total": 0, "groups": []any{}})
		return nil
	}
	groups := make([]docAckGroupJSON, len(rep.Groups))
	for i, g := range rep.Groups {
		gj := docAckGroupJSON{SiteName: g.SiteName, Done: g.Done, Total: g.Total, Members: make([]docAckMemberJSON, len(g.Members))}
		if g.SiteID != "" {
			id := g.SiteID
			gj.SiteID = &id
		}
		for j, m := range g.Members {
			gj.Members[j] = docAckMemberJSON{m.UserID, m.Name, m.Email, string(m.Role), m.At}
		}
		groups[i] = gj
	}
	writeJSON(w, http.StatusOK, map[string]any{"version_id": rep.VersionID, "version": rep.Number, "acknowledged": rep.Done, "total": rep.Total, "groups": groups})
	return nil
}
