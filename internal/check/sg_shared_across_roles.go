package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGSharedAcrossRoles finds a security group carried by resources of
// different roles (PRODUCT.md, Roles). A group carried by load balancers
// only is left alone: a load balancer accepts only on its listeners and
// sends only to its own targets (AWS-SEMANTICS.md §6), so a port or a
// destination one of them needs opens nothing on another.
var SGSharedAcrossRoles = &Check{
	Meta: Meta{
		ID:       "sg-shared-across-roles",
		Title:    "Security group shared by resources of different roles",
		Severity: Medium,
		Rationale: "A group reused by unrelated resources (web servers, a database, a Lambda function) " +
			"opens on every one of them each port that any of them needs, and makes the group impossible to " +
			"tighten without breaking something nobody remembers. Rules can no longer say who talks to whom. " +
			"Load balancers sharing one group are not reported: each accepts only on its own listeners and " +
			"sends only to its own targets.",
		Remediation: "Create one security group per role (aws ec2 create-security-group --group-name ROLE " +
			"--description DESCRIPTION --vpc-id VPC), add only the ingress that role serves, referencing the " +
			"callers' groups by ID, and attach it beside the shared one (for an instance, aws ec2 " +
			"modify-instance-attribute --instance-id INSTANCE --groups SHARED_GROUP ROLE_GROUP; RDS, ElastiCache, " +
			"Lambda and ECS take the new list in their modify or update call). Check VPC Flow Logs for rejects, " +
			"then detach the shared group from each role.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			var roles []*model.Role
			seen := map[*model.Role]bool{}
			for _, r := range g.Resources {
				if r.Role != nil && !seen[r.Role] {
					seen[r.Role] = true
					roles = append(roles, r.Role)
				}
			}
			if len(roles) < 2 || carriedOnlyByLoadBalancers(g) {
				continue
			}
			var labels []any
			for _, r := range roles {
				labels = append(labels, msg("role-label", roleName(r), kindNouns(r.Kind, len(r.Members))))
			}
			p.Report(append([]string{g.ID}, usersOf(g)...), nil,
				msg("sg-shared-across-roles.msg", g.Label(), len(roles), commaList(labels)))
		}
	},
}

// carriedOnlyByLoadBalancers reports whether every resource carrying g is
// a load balancer, and every interface carrying it is theirs.
func carriedOnlyByLoadBalancers(g *model.SecurityGroup) bool {
	for _, r := range g.Resources {
		if r.Kind != model.KindLoadBalancer {
			return false
		}
	}
	for _, e := range g.ENIs {
		if e.Owner.Kind != model.OwnerLoadBalancer {
			return false
		}
	}
	return len(g.Resources) > 0
}

// roleName is a role's name for messages: the model's, or for the role it
// names in words (the AWS service endpoints of a VPC) those words in the
// reader's language.
func roleName(r *model.Role) any {
	if vpc, ok := strings.CutPrefix(r.Name, "AWS service endpoints in "); ok && r.Kind == model.KindVPCEndpoint {
		return msg("role.aws-endpoints", vpc)
	}
	return r.Name
}
