package packet

import (
	"fmt"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Entry is one line of a Set's listing: the packets of Protocol (except
// the protocols in Except) on Ports from Addrs, read as New reads its
// arguments.
type Entry struct {
	Protocol model.Protocol   // a concrete protocol, or model.ProtocolAll
	Except   []model.Protocol // with ProtocolAll: protocols NOT included (sorted); nil otherwise
	Ports    model.PortRange  // maximal port interval (for protocols without ports: 0-65535)
	Addrs    *netipx.IPSet    // non-empty
}

// Set returns the packets e stands for.
func (e Entry) Set() Set {
	s := New(e.Protocol, e.Ports, e.Addrs)
	for _, x := range e.Except {
		s = s.Subtract(newSet(x, model.AllPorts, everyAddr))
	}
	return s
}

// String prints e as "tcp/22 from 0.0.0.0/0", "icmp/8 from ...",
// "all except tcp,udp from ...".
func (e Entry) String() string {
	var b strings.Builder
	b.WriteString(e.Protocol.String())
	if len(e.Except) > 0 {
		b.WriteString(" except ")
		for i, x := range e.Except {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(x.String())
		}
	}
	if hasPorts(e.Protocol) || (e.Protocol == model.ProtocolAll && !e.Ports.IsAll()) {
		b.WriteByte('/')
		if e.Protocol.IsICMP() {
			b.WriteString(icmpString(e.Ports))
		} else {
			b.WriteString(e.Ports.String())
		}
	}
	b.WriteString(" from ")
	b.WriteString(addrsOf(e.Addrs).String())
	return b.String()
}

// icmpString prints ICMP ports as types and codes: "all", "8" (type 8,
// every code), "3:4" (type 3 code 4), "3-4", "3:4-5:0".
func icmpString(r model.PortRange) string {
	if r.IsAll() {
		return "all"
	}
	ft, fc, tt, tc := r.From>>8, r.From&0xff, r.To>>8, r.To&0xff
	if fc == 0 && tc == 0xff {
		if ft == tt {
			return strconv.Itoa(int(ft))
		}
		return fmt.Sprintf("%d-%d", ft, tt)
	}
	if r.From == r.To {
		return fmt.Sprintf("%d:%d", ft, fc)
	}
	return fmt.Sprintf("%d:%d-%d:%d", ft, fc, tt, tc)
}

// Entries lists s in a canonical order; equal sets give equal listings,
// and the union of the entries' Sets is s. The listing is:
//
//  1. the addresses every protocol 0–255 has on every port, as one
//     ProtocolAll entry without Except;
//  2. what the protocols that share the default map (see Set) have beyond
//     entry 1, the same on every port, as one ProtocolAll entry; its
//     Except names the protocols with their own map that lack some of it
//     on some port, and is nil when none do;
//  3. for each protocol with its own map, ascending, what it has beyond
//     entry 1, as maximal port intervals, ascending.
//
// So a protocol's packets may appear in both 2 and 3; entries never
// overlap otherwise.
func (s Set) Entries() []Entry {
	// common: in def (def is some protocol's map, see canon) and in every
	// segment of every listed map.
	common := s.def
	for _, pm := range s.ex {
		for _, sg := range pm.m {
			common = intersect(common, sg.a)
		}
	}
	var out []Entry
	if !common.isEmpty() {
		out = append(out, Entry{Protocol: model.ProtocolAll, Ports: model.AllPorts, Addrs: common.ipset()})
	}
	if rest := subtract(s.def, common); !rest.isEmpty() {
		var except []model.Protocol
		for _, pm := range s.ex {
			for _, sg := range pm.m {
				if !sg.a.covers(rest) {
					except = append(except, model.Protocol(pm.p))
					break
				}
			}
		}
		out = append(out, Entry{Protocol: model.ProtocolAll, Except: except, Ports: model.AllPorts, Addrs: rest.ipset()})
	}
	for _, pm := range s.ex {
		var cur addrs
		var from int
		flush := func(to int) {
			if !cur.isEmpty() {
				out = append(out, Entry{Protocol: model.Protocol(pm.p), Ports: model.PortRange{From: uint16(from), To: uint16(to)}, Addrs: cur.ipset()})
			}
		}
		for i, sg := range pm.m {
			a := subtract(sg.a, common)
			if i > 0 && a.equal(cur) {
				continue
			}
			if i > 0 {
				flush(int(sg.from) - 1)
			}
			cur, from = a, int(sg.from)
		}
		flush(65535)
	}
	return out
}

// String lists the entries of s separated by "; ", e.g.
// "tcp/22 from 0.0.0.0/0; all from 10.0.0.0/8"; the empty set is "none".
func (s Set) String() string {
	es := s.Entries()
	if len(es) == 0 {
		return "none"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, "; ")
}
