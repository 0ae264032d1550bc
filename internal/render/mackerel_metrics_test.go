package render

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

var testNow = time.Date(2026, 1, 27, 20, 12, 54, 0, time.UTC) // 1769544774

// metricName is Mackerel's rule for custom metric names.
var metricName = regexp.MustCompile(`^[-a-zA-Z0-9_.]+$`)

func renderMetrics(t *testing.T, rep *report.Report, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := MackerelMetrics(&b, rep, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMackerelMetricsGolden(t *testing.T) {
	golden(t, "rich.mackerel-metrics.txt", []byte(renderMetrics(t, richReport(), Options{Now: testNow})))
	golden(t, "mackerel-meta.txt", []byte(renderMetrics(t, richReport(), Options{MackerelMeta: true})))
}

func TestMackerelMetricsEmpty(t *testing.T) {
	want := `vpcdoctor.findings.critical	0	1769544774
vpcdoctor.findings.high	0	1769544774
vpcdoctor.findings.medium	0	1769544774
vpcdoctor.findings.low	0	1769544774
vpcdoctor.findings.info	0	1769544774
vpcdoctor.suppressed.findings	0	1769544774
vpcdoctor.exposures.total	0	1769544774
vpcdoctor.exposures.whole_internet	0	1769544774
vpcdoctor.exposures.resources	0	1769544774
vpcdoctor.exposed_ports.tcp	0	1769544774
vpcdoctor.exposed_ports.udp	0	1769544774
vpcdoctor.coverage.complete	1	1769544774
`
	if got := renderMetrics(t, emptyReport(), Options{Now: testNow}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMackerelMetricsValues(t *testing.T) {
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(renderMetrics(t, richReport(), Options{Now: testNow}), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || !metricName.MatchString(f[0]) || f[2] != "1769544774" {
			t.Errorf("malformed metric line %q", line)
			continue
		}
		got[f[0]] = f[1]
	}
	for name, want := range map[string]string{
		"vpcdoctor.findings.critical":        "2", // unsuppressed only
		"vpcdoctor.findings.high":            "1",
		"vpcdoctor.findings.medium":          "2",
		"vpcdoctor.suppressed.findings":      "2",
		"vpcdoctor.exposures.total":          "9",
		"vpcdoctor.exposures.whole_internet": "7",
		"vpcdoctor.exposures.resources":      "5", // orders-db, i-0e5, web-alb (two ENIs), the ECS service, eni-0c9 (owner unknown)
		"vpcdoctor.exposed_ports.tcp":        "65536",
		"vpcdoctor.exposed_ports.udp":        "65536", // all-but-tcp opens every UDP port
		"vpcdoctor.coverage.complete":        "0",
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %s", name, got[name], want)
		}
	}
}

func TestExposedPorts(t *testing.T) {
	x := func(proto string, from, to int, except ...string) report.Exposure {
		return report.Exposure{Protocol: proto, FromPort: from, ToPort: to, ExceptProtocols: except}
	}
	for _, tc := range []struct {
		name     string
		xs       []report.Exposure
		tcp, udp int
	}{
		{"none", nil, 0, 0},
		{"one port", []report.Exposure{x("tcp", 443, 443)}, 1, 0},
		{"overlapping ranges count once", []report.Exposure{x("tcp", 80, 90), x("tcp", 85, 100), x("tcp", 443, 443)}, 22, 0},
		{"same port on two resources counts once", []report.Exposure{x("tcp", 22, 22), x("tcp", 22, 22)}, 1, 0},
		{"udp apart from tcp", []report.Exposure{x("udp", 53, 53), x("tcp", 53, 53)}, 1, 1},
		{"all protocols: every port of both", []report.Exposure{x("all", 0, 65535)}, 65536, 65536},
		{"all but tcp", []report.Exposure{x("all", 0, 65535, "tcp")}, 0, 65536},
		{"icmp has no ports", []report.Exposure{x("icmp", 8, 8), x("icmpv6", 0, 255), x("47", 0, 65535)}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := &report.Report{Exposures: tc.xs}
			if got := exposedPorts(rep, "tcp"); got != tc.tcp {
				t.Errorf("tcp = %d, want %d", got, tc.tcp)
			}
			if got := exposedPorts(rep, "udp"); got != tc.udp {
				t.Errorf("udp = %d, want %d", got, tc.udp)
			}
		})
	}
}

func TestMackerelMetricsNeedAClock(t *testing.T) {
	if err := MackerelMetrics(&bytes.Buffer{}, richReport(), Options{}); err == nil {
		t.Error("metrics stamped without Options.Now")
	}
	// The meta output has no timestamps, so it needs none.
	if err := MackerelMetrics(&bytes.Buffer{}, richReport(), Options{MackerelMeta: true}); err != nil {
		t.Error(err)
	}
}

// TestMackerelMeta: the graph definitions are mackerel-agent's format (a
// "# mackerel-agent-plugin" line, then JSON), and every metric printed
// belongs to a defined graph, by name, as the agent joins them.
func TestMackerelMeta(t *testing.T) {
	out := renderMetrics(t, richReport(), Options{MackerelMeta: true})
	head, body, ok := strings.Cut(out, "\n")
	if !ok || head != "# mackerel-agent-plugin" {
		t.Fatalf("first line %q", head)
	}
	var meta struct {
		Graphs map[string]struct {
			Label, Unit string
			Metrics     []struct {
				Name, Label string
				Stacked     bool
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &meta); err != nil {
		t.Fatalf("graph definition is not JSON: %v", err)
	}
	defined := map[string]bool{}
	for key, g := range meta.Graphs {
		if g.Label == "" || g.Unit != "integer" || len(g.Metrics) == 0 {
			t.Errorf("graph %s: %+v", key, g)
		}
		for _, m := range g.Metrics {
			defined[key+"."+m.Name] = true
		}
	}
	values := renderMetrics(t, richReport(), Options{Now: testNow})
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(values, "\n"), "\n") {
		name, _, _ := strings.Cut(line, "\t")
		if !defined[name] {
			t.Errorf("metric %s has no graph definition", name)
		}
		n++
	}
	if n != len(defined) {
		t.Errorf("%d metrics printed, %d defined", n, len(defined))
	}
}
