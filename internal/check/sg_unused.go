package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGUnused finds security groups, other than a VPC's default group, that
// nothing carries: no network interface has them and no resource names
// them. Only the ENI list shows everything that carries a group, so the
// check needs it (usageKnown); a group another account shares with this one
// may be carried by that account's interfaces, and is not judged.
var SGUnused = &Check{
	Meta: Meta{
		ID:       "sg-unused",
		Title:    "Security group attached to nothing",
		Severity: Low,
		Rationale: "Groups left over from deleted resources and experiments pile up: nobody remembers what " +
			"they were for, so nobody dares to delete or tighten them, and the next launch that picks one by " +
			"name inherits rules nobody reviewed. Rules of other groups that still name an unused group admit " +
			"or reach nothing, and hide which groups really talk to each other.",
		Remediation: "Check that no launch template, Auto Scaling launch configuration, CloudFormation stack or " +
			"Terraform code will use the group (vpcdoctor does not read them), remove the rules of other groups " +
			"that name it (aws ec2 revoke-security-group-ingress --group-id OTHER_GROUP " +
			"--security-group-rule-ids RULE_ID), then delete it: aws ec2 delete-security-group --group-id GROUP.",
		References: []string{
			"AWS Security Hub control EC2.22 (AWS Control Tower standard; removed from Foundational Security Best Practices in 2023)",
			"https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
		},
		Needs: []model.Call{model.CallSecurityGroups, model.CallNetworkInterfaces},
	},
	Run: func(p *Pass) {
		// Which groups' rules name each group, found once for the region.
		type reference struct {
			by   *model.SecurityGroup
			rule model.Rule
		}
		named := map[string][]reference{}
		for _, o := range p.Region.SecurityGroups {
			for _, rules := range [][]model.Rule{o.Ingress, o.Egress} {
				for _, r := range rules {
					if r.Peer.Kind == model.PeerGroup && r.Peer.GroupID != o.ID {
						named[r.Peer.GroupID] = append(named[r.Peer.GroupID], reference{o, r})
					}
				}
			}
		}
		for _, g := range p.Region.SecurityGroups {
			if isDefaultGroup(g) || inUse(g) || sharedGroup(p.Region, g) {
				continue // a shared group's owner may use it: its data is not here
			}
			resources := []string{g.ID}
			var evidence, referrers []string
			for _, ref := range named[g.ID] {
				evidence = append(evidence, ref.by.ID+" "+ref.rule.String())
				if !contains(resources, ref.by.ID) {
					resources = append(resources, ref.by.ID)
					referrers = append(referrers, ref.by.Label())
				}
			}
			parts := []any{msg("sg-unused.msg", g.Label())}
			if len(referrers) > 0 {
				parts = append(parts, msg("sg-unused.referrers", andList(referrers)))
			}
			if calls, what := unseenGroupNamers(p.Region); len(calls) > 0 {
				key := "sg-unused.not-collected.one"
				if len(calls) > 1 {
					key = "sg-unused.not-collected.other"
				}
				parts = append(parts, msg(key, andList(calls), joined("or", what)))
			}
			p.Report(resources, evidence, sentences(parts))
		}
	},
}

// unseenGroupNamers lists the calls, missing from reg, that describe
// resources which may name a group while no interface carries it, and what
// those resources would be: a Lambda function whose interfaces AWS
// reclaimed after weeks idle, an ECS service scaled to zero tasks.
func unseenGroupNamers(reg *model.Region) (calls []string, what []any) {
	seen := map[model.Call]bool{}
	var keys []string
	for _, m := range reg.Coverage.Missing {
		if seen[m.Call] {
			continue
		}
		seen[m.Call] = true
		switch m.Call {
		case model.CallLambdaFunctions:
			calls, keys = append(calls, string(m.Call)), append(keys, "sg-unused.idle-lambda")
		case model.CallECSClusters, model.CallECSServices:
			calls, keys = append(calls, string(m.Call)), append(keys, "sg-unused.ecs-zero")
		}
	}
	for _, k := range dedupe(keys) {
		what = append(what, msg(k))
	}
	return calls, what
}
