package check

import (
	"net/netip"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGBroadPrivateSource finds ingress rules whose source CIDR holds a whole
// CIDR block of the group's own VPC and nothing public beyond it: the VPC's
// block itself (10.0.0.0/16) or a wider private range (10.0.0.0/8,
// 172.16.0.0/12, 192.168.0.0/16). The callers are then in the VPC, where a
// security-group reference names them exactly (AWS-SEMANTICS.md §2, §7).
//
// Not reported: ICMP rules (ping and path-MTU messages from inside the VPC
// are harmless), groups carried only by interface VPC endpoints (an
// endpoint serves the whole VPC by design), and rules that let a network or
// Gateway Load Balancer without security groups reach its targets on the
// target port: such a load balancer has no group to reference, and its
// health checks come from its own private addresses.
var SGBroadPrivateSource = &Check{
	Meta: Meta{
		ID:       "sg-broad-private-source",
		Title:    "Security group accepts a whole VPC range instead of the callers' group",
		Severity: Low,
		Rationale: "A rule for the VPC's CIDR, or for 10.0.0.0/8, admits every resource in the VPC (and in " +
			"peered networks and VPNs that fall inside the range), whatever its role: a compromised web " +
			"server or build box can then reach the database directly. A security-group reference admits only " +
			"the interfaces that carry the callers' group, follows them as they scale and move, and says who " +
			"talks to whom.",
		Remediation: "Add a rule that references the callers' security group, check VPC Flow Logs for other " +
			"callers, then revoke the range: aws ec2 authorize-security-group-ingress --group-id GROUP " +
			"--ip-permissions IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=CALLER_GROUP}] " +
			"and aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.0.0.0/16}] (the ports and range the " +
			"evidence shows). Where the callers have no group (a VPN, a peered VPC in another region, a " +
			"middlebox), name their own CIDR instead.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing",
		},
		Needs: []model.Call{model.CallSecurityGroups, model.CallVPCs},
	},
	Run: func(p *Pass) {
		nlbTargets := targetsOfLoadBalancersWithoutGroups(p.Region)
		for _, g := range p.Region.SecurityGroups {
			vpc := p.Region.VPC(g.VPCID)
			if vpc == nil || len(vpc.CIDRs) == 0 || carriedOnlyByEndpoints(g) {
				continue
			}
			exempt := nlbTargetPorts(g, nlbTargets)
			var parts []any
			var evidence []string
			var blocks []string
			for _, r := range g.Ingress {
				if r.Peer.Kind != model.PeerCIDR || r.Protocol.IsICMP() {
					continue // ping and path-MTU messages from the VPC are harmless
				}
				block, ok := holdsVPC(r.Peer.CIDR, vpc)
				if !ok || exempt(r) {
					continue
				}
				parts = append(parts, msg("rule-from", rulePorts(r), r.Peer.CIDR.String()))
				evidence = append(evidence, g.ID+" "+r.String())
				blocks = append(blocks, block.String())
			}
			if len(parts) == 0 {
				continue
			}
			vpcName := vpc.ID
			if n := vpc.Tags.Name(); n != "" {
				vpcName += " (" + n + ")"
			}
			key := "sg-broad-private-source.one"
			if len(parts) > 1 {
				key = "sg-broad-private-source.other"
			}
			p.Report(append([]string{g.ID}, usersOf(g)...), evidence,
				msg(key, g.Label(), commaList(parts), vpcName, commaList(strs(dedupe(blocks))), usedBy(p.Region, g)))
		}
	},
}

// holdsVPC reports whether c holds a whole CIDR block of vpc and nothing
// public outside the VPC's blocks, and returns the block.
func holdsVPC(c netip.Prefix, vpc *model.VPC) (netip.Prefix, bool) {
	c = c.Masked()
	var held netip.Prefix
	var b netipx.IPSetBuilder
	b.AddPrefix(c)
	for _, v := range vpc.CIDRs {
		v = v.Masked()
		if v.Addr().Is4() != c.Addr().Is4() {
			continue
		}
		b.RemovePrefix(v)
		if c.Bits() <= v.Bits() && c.Contains(v.Addr()) && !held.IsValid() {
			held = v
		}
	}
	if !held.IsValid() {
		return held, false
	}
	rest, _ := b.IPSet()
	public := publicIPv4
	if !c.Addr().Is4() {
		public = publicIPv6
	}
	return held, !rest.Overlaps(public)
}

// carriedOnlyByEndpoints reports whether g is carried by at least one
// interface VPC endpoint and by nothing else.
func carriedOnlyByEndpoints(g *model.SecurityGroup) bool {
	if !inUse(g) {
		return false
	}
	for _, r := range g.Resources {
		if r.Kind != model.KindVPCEndpoint {
			return false
		}
	}
	for _, e := range g.ENIs {
		if e.Owner.Kind != model.OwnerVPCEndpoint {
			return false
		}
	}
	return true
}

// lbTargets are the targets of network and Gateway Load Balancers that
// have no security groups, with the ports they are reached on.
type lbTargets struct {
	byID map[string][]uint16     // instance ID
	byIP map[netip.Addr][]uint16 // IP target
}

func targetsOfLoadBalancersWithoutGroups(reg *model.Region) lbTargets {
	t := lbTargets{byID: map[string][]uint16{}, byIP: map[netip.Addr][]uint16{}}
	bare := map[string]bool{}
	for _, r := range reg.Resources {
		lb := r.LoadBalancer
		if lb != nil && lb.ARN != "" && (lb.Type == model.LBNetwork || lb.Type == model.LBGateway) && len(lb.SecurityGroupIDs) == 0 {
			bare[lb.ARN] = true
		}
	}
	for _, tg := range reg.TargetGroups {
		behindBare := false
		for _, arn := range tg.LoadBalancerARNs {
			behindBare = behindBare || bare[arn]
		}
		if !behindBare {
			continue
		}
		for _, x := range tg.Targets {
			port := x.Port
			if port == 0 {
				port = tg.Port
			}
			p, ok := tcpPort(port)
			if !ok {
				continue
			}
			if a, err := netip.ParseAddr(x.ID); err == nil {
				t.byIP[a] = append(t.byIP[a], p)
			} else {
				t.byID[x.ID] = append(t.byID[x.ID], p)
			}
		}
	}
	return t
}

// nlbTargetPorts returns a test for the rules of g that a load balancer
// without security groups needs to reach the targets carrying g: rules
// whose ports hold a target port.
func nlbTargetPorts(g *model.SecurityGroup, t lbTargets) func(model.Rule) bool {
	var ports []uint16
	for _, r := range g.Resources {
		if r.Kind == model.KindInstance {
			ports = append(ports, t.byID[r.ID]...)
		}
	}
	for _, e := range g.ENIs {
		for _, a := range e.Addresses {
			ports = append(ports, t.byIP[a.Private]...)
		}
	}
	return func(r model.Rule) bool {
		for _, port := range ports {
			if r.Protocol == model.ProtocolAll || r.Protocol.HasPorts() && r.Ports.Contains(port) {
				return true
			}
		}
		return false
	}
}
