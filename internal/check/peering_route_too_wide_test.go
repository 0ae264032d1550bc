package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: a route to a peering connection covers addresses
// outside the peer VPC's CIDR blocks, counting only addresses no more
// specific route of the table takes first (longest prefix match,
// AWS-SEMANTICS.md §4). Fixture: peeredVPCs (vpc-1 10.0.0.0/16, rtb-1;
// peer vpc-2, rtb-2; pcx-1).
var peeringRouteTooWideCases = []checkCase{
	{"10.0.0.0/8 via pcx when the peer is 10.1.0.0/16; the local 10.0.0.0/16 is not counted", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.0.0.0/8", "pcx-1") }),
		fires(check.Medium, ids("rtb-1", "pcx-1"),
			"Route table rtb-1 of VPC vpc-1 sends 10.0.0.0/8 to peering connection pcx-1, but the peer VPC vpc-2 has only 10.1.0.0/16: the route also covers 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13 and 4 more, which the peering cannot deliver.").
			withEvidence("rtb-1 10.0.0.0/8 -> pcx-1", "pcx-1 peer vpc-2 CIDR blocks 10.1.0.0/16")},
	{"the accepter's side is judged against the requester's blocks", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, _, rtb2 *modeltest.RouteTable) { rtb2.Route("10.0.0.0/14", "pcx-1") }),
		fires(check.Medium, ids("rtb-2", "pcx-1"), "Route table rtb-2 of VPC vpc-2", "the peer VPC vpc-1 has only 10.0.0.0/16: the route also covers 10.2.0.0/15,")},
	{"a peer with two blocks: only what lies outside both counts", peeredVPCs(ids("10.1.0.0/16", "10.2.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.0.0.0/14", "pcx-1") }),
		fires(check.Medium, ids("rtb-1", "pcx-1"), "has only 10.1.0.0/16 and 10.2.0.0/16: the route also covers 10.3.0.0/16,")},
	{"an IPv6 route to a peer without IPv6 delivers nothing", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("2600:1f18::/56", "pcx-1") }),
		fires(check.Medium, ids("rtb-1", "pcx-1"), "also covers 2600:1f18::/56")},
	{"a prefix-list destination is judged by its entries", peeredVPCs(ids("10.1.0.0/16"),
		func(b *modeltest.Builder, rtb1, _ *modeltest.RouteTable) {
			b.PrefixList("pl-peers", account, "10.1.0.0/16", "10.9.0.0/16")
			rtb1.Route("pl-peers", "pcx-1")
		}),
		fires(check.Medium, ids("rtb-1", "pcx-1"), "sends pl-peers to peering connection pcx-1", "also covers 10.9.0.0/16,")},

	{"exactly the peer's block", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.1.0.0/16", "pcx-1") }), none},
	{"narrower than the peer (least access, CIS 5.5)", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.1.5.0/24", "pcx-1") }), none},
	{"a more specific route takes the rest first", peeredVPCs(ids("10.1.0.0/16", "10.2.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) {
			rtb1.Route("10.0.0.0/14", "pcx-1").Route("10.3.0.0/16", "tgw-1")
		}), none},
	{"a blackhole peering route is route-blackhole's", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Blackhole("10.0.0.0/8", "pcx-1") }), none},
	{"a peering not in the data is not judged", peeredVPCs(ids("10.1.0.0/16"),
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.0.0.0/8", "pcx-other") }), none},
	{"a peer whose blocks are unknown is not judged", peeredVPCs(nil,
		func(_ *modeltest.Builder, rtb1, _ *modeltest.RouteTable) { rtb1.Route("10.0.0.0/8", "pcx-1") }), none},
	{"a prefix list whose entries were not collected is not judged", peeredVPCs(ids("10.1.0.0/16"),
		func(b *modeltest.Builder, rtb1, _ *modeltest.RouteTable) {
			b.PrefixListWithoutEntries("pl-peers", account)
			rtb1.Route("pl-peers", "pcx-1")
		}), none},

	{"peering connections not collected: skipped", peeredVPCs(ids("10.1.0.0/16"),
		func(b *modeltest.Builder, rtb1, _ *modeltest.RouteTable) {
			rtb1.Route("10.0.0.0/8", "pcx-1")
			b.NotCollected(model.CallPeeringConnections)
		}), skipped(model.CallPeeringConnections)},
}

func TestPeeringRouteTooWide(t *testing.T) {
	runCases(t, check.PeeringRouteTooWide, peeringRouteTooWideCases)
}
