package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: a network load balancer with no security group; only
// network ACLs then filter what reaches it (AWS-SEMANTICS.md §6), and one
// can be added only at creation. Fixture: lbRegion.
var elbNLBWithoutSecurityGroupCases = []checkCase{
	{"internet-facing NLB without security group", lbRegion(nlb(mt.InternetFacing, ls("TCP", 443))),
		fires(check.Low, ids("nlb"), "Network load balancer nlb (internet-facing) has no security group").withEvidence("nlb SecurityGroups=[]")},
	{"internal NLB without security group: the same gap", lbRegion(nlb(mt.Internal, ls("TCP", 5432))),
		fires(check.Low, ids("nlb"), "nlb (internal) has no security group")},
	{"NLB whose listeners were not collected", lbRegion(func(b *mt.Builder) {
		b.NetworkLoadBalancer("nlb", mt.InternetFacing, pubAB)
		b.NotCollected(model.CallListeners)
	}), fires(check.Low, ids("nlb"), "no security group")},
	{"each NLB is its own finding", lbRegion(func(b *mt.Builder) {
		b.NetworkLoadBalancer("nlb-a", mt.InternetFacing, pubAB)
		b.NetworkLoadBalancer("nlb-b", mt.Internal, ids("subnet-priv"))
	}), fires(check.Low, ids("nlb-a"), "nlb-a").and(fires(check.Low, ids("nlb-b"), "nlb-b"))},

	{"NLB with a security group", lbRegion(nlb(mt.InternetFacing, ls("TCP", 443), "sg-https")), none},
	{"an ALB always has a group; a classic LB is not an NLB", lbRegion(both(alb(mt.InternetFacing, ls("HTTPS", 443), "sg-web"), classic(mt.InternetFacing, ls("TCP", 443)))), none},
	{"load balancers not collected: skipped", lbRegion(func(b *mt.Builder) { b.NotCollected(model.CallLoadBalancersV2) }), skipped(model.CallLoadBalancersV2)},
}

func TestELBNLBWithoutSecurityGroup(t *testing.T) {
	runCases(t, check.ELBNLBWithoutSecurityGroup, elbNLBWithoutSecurityGroupCases)
}
