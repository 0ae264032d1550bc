package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

func nothingMore(*modeltest.Builder) {}

// The check's rule: a group other than a VPC's default group that no
// interface carries and no resource names, decided only when the ENI list
// was collected (AWS-SEMANTICS.md §1: every VPC resource talks through an
// interface).
var sgUnusedCases = []checkCase{
	{"sg-1 on nothing", unusedRegion(nothingMore, nil, ingress("tcp", 5432, 5432, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1"), "sg-1 (app) is attached to nothing: no network interface carries it and no resource names it.")},
	{"sg-1 named by sg-2's rule: still unused for attachment, and the rule is named", unusedRegion(nothingMore, []model.Rule{fromSG("tcp", 5432, 5432, "sg-1")}),
		fires(check.Low, ids("sg-1", "sg-2"), "sg-1 (app) is attached to nothing",
			"Rules of sg-2 (web) still name it; they match no one while it is unused, and it cannot be deleted until they are removed.").
			withEvidence("sg-2 ingress tcp/5432 from sg-1")},
	{"sg-1 named by another group's egress rule", unusedRegion(func(b *modeltest.Builder) {
		for _, g := range b.Region().SecurityGroups {
			if g.ID == "sg-2" {
				modeltest.SetEgress(g, modeltest.EgressToGroup("tcp", 5432, 5432, "sg-1"))
			}
		}
	}, nil), fires(check.Low, ids("sg-1", "sg-2"), "Rules of sg-2 (web) still name it").withEvidence("sg-2 egress tcp/5432 to sg-1")},
	{"sg-1's rule naming itself does not count", unusedRegion(nothingMore, nil, fromSG("-1", -1, -1, "sg-1")),
		fires(check.Low, ids("sg-1"), "is attached to nothing: no network interface carries it and no resource names it.")},
	{"lambda-list-functions not collected: an idle function may name it", unusedRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallLambdaFunctions) }, nil),
		fires(check.Low, ids("sg-1"), "lambda-list-functions was not collected: an idle Lambda function whose interfaces AWS reclaimed may still name the group.")},
	{"a group another account shares with this one: the owner's interfaces are not in this account's data, nothing is concluded",
		unusedRegion(sharedFrom("999988887777", nothingMore), nil), none},
	{"sg-1 on an instance", unusedRegion(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }, nil), none},
	{"sg-1 on an interface of unknown owner (§1)", unusedRegion(func(b *modeltest.Builder) { b.ENI("eni-x", "subnet-a", "sg-1") }, nil), none},
	{"sg-1 on an unattached (available) interface: still carried", unusedRegion(func(b *modeltest.Builder) {
		e := b.ENI("eni-x", "subnet-a", "sg-1")
		e.Status = "available"
	}, nil), none},
	{"sg-1 named by an ECS service with no task running", unusedRegion(func(b *modeltest.Builder) { b.ECSService("main", "api", ids("subnet-a"), "sg-1") }, nil), none},
	{"sg-1 named by a load balancer whose interfaces are not listed", unusedRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1")
	}, nil), none},
	{"the unused default group is never reported (it cannot be deleted)", unusedRegion(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }, nil), none},
	{"ENI list not collected: skipped", unusedRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallNetworkInterfaces) }, nil),
		skipped(model.CallNetworkInterfaces)},
	{"two unused groups: one finding each", unusedRegion(func(b *modeltest.Builder) {
		b.SecurityGroup("sg-3", "vpc-1").Name = "old"
	}, nil), fires(check.Low, ids("sg-1"), "sg-1 (app) is attached").and(fires(check.Low, ids("sg-3"), "sg-3 (old) is attached"))},
}

func TestSGUnused(t *testing.T) {
	runCases(t, check.SGUnused, sgUnusedCases)
}
