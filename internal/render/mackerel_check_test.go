package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// checkReport is one complete region with the given unsuppressed findings
// (by severity) and, when suppressed is set, one suppressed critical.
func checkReport(suppressed bool, severities ...string) *report.Report {
	rep := emptyReport()
	for i, sev := range severities {
		rep.Findings = append(rep.Findings, report.Finding{Rule: "rule-" + sev, Severity: sev, Account: "111122223333", Region: "ap-northeast-1",
			Resources: []string{"sg-" + string(rune('a'+i))}})
		rep.Summary.Findings++
		switch sev {
		case "critical":
			rep.Summary.Critical++
		case "high":
			rep.Summary.High++
		case "medium":
			rep.Summary.Medium++
		case "low":
			rep.Summary.Low++
		case "info":
			rep.Summary.Info++
		}
	}
	if suppressed {
		rep.Findings = append(rep.Findings, report.Finding{Rule: "rule-critical", Severity: "critical", Account: "111122223333", Region: "ap-northeast-1",
			Resources: []string{"sg-suppressed"}, Suppressed: true, Suppression: &report.Suppression{Reason: "accepted"}})
		rep.Summary.Suppressed++
	}
	return rep
}

func TestMackerelStatus(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rep        *report.Report
		th         MackerelThresholds
		want       CheckStatus
		line       string // the whole line, when given
		contains   []string
		notContain []string
	}{
		{name: "nothing found", rep: checkReport(false), want: CheckOK,
			line: "VPCDOCTOR OK: no findings in 1 account, 1 region"},
		{name: "low and info stay OK by default", rep: checkReport(false, "low", "info"), want: CheckOK,
			line: "VPCDOCTOR OK: 1 low, 1 info findings in 1 account, 1 region"},
		{name: "medium warns by default", rep: checkReport(false, "medium", "low"), want: CheckWarning,
			line: "VPCDOCTOR WARNING: 1 medium, 1 low findings in 1 account, 1 region; rule-medium on sg-a"},
		{name: "high is critical by default", rep: checkReport(false, "high", "medium"), want: CheckCritical,
			line: "VPCDOCTOR CRITICAL: 1 high, 1 medium findings in 1 account, 1 region; rule-high on sg-a, rule-medium on sg-b"},
		{name: "critical is critical", rep: checkReport(false, "critical"), want: CheckCritical,
			line: "VPCDOCTOR CRITICAL: 1 critical finding in 1 account, 1 region; rule-critical on sg-a"},
		{name: "suppressed findings never count", rep: checkReport(true, "low"), want: CheckOK,
			line: "VPCDOCTOR OK: 1 low finding in 1 account, 1 region (1 suppressed)"},
		{name: "suppressed finding is not an example", rep: checkReport(true, "medium"), want: CheckWarning,
			notContain: []string{"sg-suppressed"}},
		{name: "examples stop at three, highest first", rep: checkReport(false, "critical", "critical", "high", "high", "medium", "low"), want: CheckCritical,
			contains: []string{"; rule-critical on sg-a, rule-critical on sg-b, rule-high on sg-c (+2 more at medium or above)"}},
		{name: "custom thresholds: warn at low, critical at critical", rep: checkReport(false, "high", "low"), th: MackerelThresholds{Warning: "low", Critical: "critical"},
			want: CheckWarning, contains: []string{"VPCDOCTOR WARNING:", "rule-high on sg-a, rule-low on sg-b"}},
		{name: "thresholds are case-insensitive", rep: checkReport(false, "info"), th: MackerelThresholds{Warning: "INFO"}, want: CheckWarning},
		{name: "equal thresholds never warn", rep: checkReport(false, "medium"), th: MackerelThresholds{Warning: "high", Critical: "high"}, want: CheckOK},
		{name: "incomplete data is said", rep: func() *report.Report { r := checkReport(false); r.Summary.Complete = false; return r }(), want: CheckOK,
			line: "VPCDOCTOR OK: no findings in 1 account, 1 region (data incomplete, some checks did not run)"},
		{name: "several regions: examples say where", rep: twoRegionReport(), want: CheckCritical,
			contains: []string{"sg-world-open-port on sg-1 (111122223333 ap-northeast-1)", "in 2 accounts, 2 regions"}},
		{name: "unknown severity threshold", rep: checkReport(false, "high"), th: MackerelThresholds{Critical: "severe"}, want: CheckUnknown,
			contains: []string{`VPCDOCTOR UNKNOWN: mackerel critical threshold "severe" is not a severity`}},
		{name: "warning above critical", rep: checkReport(false), th: MackerelThresholds{Warning: "critical", Critical: "medium"}, want: CheckUnknown,
			line: "VPCDOCTOR UNKNOWN: mackerel warning threshold critical is above the critical threshold medium"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, line, err := MackerelStatus(tc.rep, tc.th)
			if status != tc.want {
				t.Errorf("status %v, want %v (line %q)", status, tc.want, line)
			}
			if (err != nil) != (tc.want == CheckUnknown) {
				t.Errorf("err = %v", err)
			}
			if tc.line != "" && line != tc.line {
				t.Errorf("line\n %q\nwant\n %q", line, tc.line)
			}
			for _, s := range tc.contains {
				if !strings.Contains(line, s) {
					t.Errorf("line %q lacks %q", line, s)
				}
			}
			for _, s := range tc.notContain {
				if strings.Contains(line, s) {
					t.Errorf("line %q has %q", line, s)
				}
			}
			if strings.ContainsAny(line, "\n\r|") {
				t.Errorf("line %q has a line break or a pipe (which starts Nagios performance data)", line)
			}
		})
	}
}

func TestMackerelStatusCodes(t *testing.T) {
	for s, want := range map[CheckStatus]struct {
		code int
		name string
	}{CheckOK: {0, "OK"}, CheckWarning: {1, "WARNING"}, CheckCritical: {2, "CRITICAL"}, CheckUnknown: {3, "UNKNOWN"}} {
		if int(s) != want.code || s.String() != want.name {
			t.Errorf("%v = %d %q, want %d %q", s, int(s), s.String(), want.code, want.name)
		}
	}
}

func TestMackerelCheckWritesOneLine(t *testing.T) {
	var b bytes.Buffer
	status, err := MackerelCheck(&b, richReport(), MackerelThresholds{})
	if err != nil || status != CheckCritical {
		t.Fatalf("status %v, err %v", status, err)
	}
	out := b.String()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("want exactly one line, got %q", out)
	}
	golden(t, "rich.mackerel-check.txt", b.Bytes())

	// Write prints the same line.
	var w bytes.Buffer
	if err := Write(&w, FormatMackerelCheck, richReport(), Options{}); err != nil || w.String() != out {
		t.Errorf("Write = %q, %v; want %q", w.String(), err, out)
	}
}

func TestMackerelLineIsBounded(t *testing.T) {
	rep := checkReport(false)
	for range 3 {
		rep.Findings = append(rep.Findings, report.Finding{Rule: "r", Severity: "critical", Resources: []string{strings.Repeat("arn:aws:x:", 200)}})
		rep.Summary.Findings++
		rep.Summary.Critical++
	}
	_, line, _ := MackerelStatus(rep, MackerelThresholds{})
	if n := len([]rune(line)); n > mackerelLineLimit {
		t.Errorf("line of %d characters", n)
	}
}

func TestMackerelUnknown(t *testing.T) {
	var b bytes.Buffer
	if err := MackerelUnknown(&b, errors.New("load snap/ap-northeast-1/ec2-describe-vpcs.json:\n  line 3: unexpected }")); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "VPCDOCTOR UNKNOWN: load snap/ap-northeast-1/ec2-describe-vpcs.json: line 3: unexpected }\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMackerelThresholdsValidate(t *testing.T) {
	for _, tc := range []struct {
		th MackerelThresholds
		ok bool
	}{
		{MackerelThresholds{}, true},
		{MackerelThresholds{Warning: "info", Critical: "critical"}, true},
		{MackerelThresholds{Warning: "high"}, true},      // = the default critical
		{MackerelThresholds{Warning: "critical"}, false}, // above the default critical
		{MackerelThresholds{Critical: "low"}, false},     // below the default warning
		{MackerelThresholds{Warning: "nope"}, false},
	} {
		if err := tc.th.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: Validate() = %v", tc.th, err)
		}
	}
}

// Nagios reads what follows a | as performance data, so the line holds
// none, whatever the names in the data or the error say.
func TestMackerelLineHasNoPipe(t *testing.T) {
	rep := checkReport(false, "critical")
	rep.Findings[0].Resources = []string{"arn:aws:x|y"}
	rep.Findings[0].Account = "team|prod"
	rep.Scanned.Regions = append(rep.Scanned.Regions, report.Region{Account: "team|prod", Region: "us-east-1"})
	_, line, err := MackerelStatus(rep, MackerelThresholds{})
	if err != nil || strings.Contains(line, "|") {
		t.Errorf("line %q (%v) holds a |", line, err)
	}
	var b bytes.Buffer
	if err := MackerelUnknown(&b, errors.New("snapshots/a|b: cannot read")); err != nil || strings.Contains(b.String(), "|") {
		t.Errorf("UNKNOWN line %q holds a |", b.String())
	}
}

// A warning (an expired suppression) reaches whoever reads the check's
// line: mackerel-agent does not show a plugin's stderr.
func TestMackerelLineCountsWarnings(t *testing.T) {
	rep := checkReport(false, "info")
	rep.Warnings = []string{".vpcdoctor.yaml:2: the suppression of sg-unused for sg-1 expired on 2026-01-31; …"}
	_, line, _ := MackerelStatus(rep, MackerelThresholds{})
	if !strings.Contains(line, "(1 warning: run vpcdoctor scan to see it)") {
		t.Errorf("line %q does not mention the warning", line)
	}
}
