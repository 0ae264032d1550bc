package reach

import (
	"net/netip"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Address spaces the engine starts from.
var (
	allIPv4 = netip.MustParsePrefix("0.0.0.0/0")
	allIPv6 = netip.MustParsePrefix("::/0")

	// privateIPv4 and privateIPv6 are never the source of a packet from
	// the internet: RFC 1918, shared, loopback, link-local, multicast and
	// reserved IPv4 space; RFC 4193 unique-local, link-local, multicast and
	// loopback IPv6 space (AWS-SEMANTICS.md §5).
	privateIPv4 = mustSet("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3")
	privateIPv6 = mustSet("::/8", "fc00::/7", "fe80::/10", "ff00::/8")

	everything = mustSet("0.0.0.0/0", "::/0")
	ipv4Set    = mustSet("0.0.0.0/0")
	ipv6Set    = mustSet("::/0")
)

func mustSet(prefixes ...string) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range prefixes {
		b.AddPrefix(netip.MustParsePrefix(p))
	}
	s, err := b.IPSet()
	if err != nil {
		panic(err)
	}
	return s
}

func setOf(prefixes ...netip.Prefix) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, p := range prefixes {
		b.AddPrefix(p)
	}
	s, _ := b.IPSet()
	return s
}

func union(sets ...*netipx.IPSet) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, s := range sets {
		if s != nil {
			b.AddSet(s)
		}
	}
	s, _ := b.IPSet()
	return s
}

func intersect(a, b *netipx.IPSet) *netipx.IPSet {
	var x netipx.IPSetBuilder
	x.AddSet(a)
	x.Intersect(b)
	s, _ := x.IPSet()
	return s
}

func subtract(a, b *netipx.IPSet) *netipx.IPSet {
	var x netipx.IPSetBuilder
	x.AddSet(a)
	x.RemoveSet(b)
	s, _ := x.IPSet()
	return s
}

func isEmpty(s *netipx.IPSet) bool { return s == nil || s.Equal(emptySet) }

var emptySet = &netipx.IPSet{}

// overlaps reports whether a and b share an address.
func overlaps(a, b *netipx.IPSet) bool { return a != nil && b != nil && a.Overlaps(b) }

// vpcCIDRs is the set of a VPC's CIDR blocks; empty when the VPC is unknown.
func vpcCIDRs(reg *model.Region, vpcID string) *netipx.IPSet {
	if v := reg.VPC(vpcID); v != nil {
		return setOf(v.CIDRs...)
	}
	return setOf()
}
