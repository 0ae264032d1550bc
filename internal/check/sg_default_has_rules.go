package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGDefaultHasRules finds a VPC's default security group (the group named
// "default", which AWS creates with each VPC and never deletes) holding any
// inbound or outbound rule, its own default rules included.
var SGDefaultHasRules = &Check{
	Meta: Meta{
		ID:       "sg-default-has-rules",
		Title:    "Default security group has rules",
		Severity: Medium,
		Rationale: "AWS puts an instance, a DB instance, an endpoint and many other resources into the VPC's " +
			"default security group whenever nobody names a group at launch. With its default rules everything " +
			"in it talks to everything else in it on every port and reaches anywhere outbound, so a forgotten " +
			"launch parameter quietly joins a shared, unreviewed group. With no rules, such a launch fails " +
			"visibly instead. The finding stays at medium when nothing uses the group now: the risk is what is " +
			"launched into it next.",
		Remediation: "Move whatever uses the default group to groups of its own (one per role), then remove " +
			"every rule of the default group: list them with aws ec2 describe-security-group-rules --filters " +
			"Name=group-id,Values=GROUP and revoke them with aws ec2 revoke-security-group-ingress --group-id " +
			"GROUP --security-group-rule-ids RULE_ID and aws ec2 revoke-security-group-egress --group-id GROUP " +
			"--security-group-rule-ids RULE_ID. The default group itself cannot be deleted; left empty, it " +
			"admits nothing and sends nothing.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.2",
			"CIS AWS Foundations Benchmark v3.0.0 5.4",
			"https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			if !isDefaultGroup(g) || len(g.Ingress)+len(g.Egress) == 0 || sharedGroup(p.Region, g) {
				continue // a shared VPC's default group is its owner's to fix
			}
			var evidence []string
			for _, r := range append(append([]model.Rule{}, g.Ingress...), g.Egress...) {
				evidence = append(evidence, g.ID+" "+r.String())
			}
			vpc := g.VPCID
			if v := p.Region.VPC(g.VPCID); v != nil && v.Tags.Name() != "" {
				vpc += " (" + v.Tags.Name() + ")"
			}
			move := optional(inUse(g), msg("sg-default-has-rules.move"))
			p.Report(append([]string{g.ID}, usersOf(g)...), evidence, msg("sg-default-has-rules.msg",
				g.Label(), vpc, count(len(g.Ingress), "inbound-rule"), count(len(g.Egress), "outbound-rule"), usedBy(p.Region, g), move))
		}
	},
}

// isDefaultGroup reports whether g is a VPC's default security group: AWS
// names it "default", and no other group of a VPC may have that name.
func isDefaultGroup(g *model.SecurityGroup) bool { return g.Name == "default" && g.VPCID != "" }
