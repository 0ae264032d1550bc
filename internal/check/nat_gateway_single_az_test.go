package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: subnets whose 0.0.0.0/0 goes to a NAT gateway
// (AWS-SEMANTICS.md §4) span several zones, and every such gateway is in
// one zone. Fixture: natVPC.
var natGatewaySingleAZCases = []checkCase{
	{"private subnets in 1a and 1c both use nat-a in 1a", natVPC("nat-a", func(*modeltest.Builder) {}),
		fires(check.Low, ids("vpc-1", "nat-a"),
			"In VPC vpc-1 (main), 2 subnets in 2 availability zones reach the internet only through NAT gateway nat-a in ap-northeast-1a: if ap-northeast-1a fails, the subnets in ap-northeast-1c lose internet access too.").
			withEvidence("subnet-priv-a (ap-northeast-1a) rtb-priv-a 0.0.0.0/0 -> nat-a in ap-northeast-1a",
				"subnet-priv-c (ap-northeast-1c) rtb-priv-c 0.0.0.0/0 -> nat-a in ap-northeast-1a")},
	{"two gateways, both in one zone, are no better", natVPC("nat-a", func(b *modeltest.Builder) {
		b.NATGateway("nat-a2", "subnet-pub-a", "198.51.100.3")
		b.Subnet("subnet-priv-d", "vpc-1", "10.0.13.0/24").AZ = region + "d"
		b.RouteTable("rtb-priv-d", "vpc-1").Associate("subnet-priv-d").Route("0.0.0.0/0", "nat-a2")
	}), fires(check.Low, ids("vpc-1", "nat-a", "nat-a2"), "3 subnets in 3 availability zones", "NAT gateways nat-a and nat-a2 in ap-northeast-1a", "the subnets in ap-northeast-1c and ap-northeast-1d")},

	{"one gateway per zone", natVPC("nat-c", func(*modeltest.Builder) {}), none},
	{"private subnets in one zone only", natVPC("nat-a", func(b *modeltest.Builder) {
		b.Region().Subnets[3].AZ = region + "a" // subnet-priv-c
	}), none},
	{"a private NAT gateway gives no internet access", natVPC("nat-a", func(b *modeltest.Builder) {
		b.Region().NATGateways[0].ConnectivityType = "private"
	}), none},
	{"a NAT gateway not in the data leaves the VPC unjudged", natVPC("nat-gone", func(*modeltest.Builder) {}), none},
	{"a subnet whose NAT route is a blackhole (§4) does not use the gateway", natVPC("nat-a", func(b *modeltest.Builder) {
		b.Region().RouteTables[2].Routes[1].Blackhole = true // rtb-priv-c 0.0.0.0/0
	}), none},

	{"NAT gateways not collected: skipped", natVPC("nat-a", func(b *modeltest.Builder) {
		b.NotCollected(model.CallNATGateways)
	}), skipped(model.CallNATGateways)},
}

func TestNATGatewaySingleAZ(t *testing.T) {
	runCases(t, check.NATGatewaySingleAZ, natGatewaySingleAZCases)
}
