package htmlreport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n/i18ntest"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/plan/plantest"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// exampleLogs are the bundled example's generated flow logs.
const exampleLogs = "../flows/testdata/startup-all-public-flowlogs"

// examplePlanWithFlows is the bundled example planned from its flow logs
// (dropped flows with their reasons), proved and staged, and read back
// from plan.json as `vpcdoctor report --plan` reads it.
func examplePlanWithFlows(t *testing.T) *plan.Plan {
	t.Helper()
	inv, err := snapshot.Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := plantest.Proved(t, inv, plantest.Edges(t, inv, exampleLogs), plan.Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
	p.Stages = plan.BuildStages(p, inv)
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back plan.Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

// backticked is inline code in a text (a command in a check's expectation).
var backticked = regexp.MustCompile("`[^`]*`")

// proseOf is the text of n a reader reads as sentences: without code,
// preformatted text, IDs and the indented lines of a query.
func proseOf(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "code" || n.Data == "pre" || n.Data == "svg" || hasClass(n, "id")) {
			return
		}
		if n.Type == html.TextNode {
			for _, line := range strings.Split(n.Data, "\n") {
				if strings.HasPrefix(line, "  ") {
					continue // a line of a query
				}
				if s := strings.TrimSpace(backticked.ReplaceAllString(line, "")); s != "" {
					out = append(out, s)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// The Japanese report says the engine's hops and the plan's run-time
// texts (checks, warnings, proof reasons and evidence) in Japanese: no
// English sentence is left in the exposures and the plan, for the bundled
// example planned with and without its flow logs; and the English report
// shows the English texts.
func TestRuntimeTextsInJapanese(t *testing.T) {
	without := exampleInput(t)
	with := without
	with.Plan = examplePlanWithFlows(t)
	if len(with.Plan.Proof.Dropped) == 0 || len(without.Plan.Warnings) == 0 || len(with.Report.Exposures) == 0 {
		t.Fatalf("the example lacks what this test reads: %d dropped flows, %d warnings, %d exposures",
			len(with.Plan.Proof.Dropped), len(without.Plan.Warnings), len(with.Report.Exposures))
	}
	for name, in := range map[string]Input{"with flow logs": with, "without flow logs": without} {
		in.Lang = i18n.Japanese
		doc := parse(t, render(t, in))
		for _, id := range []string{"exposures", "plan"} {
			sec := byID(doc, id)
			if sec == nil {
				t.Fatalf("%s: no section #%s", name, id)
			}
			for _, s := range proseOf(sec) {
				if w := i18ntest.English(s); w != "" {
					t.Errorf("%s: #%s says %q in English: %q", name, id, w, s)
				}
			}
		}
		page := string(render(t, in))
		for _, want := range []string{
			i18n.Japanese.T("reach.acl.ingress-allow", 100, "x"), // a hop of the exposures
			i18n.Japanese.T("plan.expect.nat-gateways"),          // a check's expectation
		} {
			if prefix, _, _ := strings.Cut(want, "x"); !strings.Contains(page, html.EscapeString(prefix)) {
				t.Errorf("%s: the Japanese page lacks %q", name, prefix)
			}
		}
	}
	en := string(render(t, with))
	for _, want := range []string{with.Plan.Proof.Dropped[0].Reason, with.Plan.Stages[1].Checks[0].What, with.Report.Exposures[0].Path[0].Detail} {
		if !strings.Contains(en, html.EscapeString(want)) {
			t.Errorf("the English page lacks %q", want)
		}
	}
	ja := string(render(t, Input{Lang: i18n.Japanese, Report: with.Report, Plan: with.Plan, Generated: "2026-11-26"}))
	if r := with.Plan.Proof.Dropped[0].Reason; strings.Contains(ja, html.EscapeString(r)) {
		t.Errorf("the Japanese page shows the English reason %q", r)
	}
	if w := without.Plan.Warnings[0]; strings.Contains(string(render(t, Input{Lang: i18n.Japanese, Report: without.Report, Plan: without.Plan})), html.EscapeString(w)) {
		t.Errorf("the Japanese page shows the English warning %q", w)
	}
}

// A plan.json without messages (written before them) is shown as it says,
// in English, on a Japanese page; so is a message whose key the catalogue
// lacks.
func TestPlanWithoutMessagesStaysEnglish(t *testing.T) {
	p := examplePlanWithFlows(t)
	p.Proof.Dropped[0].ReasonMsg = i18n.Message{}
	p.Proof.Dropped[1].ReasonMsg = i18n.M("plan.proof.dropped", i18n.M("plan.no-such-key"), "x")
	page := string(render(t, Input{Lang: i18n.Japanese, Report: exampleInput(t).Report, Plan: p}))
	for _, fc := range p.Proof.Dropped[:2] {
		if !strings.Contains(page, html.EscapeString(fc.Reason)) {
			t.Errorf("the page lacks the English reason %q", fc.Reason)
		}
	}
}

// The engine's notes (what it assumed for data the snapshot lacks) are in
// Japanese too: the example with its route tables, network ACLs and
// load-balancer listeners not collected.
func TestExposureNotesInJapanese(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(exampleDir)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ec2-describe-route-tables.json", "ec2-describe-network-acls.json", "elbv2-describe-listeners"} {
		if err := os.RemoveAll(filepath.Join(dir, "ap-northeast-1", f)); err != nil {
			t.Fatal(err)
		}
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Build(inv, check.RunWith(inv, check.All, check.Options{}), check.All)
	notes := 0
	for _, x := range rep.Exposures {
		notes += len(x.Notes)
	}
	if notes == 0 {
		t.Fatal("no exposure has a note: the test tests nothing")
	}
	en := string(render(t, Input{Lang: i18n.English, Report: rep}))
	if !strings.Contains(en, "route table unknown") {
		t.Error("the English page lacks the route-table note")
	}
	doc := parse(t, render(t, Input{Lang: i18n.Japanese, Report: rep}))
	for _, s := range proseOf(byID(doc, "exposures")) {
		if w := i18ntest.English(s); w != "" {
			t.Errorf("#exposures says %q in English: %q", w, s)
		}
	}
}
