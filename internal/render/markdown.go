package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// MarkdownLimit is the most a Markdown report may hold, in bytes: GitHub
// rejects a comment body longer than 65536 characters, and no character is
// fewer than one byte.
const MarkdownLimit = 65536

// Budgets of the sections other than the findings table, in bytes. They
// keep at least 40 KB for findings however much else the report holds.
const (
	mdWarningsBudget   = 4000
	mdExposuresBudget  = 8000
	mdSuppressedBudget = 6000
	mdCoverageBudget   = 6000
	mdCellLimit        = 500 // characters of one message or reason in a table cell
)

// Markdown writes the report as GitHub-flavoured Markdown for a pull-request
// comment: a headline with the unsuppressed counts and whether coverage was
// complete, warnings, a table of findings (highest severity first) with each
// rule's fix once, a summary of internet exposures, the suppressed findings
// (collapsed) and the coverage gaps. It never exceeds MarkdownLimit bytes:
// when the findings do not fit, the table stops at the last row that fits
// and a line says how many were left out and where the full report is.
// Text from the data is escaped so that it cannot break a table, open an
// HTML tag or mention anyone.
func Markdown(w io.Writer, rep *report.Report, opt Options) error {
	rep = Localize(rep, opt.Lang)
	multi := len(rep.Scanned.Regions) > 1
	head := mdHeadline(rep)
	warnings := mdWarnings(rep)
	exposures := mdExposures(rep, multi)
	suppressed := mdSuppressed(rep, multi)
	coverage := mdCoverage(rep)
	rest := len(head) + len(warnings) + len(exposures) + len(suppressed) + len(coverage)
	findings := mdFindings(rep, multi, opt.ReportURL, MarkdownLimit-rest)
	_, err := io.WriteString(w, head+warnings+findings+exposures+suppressed+coverage)
	return err
}

func mdHeadline(rep *report.Report) string {
	var b strings.Builder
	s := rep.Summary
	b.WriteString("## vpcdoctor: ")
	if s.Findings == 0 {
		b.WriteString("no findings")
	} else {
		b.WriteString(count(s.Findings, "finding"))
		var parts []string
		for _, p := range []struct {
			n    int
			name string
		}{{s.Critical, "critical"}, {s.High, "high"}, {s.Medium, "medium"}, {s.Low, "low"}, {s.Info, "info"}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
			}
		}
		if len(parts) > 0 {
			b.WriteString(" (" + strings.Join(parts, ", ") + ")")
		}
	}
	b.WriteString("\n\n")
	var names []string
	for _, a := range rep.Scanned.Accounts {
		if a.ID != "" {
			names = append(names, mdEscape(a.ID))
		} else {
			names = append(names, mdEscape(a.Name))
		}
	}
	fmt.Fprintf(&b, "Scanned %s", count(len(rep.Scanned.Accounts), "account"))
	if len(names) > 0 && len(names) <= 5 {
		fmt.Fprintf(&b, " (%s)", strings.Join(names, ", "))
	}
	fmt.Fprintf(&b, ", %s. ", count(len(rep.Scanned.Regions), "region"))
	if s.Complete {
		b.WriteString("Coverage complete: every call was collected and every check ran.")
	} else {
		b.WriteString("**Coverage incomplete:** some calls were missing or incomplete, so some checks did not run or worked on partial data and findings may be missing (see Coverage gaps below).")
	}
	b.WriteString("\n")
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "\n%s suppressed by the configuration %s not counted (listed below).\n", count(s.Suppressed, "finding"), plural(s.Suppressed, "is", "are"))
	}
	b.WriteString("\n")
	return b.String()
}

func mdWarnings(rep *report.Report) string {
	if len(rep.Warnings) == 0 {
		return ""
	}
	items := make([]string, len(rep.Warnings))
	for i, w := range rep.Warnings {
		items[i] = "- " + mdEscape(w) + "\n"
	}
	return mdSection("### Warnings\n\n", items, "\n", mdWarningsBudget, func(n int) string {
		return fmt.Sprintf("- … and %d more %s (see the full report)\n", n, plural(n, "warning", "warnings"))
	})
}

// mdFindings writes the table of unsuppressed findings and the fixes of
// their rules within budget bytes, dropping rows from the end (the lowest
// severities) when they do not all fit.
func mdFindings(rep *report.Report, multi bool, reportURL string, budget int) string {
	var fs []report.Finding
	for _, sev := range severityOrder {
		for _, f := range rep.Findings {
			if !f.Suppressed && f.Severity == sev {
				fs = append(fs, f)
			}
		}
	}
	for _, f := range rep.Findings { // severities the renderer does not know, last
		if !f.Suppressed && severityRank(f.Severity) == 0 {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return ""
	}
	const tableHead = "### Findings\n\n| Severity | Rule | Resource | Message |\n|---|---|---|---|\n"
	omitted := func(n int) string {
		where := "run `vpcdoctor scan` on the same snapshot for the full report"
		if reportURL != "" {
			where = "the full report is at " + mdEscape(reportURL)
		}
		return fmt.Sprintf("\n… and %d more %s not shown: a comment holds at most %d characters; %s.\n", n, plural(n, "finding", "findings"), MarkdownLimit, where)
	}
	// Room for the frame: the table's head, the omission line and the fixes
	// block's ends, each at its longest.
	budget -= len(tableHead) + len(omitted(len(fs))) + 1 + len(mdFixesFrame(len(fs))) + len(mdFixesEnd)

	rules := map[string]bool{}
	var ruleOrder []string
	fixes := map[string]string{}
	var rows strings.Builder
	used, shown := 0, 0
	for _, f := range fs {
		row := mdFindingRow(f, multi)
		extra := len(row)
		fix := ""
		if !rules[f.Rule] {
			fix = mdFix(f)
			extra += len(fix)
		}
		if used+extra > budget {
			break
		}
		used += extra
		rows.WriteString(row)
		shown++
		if !rules[f.Rule] {
			rules[f.Rule] = true
			ruleOrder = append(ruleOrder, f.Rule)
			fixes[f.Rule] = fix
		}
	}
	var b strings.Builder
	b.WriteString(tableHead)
	b.WriteString(rows.String())
	if shown < len(fs) {
		b.WriteString(omitted(len(fs) - shown))
	}
	b.WriteString("\n")
	if len(ruleOrder) > 0 {
		b.WriteString(mdFixesFrame(len(ruleOrder)))
		for _, r := range ruleOrder {
			b.WriteString(fixes[r])
		}
		b.WriteString(mdFixesEnd)
	}
	return b.String()
}

const mdFixesEnd = "</details>\n\n"

func mdFixesFrame(rules int) string {
	return fmt.Sprintf("<details><summary>How to fix (%s)</summary>\n\n", count(rules, "rule"))
}

func mdFindingRow(f report.Finding, multi bool) string {
	res := "—"
	if len(f.Resources) > 0 {
		res = mdCode(f.Resources[0])
	}
	if multi {
		res += "<br>" + mdEscape(f.Account+" "+f.Region)
	}
	sev := f.Severity
	if severityRank(sev) >= severityRank("high") {
		sev = "**" + sev + "**"
	}
	return fmt.Sprintf("| %s | %s | %s | %s |\n", sev, mdCode(f.Rule), res, mdEscape(clip(f.Message, mdCellLimit)))
}

func mdFix(f report.Finding) string {
	return fmt.Sprintf("%s — %s\n\n%s\n\n", "**"+mdCode(f.Rule)+"**", mdEscape(f.Title), mdEscape(f.Remediation))
}

// mdExposures summarises the exposures: one row per resource, path (direct
// or through which load balancer) and sources, listing the traffic allowed.
func mdExposures(rep *report.Report, multi bool) string {
	if len(rep.Exposures) == 0 {
		if !rep.Summary.Complete {
			return "### Internet exposures\n\nNothing is reachable from the internet as far as the collected data shows.\n\n"
		}
		return "### Internet exposures\n\nNothing is reachable from the internet.\n\n"
	}
	type row struct {
		where, resource, kind, from, via string
		traffic                          []string
	}
	var rows []*row
	index := map[[6]string]*row{}
	for _, x := range rep.Exposures {
		res := x.Resource
		if res == "" {
			res = x.ENI
		}
		from := ExposureSources(x)
		via := x.Via
		if x.Via == "load-balancer" && x.LoadBalancer != "" {
			via = "load balancer " + x.LoadBalancer
		}
		k := [6]string{x.Account, x.Region, res, x.ResourceType, from, via}
		r := index[k]
		if r == nil {
			r = &row{where: x.Account + " " + x.Region, resource: res, kind: x.ResourceType, from: from, via: via}
			index[k] = r
			rows = append(rows, r)
		}
		t := exposureTraffic(x)
		if !contains(r.traffic, t) {
			r.traffic = append(r.traffic, t)
		}
	}
	items := make([]string, len(rows))
	for i, r := range rows {
		res := "—"
		if r.resource != "" {
			res = mdCode(r.resource)
		}
		if multi {
			res += "<br>" + mdEscape(r.where)
		}
		items[i] = fmt.Sprintf("| %s | %s | %s | %s | %s |\n", res, mdEscape(r.kind), mdEscape(strings.Join(r.traffic, ", ")), mdEscape(r.from), mdEscape(r.via))
	}
	return mdSection("### Internet exposures\n\n| Resource | Type | Traffic | From | Via |\n|---|---|---|---|---|\n", items, "\n", mdExposuresBudget, func(n int) string {
		return fmt.Sprintf("\n… and %d more rows not shown (see the full report).\n", n)
	})
}

// exposureTraffic names what an exposure lets through: tcp/80,
// tcp/8000-8080, udp (every port), all, all but tcp, icmp (every type),
// icmp type 8.
func exposureTraffic(x report.Exposure) string {
	if x.Protocol != "icmp" && x.Protocol != "icmpv6" {
		return x.Traffic()
	}
	switch {
	case x.FromPort == x.ToPort:
		return fmt.Sprintf("%s type %d", x.Protocol, x.FromPort)
	case !(x.FromPort == 0 && x.ToPort == 255):
		return fmt.Sprintf("%s types %d-%d", x.Protocol, x.FromPort, x.ToPort)
	}
	return x.Protocol
}

func mdSuppressed(rep *report.Report, multi bool) string {
	var items []string
	for _, f := range rep.Findings {
		if !f.Suppressed {
			continue
		}
		res := "—"
		if len(f.Resources) > 0 {
			res = mdCode(f.Resources[0])
		}
		if multi {
			res += "<br>" + mdEscape(f.Account+" "+f.Region)
		}
		reason, expires := "", ""
		if f.Suppression != nil {
			reason, expires = f.Suppression.Reason, f.Suppression.Expires
		}
		items = append(items, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", f.Severity, mdCode(f.Rule), res, mdEscape(clip(reason, mdCellLimit)), mdEscape(expires)))
	}
	if len(items) == 0 {
		return ""
	}
	head := fmt.Sprintf("<details><summary>%s suppressed by the configuration</summary>\n\n| Severity | Rule | Resource | Reason | Expires |\n|---|---|---|---|---|\n", count(len(items), "finding"))
	return mdSection(head, items, "\n</details>\n\n", mdSuppressedBudget, func(n int) string {
		return fmt.Sprintf("\n… and %d more suppressed %s not shown (see the full report).\n", n, plural(n, "finding", "findings"))
	})
}

func mdCoverage(rep *report.Report) string {
	var items []string
	for _, c := range rep.Coverage {
		if c.Complete {
			continue
		}
		where := "**" + mdEscape(c.Account+" "+c.Region) + "**"
		for _, m := range groupMissing(c.Missing) {
			resources := m.Resources
			line := fmt.Sprintf("- %s: %s %s", where, mdCode(m.Call), mdEscape(m.Reason))
			if len(resources) > 0 {
				shown := resources
				if len(shown) > 5 {
					shown = shown[:5]
				}
				codes := make([]string, len(shown))
				for k, r := range shown {
					codes[k] = mdCode(r)
				}
				line += " for " + strings.Join(codes, ", ")
				if len(resources) > len(shown) {
					line += fmt.Sprintf(" and %d more", len(resources)-len(shown))
				}
			}
			if m.Weakens != "" {
				line += " — " + mdEscape(m.Weakens)
			}
			items = append(items, line+"\n")
		}
		lacking, _ := skippedFor(c) // checks not run for want of an input given are no gap
		if len(lacking) > 0 {
			rules := make([]string, len(lacking))
			for k, r := range lacking {
				rules[k] = mdCode(r)
			}
			items = append(items, fmt.Sprintf("- %s: checks not run: %s\n", where, strings.Join(rules, ", ")))
		}
		if len(c.Missing) == 0 && len(lacking) == 0 {
			items = append(items, fmt.Sprintf("- %s: data incomplete\n", where))
		}
	}
	if len(items) == 0 {
		return ""
	}
	return mdSection("### Coverage gaps\n\n", items, "\n", mdCoverageBudget, func(n int) string {
		return fmt.Sprintf("- … and %d more (see the full report)\n", n)
	})
}

// mdSection joins head, as many items as fit in budget bytes, a line
// saying how many were left out (more), and tail.
func mdSection(head string, items []string, tail string, budget int, more func(n int) string) string {
	var b strings.Builder
	b.WriteString(head)
	room := budget - len(head) - len(tail) - len(more(len(items)))
	shown := 0
	for _, it := range items {
		if len(it) > room {
			break
		}
		room -= len(it)
		b.WriteString(it)
		shown++
	}
	if shown < len(items) {
		b.WriteString(more(len(items) - shown))
	}
	b.WriteString(tail)
	return b.String()
}

// mdReplacer escapes text from the data for Markdown: backslash escapes for
// the punctuation that starts emphasis, links, code, tables, headings,
// strikethrough and math; entities for HTML; a zero-width space after @ so
// that a Name tag cannot mention a person or team; spaces for line breaks,
// which would end a table row.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "#", `\#`, "~", `\~`, "$", `\$`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"@", "@&#8203;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

func mdEscape(s string) string { return mdReplacer.Replace(s) }

// mdCode writes an identifier as inline code, or escaped text when it holds
// a character that inline code cannot carry everywhere (a backtick, a pipe,
// a line break).
func mdCode(s string) string {
	if s == "" || strings.ContainsAny(s, "`|\r\n") {
		return mdEscape(s)
	}
	return "`" + s + "`"
}

// mdReference writes a reference: a URL as an autolink, anything else as
// text.
func mdReference(ref string) string {
	if strings.HasPrefix(ref, "https://") && !strings.ContainsAny(ref, " <>\"`") {
		return "<" + ref + ">"
	}
	return mdEscape(ref)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
