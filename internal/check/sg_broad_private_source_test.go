package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: an ingress rule whose source CIDR holds a whole block
// of the group's VPC (vpc-1, 10.0.0.0/16 in groupRegion) and nothing public
// outside it, where a group reference would name the callers
// (AWS-SEMANTICS.md §2, §7).
var sgBroadPrivateSourceCases = []checkCase{
	{"tcp 5432 from the VPC's CIDR", groupRegion(onPostgres, ingress("tcp", 5432, 5432, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1", "db-1"),
			"sg-1 (app) accepts tcp/5432 from 10.0.0.0/16, which holds all of VPC vpc-1 (10.0.0.0/16): every resource in the VPC may call it, "+
				"whatever its role; it is used by 1 RDS DB instance. Reference the callers' security group as the source instead.").
			withEvidence("sg-1 ingress tcp/5432 from 10.0.0.0/16")},
	{"all traffic from 10.0.0.0/8, which holds the VPC", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/8")),
		fires(check.Low, ids("sg-1", "i-1"), "accepts all traffic from 10.0.0.0/8, which holds all of VPC vpc-1 (10.0.0.0/16)")},
	{"two rules: one finding", groupRegion(onInstance, ingress("tcp", 443, 443, "10.0.0.0/16"), ingress("tcp", 22, 22, "10.0.0.0/8")),
		fires(check.Low, ids("sg-1", "i-1"), "accepts tcp/443 from 10.0.0.0/16, tcp/22 from 10.0.0.0/8, ranges that each hold all of VPC vpc-1 (10.0.0.0/16)").
			withEvidence("sg-1 ingress tcp/443 from 10.0.0.0/16", "sg-1 ingress tcp/22 from 10.0.0.0/8")},
	{"a secondary block in shared address space (100.64.0.0/10 is not public)", groupRegion(withVPCCIDR("100.64.0.0/16", onInstance), ingress("tcp", 443, 443, "100.64.0.0/10")),
		fires(check.Low, ids("sg-1", "i-1"), "tcp/443 from 100.64.0.0/10, which holds all of VPC vpc-1 (100.64.0.0/16)")},
	{"the VPC's IPv6 block", groupRegion(withVPCCIDR("2600:1f18:1:100::/56", onInstance), ingress("tcp", 443, 443, "2600:1f18:1:100::/56")),
		fires(check.Low, ids("sg-1", "i-1"), "tcp/443 from 2600:1f18:1:100::/56, which holds all of VPC vpc-1 (2600:1f18:1:100::/56)")},
	{"a wider IPv6 block holds public addresses outside the VPC", groupRegion(withVPCCIDR("2600:1f18:1:100::/56", onInstance), ingress("tcp", 443, 443, "2600:1f18::/32")), none},
	{"unattached group: still reported, at its low severity", groupRegion(onNothing, ingress("tcp", 5432, 5432, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1"), "it is not attached to anything now")},
	{"ICMP from the VPC: ping and path MTU", groupRegion(onInstance, ingress("icmp", -1, -1, "10.0.0.0/16"), ingress("icmp", 8, -1, "10.0.0.0/8")), none},
	{"one subnet is narrower than the VPC", groupRegion(onPostgres, ingress("tcp", 5432, 5432, "10.0.1.0/24")), none},
	{"172.16.0.0/12 does not hold the VPC: the callers are elsewhere (VPN, peering)", groupRegion(onPostgres, ingress("tcp", 5432, 5432, "172.16.0.0/12")), none},
	{"0.0.0.0/0 holds the VPC but is the internet (the world-open checks' finding)", groupRegion(onPostgres, ingress("tcp", 5432, 5432, "0.0.0.0/0")), none},
	{"10.0.0.0/7 reaches into public space", groupRegion(onPostgres, ingress("tcp", 5432, 5432, "10.0.0.0/7")), none},
	{"a group reference", groupRegion(onPostgres, fromSG("tcp", 5432, 5432, "sg-2")), none},
	{"a prefix list is not a CIDR rule", groupRegion(onPostgres, fromList("tcp", 5432, 5432, "pl-office")), none},
	{"an interface endpoint serves the whole VPC by design", groupRegion(onInterfaceEndpoint, ingress("tcp", 443, 443, "10.0.0.0/16")), none},
	{"an interface endpoint's group shared with an instance", groupRegion(both(onInterfaceEndpoint, onInstance), ingress("tcp", 443, 443, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1", "i-1", "vpce-1"), "tcp/443 from 10.0.0.0/16")},
	{"the target port of a network load balancer without groups: it has no group to reference", groupRegion(behindBareNLB, ingress("tcp", 8080, 8080, "10.0.0.0/16")), none},
	{"another port of a target behind a network load balancer without groups", groupRegion(behindBareNLB, ingress("tcp", 8080, 8080, "10.0.0.0/16"), ingress("tcp", 22, 22, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1", "i-1"), "accepts tcp/22 from 10.0.0.0/16, which holds").withEvidence("sg-1 ingress tcp/22 from 10.0.0.0/16")},
	{"a network load balancer with security groups is referenced like any caller", groupRegion(func(b *modeltest.Builder) {
		behindBareNLB(b)
		for _, r := range b.Region().Resources {
			if r.LoadBalancer != nil {
				r.LoadBalancer.SecurityGroupIDs, r.SecurityGroupIDs = []string{"sg-2"}, []string{"sg-2"}
			}
		}
	}, ingress("tcp", 8080, 8080, "10.0.0.0/16")), fires(check.Low, ids("sg-1", "i-1"), "tcp/8080 from 10.0.0.0/16")},
	{"VPCs not collected: skipped", groupRegion(notCollected(onPostgres, model.CallVPCs), ingress("tcp", 5432, 5432, "10.0.0.0/16")), skipped(model.CallVPCs)},
}

func TestSGBroadPrivateSource(t *testing.T) {
	runCases(t, check.SGBroadPrivateSource, sgBroadPrivateSourceCases)
}
