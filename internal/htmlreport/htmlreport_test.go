package htmlreport

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// parse parses a page, failing the test if it does not.
func parse(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// all returns the elements under n that match, in document order.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return strings.Contains(" "+v+" ", " "+class+" ")
}

// text is the text of n and its descendants.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func byID(doc *html.Node, id string) *html.Node {
	for _, n := range all(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id }) {
		return n
	}
	return nil
}

// pages are the pages every structural test looks at.
func pages(t *testing.T) map[string]Input {
	return map[string]Input{
		"rich-en":    richInput(i18n.English),
		"rich-ja":    richInput(i18n.Japanese),
		"example-en": exampleInput(t),
		"empty-en":   {Report: &report.Report{}},
	}
}

// The page is one file that needs nothing else: no element loads
// anything from outside it (src, href, xlink:href are #anchors or data:
// URLs), there is one stylesheet and one script, both inline, and its
// Content-Security-Policy forbids the network.
func TestSelfContained(t *testing.T) {
	for name, in := range pages(t) {
		doc := parse(t, render(t, in))
		for _, n := range all(doc, func(*html.Node) bool { return true }) {
			for _, a := range n.Attr {
				if a.Key != "src" && a.Key != "href" && a.Key != "action" && a.Key != "xlink:href" && !(a.Namespace == "xlink" && a.Key == "href") {
					continue
				}
				if !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "data:") {
					t.Errorf("%s: <%s %s=%q> points outside the page", name, n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "link" || n.Data == "iframe" || n.Data == "object" || n.Data == "embed" {
				t.Errorf("%s: a <%s> element", name, n.Data)
			}
		}
		if got := len(all(doc, tag("script"))); got != 1 {
			t.Errorf("%s: %d scripts, want the one inline", name, got)
		}
		if got := len(all(doc, func(n *html.Node) bool { return n.Data == "style" && n.Parent.Data == "head" })); got != 1 {
			t.Errorf("%s: %d stylesheets in the head, want 1", name, got)
		}
		csp := all(doc, func(n *html.Node) bool { v, _ := attr(n, "http-equiv"); return v == "Content-Security-Policy" })
		if len(csp) != 1 {
			t.Fatalf("%s: no Content-Security-Policy", name)
		}
		if c, _ := attr(csp[0], "content"); !strings.HasPrefix(c, "default-src 'none';") || strings.Contains(c, "http") {
			t.Errorf("%s: Content-Security-Policy %q lets the page reach the network", name, c)
		}
		page := string(render(t, in))
		if strings.Contains(page, "@import") || strings.Contains(page, "url(http") {
			t.Errorf("%s: the CSS loads something", name)
		}
		if strings.Contains(page, "ZgotmplZ") {
			t.Errorf("%s: html/template refused a value (ZgotmplZ)", name)
		}
	}
}

// Accessibility that the markup decides: the language, one h1, headings
// in order, every form control labelled, every table with header cells
// scoped, unique IDs (the diagrams' included), and anchors that lead
// somewhere.
func TestAccessibleMarkup(t *testing.T) {
	for name, in := range pages(t) {
		doc := parse(t, render(t, in))
		htmlEl := all(doc, tag("html"))[0]
		if lang, _ := attr(htmlEl, "lang"); lang != string(orEnglish(in.Lang)) {
			t.Errorf("%s: lang=%q, want %q", name, lang, orEnglish(in.Lang))
		}
		if n := len(all(doc, tag("h1"))); n != 1 {
			t.Errorf("%s: %d h1", name, n)
		}
		last := 1
		for _, h := range all(doc, func(n *html.Node) bool {
			return len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6'
		}) {
			level := int(h.Data[1] - '0')
			if level > last+1 {
				t.Errorf("%s: <%s>%s</%s> follows an h%d", name, h.Data, text(h), h.Data, last)
			}
			last = level
		}
		ids := map[string]int{}
		for _, n := range all(doc, func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
			v, _ := attr(n, "id")
			ids[v]++
		}
		for id, n := range ids {
			if n > 1 {
				t.Errorf("%s: id %q appears %d times", name, id, n)
			}
		}
		for _, a := range all(doc, tag("a")) {
			if href, _ := attr(a, "href"); strings.HasPrefix(href, "#") && ids[href[1:]] == 0 {
				t.Errorf("%s: a link to %s, which no element has", name, href)
			}
		}
		labelled := map[string]bool{}
		for _, l := range all(doc, tag("label")) {
			if f, ok := attr(l, "for"); ok {
				labelled[f] = true
			}
		}
		for _, c := range all(doc, func(n *html.Node) bool { return n.Data == "input" || n.Data == "select" || n.Data == "textarea" }) {
			id, _ := attr(c, "id")
			inLabel := false
			for p := c.Parent; p != nil; p = p.Parent {
				inLabel = inLabel || p.Data == "label"
			}
			if !inLabel && !labelled[id] {
				t.Errorf("%s: a <%s id=%q> without a label", name, c.Data, id)
			}
		}
		for _, th := range all(doc, tag("th")) {
			if _, ok := attr(th, "scope"); !ok {
				t.Errorf("%s: <th>%s</th> without scope", name, text(th))
			}
		}
		for _, s := range all(doc, tag("summary")) {
			if s.Parent.Data != "details" || strings.TrimSpace(text(s)) == "" {
				t.Errorf("%s: a <summary> outside <details> or empty", name)
			}
		}
	}
}

func orEnglish(l i18n.Lang) i18n.Lang {
	if l == "" {
		return i18n.English
	}
	return l
}

// The same input gives the same bytes (the plan's findings are a map).
func TestDeterministic(t *testing.T) {
	for name, in := range pages(t) {
		first := render(t, in)
		for range 5 {
			if again := render(t, in); !bytes.Equal(first, again) {
				t.Fatalf("%s: two renders differ", name)
			}
		}
	}
}

// The page shows what the report holds: one row per finding and per
// exposure, the severity counts of the summary, the rows of each severity
// as many as it counts, a rule option per rule.
func TestShowsTheReport(t *testing.T) {
	for _, name := range []string{"rich-en", "example-en"} {
		in := pages(t)[name]
		rep := in.Report
		doc := parse(t, render(t, in))
		rows := all(doc, func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "finding") })
		if len(rows) != len(rep.Findings) {
			t.Errorf("%s: %d finding rows, the report has %d findings", name, len(rows), len(rep.Findings))
		}
		bySeverity := map[string]int{}
		for _, r := range rows {
			sev, _ := attr(r, "data-severity")
			if sup, _ := attr(r, "data-suppressed"); sup != "true" {
				bySeverity[sev]++
			}
		}
		want := map[string]int{"critical": rep.Summary.Critical, "high": rep.Summary.High, "medium": rep.Summary.Medium, "low": rep.Summary.Low, "info": rep.Summary.Info}
		for sev, n := range want {
			if bySeverity[sev] != n {
				t.Errorf("%s: %d unsuppressed %s rows, the summary counts %d", name, bySeverity[sev], sev, n)
			}
			shown := all(doc, func(e *html.Node) bool { v, _ := attr(e, "data-severity-count"); return v == sev })
			if len(shown) != 1 || text(shown[0]) != strconv.Itoa(n) {
				t.Errorf("%s: the summary's %s count does not say %d", name, sev, n)
			}
		}
		// Worst first.
		last := 99
		for _, r := range rows {
			sev, _ := attr(r, "data-severity")
			if severityRank(sev) > last {
				t.Errorf("%s: a %s finding after a less severe one", name, sev)
			}
			last = severityRank(sev)
		}
		exp := byID(doc, "exposures")
		if got := len(all(exp, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })); got != len(rep.Exposures) {
			t.Errorf("%s: %d exposure rows, the report has %d", name, got, len(rep.Exposures))
		}
		rules := map[string]bool{}
		for _, f := range rep.Findings {
			rules[f.Rule] = true
		}
		if got := len(all(byID(doc, "filter-rule"), tag("option"))); got != len(rules)+1 {
			t.Errorf("%s: %d rule options, want %d rules and all", name, got, len(rules))
		}
	}
}

// Text from the snapshot is escaped: a finding that carries markup shows
// it as text.
func TestEscapesData(t *testing.T) {
	page := string(render(t, richInput(i18n.English)))
	if strings.Contains(page, "<script>alert(1)</script>") {
		t.Fatal("a finding's message went into the page as markup")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the finding's message is not in the page")
	}
	if strings.Contains(page, "a warning & more") || !strings.Contains(page, "a warning &amp; more") {
		t.Error("the warning is not escaped")
	}
}

// The worst paths are the exposures graded critical or high, worst first,
// with every hop; an exposure through a load balancer is graded by the
// load balancer's findings, not by its target's.
func TestWorstPaths(t *testing.T) {
	in := richInput(i18n.English)
	ix := exposuresOf(in.Lang, in.Report)
	worst, more := ix.worst()
	var got []string
	for _, ev := range worst {
		got = append(got, ev.Resource+" "+ev.Traffic+" "+ev.Severity)
	}
	want := []string{"i-0web tcp/22 critical", "i-0web icmp type 8 critical", "mydb all traffic but udp high"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") || more != 0 {
		t.Errorf("worst paths %q (+%d), want %q", got, more, want)
	}
	for _, ev := range ix.all {
		if ev.Resource == "i-0app" && ev.Severity != "" {
			t.Errorf("i-0app behind web-alb graded %s by its own findings", ev.Severity)
		}
	}
	if len(worst[0].Hops) != 4 || worst[0].Hops[3].Kind != "security group" {
		t.Errorf("the first path's hops: %+v", worst[0].Hops)
	}
	doc := parse(t, render(t, in))
	summary := byID(doc, "summary")
	if n := len(all(summary, func(n *html.Node) bool { return n.Data == "ol" && hasClass(n, "path") })); n != len(want) {
		t.Errorf("the summary shows %d paths, want %d", n, len(want))
	}
}

// worstShown caps the summary, and the page says how many more there are.
func TestWorstPathsCapped(t *testing.T) {
	rep := richReport()
	x := rep.Exposures[0]
	rep.Exposures = nil
	for i := range worstShown + 3 {
		y := x
		y.FromPort, y.ToPort = 1000+i, 1000+i
		rep.Exposures = append(rep.Exposures, y)
	}
	ix := exposuresOf(i18n.English, rep)
	worst, more := ix.worst()
	if len(worst) != worstShown || more != 3 {
		t.Errorf("%d worst and %d more, want %d and 3", len(worst), more, worstShown)
	}
	if page := string(render(t, Input{Report: rep})); !strings.Contains(page, i18n.English.T("report.summary.worst-more", 3)) {
		t.Error("the page does not say how many more paths the list has")
	}
}

func TestTraffic(t *testing.T) {
	for _, c := range []struct {
		x    report.Exposure
		en   string
		ja   string
		note string
	}{
		{report.Exposure{Protocol: "tcp", FromPort: 443, ToPort: 443}, "tcp/443", "tcp/443", "one port"},
		{report.Exposure{Protocol: "udp", FromPort: 8000, ToPort: 8080}, "udp/8000-8080", "udp/8000-8080", "a range"},
		{report.Exposure{Protocol: "tcp", FromPort: 0, ToPort: 65535}, "tcp (every port)", "tcp（全ポート）", "every port"},
		{report.Exposure{Protocol: "all", FromPort: 0, ToPort: 65535}, "all traffic", "すべての通信", "protocol -1"},
		{report.Exposure{Protocol: "all", ExceptProtocols: []string{"tcp", "udp"}}, "all traffic but tcp, udp", "tcp, udp 以外のすべての通信", "all but"},
		{report.Exposure{Protocol: "icmp", FromPort: 8, ToPort: 8}, "icmp type 8", "icmp タイプ 8", "echo request"},
		{report.Exposure{Protocol: "icmpv6", FromPort: 0, ToPort: 255}, "icmpv6 (every type)", "icmpv6（全タイプ）", "every type"},
		{report.Exposure{Protocol: "icmp", FromPort: 0, ToPort: 8}, "icmp types 0-8", "icmp タイプ 0〜8", "types"},
		{report.Exposure{Protocol: "47"}, "protocol 47", "プロトコル 47", "GRE by number"},
	} {
		if got := traffic(i18n.English, c.x); got != c.en {
			t.Errorf("%s: %q, want %q", c.note, got, c.en)
		}
		if got := traffic(i18n.Japanese, c.x); got != c.ja {
			t.Errorf("%s (ja): %q, want %q", c.note, got, c.ja)
		}
	}
}

// Japanese: the labels are the Japanese catalogue's, no English label is
// left, and no key is missing in either language.
func TestJapanese(t *testing.T) {
	ja := string(render(t, richInput(i18n.Japanese)))
	en := string(render(t, richInput(i18n.English)))
	for _, page := range []string{ja, en} {
		if strings.Contains(page, "[report.") || strings.Contains(page, "[common.") {
			t.Errorf("a key the catalogue lacks: %s", regexp.MustCompile(`\[(report|common)\.[^\]]*\]`).FindString(page))
		}
	}
	doc := parse(t, []byte(ja))
	var headings []string
	for _, h := range all(doc, tag("h2")) {
		headings = append(headings, text(h))
	}
	want := []string{"概要", "指摘事項", "インターネットへの公開", "構成図", "移行計画"}
	if strings.Join(headings, " ") != strings.Join(want, " ") {
		t.Errorf("Japanese sections %q, want %q", headings, want)
	}
	for _, key := range []string{"report.summary.by-severity", "report.filter.severity", "report.proof.heading", "report.stages.heading", "common.severity.critical"} {
		if enText := i18n.English.T(key); strings.Contains(ja, ">"+enText+"<") {
			t.Errorf("the Japanese page shows %q in English", enText)
		}
		if !strings.Contains(ja, i18n.Japanese.T(key)) {
			t.Errorf("the Japanese page lacks %s (%q)", key, i18n.Japanese.T(key))
		}
	}
	if !strings.Contains(ja, "font-family: system-ui") || !strings.Contains(ja, `"Hiragino Sans"`) || !strings.Contains(ja, `"Noto Sans CJK JP"`) {
		t.Error("the fonts have no Japanese fallbacks")
	}
}

// The plan section shows the stages and the proof; without a plan or
// diagrams their sections and links are gone.
func TestPlanSection(t *testing.T) {
	in := richInput(i18n.English)
	doc := parse(t, render(t, in))
	plan := byID(doc, "plan")
	if plan == nil {
		t.Fatal("no plan section")
	}
	stages := all(plan, func(n *html.Node) bool {
		return n.Data == "tr" && strings.HasPrefix(func() string { v, _ := attr(n, "id"); return v }(), "stage-")
	})
	if len(stages) != len(in.Plan.Stages) {
		t.Fatalf("%d stage rows, want %d", len(stages), len(in.Plan.Stages))
	}
	for i, s := range in.Plan.Stages {
		cells := all(stages[i], tag("td"))
		got := fmt.Sprintf("%s|%s|%s|%s", text(cells[0]), text(cells[2]), text(cells[3]), text(cells[4]))
		want := fmt.Sprintf("%d|%s|%s|%d", s.Number, i18n.English.T("report.stage.kind."+s.Kind), i18n.English.T("report.risk."+s.Risk), len(s.Steps))
		if got != want {
			t.Errorf("stage %d: %q, want %q", s.Number, got, want)
		}
		if n := len(all(cells[5], tag("li"))); n != len(s.Checks) {
			t.Errorf("stage %d: %d checks shown, want %d", s.Number, n, len(s.Checks))
		}
	}
	counts := map[string]string{}
	for _, n := range all(plan, func(n *html.Node) bool { _, ok := attr(n, "data-proof"); return ok }) {
		k, _ := attr(n, "data-proof")
		counts[k] = text(n)
	}
	pr := in.Plan.Proof
	if want := map[string]string{"kept": strconv.Itoa(pr.Kept), "broken": strconv.Itoa(len(pr.Broken)), "dropped": strconv.Itoa(len(pr.Dropped)), "unexpected": strconv.Itoa(len(pr.Unexpected))}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("proof counts %v, want %v", counts, want)
	}
	page := text(plan)
	for _, s := range []string{i18n.English.T("report.proof.failed"), "no rule admits it", "Session Manager replaces SSH.", "internet 198.51.100.77", "app-1 (i-0app)", "i-0bastion", "via web-alb", "98.30 USD", "a plan warning"} {
		if !strings.Contains(page, s) {
			t.Errorf("the plan section lacks %q", s)
		}
	}

	in.Plan, in.Diagrams = nil, nil
	doc = parse(t, render(t, in))
	for _, id := range []string{"plan", "diagrams"} {
		if byID(doc, id) != nil {
			t.Errorf("a #%s section without one", id)
		}
		for _, a := range all(doc, tag("a")) {
			if href, _ := attr(a, "href"); href == "#"+id {
				t.Errorf("a link to #%s without one", id)
			}
		}
	}
}

// Diagrams go in inline, without their XML prolog, each with IDs of its
// own: two SVGs declaring the same IDs do not collide, and their
// references follow.
func TestDiagramsInline(t *testing.T) {
	in := richInput(i18n.English)
	page := string(render(t, in))
	if strings.Contains(page, "<?xml") || strings.Contains(page, "<!DOCTYPE svg") {
		t.Error("an XML declaration or DOCTYPE inside the page")
	}
	doc := parse(t, []byte(page))
	svgs := all(doc, tag("svg"))
	if len(svgs) != 2 {
		t.Fatalf("%d inline SVGs, want 2", len(svgs))
	}
	for i, s := range svgs {
		prefix := diagramPrefix(i) + "-"
		for _, n := range all(s, func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
			if id, _ := attr(n, "id"); !strings.HasPrefix(id, prefix) {
				t.Errorf("diagram %d: id %q lacks its prefix", i+1, id)
			}
		}
		path := all(s, tag("path"))
		if m, _ := attr(path[len(path)-1], "marker-end"); m != "url(#"+prefix+"arrow)" {
			t.Errorf("diagram %d: marker-end %q, want its own arrow", i+1, m)
		}
	}
	caption := all(doc, tag("figcaption"))
	if len(caption) != 2 || text(caption[0]) != "Before" || text(caption[1]) != "After" {
		t.Error("the diagrams' titles are not their captions")
	}
}

func TestInlineSVG(t *testing.T) {
	for _, c := range []struct{ in, want, note string }{
		{`<svg><g id="a"/><use href="#a"/><path fill="url(#a)"/><use xlink:href="#a"/></svg>`,
			`<svg><g id="p-a"/><use href="#p-a"/><path fill="url(#p-a)"/><use xlink:href="#p-a"/></svg>`, "every kind of reference"},
		{`<svg><g id="a"/><use href="#b"/></svg>`, `<svg><g id="p-a"/><use href="#b"/></svg>`, "a reference to an ID it lacks stays"},
		{"\ufeff<?xml version=\"1.0\"?>\n<!-- c -->\n<svg></svg>\n", `<svg></svg>`, "prolog and trailing space go"},
		{`<svg data-grid="x"><g data-id="a"/></svg>`, `<svg data-grid="x"><g data-id="a"/></svg>`, "no IDs: unchanged"},
	} {
		got, err := inlineSVG([]byte(c.in), "p")
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.note, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "<html></html>", "<svg>", "</svg><svg"} {
		if _, err := inlineSVG([]byte(bad), "p"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// A write that fails writes nothing.
func TestWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Input{}); err == nil {
		t.Error("no report: no error")
	}
	in := richInput(i18n.English)
	in.Diagrams = append(in.Diagrams, Diagram{Title: "broken", SVG: []byte("<png>")})
	if err := Write(&buf, in); err == nil || !strings.Contains(err.Error(), `diagram 3 ("broken")`) {
		t.Errorf("a broken diagram: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written by failed writes", buf.Len())
	}
}

// cssVar matches a custom property holding a colour.
var cssVar = regexp.MustCompile(`--([a-z-]+):\s*#([0-9a-fA-F]{6});`)

// Every text colour of the stylesheet meets WCAG AA (4.5:1) on its
// background: the --NAME-fg/--NAME-bg pairs (badges, notices), and the
// page's text, muted text and links on the page and on the surfaces.
func TestContrast(t *testing.T) {
	colours := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(css, -1) {
		colours[m[1]] = m[2]
	}
	pairs := [][2]string{{"page-fg", "page-bg"}, {"muted-fg", "page-bg"}, {"link-fg", "page-bg"}, {"page-fg", "surface-bg"}, {"muted-fg", "surface-bg"}, {"link-fg", "surface-bg"}}
	for name := range colours {
		if base, ok := strings.CutSuffix(name, "-fg"); ok && colours[base+"-bg"] != "" && base != "page" {
			pairs = append(pairs, [2]string{name, base + "-bg"})
		}
	}
	if len(pairs) < 15 {
		t.Fatalf("only %d colour pairs found in the stylesheet", len(pairs))
	}
	for _, p := range pairs {
		fg, bg := colours[p[0]], colours[p[1]]
		if fg == "" || bg == "" {
			t.Errorf("--%s or --%s missing", p[0], p[1])
			continue
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("--%s #%s on --%s #%s: contrast %.2f, want 4.5 or more", p[0], fg, p[1], bg, r)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two sRGB colours "rrggbb".
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range 3 {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func TestContrastOracle(t *testing.T) {
	if r := contrast("000000", "ffffff"); math.Abs(r-21) > 0.01 {
		t.Errorf("black on white %.2f, want 21", r)
	}
	if r := contrast("777777", "ffffff"); math.Abs(r-4.48) > 0.01 {
		t.Errorf("#777 on white %.2f, want 4.48", r)
	}
}
