package diagram

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

const (
	internetNode = "internet"
	fontSize     = 11.0
)

// writeDOT writes the scene as a Graphviz graph: left to right, the
// internet, then each VPC with its AZs as bands and, inside each AZ, the
// public, private and isolated subnets as columns.
func writeDOT(sc *scene, lang i18n.Lang) []byte {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	p("digraph %s {\n", quote(sc.title)) // the SVG's <title>, its accessible name
	p("  graph [rankdir=LR, newrank=true, compound=true, fontname=\"Helvetica\", fontsize=14, fontcolor=%q, labelloc=t, labeljust=l, label=%s, nodesep=0.25, ranksep=0.7, pad=0.3, bgcolor=\"#ffffff\"];\n", colourText, quote(sc.title))
	p("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=%q, fontcolor=%q, fontname=\"Helvetica\", fontsize=%g, margin=\"0.14,0.06\"];\n", colourBorder, colourText, fontSize)
	p("  edge [fontname=\"Helvetica\", fontsize=10, color=%q, fontcolor=%q, arrowsize=0.7];\n", colourFlow, colourFlow)

	exposed := map[string]bool{}
	for _, a := range sc.exposures {
		exposed[a.to] = true
	}
	if sc.internet {
		p("  %s [label=%s, shape=ellipse, style=\"filled,bold\", fillcolor=%q, color=%q, class=\"internet\"];\n", internetNode, quote(lang.T("diagram.internet")), colourInternet, colourExposure)
	}
	for _, v := range sc.vpcs {
		p("  subgraph %s {\n", v.name)
		p("    graph [label=%s, class=\"vpc\", style=\"rounded\", color=%q, penwidth=1.6, fontsize=13];\n", quoteLeft(v.label), colourBorder)
		for _, g := range v.gateways {
			writeBox(p, "    ", g, false)
		}
		for _, az := range v.azs {
			p("    subgraph %s {\n", "cluster_"+v.name[len("cluster_"):]+"_"+dotID(az.name))
			p("      graph [label=%s, class=\"az\", style=\"rounded,dashed\", color=%q, penwidth=1, fontsize=12];\n", quote(lang.T("diagram.az", az.name)), colourMuted)
			for _, s := range az.subnets {
				ts := tierStyles[s.tier]
				class := "subnet " + s.tier
				if s.collapsed {
					class += " collapsed"
				}
				p("      subgraph %s {\n", s.name)
				p("        graph [label=%s, class=%q, style=\"rounded,filled\", fillcolor=%q, color=%q, penwidth=1.2, fontsize=11];\n", quoteLeft(s.label), class, ts.fill, ts.border)
				for _, bx := range s.boxes {
					writeBox(p, "        ", bx, exposed[bx.name])
				}
				p("      }\n")
			}
			p("    }\n")
		}
		p("  }\n")
	}
	writeLegend(p, sc, lang)

	// Invisible edges put the tiers in columns: internet gateway, public,
	// private, isolated. Every box of a tier follows the first box of the
	// tier before (or the internet gateway).
	p("  { rank=min; legend; %s }\n", map[bool]string{true: internetNode, false: ""}[sc.internet])
	for _, v := range sc.vpcs {
		for _, az := range v.azs {
			var anchor, next string
			if len(v.igws) > 0 {
				anchor = v.igws[0].name
			}
			tier := -1
			for _, s := range az.subnets {
				if len(s.boxes) == 0 {
					continue
				}
				if t := tierOrder[s.tier]; t != tier {
					if next != "" {
						anchor = next
					}
					tier, next = t, s.boxes[0].name
				}
				if anchor == "" {
					continue
				}
				for _, bx := range s.boxes {
					p("  %s -> %s [style=invis];\n", anchor, bx.name)
				}
			}
		}
		for _, g := range v.igws {
			p("  %s -> %s [color=%q, arrowhead=none, penwidth=1.2, class=\"uplink\"];\n", internetNode, g.name, colourMuted)
		}
	}
	for _, a := range sc.exposures {
		p("  %s -> %s [label=%s, color=%q, fontcolor=%q, penwidth=2, class=\"exposure\"];\n", a.from, a.to, quote(portText(lang, a.ports)), colourExposure, colourExposure)
	}
	for _, a := range sc.flows {
		p("  %s -> %s [label=%s, class=\"flow\"];\n", a.from, a.to, quote(portText(lang, a.ports)))
	}
	p("}\n")
	return []byte(w.String())
}

func writeBox(p func(string, ...any), indent string, bx *box, exposed bool) {
	st := boxStyles[bx.kind]
	border, pen, class := st.border, 1.0, "box "+bx.kind
	if exposed {
		border, pen, class = colourExposure, 2.0, class+" exposed"
	}
	width := ""
	for _, l := range bx.lines {
		if hasWide(l) {
			w := 0.0
			for _, l := range bx.lines {
				w = max(w, textWidth(l, fontSize))
			}
			width = fmt.Sprintf(", width=%.2f", (w+24)/72)
			break
		}
	}
	p("%s%s [label=%s, shape=%s, style=%q, fillcolor=%q, color=%q, penwidth=%g, class=%q%s];\n", indent, bx.name, quote(strings.Join(bx.lines, "\n")), st.shape, st.style, st.fill, border, pen, class, width)
}

// writeLegend draws the legend and, when something was collapsed or left
// out, a note that says what.
func writeLegend(p func(string, ...any), sc *scene, lang i18n.Lang) {
	var t strings.Builder
	t.WriteString(`<<TABLE BORDER="1" COLOR="` + colourMuted + `" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" BGCOLOR="#ffffff">`)
	t.WriteString(`<TR><TD COLSPAN="2" ALIGN="LEFT"><B>` + esc(lang.T("diagram.legend")) + `</B></TD></TR>`)
	row := func(swatch, text string) {
		t.WriteString(`<TR><TD WIDTH="34" ` + swatch + `</TD><TD ALIGN="LEFT">` + esc(text) + `</TD></TR>`)
	}
	for _, tier := range []string{TierPublic, TierPrivate, TierIsolated} {
		ts := tierStyles[tier]
		row(`BORDER="1" COLOR="`+ts.border+`" BGCOLOR="`+ts.fill+`">`, lang.T("diagram.legend."+tier))
	}
	row(`><FONT COLOR="`+colourExposure+`"><B>━━▶</B></FONT>`, lang.T("diagram.legend.exposure"))
	row(`><FONT COLOR="`+colourFlow+`">──▶</FONT>`, lang.T("diagram.legend.flow"))
	row(`BORDER="1" COLOR="`+colourBorder+`">×2`, lang.T("diagram.legend.role"))
	row(`BORDER="1" COLOR="`+boxStyles[boxLB].border+`" BGCOLOR="`+boxStyles[boxLB].fill+`">LB`, lang.T("diagram.legend.lb"))
	row(`BORDER="1" COLOR="`+boxStyles[boxMore].border+`" BGCOLOR="`+boxStyles[boxMore].fill+`">+K`, lang.T("diagram.legend.more"))
	t.WriteString(`</TABLE>>`)
	p("  legend [shape=plain, label=%s, class=\"legend\"];\n", t.String())
	if len(sc.notes) > 0 {
		lines := append([]string{lang.T("diagram.note.heading")}, sc.notes...)
		p("  notes [shape=note, style=filled, fillcolor=%q, color=%q, label=%s, class=\"note\"];\n", colourNote, colourMuted, quoteLeft(lines))
	}
}

// quote writes s as a DOT string, lines centred.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(printable(s, "\n")) + `"`
}

// quoteLeft writes lines as a DOT string, each left-justified.
func quoteLeft(lines []string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ")
	var b strings.Builder
	b.WriteString(`"`)
	for _, l := range lines {
		b.WriteString(r.Replace(printable(l, "")))
		b.WriteString(`\l`)
	}
	b.WriteString(`"`)
	return b.String()
}

// esc escapes text for a Graphviz HTML-like label.
func esc(s string) string { return html.EscapeString(printable(s, "")) }

// printable makes text safe for Graphviz: a NUL ends its strings early
// (the graph then fails to parse) and other control characters are not
// text, so each becomes a space; bytes that are not UTF-8 become U+FFFD.
// The characters in keep stay (a quoted string's newlines).
func printable(s, keep string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if (r < 0x20 || r == 0x7f) && !strings.ContainsRune(keep, r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dotID keeps letters, digits and underscores.
func dotID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
