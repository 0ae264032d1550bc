package check

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// ELBNonHTTPListenerWorldOpen finds internet-facing load balancers with a
// listener other than HTTP or HTTPS that the whole internet can reach
// (AWS-SEMANTICS.md §6), as the reachability engine computes it: the load
// balancer's security groups (or, for a network load balancer without any,
// none), its subnets' network ACLs and routes.
var ELBNonHTTPListenerWorldOpen = &Check{
	Meta: Meta{
		ID:       "elb-non-http-listener-world-open",
		Title:    "Internet-facing load balancer has a non-HTTP listener open to the whole internet",
		Severity: Medium,
		Rationale: "A TCP, TLS, UDP or SSL listener passes whatever protocol the target speaks: there is no " +
			"HTTP parsing, no web application firewall and no routing rule in front of it, so the service behind " +
			"it (often a database, a cache, SSH or an internal API) is on the internet as it is. A listener on, or " +
			"forwarding to, an administration, database, cache or search port is high: it puts a remote shell or " +
			"the data tier in reach of anyone.",
		Remediation: "Remove the listener if nothing outside the VPC needs it (aws elbv2 delete-listener " +
			"--listener-arn LISTENER, or aws elb delete-load-balancer-listeners for a classic load balancer), " +
			"or narrow who can reach it: restrict the load balancer's security group to the clients' CIDRs or " +
			"prefix list (a network load balancer without a security group must be re-created with one), and " +
			"give people access to databases and hosts through AWS Client VPN or Session Manager instead.",
		References: []string{
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html",
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		byLB := ownExposuresByLB(p)
		for _, r := range p.Region.Resources {
			xs := byLB[r]
			if len(xs) == 0 {
				continue
			}
			var parts []any
			var evidence []string
			sev := Medium
			for _, l := range r.LoadBalancer.Listeners {
				if isWebListener(l) {
					continue
				}
				x, ok := worldOpenListener(l, xs)
				if !ok {
					continue
				}
				var text any = l.Protocol + ":" + strconv.Itoa(l.Port)
				if name, port, ok := sensitiveListener(p.Region, l); ok {
					sev = High
					if port == l.Port {
						text = msg("elb-non-http-listener-world-open.service", text, name)
					} else {
						text = msg("elb-non-http-listener-world-open.to", text, name, port)
					}
				}
				parts = append(parts, text)
				evidence = append(evidence, p.say(msg("ev.listener-open", l.Protocol+":"+strconv.Itoa(l.Port), listenerPath(p.Region, r, l, x))))
			}
			if len(parts) == 0 {
				continue
			}
			key := "elb-non-http-listener-world-open.one"
			if len(parts) > 1 {
				key = "elb-non-http-listener-world-open.other"
			}
			p.ReportAt(sev, []string{r.ID}, dedupe(evidence), msg(key, lbTypeMsg(r.LoadBalancer.Type), r.Label(), commaList(parts)))
		}
	},
}

// sensitiveListener reports whether listener l reaches an administration
// or data-tier port (sensitivePorts): its own port, or the port it
// forwards to (a classic listener's instance port, its target groups'
// ports and their targets' own ports), for the target serves that port to
// whoever reaches the listener (AWS-SEMANTICS.md §6). It returns the
// port's service and the port, the listener's own first.
func sensitiveListener(reg *model.Region, l model.Listener) (string, int, bool) {
	ports := []int{l.Port, l.InstancePort}
	for _, arn := range l.TargetGroupARNs {
		if tg := reg.TargetGroup(arn); tg != nil {
			ports = append(ports, tg.Port)
			for _, t := range tg.Targets {
				ports = append(ports, t.Port)
			}
		}
	}
	for _, port := range ports {
		if p, ok := tcpPort(port); ok {
			if name, ok := sensitivePorts[p]; ok {
				return name, port, true
			}
		}
	}
	return "", 0, false
}

// ownExposuresByLB groups the region's exposures of internet-facing load
// balancers' own nodes (those with known listeners) by load balancer.
func ownExposuresByLB(p *Pass) map[*model.Resource][]reach.Exposure {
	byLB := map[*model.Resource][]reach.Exposure{}
	for _, x := range p.Exposures() {
		if lb := ownExposureLB(x); lb != nil {
			byLB[lb] = append(byLB[lb], x)
		}
	}
	return byLB
}

// ownExposureLB returns the load balancer whose own nodes x reaches: an
// internet-facing load balancer with known listeners, reached directly.
func ownExposureLB(x reach.Exposure) *model.Resource {
	r := x.Resource
	if x.Via != reach.ViaDirect || r == nil || r.Kind != model.KindLoadBalancer || r.LoadBalancer == nil ||
		!r.IsInternetFacingLoadBalancer() || !r.LoadBalancer.ListenersKnown {
		return nil
	}
	return r
}

// isWebListener reports whether l speaks HTTP or HTTPS (an ALB's, or a
// classic load balancer's HTTP/HTTPS listener).
func isWebListener(l model.Listener) bool {
	return strings.EqualFold(l.Protocol, "HTTP") || strings.EqualFold(l.Protocol, "HTTPS")
}

// exposureCovers reports whether x carries protocol proto to port.
func exposureCovers(x reach.Exposure, proto model.Protocol, port int) bool {
	if port < 0 || port > 65535 || !x.Ports.Contains(uint16(port)) {
		return false
	}
	if x.Protocol == model.ProtocolAll {
		for _, e := range x.Except {
			if e == proto {
				return false
			}
		}
		return true
	}
	return x.Protocol == proto
}

// worldOpenListener returns an exposure by which every internet address
// (of some address family) reaches listener l, if any.
func worldOpenListener(l model.Listener, xs []reach.Exposure) (reach.Exposure, bool) {
	for _, proto := range l.IPProtocols() {
		for _, x := range xs {
			if x.WholeInternet && exposureCovers(x, proto, l.Port) {
				return x, true
			}
		}
	}
	return reach.Exposure{}, false
}

// listenerPath names what lets the internet in to listener l of lb: the
// security-group rules on x's path (or, where the data lacks the load
// balancer's interfaces and the path names no rule, the rules of its groups
// that open the port to the world), or the absence of a security group;
// and the engine's notes.
func listenerPath(reg *model.Region, lb *model.Resource, l model.Listener, x reach.Exposure) any {
	var hops []string
	unknown := map[string]i18n.Message{} // groups not in the data, by their hop's English
	for _, h := range x.Path {
		if h.Kind == "security-group" {
			hops = append(hops, shortHop(h))
		}
	}
	if len(hops) == 0 {
		for _, id := range lb.LoadBalancer.SecurityGroupIDs {
			g := reg.SecurityGroup(id)
			if g == nil {
				m := msg("ev.group-unknown", id)
				hops = append(hops, english(m))
				unknown[english(m)] = m
				continue
			}
			for _, o := range worldOpenIngress(reg, g) {
				for _, proto := range l.IPProtocols() {
					if l.Port >= 0 && l.Port <= 65535 && o.covers(proto, uint16(l.Port)) {
						for _, r := range o.Rules {
							hops = append(hops, g.ID+" "+strings.TrimPrefix(r.String(), "ingress "))
						}
					}
				}
			}
		}
	}
	var items []any
	for _, h := range dedupe(hops) {
		if m, ok := unknown[h]; ok {
			items = append(items, m)
		} else {
			items = append(items, h)
		}
	}
	s := commaList(items)
	if len(lb.LoadBalancer.SecurityGroupIDs) == 0 {
		s = msg("ev.no-lb-group")
	}
	var notes []string
	for _, n := range x.Notes {
		if !strings.HasPrefix(n, "network load balancer without security groups") {
			notes = append(notes, n)
		}
	}
	if len(notes) > 0 {
		sort.Strings(notes)
		s = msg("ev.with-notes", s, strings.Join(notes, "; "))
	}
	return s
}

// reportedByNonHTTPListener reports whether x, an internet-facing load
// balancer's own exposure, is left to elb-non-http-listener-world-open:
// every listener it reaches either speaks HTTP or HTTPS on 80 or 443 (the
// intended web entry) or is a non-HTTP listener that check reports
// (reached by the whole internet). internet-exposed then grades it info.
func reportedByNonHTTPListener(x reach.Exposure) bool {
	lb := ownExposureLB(x)
	if lb == nil || !x.WholeInternet {
		return false
	}
	reported := false
	for _, l := range lb.LoadBalancer.Listeners {
		covered := false
		for _, proto := range l.IPProtocols() {
			covered = covered || exposureCovers(x, proto, l.Port)
		}
		switch {
		case !covered:
		case isWebListener(l) && (l.Port == 80 || l.Port == 443):
		case isWebListener(l):
			return false // internet-exposed's: a web listener on another port
		default:
			reported = true
		}
	}
	return reported
}
