package check_test

import (
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: a VPC whose every subnet is public (AWS-SEMANTICS.md §4)
// while it hosts something other than internet-facing load balancers, NAT
// gateways, bastions and interface endpoints. Fixture: publicVPC.
var vpcPublicSubnetsOnlyCases = []checkCase{
	{"every subnet routes to the igw and an instance lives there", publicVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }),
		fires(check.Medium, ids("vpc-1"), "VPC vpc-1 (main) has 2 subnets and every one routes to the internet gateway igw-1, so there is no private subnet for the 1 resource that needs no inbound internet traffic: 1 EC2 instance.").
			withEvidence("subnet-a route 0.0.0.0/0 -> igw-1", "subnet-b route 0.0.0.0/0 -> igw-1")},
	{"public through the main table (§1) counts the same", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-c", "vpc-1", "10.0.3.0/24")
		b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "igw-1")
		b.Instance("i-1", "subnet-c", "sg-1")
	}), fires(check.Medium, ids("vpc-1"), "has 3 subnets").
		withEvidence("subnet-a route 0.0.0.0/0 -> igw-1", "subnet-b route 0.0.0.0/0 -> igw-1", "subnet-c route 0.0.0.0/0 -> igw-1")},
	{"the resources that need no inbound traffic are counted by kind", publicVPC(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-a", "sg-1")
		b.Instance("i-2", "subnet-b", "sg-1")
		b.DBInstance("db-1", "", ids("subnet-a", "subnet-b"), "sg-1")
		b.Lambda("fn", ids("subnet-a"), "sg-1")
		b.ECSService("main", "api", ids("subnet-b"), "sg-1")
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a", "subnet-b"), "sg-1")
	}), fires(check.Medium, ids("vpc-1"), "for the 5 resources that need no inbound internet traffic: 2 EC2 instances, 1 ECS service, 1 Lambda function, 1 RDS DB instance.")},
	{"an internal load balancer needs no inbound internet traffic", publicVPC(func(b *modeltest.Builder) {
		b.LoadBalancer("api", modeltest.Internal, ids("subnet-a", "subnet-b"), "sg-1")
	}), fires(check.Medium, ids("vpc-1"), "traffic: 1 load balancer.")},

	{"one private subnet (NAT route only, §4) is somewhere private to live", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-priv", "vpc-1", "10.0.3.0/24")
		b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "nat-1")
		b.Instance("i-1", "subnet-a", "sg-1")
	}), none},
	{"only an internet-facing load balancer and a NAT gateway", publicVPC(func(b *modeltest.Builder) {
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a", "subnet-b"), "sg-1")
	}), none},
	{"only a bastion and an interface endpoint", publicVPC(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-a", "sg-1").Tags["Name"] = "bastion"
		b.InterfaceEndpoint("vpce-1", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-a"), "sg-1")
	}), none},
	{"a subnet whose public state is unknown (no association, no main table)", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-c", "vpc-1", "10.0.3.0/24")
		b.Instance("i-1", "subnet-a", "sg-1")
	}), none},
	{"a subnet whose igw route is a blackhole (§4) is private", publicVPC(func(b *modeltest.Builder) {
		b.Subnet("subnet-c", "vpc-1", "10.0.3.0/24")
		b.RouteTable("rtb-c", "vpc-1").Associate("subnet-c").Blackhole("0.0.0.0/0", "igw-1")
		b.Instance("i-1", "subnet-a", "sg-1")
	}), none},
	{"the instance lives in another VPC", publicVPC(func(b *modeltest.Builder) {
		b.VPC("vpc-2", "10.1.0.0/16")
		b.Subnet("subnet-x", "vpc-2", "10.1.1.0/24")
		b.RouteTable("rtb-x", "vpc-2").Main()
		b.Instance("i-1", "subnet-x", "sg-1")
	}), none},
	{"a VPC without subnets", func() *model.Region {
		b := modeltest.New(account, region).Collected(model.CallSubnets, model.CallRouteTables)
		b.VPC("vpc-1", "10.0.0.0/16")
		return b.Link()
	}, none},

	{"route tables not collected: skipped", publicVPC(func(b *modeltest.Builder) {
		b.NotCollected(model.CallRouteTables)
		b.Instance("i-1", "subnet-a", "sg-1")
	}), skipped(model.CallRouteTables)},
}

func TestVPCPublicSubnetsOnly(t *testing.T) {
	runCases(t, check.VPCPublicSubnetsOnly, vpcPublicSubnetsOnlyCases)
}

// TestVPCPublicSubnetsOnlyWithoutVPCs pins that a missing ec2-describe-vpcs
// is never silent (PRODUCT.md: a missing file means "not collected", never
// "no resources"): with subnets and route tables collected the check must
// either still conclude from the subnets' VPC IDs or be skipped naming the
// call.
func TestVPCPublicSubnetsOnlyWithoutVPCs(t *testing.T) {
	reg := publicVPC(func(b *modeltest.Builder) {
		b.NotCollected(model.CallVPCs)
		b.Instance("i-1", "subnet-a", "sg-1")
	})()
	reg.VPCs = nil // as the loader leaves it when the file is missing
	res := check.Run(modeltest.Inventory(reg), []*check.Check{check.VPCPublicSubnetsOnly})
	concluded := len(res.Findings) == 1 && slices.Equal(res.Findings[0].Resources, []string{"vpc-1"})
	skipped := len(res.Skipped) == 1 && slices.Contains(res.Skipped[0].Missing, model.CallVPCs)
	if !concluded && !skipped {
		t.Errorf("vpc-public-subnets-only is silent without %s (findings %+v, skipped %+v)",
			model.CallVPCs, res.Findings, res.Skipped)
	}
}
