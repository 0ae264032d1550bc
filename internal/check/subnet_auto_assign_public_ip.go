package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SubnetAutoAssignPublicIP finds subnets that give every instance launched
// in them a public IPv4 address (MapPublicIpOnLaunch), one finding per VPC.
//
// Public subnets that hold only internet-facing load balancers and NAT
// gateways are reported too: neither uses the setting (load balancer nodes
// get their addresses from the scheme, a NAT gateway from its Elastic IP),
// so turning it off there breaks nothing, and leaving it on makes the next
// instance launched there public by accident. The message says so. In a
// private subnet the address is useless until someone adds a route to an
// internet gateway, and the message says that too.
var SubnetAutoAssignPublicIP = &Check{
	Meta: Meta{
		ID:       "subnet-auto-assign-public-ip",
		Title:    "Subnet assigns a public IPv4 address to every instance launched in it",
		Severity: Low,
		Rationale: "With auto-assign on, any instance or interface launched in the subnet without an explicit choice " +
			"gets a public IPv4 address, so one security-group mistake exposes it to the internet. Public addresses " +
			"should be a deliberate, per-resource decision (and each one is billed by the hour).",
		Remediation: "Turn the setting off on each subnet (aws ec2 modify-subnet-attribute --subnet-id SUBNET " +
			"--no-map-public-ip-on-launch, or VPC console > Subnets > Edit subnet settings > clear \"Enable " +
			"auto-assign public IPv4 address\"). Give the few instances that must be public an Elastic IP or " +
			"--associate-public-ip-address at launch; load balancers and NAT gateways do not need the setting.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.15",
			"https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html",
		},
		Needs: []model.Call{model.CallSubnets},
	},
	Run: func(p *Pass) {
		by, vpcIDs := subnetsByVPC(p.Region)
		resourcesIn := map[string][]*model.Resource{}
		for _, r := range p.Region.Resources {
			for _, id := range r.SubnetIDs {
				resourcesIn[id] = append(resourcesIn[id], r)
			}
		}
		for _, vpcID := range vpcIDs {
			var ids, evidence []string
			onlyEdge, anyResource, allPrivate := true, false, true
			for _, s := range by[vpcID] {
				if !s.MapPublicIPOnLaunch {
					continue
				}
				ids = append(ids, s.ID)
				evidence = append(evidence, s.ID+" MapPublicIpOnLaunch=true ("+s.AZ+")")
				if s.Public != model.No {
					allPrivate = false
				}
				for _, r := range resourcesIn[s.ID] {
					anyResource = true
					if !r.IsInternetFacingLoadBalancer() && r.Kind != model.KindNATGateway {
						onlyEdge = false
					}
				}
			}
			if len(ids) == 0 {
				continue
			}
			sort.Strings(ids)
			labels := make([]any, len(ids))
			for i, id := range ids {
				labels[i] = p.Region.Subnet(id).Label()
			}
			form := "other"
			if len(ids) == 1 {
				form = "one"
			}
			var note any = ""
			switch {
			case allPrivate:
				note = msg("subnet-auto-assign-public-ip.no-route." + form)
			case anyResource && onlyEdge:
				note = msg("subnet-auto-assign-public-ip.edge-only." + form)
			}
			p.Report(ids, evidence, msg("subnet-auto-assign-public-ip.msg."+form,
				vpcLabelOf(p.Region, vpcID), count(len(ids), "subnet"), commaList(labels), note))
		}
	},
}
