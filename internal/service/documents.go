package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Controlled-document actions. Approval is further limited by document type
// (bulkhead.DocApprovers) and never open to the version's author.
const (
	ActDocumentRead      Action = "document.read"
	ActDocumentCreate    Action = "document.create"
	ActDocumentUpdate    Action = "document.update" // metadata, drafts, sending for review
	ActDocumentArchive   Action = "document.archive"
	ActDocumentApprove   Action = "document.approve" // approve or return a version in review
	ActDocumentPublish   Action = "document.publish" // publish an approved version, withdraw a published one
	ActDocumentAck       Action = "document.acknowledge"
	ActDocumentAckReport Action = "document.ack_report" // who has and hasn't acknowledged
)

// documentGrants are the permission rows of controlled documents (issue 3:
// 5.2 policy, 4.3 scope, 7.3 acknowledgements, 7.5 documented information).
var documentGrants = []grant{
	{ActDocumentRead, []bulkhead.Role{admin, topm, secm, siteo, audit, contr, viewr, partn}},
	{ActDocumentCreate, []bulkhead.Role{admin, topm, secm, contr}},
	{ActDocumentUpdate, []bulkhead.Role{admin, topm, secm, contr}},
	{ActDocumentArchive, []bulkhead.Role{admin, secm}},
	{ActDocumentApprove, []bulkhead.Role{admin, topm, secm}},
	{ActDocumentPublish, []bulkhead.Role{admin, topm, secm}},
	{ActDocumentAck, []bulkhead.Role{admin, topm, secm, siteo, contr, viewr}},
	{ActDocumentAckReport, []bulkhead.Role{admin, topm, secm, audit}},
}

// documentTasks returns what falls due for the actor in controlled
// documents (awaiting their approval, past review, to acknowledge).
func (s *Service) documentTasks(ctx context.Context, a Actor) ([]Task, error) {
	if !Can(a.Role, ActDocumentRead) {
		return nil, nil
	}
	var out []Task
	now := s.now()
	classes := visibleClasses(a)
	docs := map[string]*bulkhead.Document{}
	doc := func(id string) (*bulkhead.Document, error) {
		if d, ok := docs[id]; ok {
			return d, nil
		}
		d, err := s.store.Document(ctx, a.OrgID, id)
		if err != nil {
			return nil, err
		}
		docs[id] = d
		return d, nil
	}
	if Can(a.Role, ActDocumentApprove) {
		vs, err := s.store.DocumentVersionsByStatus(ctx, a.OrgID, bulkhead.VersionInReview)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			d, err := doc(v.DocumentID)
			if err != nil {
				return nil, err
			}
			if d.ArchivedAt != nil || v.AuthorID == a.UserID || !bulkhead.CanApproveDoc(d.Type, a.Role) || !slices.Contains(classes, d.Classification) {
				continue
			}
			out = append(out, Task{Kind: "document.approve", Title: fmt.Sprintf("%s %s v%d", d.Reference, d.Title, v.Number), Href: "/documents/" + d.ID})
		}
	}
	f := bulkhead.DocumentFilter{OrgID: a.OrgID, ReviewBefore: &now, Classes: classFilter(a), Sort: bulkhead.DocSortReview, Limit: bulkhead.MaxPageSize}
	if a.Role != secm && !a.System {
		f.OwnerID = a.UserID
	}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	overdue, _, err := s.store.Documents(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, d := range overdue {
		out = append(out, Task{Kind: "document.review", Title: d.Reference + " " + d.Title, Href: "/documents/" + d.ID, Due: *d.ReviewDue, Overdue: true})
	}
	if Can(a.Role, ActDocumentAck) {
		pending, err := s.pendingAcks(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, d := range pending {
			out = append(out, Task{Kind: "document.acknowledge", Title: d.Reference + " " + d.Title, Href: "/documents/" + d.ID})
		}
	}
	return out, nil
}

// pendingAcks returns the published documents the actor must acknowledge
// and has not.
func (s *Service) pendingAcks(ctx context.Context, a Actor) ([]*bulkhead.Document, error) {
	mine, err := s.store.UserDocumentAcks(ctx, a.OrgID, a.UserID)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, k := range mine {
		done[k.VersionID] = true
	}
	var out []*bulkhead.Document
	err = s.eachDocument(ctx, bulkhead.DocumentFilter{OrgID: a.OrgID, AckRequired: true, Classes: classFilter(a)}, func(d *bulkhead.Document) error {
		if d.MustAcknowledge(a.Role) && !done[d.PublishedID] {
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// documentCoverage reports, for the sub-clauses that controlled documents
// serve (4.3, 5.2, 7.3, 7.5), what exists and what is missing or overdue.
func (s *Service) documentCoverage(ctx context.Context, a Actor) ([]ClauseStatus, error) {
	// Partners see public documents only: the organisation's coverage is
	// not theirs to read.
	if !a.System && (!Can(a.Role, ActDocumentRead) || a.Role == partn) {
		return nil, nil
	}
	var scopes, policies, policiesByTopm, docs, overdue, ackDone, ackTotal int
	members, err := s.store.Members(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.eachDocument(ctx, bulkhead.DocumentFilter{OrgID: a.OrgID}, func(d *bulkhead.Document) error {
		docs++
		if d.ReviewOverdue(now) {
			overdue++
		}
		if d.PublishedID == "" {
			return nil
		}
		switch d.Type {
		case bulkhead.DocScope:
			scopes++
		case bulkhead.DocPolicy:
			policies++
			v, err := s.store.DocumentVersion(ctx, a.OrgID, d.PublishedID)
			if err != nil {
				return err
			}
			if v.ApprovedRole == bulkhead.RoleTopManagement {
				policiesByTopm++
			}
		}
		if d.AckRequired {
			acks, err := s.store.DocumentAcks(ctx, a.OrgID, d.PublishedID)
			if err != nil {
				return err
			}
			acked := map[string]bool{}
			for _, k := range acks {
				acked[k.UserID] = true
			}
			for _, m := range members {
				if d.MustAcknowledge(m.Role) {
					ackTotal++
					if acked[m.UserID] {
						ackDone++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []ClauseStatus{
		{Clause: "4.3", Kind: "scope", Href: "/documents?type=scope", Count: scopes, Missing: scopes == 0},
		{Clause: "5.2", Kind: "policy", Href: "/documents?type=policy", Count: policiesByTopm, Missing: policiesByTopm == 0},
		{Clause: "7.3", Kind: "acknowledgement", Href: "/documents", Count: ackDone, Overdue: ackTotal - ackDone,
			Notes: []string{fmt.Sprintf("%d of %d acknowledgements", ackDone, ackTotal)}},
		{Clause: "7.5", Kind: "document", Href: "/documents", Count: docs, Overdue: overdue, Missing: docs == 0},
	}
	if policies > policiesByTopm {
		out[1].Notes = []string{fmt.Sprintf("%d published policies not approved by top management", policies-policiesByTopm)}
	}
	return out, nil
}

// demoDocuments adds the demo organisation's controlled documents: the
// security policy approved by top management, the scope with its
// exclusions, and procedures in every state of the workflow.
func (s *Service) demoDocuments(ctx context.Context, d *demoOrg) error {
	secmA, director, contrA := d.as(secm), d.as(topm), d.as(contr)
	ackAll := &[]string{string(admin), string(topm), string(secm), string(siteo), string(contr), string(viewr)}
	mk := func(a Actor, ref, title string, t bulkhead.DocType, class bulkhead.Classification, ackRoles *[]string, review int) (*bulkhead.Document, error) {
		in := bulkhead.DocumentInput{Reference: &ref, Title: &title, Type: docPtr(string(t)), Classification: docPtr(string(class)),
			AckRequired: docPtr(ackRoles != nil), AckRoles: ackRoles, ReviewMonths: &review, RetentionMonths: docPtr(84)}
		owner := d.users[secm].ID
		in.OwnerID = &owner
		return s.CreateDocument(ctx, a, in)
	}
	// publish takes a version from draft to published: written by author,
	// approved by approver, published by the security manager.
	publish := func(doc *bulkhead.Document, author, approver Actor, in bulkhead.VersionInput) error {
		v, err := s.SaveDraft(ctx, author, doc.ID, in)
		if err != nil {
			return err
		}
		if _, err := s.SubmitVersion(ctx, author, doc.ID, v.ID); err != nil {
			return err
		}
		if _, err := s.ApproveVersion(ctx, approver, doc.ID, v.ID); err != nil {
			return err
		}
		_, err = s.PublishVersion(ctx, secmA, doc.ID, v.ID)
		return err
	}
	body := func(s string) bulkhead.VersionInput {
		return bulkhead.VersionInput{Body: &s, Note: docPtr("First issue.")}
	}

	policy, err := mk(secmA, "SEC-POL-001", "Supply chain security policy", bulkhead.DocPolicy, bulkhead.ClassPublic, ackAll, 12)
	if err != nil {
		return err
	}
	if err := publish(policy, secmA, director, body(demoPolicyText)); err != nil {
		return err
	}

	scope, err := mk(secmA, "SEC-SCP-001", "Scope of the security management system", bulkhead.DocScope, bulkhead.ClassInternal, nil, 12)
	if err != nil {
		return err
	}
	sc := &bulkhead.ScopeDetails{
		SiteIDs:    []string{d.sites[0].ID, d.sites[1].ID, d.sites[2].ID, d.sites[3].ID},
		Activities: []string{"Warehousing of high-value consumer electronics", "Container stuffing and stripping", "Cross-docking for road linehaul", "Trailer staging before the US border crossing"},
		Segments:   []string{"Inbound ocean freight from the port of Rotterdam", "Storage and order fulfilment", "Road transport to customers in the EU", "Northbound road freight Mexico → United States"},
		Exclusions: []bulkhead.Exclusion{
			{Item: "Customs brokerage", Justification: "Bought in from licensed brokers; controlled as an external provider through partner security requirements, not run by us."},
			{Item: "Office IT network", Justification: "Covered by the separate information security management system; only the links to gate and CCTV systems are in scope."},
		},
	}
	if err := publish(scope, secmA, director, bulkhead.VersionInput{Body: docPtr(demoScopeText), Scope: sc, Note: docPtr("First issue.")}); err != nil {
		return err
	}

	seal, err := mk(secmA, "SEC-PRO-010", "Seal control", bulkhead.DocProcedure, bulkhead.ClassInternal, &[]string{string(siteo), string(secm)}, 12)
	if err != nil {
		return err
	}
	if err := publish(seal, contrA, secmA, body(demoSealTextV1)); err != nil {
		return err
	}
	if err := publish(seal, contrA, secmA, bulkhead.VersionInput{Body: docPtr(demoSealTextV2), Note: docPtr("Adds the seal-anomaly escalation and the daily stock reconciliation.")}); err != nil {
		return err
	}

	// The inspection procedure was issued thirteen months ago with a yearly
	// review, so it is past its review date: the demo runs that part of its
	// history on a clock set back.
	realNow := s.now
	s.now = func() time.Time { return realNow().AddDate(-1, -1, 0) }
	insp, err := mk(secmA, "SEC-PRO-020", "Container and trailer inspection", bulkhead.DocProcedure, bulkhead.ClassInternal, &[]string{string(siteo)}, 12)
	if err == nil {
		err = publish(insp, secmA, director, body(demoInspectionText))
	}
	s.now = realNow
	if err != nil {
		return err
	}

	visitor, err := mk(secmA, "SEC-PRO-030", "Visitor and driver access", bulkhead.DocProcedure, bulkhead.ClassInternal, &[]string{string(siteo)}, 24)
	if err != nil {
		return err
	}
	v, err := s.SaveDraft(ctx, secmA, visitor.ID, body(demoVisitorText))
	if err != nil {
		return err
	}
	if _, err := s.SubmitVersion(ctx, secmA, visitor.ID, v.ID); err != nil {
		return err
	}

	incident, err := mk(contrA, "SEC-PRO-040", "Security incident response", bulkhead.DocProcedure, bulkhead.ClassConfidential, nil, 12)
	if err != nil {
		return err
	}
	if _, err := s.SaveDraft(ctx, contrA, incident.ID, body(demoIncidentText)); err != nil {
		return err
	}

	// Some members have read the policy and the seal procedure; others not yet.
	for _, r := range []bulkhead.Role{siteo, viewr, topm} {
		if _, err := s.Acknowledge(ctx, d.as(r), policy.ID, ""); err != nil {
			return err
		}
	}
	_, err = s.Acknowledge(ctx, d.as(siteo), seal.ID, "")
	return err
}

func docPtr[T any](v T) *T { return &v }
