package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
	"github.com/bulkhead-sms/bulkhead/internal/service"
)

// contextRiskCommands link risk scenarios to context issues:
//
//	bulkhead context-issue risks  --as EMAIL --issue ID
//	bulkhead context-issue link   --as EMAIL --issue ID --risk ID
//	bulkhead context-issue unlink --as EMAIL --issue ID --risk ID
//	bulkhead risk scenario context-issues --as EMAIL --risk ID
func contextRiskCommands() []command {
	return []command{
		{"context-issue risks", "list the risk scenarios linked to a context issue (--issue)", cmdIssueRisks},
		{"context-issue link", "link a risk scenario to a context issue (--issue, --risk)", func(ctx context.Context, e *env, args []string) error {
			return cmdIssueRiskLink(ctx, e, args, true)
		}},
		{"context-issue unlink", "unlink a risk scenario from a context issue (--issue, --risk)", func(ctx context.Context, e *env, args []string) error {
			return cmdIssueRiskLink(ctx, e, args, false)
		}},
		{"risk scenario context-issues", "list the context issues a risk scenario is linked to (--risk)", cmdRiskIssues},
	}
}

// issueRiskFlags reads --as and the IDs a command needs; each is required.
func issueRiskFlags(e *env, name string, args []string, issue, risk bool) (u asUser, issueID, riskID string, err error) {
	fs := newFlags(e, name)
	u.register(fs, "as", "e-mail of the member acting (required; their role applies)")
	var ip, rp *string
	if issue {
		ip = fs.String("issue", "", "the context issue's ID (required)")
	}
	if risk {
		rp = fs.String("risk", "", "the risk scenario's ID (required)")
	}
	if err = parse(e, fs, args); err != nil {
		return
	}
	if ip != nil {
		if issueID = *ip; issueID == "" {
			return u, "", "", &usageError{"--issue is required"}
		}
	}
	if rp != nil {
		if riskID = *rp; riskID == "" {
			return u, "", "", &usageError{"--risk is required"}
		}
	}
	return
}

func cmdIssueRiskLink(ctx context.Context, e *env, args []string, link bool) error {
	name := "context-issue unlink"
	if link {
		name = "context-issue link"
	}
	u, issueID, riskID, err := issueRiskFlags(e, name, args, true, true)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, nil)
	if link {
		_, err = svc.LinkContextIssueRisk(ctx, a, issueID, bulkhead.ContextIssueRiskInput{RiskID: &riskID})
	} else {
		err = svc.UnlinkContextIssueRisk(ctx, a, issueID, riskID)
	}
	if err != nil {
		return err
	}
	return printIssueRisks(ctx, e, svc, a, issueID)
}

func cmdIssueRisks(ctx context.Context, e *env, args []string) error {
	u, issueID, _, err := issueRiskFlags(e, "context-issue risks", args, true, false)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return printIssueRisks(ctx, e, service.New(st, nil), a, issueID)
}

// printIssueRisks prints an issue's linked risks as a table.
func printIssueRisks(ctx context.Context, e *env, svc *service.Service, a service.Actor, issueID string) error {
	risks, err := svc.ContextIssueRisks(ctx, a, issueID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "risk_id\ttitle\tcurrent\tresidual\tassessment_status\ttreatment")
	for _, r := range risks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.RiskID, r.Title, dash(r.CurrentLevelName), dash(r.ResidualLevelName), r.AssessmentStatus, dash(string(r.Treatment)))
	}
	return tw.Flush()
}

func cmdRiskIssues(ctx context.Context, e *env, args []string) error {
	u, _, riskID, err := issueRiskFlags(e, "risk scenario context-issues", args, false, true)
	if err != nil {
		return err
	}
	st, a, err := u.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	issues, err := service.New(st, nil).RiskContextIssues(ctx, a, riskID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "issue_id\ttitle\torigin\tcategory\tarchived")
	for _, x := range issues {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\n", x.IssueID, x.Title, x.Origin, x.Category, x.ArchivedAt != nil)
	}
	return tw.Flush()
}

// dash stands in for an empty cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
