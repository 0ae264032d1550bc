package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// sensitivePorts are remote-administration and database ports: reachable
// from the internet, they are the worst exposure.
var sensitivePorts = map[uint16]string{
	22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM",
	3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 5439: "Redshift",
	6379: "Redis", 11211: "Memcached", 27017: "MongoDB", 9200: "Elasticsearch", 2379: "etcd",
}

// InternetExposed reports every resource the internet can reach, computed
// the way AWS forwards packets (AWS-SEMANTICS.md §5, §6).
var InternetExposed = &Check{
	Meta: Meta{
		ID:       "internet-exposed",
		Title:    "Resource reachable from the internet",
		Severity: Critical,
		Rationale: "A resource is exposed when a public address, a route back through an internet gateway, " +
			"the subnet's network ACL (both ways) and a security-group rule all let a packet from the internet " +
			"through, or when an internet-facing load balancer forwards to it. Exposed administration and " +
			"database ports are found and attacked within minutes; anything else exposed that is not a load " +
			"balancer's web listener is attack surface nobody meant to offer.",
		Remediation: "Close the path at its cheapest hop: remove the security-group rule (or narrow its " +
			"source to the load balancer's group), remove the public address, or move the resource to a private " +
			"subnet. Each finding's evidence names the route, network-ACL entry and security-group rule that " +
			"let the traffic through.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html",
		},
		Needs: []model.Call{model.CallSecurityGroups, model.CallNetworkInterfaces},
	},
	Run: func(p *Pass) {
		type group struct {
			key, label string
			resources  []string
			xs         []reach.Exposure
		}
		groups := map[string]*group{}
		var order []string
		for _, x := range p.Exposures() {
			key, label, ids := exposedUnit(x)
			g := groups[key]
			if g == nil {
				g = &group{key: key, label: label, resources: ids}
				groups[key] = g
				order = append(order, key)
			}
			if x.ENI != nil && !contains(g.resources, x.ENI.ID) {
				g.resources = append(g.resources, x.ENI.ID)
			}
			g.xs = append(g.xs, x)
		}
		sort.Strings(order)
		for _, k := range order {
			g := groups[k]
			sev, what := exposureSeverity(g.xs)
			var evidence []string
			for _, x := range g.xs {
				evidence = append(evidence, describeExposure(x))
			}
			p.ReportAt(sev, g.resources, dedupe(evidence), "%s is reachable from the internet on %s.", g.label, what)
		}
	},
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// exposedUnit is what a finding is about: the resource, else the interface.
func exposedUnit(x reach.Exposure) (key, label string, ids []string) {
	if x.Resource != nil {
		return string(x.Resource.Kind) + "/" + x.Resource.ID, x.Resource.Kind.Noun() + " " + x.Resource.Label(), []string{x.Resource.ID}
	}
	if x.ENI != nil {
		return "eni/" + x.ENI.ID, "network interface " + x.ENI.ID + " (owner: " + string(x.ENI.Owner.Kind) + ")", []string{x.ENI.ID}
	}
	return "unknown", "an interface", nil
}

// portsText prints an exposure's protocol and ports for people.
func portsText(x reach.Exposure) string {
	switch {
	case x.Protocol == model.ProtocolAll && len(x.Except) == 0:
		return "all traffic"
	case x.Protocol == model.ProtocolAll:
		var ex []string
		for _, p := range x.Except {
			ex = append(ex, p.String())
		}
		return "all protocols but " + strings.Join(ex, ", ")
	case x.Protocol.HasPorts():
		return x.Protocol.String() + "/" + x.Ports.String()
	case x.Protocol.IsICMP():
		if x.Ports.IsAll() {
			return x.Protocol.String()
		}
		return fmt.Sprintf("%s type %d-%d", x.Protocol, x.Ports.From>>8, x.Ports.To>>8)
	}
	return "protocol " + x.Protocol.String()
}

// exposureSeverity grades a resource's exposures: critical for all traffic
// or an administration or database port; high for other ports reached
// directly; medium for a load balancer listening beyond HTTP and HTTPS;
// info for web listeners and targets behind a load balancer, and for
// non-HTTP listeners open to the whole internet, which
// elb-non-http-listener-world-open reports.
func exposureSeverity(xs []reach.Exposure) (Severity, string) {
	sev := Info
	var parts []string
	seen := map[string]bool{}
	for _, x := range xs {
		t := portsText(x)
		if x.Via == reach.ViaLoadBalancer {
			t += " via " + x.LoadBalancer.ID
		}
		if !seen[t] {
			seen[t] = true
			parts = append(parts, t)
		}
		s := Info
		switch {
		case reportedByNonHTTPListener(x):
			// elb-non-http-listener-world-open reports it, listener by
			// listener; here it is only a fact about the load balancer.
			s = Info
		case x.Protocol == model.ProtocolAll:
			s = Critical
		case x.Protocol.HasPorts() && coversSensitive(x.Ports):
			s = Critical
		case x.Via == reach.ViaLoadBalancer:
			s = Info
		case x.Resource != nil && x.Resource.Kind == model.KindLoadBalancer:
			if !(x.Protocol == model.ProtocolTCP && (x.Ports == model.Port(80) || x.Ports == model.Port(443))) {
				s = Medium
			}
		default:
			s = High
		}
		if s > sev {
			sev = s
		}
	}
	return sev, strings.Join(parts, ", ")
}

func coversSensitive(r model.PortRange) bool {
	for p := range sensitivePorts {
		if r.Contains(p) {
			return true
		}
	}
	return false
}

// describeExposure is one exposure as evidence: what, from where, and the
// path.
func describeExposure(x reach.Exposure) string {
	var src []string
	for _, p := range x.Sources {
		src = append(src, p.String())
	}
	switch {
	case x.WholeInternet:
		src = []string{"the internet"}
	case len(src) > 4:
		src = append(src[:4], fmt.Sprintf("and %d more", len(src)-4))
	}
	eni := ""
	if x.ENI != nil {
		eni = x.ENI.ID + " "
	}
	var hops []string
	for _, h := range x.Path {
		hops = append(hops, shortHop(h))
	}
	s := eni + portsText(x) + " from " + strings.Join(src, ", ") + ": " + strings.Join(hops, " > ")
	if len(x.Notes) > 0 {
		s += " (" + strings.Join(x.Notes, "; ") + ")"
	}
	return s
}

// shortHop prints a hop for the text of a finding: "public IP 203.0.113.7",
// "rtb-1 0.0.0.0/0 -> igw-1", "acl-1 in #100", "sg-1 tcp/22 from 0.0.0.0/0".
func shortHop(h reach.Hop) string {
	switch h.Kind {
	case "public-address":
		return "public IP " + h.Detail
	case "route":
		return h.ID + " " + h.Detail
	case "network-acl":
		d := h.Detail
		dir := "in"
		if strings.HasPrefix(d, "reply: ") {
			dir = "out (reply)"
			d = strings.TrimPrefix(d, "reply: ")
		}
		if f := strings.Fields(d); len(f) >= 3 && f[1] == "rule" {
			return h.ID + " " + dir + " #" + f[2]
		}
		return h.ID + " " + d
	case "security-group":
		return h.ID + " " + strings.TrimPrefix(h.Detail, "ingress ")
	case "load-balancer":
		return h.ID + " " + h.Detail
	case "target":
		return "target group " + h.ID + " " + h.Detail
	}
	return h.String()
}
