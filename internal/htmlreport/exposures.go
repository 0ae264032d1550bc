package htmlreport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// worstShown caps the summary's worst paths; the exposure list has them all.
const worstShown = 10

// sourcesShown caps the source CIDRs listed for an exposure (the internet
// but a few ranges is some fifty).
const sourcesShown = 20

// exposureView is one internet exposure, with its path hop by hop.
type exposureView struct {
	ID            string // the element ID of its row in the exposure list
	order         int    // its place in the report
	Account       string
	Region        string
	Resource      string // the resource, else the interface, else the load balancer
	ResourceType  string
	ENI           string
	Traffic       string   // tcp/443, all traffic, ...
	Sources       string   // in a few words
	SourceList    []string // at most sourcesShown
	SourcesMore   int
	WholeInternet bool
	Via           string
	// Severity is the worst of the unsuppressed findings that name the
	// exposed resource or interface, "" when none does.
	Severity      string
	SeverityLabel string
	Hops          []hopView
	Notes         []string
}

// hopView is one hop of a path.
type hopView struct {
	Kind   string
	ID     string
	Detail string
}

// exposureIndex holds the report's exposures and finds those of a
// finding's resources.
type exposureIndex struct {
	all   []*exposureView
	byKey map[[3]string][]*exposureView // account, region, resource or interface ID
}

func exposuresOf(l i18n.Lang, rep *report.Report) *exposureIndex {
	ix := &exposureIndex{byKey: map[[3]string][]*exposureView{}}
	graded := map[[3]string][]*exposureView{} // by what grades them
	for i, x := range rep.Exposures {
		ev := &exposureView{
			ID: "exposure-" + strconv.Itoa(i+1), order: i, Account: x.Account, Region: x.Region,
			Resource: firstOf(x.Resource, x.ENI, x.LoadBalancer), ResourceType: x.ResourceType, ENI: x.ENI,
			Traffic: traffic(l, x), Sources: sources(l, x), SourceList: x.Sources[:min(len(x.Sources), sourcesShown)], SourcesMore: max(len(x.Sources)-sourcesShown, 0), WholeInternet: x.WholeInternet,
			Via: via(l, x), Notes: exposureNotes(l, x),
		}
		for _, h := range x.Path {
			ev.Hops = append(ev.Hops, hopView{Kind: hopKind(l, h.Kind), ID: h.ID, Detail: msgOr(l, h.Msg, h.Detail)})
		}
		ix.all = append(ix.all, ev)
		add(ix.byKey, ev, x.Resource, x.ENI)
		if x.LoadBalancer != "" {
			add(graded, ev, x.LoadBalancer)
		} else {
			add(graded, ev, x.Resource, x.ENI)
		}
	}
	// A direct exposure is as bad as the worst finding about its resource
	// or interface; one through a load balancer as the worst about the
	// load balancer, which decides what it forwards (a target behind a
	// web listener is not as exposed as its own public address is).
	for _, f := range rep.Findings {
		if f.Suppressed {
			continue
		}
		for _, r := range f.Resources {
			for _, ev := range graded[[3]string{f.Account, f.Region, r}] {
				if severityRank(f.Severity) > severityRank(ev.Severity) {
					ev.Severity, ev.SeverityLabel = f.Severity, severityLabel(l, f.Severity)
				}
			}
		}
	}
	return ix
}

// add indexes ev under each non-empty ID of its account and region, once.
func add(m map[[3]string][]*exposureView, ev *exposureView, ids ...string) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		k := [3]string{ev.Account, ev.Region, id}
		if n := len(m[k]); n == 0 || m[k][n-1] != ev {
			m[k] = append(m[k], ev)
		}
	}
}

// of returns the exposures of a finding's main resource (its first: a
// finding about a security group names the group first, and the many
// resources that carry it after), in the report's order.
func (ix *exposureIndex) of(f report.Finding) []*exposureView {
	if len(f.Resources) == 0 {
		return nil
	}
	return ix.byKey[[3]string{f.Account, f.Region, f.Resources[0]}]
}

// worst are the exposures of resources with a critical or high finding,
// worst first, at most worstShown, and how many more there are.
func (ix *exposureIndex) worst() ([]*exposureView, int) {
	var out []*exposureView
	for _, ev := range ix.all {
		if severityRank(ev.Severity) >= severityRank("high") {
			out = append(out, ev)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return severityRank(out[i].Severity) > severityRank(out[j].Severity) })
	n := min(len(out), worstShown)
	return out[:n], len(out) - n
}

// portCount is one line of the summary's exposed ports.
type portCount struct {
	Traffic   string
	Resources int  // distinct resources the internet reaches with it
	Whole     bool // the whole internet, for at least one of them
}

// portsOf groups the exposures by what they let through.
func portsOf(l i18n.Lang, exposures []*exposureView) []portCount {
	type acc struct {
		resources map[string]bool
		whole     bool
	}
	groups := map[string]*acc{}
	for _, ev := range exposures {
		g := groups[ev.Traffic]
		if g == nil {
			g = &acc{resources: map[string]bool{}}
			groups[ev.Traffic] = g
		}
		g.resources[ev.Account+"\x00"+ev.Region+"\x00"+ev.Resource] = true
		g.whole = g.whole || ev.WholeInternet
	}
	out := make([]portCount, 0, len(groups))
	for t, g := range groups {
		out = append(out, portCount{Traffic: t, Resources: len(g.resources), Whole: g.whole})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Resources != out[j].Resources {
			return out[i].Resources > out[j].Resources
		}
		return out[i].Traffic < out[j].Traffic
	})
	return out
}

// traffic names what an exposure lets through: tcp/80, tcp/8000-8080, tcp
// (every port), all traffic, all but udp, icmp type 8.
func traffic(l i18n.Lang, x report.Exposure) string {
	switch x.Protocol {
	case "icmp", "icmpv6":
		switch {
		case x.FromPort == x.ToPort:
			return l.T("report.traffic.icmp-type", x.Protocol, x.FromPort)
		case x.FromPort <= 0 && x.ToPort >= 255:
			return l.T("report.traffic.every-type", x.Protocol)
		}
		return l.T("report.traffic.icmp-types", x.Protocol, x.FromPort, x.ToPort)
	case "all":
		if len(x.ExceptProtocols) > 0 {
			return l.T("report.traffic.all-but", strings.Join(x.ExceptProtocols, ", "))
		}
		return l.T("report.traffic.all")
	case "tcp", "udp":
		switch {
		case x.FromPort == x.ToPort:
			return fmt.Sprintf("%s/%d", x.Protocol, x.FromPort)
		case x.FromPort <= 0 && x.ToPort >= 65535:
			return l.T("report.traffic.every-port", x.Protocol)
		}
		return fmt.Sprintf("%s/%d-%d", x.Protocol, x.FromPort, x.ToPort)
	}
	return l.T("report.traffic.protocol", x.Protocol)
}

// sources says who an exposure admits, in a few words.
func sources(l i18n.Lang, x report.Exposure) string {
	switch {
	case x.WholeInternet:
		return l.T("report.sources.internet")
	case len(x.Sources) > 3:
		return l.T("report.sources.some", strings.Join(x.Sources[:3], ", "), len(x.Sources))
	}
	return strings.Join(x.Sources, ", ")
}

func via(l i18n.Lang, x report.Exposure) string {
	if x.LoadBalancer != "" {
		return l.T("report.via.load-balancer", x.LoadBalancer)
	}
	if x.Via == "direct" || x.Via == "" {
		return l.T("report.via.direct")
	}
	return x.Via
}

// hopKind names a kind of hop in l; a kind the catalogue lacks stays as
// the engine wrote it.
func hopKind(l i18n.Lang, kind string) string {
	return labelOr(l, "report.hop."+kind, kind)
}

// exposureNotes are an exposure's notes in l: from their messages when the
// report carries one per note.
func exposureNotes(l i18n.Lang, x report.Exposure) []string {
	if len(x.NoteMsgs) != len(x.Notes) {
		return x.Notes
	}
	out := make([]string, len(x.Notes))
	for i, n := range x.Notes {
		out[i] = msgOr(l, x.NoteMsgs[i], n)
	}
	return out
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
