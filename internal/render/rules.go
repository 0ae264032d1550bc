package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// The catalogue's documentation in three forms, all made from the same
// metadata: a table for a terminal (`vpcdoctor rules`), JSON for tools
// (`--format json`) and Markdown, which is docs/rules.md. Each is written
// in a language of the message catalogue (internal/i18n, areas "rules"
// for the headings and "check" for the rules' texts); English is the
// metadata as it is.

// RulesIn returns rules with their title, rationale and remediation in
// l, from the catalogue's "check" area (check.<id>.title, ...). A text
// stays as it is where the catalogue lacks it or where its English there
// is not the rule's text (a rule the catalogue does not describe). In
// English the rules come back unchanged.
func RulesIn(rules []report.Rule, l i18n.Lang) []report.Rule {
	if l == i18n.English || l == "" {
		return rules
	}
	out := make([]report.Rule, len(rules))
	for i, r := range rules {
		r.Title = CheckText(l, r.ID, "title", r.Title)
		r.Rationale = CheckText(l, r.ID, "rationale", r.Rationale)
		r.Remediation = CheckText(l, r.ID, "remediation", r.Remediation)
		out[i] = r
	}
	return out
}

// CheckText is the text of one field of a check (title, rationale or
// remediation) in l: the catalogue's check.<rule>.<field> when the
// catalogue has it and its English is english; else english itself.
func CheckText(l i18n.Lang, rule, field, english string) string {
	key := "check." + rule + "." + field
	if l == i18n.English || l == "" || !i18n.Has(key) || i18n.English.T(key) != english {
		return english
	}
	return l.T(key)
}

// RulesText lists the rules as a table: ID, severity, title, with the
// headings in l.
func RulesText(w io.Writer, rules []report.Rule, l i18n.Lang, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	idHead, sevHead := l.T("rules.col.id"), l.T("rules.col.severity")
	idw := displayWidth(idHead)
	for _, r := range rules {
		idw = max(idw, len(r.ID))
	}
	sevw := max(8, displayWidth(sevHead))
	t.printf("%s  %s  %s\n", t.style(padRight(idHead, idw), ansiBold), padRight(sevHead, sevw), l.T("rules.col.title"))
	for _, r := range rules {
		t.printf("%-*s  %s  %s\n", idw, r.ID, t.style(padRight(r.Severity, sevw), severityStyle[r.Severity]), r.Title)
	}
	count := l.T("rules.count.other", len(rules))
	if len(rules) == 1 {
		count = l.T("rules.count.one")
	}
	t.printf("\n%s\n", count)
	return t.w.Flush()
}

// RulesJSON writes the rules as one JSON list.
func RulesJSON(w io.Writer, rules []report.Rule) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if rules == nil {
		rules = []report.Rule{}
	}
	return enc.Encode(rules)
}

// RulesMarkdown writes docs/rules.md (in English): an index table, then
// one section per rule, with the headings in l.
func RulesMarkdown(w io.Writer, rules []report.Rule, l i18n.Lang) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n\n", l.T("rules.md.heading"))
	fmt.Fprintf(b, "%s\n\n", l.T("rules.md.intro", len(rules)))
	fmt.Fprintf(b, "%s\n|---|---|---|\n", l.T("rules.md.col"))
	for _, r := range rules {
		fmt.Fprintf(b, "| [`%s`](#%s) | %s | %s |\n", r.ID, r.ID, r.Severity, mdCell(r.Title))
	}
	for _, r := range rules {
		fmt.Fprintf(b, "\n## %s\n\n**%s** — %s\n\n", r.ID, r.Title, l.T("rules.md.severity", r.Severity))
		fmt.Fprintf(b, "%s\n\n%s %s\n\n", r.Rationale, l.T("rules.md.fix"), r.Remediation)
		needs := make([]string, len(r.Needs))
		for i, n := range r.Needs {
			needs[i] = "`" + n + "`"
		}
		if r.NeedsFlowLogs {
			needs = append(needs, l.T("rules.md.flow-logs"))
		}
		fmt.Fprintf(b, "%s %s\n\n%s\n\n", l.T("rules.md.needs"), strings.Join(needs, ", "), l.T("rules.md.references"))
		for _, ref := range r.References {
			fmt.Fprintf(b, "- %s\n", ref)
		}
	}
	return b.Flush()
}

// mdCell escapes a pipe so text stays in its table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Explain writes one rule's documentation for a terminal, with the
// headings in l.
func Explain(w io.Writer, r report.Rule, l i18n.Lang, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	if t.width <= 0 || t.width > 100 {
		t.width = 100
	}
	para := t.para
	if l != i18n.English && l != "" {
		para = t.paraWide
	}
	t.printf("%s  %s\n", t.style(r.ID, ansiBold), t.style(r.Severity, severityStyle[r.Severity]))
	para("", "", r.Title)
	t.printf("\n%s\n", t.style(l.T("rules.explain.why"), ansiBold))
	para("  ", "  ", r.Rationale)
	t.printf("\n%s\n", t.style(l.T("rules.explain.fix"), ansiBold))
	para("  ", "  ", r.Remediation)
	t.printf("\n%s\n", t.style(l.T("rules.explain.needs"), ansiBold))
	needs := r.Needs
	if r.NeedsFlowLogs {
		needs = append(slices.Clone(needs), l.T("rules.explain.flow-logs"))
	}
	para("  ", "  ", l.T("rules.explain.needs-note", strings.Join(needs, ", ")))
	t.printf("\n%s\n", t.style(l.T("rules.explain.references"), ansiBold))
	for _, ref := range r.References {
		para("    ", "  - ", ref)
	}
	return t.w.Flush()
}
