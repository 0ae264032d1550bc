// Package packet is the reachability engine's algebra of packets: immutable
// sets of (protocol, port, address) triples, IPv4 and IPv6 together.
//
// A security-group rule, a network-ACL entry or a route each select such a
// set (AWS-SEMANTICS.md §2–§4), and the exposure of an interface is one
// (§5): the engine intersects, unites and subtracts them.
//
// Ports. TCP and UDP select by port. ICMP (1) and ICMPv6 (58) select by
// type and code, which a Set stores as the port type<<8|code (ICMPPorts).
// Every other protocol has no ports: a Set holds it for all ports or none,
// so port arguments are ignored for it.
//
// Addresses are compared as netip does: an IPv4-mapped IPv6 address is an
// IPv6 address, distinct from the IPv4 one (unmap addresses first), and a
// zoned address is in no set.
package packet

import (
	"fmt"
	"net/netip"
	"sort"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Set is a set of (protocol, port, address) triples, IPv4 and IPv6. The
// zero value is the empty set. Sets are immutable values, safe for
// concurrent reads; operations return new Sets that may share storage with
// their operands. Equal sets have equal representations, so Equal is a
// plain comparison.
type Set struct {
	// Every protocol maps ports to address sets (a portMap). The
	// protocols in ex carry their own map; every other protocol has def
	// on every port. The form is canonical:
	//   - every portMap is canonical (see portMap), and the map of a
	//     protocol without ports is constant;
	//   - no map in ex is "def on every port";
	//   - def is the constant map shared by the most protocols, ties
	//     going to the class holding the lowest protocol number. With
	//     fewer than 128 protocols in ex this holds by itself (the
	//     others, sharing def, are a majority); canon restores it
	//     otherwise. So at least one protocol always has def.
	def addrs
	ex  []protoMap // sorted by protocol
}

type protoMap struct {
	p uint8
	m portMap
}

// hasPorts reports whether a Set keeps ports for protocol p: TCP and UDP
// ports, ICMP and ICMPv6 type and code.
func hasPorts(p model.Protocol) bool { return p.HasPorts() || p.IsICMP() }

// portedProtocols are the protocols with ports, ascending.
var portedProtocols = [...]uint8{uint8(model.ProtocolICMP), uint8(model.ProtocolTCP), uint8(model.ProtocolUDP), uint8(model.ProtocolICMPv6)}

// All returns every protocol 0–255 on every port from every IPv4 and IPv6
// address.
func All() Set { return Set{def: everyAddr} }

// New returns the packets of protocol p on the ports of ports whose
// address (source or destination: the caller decides) is in addrs. A nil
// addrs is empty. ports is ignored for protocols without ports; for TCP,
// UDP, ICMP and ICMPv6 an invalid range (From > To) selects nothing.
//
// p may be model.ProtocolAll: New is then the union of New(q, ports,
// addrs) over every protocol q. AWS's "-1" (§2, §3) is
// New(model.ProtocolAll, model.AllPorts, addrs): every packet.
//
// New panics if p is neither ProtocolAll nor 0–255.
func New(p model.Protocol, ports model.PortRange, addrs *netipx.IPSet) Set {
	return newSet(p, ports, addrsOf(addrs))
}

func newSet(p model.Protocol, ports model.PortRange, a addrs) Set {
	if p < model.ProtocolAll || p > 255 {
		panic(fmt.Sprintf("packet.New: protocol %d is neither -1 nor 0-255", p))
	}
	if a.isEmpty() {
		return Set{}
	}
	if p == model.ProtocolAll {
		s := Set{def: a}
		if !ports.IsAll() {
			m := rangeMap(ports, a)
			for _, q := range portedProtocols {
				s.ex = append(s.ex, protoMap{q, m})
			}
		}
		return s
	}
	m := constMap(a)
	if hasPorts(p) {
		m = rangeMap(ports, a)
		if m.isConstOf(addrs{}) {
			return Set{}
		}
	}
	return Set{ex: []protoMap{{uint8(p), m}}}
}

// ICMPPorts returns the ports a Set uses for the ICMP or ICMPv6 messages m
// selects: port = type<<8 | code. Type -1 selects every port; type T with
// code -1 the 256 ports of T. Values above 255 are not valid ICMP types or
// codes; they are read as -1, so an odd rule errs towards exposure.
func ICMPPorts(m model.ICMPMatch) model.PortRange {
	if m.Type < 0 || m.Type > 255 {
		return model.AllPorts
	}
	t := uint16(m.Type) << 8
	if m.Code < 0 || m.Code > 255 {
		return model.PortRange{From: t, To: t | 0xff}
	}
	return model.Port(t | uint16(m.Code))
}

// mapOf returns protocol p's port map, and whether p is listed in ex.
func (s Set) mapOf(p uint8) (portMap, bool) {
	i := sort.Search(len(s.ex), func(i int) bool { return s.ex[i].p >= p })
	if i < len(s.ex) && s.ex[i].p == p {
		return s.ex[i].m, true
	}
	return nil, false
}

// Union returns s ∪ t.
func (s Set) Union(t Set) Set {
	switch {
	case s.IsEmpty():
		return t
	case t.IsEmpty():
		return s
	}
	return apply(s, t, union)
}

// Intersect returns s ∩ t.
func (s Set) Intersect(t Set) Set {
	if s.IsEmpty() || t.IsEmpty() {
		return Set{}
	}
	return apply(s, t, intersect)
}

// Subtract returns s − t.
func (s Set) Subtract(t Set) Set {
	switch {
	case s.IsEmpty():
		return Set{}
	case t.IsEmpty():
		return s
	}
	return apply(s, t, subtract)
}

// apply computes op protocol by protocol and port by port. It merges the
// two sorted protocol lists, so its work is linear in the segments of both
// sets (times the cost of op on address sets).
func apply(s, t Set, op func(a, b addrs) addrs) Set {
	r := Set{def: op(s.def, t.def)}
	var sdef, tdef portMap // built when first needed
	i, j := 0, 0
	for i < len(s.ex) || j < len(t.ex) {
		var p uint8
		var x, y portMap
		switch {
		case j == len(t.ex) || (i < len(s.ex) && s.ex[i].p < t.ex[j].p):
			if tdef == nil {
				tdef = constMap(t.def)
			}
			p, x, y = s.ex[i].p, s.ex[i].m, tdef
			i++
		case i == len(s.ex) || t.ex[j].p < s.ex[i].p:
			if sdef == nil {
				sdef = constMap(s.def)
			}
			p, x, y = t.ex[j].p, sdef, t.ex[j].m
			j++
		default:
			p, x, y = s.ex[i].p, s.ex[i].m, t.ex[j].m
			i, j = i+1, j+1
		}
		if m := combine(x, y, op); !m.isConstOf(r.def) {
			r.ex = append(r.ex, protoMap{p, m})
		}
	}
	return r.canon()
}

// canon restores the choice of def (see Set) when 128 or more protocols
// carry their own map, which only sets built protocol by protocol reach.
// It then groups the constant maps into classes; the work is quadratic in
// the number of distinct classes, at most 256.
func (s Set) canon() Set {
	if len(s.ex) < 128 {
		return s
	}
	type class struct {
		a     addrs
		n     int
		first int // lowest protocol in the class
	}
	var classes []class
	first := -1
	for p, k := 0, 0; p < 256; p++ {
		if k < len(s.ex) && int(s.ex[k].p) == p {
			k++
			continue
		}
		first = p
		break
	}
	if first >= 0 {
		classes = append(classes, class{s.def, 256 - len(s.ex), first})
	}
	for _, pm := range s.ex {
		if !pm.m.isConst() {
			continue
		}
		found := false
		for c := range classes {
			if classes[c].a.equal(pm.m[0].a) {
				classes[c].n++
				found = true
				break
			}
		}
		if !found {
			classes = append(classes, class{pm.m[0].a, 1, int(pm.p)})
		}
	}
	best := classes[0]
	for _, c := range classes[1:] {
		if c.n > best.n || (c.n == best.n && c.first < best.first) {
			best = c
		}
	}
	if first >= 0 && best.a.equal(s.def) {
		return s
	}
	r := Set{def: best.a}
	for p := 0; p < 256; p++ {
		m, ok := s.mapOf(uint8(p))
		if !ok {
			m = constMap(s.def)
		}
		if !m.isConstOf(r.def) {
			r.ex = append(r.ex, protoMap{uint8(p), m})
		}
	}
	return r
}

// IsEmpty reports whether s holds no packet.
func (s Set) IsEmpty() bool { return s.def.isEmpty() && len(s.ex) == 0 }

// Equal reports whether s and t hold the same packets.
func (s Set) Equal(t Set) bool {
	if !s.def.equal(t.def) || len(s.ex) != len(t.ex) {
		return false
	}
	for i := range s.ex {
		if s.ex[i].p != t.ex[i].p || !s.ex[i].m.equal(t.ex[i].m) {
			return false
		}
	}
	return true
}

// Contains reports whether s holds the packet of protocol p (0–255) on
// port (ignored for protocols without ports; type<<8|code for ICMP) with
// address a. It is false for p outside 0–255.
func (s Set) Contains(p model.Protocol, port uint16, a netip.Addr) bool {
	if p < 0 || p > 255 {
		return false
	}
	m, ok := s.mapOf(uint8(p))
	if !ok {
		return s.def.contains(a)
	}
	return m.at(port).contains(a)
}

// RestrictAddrs returns the packets of s whose address is in addrs.
func (s Set) RestrictAddrs(addrs *netipx.IPSet) Set {
	return s.Intersect(Set{def: addrsOf(addrs)})
}

// Addrs returns the addresses a such that s holds (p, port, a) for some
// port of ports — and, when p is model.ProtocolAll, for some protocol.
// ports is ignored for protocols without ports; for the others an invalid
// range (From > To) selects nothing.
func (s Set) Addrs(p model.Protocol, ports model.PortRange) *netipx.IPSet {
	var v4, v6 spans
	add := func(a addrs) {
		v4 = append(v4, a.v4...)
		v6 = append(v6, a.v6...)
	}
	addMap := func(m portMap) {
		if len(m) == 1 {
			add(m[0].a)
			return
		}
		for i, sg := range m {
			if int(sg.from) <= int(ports.To) && int(ports.From) <= m.end(i) {
				add(sg.a)
			}
		}
	}
	switch {
	case p == model.ProtocolAll:
		portless := 0 // listed protocols without ports
		for _, pm := range s.ex {
			if !hasPorts(model.Protocol(pm.p)) {
				portless++
			} else if ports.From > ports.To {
				continue
			}
			addMap(pm.m)
		}
		// def is the map of the protocols not listed, and canon keeps
		// at least one unlisted.
		if portless < 256-len(portedProtocols) || ports.From <= ports.To {
			add(s.def)
		}
	case p < 0 || p > 255:
	case hasPorts(p) && ports.From > ports.To:
	default:
		m, ok := s.mapOf(uint8(p))
		if !ok {
			m = constMap(s.def)
		}
		addMap(m)
	}
	return addrs{v4.normalize(), v6.normalize()}.ipset()
}
