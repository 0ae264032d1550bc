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
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], ".vpcdoctor.yaml:12: the suppression of sg-world-open-port for sg-* expired on 2026-11-25") {
		t.Errorf("warnings = %q; want one for the expired entry", rep.Warnings)
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
