package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ELBNLBWithoutSecurityGroup finds network load balancers with no security
// group (AWS-SEMANTICS.md §6: then only network ACLs filter what reaches
// them).
var ELBNLBWithoutSecurityGroup = &Check{
	Meta: Meta{
		ID:       "elb-nlb-without-security-group",
		Title:    "Network load balancer has no security group",
		Severity: Low,
		Rationale: "Without a security group nothing filters traffic at the load balancer itself: its " +
			"listeners take every source the subnets' network ACLs let through, and the targets' groups must " +
			"do all the filtering, by client CIDR rather than by referencing the load balancer's group (with " +
			"client IP preservation they see the clients' own addresses). Security groups can be added to a " +
			"Network Load Balancer only when it is created, so the gap cannot be closed later in place.",
		Remediation: "Create a replacement with a security group (aws elbv2 create-load-balancer --type " +
			"network --security-groups GROUP --subnets ...), recreate its listeners and target groups, move " +
			"clients to its DNS name, then delete the old one; afterwards let the targets' groups admit the " +
			"load balancer's group instead of client CIDRs.",
		References: []string{
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
		},
		Needs: []model.Call{model.CallLoadBalancersV2},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if r.Kind != model.KindLoadBalancer || r.LoadBalancer == nil || r.LoadBalancer.Type != model.LBNetwork ||
				len(r.LoadBalancer.SecurityGroupIDs) > 0 {
				continue
			}
			var scheme any = r.LoadBalancer.Scheme
			if scheme == "" {
				scheme = msg("elb-nlb-without-security-group.scheme-unknown")
			}
			p.Report([]string{r.ID}, []string{r.ID + " SecurityGroups=[]"},
				msg("elb-nlb-without-security-group.msg", r.Label(), scheme))
		}
	},
}
