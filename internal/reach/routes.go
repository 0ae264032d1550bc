package reach

import (
	"net/netip"
	"sort"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// routeRegion is the part of the address space for which one route is the
// longest-prefix match of its table.
type routeRegion struct {
	Route *model.Route
	Addrs *netipx.IPSet
}

// routeRegions splits the address space among a table's routes by longest
// prefix match (AWS-SEMANTICS.md §4): more specific wins; at equal length a
// CIDR route beats a prefix-list route. A prefix-list route whose entries
// were not collected claims nothing; notes say so.
func routeRegions(reg *model.Region, rt *model.RouteTable) ([]routeRegion, []note) {
	type item struct {
		p     netip.Prefix
		route *model.Route
		pl    bool
	}
	var items []item
	var notes []note
	for i := range rt.Routes {
		r := &rt.Routes[i]
		if r.DestinationPrefixList == "" {
			items = append(items, item{p: r.Destination, route: r})
			continue
		}
		pl := reg.PrefixList(r.DestinationPrefixList)
		if pl == nil || !pl.EntriesKnown {
			notes = append(notes, note{"route table " + rt.ID + " routes prefix list " + r.DestinationPrefixList + " whose entries were not collected",
				i18n.M("reach.note.prefix-list-route", rt.ID, r.DestinationPrefixList)})
			continue
		}
		for _, e := range pl.Entries {
			items = append(items, item{p: e, route: r, pl: true})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].p.Bits() != items[j].p.Bits() {
			return items[i].p.Bits() > items[j].p.Bits()
		}
		return !items[i].pl && items[j].pl
	})
	var claimed netipx.IPSetBuilder
	regions := map[*model.Route]*netipx.IPSetBuilder{}
	var order []*model.Route
	for _, it := range items {
		var b netipx.IPSetBuilder
		b.AddPrefix(it.p)
		c, _ := claimed.IPSet()
		b.RemoveSet(c)
		part, _ := b.IPSet()
		claimed.AddPrefix(it.p)
		if isEmpty(part) {
			continue
		}
		rb := regions[it.route]
		if rb == nil {
			rb = &netipx.IPSetBuilder{}
			regions[it.route] = rb
			order = append(order, it.route)
		}
		rb.AddSet(part)
	}
	out := make([]routeRegion, 0, len(order))
	for _, r := range order {
		s, _ := regions[r].IPSet()
		out = append(out, routeRegion{Route: r, Addrs: s})
	}
	return out, notes
}

// internetReturn is the set of internet addresses to which subnet s routes
// replies through an attached internet gateway, with the routes that do it
// (AWS-SEMANTICS.md §5.2). An egress-only gateway never counts. Where the
// table is unknown, every address is assumed routable and a note says so.
func internetReturn(reg *model.Region, s *model.Subnet) (*netipx.IPSet, []*model.Route, []note) {
	if s == nil || s.RouteTable == nil {
		return everything, nil, []note{{"route table unknown (not collected or no association): assumed to route to an internet gateway", i18n.M("reach.note.route-table-unknown")}}
	}
	regions, notes := routeRegions(reg, s.RouteTable)
	igwKnown := reg.Coverage.Has(model.CallInternetGateways)
	var b netipx.IPSetBuilder
	var used []*model.Route
	for _, rr := range regions {
		r := rr.Route
		if r.TargetKind != model.TargetInternetGateway || r.Blackhole {
			continue
		}
		if igwKnown {
			if g := gateway(reg, r.TargetID); g != nil && !g.AttachedTo(s.VPCID) {
				continue
			}
		}
		b.AddSet(rr.Addrs)
		used = append(used, r)
	}
	// A prefix-list route to the gateway whose entries are unknown may
	// cover anything outside the VPC: over-approximate.
	for i := range s.RouteTable.Routes {
		r := &s.RouteTable.Routes[i]
		if r.DestinationPrefixList == "" || r.TargetKind != model.TargetInternetGateway || r.Blackhole {
			continue
		}
		if pl := reg.PrefixList(r.DestinationPrefixList); pl == nil || !pl.EntriesKnown {
			b.AddSet(subtract(everything, vpcCIDRs(reg, s.VPCID)))
			used = append(used, r)
		}
	}
	set, _ := b.IPSet()
	if len(s.RouteTable.GatewayIDs) > 0 {
		notes = append(notes, note{"unverified: ingress routing (route table " + s.RouteTable.ID + " is associated with a gateway) is not modelled", i18n.M("reach.note.ingress-routing", s.RouteTable.ID)})
	}
	return set, used, notes
}

func gateway(reg *model.Region, id string) *model.InternetGateway {
	for _, g := range reg.InternetGateways {
		if g.ID == id {
			return g
		}
	}
	return nil
}
