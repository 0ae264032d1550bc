package netdoc

import (
	"math/big"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// cidrPlan writes, per VPC, its address blocks, its subnets by AZ and tier,
// and the free space left in its blocks.
func (g *gen) cidrPlan() {
	g.d.heading(2, g.t("doc.cidr.heading"))
	found := false
	for _, reg := range g.inv.Regions() {
		for _, v := range reg.VPCs {
			found = true
			g.vpcCIDRs(reg, v)
		}
	}
	if !found {
		g.d.para(g.t("doc.cidr.none"))
	}
}

func (g *gen) vpcCIDRs(reg *model.Region, v *model.VPC) {
	g.d.heading(3, g.t("doc.cidr.vpc", g.vpcLabel(v)))
	var blocks []string
	for _, c := range v.CIDRs {
		blocks = append(blocks, code(c.String()))
	}
	if len(blocks) == 0 {
		blocks = append(blocks, g.t("doc.unknown"))
	}
	g.d.para(g.t("doc.cidr.where", code(reg.Account), code(reg.Name), strings.Join(blocks, g.t("doc.list.sep"))))
	if vp := g.vpcPlan(reg, v.ID); vp != nil && vp.SecondaryCIDR != "" {
		g.d.para(g.t("doc.cidr.secondary", code(vp.SecondaryCIDR)))
	}

	type row struct {
		az, tier string
		cidr     netip.Prefix
		cells    []string
	}
	var rows []row
	var used []netip.Prefix
	for _, s := range reg.Subnets {
		if s.VPCID != v.ID {
			continue
		}
		tier := g.tierOf(reg, s)
		id := code(s.ID)
		if plan.IsPlaceholder(s.ID) {
			id += " " + g.t("doc.cidr.new")
		}
		cidr := g.t("doc.unknown")
		if s.CIDR.IsValid() {
			cidr = code(s.CIDR.String())
			used = append(used, s.CIDR)
		}
		rows = append(rows, row{s.AZ, tier, s.CIDR, []string{code(s.AZ), g.t("doc.tier." + tier), id, esc(s.Tags.Name()), cidr}})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := strings.Compare(a.az, b.az); c != 0 {
			return c
		}
		if c := tierOrder[a.tier] - tierOrder[b.tier]; c != 0 {
			return c
		}
		return comparePrefix(a.cidr, b.cidr)
	})
	if len(rows) == 0 {
		g.d.para(g.t("doc.cidr.no_subnets"))
	} else {
		var cells [][]string
		for _, r := range rows {
			cells = append(cells, r.cells)
		}
		g.d.table([]string{g.t("doc.cidr.col.az"), g.t("doc.tiers.col.tier"), g.t("doc.cidr.col.subnet"), g.t("doc.cidr.col.name"), g.t("doc.cidr.col.cidr")}, cells)
	}

	var free []string
	total := new(big.Int)
	for _, b := range v.CIDRs {
		if !b.Addr().Is4() {
			continue
		}
		for _, f := range freeSpace(b, used) {
			free = append(free, code(f.String()))
			total.Add(total, new(big.Int).Lsh(big.NewInt(1), uint(32-f.Bits())))
		}
	}
	if len(free) == 0 {
		g.d.para(g.t("doc.cidr.full"))
		return
	}
	g.d.para(g.t("doc.cidr.free", total.String(), strings.Join(free, g.t("doc.list.sep"))))
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// freeSpace returns the parts of the IPv4 block no subnet in used covers,
// as the fewest aligned prefixes, lowest address first.
func freeSpace(block netip.Prefix, used []netip.Prefix) []netip.Prefix {
	block = block.Masked()
	lo := u32(block.Addr())
	hi := lo + (uint64(1) << (32 - block.Bits())) // exclusive
	type span struct{ from, to uint64 }
	var taken []span
	for _, u := range used {
		if !u.Addr().Is4() || !block.Overlaps(u) {
			continue
		}
		u = u.Masked()
		from := u32(u.Addr())
		taken = append(taken, span{from, from + (uint64(1) << (32 - u.Bits()))})
	}
	slices.SortFunc(taken, func(a, b span) int {
		switch {
		case a.from < b.from:
			return -1
		case a.from > b.from:
			return 1
		}
		return 0
	})
	var out []netip.Prefix
	cur := lo
	for _, t := range taken {
		if t.from > cur {
			out = append(out, rangePrefixes(cur, min(t.from, hi))...)
		}
		cur = max(cur, t.to)
	}
	if cur < hi {
		out = append(out, rangePrefixes(cur, hi)...)
	}
	return out
}

func u32(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

// rangePrefixes splits [from, to) into aligned prefixes.
func rangePrefixes(from, to uint64) []netip.Prefix {
	var out []netip.Prefix
	for from < to {
		size := uint64(1)
		bits := 32
		for bits > 0 {
			next := size << 1
			if from%next != 0 || from+next > to {
				break
			}
			size = next
			bits--
		}
		a := netip.AddrFrom4([4]byte{byte(from >> 24), byte(from >> 16), byte(from >> 8), byte(from)})
		out = append(out, netip.PrefixFrom(a, bits))
		from += size
	}
	return out
}
