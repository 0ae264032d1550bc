package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: routes in state blackhole (their target was deleted;
// packets drop, AWS-SEMANTICS.md §4), one finding per route table.
var routeBlackholeCases = []checkCase{
	{"subnetRegion's rtb-bh: 0.0.0.0/0 -> igw-1 blackhole, used by subnet-bh", subnetRegion(func(*modeltest.Builder) {}),
		fires(check.Low, ids("rtb-bh", "igw-1"),
			"Route table rtb-bh of VPC vpc-1 has 1 blackhole route whose target no longer exists (0.0.0.0/0 -> igw-1): packets to that destination are dropped; it is the route table of 1 subnet.").
			withEvidence("rtb-bh 0.0.0.0/0 -> igw-1 (blackhole)")},
	{"two dead routes in one table are one finding; a prefix-list route counts", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-c", "vpc-1", "10.0.3.0/24")
		b.RouteTable("rtb-c", "vpc-1").Associate("subnet-c").Route("0.0.0.0/0", "igw-1").
			Blackhole("10.1.0.0/16", "pcx-gone").Blackhole("pl-s3", "vpce-gone")
	}), fires(check.Low, ids("rtb-c", "pcx-gone", "vpce-gone"), "has 2 blackhole routes", "10.1.0.0/16 -> pcx-gone and pl-s3 -> vpce-gone", "those destinations").
		withEvidence("rtb-c 10.1.0.0/16 -> pcx-gone (blackhole)", "rtb-c pl-s3 -> vpce-gone (blackhole)")},
	{"a table no subnet uses says so", publicVPC(func(b *modeltest.Builder) {
		b.RouteTable("rtb-old", "vpc-1").Blackhole("0.0.0.0/0", "nat-gone").Tags["Name"] = "old"
	}), fires(check.Low, ids("rtb-old", "nat-gone"), "Route table rtb-old (old) of VPC vpc-1 (main)", "no subnet uses the table")},
	{"an unused main table", publicVPC(func(b *modeltest.Builder) {
		b.RouteTable("rtb-main", "vpc-1").Main().Blackhole("0.0.0.0/0", "nat-gone")
	}), fires(check.Low, ids("rtb-main", "nat-gone"), "its VPC's main table, used by no subnet now")},

	{"every route active", publicVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }), none},

	{"route tables not collected: skipped", publicVPC(func(b *modeltest.Builder) { b.NotCollected(model.CallRouteTables) }), skipped(model.CallRouteTables)},
}

func TestRouteBlackhole(t *testing.T) {
	runCases(t, check.RouteBlackhole, routeBlackholeCases)
}
