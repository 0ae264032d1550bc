package reach

import (
	"net/netip"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// listenerSpace is the packets a listener accepts, from anywhere.
func listenerSpace(l model.Listener) packet.Set {
	port := model.Port(uint16(l.Port))
	var set packet.Set
	for i, proto := range l.IPProtocols() {
		if i == 0 {
			set = packet.New(proto, port, everything)
		} else {
			set = set.Union(packet.New(proto, port, everything))
		}
	}
	return set
}

// loadBalancer evaluates an internet-facing load balancer: its own
// interfaces, exposed on its listener ports, and each target behind a
// listener, exposed through it (AWS-SEMANTICS.md §6).
func (e *engine) loadBalancer(lb *model.Resource) []Exposure {
	info := lb.LoadBalancer
	var listen packet.Set
	var notes []note
	if info.ListenersKnown {
		for _, l := range info.Listeners {
			listen = listen.Union(listenerSpace(l))
		}
	} else {
		listen = packet.New(model.ProtocolTCP, model.AllPorts, everything).Union(packet.New(model.ProtocolUDP, model.AllPorts, everything))
		notes = append(notes, note{"listeners of " + lb.ID + " were not collected: every TCP and UDP port assumed", i18n.M("reach.note.listeners-unknown", lb.ID)})
	}
	openGroups := info.Type == model.LBNetwork && len(info.SecurityGroupIDs) == 0
	enis := lb.ENIs
	if len(enis) == 0 {
		// The data lacks the load balancer's interfaces: stand one in per
		// subnet, with a public address since the scheme is internet-facing.
		for _, sid := range info.SubnetIDs {
			enis = append(enis, &model.ENI{SubnetID: sid, VPCID: lb.VPCID, SecurityGroupIDs: info.SecurityGroupIDs,
				Addresses: []model.AddressPair{{Private: netip.IPv4Unspecified(), Public: netip.MustParseAddr("0.0.0.1")}}})
		}
		notes = append(notes, note{"the load balancer's network interfaces are not in the data: its nodes are assumed to have public addresses in each of its subnets", i18n.M("reach.note.lb-interfaces-unknown")})
	}
	var out []Exposure
	var reached packet.Set
	for _, eni := range enis {
		f := e.direct(eni, &listen)
		if openGroups {
			f = e.directOpenGroups(eni, &listen)
		}
		f.res = lb
		f.notes = append(f.notes, notes...)
		if eni.ID == "" {
			f.eni = nil
			f.evidence = nil
		}
		f.hops = append(f.hops, Hop{Kind: "load-balancer", ID: lb.ID, Detail: string(info.Type) + " " + info.Scheme, Msg: i18n.M("reach.load-balancer", string(info.Type), info.Scheme)})
		reached = reached.Union(f.set)
		out = append(out, f.exposures()...)
	}
	if reached.IsEmpty() {
		return out
	}
	for _, l := range info.Listeners {
		ls := reached.Intersect(listenerSpace(l))
		if ls.IsEmpty() {
			continue
		}
		for _, t := range e.targetsOf(lb, l) {
			out = append(out, e.target(lb, l, ls, t, enis)...)
		}
	}
	return out
}

// directOpenGroups is direct with every packet allowed by security groups:
// a network load balancer without groups is filtered by network ACLs only.
func (e *engine) directOpenGroups(eni *model.ENI, allowed *packet.Set) flow {
	all := packet.All()
	f := e.directWith(eni, allowed, &all)
	f.notes = append(f.notes, note{"network load balancer without security groups: only network ACLs filter", i18n.M("reach.note.nlb-groupless")})
	return f
}

// lbTarget is one registered target and the interface it resolves to.
type lbTarget struct {
	eni   *model.ENI
	res   *model.Resource
	port  int
	group *model.TargetGroup // nil for a classic load balancer
}

// targetsOf lists the targets behind a listener.
func (e *engine) targetsOf(lb *model.Resource, l model.Listener) []lbTarget {
	var out []lbTarget
	if lb.LoadBalancer.Type == model.LBClassic {
		for _, id := range lb.LoadBalancer.InstanceIDs {
			if inst := e.reg.Resource(model.KindInstance, id); inst != nil && len(inst.ENIs) > 0 {
				out = append(out, lbTarget{eni: inst.ENIs[0], res: inst, port: l.InstancePort})
			}
		}
		return out
	}
	for _, arn := range l.TargetGroupARNs {
		tg := e.reg.TargetGroup(arn)
		if tg == nil {
			continue
		}
		for _, t := range tg.Targets {
			port := t.Port
			if port == 0 {
				port = tg.Port
			}
			switch tg.TargetType {
			case "", "instance":
				if inst := e.reg.Resource(model.KindInstance, t.ID); inst != nil && len(inst.ENIs) > 0 {
					out = append(out, lbTarget{eni: inst.ENIs[0], res: inst, port: port, group: tg})
				}
			case "ip":
				if eni := e.eniByAddr(t.ID); eni != nil {
					out = append(out, lbTarget{eni: eni, res: eni.Owner.Resource, port: port, group: tg})
				}
			}
		}
	}
	return out
}

// preservesClientIP applies the target group attribute, or AWS's default:
// on for instance targets and for UDP and TCP_UDP, off for IP targets with
// TCP or TLS (AWS-SEMANTICS.md §6). Only network load balancers preserve.
func preservesClientIP(lb *model.Resource, tg *model.TargetGroup) bool {
	if lb.LoadBalancer.Type != model.LBNetwork || tg == nil {
		return false
	}
	if v, ok := tg.Attributes["preserve_client_ip.enabled"]; ok {
		return v == "true"
	}
	if tg.TargetType == "ip" {
		p := strings.ToUpper(tg.Protocol)
		return p == "UDP" || p == "TCP_UDP"
	}
	return true
}

// target evaluates one target behind a listener: the load balancer must be
// able to reach it, and with client IP preservation the target's own
// filters must admit the internet sources themselves.
func (e *engine) target(lb *model.Resource, l model.Listener, reached packet.Set, t lbTarget, lbENIs []*model.ENI) []Exposure {
	var out []Exposure
	for _, proto := range l.IPProtocols() {
		out = append(out, e.targetProto(lb, l, reached, t, lbENIs, proto)...)
	}
	return out
}

func (e *engine) targetProto(lb *model.Resource, l model.Listener, reached packet.Set, t lbTarget, lbENIs []*model.ENI, proto model.Protocol) []Exposure {
	port := model.Port(uint16(t.port))
	sources := reached.Addrs(proto, model.Port(uint16(l.Port)))
	if isEmpty(sources) {
		return nil
	}
	f := flow{eni: t.eni, res: t.res, via: ViaLoadBalancer, lb: lb, internet: e.internetFor(lb.VPCID)}
	f.hops = []Hop{{Kind: "load-balancer", ID: lb.ID, Detail: "listener " + l.Protocol + ":" + strconv.Itoa(l.Port), Msg: i18n.M("reach.listener", l.Protocol, l.Port)}}
	if t.group != nil {
		f.hops = append(f.hops, Hop{Kind: "target", ID: t.group.Name, Detail: t.eni.ID + " port " + strconv.Itoa(t.port), Msg: i18n.M("reach.target", t.eni.ID, t.port)})
	} else {
		f.hops = append(f.hops, Hop{Kind: "target", ID: lb.ID, Detail: t.eni.ID + " port " + strconv.Itoa(t.port), Msg: i18n.M("reach.target", t.eni.ID, t.port)})
	}
	if preservesClientIP(lb, t.group) {
		// The target sees the client's address (§6).
		sg, ev, notes := e.groupsAllowIngress(t.eni.SecurityGroupIDs)
		f.notes = append(f.notes, notes...)
		f.notes = append(f.notes, note{"client IP preservation: the target's security group must admit the internet sources themselves", i18n.M("reach.note.client-ip")})
		space := packet.New(proto, port, sources).Intersect(sg)
		space = space.Intersect(e.subnetStage(t.eni.SubnetID).acl.pass)
		f.evidence = ev
		f.set = space
		return f.exposures()
	}
	// The target sees a load-balancer node's private address.
	nodes := nodeAddrs(e.reg, lb, lbENIs)
	same := false
	for _, id := range lb.LoadBalancer.SubnetIDs {
		same = same || id == t.eni.SubnetID
	}
	ok, ev := e.admitsFrom(t.eni, proto, port, nodes, lb.LoadBalancer.SecurityGroupIDs, same)
	if !ok {
		return nil
	}
	f.evidence = ev
	f.set = packet.New(proto, port, sources)
	return f.exposures()
}

// nodeAddrs are the private addresses of a load balancer's nodes: its
// interfaces' addresses, or its subnets' CIDRs when the data lacks them.
func nodeAddrs(reg *model.Region, lb *model.Resource, enis []*model.ENI) *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, e := range enis {
		for _, a := range e.Addresses {
			if a.Private.IsValid() && !a.Private.IsUnspecified() {
				b.Add(a.Private)
			}
		}
	}
	s, _ := b.IPSet()
	if !isEmpty(s) {
		return s
	}
	for _, id := range lb.LoadBalancer.SubnetIDs {
		if sn := reg.Subnet(id); sn != nil && sn.CIDR.IsValid() {
			b.AddPrefix(sn.CIDR)
		}
	}
	s, _ = b.IPSet()
	return s
}

// admitsFrom reports whether eni's security groups and network ACL admit
// (proto, port) from some address in from, or from an interface carrying
// one of fromGroups (AWS-SEMANTICS.md §7), with the rules that do.
func (e *engine) admitsFrom(eni *model.ENI, proto model.Protocol, port model.PortRange, from *netipx.IPSet, fromGroups []string, sameSubnet bool) (bool, []evidence) {
	want := packet.New(proto, port, from)
	var ev []evidence
	ok := false
	for _, id := range eni.SecurityGroupIDs {
		g := e.reg.SecurityGroup(id)
		if g == nil {
			ok = true // unknown group: over-approximate
			continue
		}
		for _, r := range g.Ingress {
			var addrs *netipx.IPSet
			if r.Peer.Kind == model.PeerGroup {
				for _, fg := range fromGroups {
					if fg == r.Peer.GroupID {
						addrs = from
					}
				}
			} else {
				addrs, _ = e.peerAddrs(r.Peer)
			}
			if isEmpty(addrs) {
				continue
			}
			if s := ruleSpace(r.Protocol, r.Ports, r.ICMP, addrs); !s.Intersect(want).IsEmpty() {
				ok = true
				ev = append(ev, evidence{hop: ruleHop(g.ID, r), space: packet.All()})
			}
		}
	}
	if !ok {
		return false, nil
	}
	subnet := e.reg.Subnet(eni.SubnetID)
	if subnet == nil || subnet.NetworkACL == nil || sameSubnet {
		// Traffic within one subnet is not filtered by its ACL (§3).
		return true, ev
	}
	acl := e.aclStage(subnet.NetworkACL)
	in := acl.in.Intersect(want)
	if in.IsEmpty() {
		return false, nil
	}
	if acl.reply.Intersect(packet.New(proto, model.AllPorts, from)).IsEmpty() {
		return false, nil
	}
	return true, ev
}
