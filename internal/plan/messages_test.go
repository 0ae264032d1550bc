package plan

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n/i18ntest"
)

// codeSpans are what a Japanese text keeps as it is: `inline code`, and
// the indented lines of a query.
var codeSpans = regexp.MustCompile("`[^`]*`|(?m)^  .*$")

// msgChecker checks the plan's messages against their English texts.
type msgChecker struct {
	t    *testing.T
	seen map[string]int
	n    int
}

// check asserts that m is a known message whose English is text and whose
// Japanese says no English sentence (raw: the text may hold words the
// plan did not write, the configuration's reasons or the flows package's,
// which stay as they are).
func (c *msgChecker) check(where, text string, m i18n.Message, raw bool) {
	c.t.Helper()
	c.n++
	if m.IsZero() && text == "" {
		return
	}
	if m.IsZero() {
		c.t.Errorf("%s: %q has no message", where, text)
		return
	}
	if !m.Known() {
		c.t.Errorf("%s: %q: message %v names a key the catalogue lacks", where, text, m)
	}
	if got := i18n.English.Render(m); got != text {
		c.t.Errorf("%s: the English message renders\n%q\nthe plan says\n%q", where, got, text)
	}
	c.count(m)
	ja := i18n.Japanese.Render(m)
	if strings.Contains(ja, "%!") {
		c.t.Errorf("%s: %q in Japanese is %q: arguments do not fit", where, text, ja)
	}
	if raw {
		return
	}
	if w := i18ntest.English(codeSpans.ReplaceAllString(ja, "")); w != "" {
		c.t.Errorf("%s: %q in Japanese is %q, which still says %q", where, text, ja, w)
	}
}

func (c *msgChecker) count(m i18n.Message) {
	c.seen[m.Key]++
	for _, a := range m.Args {
		if n, ok := a.(i18n.Message); ok {
			c.count(n)
		}
	}
}

// all checks every message of p: stages' checks, warnings, the needed
// flows' and rules' evidence, the proof's reasons and evidence. The
// fixture's decisions were written by hand (its evidence is "accepted
// flows"): only its stages are the planner's.
func (c *msgChecker) all(name string, p *Plan) {
	c.t.Helper()
	if strings.HasPrefix(name, "fixture") {
		p = &Plan{Stages: p.Stages, Warnings: []string{}}
	}
	for _, st := range p.Stages {
		for i, ch := range st.Checks {
			where := name + ": stage " + strconv.Itoa(st.Number) + " check " + strconv.Itoa(i+1)
			c.check(where+" what", ch.What, ch.WhatMsg, false)
			c.check(where+" expect", ch.Expect, ch.ExpectMsg, false)
		}
	}
	if len(p.WarningMsgs) != len(p.Warnings) {
		c.t.Errorf("%s: %d warnings, %d warning messages", name, len(p.Warnings), len(p.WarningMsgs))
	} else {
		for i, w := range p.Warnings {
			c.check(name+": warning", w, p.WarningMsgs[i], false)
		}
	}
	for _, rp := range p.Regions {
		for _, n := range rp.Needed {
			c.check(name+": needed flow evidence", n.Evidence, n.EvidenceMsg, n.Basis == BasisConfig)
		}
		for _, g := range rp.Groups {
			for _, r := range append(append([]*Rule{}, g.Ingress...), g.Egress...) {
				c.check(name+": rule evidence of "+g.ID, r.Evidence, r.EvidenceMsg, r.Basis == BasisConfig)
			}
		}
	}
	if pr := p.Proof; pr != nil {
		for _, fc := range append(append([]FlowCheck{}, pr.Broken...), pr.Dropped...) {
			c.check(name+": proof reason", fc.Reason, fc.ReasonMsg, fc.ReasonMsg.Key == "plan.text")
			c.check(name+": proof evidence", fc.Flow.Evidence, fc.Flow.EvidenceMsg, fc.Flow.Basis == BasisConfig)
		}
	}
}

// Every run-time text of the plans that report.html and
// NETWORK-RULES.ja.md show has a message that renders as the text in
// English and says it in Japanese: the example with and without flow logs
// (with stages and proof), the runbook's fixture (every kind of move), a
// plan whose proof fails, and each after a round trip through plan.json.
func TestPlanMessages(t *testing.T) {
	c := &msgChecker{t: t, seen: map[string]int{}}
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	with, _ := designAndProve(t, edges, Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
	with.Stages = BuildStages(with, inv)
	without, _ := designAndProve(t, nil, Options{NAT: "single", ClientVPN: true, ExtraFlows: []ExtraFlow{{From: "internet", To: "oyatsu-web-alb", Protocol: "tcp", Port: 8443, Reason: "the partner's callbacks"}}})
	without.Stages = BuildStages(without, inv)
	fixture, _ := fixtureStaged(t)
	broken := brokenPlan(t)
	if len(broken.Proof.Broken) == 0 {
		t.Fatal("the broken plan's proof breaks nothing")
	}
	for _, x := range []struct {
		name string
		p    *Plan
	}{{"with flow logs", with}, {"without flow logs", without}, {"fixture", fixture}, {"broken", broken}} {
		c.all(x.name, x.p)
		data, err := json.Marshal(x.p)
		if err != nil {
			t.Fatal(err)
		}
		var back Plan
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: plan.json does not read back: %v", x.name, err)
		}
		c.all(x.name+" (plan.json)", &back)
	}
	keys := keysInSource(t)
	var missed []string
	for _, k := range keys {
		if c.seen[k] == 0 && !strings.HasSuffix(k, ".") {
			missed = append(missed, k)
		}
	}
	t.Logf("%d texts checked; keys never met: %v", c.n, missed)
	if c.n < 100 || len(missed) > len(keys)/3 {
		t.Errorf("%d texts and %d of %d keys met: the plans do not test the messages", c.n, len(keys)-len(missed), len(keys))
	}
}

// brokenPlan is the example planned from its flow logs, with the rule that
// lets the web servers reach the database taken out before the proof.
func brokenPlan(t *testing.T) *Plan {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	p, err := Design(inv, edges, Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	dropWebToDatabase(p)
	p.Proof, _ = proveWritten(t, p, inv, edges)
	p.Stages = BuildStages(p, inv)
	return p
}

// keysInSource are the string literals of the package's code that name a
// key of the area "plan" (one ending in "." is a prefix: "plan.hop.").
func keysInSource(t *testing.T) []string {
	return i18ntest.KeysInSource(t, func(s string) bool { return strings.HasPrefix(s, "plan.") && !strings.HasSuffix(s, ".json") })
}

// Every key the code names is in the catalogue, and the area has no key
// the code does not use (a prefix covers the keys it starts).
func TestPlanKeysInCatalogue(t *testing.T) {
	used := keysInSource(t)
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the code: %v", len(used), used)
	}
	i18ntest.CatalogueMatchesCode(t, "plan", used)
}
