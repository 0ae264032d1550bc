package netdoc

import (
	"fmt"
	"slices"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// tierUnknown is the tier of a subnet whose route table the snapshot lacks.
const tierUnknown = "unknown"

// tierOrder sorts tiers from the most exposed to the least.
var tierOrder = map[string]int{plan.TierPublic: 0, plan.TierPrivate: 1, plan.TierIsolated: 2, tierUnknown: 3}

// tierOf decides a subnet's tier: the plan's tier for the subnets it
// creates or keeps public; otherwise public when its route table reaches an
// internet gateway (AWS-SEMANTICS.md §4), private when it has another
// default route out (NAT gateway, transit gateway...), isolated when it has
// none, unknown when the route table is not in the snapshot.
func (g *gen) tierOf(reg *model.Region, s *model.Subnet) string {
	if vp := g.vpcPlan(reg, s.VPCID); vp != nil {
		for _, ns := range vp.Subnets {
			if ns.ID == s.ID {
				return ns.Tier
			}
		}
		if slices.Contains(vp.PublicSubnets, s.ID) {
			return plan.TierPublic
		}
	}
	if s.Public == model.Yes {
		return plan.TierPublic
	}
	if s.RouteTable == nil {
		return tierUnknown
	}
	for _, r := range s.RouteTable.Routes {
		if r.Blackhole || r.TargetKind == model.TargetLocal || r.TargetKind == model.TargetGatewayEndpoint {
			continue
		}
		if r.Destination.IsValid() && r.Destination.Bits() == 0 {
			return plan.TierPrivate
		}
	}
	return plan.TierIsolated
}

// tiers writes the tiers and what may live in each, how many subnets of
// each the network has, and the resources in a public subnet that do not
// belong there.
func (g *gen) tiers() {
	g.d.heading(2, g.t("doc.tiers.heading"))
	g.d.para(g.t("doc.tiers.intro"))
	var rows [][]string
	for _, tier := range []string{plan.TierPublic, plan.TierPrivate, plan.TierIsolated} {
		rows = append(rows, []string{"**" + g.t("doc.tier."+tier) + "**", g.t("doc.tier." + tier + ".route"), g.t("doc.tier." + tier + ".holds")})
	}
	g.d.table([]string{g.t("doc.tiers.col.tier"), g.t("doc.tiers.col.route"), g.t("doc.tiers.col.holds")}, rows)

	rows = nil
	var misplaced []string
	for _, reg := range g.inv.Regions() {
		for _, v := range reg.VPCs {
			count := map[string]int{}
			resources := map[string]int{}
			for _, s := range reg.Subnets {
				if s.VPCID == v.ID {
					count[g.tierOf(reg, s)]++
				}
			}
			for _, res := range reg.Resources {
				if res.VPCID != v.ID {
					continue
				}
				tier := g.resourceTier(reg, res)
				if tier == "" {
					continue
				}
				resources[tier]++
				if tier == plan.TierPublic && !res.BelongsInPublicSubnet() {
					misplaced = append(misplaced, g.t("doc.tiers.misplaced", g.resourceLabel(res), g.kindNoun(res.Kind)))
				}
			}
			for _, tier := range []string{plan.TierPublic, plan.TierPrivate, plan.TierIsolated, tierUnknown} {
				if count[tier] == 0 {
					continue
				}
				rows = append(rows, []string{g.vpcLabel(v), g.t("doc.tier." + tier), fmt.Sprint(count[tier]), fmt.Sprint(resources[tier])})
			}
		}
	}
	if len(rows) == 0 {
		g.d.para(g.t("doc.tiers.none"))
		return
	}
	g.d.para(g.t("doc.tiers.here"))
	g.d.table([]string{g.t("doc.col.vpc"), g.t("doc.tiers.col.tier"), g.t("doc.tiers.col.subnets"), g.t("doc.tiers.col.resources")}, rows)
	if len(misplaced) > 0 {
		g.d.para(g.t("doc.tiers.misplaced_intro", len(misplaced)))
		g.list(misplaced)
	}
}

// resourceTier is the most exposed tier among the subnets of a resource,
// "" when it has none in the snapshot.
func (g *gen) resourceTier(reg *model.Region, res *model.Resource) string {
	best := ""
	for _, id := range res.SubnetIDs {
		s := reg.Subnet(id)
		if s == nil {
			continue
		}
		t := g.tierOf(reg, s)
		if best == "" || tierOrder[t] < tierOrder[best] {
			best = t
		}
	}
	return best
}

// maxListed caps the bullet lists of offenders and misplaced resources.
const maxListed = 20

// list writes a bullet list, at most maxListed items and a line saying how
// many more there are.
func (g *gen) list(items []string) {
	for i, it := range items {
		if i == maxListed {
			g.d.line("- " + g.t("doc.list.more", len(items)-maxListed))
			break
		}
		g.d.line("- " + it)
	}
	g.d.line("")
}

// vpcLabel is "`name` (`vpc-…`)" or "`vpc-…`".
func (g *gen) vpcLabel(v *model.VPC) string {
	if n := v.Tags.Name(); n != "" {
		return code(n) + " (" + code(v.ID) + ")"
	}
	return code(v.ID)
}

// resourceLabel is "`id` (name)" or "`id`"; ECS services, whose IDs are
// long ARNs, are their name.
func (g *gen) resourceLabel(res *model.Resource) string {
	if res.ECS != nil && res.Name != "" {
		return code(res.Name)
	}
	if res.Name != "" && res.Name != res.ID {
		return code(res.ID) + " (" + esc(res.Name) + ")"
	}
	return code(res.ID)
}

// kindNoun names a resource kind in the reader's language.
func (g *gen) kindNoun(k model.ResourceKind) string {
	key := "doc.kind." + string(k)
	if s := g.t(key); s != "["+key+"]" {
		return s
	}
	return esc(string(k))
}
