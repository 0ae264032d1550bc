package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// widePortRange is the widest TCP or UDP range sg-wide-port-range accepts:
// 1024 ports. The widest ranges services need by design stay under it
// (Elasticsearch's 9200-9300, passive FTP and Mosh ranges of a few hundred
// to a thousand ports); the ranges it is meant for are far above it
// (1024-65535, 0-65535, 10000-65535).
const widePortRange = 1024

// dynamicPortsFrom is where the ports that container platforms hand out
// begin: Kubernetes NodePort services use 30000-32767, ECS and Docker
// dynamic host ports the ephemeral range 32768-65535 (49152-65535 on
// Windows). A load balancer in front of them needs the whole range.
const dynamicPortsFrom = 30000

// SGWidePortRange finds ingress rules that open more than widePortRange TCP
// or UDP ports to one source. Not reported: rules whose source is the
// group itself (members of one cluster talk on many ports), rules whose
// source alone is the whole internet (sg-world-open-port and
// sg-admin-port-world-open report those, with their range), all-protocol
// rules (not a port range; sg-world-open-all-protocols and
// sg-broad-private-source report the risky ones), and ranges within
// 30000-65535 from another group or from private addresses, which container
// platforms behind a load balancer need (ECS dynamic host ports, Kubernetes
// NodePorts, a network load balancer's health checks of them).
var SGWidePortRange = &Check{
	Meta: Meta{
		ID:       "sg-wide-port-range",
		Title:    "Security group opens a wide port range",
		Severity: Medium,
		Rationale: "A rule for more than 1024 ports opens far more than any one service listens on: every " +
			"debug port, admin console and forgotten daemon on the resource becomes reachable by that source, " +
			"and the rule no longer says which service it is for. Wide ranges such as 1024-65535 are often " +
			"copied from network-ACL habits for return traffic, which security groups, being stateful, never " +
			"need. Ranges of 30000-65535 from a load balancer's group or from inside the VPC are not reported: " +
			"ECS dynamic host ports and Kubernetes NodePorts need them.",
		Remediation: "Replace the range with a rule per port the service really listens on (VPC Flow Logs show " +
			"which ports get traffic), then revoke it: aws ec2 authorize-security-group-ingress --group-id GROUP " +
			"--ip-permissions IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=CALLER_GROUP}] " +
			"and aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=1024,ToPort=65535,IpRanges=[{CidrIp=SOURCE_CIDR}] (the range and source the " +
			"evidence shows).",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
			"https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			var parts []any
			var evidence []string
			replies := false
			for _, r := range g.Ingress {
				if !wideRule(p.Region, g, r) {
					continue
				}
				width := int(r.Ports.To) - int(r.Ports.From) + 1
				parts = append(parts, msg("sg-wide-port-range.part", rulePorts(r), width, peerLabel(p.Region, r.Peer)))
				evidence = append(evidence, g.ID+" "+r.String())
				if r.Peer.Kind == model.PeerCIDR && r.Ports.To == 65535 && r.Ports.From >= 1024 && r.Ports.From <= 32768 {
					replies = true
				}
			}
			if len(parts) == 0 {
				continue
			}
			stateful := optional(replies, msg("sg-wide-port-range.stateful"))
			p.ReportAt(groupSeverity(p, g), append([]string{g.ID}, usersOf(g)...), evidence,
				msg("sg-wide-port-range.msg", g.Label(), commaList(parts), usedBy(p.Region, g), stateful))
		}
	},
}

// wideRule reports whether r is an ingress rule of g that sg-wide-port-range
// reports (see SGWidePortRange).
func wideRule(reg *model.Region, g *model.SecurityGroup, r model.Rule) bool {
	if !r.Protocol.HasPorts() || int(r.Ports.To)-int(r.Ports.From)+1 <= widePortRange {
		return false
	}
	if r.Peer.Kind == model.PeerGroup && r.Peer.GroupID == g.ID {
		return false
	}
	if s, ok := ruleSources(reg, r); ok && worldOpen([]sources{s}) {
		return false
	}
	if r.Ports.From >= dynamicPortsFrom {
		switch r.Peer.Kind {
		case model.PeerGroup:
			return false
		case model.PeerCIDR:
			if !overlapsPublic(r.Peer.CIDR) {
				return false
			}
		}
	}
	return true
}

// peerLabel names a rule's source or destination for messages: a group by
// its label ("sg-… (name)") when the data has it.
func peerLabel(reg *model.Region, p model.Peer) string {
	if p.Kind == model.PeerGroup && p.UserID == "" || p.Kind == model.PeerGroup && p.UserID == reg.Account {
		if g := reg.SecurityGroup(p.GroupID); g != nil {
			return g.Label()
		}
	}
	return p.String()
}
