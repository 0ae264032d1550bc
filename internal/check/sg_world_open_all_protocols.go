package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGWorldOpenAllProtocols finds ingress of every protocol and port from the
// whole internet (IpProtocol "-1" from 0.0.0.0/0 or ::/0). Such a rule is
// one problem, reported here only: the message names what it exposes that
// the more specific checks would otherwise report (SSH, RDP, and the ports
// of the databases and caches carrying the group), and those checks leave
// the rule alone.
var SGWorldOpenAllProtocols = &Check{
	Meta: Meta{
		ID:       "sg-world-open-all-protocols",
		Title:    "Security group accepts all traffic from the whole internet",
		Severity: Critical,
		Rationale: "An ingress rule for all protocols from 0.0.0.0/0 or ::/0 opens every port of every " +
			"resource that carries the group: databases, caches, SSH and any debug port a process happens to " +
			"listen on. Anything with a public address, or behind a load balancer that forwards to it, is one " +
			"packet away from the internet. The finding names SSH, RDP and the ports of the databases and caches " +
			"that carry the group; the checks for those ports leave such a rule to this one.",
		Remediation: "Remove the rule. Give each role its own group that opens only the ports it serves, " +
			"and allow other AWS resources by referencing their security group ID instead of a CIDR " +
			"(aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}], or Ipv6Ranges=[{CidrIpv6=::/0}] for an IPv6 rule). " +
			"Add the narrower rules first: removing a rule " +
			"stops new connections at once.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3",
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			for _, o := range worldOpenIngress(p.Region, g) {
				if o.Protocol != model.ProtocolAll {
					continue
				}
				var sources []string
				for _, r := range o.Rules {
					sources = append(sources, r.Peer.String())
				}
				// What the more specific checks would report: the
				// administration ports, and the data tiers' resources on
				// their ports.
				names := []target{newTarget(msg("text", "SSH (22)")), newTarget(msg("text", "RDP (3389)"))}
				used := []openRule{o}
				var named []string
				for _, t := range dataTiers {
					n, u, ids := t.openedByAll(p.Region, g, o)
					names, used, named = append(names, n...), append(used, u...), append(named, ids...)
				}
				items := make([]any, len(names))
				for i, n := range names {
					items[i] = n.text
				}
				among := msg("sg-world-open-all-protocols.among", i18n.List(items))
				if len(named) > 0 {
					among = msg("sg-world-open-all-protocols.among-named", joined("semi", items))
				}
				reportGroupNaming(p, g, named, used, msg("sg-world-open-all-protocols.msg",
					g.Label(), joined("and", strs(sources)), worldUsedBy(p.Region, g), among))
			}
		}
	},
}
