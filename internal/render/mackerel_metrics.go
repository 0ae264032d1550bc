package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// mackerelMetric is one custom metric: its name without mackerel-agent's
// "custom." prefix, and how to read it from the report.
type mackerelMetric struct {
	graph, name, label string
	value              func(*report.Report) int
}

// mackerelGraph is one graph of the plugin's graph definition.
type mackerelGraph struct {
	key, label string
	stacked    bool
}

var mackerelGraphs = []mackerelGraph{
	{"vpcdoctor.findings", "vpcdoctor findings (unsuppressed)", true},
	{"vpcdoctor.suppressed", "vpcdoctor suppressed findings", false},
	{"vpcdoctor.exposures", "vpcdoctor internet exposures", false},
	{"vpcdoctor.exposed_ports", "vpcdoctor ports reachable from the internet", false},
	{"vpcdoctor.coverage", "vpcdoctor data coverage", false},
}

var mackerelMetrics = []mackerelMetric{
	{"vpcdoctor.findings", "critical", "Critical", func(r *report.Report) int { return r.Summary.Critical }},
	{"vpcdoctor.findings", "high", "High", func(r *report.Report) int { return r.Summary.High }},
	{"vpcdoctor.findings", "medium", "Medium", func(r *report.Report) int { return r.Summary.Medium }},
	{"vpcdoctor.findings", "low", "Low", func(r *report.Report) int { return r.Summary.Low }},
	{"vpcdoctor.findings", "info", "Info", func(r *report.Report) int { return r.Summary.Info }},
	{"vpcdoctor.suppressed", "findings", "Suppressed findings", func(r *report.Report) int { return r.Summary.Suppressed }},
	{"vpcdoctor.exposures", "total", "Exposures", func(r *report.Report) int { return len(r.Exposures) }},
	{"vpcdoctor.exposures", "whole_internet", "Open to the whole internet", func(r *report.Report) int {
		n := 0
		for _, x := range r.Exposures {
			if x.WholeInternet {
				n++
			}
		}
		return n
	}},
	{"vpcdoctor.exposures", "resources", "Exposed resources", func(r *report.Report) int {
		seen := map[[3]string]bool{}
		for _, x := range r.Exposures {
			id := x.Resource
			if id == "" {
				id = x.ENI
			}
			seen[[3]string{x.Account, x.Region, id}] = true
		}
		return len(seen)
	}},
	{"vpcdoctor.exposed_ports", "tcp", "TCP ports", func(r *report.Report) int { return exposedPorts(r, "tcp") }},
	{"vpcdoctor.exposed_ports", "udp", "UDP ports", func(r *report.Report) int { return exposedPorts(r, "udp") }},
	{"vpcdoctor.coverage", "complete", "Complete (1) or not (0)", func(r *report.Report) int {
		if r.Summary.Complete {
			return 1
		}
		return 0
	}},
}

// exposedPorts counts the distinct port numbers of protocol (tcp or udp)
// that the internet can reach on at least one resource; an exposure of all
// protocols opens every port unless it excepts the protocol.
func exposedPorts(r *report.Report, protocol string) int {
	var open [65536]bool
	n := 0
	for _, x := range r.Exposures {
		if x.Protocol != protocol && (x.Protocol != "all" || contains(x.ExceptProtocols, protocol)) {
			continue
		}
		from, to := max(x.FromPort, 0), min(x.ToPort, 65535)
		if x.Protocol == "all" {
			from, to = 0, 65535
		}
		for p := from; p <= to; p++ {
			if !open[p] {
				open[p] = true
				n++
			}
		}
	}
	return n
}

// MackerelMetrics writes the report's numbers as mackerel-agent custom
// metrics, one "name<TAB>value<TAB>epoch" line each, stamped with opt.Now.
// Names keep to Mackerel's [-a-zA-Z0-9_.]; the agent prefixes them with
// "custom.", and the part before the last dot names the graph. With
// opt.MackerelMeta it writes the graph definitions instead: the line
// "# mackerel-agent-plugin" and one JSON object {"graphs": {...}}.
func MackerelMetrics(w io.Writer, rep *report.Report, opt Options) error {
	if opt.MackerelMeta {
		return mackerelMeta(w)
	}
	if opt.Now.IsZero() {
		return errors.New("render mackerel-metrics: no time to stamp the metrics with (Options.Now)")
	}
	var b strings.Builder
	epoch := opt.Now.Unix()
	for _, m := range mackerelMetrics {
		fmt.Fprintf(&b, "%s.%s\t%d\t%d\n", m.graph, m.name, m.value(rep), epoch)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mackerelMeta(w io.Writer) error {
	type metric struct {
		Name    string `json:"name"`
		Label   string `json:"label"`
		Stacked bool   `json:"stacked"`
	}
	type graph struct {
		Label   string   `json:"label"`
		Unit    string   `json:"unit"`
		Metrics []metric `json:"metrics"`
	}
	graphs := map[string]graph{} // encoding/json writes map keys sorted
	for _, g := range mackerelGraphs {
		gr := graph{Label: g.label, Unit: "integer", Metrics: []metric{}}
		for _, m := range mackerelMetrics {
			if m.graph == g.key {
				gr.Metrics = append(gr.Metrics, metric{Name: m.name, Label: m.label, Stacked: g.stacked})
			}
		}
		graphs[g.key] = gr
	}
	body, err := json.Marshal(struct {
		Graphs map[string]graph `json:"graphs"`
	}{graphs})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "# mackerel-agent-plugin\n"+string(body)+"\n")
	return err
}
