package netdoc

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// worldRules returns the ingress rules of sg that open some protocol and
// port to the whole internet, alone (0.0.0.0/0, ::/0) or together with
// the group's other rules for that port (0.0.0.0/1 and 128.0.0.0/1, a
// prefix list holding 0.0.0.0/0): a packet passes when any rule matches
// (AWS-SEMANTICS.md §2), so sources add up, as the scan's world-open
// checks add them up. A prefix list whose entries were not collected is
// assumed open to the internet when the customer manages it, and nothing
// of it when AWS does, as the scan assumes. The rules are in sg's order.
func worldRules(reg *model.Region, sg *model.SecurityGroup) []model.Rule {
	type src struct {
		rule  model.Rule
		addrs []netip.Prefix
	}
	var srcs []src
	for _, r := range sg.Ingress {
		if a := ruleAddrs(reg, r); len(a) > 0 {
			srcs = append(srcs, src{r, a})
		}
	}
	open := make([]bool, len(srcs))
	// check marks the rules of set when their sources cover the internet.
	check := func(set []int) {
		var all []netip.Prefix
		for _, i := range set {
			all = append(all, srcs[i].addrs...)
		}
		if !coversInternet(all) {
			return
		}
		// The rules that open it alone, when there are; else the rules
		// without which it would not be open (a private range or an
		// office's prefix list beside them opens nothing more); else, when
		// each is redundant, every rule that admits some of the internet.
		var alone, needed, public []int
		for j, i := range set {
			if !hasPublic(srcs[i].addrs) {
				continue
			}
			public = append(public, i)
			if coversInternet(srcs[i].addrs) {
				alone = append(alone, i)
				continue
			}
			var others []netip.Prefix
			for k, o := range set {
				if k != j {
					others = append(others, srcs[o].addrs...)
				}
			}
			if !coversInternet(others) {
				needed = append(needed, i)
			}
		}
		mark := public
		switch {
		case len(alone) > 0:
			mark = alone
		case len(needed) > 0:
			mark = needed
		}
		for _, i := range mark {
			open[i] = true
		}
	}
	var every []int // all-protocol rules: they match every packet
	for i, s := range srcs {
		if s.rule.Protocol == model.ProtocolAll {
			every = append(every, i)
		}
	}
	check(every)
	// For each other protocol (and ICMP match), each piece of the port
	// space between the rules' edges, with the rules matching it.
	type key struct {
		proto model.Protocol
		icmp  model.ICMPMatch
	}
	byKey := map[key][]int{}
	var keys []key
	for i, s := range srcs {
		if s.rule.Protocol == model.ProtocolAll {
			continue
		}
		k := key{proto: s.rule.Protocol}
		if !s.rule.Protocol.HasPorts() {
			k.icmp = s.rule.ICMP
		}
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	for _, k := range keys {
		rules := byKey[k]
		if !k.proto.HasPorts() {
			check(append(slices.Clone(rules), every...))
			continue
		}
		var edges []int
		for _, i := range rules {
			edges = append(edges, int(srcs[i].rule.Ports.From), int(srcs[i].rule.Ports.To)+1)
		}
		slices.Sort(edges)
		edges = slices.Compact(edges)
		for j := 0; j+1 < len(edges); j++ {
			piece := model.PortRange{From: uint16(edges[j]), To: uint16(edges[j+1] - 1)}
			set := slices.Clone(every)
			for _, i := range rules {
				if srcs[i].rule.Ports.Overlaps(piece) {
					set = append(set, i)
				}
			}
			if len(set) > len(every) {
				check(set)
			}
		}
	}
	var out []model.Rule
	for i, s := range srcs {
		if open[i] {
			out = append(out, s.rule)
		}
	}
	return out
}

// ruleAddrs are the addresses a rule admits, as prefixes; none for a
// group reference.
func ruleAddrs(reg *model.Region, r model.Rule) []netip.Prefix {
	switch r.Peer.Kind {
	case model.PeerCIDR:
		if r.Peer.CIDR.IsValid() {
			return []netip.Prefix{r.Peer.CIDR.Masked()}
		}
	case model.PeerPrefixList:
		pl := reg.PrefixList(r.Peer.PrefixListID)
		switch {
		case pl != nil && pl.EntriesKnown:
			return pl.Entries
		case pl != nil && pl.AWSManaged():
			return nil
		default:
			return []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
		}
	}
	return nil
}

// notPublicIPv4 are the IPv4 ranges no packet from the internet comes
// from (private, shared, loopback, link-local, multicast, reserved), as
// the scan counts them.
var notPublicIPv4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("224.0.0.0/3"),
}

// globalIPv6 is the IPv6 internet.
var globalIPv6 = netip.MustParsePrefix("2000::/3")

// coversInternet reports whether the prefixes together hold every public
// IPv4 address, or every global IPv6 address.
func coversInternet(ps []netip.Prefix) bool {
	var v4, v6 []netip.Prefix
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	if len(v4) > 0 && covers(append(v4, notPublicIPv4...), netip.MustParsePrefix("0.0.0.0/0")) {
		return true
	}
	return len(v6) > 0 && covers(v6, globalIPv6)
}

// covers reports whether the union of ps holds every address of want.
func covers(ps []netip.Prefix, want netip.Prefix) bool {
	type span struct{ lo, hi netip.Addr }
	spans := make([]span, 0, len(ps))
	for _, p := range ps {
		p = p.Masked()
		spans = append(spans, span{p.Addr(), lastAddr(p)})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(a.lo.Compare(b.lo), a.hi.Compare(b.hi)) })
	lo, hi := want.Masked().Addr(), lastAddr(want)
	next := lo // the first address of want not yet covered
	for _, s := range spans {
		if s.lo.Compare(next) > 0 {
			break
		}
		if s.hi.Compare(next) >= 0 {
			if s.hi.Compare(hi) >= 0 {
				return true
			}
			next = s.hi.Next()
		}
	}
	return false
}

// lastAddr is the last address of a prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.As16()
	skip := 0 // the bytes of an IPv4 address's 16-byte form before it
	if a.Is4() {
		skip = 12
	}
	for i := skip*8 + p.Bits(); i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	if a.Is4() {
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(b)
}

// hasPublic reports whether some of the prefixes' addresses are public
// IPv4 or global IPv6 addresses.
func hasPublic(ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Addr().Is4() {
			if !covers(notPublicIPv4, p) {
				return true
			}
		} else if p.Overlaps(globalIPv6) {
			return true
		}
	}
	return false
}
