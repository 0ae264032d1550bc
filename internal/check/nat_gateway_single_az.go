package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// NATGatewaySingleAZ finds VPCs whose subnets that reach the internet
// through NAT gateways (0.0.0.0/0 -> nat-…) lie in several availability
// zones while every NAT gateway they use is in one zone: an outage of that
// zone cuts the others off from the internet although they are up.
//
// A NAT gateway whose zone is unknown (not in the data, its subnet not in
// the data, or a regional NAT gateway, which has no subnet and spans zones
// by itself) leaves its VPC unjudged.
var NATGatewaySingleAZ = &Check{
	Meta: Meta{
		ID:       "nat-gateway-single-az",
		Title:    "Private subnets in several availability zones depend on NAT gateways in one zone",
		Severity: Low,
		Rationale: "A NAT gateway lives in one availability zone. When private subnets in other zones route through it, " +
			"an outage of its zone takes away their internet access too (package installs, AWS API calls without " +
			"endpoints, third-party APIs), so the workload's multi-AZ design fails together; cross-zone traffic " +
			"to the gateway is also billed.",
		Remediation: "Create a NAT gateway in a public subnet of each zone in use (aws ec2 create-nat-gateway --subnet-id " +
			"PUBLIC_SUBNET --allocation-id EIPALLOC) and point each zone's private route table at its own zone's " +
			"gateway (aws ec2 replace-route --route-table-id RTB --destination-cidr-block 0.0.0.0/0 --nat-gateway-id NAT).",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html",
			"https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables, model.CallNATGateways},
	},
	Run: func(p *Pass) {
		by, vpcIDs := natEgressByVPC(p.Region)
	vpcs:
		for _, vpcID := range vpcIDs {
			subnetAZs, natAZs := map[string]bool{}, map[string]bool{}
			var nats, evidence []string
			for _, e := range by[vpcID] {
				if e.NAT == nil {
					continue vpcs
				}
				ns := p.Region.Subnet(e.NAT.SubnetID)
				if ns == nil || ns.AZ == "" || e.Subnet.AZ == "" {
					continue vpcs
				}
				subnetAZs[e.Subnet.AZ] = true
				nats = append(nats, e.NAT.ID)
				natAZs[ns.AZ] = true
				evidence = append(evidence, e.Subnet.ID+" ("+e.Subnet.AZ+") "+routeString(e.Table, e.Route)+" in "+ns.AZ)
			}
			if len(subnetAZs) < 2 || len(natAZs) != 1 {
				continue
			}
			var natAZ string
			for az := range natAZs {
				natAZ = az
			}
			var others []string
			for az := range subnetAZs {
				if az != natAZ {
					others = append(others, az)
				}
			}
			sort.Strings(others)
			nats = dedupe(nats)
			sort.Strings(nats)
			p.Report(append([]string{vpcID}, nats...), evidence,
				msg("nat-gateway-single-az.msg", vpcLabelOf(p.Region, vpcID), count(len(by[vpcID]), "subnet"), count(len(subnetAZs), "availability-zone"),
					natsPhrase(nats), natAZ, natAZ, andList(others)))
		}
	},
}
