package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGSharedAcrossRoles finds a security group carried by resources of
// different roles (PRODUCT.md, Roles).
var SGSharedAcrossRoles = &Check{
	Meta: Meta{
		ID:       "sg-shared-across-roles",
		Title:    "Security group shared by resources of different roles",
		Severity: Medium,
		Rationale: "A group reused by unrelated resources (web servers, a database, a Lambda function) " +
			"opens on every one of them each port that any of them needs, and makes the group impossible to " +
			"tighten without breaking something nobody remembers. Rules can no longer say who talks to whom.",
		Remediation: "Create one security group per role, attach it beside the shared one, add only the " +
			"ingress that role serves (referencing the callers' groups by ID), check VPC Flow Logs for " +
			"rejects, then detach the shared group from each role.",
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
			if len(roles) < 2 {
				continue
			}
			var labels []string
			for _, r := range roles {
				labels = append(labels, r.Label())
			}
			p.Report(append([]string{g.ID}, usersOf(g)...), nil,
				"%s is shared by %d roles: %s.", g.Label(), len(roles), strings.Join(labels, ", "))
		}
	},
}
