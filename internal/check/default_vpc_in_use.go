package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// DefaultVPCInUse finds resources and network interfaces in the region's
// default VPC (IsDefault). An empty default VPC is not reported: the
// finding is about workloads that landed there. When the ENI list was not
// collected, only resources the data names are counted, and nothing is
// concluded from their absence.
var DefaultVPCInUse = &Check{
	Meta: Meta{
		ID:       "default-vpc-in-use",
		Title:    "Resources run in the default VPC",
		Severity: Low,
		Rationale: "AWS creates the default VPC so that launches work without any network design: every subnet is " +
			"public, assigns public IPv4 addresses on launch and routes to an internet gateway, and everything " +
			"shares one address range and one default security group. Resources there were usually placed by " +
			"accident, have no private tier to move to, and cannot be separated from whatever lands next.",
		Remediation: "Move the workloads to a VPC designed for them (private subnets for everything but load balancers " +
			"and NAT gateways), then delete the default VPC if nothing needs it (aws ec2 delete-vpc --vpc-id VPC after " +
			"removing its subnets, internet gateway and interfaces, or VPC console > Your VPCs > Delete VPC). It can " +
			"be recreated with aws ec2 create-default-vpc.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html",
			"https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/acct-09.html",
		},
		Needs: []model.Call{model.CallVPCs},
	},
	Run: func(p *Pass) {
		for _, vpc := range p.Region.VPCs {
			if !vpc.IsDefault {
				continue
			}
			var res []*model.Resource
			ids := []string{vpc.ID}
			for _, r := range p.Region.Resources {
				if r.VPCID == vpc.ID {
					res = append(res, r)
					ids = append(ids, r.ID)
				}
			}
			other := 0
			for _, e := range p.Region.ENIs {
				if e.VPCID == vpc.ID && e.Owner.Resource == nil {
					other++
					ids = append(ids, e.ID)
				}
			}
			if len(res) == 0 && other == 0 {
				continue
			}
			parts := countByKind(res)
			if other > 0 {
				parts = append(parts, count(other, "other-eni"))
			}
			var evidence []string
			evidence = append(evidence, vpc.ID+" IsDefault=true")
			for i, r := range res {
				if i == maxListed {
					evidence = append(evidence, p.say(msg("ev.more-resources", count(len(res)-maxListed, "more-resource"))))
					break
				}
				evidence = append(evidence, p.say(msg("ev.in-vpc", kindNoun(r.Kind), resourceLabel(r), vpc.ID)))
			}
			note := optional(!usageKnown(p.Region), msg("default-vpc-in-use.note", string(model.CallNetworkInterfaces)))
			p.Report(ids, evidence, msg("default-vpc-in-use.msg", labelTagged(vpc.ID, vpc.Tags), commaList(parts), note))
		}
	},
}
