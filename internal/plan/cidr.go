package plan

import (
	"fmt"
	"net/netip"
	"slices"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Subnet sizes: the most common prefix length of the VPC's subnets, /24
// when it has none, never smaller than /28 (AWS's smallest subnet).
const (
	defaultSubnetBits  = 24
	smallestSubnetBits = 28
)

// rfc1918 are the private IPv4 blocks a secondary VPC block is taken from,
// each with the size of the block the planner adds in it; carrierNAT is
// the shared address space AWS also accepts as a secondary block.
var (
	rfc1918 = []struct {
		block netip.Prefix
		bits  int
	}{
		{netip.MustParsePrefix("10.0.0.0/8"), 16},
		{netip.MustParsePrefix("172.16.0.0/12"), 16},
		{netip.MustParsePrefix("192.168.0.0/16"), 20},
	}
	carrierNAT = netip.MustParsePrefix("100.64.0.0/10")
)

// cidrAllocator hands out CIDR blocks for a VPC's new subnets from its
// free IPv4 space: the VPC's blocks minus its subnets minus the blocks it
// handed out already, lowest address first, each aligned on its size.
// When the VPC is full it picks one secondary block (secondaryBlock) and
// allocates from that. It is not safe for concurrent use.
type cidrAllocator struct {
	vpcID     string
	bits      int
	free      *netipx.IPSet
	cidrs     []netip.Prefix // the VPC's IPv4 blocks, then the secondary one
	taken     *netipx.IPSet  // every block of the region's VPCs and peered VPCs
	secondary netip.Prefix   // invalid until one is needed
}

// newCIDRAllocator prepares allocation in vpc. subnets are the region's
// subnets (those of other VPCs are ignored); taken are the IPv4 blocks a
// secondary block must not overlap: every VPC of the region and every
// VPC peered with one.
func newCIDRAllocator(vpc *model.VPC, subnets []*model.Subnet, taken []netip.Prefix) *cidrAllocator {
	a := &cidrAllocator{vpcID: vpc.ID}
	var free, tk netipx.IPSetBuilder
	for _, c := range vpc.CIDRs {
		if c.Addr().Is4() {
			a.cidrs = append(a.cidrs, c.Masked())
			free.AddPrefix(c.Masked())
		}
	}
	counts := map[int]int{}
	for _, s := range subnets {
		if s.VPCID != vpc.ID || !s.CIDR.IsValid() || !s.CIDR.Addr().Is4() {
			continue
		}
		free.RemovePrefix(s.CIDR.Masked())
		counts[s.CIDR.Bits()]++
	}
	for _, p := range taken {
		if p.IsValid() && p.Addr().Is4() {
			tk.AddPrefix(p.Masked())
		}
	}
	for _, c := range a.cidrs {
		tk.AddPrefix(c)
	}
	a.free, _ = free.IPSet()
	a.taken, _ = tk.IPSet()
	a.bits = mostCommonBits(counts)
	return a
}

// mostCommonBits is the most frequent prefix length (the longer one on a
// tie), defaultSubnetBits without any, and at most smallestSubnetBits.
func mostCommonBits(counts map[int]int) int {
	best, n := defaultSubnetBits, 0
	for bits, c := range counts {
		if c > n || (c == n && bits > best) {
			best, n = bits, c
		}
	}
	return min(best, smallestSubnetBits)
}

// next returns the next free block. It fails only when no secondary block
// can be found either.
func (a *cidrAllocator) next() (netip.Prefix, error) {
	if p, ok := a.take(a.bits); ok {
		return p, nil
	}
	if a.secondary.IsValid() {
		return netip.Prefix{}, fmt.Errorf("%s: no room for a /%d subnet even in the secondary block %s", a.vpcID, a.bits, a.secondary)
	}
	sec, ok := a.pickSecondary()
	if !ok {
		return netip.Prefix{}, fmt.Errorf("%s: the VPC has no room for a /%d subnet and no free secondary block was found in its private range or 100.64.0.0/10", a.vpcID, a.bits)
	}
	a.secondary = sec
	a.cidrs = append(a.cidrs, sec)
	var b netipx.IPSetBuilder
	b.AddSet(a.free)
	b.AddPrefix(sec)
	a.free, _ = b.IPSet()
	// At least 16 subnets fit in the secondary block: every tier of every
	// AZ, with room to spare.
	a.bits = max(a.bits, sec.Bits()+4)
	p, ok := a.take(a.bits)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("%s: no room for a /%d subnet in the secondary block %s", a.vpcID, a.bits, sec)
	}
	return p, nil
}

// take removes the lowest free aligned block of length bits.
func (a *cidrAllocator) take(bits int) (netip.Prefix, bool) {
	p, rest, ok := a.free.RemoveFreePrefix(uint8(bits))
	if !ok {
		return netip.Prefix{}, false
	}
	a.free = rest
	return p, true
}

// pickSecondary is the lowest block of the private range holding the
// VPC's primary block (a /16 of 10.0.0.0/8 or 172.16.0.0/12, a /20 of
// 192.168.0.0/16) that overlaps no VPC of the region and no peered VPC,
// else the lowest such /16 of 100.64.0.0/10.
func (a *cidrAllocator) pickSecondary() (netip.Prefix, bool) {
	var candidates []struct {
		block netip.Prefix
		bits  int
	}
	if len(a.cidrs) > 0 {
		for _, r := range rfc1918 {
			if r.block.Contains(a.cidrs[0].Addr()) {
				candidates = append(candidates, r)
			}
		}
	}
	candidates = append(candidates, struct {
		block netip.Prefix
		bits  int
	}{carrierNAT, 16})
	for _, c := range candidates {
		var b netipx.IPSetBuilder
		b.AddPrefix(c.block)
		b.RemoveSet(a.taken)
		free, _ := b.IPSet()
		if p, _, ok := free.RemoveFreePrefix(uint8(c.bits)); ok {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// takenBlocks are the IPv4 blocks a secondary block of any VPC of reg
// must avoid: every VPC's blocks and both sides of every peering.
func takenBlocks(reg *model.Region) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range reg.VPCs {
		out = append(out, v.CIDRs...)
	}
	for _, pc := range reg.PeeringConnections {
		out = append(out, pc.RequesterCIDRs...)
		out = append(out, pc.AccepterCIDRs...)
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return out
}
