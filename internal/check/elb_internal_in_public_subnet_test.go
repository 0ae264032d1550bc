package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: a load balancer with scheme internal in a subnet whose
// route table has an active route to an attached internet gateway
// (AWS-SEMANTICS.md §4). Fixture: subnetRegion.
var elbInternalInPublicSubnetCases = []checkCase{
	{"internal ALB in a public and a private subnet names the public one", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("internal-api", modeltest.Internal, ids("subnet-pub", "subnet-priv"), "sg-1")
	}), fires(check.Low, ids("internal-api"), "Internal application load balancer internal-api sits in public subnet subnet-pub (public-a), though its nodes get only private addresses.").
		withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"internal NLB without security group in two public subnets", subnetRegion(func(b *modeltest.Builder) {
		b.NetworkLoadBalancer("internal-nlb", modeltest.Internal, ids("subnet-pub", "subnet-pub2"))
	}), fires(check.Low, ids("internal-nlb"), "public subnets subnet-pub (public-a), subnet-pub2")},
	{"internal classic load balancer", subnetRegion(func(b *modeltest.Builder) {
		b.ClassicLoadBalancer("legacy", modeltest.Internal, ids("subnet-main2"), "sg-1")
	}), fires(check.Low, ids("legacy"), "Internal classic load balancer legacy sits in public subnet subnet-main2")},
	{"::/0 to the igw makes the subnet public (§4)", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("internal-api", modeltest.Internal, ids("subnet-v6"), "sg-1")
	}), fires(check.Low, ids("internal-api"), "subnet-v6")},

	{"internal ALB in private subnets", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("internal-api", modeltest.Internal, ids("subnet-priv", "subnet-eigw"), "sg-1")
	}), none},
	{"internet-facing ALB in public subnets: where it belongs", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-pub", "subnet-pub2"), "sg-1")
	}), none},
	{"instances are resource-in-public-subnet's", subnetRegion(instanceIn("subnet-pub")), none},
	{"route tables not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallRouteTables) }), skipped(model.CallRouteTables)},
}

func TestELBInternalInPublicSubnet(t *testing.T) {
	runCases(t, check.ELBInternalInPublicSubnet, elbInternalInPublicSubnetCases)
}
