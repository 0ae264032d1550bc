package check

import (
	"net/netip"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// PeeringRouteTooWide finds routes to a VPC peering connection whose
// destination covers addresses outside the peer VPC's CIDR blocks (for
// example 10.0.0.0/8 via pcx-… when the peer is 10.1.0.0/16).
//
// Addresses a more specific route of the same table takes (the local route,
// say) never use the peering route (longest prefix match, AWS-SEMANTICS.md
// §4) and are not counted. A route whose peering connection, or whose
// peer's CIDR blocks, are not in the data is not judged; nor is a
// prefix-list destination whose entries were not collected.
var PeeringRouteTooWide = &Check{
	Meta: Meta{
		ID:       "peering-route-too-wide",
		Title:    "Route to a VPC peering connection is wider than the peer VPC",
		Severity: Medium,
		Rationale: "A peering connection only delivers to the peer VPC's own CIDR blocks, so a wider route adds no " +
			"reachability today; it swallows traffic meant for other networks (on-premises ranges behind a VPN or " +
			"transit gateway) and drops it, and it silently opens a path to any CIDR block the peer adds later. " +
			"Peering routes should be as narrow as the purpose of the peering, at most the peer's blocks.",
		Remediation: "Replace the route with one per peer CIDR block, or narrower to the subnets that must talk (aws ec2 " +
			"delete-route --route-table-id RTB --destination-cidr-block WIDE_CIDR, then aws ec2 create-route " +
			"--route-table-id RTB --destination-cidr-block PEER_CIDR --vpc-peering-connection-id PCX).",
		References: []string{
			"CIS AWS Foundations Benchmark v3.0.0 5.5",
			"https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
			"https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
		},
		Needs: []model.Call{model.CallRouteTables, model.CallPeeringConnections},
	},
	Run: func(p *Pass) {
		peerings := map[string]*model.PeeringConnection{}
		for _, pc := range p.Region.PeeringConnections {
			if peerings[pc.ID] == nil {
				peerings[pc.ID] = pc
			}
		}
		for _, rt := range p.Region.RouteTables {
			for i := range rt.Routes {
				r := &rt.Routes[i]
				if r.TargetKind != model.TargetPeering || r.Blackhole {
					continue
				}
				pc := peerings[r.TargetID]
				if pc == nil {
					continue
				}
				peerVPC, peerCIDRs := pc.AccepterVPC, pc.AccepterCIDRs
				switch rt.VPCID {
				case pc.RequesterVPC:
				case pc.AccepterVPC:
					peerVPC, peerCIDRs = pc.RequesterVPC, pc.RequesterCIDRs
				default:
					continue
				}
				dests, ok := routeDestinations(p.Region, r)
				if !ok {
					continue
				}
				extra := peeringExtra(rt, r, dests, peerCIDRs)
				if len(extra) == 0 {
					continue
				}
				var peerBlocks []string
				for _, c := range peerCIDRs {
					peerBlocks = append(peerBlocks, c.String())
				}
				p.Report([]string{rt.ID, pc.ID}, []string{
					routeString(rt, r),
					pc.ID + " peer " + peerVPC + " CIDR blocks " + strings.Join(peerBlocks, ", "),
				},
					msg("peering-route-too-wide.msg", labelTagged(rt.ID, rt.Tags), vpcLabelOf(p.Region, rt.VPCID), r.DestinationString(), labelTagged(pc.ID, pc.Tags),
						peerVPC, andList(peerBlocks), listSome(extra)))
			}
		}
	},
}

// routeDestinations resolves a route's destination to prefixes: its CIDR,
// or its prefix list's entries. ok is false when they are unknown.
func routeDestinations(reg *model.Region, r *model.Route) ([]netip.Prefix, bool) {
	if r.DestinationPrefixList == "" {
		return []netip.Prefix{r.Destination}, r.Destination.IsValid()
	}
	pl := reg.PrefixList(r.DestinationPrefixList)
	if pl == nil || !pl.EntriesKnown {
		return nil, false
	}
	return pl.Entries, true
}

// peeringExtra returns, as prefixes, the addresses the peering route r of
// rt sends to the peering although the peer VPC does not have them: its
// destinations, less the peer's blocks of the same family, less whatever a
// more specific route of rt takes first. An empty peer block list gives
// nothing: the peer is unknown, and nothing is concluded.
func peeringExtra(rt *model.RouteTable, r *model.Route, dests, peer []netip.Prefix) []string {
	if len(peer) == 0 {
		return nil
	}
	var out []string
	for _, d := range dests {
		var b netipx.IPSetBuilder
		b.AddPrefix(d.Masked())
		for _, c := range peer {
			b.RemovePrefix(c.Masked())
		}
		for j := range rt.Routes {
			o := &rt.Routes[j]
			if o == r || o.DestinationPrefixList != "" || !o.Destination.IsValid() {
				continue
			}
			if o.Destination.Bits() > d.Bits() {
				b.RemovePrefix(o.Destination.Masked())
			}
		}
		set, _ := b.IPSet()
		for _, x := range set.Prefixes() {
			out = append(out, x.String())
		}
	}
	return out
}
