package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// Verdict answers "can X reach Y on protocol P, port N, and why (not)?".
type Verdict struct {
	Reachable bool
	// Path is every hop passed, with the rule that passed it; when not
	// reachable, the hops passed before the drop.
	Path []Hop
	// BlockedBy is the first hop that drops the packet, with why.
	BlockedBy *Hop
	Notes     []string
	// NoteMsgs are the Notes as catalogue messages, in the same order.
	NoteMsgs []i18n.Message
}

// Endpoint is one end of a question: an interface, or the internet
// (optionally one internet address).
type Endpoint struct {
	ENI      *model.ENI
	Region   *model.Region
	Internet bool
	Addr     netip.Addr // for the internet: a specific source address, or invalid for "any"
}

// Label names the endpoint for messages.
func (p Endpoint) Label() string {
	switch {
	case p.Internet && p.Addr.IsValid():
		return "internet address " + p.Addr.String()
	case p.Internet:
		return "the internet"
	case p.ENI.Owner.Resource != nil:
		return p.ENI.Owner.Resource.Kind.Noun() + " " + p.ENI.Owner.Resource.Label() + " (" + p.ENI.ID + ")"
	}
	return p.ENI.ID
}

// Between decides whether from can open a connection to to on (proto,
// port): from the internet as AWS-SEMANTICS.md §5 says, between two
// interfaces as §7 says (same VPC, or across an active peering).
func Between(from, to Endpoint, proto model.Protocol, port uint16) (Verdict, error) {
	return NewAsker().Between(from, to, proto, port)
}

// Asker answers many Between questions, computing each region's engine
// caches and internet exposures once for all of them (flows.Verify asks
// thousands). The regions must not change while it is in use. It is not
// safe for concurrent use.
type Asker struct {
	engines   map[*model.Region]*engine
	exposures map[*model.Region][]Exposure
	// Per route table and network ACL, what betweenENIs needs of them.
	routes map[*model.RouteTable][]routeRegion
	acls   map[aclSide]packet.Set
	reply  map[aclSide]packet.Set
}

// aclSide is one direction of a network ACL (nil: no ACL known).
type aclSide struct {
	acl    *model.NetworkACL
	egress bool
}

// NewAsker returns an Asker with nothing computed yet.
func NewAsker() *Asker {
	return &Asker{engines: map[*model.Region]*engine{}, exposures: map[*model.Region][]Exposure{},
		routes: map[*model.RouteTable][]routeRegion{}, acls: map[aclSide]packet.Set{}, reply: map[aclSide]packet.Set{}}
}

// routeRegions is routeRegions, once per route table.
func (a *Asker) routeRegions(reg *model.Region, rt *model.RouteTable) []routeRegion {
	r, ok := a.routes[rt]
	if !ok {
		r, _ = routeRegions(reg, rt)
		a.routes[rt] = r
	}
	return r
}

// naclAllowed is naclAllowed, once per ACL and direction.
func (a *Asker) naclAllowed(acl *model.NetworkACL, egress bool) packet.Set {
	k := aclSide{acl, egress}
	s, ok := a.acls[k]
	if !ok {
		s = naclAllowed(acl, egress)
		a.acls[k] = s
	}
	return s
}

// replyAllowed is replyAllowed of the ACL's direction, once per ACL and
// direction.
func (a *Asker) replyAllowed(acl *model.NetworkACL, egress bool) packet.Set {
	k := aclSide{acl, egress}
	s, ok := a.reply[k]
	if !ok {
		s = replyAllowed(a.naclAllowed(acl, egress))
		a.reply[k] = s
	}
	return s
}

// Between is the package's Between, sharing the work of earlier questions.
func (a *Asker) Between(from, to Endpoint, proto model.Protocol, port uint16) (Verdict, error) {
	if to.Internet {
		return Verdict{}, fmt.Errorf("reaching the internet (outbound) is not answered yet: ask from the internet to a resource, or between two resources")
	}
	if from.Internet {
		return a.fromInternet(from, to, proto, port), nil
	}
	return betweenENIs(a, from, to, proto, port), nil
}

func (a *Asker) engine(reg *model.Region) *engine {
	e := a.engines[reg]
	if e == nil {
		e = newEngine(reg)
		a.engines[reg] = e
	}
	return e
}

func (a *Asker) internetExposures(reg *model.Region) []Exposure {
	x, ok := a.exposures[reg]
	if !ok {
		x = InternetExposures(reg)
		a.exposures[reg] = x
	}
	return x
}

// note appends a note and its message.
func (v *Verdict) note(text string, m i18n.Message) {
	v.Notes = append(v.Notes, text)
	v.NoteMsgs = append(v.NoteMsgs, m)
}

func blocked(v Verdict, h Hop) Verdict {
	v.BlockedBy = &h
	return v
}

// fromInternet evaluates the stages of §5 one by one, so that the first
// that drops the packet can be named.
func (a *Asker) fromInternet(from, to Endpoint, proto model.Protocol, port uint16) Verdict {
	e := a.engine(to.Region)
	eni := to.ENI
	var v Verdict
	if neverInbound[eni.Owner.Kind] {
		return blocked(v, Hop{Kind: "interface", ID: eni.ID, Detail: string(eni.Owner.Kind) + " interfaces never accept connections from the internet", Msg: i18n.M("reach.never-inbound", string(eni.Owner.Kind))})
	}
	src := e.internetFor(eni.VPCID)
	// Only the address families the interface has a public address in.
	var fam []netip.Prefix
	if len(eni.PublicIPs()) > 0 {
		fam = append(fam, allIPv4)
	}
	if len(eni.IPv6) > 0 || hasIPv6Prefix(eni) {
		fam = append(fam, allIPv6)
	}
	if len(fam) == 0 {
		return blocked(v, Hop{Kind: "public-address", ID: eni.ID, Detail: "the interface has no public address", Msg: i18n.M("reach.no-public-address")})
	}
	src = intersect(src, setOf(fam...))
	if from.Addr.IsValid() {
		var b netipx.IPSetBuilder
		b.Add(from.Addr)
		one, _ := b.IPSet()
		if isEmpty(intersect(one, e.internetFor(eni.VPCID))) {
			return blocked(v, Hop{Kind: "source", ID: from.Addr.String(), Detail: "not an internet address (private, reserved, or inside the VPC)", Msg: i18n.M("reach.not-internet")})
		}
		src = intersect(one, src)
	}
	want := packet.New(proto, model.Port(port), src)
	if proto.IsICMP() {
		want = packet.New(proto, model.AllPorts, src)
	}
	// Run the full evaluation, then explain stage by stage.
	f := e.direct(eni, nil)
	got := f.set.Intersect(want)
	if !got.IsEmpty() {
		v.Reachable = true
		en := got.Entries()[0]
		box := packet.New(en.Protocol, en.Ports, en.Addrs)
		v.Path = pathFor(f.evidence, box, en.Addrs)
		v.Notes, v.NoteMsgs = notesOf(f.notes)
		return v
	}
	for _, x := range a.internetExposures(to.Region) {
		// The interface's exposures: as a target through a load balancer,
		// or as a node of a load balancer (a network load balancer without
		// security groups is filtered by network ACLs only, §6).
		if x.ENI != eni {
			continue
		}
		box := packet.New(x.Protocol, x.Ports, setOf(x.Sources...))
		if !box.Intersect(want).IsEmpty() {
			v.Reachable = true
			v.Path = x.Path
			v.Notes, v.NoteMsgs = x.Notes, x.NoteMsgs
			return v
		}
	}
	v.Notes, v.NoteMsgs = notesOf(f.notes)
	// Why not: the first stage whose set misses the packet.
	if isEmpty(src) {
		return blocked(v, Hop{Kind: "public-address", ID: eni.ID, Detail: "the interface has no public address of the source's address family", Msg: i18n.M("reach.no-public-address-family")})
	}
	subnet := to.Region.Subnet(eni.SubnetID)
	ret, _, _ := internetReturn(to.Region, subnet)
	if isEmpty(intersect(ret, src)) {
		id := ""
		if subnet != nil && subnet.RouteTable != nil {
			id = subnet.RouteTable.ID
		}
		return blocked(v, Hop{Kind: "route", ID: id, Detail: "the reply to the source does not route to an attached internet gateway", Msg: i18n.M("reach.no-return-route")})
	}
	v.Path = append(v.Path, Hop{Kind: "route", ID: routeTableID(subnet), Detail: "replies return through the internet gateway", Msg: i18n.M("reach.return-route")})
	var acl *model.NetworkACL
	if subnet != nil {
		acl = subnet.NetworkACL
	}
	if naclAllowed(acl, false).Intersect(want).IsEmpty() {
		s, m := firstMatch(acl, false, want)
		return blocked(v, Hop{Kind: "network-acl", ID: acl.ID, Detail: "ingress: " + s, Msg: i18n.M("reach.acl.ingress-blocked", m)})
	}
	if replyAllowed(naclAllowed(acl, true)).Intersect(packet.New(proto, model.AllPorts, src)).IsEmpty() {
		return blocked(v, Hop{Kind: "network-acl", ID: aclID(acl), Detail: "egress: no rule lets the reply out to the client's ports 1024-65535", Msg: i18n.M("reach.acl.no-reply-out")})
	}
	groups := fmt.Sprint(eni.SecurityGroupIDs)
	return blocked(v, Hop{Kind: "security-group", ID: eni.ID, Detail: "no ingress rule of " + groups + " allows " + proto.String() + "/" + strconv.Itoa(int(port)) + " from the source",
		Msg: i18n.M("reach.sg.no-ingress-source", groups, proto.String(), int(port))})
}

func routeTableID(s *model.Subnet) string {
	if s == nil || s.RouteTable == nil {
		return ""
	}
	return s.RouteTable.ID
}

func aclID(a *model.NetworkACL) string {
	if a == nil {
		return ""
	}
	return a.ID
}

// firstMatch names the entry that decides a packet of want: the lowest
// numbered entry that matches it.
// It returns the same as a message.
func firstMatch(acl *model.NetworkACL, egress bool, want packet.Set) (string, i18n.Message) {
	if acl == nil {
		return "no ACL", i18n.M("reach.acl.none")
	}
	for _, en := range acl.Entries {
		if en.Egress == egress && !naclMatch(en).Intersect(want).IsEmpty() {
			action, key := "deny", "reach.acl.rule-deny"
			if en.Allow {
				action, key = "allow", "reach.acl.rule-allow"
			}
			return "rule " + strconv.Itoa(en.RuleNumber) + " " + action + " " + naclEntryString(en), i18n.M(key, en.RuleNumber, naclEntryMsg(en))
		}
	}
	return "no entry matches", i18n.M("reach.acl.no-entry")
}

// betweenENIs answers §7: a's egress groups, the route from a's subnet, both
// subnets' ACLs (both ways, unless the two share a subnet), b's ingress
// groups.
func betweenENIs(ask *Asker, from, to Endpoint, proto model.Protocol, port uint16) Verdict {
	a, b := from.ENI, to.ENI
	var v Verdict
	if from.Region != to.Region {
		return blocked(v, Hop{Kind: "region", ID: to.Region.Name, Detail: "the two are in different accounts or regions; only peerings within one region's data are followed", Msg: i18n.M("reach.other-region")})
	}
	reg := from.Region
	aAddr, bAddr := primary(a), primary(b)
	if !aAddr.IsValid() || !bAddr.IsValid() {
		return blocked(v, Hop{Kind: "interface", ID: a.ID + " " + b.ID, Detail: "an interface has no private address in the data", Msg: i18n.M("reach.no-private-address")})
	}
	ports := model.Port(port)
	if !proto.HasPorts() {
		ports = model.AllPorts
	}
	// 1. a's egress security-group rules.
	hop, ok := groupsAdmit(reg, a.SecurityGroupIDs, true, proto, ports, bAddr, b.SecurityGroupIDs)
	if h, open := groupless(a); open {
		hop, ok = h, true
	}
	if !ok {
		groups := fmt.Sprint(a.SecurityGroupIDs)
		return blocked(v, Hop{Kind: "security-group", ID: a.ID, Detail: "no egress rule of " + groups + " allows " + proto.String() + "/" + strconv.Itoa(int(port)) + " to " + bAddr.String(),
			Msg: i18n.M("reach.sg.no-egress", groups, proto.String(), int(port), bAddr.String())})
	}
	v.Path = append(v.Path, hop)
	// 2. The route from a's subnet to b's address.
	sa, sb := reg.Subnet(a.SubnetID), reg.Subnet(b.SubnetID)
	if sa != nil && sa.RouteTable != nil {
		regions := ask.routeRegions(reg, sa.RouteTable)
		var best *model.Route
		for _, rr := range regions {
			if rr.Addrs.Contains(bAddr) {
				best = rr.Route
			}
		}
		switch {
		case best == nil:
			return blocked(v, Hop{Kind: "route", ID: sa.RouteTable.ID, Detail: "no route for " + bAddr.String(), Msg: i18n.M("reach.route.none", bAddr.String())})
		case best.Blackhole:
			return blocked(v, Hop{Kind: "route", ID: sa.RouteTable.ID, Detail: best.DestinationString() + " is a blackhole", Msg: i18n.M("reach.route.blackhole", best.DestinationString())})
		case best.TargetKind == model.TargetLocal:
		case best.TargetKind == model.TargetPeering:
			if !peeringActive(reg, best.TargetID) {
				return blocked(v, Hop{Kind: "route", ID: sa.RouteTable.ID, Detail: best.DestinationString() + " -> " + best.TargetID + ", which is not active", Msg: i18n.M("reach.route.inactive", routeMsg(best))})
			}
		case best.TargetKind == model.TargetTransitGateway:
			v.note("unverified: the route goes through transit gateway "+best.TargetID+", whose route tables are not modelled", i18n.M("reach.note.transit-gateway", best.TargetID))
		default:
			v.note("unverified: the route sends the packet to "+best.TargetID+" (a middlebox or gateway), whose forwarding is not modelled", i18n.M("reach.note.middlebox", best.TargetID))
		}
		v.Path = append(v.Path, Hop{Kind: "route", ID: sa.RouteTable.ID, Detail: best.DestinationString() + " -> " + best.TargetID, Msg: routeMsg(best)})
	} else {
		v.note("route table of "+a.SubnetID+" unknown: a route to "+bAddr.String()+" is assumed", i18n.M("reach.note.route-assumed", a.SubnetID, bAddr.String()))
	}
	// 3. Network ACLs, both ways, unless the two share a subnet (§3).
	if a.SubnetID != b.SubnetID {
		var aACL, bACL *model.NetworkACL
		if sa != nil {
			aACL = sa.NetworkACL
		}
		if sb != nil {
			bACL = sb.NetworkACL
		}
		out := packet.New(proto, ports, setOf(netip.PrefixFrom(bAddr, bAddr.BitLen())))
		in := packet.New(proto, ports, setOf(netip.PrefixFrom(aAddr, aAddr.BitLen())))
		if ask.naclAllowed(aACL, true).Intersect(out).IsEmpty() {
			s, m := firstMatch(aACL, true, out)
			return blocked(v, Hop{Kind: "network-acl", ID: aclID(aACL), Detail: "egress: " + s, Msg: i18n.M("reach.acl.egress-blocked", m)})
		}
		if ask.naclAllowed(bACL, false).Intersect(in).IsEmpty() {
			s, m := firstMatch(bACL, false, in)
			return blocked(v, Hop{Kind: "network-acl", ID: aclID(bACL), Detail: "ingress: " + s, Msg: i18n.M("reach.acl.ingress-blocked", m)})
		}
		if ask.replyAllowed(bACL, true).Intersect(packet.New(proto, model.AllPorts, setOf(netip.PrefixFrom(aAddr, aAddr.BitLen())))).IsEmpty() {
			return blocked(v, Hop{Kind: "network-acl", ID: aclID(bACL), Detail: "egress: the reply cannot leave for the client's ports 1024-65535", Msg: i18n.M("reach.acl.reply-cannot-leave")})
		}
		if ask.replyAllowed(aACL, false).Intersect(packet.New(proto, model.AllPorts, setOf(netip.PrefixFrom(bAddr, bAddr.BitLen())))).IsEmpty() {
			return blocked(v, Hop{Kind: "network-acl", ID: aclID(aACL), Detail: "ingress: the reply cannot come back to the client's ports 1024-65535", Msg: i18n.M("reach.acl.reply-cannot-return")})
		}
		os, om := firstMatch(aACL, true, out)
		is, im := firstMatch(bACL, false, in)
		v.Path = append(v.Path, Hop{Kind: "network-acl", ID: aclID(aACL), Detail: "egress " + os, Msg: i18n.M("reach.acl.egress", om)},
			Hop{Kind: "network-acl", ID: aclID(bACL), Detail: "ingress " + is, Msg: i18n.M("reach.acl.ingress", im)})
	} else {
		v.Path = append(v.Path, Hop{Kind: "network-acl", ID: a.SubnetID, Detail: "same subnet: not filtered by the network ACL", Msg: i18n.M("reach.acl.same-subnet")})
	}
	// 4. b's ingress security-group rules.
	hop, ok = groupsAdmit(reg, b.SecurityGroupIDs, false, proto, ports, aAddr, a.SecurityGroupIDs)
	if h, open := groupless(b); open {
		hop, ok = h, true
	}
	if !ok {
		groups := fmt.Sprint(b.SecurityGroupIDs)
		return blocked(v, Hop{Kind: "security-group", ID: b.ID, Detail: "no ingress rule of " + groups + " allows " + proto.String() + "/" + strconv.Itoa(int(port)) + " from " + aAddr.String() + " or its groups",
			Msg: i18n.M("reach.sg.no-ingress-from", groups, proto.String(), int(port), aAddr.String())})
	}
	v.Path = append(v.Path, hop)
	v.Reachable = true
	return v
}

func primary(e *model.ENI) netip.Addr {
	if len(e.Addresses) > 0 {
		return e.Addresses[0].Private
	}
	if len(e.IPv6) > 0 {
		return e.IPv6[0]
	}
	return netip.Addr{}
}

func peeringActive(reg *model.Region, id string) bool {
	for _, p := range reg.PeeringConnections {
		if p.ID == id {
			return p.Status == "active"
		}
	}
	return false
}

// ruleMatch is the packet space a security-group rule matches: its
// protocol and ports from its peer's addresses. For a group reference
// (§2: only the private addresses of interfaces carrying the group) the
// space holds every address and group names the group the peer's
// interface must carry; it is "" for other peers.
func (e *engine) ruleMatch(r model.Rule) (space packet.Set, group string) {
	if r.Peer.Kind == model.PeerGroup {
		return ruleSpace(r.Protocol, r.Ports, r.ICMP, everything), r.Peer.GroupID
	}
	addrs, _ := e.peerAddrs(r.Peer)
	return ruleSpace(r.Protocol, r.Ports, r.ICMP, addrs), ""
}

// groupless says why an interface is not filtered by security groups at
// all, as a hop, or returns false: a NAT gateway's interface has no
// security groups (AWS does not let one be attached), and neither do the
// nodes of a network load balancer created without them (AWS-SEMANTICS.md
// §6); only network ACLs filter those.
func groupless(e *model.ENI) (Hop, bool) {
	if e.Owner.Kind == model.OwnerNATGateway {
		return Hop{Kind: "nat-gateway", ID: e.ID, Detail: "a NAT gateway's interface has no security groups: only network ACLs filter", Msg: i18n.M("reach.nat-groupless")}, true
	}
	r := e.Owner.Resource
	if r == nil || r.Kind != model.KindLoadBalancer || r.LoadBalancer == nil {
		return Hop{}, false
	}
	if r.LoadBalancer.Type == model.LBNetwork && len(r.LoadBalancer.SecurityGroupIDs) == 0 {
		return Hop{Kind: "load-balancer", ID: r.ID, Detail: "a network load balancer without security groups: only network ACLs filter", Msg: i18n.M("reach.nlb-groupless")}, true
	}
	return Hop{}, false
}

// groupsAdmit finds a rule of groups (egress or ingress) that matches
// (proto, ports) with peer addr, or a group reference to one of
// peerGroups (§2: a reference matches the private addresses of interfaces
// carrying that group).
func groupsAdmit(reg *model.Region, groups []string, egress bool, proto model.Protocol, ports model.PortRange, addr netip.Addr, peerGroups []string) (Hop, bool) {
	want := packet.New(proto, ports, setOf(netip.PrefixFrom(addr, addr.BitLen())))
	e := &engine{reg: reg}
	for _, id := range groups {
		g := reg.SecurityGroup(id)
		if g == nil {
			return Hop{Kind: "security-group", ID: id, Detail: "not in the data: assumed to allow", Msg: i18n.M("reach.sg.assumed")}, true
		}
		rules := g.Ingress
		if egress {
			rules = g.Egress
		}
		for _, r := range rules {
			space, group := e.ruleMatch(r)
			if group != "" && !slices.Contains(peerGroups, group) {
				continue
			}
			if !space.Intersect(want).IsEmpty() {
				return ruleHop(g.ID, r), true
			}
		}
	}
	return Hop{}, false
}

func hasIPv6Prefix(e *model.ENI) bool {
	for _, p := range e.Prefixes {
		if p.Addr().Is6() {
			return true
		}
	}
	return false
}
