package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// autoAssign turns MapPublicIpOnLaunch on for the subnets.
func autoAssign(b *modeltest.Builder, subnetIDs ...string) {
	for _, s := range b.Region().Subnets {
		for _, id := range subnetIDs {
			if s.ID == id {
				s.MapPublicIPOnLaunch = true
			}
		}
	}
}

// The check's rule: subnets with MapPublicIpOnLaunch, one finding per VPC.
// Fixture: publicVPC (subnet-a, subnet-b public; NAT gateway nat-1 in
// subnet-a).
var subnetAutoAssignPublicIPCases = []checkCase{
	{"public subnets with instances", publicVPC(func(b *modeltest.Builder) {
		autoAssign(b, "subnet-a", "subnet-b")
		b.Instance("i-1", "subnet-b", "sg-1")
	}), fires(check.Low, ids("subnet-a", "subnet-b"),
		"In VPC vpc-1 (main), 2 subnets assign a public IPv4 address to every instance launched in them: subnet-a, subnet-b.").
		withEvidence("subnet-a MapPublicIpOnLaunch=true (ap-northeast-1a)", "subnet-b MapPublicIpOnLaunch=true (ap-northeast-1a)")},
	{"one subnet, named by its Name tag", publicVPC(func(b *modeltest.Builder) {
		autoAssign(b, "subnet-b")
		b.Region().Subnets[1].Tags["Name"] = "public-b"
	}), fires(check.Low, ids("subnet-b"), "1 subnet assigns a public IPv4 address to every instance launched in it: subnet-b (public-b).")},
	{"a subnet holding only a NAT gateway and an internet-facing load balancer is still reported, saying nothing there needs it", publicVPC(func(b *modeltest.Builder) {
		autoAssign(b, "subnet-a")
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1")
	}), fires(check.Low, ids("subnet-a"), "It holds only internet-facing load balancers and NAT gateways", "changes nothing for them")},
	{"a private subnet (§4): the address is useless until a route to an igw appears", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-priv", "vpc-1", "10.0.3.0/24").MapPublicIPOnLaunch = true
		b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "nat-1")
	}), fires(check.Low, ids("subnet-priv"), "It has no route to an internet gateway")},
	{"two VPCs, two findings", publicVPC(func(b *modeltest.Builder) {
		autoAssign(b, "subnet-a")
		b.VPC("vpc-2", "10.1.0.0/16").IsDefault = true
		b.Subnet("subnet-d", "vpc-2", "10.1.0.0/20").MapPublicIPOnLaunch = true
	}), fires(check.Low, ids("subnet-a"), "In VPC vpc-1 (main)").and(fires(check.Low, ids("subnet-d"), "In VPC vpc-2, 1 subnet"))},

	{"auto-assign off everywhere", publicVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }), none},
	{"no subnets", func() *model.Region {
		return modeltest.New(account, region).Collected(model.CallSubnets).Link()
	}, none},

	{"subnets not collected: skipped", publicVPC(func(b *modeltest.Builder) {
		autoAssign(b, "subnet-a")
		b.NotCollected(model.CallSubnets)
	}), skipped(model.CallSubnets)},
}

func TestSubnetAutoAssignPublicIP(t *testing.T) {
	runCases(t, check.SubnetAutoAssignPublicIP, subnetAutoAssignPublicIPCases)
}
