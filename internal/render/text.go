package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// ANSI styles used on a terminal.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiBRed   = "\x1b[1;31m"
)

var severityStyle = map[string]string{
	"critical": ansiBRed,
	"high":     ansiRed,
	"medium":   ansiYellow,
	"low":      ansiBlue,
	"info":     ansiDim,
}

var severityOrder = []string{"critical", "high", "medium", "low", "info"}

// Text writes the report for a person at a terminal: findings grouped by
// severity and then by rule, each with its evidence, each rule's fix once, then what the data
// lacked and the oddities met, then a one-line summary.
func Text(w io.Writer, rep *report.Report, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	if t.width <= 0 {
		t.width = 100
	}
	rep = Localize(rep, opt.Lang)
	if opt.Lang != "" && opt.Lang != i18n.English {
		t.wrap = t.paraWide
	}
	t.header(rep)
	t.findings(rep)
	t.suppressed(rep)
	t.coverage(rep)
	t.notes(rep)
	t.warnings(rep)
	t.summary(rep)
	return t.w.Flush()
}

type textWriter struct {
	w     *bufio.Writer
	color bool
	width int
	// wrap writes the findings' texts: para, or paraWide for a language
	// written without spaces (Text with Options.Lang).
	wrap func(indent, first, text string)
}

// text writes a finding's text wrapped: with wrap when set, else para.
func (t *textWriter) text(indent, first, text string) {
	if t.wrap != nil {
		t.wrap(indent, first, text)
		return
	}
	t.para(indent, first, text)
}

func (t *textWriter) style(s, code string) string {
	if !t.color || code == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

// para writes text wrapped at the width, every line indented; the first
// line starts with first instead of the indent.
func (t *textWriter) para(indent, first, text string) {
	words := strings.Fields(text)
	line := first
	width := len(first)
	empty := true
	for _, w := range words {
		if !empty && width+1+len(w) > t.width {
			t.printf("%s\n", line)
			line, width, empty = indent, len(indent), true
		}
		if !empty {
			line += " "
			width++
		}
		line += w
		width += len(w)
		empty = false
	}
	t.printf("%s\n", line)
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (t *textWriter) header(rep *report.Report) {
	vpcs, resources := 0, 0
	for _, r := range rep.Scanned.Regions {
		vpcs += r.VPCs
		resources += r.Resources
	}
	var names []string
	for _, a := range rep.Scanned.Accounts {
		if a.ID != "" {
			names = append(names, a.ID)
		} else {
			names = append(names, a.Name)
		}
	}
	t.printf("%s %s, %s, %s, %s (%s)\n\n", t.style("vpcdoctor scan:", ansiBold),
		count(len(rep.Scanned.Accounts), "account"), count(len(rep.Scanned.Regions), "region"),
		count(vpcs, "VPC"), count(resources, "resource"), strings.Join(names, ", "))
}

func (t *textWriter) findings(rep *report.Report) {
	if rep.Summary.Findings == 0 {
		t.printf("No findings.\n\n")
		return
	}
	for _, sev := range severityOrder {
		var fs []report.Finding
		for _, f := range rep.Findings {
			if f.Severity == sev && !f.Suppressed {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		t.printf("%s (%d)\n", t.style(strings.ToUpper(sev), severityStyle[sev]), len(fs))
		for i := 0; i < len(fs); {
			j := i
			for j < len(fs) && fs[j].Rule == fs[i].Rule {
				j++
			}
			t.printf("  %s  %s\n", t.style(fs[i].Rule, ansiBold), fs[i].Title)
			multiRegion := len(rep.Scanned.Regions) > 1
			for _, f := range fs[i:j] {
				msg := f.Message
				if multiRegion {
					msg = f.Account + " " + f.Region + ": " + msg
				}
				t.text("      ", "    - ", msg)
				if len(f.Evidence) > 0 {
					t.text("        ", "      "+t.style("evidence:", ansiDim)+" ", strings.Join(f.Evidence, "; "))
				}
			}
			t.text("      ", "    "+t.style("fix:", ansiDim)+" ", fs[i].Remediation)
			i = j
		}
		t.printf("\n")
	}
}

// suppressed lists the findings the configuration accepts, one line each,
// so a reader sees what is hidden and until when.
func (t *textWriter) suppressed(rep *report.Report) {
	if rep.Summary.Suppressed == 0 {
		return
	}
	t.printf("%s (%d)\n", t.style("SUPPRESSED", ansiDim), rep.Summary.Suppressed)
	for _, f := range rep.Findings {
		if !f.Suppressed || f.Suppression == nil {
			continue
		}
		res := ""
		if len(f.Resources) > 0 {
			res = " " + f.Resources[0]
		}
		t.para("      ", "    - ", fmt.Sprintf("%s %s%s: %s (until %s, %s)", f.Severity, f.Rule, res, f.Suppression.Reason, f.Suppression.Expires, f.Suppression.Source))
	}
	t.printf("\n")
}

func (t *textWriter) warnings(rep *report.Report) {
	if len(rep.Warnings) == 0 {
		return
	}
	t.printf("%s\n", t.style("Warnings", ansiBold))
	for _, w := range rep.Warnings {
		t.para("      ", "    - ", w)
	}
	t.printf("\n")
}

func (t *textWriter) coverage(rep *report.Report) {
	t.printf("%s\n", t.style("Coverage", ansiBold))
	for _, c := range rep.Coverage {
		where := c.Account + " " + c.Region
		lacking, notGiven := skippedFor(c)
		if c.Complete {
			t.printf("  %s: every call collected\n", where)
			t.notRun(notGiven)
			continue
		}
		calls := map[string]bool{}
		for _, m := range c.Missing {
			calls[m.Call] = true
		}
		t.printf("  %s: %s missing or incomplete\n", where, count(len(calls), "call"))
		for _, m := range groupMissing(c.Missing) {
			line := m.Call + ": " + m.Reason
			if len(m.Resources) > 0 {
				line += " for " + strings.Join(m.Resources, ", ")
			}
			line += " — " + m.Weakens
			t.para("        ", "    - ", line)
		}
		if len(lacking) > 0 {
			t.para("      ", "    checks not run: ", strings.Join(lacking, ", "))
		}
		t.notRun(notGiven)
	}
	t.printf("\n")
}

// notRun says which checks did not run because an input was not given.
func (t *textWriter) notRun(groups []reasonRules) {
	for _, g := range groups {
		t.para("      ", "    not run, "+g.Reason+": ", strings.Join(g.Rules, ", "))
	}
}

func (t *textWriter) notes(rep *report.Report) {
	if len(rep.Notes) == 0 {
		return
	}
	t.printf("%s\n", t.style("Notes on the data", ansiBold))
	multiRegion := len(rep.Scanned.Regions) > 1
	for _, n := range rep.Notes {
		text := n.Text
		if multiRegion {
			text = n.Account + " " + n.Region + ": " + text
		}
		t.para("      ", "    - ", text)
	}
	t.printf("\n")
}

func (t *textWriter) summary(rep *report.Report) {
	s := rep.Summary
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{s.Critical, "critical"}, {s.High, "high"}, {s.Medium, "medium"}, {s.Low, "low"}, {s.Info, "info"}} {
		if p.n > 0 {
			parts = append(parts, t.style(fmt.Sprintf("%d %s", p.n, p.name), severityStyle[p.name]))
		}
	}
	line := count(s.Findings, "finding")
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if s.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	if !s.Complete {
		line += " (data incomplete: see Coverage)"
	}
	t.printf("%s\n", line)
}
