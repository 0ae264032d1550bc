package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

func asIs(*modeltest.Builder, *model.SecurityGroup) {}

// The check's rule: a VPC's default group ("default") holding any rule,
// AWS's own default rules included (AWS-SEMANTICS.md §2: all traffic from
// itself in, all traffic out).
var sgDefaultHasRulesCases = []checkCase{
	{"AWS's default rules on an unused default group", defaultGroupRegion(asIs),
		fires(check.Medium, ids("sg-d"),
			"sg-d (default), the default security group of VPC vpc-1 (main), has 1 inbound rule and 1 outbound rule; "+
				"anything launched in the VPC without a group of its own gets them. It is not attached to anything now.").
			withEvidence("sg-d ingress all traffic from sg-d", "sg-d egress all traffic to 0.0.0.0/0")},
	{"every rule removed", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) {
		d.Ingress = nil
		modeltest.SetEgress(d)
	}), none},
	{"only the outbound rule left", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) { d.Ingress = nil }),
		fires(check.Medium, ids("sg-d"), "has 0 inbound rules and 1 outbound rule;").withEvidence("sg-d egress all traffic to 0.0.0.0/0")},
	{"IPv6 VPC: the default group's outbound ::/0 rule counts too", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) {
		modeltest.SetEgress(d, modeltest.Egress("-1", -1, -1, "0.0.0.0/0"), modeltest.Egress("-1", -1, -1, "::/0"))
	}), fires(check.Medium, ids("sg-d"), "has 1 inbound rule and 2 outbound rules;")},
	{"used by an instance and a DB instance: named, and moving them comes first", defaultGroupRegion(func(b *modeltest.Builder, _ *model.SecurityGroup) {
		b.Instance("i-1", "subnet-a", "sg-d")
		b.DBInstance("db-1", "", ids("subnet-a"), "sg-d")
	}), fires(check.Medium, ids("sg-d", "i-1", "db-1"), "It is used by 1 EC2 instance, 1 RDS DB instance.", "Move those to groups of their own before removing the rules.")},
	{"ENI list not collected: said", defaultGroupRegion(func(b *modeltest.Builder, _ *model.SecurityGroup) { b.NotCollected(model.CallNetworkInterfaces) }),
		fires(check.Medium, ids("sg-d"), "It is not seen on anything, but ec2-describe-network-interfaces was not collected")},
	{"a rule someone added to the default group", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) {
		d.Ingress = nil
		modeltest.SetEgress(d)
		r := ingress("tcp", 22, 22, "203.0.113.0/24")
		r.GroupID, r.Direction = "sg-d", model.Ingress
		d.Ingress = []model.Rule{r}
	}), fires(check.Medium, ids("sg-d"), "has 1 inbound rule and 0 outbound rules;").withEvidence("sg-d ingress tcp/22 from 203.0.113.0/24")},
	{"the default group of a VPC another account shares with this one is the owner's to fix", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) { d.OwnerID = "999988887777" }), none},
	{"another group with rules is not a default group", groupRegion(onInstance, ingress("tcp", 443, 443, "0.0.0.0/0")), none},
	{"a group named default outside any VPC (EC2-Classic) is not a VPC's default group", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) { d.VPCID = "" }), none},
}

func TestSGDefaultHasRules(t *testing.T) {
	runCases(t, check.SGDefaultHasRules, sgDefaultHasRulesCases)
}
