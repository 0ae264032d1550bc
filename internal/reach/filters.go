package reach

import (
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// ephemeral are the client ports a reply may go to (AWS-SEMANTICS.md §3).
var ephemeral = model.PortRange{From: 1024, To: 65535}

// ruleSpace is the packet space one rule or entry matches, with addrs as
// its peer addresses.
func ruleSpace(p model.Protocol, ports model.PortRange, icmp model.ICMPMatch, addrs *netipx.IPSet) packet.Set {
	switch {
	case p.IsICMP():
		ports = packet.ICMPPorts(icmp)
	case !p.HasPorts():
		ports = model.AllPorts
	}
	return packet.New(p, ports, addrs)
}

// naclMatch is the space a network ACL entry matches.
func naclMatch(e model.NACLEntry) packet.Set {
	return ruleSpace(e.Protocol, e.Ports, e.ICMP, setOf(e.CIDR))
}

// naclAllowed evaluates a network ACL's entries of one direction in rule
// number order, first match deciding (AWS-SEMANTICS.md §3), and returns the
// packets it lets through, keyed on the remote address: the source for
// ingress, the destination for egress. The ports are the destination port
// of the packet. A nil ACL allows everything.
func naclAllowed(n *model.NetworkACL, egress bool) packet.Set {
	if n == nil {
		return packet.All()
	}
	var decided, allowed packet.Set
	for _, e := range n.Entries { // sorted by rule number within a direction
		if e.Egress != egress {
			continue
		}
		m := naclMatch(e).Subtract(decided)
		if e.Allow {
			allowed = allowed.Union(m)
		}
		decided = decided.Union(m)
	}
	return allowed
}

// widenPorts returns, for each protocol and address in s, every port: the
// addresses to which s allows some port of a protocol.
func widenPorts(s packet.Set) packet.Set {
	var out packet.Set
	for _, e := range s.Entries() {
		w := packet.New(e.Protocol, model.AllPorts, e.Addrs)
		for _, x := range e.Except {
			w = w.Subtract(packet.New(x, model.AllPorts, e.Addrs))
		}
		out = out.Union(w)
	}
	return out
}

// replyAllowed is the set of (protocol, any port, client address) whose
// replies an egress network ACL lets out: some client port in 1024–65535 is
// allowed for TCP and UDP, any ICMP message, any packet of other
// protocols. Stateless filters must pass the reply too (§3); a connection
// counts as reachable when the reply passes for at least one ephemeral port.
func replyAllowed(egress packet.Set) packet.Set {
	var ports packet.Set
	all := everything
	ports = ports.Union(packet.New(model.ProtocolAll, model.AllPorts, all).
		Subtract(packet.New(model.ProtocolTCP, model.AllPorts, all)).
		Subtract(packet.New(model.ProtocolUDP, model.AllPorts, all)))
	ports = ports.Union(packet.New(model.ProtocolTCP, ephemeral, all)).Union(packet.New(model.ProtocolUDP, ephemeral, all))
	return widenPorts(egress.Intersect(ports))
}

// partialReply reports, for connections of protocol p from sources,
// whether their replies are allowed only to part of the ephemeral range,
// and to which ports.
func partialReply(egress packet.Set, p model.Protocol, sources *netipx.IPSet) (string, bool) {
	if !p.HasPorts() || isEmpty(sources) {
		return "", false
	}
	full := packet.New(p, ephemeral, sources)
	got := egress.Intersect(full)
	if got.IsEmpty() || got.Equal(full) {
		return "", false
	}
	var ranges []string
	seen := map[model.PortRange]bool{}
	for _, e := range got.Entries() {
		if !seen[e.Ports] {
			seen[e.Ports] = true
			ranges = append(ranges, e.Ports.String())
		}
	}
	return strings.Join(ranges, ", "), true
}
