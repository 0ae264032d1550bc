package check

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// sensitivePorts are the ports whose exposure is the worst: remote
// administration (SSH, RDP, WinRM), etcd, and every port of the data tiers
// that sg-database-port-world-open, sg-cache-port-world-open and
// sg-search-port-world-open know. internet-exposed and
// elb-non-http-listener-world-open grade by it, so that the three agree.
var sensitivePorts = func() map[uint16]string {
	m := map[uint16]string{22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 2379: "etcd"}
	for _, t := range dataTiers {
		for _, k := range t.ports {
			m[k.port] = k.name
		}
	}
	return m
}()

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
			"balancer's web listener is attack surface nobody meant to offer. Severity follows what is exposed and " +
			"to whom: all traffic or an administration or data-tier port open to the internet at large is " +
			"critical, another port high; the same open only to a few chosen networks (at most a /16 of IPv4 or " +
			"a /48 of IPv6, such as an office or a VPN) medium or low, ICMP low, and a load balancer's web " +
			"listeners and the targets behind them info. The security-group checks report a world-open rule " +
			"once per group, whatever carries it; this check reports each resource that is reachable now, with " +
			"its path.",
		Remediation: "Close the path at its cheapest hop: remove the security-group rule the evidence names, " +
			"or narrow its source to the load balancer's group (aws ec2 revoke-security-group-ingress --group-id " +
			"GROUP --ip-permissions IpProtocol=tcp,FromPort=PORT,ToPort=PORT,IpRanges=[{CidrIp=0.0.0.0/0}], after " +
			"authorizing the narrower source); remove the public address (aws ec2 disassociate-address " +
			"--association-id ASSOCIATION_ID for an Elastic IP, aws ec2 modify-network-interface-attribute " +
			"--network-interface-id ENI --no-associate-public-ip-address for an auto-assigned one); or move the " +
			"resource to a private subnet. Each finding's evidence names the route, network-ACL entry and " +
			"security-group rule that let the traffic through.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		type group struct {
			key       string
			label     any
			resources []string
			xs        []reach.Exposure
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
			key := "internet-exposed.msg"
			if r := g.xs[0].Resource; r != nil && r.Instance != nil && r.Instance.State != "" && r.Instance.State != "running" {
				// Its addresses stay (an Elastic IP): the exposure returns
				// with the instance.
				g.label = msg("internet-exposed.state", g.label, r.Instance.State)
				key = "internet-exposed.when-started"
			}
			p.ReportAt(sev, g.resources, dedupe(evidence), msg(key, g.label, what))
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
func exposedUnit(x reach.Exposure) (key string, label any, ids []string) {
	if x.Resource != nil {
		return string(x.Resource.Kind) + "/" + x.Resource.ID, msg("noun-label", kindNoun(x.Resource.Kind), resourceLabel(x.Resource)), []string{x.Resource.ID}
	}
	if x.ENI != nil {
		return "eni/" + x.ENI.ID, msg("internet-exposed.eni", x.ENI.ID, string(x.ENI.Owner.Kind)), []string{x.ENI.ID}
	}
	return "unknown", msg("internet-exposed.unknown"), nil
}

// portsText prints an exposure's protocol and ports for people (English,
// for evidence); portsMsg is the same for messages.
func portsText(x reach.Exposure) string { return english(portsMsg(x)) }

func portsMsg(x reach.Exposure) any {
	switch {
	case x.Protocol == model.ProtocolAll && len(x.Except) == 0:
		return msg("ports.all-traffic")
	case x.Protocol == model.ProtocolAll:
		var ex []string
		for _, p := range x.Except {
			ex = append(ex, p.String())
		}
		return msg("ports.all-but", strings.Join(ex, ", "))
	case x.Protocol.HasPorts():
		return x.Protocol.String() + "/" + x.Ports.String()
	case x.Protocol.IsICMP():
		return icmpText(x.Protocol, x.Ports)
	}
	return msg("ports.protocol", x.Protocol.String())
}

// icmpText prints the ICMP messages an exposure carries, whose ports
// encode type<<8|code: "icmp", "icmp type 3", "icmp type 3 code 4",
// "icmp types 0-8".
func icmpText(p model.Protocol, r model.PortRange) string {
	ft, fc, tt, tc := r.From>>8, r.From&0xff, r.To>>8, r.To&0xff
	switch {
	case r.IsAll():
		return p.String()
	case ft != tt:
		return fmt.Sprintf("%s types %d-%d", p, ft, tt)
	case fc == 0 && tc == 0xff:
		return fmt.Sprintf("%s type %d", p, ft)
	case fc == tc:
		return fmt.Sprintf("%s type %d code %d", p, ft, fc)
	}
	return fmt.Sprintf("%s type %d codes %d-%d", p, ft, fc, tc)
}

// exposureSeverity grades a resource's exposures: critical for all traffic
// or an administration or data-tier port; high for other ports reached
// directly; medium for a load balancer listening beyond HTTP and HTTPS;
// low for ICMP; info for web listeners and targets behind a load balancer,
// and for non-HTTP listeners open to the whole internet, which
// elb-non-http-listener-world-open reports. An exposure to a few chosen
// networks only (narrowSources: an office, a VPN's egress, a partner) is
// at most medium for all traffic or a sensitive port and low otherwise,
// and its sources are named.
func exposureSeverity(xs []reach.Exposure) (Severity, any) {
	sev := Info
	var parts []any
	seen := map[string]bool{}
	for _, x := range xs {
		narrow := narrowSources(x)
		t := portsMsg(x)
		if x.Via == reach.ViaLoadBalancer {
			t = msg("internet-exposed.via", t, x.LoadBalancer.ID)
		}
		if narrow {
			t = msg("internet-exposed.from", t, sourcesText(x.Sources))
		}
		if e := english(t); !seen[e] {
			seen[e] = true
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
		case x.Protocol.IsICMP():
			s = Low // ping and path-MTU messages: no service is exposed
		default:
			s = High
		}
		if narrow {
			switch s {
			case Critical:
				s = Medium
			case High, Medium:
				s = Low
			}
		}
		if s > sev {
			sev = s
		}
	}
	return sev, commaList(parts)
}

// narrowAddresses is the most addresses of one family an exposure may
// come from and still be graded as restricted to chosen networks: a /16
// of IPv4, a /48 (one site) of IPv6.
const (
	narrowIPv4 = 1 << 16
	narrowIPv6 = 1 << 80
)

// narrowSources reports whether x reaches its interface from a few chosen
// networks only, not from the internet at large: its sources hold at most
// narrowIPv4 IPv4 and narrowIPv6 IPv6 addresses.
func narrowSources(x reach.Exposure) bool {
	if x.WholeInternet || len(x.Sources) == 0 {
		return false
	}
	var v4, v6 float64
	for _, p := range x.Sources {
		if p.Addr().Is4() {
			v4 += math.Exp2(float64(32 - p.Bits()))
		} else {
			v6 += math.Exp2(float64(128 - p.Bits()))
		}
	}
	return v4 <= narrowIPv4 && v6 <= narrowIPv6
}

// sourcesText names an exposure's sources for a message: up to three
// prefixes, then how many more.
func sourcesText(ps []netip.Prefix) any {
	s := make([]any, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	if len(s) > 3 {
		return msg("more", commaList(s[:3]), len(s)-3)
	}
	return commaList(s)
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
