package diagram

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs in testdata/ and docs/img/")

// TestExampleBefore: the bundled "before" account with its flow logs
// shows its VPC, each subnet in its tier's colour (all public: the story's
// VPC has only public subnets), the Internet node, the ALB, the exposures
// in the warning colour and the web → Aurora flow on tcp/3306.
func TestExampleBefore(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	svg, err := SVG(inv, Options{Flows: exampleEdges(t, inv)})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	reg := inv.Regions()[0]

	vpcs := root.all("vpc")
	if len(vpcs) != 1 || !strings.Contains(vpcs[0].text(), "oyatsu-vpc") || !strings.Contains(vpcs[0].text(), "10.0.0.0/16") {
		t.Errorf("VPC clusters: %d, want 1 labelled oyatsu-vpc 10.0.0.0/16", len(vpcs))
	}
	checkSubnets(t, root, reg.Subnets, func(id string) string { return TierPublic })

	texts := nodeTexts(root)
	if !strings.Contains(texts[internetNode], "Internet") {
		t.Errorf("no Internet node: %q", texts[internetNode])
	}
	albs := 0
	for _, n := range root.all("load-balancer") {
		if strings.Contains(n.text(), "oyatsu-web-alb") && strings.Contains(n.text(), "ALB") {
			albs++
		}
	}
	if albs == 0 {
		t.Error("no ALB box")
	}

	// Exposures: red, from the Internet, to the ALB on 80 and 443, and
	// to the all-open roles on all traffic.
	exposed := map[string]string{}
	for _, e := range root.all("exposure") {
		from, to := edgeEnds(e)
		if from != internetNode {
			t.Errorf("exposure from %q, want the Internet node", from)
		}
		for _, s := range e.strokes() {
			if s != colourExposure {
				t.Errorf("exposure to %q drawn in %s, want %s", texts[to], s, colourExposure)
			}
		}
		exposed[texts[to]] = e.text()
	}
	found := false
	for box, ports := range exposed {
		if strings.Contains(box, "oyatsu-web-alb") {
			found = true
			if ports != "tcp/80,443" {
				t.Errorf("exposure of the ALB labelled %q, want tcp/80,443", ports)
			}
		}
	}
	if !found || len(exposed) < 3 {
		t.Errorf("exposures %v: want the ALB and the all-open roles", exposed)
	}

	if !hasFlow(root, texts, "web", "oyatsu-aurora", "tcp/3306") {
		t.Error("no flow arrow web → oyatsu-aurora labelled tcp/3306")
	}
	if !hasFlow(root, texts, "oyatsu-web-alb", "web", "tcp/80") {
		t.Error("no flow arrow oyatsu-web-alb → web labelled tcp/80")
	}
	// Merged per pair of boxes: no two flow arrows share both ends.
	seen := map[string]bool{}
	for _, e := range root.all("flow") {
		if seen[e.title()] {
			t.Errorf("two flow arrows %s", e.title())
		}
		seen[e.title()] = true
	}
	if len(root.all("legend")) != 1 {
		t.Error("no legend")
	}
}

// hasFlow reports a flow arrow from a box whose first line starts with
// from to one starting with to, whose label contains port.
func hasFlow(root element, texts map[string]string, from, to, port string) bool {
	for _, e := range root.all("flow") {
		a, b := edgeEnds(e)
		if strings.HasPrefix(texts[a], from+" ") && strings.HasPrefix(texts[b], to+" ") && strings.Contains(e.text(), port) {
			return true
		}
	}
	return false
}

// checkSubnets: every subnet is drawn once, in the fill of its tier.
func checkSubnets(t *testing.T, root element, subnets []*model.Subnet, tierOf func(id string) string) {
	t.Helper()
	clusters := root.all("subnet")
	for _, s := range subnets {
		n := 0
		for _, c := range clusters {
			if !strings.Contains(c.text(), s.ID) {
				continue
			}
			n++
			tier := tierOf(s.ID)
			if !c.hasClass(tier) {
				t.Errorf("subnet %s: class %q, want tier %s", s.ID, c.attr("class"), tier)
			}
			if f := c.fills(); len(f) == 0 || f[0] != tierStyles[tier].fill {
				t.Errorf("subnet %s: fill %v, want %s", s.ID, f, tierStyles[tier].fill)
			}
		}
		if n != 1 {
			t.Errorf("subnet %s drawn %d times, want once", s.ID, n)
		}
	}
}

// TestExampleRebuilt: the hand-written "after" has public, private and
// isolated or private subnets as its routes say, the ALB is the only
// thing the internet reaches, and there are NAT gateways and endpoints.
func TestExampleRebuilt(t *testing.T) {
	inv := loadExample(t, "startup-rebuilt")
	svg, err := SVG(inv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	reg := inv.Regions()[0]
	tiers := map[string]int{}
	for _, s := range reg.Subnets {
		tiers[TierOf(s, nil)]++
	}
	if tiers[TierPublic] == 0 || tiers[TierPrivate] == 0 {
		t.Fatalf("tiers of the rebuilt example: %v, want public and private subnets", tiers)
	}
	checkSubnets(t, root, reg.Subnets, func(id string) string {
		for _, s := range reg.Subnets {
			if s.ID == id {
				return TierOf(s, nil)
			}
		}
		return ""
	})
	texts := nodeTexts(root)
	for _, e := range root.all("exposure") {
		_, to := edgeEnds(e)
		if !strings.Contains(texts[to], "ALB") {
			t.Errorf("the internet reaches %q; only the ALB should be", texts[to])
		}
	}
	if len(root.all("nat")) == 0 {
		t.Error("no NAT gateway box")
	}
	if len(root.all("endpoint")) == 0 {
		t.Error("no VPC endpoint box")
	}
}

// TestTiersOption: a tier given in Options wins over the routes.
func TestTiersOption(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	reg := inv.Regions()[0]
	id := reg.Subnets[0].ID
	svg, err := SVG(inv, Options{Tiers: map[string]string{id: TierIsolated}})
	if err != nil {
		t.Fatal(err)
	}
	checkSubnets(t, parseSVG(t, svg), reg.Subnets, func(s string) string {
		if s == id {
			return TierIsolated
		}
		return TierPublic
	})
	if _, err := SVG(inv, Options{Tiers: map[string]string{id: "dmz"}}); err == nil {
		t.Error("tier dmz accepted")
	}
}

// TestJapanese: --lang ja labels everything in Japanese, every key found.
func TestJapanese(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	svg, err := SVG(inv, Options{Lang: i18n.Japanese, Flows: exampleEdges(t, inv)})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	text := root.text()
	for _, want := range []string{"インターネット", "インターネットゲートウェイ", "パブリック", "凡例", "全トラフィック", "EC2 インスタンス", "アベイラビリティーゾーン ap-northeast-1a", "のネットワーク構成"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in the Japanese diagram", want)
		}
	}
	for _, unwanted := range []string{"Internet gateway", "Legend", "all traffic", "[diagram."} {
		if strings.Contains(text, unwanted) {
			t.Errorf("%q in the Japanese diagram", unwanted)
		}
	}
}

// TestSelfContained: no scripts, no external references, no web fonts,
// and the Japanese-capable font list on every text.
func TestSelfContained(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	svg, err := SVG(inv, Options{Lang: i18n.Japanese})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, bad := range []string{"<script", "<!DOCTYPE", "@font-face", "@import", "<image", "href=", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("the SVG contains %q", bad)
		}
	}
	fonts := regexp.MustCompile(`font-family="([^"]*)"`).FindAllStringSubmatch(s, -1)
	if len(fonts) == 0 {
		t.Fatal("no font-family")
	}
	for _, f := range fonts {
		if f[1] != fontFamily {
			t.Fatalf("font-family %q, want %q", f[1], fontFamily)
		}
	}
	if !strings.Contains(fontFamily, "Hiragino Sans") || !strings.Contains(fontFamily, "Noto Sans CJK JP") || !strings.HasSuffix(fontFamily, "sans-serif") {
		t.Errorf("font list %q lacks the Japanese fallbacks", fontFamily)
	}
}

// TestDeterministic: the same input gives the same bytes.
func TestDeterministic(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	edges := exampleEdges(t, inv)
	a, err := SVG(inv, Options{Flows: edges})
	if err != nil {
		t.Fatal(err)
	}
	b, err := SVG(loadExample(t, "startup-all-public"), Options{Flows: edges})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the example differ")
	}
}

// TestCollapse: an account of hundreds of resources is collapsed to the
// limits, and the note says so.
func TestCollapse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Size{VPCs: 2, SecurityGroups: 60, ENIs: 600}); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	lim := Limits{RolesPerSubnet: 4, SubnetsPerTier: 1, Boxes: 60, Arrows: 20}
	svg, err := SVG(inv, Options{Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	notes := root.all("note")
	if len(notes) != 1 || !strings.Contains(notes[0].text(), "Collapsed to stay legible") || !strings.Contains(notes[0].text(), "more roles") {
		t.Fatalf("note: %d, %q", len(notes), func() string {
			if len(notes) > 0 {
				return notes[0].text()
			}
			return ""
		}())
	}
	if len(root.all("more")) == 0 {
		t.Error("no collapsed boxes")
	}
	// Graphviz writes nodes beside their clusters, not inside: count the
	// boxes per subnet in the scene the SVG was drawn from.
	opts := Options{Lang: i18n.English, Limits: lim}
	boxes := 0
	for _, v := range buildScene(inv, opts).vpcs {
		for _, az := range v.azs {
			for _, s := range az.subnets {
				if len(s.boxes) > lim.RolesPerSubnet {
					t.Errorf("subnet %v has %d boxes, limit %d", s.label, len(s.boxes), lim.RolesPerSubnet)
				}
				boxes += len(s.boxes)
			}
		}
	}
	if boxes > lim.Boxes {
		t.Errorf("%d boxes, limit %d", boxes, lim.Boxes)
	}
}

// TestCollapseSubnets: past SubnetsPerTier subnets of one tier in one AZ
// (the rebuilt example has an app and a data subnet per AZ), the rest are
// one collapsed subnet, and the note names them.
func TestCollapseSubnets(t *testing.T) {
	svg, err := SVG(loadExample(t, "startup-rebuilt"), Options{Limits: Limits{RolesPerSubnet: 8, SubnetsPerTier: 1, Boxes: 400, Arrows: 10}})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	collapsed := root.all("collapsed")
	if len(collapsed) == 0 {
		t.Fatal("no collapsed subnet")
	}
	for _, c := range collapsed {
		if !strings.Contains(c.text(), "more") || !strings.Contains(c.text(), "subnets") {
			t.Errorf("collapsed subnet labelled %q", c.text())
		}
	}
	notes := root.all("note")
	if len(notes) != 1 || !strings.Contains(notes[0].text(), "subnets in ap-northeast-1") {
		t.Errorf("notes %d: %v", len(notes), notes)
	}
}

// TestGoldens pins the examples' diagrams; -update rewrites them and the
// copies under docs/img/. Both examples are drawn with the flows the
// "before" example's logs show: the rebuilt account keeps the same roles,
// and the rebuild carries every flow between them.
func TestGoldens(t *testing.T) {
	before := loadExample(t, "startup-all-public")
	edges := exampleEdges(t, before)
	cases := []struct {
		name, example string
		opts          Options
		docs          bool
	}{
		{"startup-all-public.svg", "startup-all-public", Options{Flows: edges}, true},
		{"startup-rebuilt.svg", "startup-rebuilt", Options{Flows: edges}, true},
		{"startup-all-public.ja.svg", "startup-all-public", Options{Lang: i18n.Japanese, Flows: edges}, false},
	}
	for _, c := range cases {
		got, err := SVG(loadExample(t, c.example), c.opts)
		if err != nil {
			t.Fatal(err)
		}
		paths := []string{filepath.Join("testdata", c.name)}
		if c.docs {
			paths = append(paths, filepath.Join(repoRoot(t), "docs", "img", c.name))
		}
		for _, p := range paths {
			if *update {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (go test ./internal/diagram -run Goldens -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is out of date: go test ./internal/diagram -run Goldens -update", p)
			}
		}
	}
}
