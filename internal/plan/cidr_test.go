package plan

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func subnetsOf(vpc string, cidrs ...string) []*model.Subnet {
	var out []*model.Subnet
	for i, c := range cidrs {
		out = append(out, &model.Subnet{ID: fmt.Sprintf("subnet-%d", i), VPCID: vpc, CIDR: netip.MustParsePrefix(c)})
	}
	return out
}

// TestCIDRAllocatorCases pins the allocation rules: lowest free address
// first, the most common existing prefix length, /24 by default, and a
// secondary block only when the VPC is full.
func TestCIDRAllocatorCases(t *testing.T) {
	for _, tc := range []struct {
		name      string
		vpc       []netip.Prefix
		subnets   []*model.Subnet
		taken     []netip.Prefix
		n         int
		want      []string
		secondary string
	}{
		{"empty VPC: /24s from the bottom", prefixes("10.0.0.0/16"), nil, nil, 2, []string{"10.0.0.0/24", "10.0.1.0/24"}, ""},
		{"after the existing subnets, in holes first", prefixes("10.0.0.0/16"), subnetsOf("vpc-1", "10.0.0.0/24", "10.0.2.0/24"), nil, 2, []string{"10.0.1.0/24", "10.0.3.0/24"}, ""},
		{"the most common length", prefixes("10.0.0.0/16"), subnetsOf("vpc-1", "10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"), nil, 1, []string{"10.0.48.0/20"}, ""},
		{"aligned past an odd hole", prefixes("10.0.0.0/16"), subnetsOf("vpc-1", "10.0.0.0/25", "10.0.1.0/24", "10.0.3.0/24"), nil, 1, []string{"10.0.2.0/24"}, ""},
		{"never smaller than /28", prefixes("10.0.0.0/24"), subnetsOf("vpc-1", "10.0.0.0/30"), nil, 1, []string{"10.0.0.16/28"}, ""},
		{"full: a /16 of 10/8 that no VPC uses", prefixes("10.0.0.0/16"), subnetsOf("vpc-1", "10.0.0.0/17", "10.0.128.0/17"), prefixes("10.0.0.0/16", "10.1.0.0/16"), 1, []string{"10.2.0.0/20"}, "10.2.0.0/16"},
		{"full: peered blocks are avoided", prefixes("172.16.0.0/24"), subnetsOf("vpc-1", "172.16.0.0/24"), prefixes("172.16.0.0/24", "172.17.0.0/16"), 1, []string{"172.18.0.0/24"}, "172.18.0.0/16"},
		{"full: a /20 of 192.168/16", prefixes("192.168.0.0/24"), subnetsOf("vpc-1", "192.168.0.0/25", "192.168.0.128/25"), nil, 1, []string{"192.168.16.0/25"}, "192.168.16.0/20"},
		{"full private range: 100.64/10", prefixes("192.168.0.0/16"), subnetsOf("vpc-1", "192.168.0.0/16"), nil, 1, []string{"100.64.0.0/20"}, "100.64.0.0/16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newCIDRAllocator(&model.VPC{ID: "vpc-1", CIDRs: tc.vpc}, tc.subnets, tc.taken)
			var got []string
			for range tc.n {
				p, err := a.next()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.String())
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("allocated %v, want %v", got, tc.want)
			}
			sec := ""
			if a.secondary.IsValid() {
				sec = a.secondary.String()
			}
			if sec != tc.secondary {
				t.Errorf("secondary %q, want %q", sec, tc.secondary)
			}
		})
	}
}

// TestCIDRAllocationNeverOverlaps is the property test: on many random VPC
// layouts (some full to the last address), every allocated block is
// aligned, inside the VPC's blocks (with the secondary one), overlaps no
// existing subnet and no other allocation, and a secondary block overlaps
// no VPC of the region and no peered VPC.
func TestCIDRAllocationNeverOverlaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	bases := []string{"10.0.0.0", "10.20.0.0", "172.16.0.0", "172.31.0.0", "192.168.0.0", "192.168.64.0"}
	for i := range 2000 {
		base := netip.MustParseAddr(bases[rng.IntN(len(bases))])
		vpcBits := 16 + rng.IntN(9) // /16 to /24
		vpcCIDR := netip.PrefixFrom(base, vpcBits).Masked()
		// Existing subnets: random blocks carved from the VPC's free
		// space; with a quarter of the layouts, carve until full.
		var free netipx.IPSetBuilder
		free.AddPrefix(vpcCIDR)
		set, _ := free.IPSet()
		var subnets []*model.Subnet
		full := rng.IntN(4) == 0
		for j := 0; full || j < rng.IntN(12); j++ {
			bits := min(vpcBits+rng.IntN(6), 28)
			p, rest, ok := set.RemoveFreePrefix(uint8(bits))
			if !ok {
				p, rest, ok = set.RemoveFreePrefix(28)
				if !ok {
					break
				}
			}
			set = rest
			subnets = append(subnets, &model.Subnet{ID: fmt.Sprintf("subnet-%d", j), VPCID: "vpc-1", CIDR: p})
		}
		// Other VPCs and peerings in the region.
		taken := []netip.Prefix{vpcCIDR}
		for range rng.IntN(4) {
			taken = append(taken, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), 0, 0}), 16))
			taken = append(taken, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(16 + rng.IntN(3)), 0, 0}), 16))
		}
		a := newCIDRAllocator(&model.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{vpcCIDR}}, subnets, taken)
		var used netipx.IPSetBuilder
		for _, s := range subnets {
			used.AddPrefix(s.CIDR)
		}
		n := 1 + rng.IntN(8)
		for range n {
			p, err := a.next()
			if err != nil {
				t.Fatalf("layout %d (%s, %d subnets): %v", i, vpcCIDR, len(subnets), err)
			}
			if p != p.Masked() {
				t.Fatalf("layout %d: %s is not aligned", i, p)
			}
			inside := vpcCIDR.Contains(p.Addr()) && p.Bits() >= vpcCIDR.Bits()
			if a.secondary.IsValid() && a.secondary.Contains(p.Addr()) && p.Bits() >= a.secondary.Bits() {
				inside = true
			}
			if !inside {
				t.Fatalf("layout %d: %s is outside %s and the secondary %s", i, p, vpcCIDR, a.secondary)
			}
			if p.Bits() > smallestSubnetBits {
				t.Fatalf("layout %d: %s is smaller than /%d", i, p, smallestSubnetBits)
			}
			u, _ := used.IPSet()
			if u.OverlapsPrefix(p) {
				t.Fatalf("layout %d: %s overlaps an existing subnet or an earlier allocation", i, p)
			}
			used.AddPrefix(p)
		}
		if a.secondary.IsValid() {
			for _, o := range taken {
				if o.Overlaps(a.secondary) {
					t.Fatalf("layout %d: secondary %s overlaps %s", i, a.secondary, o)
				}
			}
		}
	}
}
