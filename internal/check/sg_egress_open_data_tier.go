package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGEgressOpenDataTier finds groups carried only by data-tier resources
// (RDS DB instances and ElastiCache clusters, or interfaces that RDS or
// ElastiCache own) that allow every protocol outbound to the whole
// internet: all-protocol egress rules whose destinations together cover
// every public IPv4 address or every global IPv6 address.
//
// A group that other tiers carry too is left alone: the application
// servers on it may need that egress, and splitting the group is
// sg-shared-across-roles' finding. The check needs the ENI list, for
// without it other carriers of the group may be unseen.
var SGEgressOpenDataTier = &Check{
	Meta: Meta{
		ID:       "sg-egress-open-data-tier",
		Title:    "Database or cache group allows all outbound traffic to the internet",
		Severity: Medium,
		Rationale: "Databases and caches answer connections; they rarely open any, and almost never to the " +
			"internet. Security groups are stateful, so replies to the application need no egress rule at all. " +
			"AWS's default egress rule (all traffic to 0.0.0.0/0) on a data tier is therefore only an " +
			"exfiltration path: a compromised engine, a malicious stored procedure or an injected LOAD DATA or " +
			"COPY command can send the data anywhere. Features that do connect out (Aurora's S3 import and " +
			"export or Lambda invocation, replication from a source outside the VPC, Kerberos) need their own " +
			"destinations only.",
		Remediation: "Revoke the all-traffic egress rule (aws ec2 revoke-security-group-egress --group-id GROUP " +
			"--ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}], and Ipv6Ranges=[{CidrIpv6=::/0}] " +
			"where present) and add only what the engine needs, for example HTTPS to the S3 prefix list: " +
			"aws ec2 authorize-security-group-egress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=S3_PREFIX_LIST}]. A group with no " +
			"egress rule still answers every connection its ingress rules allow.",
		References: []string{
			"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		},
		Needs: []model.Call{model.CallSecurityGroups, model.CallNetworkInterfaces},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			if !carriedOnlyByDataTier(g) || sharedGroup(p.Region, g) {
				continue // a shared group's owner may put it on other tiers
			}
			rules := worldOpenEgress(p.Region, g)
			if len(rules) == 0 {
				continue
			}
			var evidence, dests []string
			for _, r := range rules {
				evidence = append(evidence, g.ID+" "+r.String())
				dests = append(dests, r.Peer.String())
			}
			p.Report(append([]string{g.ID}, usersOf(g)...), evidence,
				msg("sg-egress-open-data-tier.msg", g.Label(), carriers(g), andList(dedupe(dests))))
		}
	},
}

// carriedOnlyByDataTier reports whether g is carried by at least one thing
// and only by RDS DB instances, ElastiCache clusters and interfaces that
// RDS or ElastiCache own.
func carriedOnlyByDataTier(g *model.SecurityGroup) bool {
	return inUse(g) && carriedOnlyBy(g,
		[]model.ResourceKind{model.KindDBInstance, model.KindCacheCluster},
		[]model.OwnerKind{model.OwnerRDS, model.OwnerElastiCache})
}

// worldOpenEgress returns g's all-protocol egress rules when, together,
// they let traffic out to every public IPv4 address or every global IPv6
// address, keeping those that reach outside private space. Prefix lists
// count by their known entries only: a hygiene finding is not raised on an
// assumption.
func worldOpenEgress(reg *model.Region, g *model.SecurityGroup) []model.Rule {
	var srcs []sources
	for _, r := range g.Egress {
		if r.Protocol != model.ProtocolAll {
			continue
		}
		s, ok := ruleSources(reg, r)
		if !ok || s.assumed != "" {
			continue
		}
		srcs = append(srcs, s)
	}
	if len(srcs) == 0 || !worldOpen(srcs) {
		return nil
	}
	var out []model.Rule
	for _, s := range srcs {
		if s.rule.Peer.Kind == model.PeerCIDR && !overlapsPublic(s.rule.Peer.CIDR) {
			continue
		}
		out = append(out, s.rule)
	}
	return out
}
