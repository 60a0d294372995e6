package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/catalog"
	"github.com/bulkhead-sms/bulkhead/internal/export"
)

// MaxEvidenceSize is the largest evidence file kept in the database.
const MaxEvidenceSize = 10 << 20

// EvidenceExpiryWindow is how far ahead evidence counts as expiring.
const EvidenceExpiryWindow = 30 * 24 * time.Hour

// AssessmentInput holds the editable fields of an assessment; nil fields
// are left unchanged on update. LibraryID is only read on create.
type AssessmentInput struct {
	LibraryID   *string   `json:"library_id"`
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	Groups      *[]string `json:"groups"`
	SiteIDs     *[]string `json:"site_ids"`
	Status      *string   `json:"status"`
}

// framework returns the framework of a library detail, or EINVALID.
func frameworkOf(d *LibraryDetail) (*catalog.Framework, error) {
	if d.Parsed.Objects.Framework == nil {
		return nil, bulkhead.Invalid(map[string]string{"library_id": bulkhead.FieldChoice})
	}
	return d.Parsed.Objects.Framework, nil
}

// applyAssessment copies and checks the input.
func (s *Service) applyAssessment(ctx context.Context, a Actor, x *bulkhead.Assessment, fw *catalog.Framework, in AssessmentInput) error {
	f := map[string]string{}
	if in.Name != nil {
		x.Name = strings.TrimSpace(*in.Name)
	}
	if in.Description != nil {
		x.Description = strings.TrimSpace(*in.Description)
	}
	if in.Groups != nil {
		x.Groups = nil
		for _, g := range *in.Groups {
			if g = strings.TrimSpace(g); g != "" && !slices.Contains(x.Groups, g) {
				x.Groups = append(x.Groups, g)
			}
		}
	}
	if in.SiteIDs != nil {
		x.SiteIDs = nil
		for _, id := range *in.SiteIDs {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(x.SiteIDs, id) {
				x.SiteIDs = append(x.SiteIDs, id)
			}
		}
	}
	if in.Status != nil {
		x.Status = bulkhead.AssessmentStatus(strings.TrimSpace(*in.Status))
	}
	switch {
	case x.Name == "":
		f["name"] = bulkhead.FieldRequired
	case utf8.RuneCountInString(x.Name) > 200:
		f["name"] = bulkhead.FieldTooLong
	}
	if len(x.Description) > 10000 {
		f["description"] = bulkhead.FieldTooLong
	}
	if x.Status != bulkhead.AssessmentOpen && x.Status != bulkhead.AssessmentClosed {
		f["status"] = bulkhead.FieldChoice
	}
	for _, g := range x.Groups {
		if !slices.ContainsFunc(fw.ImplementationGroupsDefinition, func(d catalog.ImplementationGroup) bool { return d.RefID == g }) {
			f["groups"] = bulkhead.FieldChoice
		}
	}
	for _, id := range x.SiteIDs {
		if _, err := s.store.Site(ctx, a.OrgID, id); err != nil {
			if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
				return err
			}
			f["site_ids"] = bulkhead.FieldChoice
		}
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return nil
}

func assessmentAudit(x *bulkhead.Assessment) map[string]any {
	return map[string]any{"name": x.Name, "description": x.Description, "groups": strings.Join(x.Groups, " "), "site_ids": strings.Join(x.SiteIDs, " "), "status": string(x.Status)}
}

// CreateAssessment starts a compliance assessment of a library's
// framework. EFORBIDDEN, EINVALID.
func (s *Service) CreateAssessment(ctx context.Context, a Actor, in AssessmentInput) (*bulkhead.Assessment, error) {
	if err := authorize(a, ActAssessmentManage); err != nil {
		return nil, err
	}
	if in.LibraryID == nil || *in.LibraryID == "" {
		return nil, bulkhead.Invalid(map[string]string{"library_id": bulkhead.FieldRequired})
	}
	d, err := s.Library(ctx, a, *in.LibraryID)
	if bulkhead.ErrorCode(err) == bulkhead.ENOTFOUND {
		return nil, bulkhead.Invalid(map[string]string{"library_id": bulkhead.FieldChoice})
	}
	if err != nil {
		return nil, err
	}
	fw, err := frameworkOf(d)
	if err != nil {
		return nil, err
	}
	now := s.now()
	x := &bulkhead.Assessment{ID: bulkhead.NewID(), OrgID: a.OrgID, LibraryID: d.ID, Status: bulkhead.AssessmentOpen, CreatedAt: now, UpdatedAt: now, CreatedBy: a.UserID}
	if err := s.applyAssessment(ctx, a, x, fw, in); err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateAssessment(ctx, x); err != nil {
			return err
		}
		after := assessmentAudit(x)
		after["library"] = d.URN
		return s.record(ctx, tx, a, "assessment.create", "assessment", x.ID, map[string]any{"after": after})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// UpdateAssessment changes an assessment's name, description, scope or
// status (open/closed). EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateAssessment(ctx context.Context, a Actor, id string, in AssessmentInput) (*bulkhead.Assessment, error) {
	if err := authorize(a, ActAssessmentManage); err != nil {
		return nil, err
	}
	x, err := s.store.Assessment(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	d, err := s.Library(ctx, a, x.LibraryID)
	if err != nil {
		return nil, err
	}
	fw, err := frameworkOf(d)
	if err != nil {
		return nil, err
	}
	before := assessmentAudit(x)
	if err := s.applyAssessment(ctx, a, x, fw, in); err != nil {
		return nil, err
	}
	changes := diff(before, assessmentAudit(x))
	if len(changes) == 0 {
		return x, nil
	}
	x.UpdatedAt = s.now()
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.UpdateAssessment(ctx, x); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "assessment.update", "assessment", x.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// AssessmentSummary is an assessment with its library and readiness
// figures, for lists.
type AssessmentSummary struct {
	*bulkhead.Assessment
	Library   *bulkhead.Library
	Readiness *Readiness
}

// Assessments lists the organisation's assessments. EFORBIDDEN.
func (s *Service) Assessments(ctx context.Context, a Actor) ([]*AssessmentSummary, error) {
	if err := authorize(a, ActAssessmentRead); err != nil {
		return nil, err
	}
	xs, err := s.store.Assessments(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]*AssessmentSummary, 0, len(xs))
	for _, x := range xs {
		v, err := s.assessmentView(ctx, a, x)
		if err != nil {
			return nil, err
		}
		out = append(out, &AssessmentSummary{Assessment: x, Library: v.Library.Library, Readiness: v.Readiness})
	}
	return out, nil
}

// AssessmentRow is one requirement node of an assessment view.
type AssessmentRow struct {
	Node     *catalog.RequirementNode
	InScope  bool // assessable and in the assessment's groups
	Result   *bulkhead.AssessmentResult
	Evidence []*bulkhead.Evidence
	Actions  []*bulkhead.ComplianceAction
}

// AssessmentView is an assessment with its framework tree, answers and
// readiness.
type AssessmentView struct {
	*bulkhead.Assessment
	Library   *LibraryDetail
	Framework *catalog.Framework
	Rows      []*AssessmentRow
	Readiness *Readiness
}

// Readiness sums up an assessment or one clause of it.
type Readiness struct {
	RefID, Name                                          string // of the clause; "" for the whole
	Total, Assessed, Compliant, Partial, NonCompliant    int
	NotApplicable, Inferred, Gaps, Expiring, OpenActions int
	Clauses                                              []*Readiness
}

// PctAssessed is the share of in-scope requirements answered, 0–100.
func (r *Readiness) PctAssessed() int { return readinessPct(r.Assessed, r.Total) }

// PctCompliant is the share of applicable requirements compliant, 0–100.
func (r *Readiness) PctCompliant() int { return readinessPct(r.Compliant, r.Total-r.NotApplicable) }

func readinessPct(n, d int) int {
	if d <= 0 {
		return 0
	}
	return n * 100 / d
}

func (r *Readiness) add(row *AssessmentRow, now time.Time) {
	r.Total++
	st := bulkhead.ResultNotAssessed
	if row.Result != nil {
		st = row.Result.Status
		if row.Result.InferredStatus != "" && st == bulkhead.ResultNotAssessed {
			r.Inferred++
		}
	}
	switch st {
	case bulkhead.ResultCompliant:
		r.Compliant++
	case bulkhead.ResultPartial:
		r.Partial++
		r.Gaps++
	case bulkhead.ResultNonCompliant:
		r.NonCompliant++
		r.Gaps++
	case bulkhead.ResultNotApplicable:
		r.NotApplicable++
	}
	if st != bulkhead.ResultNotAssessed {
		r.Assessed++
	}
	for _, e := range row.Evidence {
		if e.ValidUntil != nil && e.ValidUntil.Before(now.Add(EvidenceExpiryWindow)) {
			r.Expiring++
		}
	}
	for _, c := range row.Actions {
		if c.Status == bulkhead.GapActionOpen {
			r.OpenActions++
		}
	}
}

// inScope reports whether an assessable node belongs to the groups.
func nodeInScope(n *catalog.RequirementNode, groups []string) bool {
	if !n.Assessable {
		return false
	}
	if len(groups) == 0 || len(n.ImplementationGroups) == 0 {
		return true
	}
	for _, g := range n.ImplementationGroups {
		if slices.Contains(groups, g) {
			return true
		}
	}
	return false
}

// Assessment returns an assessment with its tree, answers and readiness.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) Assessment(ctx context.Context, a Actor, id string) (*AssessmentView, error) {
	if err := authorize(a, ActAssessmentRead); err != nil {
		return nil, err
	}
	x, err := s.store.Assessment(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	return s.assessmentView(ctx, a, x)
}

func (s *Service) assessmentView(ctx context.Context, a Actor, x *bulkhead.Assessment) (*AssessmentView, error) {
	l, err := s.store.Library(ctx, a.OrgID, x.LibraryID)
	if err != nil {
		return nil, err
	}
	p, err := parseStored(l)
	if err != nil {
		return nil, err
	}
	d := &LibraryDetail{Library: l, Parsed: p}
	fw, err := frameworkOf(d)
	if err != nil {
		return nil, err
	}
	results, err := s.store.AssessmentResults(ctx, a.OrgID, x.ID)
	if err != nil {
		return nil, err
	}
	evidence, err := s.store.EvidenceList(ctx, a.OrgID, x.ID)
	if err != nil {
		return nil, err
	}
	actions, err := s.store.ComplianceActions(ctx, a.OrgID, x.ID)
	if err != nil {
		return nil, err
	}
	v := &AssessmentView{Assessment: x, Library: d, Framework: fw, Rows: make([]*AssessmentRow, len(fw.RequirementNodes)), Readiness: &Readiness{}}
	byURN := make(map[string]*AssessmentRow, len(fw.RequirementNodes))
	for i := range fw.RequirementNodes {
		n := &fw.RequirementNodes[i]
		row := &AssessmentRow{Node: n, InScope: nodeInScope(n, x.Groups)}
		v.Rows[i] = row
		byURN[n.URN] = row
	}
	for _, r := range results {
		if row := byURN[r.NodeURN]; row != nil {
			row.Result = r
		}
	}
	for _, e := range evidence {
		if row := byURN[e.NodeURN]; row != nil {
			row.Evidence = append(row.Evidence, e)
		}
	}
	for _, c := range actions {
		if row := byURN[c.NodeURN]; row != nil {
			row.Actions = append(row.Actions, c)
		}
	}
	// Clause readiness: each in-scope row counts for its top-level node.
	clauses := map[string]*Readiness{}
	top := func(n *catalog.RequirementNode) *catalog.RequirementNode {
		for i := 0; n.ParentURN != "" && i < 64; i++ {
			parent := byURN[n.ParentURN]
			if parent == nil {
				break
			}
			n = parent.Node
		}
		return n
	}
	now := s.now()
	for _, row := range v.Rows {
		if !row.InScope {
			continue
		}
		t := top(row.Node)
		c := clauses[t.URN]
		if c == nil {
			c = &Readiness{RefID: t.RefID, Name: t.Name}
			clauses[t.URN] = c
			v.Readiness.Clauses = append(v.Readiness.Clauses, c)
		}
		c.add(row, now)
		v.Readiness.add(row, now)
	}
	return v, nil
}

// AnswerInput is an answer to one requirement; nil fields are unchanged.
// AcceptInferred takes the inferred status as the answer.
type AnswerInput struct {
	Status         *string `json:"status"`
	Notes          *string `json:"notes"`
	Justification  *string `json:"justification"`
	Controls       *string `json:"controls"`
	AcceptInferred bool    `json:"accept_inferred"`
}

// AnswerRequirement records the answer to one requirement of an open
// assessment. Requirements mapped to it in the organisation's other open
// assessments that are not yet answered get an inferred status to review
// (never an answer). EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT (closed).
func (s *Service) AnswerRequirement(ctx context.Context, a Actor, assessmentID, nodeURN string, in AnswerInput) (*bulkhead.AssessmentResult, error) {
	if err := authorize(a, ActAssessmentAnswer); err != nil {
		return nil, err
	}
	v, err := s.Assessment(ctx, a, assessmentID)
	if err != nil {
		return nil, err
	}
	if v.Status != bulkhead.AssessmentOpen {
		return nil, bulkhead.Errorf(bulkhead.ECONFLICT, "The assessment is closed; reopen it to change answers.")
	}
	i := slices.IndexFunc(v.Rows, func(r *AssessmentRow) bool { return r.Node.URN == nodeURN })
	if i < 0 {
		return nil, bulkhead.NotFound("Requirement")
	}
	row := v.Rows[i]
	if !row.Node.Assessable {
		return nil, bulkhead.Invalid(map[string]string{"node_urn": bulkhead.FieldChoice})
	}
	r := &bulkhead.AssessmentResult{OrgID: a.OrgID, AssessmentID: v.ID, NodeURN: nodeURN, Status: bulkhead.ResultNotAssessed}
	if row.Result != nil {
		cp := *row.Result
		r = &cp
	}
	before := map[string]any{"status": string(r.Status), "notes": r.Notes, "justification": r.Justification, "controls": r.Controls}
	if in.AcceptInferred && r.InferredStatus != "" {
		r.Status = r.InferredStatus
		r.Notes = strings.TrimSpace(strings.TrimSpace(r.Notes) + "\n" + "Accepted from " + r.InferredFrom)
	}
	if in.Status != nil {
		r.Status = bulkhead.ResultStatus(strings.TrimSpace(*in.Status))
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&r.Notes, in.Notes)
	set(&r.Justification, in.Justification)
	set(&r.Controls, in.Controls)
	f := map[string]string{}
	if !r.Status.Valid() {
		f["status"] = bulkhead.FieldChoice
	}
	if r.Status == bulkhead.ResultNotApplicable && r.Justification == "" {
		f["justification"] = bulkhead.FieldRequired
	}
	for k, x := range map[string]string{"notes": r.Notes, "justification": r.Justification, "controls": r.Controls} {
		if len(x) > 10000 {
			f[k] = bulkhead.FieldTooLong
		}
	}
	if len(f) > 0 {
		return nil, bulkhead.Invalid(f)
	}
	if r.Status != bulkhead.ResultNotAssessed {
		r.InferredStatus, r.InferredFrom = "", ""
	}
	after := map[string]any{"status": string(r.Status), "notes": r.Notes, "justification": r.Justification, "controls": r.Controls}
	changes := diff(before, after)
	if len(changes) == 0 && row.Result != nil && !in.AcceptInferred {
		return r, nil
	}
	r.UpdatedAt, r.UpdatedBy = s.now(), a.UserID
	inferred, err := s.inferences(ctx, a, v, row.Node, r.Status)
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.PutAssessmentResult(ctx, r); err != nil {
			return err
		}
		for _, ir := range inferred {
			if err := tx.PutAssessmentResult(ctx, ir); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "assessment.answer", "assessment", v.ID, map[string]any{"node": nodeURN, "ref_id": row.Node.RefID, "changes": changes, "inferred": len(inferred)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// inferredStatus is what an answer st to requirement X suggests for a
// requirement Y when X relates to Y by rel (X is to Y as rel says).
func inferredStatus(rel catalog.Relationship, st bulkhead.ResultStatus) bulkhead.ResultStatus {
	switch st {
	case bulkhead.ResultNotAssessed, bulkhead.ResultNotApplicable:
		return "" // applicability is decided per framework
	}
	switch rel {
	case catalog.RelationshipEqual, catalog.RelationshipSuperset:
		return st // X covers all of Y
	case catalog.RelationshipSubset:
		if st == bulkhead.ResultNonCompliant {
			return st // Y needs all of X, which fails
		}
		return bulkhead.ResultPartial
	default: // intersect
		return bulkhead.ResultPartial
	}
}

func invertRelationship(rel catalog.Relationship) catalog.Relationship {
	switch rel {
	case catalog.RelationshipSubset:
		return catalog.RelationshipSuperset
	case catalog.RelationshipSuperset:
		return catalog.RelationshipSubset
	}
	return rel
}

// inferences builds the inferred results for the requirements mapped to
// node in the organisation's other open assessments.
func (s *Service) inferences(ctx context.Context, a Actor, v *AssessmentView, node *catalog.RequirementNode, st bulkhead.ResultStatus) ([]*bulkhead.AssessmentResult, error) {
	if st == bulkhead.ResultNotAssessed || st == bulkhead.ResultNotApplicable {
		return nil, nil
	}
	libs, err := s.visibleLibraries(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	type target struct {
		fw, node  string
		rel       catalog.Relationship
		rationale string
	}
	var targets []target
	for _, l := range libs {
		if l.MappingCount == 0 {
			continue
		}
		full, err := s.store.Library(ctx, a.OrgID, l.ID)
		if err != nil {
			return nil, err
		}
		p, err := parseStored(full)
		if err != nil {
			return nil, err
		}
		for _, set := range mappingSets(p) {
			for _, m := range set.RequirementMappings {
				switch {
				case strings.EqualFold(set.SourceFrameworkURN, v.Framework.URN) && strings.EqualFold(m.SourceRequirementURN, node.URN):
					targets = append(targets, target{set.TargetFrameworkURN, m.TargetRequirementURN, m.Relationship, m.Rationale})
				case strings.EqualFold(set.TargetFrameworkURN, v.Framework.URN) && strings.EqualFold(m.TargetRequirementURN, node.URN):
					targets = append(targets, target{set.SourceFrameworkURN, m.SourceRequirementURN, invertRelationship(m.Relationship), m.Rationale})
				}
			}
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	others, err := s.store.Assessments(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	var out []*bulkhead.AssessmentResult
	for _, o := range others {
		if o.ID == v.ID || o.Status != bulkhead.AssessmentOpen {
			continue
		}
		ov, err := s.assessmentView(ctx, a, o)
		if err != nil {
			return nil, err
		}
		for _, t := range targets {
			if !strings.EqualFold(ov.Framework.URN, t.fw) {
				continue
			}
			i := slices.IndexFunc(ov.Rows, func(r *AssessmentRow) bool { return strings.EqualFold(r.Node.URN, t.node) })
			if i < 0 || !ov.Rows[i].InScope {
				continue
			}
			row := ov.Rows[i]
			if row.Result != nil && row.Result.Status != bulkhead.ResultNotAssessed {
				continue // answered by a person: never overwritten
			}
			ist := inferredStatus(t.rel, st)
			if ist == "" {
				continue
			}
			r := &bulkhead.AssessmentResult{OrgID: a.OrgID, AssessmentID: o.ID, NodeURN: row.Node.URN, Status: bulkhead.ResultNotAssessed}
			if row.Result != nil {
				cp := *row.Result
				r = &cp
			}
			r.InferredStatus = ist
			r.InferredFrom = fmt.Sprintf("%s — %s %s: %s (%s)", v.Name, v.Framework.Name, node.RefID, st, t.rel)
			if t.rationale != "" {
				r.InferredFrom += ". " + t.rationale
			}
			r.UpdatedAt, r.UpdatedBy = s.now(), a.UserID
			out = append(out, r)
		}
	}
	return out, nil
}

// SoARow is one line of a statement of applicability.
type SoARow struct {
	RefID, Name, Justification, Controls, Notes string
	Applicable                                  bool
	Status                                      bulkhead.ResultStatus
}

// StatementOfApplicability lists every in-scope requirement with its
// applicability, justification, controls and status. EFORBIDDEN, ENOTFOUND.
func (s *Service) StatementOfApplicability(ctx context.Context, a Actor, id string) (*AssessmentView, []SoARow, error) {
	v, err := s.Assessment(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	var out []SoARow
	for _, row := range v.Rows {
		if !row.InScope {
			continue
		}
		r := SoARow{RefID: row.Node.RefID, Name: row.Node.Name, Applicable: true, Status: bulkhead.ResultNotAssessed}
		if row.Result != nil {
			r.Status, r.Justification, r.Controls, r.Notes = row.Result.Status, row.Result.Justification, row.Result.Controls, row.Result.Notes
			r.Applicable = r.Status != bulkhead.ResultNotApplicable
		}
		out = append(out, r)
	}
	return v, out, nil
}

// WriteSoACSV writes a statement of applicability as CSV.
func WriteSoACSV(w io.Writer, rows []SoARow) error {
	c := export.NewCSV(w)
	if err := c.Write("requirement", "title", "applicable", "justification", "controls", "status", "notes"); err != nil {
		return err
	}
	for _, r := range rows {
		app := "yes"
		if !r.Applicable {
			app = "no"
		}
		if err := c.Write(r.RefID, r.Name, app, r.Justification, r.Controls, string(r.Status), r.Notes); err != nil {
			return err
		}
	}
	return c.Flush()
}

// AssessmentEvidenceInput is a file or a link to attach to a requirement.
type AssessmentEvidenceInput struct {
	NodeURN     string     `json:"node_urn"`
	Name        string     `json:"name"`
	URL         string     `json:"url"`
	ContentType string     `json:"content_type"`
	Content     []byte     `json:"content"`
	ValidUntil  *time.Time `json:"valid_until"`
}

// AddEvidence attaches a file (bytes and SHA-256 kept) or a link to a
// requirement of an assessment. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) AddEvidence(ctx context.Context, a Actor, assessmentID string, in AssessmentEvidenceInput) (*bulkhead.Evidence, error) {
	if err := authorize(a, ActAssessmentAnswer); err != nil {
		return nil, err
	}
	v, err := s.Assessment(ctx, a, assessmentID)
	if err != nil {
		return nil, err
	}
	f := map[string]string{}
	if !slices.ContainsFunc(v.Rows, func(r *AssessmentRow) bool { return r.Node.URN == in.NodeURN && r.Node.Assessable }) {
		f["node_urn"] = bulkhead.FieldChoice
	}
	e := &bulkhead.Evidence{ID: bulkhead.NewID(), OrgID: a.OrgID, AssessmentID: v.ID, NodeURN: in.NodeURN, Name: strings.TrimSpace(in.Name),
		URL: strings.TrimSpace(in.URL), ContentType: strings.TrimSpace(in.ContentType), CreatedAt: s.now(), CreatedBy: a.UserID}
	if in.ValidUntil != nil {
		t := in.ValidUntil.UTC().Truncate(time.Microsecond)
		e.ValidUntil = &t
	}
	switch {
	case e.URL != "" && len(in.Content) > 0:
		f["url"] = bulkhead.FieldInvalid
	case e.URL != "":
		if !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "http://") || len(e.URL) > 2000 {
			f["url"] = bulkhead.FieldInvalid
		}
	case len(in.Content) == 0:
		f["file"] = bulkhead.FieldRequired
	case len(in.Content) > MaxEvidenceSize:
		f["file"] = bulkhead.FieldTooLong
	default:
		sum := sha256.Sum256(in.Content)
		e.Content, e.Size, e.SHA256 = in.Content, int64(len(in.Content)), hex.EncodeToString(sum[:])
		if e.ContentType == "" {
			e.ContentType = "application/octet-stream"
		}
	}
	if e.Name == "" {
		f["name"] = bulkhead.FieldRequired
	} else if utf8.RuneCountInString(e.Name) > 200 {
		f["name"] = bulkhead.FieldTooLong
	}
	if len(f) > 0 {
		return nil, bulkhead.Invalid(f)
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateEvidence(ctx, e); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "assessment.evidence_add", "evidence", e.ID, map[string]any{
			"assessment": v.ID, "node": e.NodeURN, "name": e.Name, "url": e.URL, "sha256": e.SHA256, "size": e.Size, "valid_until": export.Time(e.ValidUntil)})
	})
	if err != nil {
		return nil, err
	}
	e.Content = nil
	return e, nil
}

// EvidenceFile returns an evidence item with its bytes. EFORBIDDEN, ENOTFOUND.
func (s *Service) EvidenceFile(ctx context.Context, a Actor, id string) (*bulkhead.Evidence, error) {
	if err := authorize(a, ActAssessmentRead); err != nil {
		return nil, err
	}
	return s.store.Evidence(ctx, a.OrgID, id)
}

// DeleteEvidence removes an evidence item. EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteEvidence(ctx context.Context, a Actor, id string) error {
	if err := authorize(a, ActAssessmentAnswer); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx bulkhead.Tx) error {
		e, err := tx.Evidence(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteEvidence(ctx, a.OrgID, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "assessment.evidence_delete", "evidence", id, map[string]any{"assessment": e.AssessmentID, "node": e.NodeURN, "name": e.Name, "sha256": e.SHA256})
	})
}

// ComplianceActionInput holds the fields of a compliance action; nil fields are
// unchanged on update. NodeURN is only read on create.
type ComplianceActionInput struct {
	NodeURN *string    `json:"node_urn"`
	Title   *string    `json:"title"`
	Notes   *string    `json:"notes"`
	OwnerID *string    `json:"owner_id"`
	Due     *time.Time `json:"due"`
	Status  *string    `json:"status"`
}

func (s *Service) applyComplianceAction(ctx context.Context, a Actor, c *bulkhead.ComplianceAction, in ComplianceActionInput) error {
	if in.Title != nil {
		c.Title = strings.TrimSpace(*in.Title)
	}
	if in.Notes != nil {
		c.Notes = strings.TrimSpace(*in.Notes)
	}
	if in.OwnerID != nil {
		c.OwnerID = strings.TrimSpace(*in.OwnerID)
	}
	if in.Due != nil {
		t := in.Due.UTC().Truncate(time.Microsecond)
		c.Due = &t
	}
	if in.Status != nil {
		c.Status = bulkhead.GapActionStatus(strings.TrimSpace(*in.Status))
	}
	f := map[string]string{}
	if c.Title == "" {
		f["title"] = bulkhead.FieldRequired
	} else if utf8.RuneCountInString(c.Title) > 200 {
		f["title"] = bulkhead.FieldTooLong
	}
	if len(c.Notes) > 10000 {
		f["notes"] = bulkhead.FieldTooLong
	}
	if c.Status != bulkhead.GapActionOpen && c.Status != bulkhead.GapActionDone {
		f["status"] = bulkhead.FieldChoice
	}
	if c.OwnerID == "" {
		f["owner_id"] = bulkhead.FieldRequired
	} else if _, err := s.store.Membership(ctx, a.OrgID, c.OwnerID); err != nil {
		if bulkhead.ErrorCode(err) != bulkhead.ENOTFOUND {
			return err
		}
		f["owner_id"] = bulkhead.FieldChoice
	}
	if len(f) > 0 {
		return bulkhead.Invalid(f)
	}
	return nil
}

func complianceActionAudit(c *bulkhead.ComplianceAction) map[string]any {
	return map[string]any{"title": c.Title, "notes": c.Notes, "owner_id": c.OwnerID, "due": export.Time(c.Due), "status": string(c.Status)}
}

// CreateComplianceAction turns a gap of an assessment into an action with
// an owner and a due date. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) CreateComplianceAction(ctx context.Context, a Actor, assessmentID string, in ComplianceActionInput) (*bulkhead.ComplianceAction, error) {
	if err := authorize(a, ActAssessmentAction); err != nil {
		return nil, err
	}
	v, err := s.Assessment(ctx, a, assessmentID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &bulkhead.ComplianceAction{ID: bulkhead.NewID(), OrgID: a.OrgID, AssessmentID: v.ID, Status: bulkhead.GapActionOpen, CreatedAt: now, UpdatedAt: now}
	if in.NodeURN != nil {
		c.NodeURN = *in.NodeURN
	}
	in.Status = nil
	err = s.applyComplianceAction(ctx, a, c, in)
	if c.NodeURN == "" || !slices.ContainsFunc(v.Rows, func(r *AssessmentRow) bool { return r.Node.URN == c.NodeURN && r.Node.Assessable }) {
		fe := bulkhead.ErrorFields(err)
		if fe == nil {
			if err != nil {
				return nil, err
			}
			fe = map[string]string{}
		}
		fe["node_urn"] = bulkhead.FieldChoice
		return nil, bulkhead.Invalid(fe)
	}
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.CreateComplianceAction(ctx, c); err != nil {
			return err
		}
		after := complianceActionAudit(c)
		after["assessment"], after["node"] = v.ID, c.NodeURN
		return s.record(ctx, tx, a, "assessment.action_create", "compliance_action", c.ID, map[string]any{"after": after})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateComplianceAction changes an action; status done closes it.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) UpdateComplianceAction(ctx context.Context, a Actor, id string, in ComplianceActionInput) (*bulkhead.ComplianceAction, error) {
	if err := authorize(a, ActAssessmentAction); err != nil {
		return nil, err
	}
	c, err := s.store.ComplianceAction(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	before := complianceActionAudit(c)
	if err := s.applyComplianceAction(ctx, a, c, in); err != nil {
		return nil, err
	}
	changes := diff(before, complianceActionAudit(c))
	if len(changes) == 0 {
		return c, nil
	}
	now := s.now()
	c.UpdatedAt = now
	if c.Status == bulkhead.GapActionDone && c.ClosedAt == nil {
		c.ClosedAt = &now
	} else if c.Status == bulkhead.GapActionOpen {
		c.ClosedAt = nil
	}
	err = s.store.Write(ctx, func(tx bulkhead.Tx) error {
		if err := tx.UpdateComplianceAction(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "assessment.action_update", "compliance_action", c.ID, map[string]any{"changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
