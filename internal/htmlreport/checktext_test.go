package htmlreport

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n/i18ntest"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// findingRows are the rows of the findings table whose rule is rule.
func findingRows(doc *html.Node, rule string) []*html.Node {
	return all(doc, func(n *html.Node) bool {
		v, _ := attr(n, "data-rule")
		return n.Data == "tr" && hasClass(n, "finding") && v == rule
	})
}

// In Japanese a finding shows its message in Japanese (the check's
// catalogue message) as the row's summary, and its check's title,
// rationale and remediation from the catalogue; nothing of it is left in
// English. In English the row is what it was: the message, then the
// rule's title.
func TestFindingsInJapanese(t *testing.T) {
	in := exampleInput(t)
	in.Lang = i18n.Japanese
	ja := parse(t, render(t, in))
	en := parse(t, render(t, exampleInput(t)))
	if byID(en, "rule-texts") != nil {
		t.Error("the English page has the rules' texts, which its findings do not link to")
	}
	for _, rule := range []string{"internet-exposed", "sg-admin-port-world-open", "db-publicly-accessible"} {
		var f *findingView
		for i := range in.Report.Findings {
			if in.Report.Findings[i].Rule == rule {
				f = &findingView{Finding: in.Report.Findings[i]}
				break
			}
		}
		if f == nil {
			t.Fatalf("the example has no %s finding", rule)
		}
		rows := findingRows(ja, rule)
		if len(rows) == 0 {
			t.Fatalf("no %s row", rule)
		}
		row := rows[0]
		summary := all(row, tag("summary"))[0]
		if got, want := text(summary), f.MessageIn(i18n.Japanese); got != want || got == f.Message {
			t.Errorf("%s: summary %q, want the Japanese message %q", rule, got, want)
		}
		page := text(row)
		for _, want := range []string{
			i18n.Japanese.T("report.finding.rule"),
			i18n.Japanese.T("check." + rule + ".title"),
			i18n.Japanese.T("report.finding.rationale"),
			i18n.Japanese.T("check." + rule + ".remediation"),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the Japanese row lacks %q", rule, want)
			}
		}
		// The rationale is under the findings, once per rule, where the
		// row's link leads.
		links := all(row, func(n *html.Node) bool { v, _ := attr(n, "href"); return n.Data == "a" && v == "#rule-"+rule })
		dt := byID(ja, "rule-"+rule)
		if len(links) != 1 || dt == nil {
			t.Errorf("%s: %d links to the rule's rationale, target %v", rule, len(links), dt)
		} else if !strings.Contains(text(dt), i18n.Japanese.T("check."+rule+".title")) ||
			nextElement(dt) == nil || text(nextElement(dt)) != i18n.Japanese.T("check."+rule+".rationale") {
			t.Errorf("%s: the rule's text under the findings is not its Japanese title and rationale", rule)
		}
		spans := all(row, func(n *html.Node) bool { v, _ := attr(n, "lang"); return n.Data == "span" && v == "en" })
		if len(spans) != 0 || strings.Contains(page, i18n.Japanese.T("report.finding.message")) {
			t.Errorf("%s: the Japanese row still shows a message marked English", rule)
		}
		for _, english := range []string{f.Title, f.Remediation, f.Message} {
			if strings.Contains(page, english) {
				t.Errorf("%s: the Japanese row shows %q", rule, english)
			}
		}

		enRow := findingRows(en, rule)[0]
		if got := text(all(enRow, tag("summary"))[0]); got != f.Message {
			t.Errorf("%s: English summary %q, want the message %q", rule, got, f.Message)
		}
		if !strings.Contains(text(enRow), f.Title) || !strings.Contains(text(enRow), f.Remediation) {
			t.Errorf("%s: the English row lacks its title or remediation", rule)
		}
	}
}

// A finding read without its catalogue message (from JSON, or written by
// other code) keeps the English message, labelled and marked lang="en",
// under its check's Japanese title.
func TestFindingsEnglishMessageLabelled(t *testing.T) {
	in := exampleInput(t)
	in.Lang = i18n.Japanese
	rep := *in.Report
	rep.Findings = append([]report.Finding(nil), rep.Findings...)
	for i := range rep.Findings {
		rep.Findings[i].Msg = i18n.Message{}
	}
	in.Report = &rep
	doc := parse(t, render(t, in))
	f := rep.Findings[0]
	row := findingRows(doc, f.Rule)[0]
	if got, want := text(all(row, tag("summary"))[0]), i18n.Japanese.T("check."+f.Rule+".title"); got != want {
		t.Errorf("summary %q, want the Japanese title %q", got, want)
	}
	spans := all(row, func(n *html.Node) bool { v, _ := attr(n, "lang"); return n.Data == "span" && v == "en" })
	if len(spans) != 1 || text(spans[0]) != f.Message || !strings.Contains(text(row), i18n.Japanese.T("report.finding.message")) {
		t.Errorf("the English message is not shown once, labelled and marked English: %d spans", len(spans))
	}
}

// A finding whose title is not its check's (the rich fixture's
// sg-world-open-port says "Port open to the world") is not given the
// check's translation: it stays as the report wrote it.
func TestFindingsOwnTextStays(t *testing.T) {
	doc := parse(t, render(t, richInput(i18n.Japanese)))
	row := findingRows(doc, "sg-world-open-port")[0]
	if got := text(all(row, tag("summary"))[0]); got != "sg-0web admits tcp/22 from 0.0.0.0/0." {
		t.Errorf("summary %q, want the message", got)
	}
	if !strings.Contains(text(row), "Port open to the world") || strings.Contains(text(row), i18n.Japanese.T("check.sg-world-open-port.title")) {
		t.Error("the finding's own title was replaced")
	}
	if got := text(all(findingRows(doc, "sg-unused")[0], tag("summary"))[0]); got != i18n.Japanese.T("check.sg-unused.title") {
		t.Errorf("sg-unused summary %q, want its Japanese title", got)
	}
}

// The plan's stage names and risk notes are the catalogue's
// report.stage.N and report.stage.N.note: the English there must be the
// plan's own words (a test fails here when the plan's wording changes, so
// that the Japanese is looked at again), and the Japanese page shows the
// Japanese.
func TestStagesInJapanese(t *testing.T) {
	in := exampleInput(t)
	if len(in.Plan.Stages) == 0 {
		t.Fatal("the example's plan has no stages")
	}
	in.Lang = i18n.Japanese
	doc := parse(t, render(t, in))
	for _, s := range in.Plan.Stages {
		key := fmt.Sprintf("report.stage.%d", s.Number)
		if got := i18n.English.T(key); got != s.Name {
			t.Errorf("%s = %q, the plan says %q", key, got, s.Name)
		}
		if got := i18n.English.T(key + ".note"); got != s.RiskNote {
			t.Errorf("%s.note = %q, the plan says %q", key, got, s.RiskNote)
		}
		row := byID(doc, fmt.Sprintf("stage-%d", s.Number))
		if row == nil {
			t.Fatalf("no row for stage %d", s.Number)
		}
		got := text(row)
		if !strings.Contains(got, i18n.Japanese.T(key)) || !strings.Contains(got, i18n.Japanese.T(key+".note")) {
			t.Errorf("stage %d: the Japanese row lacks its Japanese name or note: %q", s.Number, got)
		}
		if strings.Contains(got, s.Name) || strings.Contains(got, s.RiskNote) {
			t.Errorf("stage %d: the Japanese row shows the English", s.Number)
		}
	}
	// A stage whose name is not the catalogue's stays as the plan wrote it.
	p := richPlan() // a fresh plan of its own
	p.Stages[0].Name = "Something else"
	if got := planViewOf(i18n.Japanese, p).Stages[0].Name; got != "Something else" {
		t.Errorf("an unknown stage name became %q", got)
	}
}

// nextElement is the element after n, or nil.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

// Every finding of the bundled example's Japanese page says what it found
// in Japanese: its summary (the message) and its rule's title hold no
// English sentence, and every finding has its message in Japanese.
func TestExampleFindingsAllJapanese(t *testing.T) {
	in := exampleInput(t)
	in.Lang = i18n.Japanese
	doc := parse(t, render(t, in))
	rows := all(doc, func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "finding") })
	if len(rows) != len(in.Report.Findings) || len(rows) < 20 {
		t.Fatalf("%d finding rows, %d findings", len(rows), len(in.Report.Findings))
	}
	for _, row := range rows {
		rule, _ := attr(row, "data-rule")
		summary := text(all(row, tag("summary"))[0])
		more := all(row, func(n *html.Node) bool { return n.Data == "div" && hasClass(n, "more") })[0]
		title := text(all(more, tag("p"))[0])
		for _, s := range []string{summary, title} {
			if m := i18ntest.EnglishBesidesProducts(s); m != "" {
				t.Errorf("%s: %q holds English %q", rule, s, m)
			}
		}
		if !strings.ContainsAny(summary, "はがにをです") {
			t.Errorf("%s: summary %q is not a Japanese sentence", rule, summary)
		}
	}
	// An evidence line that is a sentence is in Japanese, as text; rule
	// and route notation stays as code.
	row := findingRows(doc, "vpc-flow-logs-disabled")[0]
	items := all(row, func(n *html.Node) bool { return n.Data == "li" && n.Parent != nil && hasClass(n.Parent, "evidence") })
	if len(items) == 0 || !strings.Contains(text(items[0]), "フローログはありません") || len(all(items[0], tag("code"))) != 0 {
		t.Errorf("the flow-log finding's evidence is not a Japanese sentence: %d lines", len(items))
	}
	row = findingRows(doc, "sg-admin-port-world-open")[0]
	codes := all(row, func(n *html.Node) bool { return n.Data == "code" && n.Parent != nil && n.Parent.Data == "li" })
	if len(codes) == 0 || !strings.Contains(text(codes[0]), "ingress tcp/22 from 0.0.0.0/0") {
		t.Errorf("the rule notation of the SSH finding's evidence is not kept as code")
	}
}
