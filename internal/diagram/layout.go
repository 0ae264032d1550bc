package diagram

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

var tierOrder = map[string]int{TierPublic: 0, TierPrivate: 1, TierIsolated: 2}

// layoutSubnets turns the collected subnets into the scene's VPCs, AZs,
// subnets and boxes, collapsing what is past the limits.
func (b *builder) layoutSubnets(regions []*model.Region, subnets []*subnetData, multi bool) {
	lim := b.opts.Limits
	type azKey struct{ vpc, az string }
	byAZ := map[azKey][]*subnetData{}
	for _, d := range subnets {
		k := azKey{d.vpc, d.subnet.AZ}
		byAZ[k] = append(byAZ[k], d)
	}
	// Subnets past SubnetsPerTier in one tier of one AZ are collapsed.
	kept := map[*subnetData]bool{}
	collapsed := map[azKey]map[string][]*subnetData{}
	for k, list := range byAZ {
		byTier := map[string][]*subnetData{}
		for _, d := range list {
			byTier[d.tier] = append(byTier[d.tier], d)
		}
		for tier, ds := range byTier {
			slices.SortFunc(ds, compareSubnets)
			n := len(ds)
			if lim.SubnetsPerTier > 0 && n > lim.SubnetsPerTier {
				n = lim.SubnetsPerTier - 1
				if collapsed[k] == nil {
					collapsed[k] = map[string][]*subnetData{}
				}
				collapsed[k][tier] = ds[n:]
			}
			for _, d := range ds[:n] {
				kept[d] = true
			}
		}
	}
	// Lower the roles per subnet until the boxes fit.
	rps := lim.RolesPerSubnet
	if rps <= 0 { // no limit
		for d := range kept {
			rps = max(rps, len(d.sorted))
		}
	}
	rps = max(rps, 1)
	boxes := func(rps int) int {
		n := 0
		for d := range kept {
			n += min(len(d.sorted), rps)
		}
		return n
	}
	for lim.Boxes > 0 && rps > 1 && boxes(rps) > lim.Boxes {
		rps--
	}
	collapsedRoles, collapsedIn := 0, 0

	for _, reg := range regions {
		vpcs := slices.Clone(reg.VPCs)
		slices.SortFunc(vpcs, func(a, c *model.VPC) int { return cmp.Compare(a.ID, c.ID) })
		for _, v := range vpcs {
			vn := &vpcNode{name: "cluster_" + b.next("vpc"), id: v.ID, label: b.vpcLabel(reg, v, multi)}
			b.gateways(reg, v, vn)
			var azs []string
			for k := range byAZ {
				if k.vpc == v.ID && byAZ[k][0].reg == reg {
					azs = append(azs, k.az)
				}
			}
			slices.Sort(azs)
			for _, az := range azs {
				k := azKey{v.ID, az}
				an := &azNode{name: az}
				list := slices.Clone(byAZ[k])
				slices.SortFunc(list, func(a, c *subnetData) int {
					return cmp.Or(cmp.Compare(tierOrder[a.tier], tierOrder[c.tier]), cmp.Compare(a.subnet.Tags.Name(), c.subnet.Tags.Name()), cmp.Compare(a.subnet.ID, c.subnet.ID))
				})
				done := map[string]bool{}
				for _, d := range list {
					if kept[d] {
						sn := b.subnetNode(reg, d, rps)
						if n := len(d.sorted) - rps; n > 0 {
							collapsedRoles += n
							collapsedIn++
						}
						an.subnets = append(an.subnets, sn)
						continue
					}
					if done[d.tier] {
						continue
					}
					done[d.tier] = true
					sn := b.moreSubnets(collapsed[k][d.tier], d.tier, az, vn)
					an.subnets = append(an.subnets, sn)
				}
				vn.azs = append(vn.azs, an)
			}
			if len(vn.azs) == 0 && len(vn.gateways) == 0 {
				vn.gateways = append(vn.gateways, &box{name: b.next("e"), kind: boxEmpty, lines: []string{b.lang.T("diagram.empty-vpc")}})
			}
			b.sc.vpcs = append(b.sc.vpcs, vn)
			if len(vn.igws) > 0 {
				b.sc.internet = true
			}
		}
	}
	if collapsedRoles > 0 {
		b.sc.notes = append(b.sc.notes, b.lang.T("diagram.note.roles", collapsedRoles, collapsedIn, rps))
	}
}

// compareSubnets orders the subnets of one tier and AZ, those kept first:
// the one with arrows, then the fullest, then by name.
func compareSubnets(a, b *subnetData) int {
	ak, bk := hasKept(a), hasKept(b)
	if ak != bk {
		if ak {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.subnet.Tags.Name(), b.subnet.Tags.Name()), cmp.Compare(a.subnet.ID, b.subnet.ID))
}

func hasKept(d *subnetData) bool {
	return len(d.sorted) > 0 && d.sorted[0].keep
}

func (b *builder) vpcLabel(reg *model.Region, v *model.VPC, multi bool) []string {
	first := v.ID
	if n := v.Tags.Name(); n != "" {
		first = n + " (" + v.ID + ")"
	}
	var cidrs []string
	for _, c := range v.CIDRs {
		cidrs = append(cidrs, c.String())
	}
	lines := []string{"VPC " + first}
	if len(cidrs) > 0 {
		lines = append(lines, strings.Join(cidrs, ", "))
	}
	if multi {
		lines = append(lines, reg.Account+" / "+reg.Name)
	}
	return lines
}

// gateways adds a VPC's internet gateways, egress-only gateways and
// gateway endpoints.
func (b *builder) gateways(reg *model.Region, v *model.VPC, vn *vpcNode) {
	for _, g := range reg.InternetGateways {
		if slices.Contains(g.Attached, v.ID) {
			bx := &box{name: b.next("g"), kind: boxGateway, lines: []string{b.lang.T("diagram.igw"), labelOf(g.ID, g.Tags.Name())}}
			vn.gateways = append(vn.gateways, bx)
			vn.igws = append(vn.igws, bx)
		}
	}
	for _, g := range reg.EgressOnlyInternetGateways {
		if slices.Contains(g.Attached, v.ID) {
			vn.gateways = append(vn.gateways, &box{name: b.next("g"), kind: boxGateway, lines: []string{b.lang.T("diagram.eigw"), labelOf(g.ID, g.Tags.Name())}})
		}
	}
	for _, ep := range reg.VPCEndpoints {
		if ep.VPCID == v.ID && ep.Type == "Gateway" {
			svc := ep.ServiceName[strings.LastIndexByte(ep.ServiceName, '.')+1:]
			vn.gateways = append(vn.gateways, &box{name: b.next("g"), kind: boxEndpoint, lines: []string{b.lang.T("diagram.gateway-endpoint"), svc, ep.ID}})
		}
	}
}

func labelOf(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

func (b *builder) subnetNode(reg *model.Region, d *subnetData, rps int) *subnetNode {
	s := d.subnet
	first := s.ID
	if n := s.Tags.Name(); n != "" {
		first = n + " (" + s.ID + ")"
	}
	label := []string{first, s.CIDR.String() + " · " + b.lang.T("diagram.tier."+d.tier)}
	if !s.CIDR.IsValid() {
		label[1] = b.lang.T("diagram.tier." + d.tier)
	}
	sn := &subnetNode{name: "cluster_" + b.next("subnet"), id: s.ID, label: label, tier: d.tier}
	shown := d.sorted
	var rest []*group
	if len(shown) > rps {
		shown, rest = d.sorted[:rps-1], d.sorted[rps-1:]
		if rps == 1 {
			shown, rest = nil, d.sorted
		}
	}
	for _, g := range shown {
		g.box = b.groupBox(g)
		sn.boxes = append(sn.boxes, g.box)
		b.setRep(g.key, g.box, g.members)
	}
	if len(d.sorted) == 0 {
		// Graphviz leaves an empty cluster out: say it is empty.
		sn.boxes = append(sn.boxes, &box{name: b.next("e"), kind: boxEmpty, lines: []string{b.lang.T("diagram.empty-subnet")}})
	}
	if len(rest) > 0 {
		m := 0
		for _, g := range rest {
			m += g.members
		}
		more := &box{name: b.next("m"), kind: boxMore, lines: []string{b.lang.T("diagram.more-roles", len(rest)), b.lang.T("diagram.resources", m)}}
		sn.boxes = append(sn.boxes, more)
		for _, g := range rest {
			g.box = more
			b.setRep(g.key, more, g.members)
		}
	}
	return sn
}

// moreSubnets draws the collapsed subnets of one tier in one AZ as one
// subnet with one box, and notes it.
func (b *builder) moreSubnets(ds []*subnetData, tier, az string, vn *vpcNode) *subnetNode {
	roles, members := 0, 0
	for _, d := range ds {
		roles += len(d.sorted)
		members += d.count
	}
	tierName := b.lang.T("diagram.tier." + tier)
	sn := &subnetNode{name: "cluster_" + b.next("subnet"), label: []string{b.lang.T("diagram.more-subnets", len(ds), tierName)}, tier: tier, collapsed: true}
	more := &box{name: b.next("m"), kind: boxMore, lines: []string{b.lang.T("diagram.roles", roles), b.lang.T("diagram.resources", members)}}
	sn.boxes = []*box{more}
	for _, d := range ds {
		for _, g := range d.sorted {
			g.box = more
			b.setRep(g.key, more, g.members)
		}
	}
	b.sc.notes = append(b.sc.notes, b.lang.T("diagram.note.subnets", len(ds), tierName, az, vn.id, roles, members))
	return sn
}

// setRep makes bx the box arrows of a role use when it holds more of the
// role's members than the one before (the first such box wins ties).
func (b *builder) setRep(key string, bx *box, n int) {
	if cur, ok := b.repN[key]; ok && cur >= n {
		return
	}
	b.rep[key], b.repN[key] = bx, n
}

// groupBox draws one role's members in one subnet: its name, count and
// what they are.
func (b *builder) groupBox(g *group) *box {
	bx := &box{name: b.next("r"), kind: boxRole}
	name := g.sort
	if g.owner != "" {
		name = b.lang.T("diagram.interfaces", b.lang.T("diagram.owner."+string(g.owner)))
	}
	first := truncate(name, 40)
	if g.members > 1 {
		first += " ×" + itoa(g.members)
	}
	bx.lines = []string{first}
	switch {
	case g.kind == model.KindLoadBalancer:
		bx.kind = boxLB
		bx.lines = append(bx.lines, b.lbKind(g.lb))
	case g.kind == model.KindNATGateway:
		bx.kind = boxNAT
		bx.lines = append(bx.lines, b.lang.T("diagram.kind."+string(g.kind)))
	case g.kind == model.KindVPCEndpoint:
		bx.kind = boxEndpoint
		bx.lines = append(bx.lines, b.lang.T("diagram.kind."+string(g.kind)))
		if len(g.detail) > 0 {
			d := slices.Clone(g.detail)
			slices.Sort(d)
			d = slices.Compact(d)
			bx.lines = append(bx.lines, truncate(strings.Join(d, ", "), 40))
		}
	case g.kind != "":
		bx.lines = append(bx.lines, b.lang.T("diagram.kind."+string(g.kind)))
	}
	return bx
}

func (b *builder) lbKind(lb *model.LoadBalancer) string {
	if lb == nil {
		return b.lang.T("diagram.kind." + string(model.KindLoadBalancer))
	}
	short := map[model.LoadBalancerType]string{model.LBApplication: "ALB", model.LBNetwork: "NLB", model.LBGateway: "GWLB", model.LBClassic: "CLB"}[lb.Type]
	if short == "" {
		short = b.lang.T("diagram.kind." + string(model.KindLoadBalancer))
	}
	switch lb.Scheme {
	case "internet-facing":
		return short + " · " + b.lang.T("diagram.lb.internet-facing")
	case "internal":
		return short + " · " + b.lang.T("diagram.lb.internal")
	}
	return short
}

// truncate shortens s to n characters with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
