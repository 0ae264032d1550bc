package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// fnIn adds Lambda function fn configured with subnets.
func fnIn(subnets ...string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) { b.Lambda("fn", subnets, "sg-1") }
}

// The check's rule: a VPC-attached Lambda function configured with a
// public subnet (AWS-SEMANTICS.md §4). Its interfaces never get a public
// address, so what it sends to the internet gateway never gets out (§5).
// Fixture: subnetRegion.
var lambdaInPublicSubnetCases = []checkCase{
	{"default route to the igw: no internet access at all (§5)", subnetRegion(fnIn("subnet-pub")),
		fires(check.Medium, ids("fn"), "Lambda function fn is placed in public subnet subnet-pub (public-a). Its interfaces never get a public address, so nothing it sends through the internet gateway gets out: in that subnet it has no internet access at all.").
			withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"two public subnets and a private one: the public ones are named", subnetRegion(fnIn("subnet-pub", "subnet-pub2", "subnet-priv")),
		fires(check.Medium, ids("fn"), "public subnets subnet-pub (public-a), subnet-pub2. ", "in those subnets it has no internet access at all.").
			withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub", "subnet-pub2 route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"public through its VPC's main table (§1)", subnetRegion(func(b *modeltest.Builder) { b.Lambda("fn", ids("subnet-main2"), "sg-1") }),
		fires(check.Medium, ids("fn"), "subnet-main2", "no internet access at all")},
	{"default route to a NAT gateway, 203.0.113.0/24 to the igw: only that range is lost", subnetRegion(fnIn("subnet-part")),
		fires(check.Medium, ids("fn"), "public subnet subnet-part", "it cannot reach the destinations those subnets route to the internet gateway.").
			withEvidence("subnet-part route 203.0.113.0/24 -> igw-1 in rtb-part")},
	{"::/0 to the igw, IPv4 through NAT (§4)", subnetRegion(fnIn("subnet-v6")),
		fires(check.Medium, ids("fn"), "subnet-v6", "cannot reach the destinations")},
	{"a public subnet with a NAT default beside one without: not 'no access at all'", subnetRegion(fnIn("subnet-pub", "subnet-part")),
		fires(check.Medium, ids("fn"), "cannot reach the destinations")},
	{"each function is its own finding", subnetRegion(func(b *modeltest.Builder) {
		b.Lambda("fn-a", ids("subnet-pub"), "sg-1")
		b.Lambda("fn-b", ids("subnet-pub2"), "sg-1")
	}), fires(check.Medium, ids("fn-a"), "fn-a").and(fires(check.Medium, ids("fn-b"), "fn-b"))},

	{"private subnets only (0.0.0.0/0 -> NAT)", subnetRegion(fnIn("subnet-priv")), none},
	{"::/0 to an egress-only igw does not make a subnet public (§4)", subnetRegion(fnIn("subnet-eigw")), none},
	{"a route to a detached igw is unusable (§4)", subnetRegion(fnIn("subnet-detached")), none},
	{"an instance is not a function", subnetRegion(instanceIn("subnet-pub")), none},
	{"functions not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallLambdaFunctions) }), skipped(model.CallLambdaFunctions)},
	{"route tables not collected: skipped", subnetRegion(func(b *modeltest.Builder) {
		b.NotCollected(model.CallRouteTables)
		fnIn("subnet-pub")(b)
	}), skipped(model.CallRouteTables)},
}

func TestLambdaInPublicSubnet(t *testing.T) {
	runCases(t, check.LambdaInPublicSubnet, lambdaInPublicSubnetCases)
}
