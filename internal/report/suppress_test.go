package report

import (
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/config"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func sampleReport() *Report {
	rep := &Report{Warnings: []string{}, Findings: []Finding{
		{Rule: "sg-admin-port-world-open", Severity: "critical", Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-1", "i-1"}},
		{Rule: "sg-admin-port-world-open", Severity: "critical", Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-2"}},
		{Rule: "sg-world-open-port", Severity: "high", Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-1"}},
		{Rule: "sg-unused", Severity: "low", Account: "111122223333", Region: "us-east-1", Resources: []string{"sg-9"}},
		{Rule: "sg-unused", Severity: "low", Account: "111122223333", Region: "us-east-1", Resources: []string{}},
	}}
	rep.count()
	return rep
}

func TestSuppress(t *testing.T) {
	cfg := &config.Config{Path: ".vpcdoctor.yaml", Suppressions: []config.Suppression{
		// Matches the main resource only: i-1 is the finding's second resource.
		{Rule: "sg-admin-port-world-open", Resource: "i-1", Reason: "not main", Expires: day("2027-01-01"), Line: 2},
		{Rule: "sg-admin-port-world-open", Resource: "sg-1", Reason: "bastion, until SSM", Expires: day("2026-12-31"), Line: 7},
		{Rule: "sg-world-open-port", Resource: "sg-*", Reason: "old", Expires: day("2026-11-25"), Line: 12},
		{Rule: "sg-unused", Resource: "sg-9", Region: "us-east-1", Reason: "DR drill", Expires: day("2026-11-26"), Line: 17},
	}}
	rep := sampleReport()
	rep.Suppress(cfg, time.Date(2026, 11, 26, 23, 0, 0, 0, time.UTC))

	want := []bool{true, false, false, true, false}
	for i, f := range rep.Findings {
		if f.Suppressed != want[i] {
			t.Errorf("finding %d (%s %v): suppressed %v, want %v", i, f.Rule, f.Resources, f.Suppressed, want[i])
		}
		if f.Suppressed != (f.Suppression != nil) {
			t.Errorf("finding %d: Suppressed %v but Suppression %+v", i, f.Suppressed, f.Suppression)
		}
	}
	if s := rep.Findings[0].Suppression; *s != (Suppression{Reason: "bastion, until SSM", Expires: "2026-12-31", Source: ".vpcdoctor.yaml:7"}) {
		t.Errorf("suppression = %+v", s)
	}
	if len(rep.Warnings) != 2 ||
		!strings.Contains(rep.Warnings[0], ".vpcdoctor.yaml:2: the suppression of sg-admin-port-world-open for i-1 covers no finding: it names a resource that is not the main one") ||
		!strings.Contains(rep.Warnings[0], "name sg-1 to accept that finding") ||
		!strings.Contains(rep.Warnings[1], ".vpcdoctor.yaml:12: the suppression of sg-world-open-port for sg-* expired on 2026-11-25; 1 finding it covered is reported again") {
		t.Errorf("warnings = %q; want one for the entry naming a secondary resource, one for the expired entry", rep.Warnings)
	}
	sum := rep.Summary
	if sum.Findings != 3 || sum.Suppressed != 2 || sum.Critical != 1 || sum.High != 1 || sum.Low != 1 {
		t.Errorf("summary = %+v; want 3 findings (1 critical, 1 high, 1 low) and 2 suppressed", sum)
	}
	for sev, n := range map[check.Severity]int{check.Critical: 1, check.High: 2, check.Medium: 2, check.Low: 3, check.Info: 3} {
		if got := rep.AtOrAbove(sev); got != n {
			t.Errorf("AtOrAbove(%s) = %d, want %d", sev, got, n)
		}
	}
}

func TestSuppressNothing(t *testing.T) {
	rep := sampleReport()
	rep.Suppress(nil, time.Now())
	rep.Suppress(&config.Config{}, time.Now())
	if rep.Summary.Findings != 5 || rep.Summary.Suppressed != 0 || len(rep.Warnings) != 0 {
		t.Errorf("summary %+v, warnings %q", rep.Summary, rep.Warnings)
	}
}

// The warnings do not depend on the order of the entries: an expired entry
// is reported even when an earlier active one covers the same finding, and
// an expired entry that covers nothing any more is reported too.
func TestSuppressExpiredWarnings(t *testing.T) {
	active := config.Suppression{Rule: "sg-world-open-port", Resource: "sg-1", Reason: "new", Expires: day("2027-06-30"), Line: 2}
	expired := config.Suppression{Rule: "sg-world-open-port", Resource: "sg-*", Reason: "old", Expires: day("2026-01-31"), Line: 7}
	gone := config.Suppression{Rule: "sg-unused", Resource: "sg-404", Reason: "deleted since", Expires: day("2026-02-28"), Line: 12}
	for _, order := range [][]config.Suppression{{active, expired, gone}, {expired, active, gone}} {
		rep := sampleReport()
		rep.Suppress(&config.Config{Path: "c.yaml", Suppressions: order}, day("2026-11-26"))
		if !rep.Findings[2].Suppressed || rep.Findings[2].Suppression.Source != "c.yaml:2" {
			t.Errorf("order %d,%d: the sg-world-open-port finding is not suppressed by the active entry: %+v", order[0].Line, order[1].Line, rep.Findings[2])
		}
		joined := strings.Join(rep.Warnings, "\n")
		if len(rep.Warnings) != 2 ||
			!strings.Contains(joined, "c.yaml:7: the suppression of sg-world-open-port for sg-* expired on 2026-01-31 and covers no finding that is reported; remove the entry.") ||
			!strings.Contains(joined, "c.yaml:12: the suppression of sg-unused for sg-404 expired on 2026-02-28 and covers no finding that is reported; remove the entry.") {
			t.Errorf("order %d,%d: warnings\n%s", order[0].Line, order[1].Line, joined)
		}
	}
}

// A finding without resources can be suppressed by a pattern that matches
// anything; resources that are ARNs (with slashes) match "*".
func TestSuppressWildcards(t *testing.T) {
	rep := sampleReport()
	rep.Findings = append(rep.Findings, Finding{Rule: "ecs-task-public-ip", Severity: "medium", Account: "111122223333", Region: "ap-northeast-1",
		Resources: []string{"arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api"}})
	rep.Suppress(&config.Config{Path: "c.yaml", Suppressions: []config.Suppression{
		{Rule: "sg-unused", Resource: "*", Region: "us-east-1", Reason: "sandbox", Expires: day("2027-01-01"), Line: 2},
		{Rule: "ecs-task-public-ip", Resource: "*", Reason: "no NAT yet", Expires: day("2027-01-01"), Line: 7},
	}}, day("2026-11-26"))
	for _, i := range []int{3, 4, 5} {
		if !rep.Findings[i].Suppressed {
			t.Errorf("finding %d (%s %v) is not suppressed", i, rep.Findings[i].Rule, rep.Findings[i].Resources)
		}
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %q", rep.Warnings)
	}
}

// An entry's account: is the account ID or the snapshot folder's name,
// whichever the report labels the findings with; two folders of one account
// (labelled "ID (folder)") are told apart by the folder's name.
func TestSuppressAccountByIDOrFolder(t *testing.T) {
	finding := func(account string) Finding {
		return Finding{Rule: "sg-unused", Severity: "low", Account: account, Region: "r", Resources: []string{"sg-1"}}
	}
	for _, tc := range []struct {
		name     string
		accounts []Account
		label    string
		entry    string
		want     bool
	}{
		{"ID", []Account{{ID: "111122223333", Name: "prod"}}, "111122223333", "111122223333", true},
		{"folder name of a known ID", []Account{{ID: "111122223333", Name: "prod"}}, "111122223333", "prod", true},
		{"folder without ID", []Account{{Name: "prod"}}, "prod", "prod", true},
		{"another folder", []Account{{ID: "111122223333", Name: "prod"}, {ID: "444455556666", Name: "staging"}}, "111122223333", "staging", false},
		{"two folders of one account, by ID", []Account{{ID: "111122223333", Name: "jan"}, {ID: "111122223333", Name: "feb"}}, "111122223333 (jan)", "111122223333", true},
		{"two folders of one account, by folder", []Account{{ID: "111122223333", Name: "jan"}, {ID: "111122223333", Name: "feb"}}, "111122223333 (jan)", "jan", true},
		{"two folders of one account, the other folder", []Account{{ID: "111122223333", Name: "jan"}, {ID: "111122223333", Name: "feb"}}, "111122223333 (jan)", "feb", false},
	} {
		rep := &Report{Warnings: []string{}, Findings: []Finding{finding(tc.label)}}
		rep.Scanned.Accounts = tc.accounts
		rep.Suppress(&config.Config{Path: "c.yaml", Suppressions: []config.Suppression{
			{Rule: "sg-unused", Resource: "*", Account: tc.entry, Reason: "x", Expires: day("2027-01-01"), Line: 2},
		}}, day("2026-11-26"))
		if rep.Findings[0].Suppressed != tc.want {
			t.Errorf("%s: account %q on a finding of %q: suppressed %v, want %v", tc.name, tc.entry, tc.label, rep.Findings[0].Suppressed, tc.want)
		}
	}
}
