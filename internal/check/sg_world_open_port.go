package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGWorldOpenPort finds ports opened to the whole internet, except HTTP and
// HTTPS on groups that only internet-facing load balancers carry (and those
// load balancers' own listener ports, whose exposure
// elb-non-http-listener-world-open and internet-exposed grade), and ports
// and ranges made only of ports that a more specific check reports (SSH,
// RDP, database, cache and search ports: see specificPorts). A range that
// holds such a port and others is still reported here whole; the specific
// check reports its port too.
var SGWorldOpenPort = &Check{
	Meta: Meta{
		ID:       "sg-world-open-port",
		Title:    "Security group opens a port to the whole internet",
		Severity: High,
		Rationale: "A port open to 0.0.0.0/0 or ::/0 can be reached by anyone on the internet wherever " +
			"the group sits on something with a public address. Only internet-facing load balancers need " +
			"to accept HTTP and HTTPS from everywhere; the servers behind them should accept traffic from " +
			"the load balancer's security group alone. SSH, RDP and the ports of databases, caches and search " +
			"engines have checks of their own, which report them instead; so do the other listener ports of a " +
			"group only internet-facing load balancers carry (elb-non-http-listener-world-open, internet-exposed).",
		Remediation: "Restrict the source: reference the security group of the load balancer or the " +
			"service that calls this port (e.g. aws ec2 authorize-security-group-ingress --group-id GROUP " +
			"--ip-permissions IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs=[{GroupId=LB_GROUP}]), " +
			"or a known CIDR or prefix list, then revoke the world-open rule.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			lbOnly := groupUsageKnown(p.Region, g) && usedOnlyByInternetFacingLoadBalancers(g)
			specific := specificPorts(p.Region, g)
			var listening portSet
			if lbOnly {
				listening = listenerPorts(g)
			}
			var ports []any
			var used []openRule
			for _, o := range worldOpenIngress(p.Region, g) {
				switch {
				case o.Protocol == model.ProtocolAll:
					continue // sg-world-open-all-protocols says it
				case o.Protocol.IsICMP():
					continue // ICMP has no ports; ping and path-MTU messages are commonly allowed
				case lbOnly && o.Protocol == model.ProtocolTCP && (o.Ports == model.Port(80) || o.Ports == model.Port(443)):
					continue
				case specific.hold(o.Protocol, o.Ports):
					continue // sg-admin-port-world-open or a data-tier check says it
				case listening.hold(o.Protocol, o.Ports):
					// The load balancers' own listeners: their exposure is
					// elb-non-http-listener-world-open's or internet-exposed's.
					continue
				}
				ports = append(ports, rulePorts(model.Rule{Protocol: o.Protocol, Ports: o.Ports, ICMP: o.ICMP}))
				used = append(used, o)
			}
			if len(ports) == 0 {
				continue
			}
			reportGroup(p, g, used,
				msg("sg-world-open-port.msg", g.Label(), commaList(ports), worldUsedBy(p.Region, g)))
		}
	},
}

// usedOnlyByInternetFacingLoadBalancers reports whether g is carried by at
// least one resource and every resource carrying it is an internet-facing
// load balancer.
func usedOnlyByInternetFacingLoadBalancers(g *model.SecurityGroup) bool {
	if len(g.Resources) == 0 {
		return false
	}
	for _, r := range g.Resources {
		if !r.IsInternetFacingLoadBalancer() {
			return false
		}
	}
	for _, e := range g.ENIs {
		if e.Owner.Resource == nil {
			return false
		}
	}
	return true
}

// listenerPorts are the listener ports of the load balancers carrying g,
// per IP protocol (TCP for HTTP, HTTPS, TCP, TLS and SSL; UDP; both for
// TCP_UDP); nil unless every one's listeners are known.
func listenerPorts(g *model.SecurityGroup) portSet {
	s := portSet{}
	for _, r := range g.Resources {
		if r.LoadBalancer == nil || !r.LoadBalancer.ListenersKnown {
			return nil
		}
		for _, l := range r.LoadBalancer.Listeners {
			if port, ok := tcpPort(l.Port); ok {
				for _, proto := range l.IPProtocols() {
					s.add(proto, port)
				}
			}
		}
	}
	return s
}

// portSet is a set of ports per protocol.
type portSet map[model.Protocol]map[uint16]bool

func (s portSet) add(p model.Protocol, port uint16) {
	if s[p] == nil {
		s[p] = map[uint16]bool{}
	}
	s[p][port] = true
}

// hold reports whether every port of r (protocol p) is in the set.
func (s portSet) hold(p model.Protocol, r model.PortRange) bool {
	ports := s[p]
	if !p.HasPorts() || int(r.To)-int(r.From)+1 > len(ports) {
		return false
	}
	for port := int(r.From); port <= int(r.To); port++ {
		if !ports[uint16(port)] {
			return false
		}
	}
	return true
}

// specificPorts are the ports of g that a check more specific than
// sg-world-open-port reports whenever the whole internet may reach them:
// SSH and RDP (sg-admin-port-world-open) and the data tiers' ports, well
// known or of a resource of the tier carrying g (sg-database-port-world-open,
// sg-cache-port-world-open, sg-search-port-world-open).
func specificPorts(reg *model.Region, g *model.SecurityGroup) portSet {
	s := portSet{}
	for _, ap := range adminPorts {
		for _, proto := range ap.protos {
			s.add(proto, ap.port)
		}
	}
	for _, t := range dataTiers {
		for _, k := range t.ports {
			s.add(model.ProtocolTCP, k.port)
		}
		for _, port := range t.listenersOf(reg, g).ports {
			if port != 0 {
				s.add(model.ProtocolTCP, port)
			}
		}
	}
	return s
}
