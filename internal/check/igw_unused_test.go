package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// privateVPC is vpc-1 with internet gateway igw-1 attached and a main route
// table holding only the local route; add adds the rest.
func privateVPC(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16").Tags["Name"] = "data"
		b.InternetGateway("igw-1", "vpc-1")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.RouteTable("rtb-main", "vpc-1").Main()
		add(b)
		return b.Link()
	}
}

// The check's rule: an internet gateway passes only traffic a route sends
// it (AWS-SEMANTICS.md §4); one attached to nothing, or that no route
// table names, carries nothing.
var igwUnusedCases = []checkCase{
	{"subnetRegion's igw-3 is attached to no VPC", subnetRegion(func(*modeltest.Builder) {}),
		fires(check.Low, ids("igw-3"), "Internet gateway igw-3 is attached to no VPC.").withEvidence("igw-3 attachments: none")},
	{"attached, but no route table routes to it", privateVPC(func(*modeltest.Builder) {}),
		fires(check.Low, ids("igw-1", "vpc-1"), "Internet gateway igw-1 is attached to VPC vpc-1 (data), but no route table routes to it, so it carries no traffic.").
			withEvidence("igw-1 attached to vpc-1; no route table routes to it")},
	{"a blackhole route to it is no use", privateVPC(func(b *modeltest.Builder) {
		b.RouteTable("rtb-x", "vpc-1").Blackhole("0.0.0.0/0", "igw-1")
	}), fires(check.Low, ids("igw-1", "vpc-1"), "no route table routes to it")},
	{"a detached gateway is reported even without route tables", func() *model.Region {
		b := modeltest.New(account, region)
		b.InternetGateway("igw-9").Tags["Name"] = "spare"
		return b.Link()
	}, fires(check.Low, ids("igw-9"), "Internet gateway igw-9 (spare) is attached to no VPC.")},

	{"a route to it uses it", publicVPC(func(*modeltest.Builder) {}), none},
	{"an edge association (ingress routing, §4) uses it", privateVPC(func(b *modeltest.Builder) {
		b.RouteTable("rtb-edge", "vpc-1").GatewayIDs = ids("igw-1")
	}), none},
	{"route tables not collected: an attached gateway is not judged", privateVPC(func(b *modeltest.Builder) {
		b.NotCollected(model.CallRouteTables)
	}), none},

	{"internet gateways not collected: skipped", privateVPC(func(b *modeltest.Builder) {
		b.NotCollected(model.CallInternetGateways)
	}), skipped(model.CallInternetGateways)},
}

func TestIGWUnused(t *testing.T) {
	runCases(t, check.IGWUnused, igwUnusedCases)
}
