package sqlite

import (
	"context"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// Risks linked to context issues (table context_issue_risks).

func (q queries) ContextIssueRisks(ctx context.Context, orgID, issueID string) ([]*bulkhead.LinkedRisk, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.id, s.title, s.assessment_id, a.title, a.status, s.current_l, s.current_c, s.current_level,
	s.residual_level, s.treatment, l.created_at
FROM context_issue_risks l
JOIN risk_scenarios s ON s.org_id = l.org_id AND s.id = l.risk_id
JOIN risk_assessments a ON a.id = s.assessment_id
WHERE l.org_id = ? AND l.issue_id = ?
ORDER BY lower(s.title), s.id`, orgID, issueID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []*bulkhead.LinkedRisk{}
	for rows.Next() {
		var r bulkhead.LinkedRisk
		var status, treatment string
		if err := rows.Scan(&r.RiskID, &r.Title, &r.AssessmentID, &r.AssessmentTitle, &status, &r.Current.Likelihood, &r.Current.Consequence,
			&r.CurrentLevel, &r.ResidualLevel, &treatment, microTime{&r.LinkedAt}); err != nil {
			return nil, mapErr(err)
		}
		r.AssessmentStatus, r.Treatment = bulkhead.RiskAssessmentStatus(status), bulkhead.Treatment(treatment)
		out = append(out, &r)
	}
	return out, mapErr(rows.Err())
}

func (q queries) RiskContextIssues(ctx context.Context, orgID, riskID string) ([]*bulkhead.LinkedIssue, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT i.id, i.title, i.origin, i.category, i.review_date, i.archived_at, l.created_at
FROM context_issue_risks l
JOIN context_issues i ON i.org_id = l.org_id AND i.id = l.issue_id
WHERE l.org_id = ? AND l.risk_id = ?
ORDER BY lower(i.title), i.id`, orgID, riskID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []*bulkhead.LinkedIssue{}
	for rows.Next() {
		var x bulkhead.LinkedIssue
		var origin, category, review string
		if err := rows.Scan(&x.IssueID, &x.Title, &origin, &category, &review, nullMicroTime{&x.ArchivedAt}, microTime{&x.LinkedAt}); err != nil {
			return nil, mapErr(err)
		}
		x.Origin, x.Category, x.ReviewDate = bulkhead.Origin(origin), bulkhead.IssueCategory(category), bulkhead.Date(review)
		out = append(out, &x)
	}
	return out, mapErr(rows.Err())
}

func (q queries) ContextRiskCoverage(ctx context.Context, orgID string) (bulkhead.ContextRiskCoverage, error) {
	var c bulkhead.ContextRiskCoverage
	err := q.q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(NOT EXISTS (SELECT 1 FROM context_issue_risks l WHERE l.org_id = i.org_id AND l.issue_id = i.id)), 0)
FROM context_issues i WHERE i.org_id = ? AND i.archived_at IS NULL`, orgID).Scan(&c.Issues, &c.Unlinked)
	return c, mapErr(err)
}

func (q queries) CreateContextIssueRisk(ctx context.Context, l *bulkhead.ContextIssueRisk) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO context_issue_risks (org_id, issue_id, risk_id, created_at) VALUES (?, ?, ?, ?)`,
		l.OrgID, l.IssueID, l.RiskID, micros(l.CreatedAt))
	return mapErr(err)
}

func (q queries) DeleteContextIssueRisk(ctx context.Context, orgID, issueID, riskID string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM context_issue_risks WHERE org_id = ? AND issue_id = ? AND risk_id = ?`, orgID, issueID, riskID)
	return affectedOne(res, err, "Linked risk")
}
