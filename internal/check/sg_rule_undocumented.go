package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGRuleUndocumented finds groups with ingress rules that have no
// Description, one finding per group. The default group's own rule (all
// traffic from the group itself, which AWS creates without a description)
// is not counted. Egress rules are not counted: most groups keep AWS's
// default egress rule, which has none.
var SGRuleUndocumented = &Check{
	Meta: Meta{
		ID:       "sg-rule-undocumented",
		Title:    "Security group has inbound rules without a description",
		Severity: Info,
		Rationale: "A rule without a description says what it allows but not why, nor for whom: the next " +
			"engineer cannot tell whether it is still needed, so nobody removes it and every change waits for " +
			"the one person who remembers. Writing each rule's purpose into its description is the cheapest " +
			"network documentation there is, and it stays next to the rule.",
		Remediation: "Add a description to each rule, naming the caller and the reason (for example " +
			"\"web ALB to app, HTTP\"): aws ec2 update-security-group-rule-descriptions-ingress --group-id GROUP " +
			"--ip-permissions 'IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=CALLER_GROUP," +
			"Description=\"web ALB to app, HTTP\"}]'. A rule nobody can explain is a candidate for removal.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			var parts []any
			var evidence []string
			for _, r := range g.Ingress {
				if strings.TrimSpace(r.Description) != "" || isDefaultSelfRule(g, r) {
					continue
				}
				parts = append(parts, msg("rule-from", rulePorts(r), peerLabel(p.Region, r.Peer)))
				evidence = append(evidence, g.ID+" "+r.String())
			}
			if len(parts) == 0 {
				continue
			}
			p.Report([]string{g.ID}, evidence, msg("sg-rule-undocumented.msg",
				g.Label(), len(parts), count(len(g.Ingress), "inbound-rule"), commaList(parts)))
		}
	},
}

// isDefaultSelfRule reports whether r is the rule AWS puts in a VPC's
// default group: all traffic from the group itself.
func isDefaultSelfRule(g *model.SecurityGroup, r model.Rule) bool {
	return isDefaultGroup(g) && r.Direction == model.Ingress && r.Protocol == model.ProtocolAll &&
		r.Peer.Kind == model.PeerGroup && r.Peer.GroupID == g.ID
}
