package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

func twoRegionReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Scanned: report.Scanned{
			Accounts: []report.Account{{ID: "111122223333", Name: "prod"}, {Name: "unnamed"}},
			Regions:  []report.Region{{Account: "111122223333", Region: "ap-northeast-1", VPCs: 2, Resources: 3}, {Account: "unnamed", Region: "us-east-1", VPCs: 1, Resources: 1}},
		},
		Summary: report.Summary{Findings: 2, High: 1, Low: 1},
		Findings: []report.Finding{
			{Rule: "sg-world-open-port", Severity: "high", Title: "Open port", Message: "sg-1 opens tcp/8080.", Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-1"}, Evidence: []string{}, Remediation: "Close it."},
			{Rule: "sg-world-open-port", Severity: "low", Title: "Open port", Message: "sg-2 opens tcp/22.", Account: "unnamed", Region: "us-east-1", Resources: []string{"sg-2"}, Evidence: []string{}, Remediation: "Close it."},
		},
		Coverage: []report.Coverage{
			{Account: "111122223333", Region: "ap-northeast-1", Complete: true, Missing: []report.MissingCall{}, SkippedChecks: []report.SkippedRule{}},
			{Account: "unnamed", Region: "us-east-1", Missing: []report.MissingCall{
				{Call: "elbv2-describe-listeners", Resource: "arn:lb/1", Reason: "not collected", Weakens: "ports unknown"},
				{Call: "elbv2-describe-listeners", Resource: "arn:lb/2", Reason: "not collected", Weakens: "ports unknown"},
			}, SkippedChecks: []report.SkippedRule{{Rule: "vpc-public-subnets-only", MissingCalls: []string{"ec2-describe-route-tables"}}}},
		},
		Notes: []report.Note{{Account: "unnamed", Region: "us-east-1", Subject: "eni-1", Text: "odd"}},
	}
}

func TestTextMultiRegion(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, twoRegionReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"vpcdoctor scan: 2 accounts, 2 regions, 3 VPCs, 4 resources (111122223333, unnamed)",
		"HIGH (1)",
		"LOW (1)",
		"- 111122223333 ap-northeast-1: sg-1 opens tcp/8080.", // several regions: each finding says where
		"- unnamed us-east-1: sg-2 opens tcp/22.",
		"111122223333 ap-northeast-1: every call collected",
		"unnamed us-east-1: 1 call missing or incomplete",
		"elbv2-describe-listeners: not collected for arn:lb/1, arn:lb/2 — ports unknown", // per-resource misses grouped
		"checks not run: vpc-public-subnets-only",
		"- unnamed us-east-1: odd",
		"2 findings: 1 high, 1 low (data incomplete: see Coverage)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without Color option")
	}
}

func TestTextWraps(t *testing.T) {
	rep := twoRegionReport()
	rep.Findings[0].Message = strings.Repeat("word ", 60)
	var b bytes.Buffer
	if err := Text(&b, rep, Options{Width: 40}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if len(line) > 40 && strings.Contains(line, "word") {
			t.Errorf("line longer than 40 columns: %q", line)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, twoRegionReport()); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Findings[1].Message != "sg-2 opens tcp/22." || back.Coverage[1].Missing[1].Resource != "arn:lb/2" {
		t.Errorf("round trip lost data: %+v", back)
	}
	var keys map[string]any
	_ = json.Unmarshal(b.Bytes(), &keys)
	for _, k := range []string{"schema_version", "scanned", "summary", "findings", "coverage", "notes"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON lacks top-level key %q", k)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": FormatText, "JSON": FormatJSON, "sarif": FormatSARIF, "Markdown": FormatMarkdown, "mackerel-check": FormatMackerelCheck, "mackerel-metrics": FormatMackerelMetrics} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("html"); err == nil || !strings.Contains(err.Error(), "want one of text, json, sarif, markdown, mackerel-check, mackerel-metrics") {
		t.Errorf("ParseFormat(html) error = %v", err)
	}
}

// TestCoverageChecksNotGivenTheirInput: a check skipped because flow logs
// were not given is said in the text coverage with its reason, also where
// every call was collected, and is no coverage gap for Markdown and SARIF,
// which list only gaps.
func TestCoverageChecksNotGivenTheirInput(t *testing.T) {
	rep := twoRegionReport()
	flowSkip := report.SkippedRule{Rule: "sg-rule-unused-in-flows", MissingCalls: []string{}, Reason: "no flow logs given (vpcdoctor scan --flows)"}
	for i := range rep.Coverage {
		rep.Coverage[i].SkippedChecks = append(rep.Coverage[i].SkippedChecks, flowSkip)
	}
	var b bytes.Buffer
	if err := Text(&b, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	const line = "not run, no flow logs given (vpcdoctor scan --flows): sg-rule-unused-in-flows"
	if n := strings.Count(out, line); n != 2 {
		t.Errorf("text says %q %d times, want once per region:\n%s", line, n, out)
	}
	if !strings.Contains(out, "checks not run: vpc-public-subnets-only\n") {
		t.Errorf("the check that lacked calls is no longer listed alone:\n%s", out)
	}
	for _, f := range []Format{FormatMarkdown, FormatSARIF} {
		b.Reset()
		if err := Write(&b, f, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "sg-rule-unused-in-flows") {
			t.Errorf("%s lists the check as a coverage gap:\n%s", f, b.String())
		}
		if !strings.Contains(b.String(), "vpc-public-subnets-only") {
			t.Errorf("%s lost the real gap", f)
		}
	}
}
