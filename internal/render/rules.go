package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// The catalogue's documentation in three forms, all made from the same
// metadata: a table for a terminal (`vpcdoctor rules`), JSON for tools
// (`--format json`) and Markdown, which is docs/rules.md.

// RulesText lists the rules as a table: ID, severity, title.
func RulesText(w io.Writer, rules []report.Rule, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	idw := len("ID")
	for _, r := range rules {
		idw = max(idw, len(r.ID))
	}
	t.printf("%s  %-8s  %s\n", t.style(fmt.Sprintf("%-*s", idw, "ID"), ansiBold), "SEVERITY", "TITLE")
	for _, r := range rules {
		t.printf("%-*s  %s  %s\n", idw, r.ID, t.style(fmt.Sprintf("%-8s", r.Severity), severityStyle[r.Severity]), r.Title)
	}
	t.printf("\n%s. `vpcdoctor explain RULE` prints one rule's documentation.\n", count(len(rules), "rule"))
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

// RulesMarkdown writes docs/rules.md: an index table, then one section per
// rule.
func RulesMarkdown(w io.Writer, rules []report.Rule) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Rules\n\n")
	fmt.Fprintf(b, "vpcdoctor's %d checks, generated from the catalogue's metadata in `internal/check` by\n", len(rules))
	fmt.Fprintf(b, "`vpcdoctor rules --format markdown`; a test fails when this file is out of date\n")
	fmt.Fprintf(b, "(`go test ./cmd/vpcdoctor -update-docs` rewrites it). `vpcdoctor explain RULE` prints one rule.\n\n")
	fmt.Fprintf(b, "Severities mean something: `critical` and `high` only for what exposes resources to the internet\n")
	fmt.Fprintf(b, "or lets any source reach a data tier; hygiene, cost and resilience findings are `medium` or lower,\n")
	fmt.Fprintf(b, "so `--fail-on high` is a gate a team can keep on. A check that needs a call that was not collected\n")
	fmt.Fprintf(b, "is skipped for that region, and the report's coverage says so.\n\n")
	fmt.Fprintf(b, "| ID | Severity | Title |\n|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(b, "| [`%s`](#%s) | %s | %s |\n", r.ID, r.ID, r.Severity, mdCell(r.Title))
	}
	for _, r := range rules {
		fmt.Fprintf(b, "\n## %s\n\n**%s** — severity %s\n\n", r.ID, r.Title, r.Severity)
		fmt.Fprintf(b, "%s\n\n**Fix.** %s\n\n", r.Rationale, r.Remediation)
		needs := make([]string, len(r.Needs))
		for i, n := range r.Needs {
			needs[i] = "`" + n + "`"
		}
		if r.NeedsFlowLogs {
			needs = append(needs, "flow logs (`vpcdoctor scan --flows`)")
		}
		fmt.Fprintf(b, "**Needs:** %s\n\n**References:**\n\n", strings.Join(needs, ", "))
		for _, ref := range r.References {
			fmt.Fprintf(b, "- %s\n", ref)
		}
	}
	return b.Flush()
}

// mdCell escapes a pipe so text stays in its table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Explain writes one rule's documentation for a terminal.
func Explain(w io.Writer, r report.Rule, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	if t.width <= 0 || t.width > 100 {
		t.width = 100
	}
	t.printf("%s  %s\n", t.style(r.ID, ansiBold), t.style(r.Severity, severityStyle[r.Severity]))
	t.para("", "", r.Title)
	t.printf("\n%s\n", t.style("Why it matters", ansiBold))
	t.para("  ", "  ", r.Rationale)
	t.printf("\n%s\n", t.style("How to fix it", ansiBold))
	t.para("  ", "  ", r.Remediation)
	t.printf("\n%s\n", t.style("Needs", ansiBold))
	needs := r.Needs
	if r.NeedsFlowLogs {
		needs = append(slices.Clone(needs), "flow logs (vpcdoctor scan --flows)")
	}
	t.para("  ", "  ", strings.Join(needs, ", ")+" (without them the check is skipped, and the report says so)")
	t.printf("\n%s\n", t.style("References", ansiBold))
	for _, ref := range r.References {
		t.para("    ", "  - ", ref)
	}
	return t.w.Flush()
}
