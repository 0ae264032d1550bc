package check_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The account and region every test region is built in.
const (
	account = "111122223333"
	region  = "ap-northeast-1"
)

// checkCase is one line of a check's table: the region it runs on and what
// the check must do there.
type checkCase struct {
	name  string // the behaviour pinned, citing AWS-SEMANTICS.md or the check's rule
	build func() *model.Region
	want  expect
}

// expect is a case's outcome: the findings (none for a good case), or a
// skip for calls not collected. bug, when set, names a known bug that makes
// the case fail: the case is skipped with that text until it is fixed.
type expect struct {
	findings   []finding
	skip       []model.Call
	skipReason string // a skip for want of an input (flow logs), not of calls
	bug        string
}

// finding is what a case expects of one finding.
type finding struct {
	sev       check.Severity
	resources []string // exactly, in order
	words     []string // each must appear in the message
	evidence  []string // when non-nil, exactly the evidence lines
}

// none expects the check to run and report nothing.
var none = expect{}

// fires expects one finding at sev naming resources, whose message holds
// every word.
func fires(sev check.Severity, resources []string, words ...string) expect {
	return expect{findings: []finding{{sev: sev, resources: resources, words: words}}}
}

// skipped expects the check to be skipped because calls were not collected.
func skipped(calls ...model.Call) expect { return expect{skip: calls} }

// skippedFor expects the check to be skipped for reason (no flow logs).
func skippedFor(reason string) expect { return expect{skipReason: reason} }

// withEvidence sets the exact evidence of the last expected finding.
func (e expect) withEvidence(lines ...string) expect {
	e.findings = slices.Clone(e.findings)
	e.findings[len(e.findings)-1].evidence = lines
	return e
}

// and expects the findings of more as well.
func (e expect) and(more expect) expect {
	e.findings = append(slices.Clone(e.findings), more.findings...)
	return e
}

// knownBug marks the expectation as failing because of a bug (reported, not
// yet fixed).
func (e expect) knownBug(text string) expect {
	e.bug = text
	return e
}

// ids is a terse []string.
func ids(s ...string) []string { return s }

// runCases runs c over each case's region and compares what it does with
// the case's expectation. A case marked knownBug is skipped with "BUG: ..."
// while it still fails, and fails once it passes, so that the mark is
// removed with the fix.
func runCases(t *testing.T, c *check.Check, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			problems := evaluate(c, tc)
			switch {
			case tc.want.bug != "" && len(problems) == 0:
				t.Errorf("the case passes: the bug %q looks fixed; remove knownBug", tc.want.bug)
			case tc.want.bug != "":
				t.Skip("BUG: " + tc.want.bug + "\n" + strings.Join(problems, "\n"))
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// evaluate runs c over the case's region and lists how the outcome differs
// from the expectation.
func evaluate(c *check.Check, tc checkCase) []string {
	reg := tc.build()
	res := check.RunWith(modeltest.Inventory(reg), []*check.Check{c}, optionsFor(reg))
	var out []string
	problem := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if tc.want.skip != nil || tc.want.skipReason != "" {
		want := check.Skip{Rule: c.ID, Account: account, Region: region, Missing: tc.want.skip, Reason: tc.want.skipReason}
		if len(res.Skipped) != 1 || !reflect.DeepEqual(res.Skipped[0], want) {
			problem("Skipped = %+v, want [%+v]", res.Skipped, want)
		}
		if len(res.Findings) > 0 {
			problem("a skipped check reported %+v", res.Findings)
		}
		return out
	}
	if len(res.Skipped) > 0 {
		problem("check skipped: %+v (mark the calls collected in the builder)", res.Skipped)
		return out
	}
	for _, f := range res.Findings {
		for _, p := range messageProblems(f) {
			problem("finding %v: %s", f.Resources, p)
		}
	}
	got, want := res.Findings, tc.want.findings
	if len(got) != len(want) {
		problem("got %d findings, want %d", len(got), len(want))
		for _, f := range got {
			problem("  got %s %v %q evidence %q", f.Severity, f.Resources, f.Message, f.Evidence)
		}
		return out
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(f check.Finding) bool { return slices.Equal(f.Resources, w.resources) })
		if i < 0 {
			problem("no finding names %v; got:", w.resources)
			for _, f := range got {
				problem("  %v %q", f.Resources, f.Message)
			}
			continue
		}
		f := got[i]
		if f.Rule != c.ID || f.Title != c.Title || f.Remediation != c.Remediation {
			problem("finding %v: rule %q, title %q: want the check's own %q, %q and remediation", w.resources, f.Rule, f.Title, c.ID, c.Title)
		}
		if f.Account != account || f.Region != region {
			problem("finding %v is in %s/%s, want %s/%s", w.resources, f.Account, f.Region, account, region)
		}
		if f.Severity != w.sev {
			problem("finding %v: severity %s, want %s", w.resources, f.Severity, w.sev)
		}
		for _, word := range w.words {
			if !strings.Contains(f.Message, word) {
				problem("finding %v: message %q lacks %q", w.resources, f.Message, word)
			}
		}
		if w.evidence != nil && !slices.Equal(f.Evidence, w.evidence) {
			problem("finding %v: evidence\n  %q\nwant\n  %q", w.resources, f.Evidence, w.evidence)
		}
	}
	return out
}

func TestSeverityString(t *testing.T) {
	tests := []struct {
		sev  check.Severity
		want string
	}{
		{check.Info, "info"},
		{check.Low, "low"},
		{check.Medium, "medium"},
		{check.High, "high"},
		{check.Critical, "critical"},
		{0, "invalid"}, // the zero value is invalid
		{check.Critical + 1, "invalid"},
		{-1, "invalid"},
	}
	for _, tt := range tests {
		if got := tt.sev.String(); got != tt.want {
			t.Errorf("Severity(%d).String() = %q, want %q", int(tt.sev), got, tt.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in   string
		want check.Severity
		ok   bool
	}{
		{"info", check.Info, true},
		{"low", check.Low, true},
		{"medium", check.Medium, true},
		{"high", check.High, true},
		{"critical", check.Critical, true},
		{"HIGH", check.High, true}, // case does not matter
		{"Critical", check.Critical, true},
		{"", 0, false},
		{"invalid", 0, false}, // what String prints for a bad value does not parse back
		{"warning", 0, false},
		{"hi", 0, false},
		{" high", 0, false},
	}
	for _, tt := range tests {
		got, err := check.ParseSeverity(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSeverityRoundTripAndOrder(t *testing.T) {
	all := []check.Severity{check.Info, check.Low, check.Medium, check.High, check.Critical}
	for i, s := range all {
		back, err := check.ParseSeverity(s.String())
		if err != nil || back != s {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", s.String(), back, err, s)
		}
		if i > 0 && !(all[i-1] < s) {
			t.Errorf("%s is not above %s", s, all[i-1])
		}
	}
}

// TestRunSkipsAndSorts pins Run's contract: a check whose Needs are not all
// collected is skipped for that region and says which calls are missing; a
// missing call is "not collected", never "no resources".
func TestRunSkipsAndSorts(t *testing.T) {
	low := &check.Check{Meta: check.Meta{ID: "b-low", Title: "low", Severity: check.Low}, Run: func(p *check.Pass) {
		p.Report([]string{"z"}, nil, i18n.M("finding.text", "z"))
		p.Report([]string{"a"}, nil, i18n.M("finding.text", "a"))
	}}
	high := &check.Check{Meta: check.Meta{ID: "a-high", Title: "high", Severity: check.High}, Run: func(p *check.Pass) {
		p.ReportAt(check.Info, []string{"i"}, nil, i18n.M("finding.text", "lowered to info"))
		p.Report([]string{"h"}, nil, i18n.M("finding.text", "h"))
	}}
	needy := &check.Check{Meta: check.Meta{ID: "c-needy", Title: "needy", Severity: check.High, Needs: []model.Call{model.CallSubnets, model.CallRouteTables}}, Run: func(p *check.Pass) {
		t.Error("a check whose needs are missing ran")
	}}
	reg := modeltest.New(account, region).Collected(model.CallSubnets).Link()
	res := check.Run(modeltest.Inventory(reg), []*check.Check{low, high, needy})

	var order []string
	for _, f := range res.Findings {
		order = append(order, f.Severity.String()+"/"+f.Rule+"/"+strings.Join(f.Resources, ","))
	}
	if want := []string{"high/a-high/h", "low/b-low/a", "low/b-low/z", "info/a-high/i"}; !slices.Equal(order, want) {
		t.Errorf("findings in order %q, want %q", order, want)
	}
	if f := res.Findings[3]; f.Message != "lowered to info" || f.Msg.Key != "finding.text" || f.Title != "high" {
		t.Errorf("ReportAt finding = %+v", f)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Rule != "c-needy" || !slices.Equal(res.Skipped[0].Missing, []model.Call{model.CallRouteTables}) {
		t.Errorf("Skipped = %+v, want c-needy missing only %s", res.Skipped, model.CallRouteTables)
	}
}
