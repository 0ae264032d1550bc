package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ELBInternalInPublicSubnet finds internal load balancers placed in public
// subnets (AWS-SEMANTICS.md §4). resource-in-public-subnet leaves them to
// this check.
var ELBInternalInPublicSubnet = &Check{
	Meta: Meta{
		ID:       "elb-internal-in-public-subnet",
		Title:    "Internal load balancer sits in a public subnet",
		Severity: Low,
		Rationale: "An internal load balancer's nodes get only private addresses, so a public subnet gains it " +
			"nothing: it only mixes an internal entry point with internet-facing resources in the same subnets, " +
			"route table and network ACL, so the network no longer tells the tiers apart, and private subnets " +
			"sized for the internal tier are not used for it.",
		Remediation: "Move it to private subnets, one per availability zone it serves: for an Application " +
			"Load Balancer, aws elbv2 set-subnets --load-balancer-arn ARN --subnets PRIVATE_SUBNET_1 " +
			"PRIVATE_SUBNET_2; for a Classic Load Balancer, aws elb attach-load-balancer-to-subnets and then " +
			"detach-load-balancer-from-subnets; a Network Load Balancer whose subnets cannot be removed is " +
			"replaced by a new internal one in private subnets.",
		References: []string{
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if !isInternalLoadBalancer(r) {
				continue
			}
			public := publicSubnetsOf(p.Region, r.SubnetIDs)
			if len(public) == 0 {
				continue
			}
			p.Report([]string{r.ID}, publicRouteEvidence(public),
				msg("elb-internal-in-public-subnet.msg", lbTypeMsg(r.LoadBalancer.Type), r.Label(), subnetsPhrase("public", public)))
		}
	},
}
