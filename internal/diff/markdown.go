package diff

import (
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Budgets of the Markdown sections, in bytes; with the headline they stay
// under render.MarkdownLimit whatever the diff holds.
const (
	mdNewExposuresBudget     = 22000
	mdNewRolesBudget         = 10000
	mdNewFindingsBudget      = 10000
	mdChangedFindingsBudget  = 3000
	mdRemovedExposuresBudget = 5000
	mdRemovedRolesBudget     = 4000
	mdRemovedFindingsBudget  = 5000
	mdWarningsBudget         = 2000
	mdCellLimit              = 300
)

// Markdown writes the diff as GitHub-flavoured Markdown for a pull-request
// comment: a headline with what is new, the new internet exposures each
// with its path, the new reach between roles with an example path, the
// new and changed findings, then what was closed, collapsed. Text from the
// data is escaped as the scan's Markdown report escapes it; each section
// keeps to a budget, saying how much it left out, so the comment never
// exceeds render.MarkdownLimit bytes.
func Markdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	b.WriteString(mdHeadline(d))
	b.WriteString(mdWarnings(d))
	b.WriteString(mdNewExposures(d))
	b.WriteString(mdNewRoles(d))
	b.WriteString(mdFindingTable("### New findings\n\n", "", d.Findings.New, mdNewFindingsBudget))
	b.WriteString(mdChanged(d))
	b.WriteString(mdRemovedExposures(d))
	b.WriteString(mdRemovedRoles(d))
	b.WriteString(mdFindingTable(fmt.Sprintf("<details><summary>%s removed</summary>\n\n", count(len(d.Findings.Removed), "finding")), "</details>\n\n", d.Findings.Removed, mdRemovedFindingsBudget))
	_, err := io.WriteString(w, b.String())
	return err
}

func mdHeadline(d *Diff) string {
	s := d.Summary
	var b strings.Builder
	b.WriteString("## vpcdoctor diff: ")
	var news []string
	if s.NewExposures > 0 {
		news = append(news, count(s.NewExposures, "new internet exposure")+mdWorst(d, true))
	}
	if s.NewRoleReach > 0 {
		news = append(news, count(s.NewRoleReach, "new reach between roles"))
	}
	if s.NewFindings > 0 {
		news = append(news, count(s.NewFindings, "new finding")+mdWorst(d, false))
	}
	if len(news) == 0 {
		b.WriteString("nothing new")
	} else {
		b.WriteString(strings.Join(news, ", "))
	}
	b.WriteString("\n\n| | New | Removed |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| Internet exposures | %d | %d |\n", s.NewExposures, s.RemovedExposures)
	fmt.Fprintf(&b, "| Reach between roles | %d | %d |\n", s.NewRoleReach, s.RemovedRoleReach)
	fmt.Fprintf(&b, "| Findings | %d | %d |\n\n", s.NewFindings, s.RemovedFindings)
	fmt.Fprintf(&b, "%s changed severity, %d unchanged.", count(s.ChangedFindings, "finding"), s.UnchangedFindings)
	if !s.Complete {
		b.WriteString(" **Coverage incomplete** on one side: changes may be missing (see the warnings).")
	}
	b.WriteString("\n\n")
	return b.String()
}

// mdWorst is " (1 critical, 2 high)" for the new exposures or findings.
func mdWorst(d *Diff, exposures bool) string {
	n := map[string]int{}
	if exposures {
		for _, x := range d.Exposures {
			if x.Change == New {
				n[x.Severity]++
			}
		}
	} else {
		for _, f := range d.Findings.New {
			n[f.Severity]++
		}
	}
	var parts []string
	for _, sev := range []string{"critical", "high"} {
		if n[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[sev], sev))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func mdWarnings(d *Diff) string {
	if len(d.Warnings) == 0 {
		return ""
	}
	items := make([]string, len(d.Warnings))
	for i, w := range d.Warnings {
		items[i] = "- " + render.MarkdownEscape(w) + "\n"
	}
	return render.MarkdownSection("### Warnings\n\n", items, "\n", mdWarningsBudget, func(n int) string {
		return fmt.Sprintf("- … and %d more\n", n)
	})
}

func mdSev(s string) string {
	if rank(s) >= rank("high") {
		return "**" + s + "**"
	}
	return s
}

func mdNewExposures(d *Diff) string {
	var items []string
	for _, x := range d.Exposures {
		if x.Change != New {
			continue
		}
		e := x.Exposure
		var b strings.Builder
		fmt.Fprintf(&b, "- %s %s %s: %s from %s, %s%s\n", mdSev(x.Severity), render.MarkdownEscape(e.ResourceType), mdExposed(e),
			render.MarkdownEscape(render.ExposureTraffic(e)), render.MarkdownEscape(render.ExposureSources(e)), render.MarkdownEscape(via(e)), suppressedMark(x.Suppressed))
		mdHops(&b, e.Path, e.Notes)
		items = append(items, b.String())
	}
	if len(items) == 0 {
		return ""
	}
	return render.MarkdownSection("### New internet exposures\n\nEach with the path that lets it through.\n\n", items, "\n", mdNewExposuresBudget, func(n int) string {
		return fmt.Sprintf("- … and %d more not shown (run `vpcdoctor diff` for all)\n", n)
	})
}

func mdExposed(e report.Exposure) string {
	switch {
	case e.Resource != "" && e.ENI != "":
		return render.MarkdownCode(e.Resource) + " (" + render.MarkdownCode(e.ENI) + ")"
	case e.Resource != "":
		return render.MarkdownCode(e.Resource)
	}
	return render.MarkdownCode(e.ENI)
}

func mdHops(b *strings.Builder, path []report.Hop, notes []string) {
	for _, h := range path {
		fmt.Fprintf(b, "  - %s %s: %s\n", render.MarkdownEscape(h.Kind), render.MarkdownCode(h.ID), render.MarkdownEscape(render.MarkdownClip(h.Detail, mdCellLimit)))
	}
	for _, n := range notes {
		fmt.Fprintf(b, "  - note: %s\n", render.MarkdownEscape(render.MarkdownClip(n, mdCellLimit)))
	}
}

func mdRole(r Role) string {
	return render.MarkdownCode(r.Name) + " (" + render.MarkdownEscape(r.Kind) + ")"
}

func mdNewRoles(d *Diff) string {
	var items []string
	for _, r := range d.Roles {
		if r.Change != New {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "- %s %s → %s: %s%s\n", mdSev(r.Severity), mdRole(r.From), mdRole(r.To), render.MarkdownEscape(trafficText(r.Traffic)), render.MarkdownEscape(where(d, r.Account, r.Region)))
		if r.Example != nil {
			fmt.Fprintf(&b, "  - for example %s → %s on %s/%d:\n", render.MarkdownCode(r.Example.FromENI), render.MarkdownCode(r.Example.ToENI), render.MarkdownEscape(r.Example.Protocol), r.Example.Port)
			for _, h := range r.Example.Path {
				fmt.Fprintf(&b, "    - %s %s: %s\n", render.MarkdownEscape(h.Kind), render.MarkdownCode(h.ID), render.MarkdownEscape(render.MarkdownClip(h.Detail, mdCellLimit)))
			}
		}
		items = append(items, b.String())
	}
	if len(items) == 0 {
		return ""
	}
	return render.MarkdownSection("### New reach between roles\n\n", items, "\n", mdNewRolesBudget, func(n int) string {
		return fmt.Sprintf("- … and %d more not shown (run `vpcdoctor diff` for all)\n", n)
	})
}

func mdFindingTable(head, tail string, fs []report.Finding, budget int) string {
	if len(fs) == 0 {
		return ""
	}
	items := make([]string, len(fs))
	for i, f := range fs {
		items[i] = fmt.Sprintf("| %s | %s | %s | %s |\n", mdSev(f.Severity)+suppressedMark(f.Suppressed), render.MarkdownCode(f.Rule), mdResource(f), render.MarkdownEscape(render.MarkdownClip(f.Message, mdCellLimit)))
	}
	return render.MarkdownSection(head+"| Severity | Rule | Resource | Message |\n|---|---|---|---|\n", items, "\n"+tail, budget, func(n int) string {
		return fmt.Sprintf("\n… and %d more not shown (run `vpcdoctor diff` for all).\n", n)
	})
}

func mdResource(f report.Finding) string {
	if len(f.Resources) == 0 {
		return "—"
	}
	return render.MarkdownCode(f.Resources[0])
}

func mdChanged(d *Diff) string {
	if len(d.Findings.Changed) == 0 {
		return ""
	}
	items := make([]string, len(d.Findings.Changed))
	for i, c := range d.Findings.Changed {
		f := c.Finding
		items[i] = fmt.Sprintf("| %s → %s | %s | %s | %s |\n", c.BeforeSeverity, mdSev(f.Severity), render.MarkdownCode(f.Rule), mdResource(f), render.MarkdownEscape(render.MarkdownClip(f.Message, mdCellLimit)))
	}
	return render.MarkdownSection("### Findings whose severity changed\n\n| Severity | Rule | Resource | Message |\n|---|---|---|---|\n", items, "\n", mdChangedFindingsBudget, func(n int) string {
		return fmt.Sprintf("\n… and %d more not shown.\n", n)
	})
}

func mdRemovedExposures(d *Diff) string {
	var items []string
	for _, x := range d.Exposures {
		if x.Change != Removed {
			continue
		}
		e := x.Exposure
		items = append(items, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", x.Severity, mdExposed(e), render.MarkdownEscape(render.ExposureTraffic(e)), render.MarkdownEscape(render.ExposureSources(e)), render.MarkdownEscape(via(e))))
	}
	if len(items) == 0 {
		return ""
	}
	head := fmt.Sprintf("<details><summary>%s closed</summary>\n\n| Severity | Resource | Traffic | From | Via |\n|---|---|---|---|---|\n", count(len(items), "internet exposure"))
	return render.MarkdownSection(head, items, "\n</details>\n\n", mdRemovedExposuresBudget, func(n int) string {
		return fmt.Sprintf("\n… and %d more not shown.\n", n)
	})
}

func mdRemovedRoles(d *Diff) string {
	var items []string
	for _, r := range d.Roles {
		if r.Change != Removed {
			continue
		}
		items = append(items, fmt.Sprintf("| %s | %s | %s | %s |\n", r.Severity, mdRole(r.From), mdRole(r.To), render.MarkdownEscape(render.MarkdownClip(trafficText(r.Traffic), mdCellLimit))))
	}
	if len(items) == 0 {
		return ""
	}
	head := fmt.Sprintf("<details><summary>%s closed between roles</summary>\n\n| Severity | From | To | Traffic |\n|---|---|---|---|\n", count(len(items), "reach"))
	return render.MarkdownSection(head, items, "\n</details>\n\n", mdRemovedRolesBudget, func(n int) string {
		return fmt.Sprintf("\n… and %d more not shown.\n", n)
	})
}

// count is "1 finding", "2 findings"; nouns ending in "reach" or
// "between roles" do not take an s.
func count(n int, noun string) string {
	if n == 1 || strings.HasSuffix(noun, "roles") || strings.HasSuffix(noun, "reach") {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
