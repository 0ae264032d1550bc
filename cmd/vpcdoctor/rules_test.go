package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmd/root"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// TestRulesJSON is issue 4's contract for `vpcdoctor rules --format json`:
// at least 35 rules, each with every field filled, unique kebab-case IDs,
// and severities that mean something: at least one rule per tier, and the
// references cite AWS documentation.
func TestRulesJSON(t *testing.T) {
	io, out, errOut := cmdutil.Test()
	if code := root.Main([]string{"rules", "--format", "json"}, io); code != 0 {
		t.Fatalf("status %d: %s", code, errOut)
	}
	var rules []struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Severity    string   `json:"severity"`
		Rationale   string   `json:"rationale"`
		Remediation string   `json:"remediation"`
		References  []string `json:"references"`
		Needs       []string `json:"needs"`
		// NeedsFlowLogs: runs only with scan --flows.
		NeedsFlowLogs bool `json:"needs_flow_logs"`
	}
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) < 35 {
		t.Errorf("%d rules; the catalogue promises at least 35", len(rules))
	}
	seen := map[string]bool{}
	tiers := map[string]int{}
	for _, r := range rules {
		if seen[r.ID] {
			t.Errorf("rule %q listed twice", r.ID)
		}
		seen[r.ID] = true
		tiers[r.Severity]++
		for name, v := range map[string]string{"id": r.ID, "title": r.Title, "severity": r.Severity, "rationale": r.Rationale, "remediation": r.Remediation} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", r.ID, name)
			}
		}
		if len(r.Needs) == 0 {
			t.Errorf("%s: needs is empty", r.ID)
		}
		docs := false
		for _, ref := range r.References {
			docs = docs || strings.HasPrefix(ref, "https://docs.aws.amazon.com/")
		}
		if !docs {
			t.Errorf("%s: no AWS documentation among its references %q", r.ID, r.References)
		}
	}
	for _, sev := range []string{"critical", "high", "medium", "low", "info"} {
		if tiers[sev] == 0 {
			t.Errorf("no rule at severity %s", sev)
		}
	}
}
