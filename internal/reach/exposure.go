// Package reach computes what can reach what, the way AWS forwards packets
// (AWS-SEMANTICS.md is its specification). Every conclusion comes with the
// path that explains it: the route, network-ACL entry and security-group
// rule that let the packets through. Where data is missing or a feature is
// not modelled, the engine over-approximates exposure and says so in a note.
package reach

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// Hop is one step of a path and the exact rule that let packets pass it.
type Hop struct {
	Kind   string // "public-address", "route", "network-acl", "security-group", "load-balancer", "listener", "target"
	ID     string // the route table, ACL, group, load balancer or ENI
	Detail string // the rule: "0.0.0.0/0 -> igw-…", "ingress rule 100 allow", "ingress tcp/22 from 0.0.0.0/0"
}

// String prints "kind id: detail".
func (h Hop) String() string {
	if h.Detail == "" {
		return h.Kind + " " + h.ID
	}
	return h.Kind + " " + h.ID + ": " + h.Detail
}

// Via says how internet traffic reaches an interface.
type Via string

// Ways traffic arrives.
const (
	ViaDirect       Via = "direct"
	ViaLoadBalancer Via = "load-balancer"
)

// Exposure is one (protocol, port range, sources) that the internet can
// send to one interface, and why.
type Exposure struct {
	ENI      *model.ENI      // nil for a load balancer whose interfaces the data lacks
	Resource *model.Resource // the owner, when known
	Via      Via
	// LoadBalancer is the load balancer the traffic passes, for ViaLoadBalancer.
	LoadBalancer *model.Resource
	Protocol     model.Protocol   // a protocol, or ProtocolAll
	Except       []model.Protocol // with ProtocolAll: protocols not included
	Ports        model.PortRange  // ICMP type/code encoded as type<<8|code
	Sources      []netip.Prefix   // their union is the allowed source set
	Path         []Hop
	Notes        []string
	// WholeInternet is set when Sources are every internet address of
	// some address family, as seen from the interface's VPC.
	WholeInternet bool
}

// neverInbound are interface kinds that never accept unsolicited inbound
// traffic, even with a public address (AWS-SEMANTICS.md §5).
var neverInbound = map[model.OwnerKind]bool{
	model.OwnerNATGateway:  true,
	model.OwnerLambda:      true,
	model.OwnerVPCEndpoint: true,
}

// InternetExposures returns every exposure of every interface in the
// region, directly and through load balancers, sorted by ENI, via,
// protocol and port.
func InternetExposures(reg *model.Region) []Exposure {
	e := newEngine(reg)
	var out []Exposure
	for _, eni := range reg.ENIs {
		if neverInbound[eni.Owner.Kind] {
			continue
		}
		if eni.Owner.Resource != nil && eni.Owner.Resource.Kind == model.KindLoadBalancer {
			continue // load balancers are handled with their listeners
		}
		out = append(out, e.direct(eni, nil).exposures()...)
	}
	for _, res := range reg.Resources {
		if res.Kind == model.KindLoadBalancer && res.LoadBalancer != nil && res.LoadBalancer.Scheme == "internet-facing" {
			out = append(out, e.loadBalancer(res)...)
		}
	}
	sortExposures(out)
	return out
}

// engine holds per-region facts computed once.
type engine struct {
	reg      *model.Region
	internet *netipx.IPSet
}

func newEngine(reg *model.Region) *engine {
	return &engine{reg: reg}
}

// internetFor is the set of addresses a packet from the internet can come
// from, seen from a VPC: every public address outside the VPC's CIDRs.
func (e *engine) internetFor(vpcID string) *netipx.IPSet {
	return subtract(subtract(everything, union(privateIPv4, privateIPv6)), vpcCIDRs(e.reg, vpcID))
}

// flow is the result of one interface's evaluation before it is listed.
type flow struct {
	eni      *model.ENI
	res      *model.Resource
	via      Via
	lb       *model.Resource
	set      packet.Set
	evidence []evidence
	hops     []Hop // hops common to every entry (e.g. the load balancer)
	notes    []string
	internet *netipx.IPSet // the internet as seen from the interface's VPC
	// portsOverride: for load-balancer targets, the listener that carried it.
}

// evidence is a rule with the packet space it admits; an exposure's path
// names the rules whose space meets it.
type evidence struct {
	hop   Hop
	space packet.Set
	// byAddr: the rule constrains only addresses (routes, public addresses).
	byAddr bool
	addrs  *netipx.IPSet
}

// direct evaluates what the internet can send straight to eni
// (AWS-SEMANTICS.md §5). allowedPorts, when not nil, restricts to the ports
// the interface listens on (a load balancer's listeners).
func (e *engine) direct(eni *model.ENI, allowedPorts *packet.Set) flow {
	return e.directWith(eni, allowedPorts, nil)
}

// directWith is direct with the security-group stage given: nil means the
// interface's own groups.
func (e *engine) directWith(eni *model.ENI, allowedPorts *packet.Set, groups *packet.Set) flow {
	reg := e.reg
	f := flow{eni: eni, res: eni.Owner.Resource, via: ViaDirect}
	// 1. Public address: IPv4 only with a public IPv4, IPv6 with any IPv6.
	var dst netipx.IPSetBuilder
	if pubs := eni.PublicIPs(); len(pubs) > 0 {
		dst.AddPrefix(allIPv4)
		for _, p := range pubs {
			f.evidence = append(f.evidence, evidence{hop: Hop{Kind: "public-address", ID: eni.ID, Detail: p.String()}, byAddr: true, addrs: setOf(allIPv4)})
		}
	}
	if len(eni.IPv6) > 0 {
		dst.AddPrefix(allIPv6)
		for _, a := range eni.IPv6 {
			f.evidence = append(f.evidence, evidence{hop: Hop{Kind: "public-address", ID: eni.ID, Detail: a.String()}, byAddr: true, addrs: setOf(allIPv6)})
		}
	}
	for _, p := range eni.Prefixes {
		// Every address of a delegated IPv6 prefix is the interface's, and
		// globally routable (§5.1).
		if p.Addr().Is6() && !p.Addr().Is4In6() {
			dst.AddPrefix(allIPv6)
			f.evidence = append(f.evidence, evidence{hop: Hop{Kind: "public-address", ID: eni.ID, Detail: "delegated prefix " + p.String()}, byAddr: true, addrs: setOf(allIPv6)})
		}
	}
	families, _ := dst.IPSet()
	if isEmpty(families) {
		return f
	}
	f.internet = e.internetFor(eni.VPCID)
	sources := intersect(f.internet, families)
	// 2. Return route through an attached internet gateway.
	subnet := reg.Subnet(eni.SubnetID)
	ret, routes, notes := internetReturn(reg, subnet)
	f.notes = append(f.notes, notes...)
	sources = intersect(sources, ret)
	if isEmpty(sources) {
		return f
	}
	if subnet != nil && subnet.RouteTable != nil {
		regions, _ := routeRegions(reg, subnet.RouteTable)
		for _, rr := range regions {
			for _, r := range routes {
				if rr.Route == r {
					f.evidence = append(f.evidence, evidence{hop: Hop{Kind: "route", ID: subnet.RouteTable.ID, Detail: r.DestinationString() + " -> " + r.TargetID}, byAddr: true, addrs: rr.Addrs})
				}
			}
		}
	}
	space := packet.All().RestrictAddrs(sources)
	// 3. Network ACL: ingress first match, and the reply out (§3).
	var acl *model.NetworkACL
	if subnet != nil {
		acl = subnet.NetworkACL
	}
	if acl == nil {
		f.notes = append(f.notes, "network ACL unknown: assumed to allow everything")
	}
	in := naclAllowed(acl, false)
	out := naclAllowed(acl, true)
	space = space.Intersect(in).Intersect(replyAllowed(out))
	if acl != nil {
		f.evidence = append(f.evidence, naclEvidence(acl, false)...)
		f.evidence = append(f.evidence, replyEvidence(acl)...)
		for _, p := range []model.Protocol{model.ProtocolTCP, model.ProtocolUDP} {
			if r, partial := partialReply(out, p, space.Addrs(p, model.AllPorts)); partial {
				f.notes = append(f.notes, fmt.Sprintf("network ACL %s lets %s replies out only to client ports %s", acl.ID, p, r))
			}
		}
	}
	// 4. Security groups.
	if groups != nil {
		space = space.Intersect(*groups)
	} else {
		sg, sgEvidence, sgNotes := e.groupsAllowIngress(eni.SecurityGroupIDs)
		f.notes = append(f.notes, sgNotes...)
		f.evidence = append(f.evidence, sgEvidence...)
		space = space.Intersect(sg)
	}
	if allowedPorts != nil {
		space = space.Intersect(*allowedPorts)
	}
	f.set = space
	return f
}

// groupsAllowIngress is the union of the ingress rules of the groups that
// the internet can match: CIDR and prefix-list peers. Group references never
// match internet packets (AWS-SEMANTICS.md §2).
func (e *engine) groupsAllowIngress(ids []string) (packet.Set, []evidence, []string) {
	var allowed packet.Set
	var ev []evidence
	var notes []string
	for _, id := range ids {
		g := e.reg.SecurityGroup(id)
		if g == nil {
			notes = append(notes, "security group "+id+" is not in the data: assumed to allow everything")
			allowed = allowed.Union(packet.All())
			continue
		}
		for _, r := range g.Ingress {
			addrs, note := e.peerAddrs(r.Peer)
			if note != "" {
				notes = append(notes, note)
			}
			if isEmpty(addrs) {
				continue
			}
			s := ruleSpace(r.Protocol, r.Ports, r.ICMP, addrs)
			allowed = allowed.Union(s)
			ev = append(ev, evidence{hop: Hop{Kind: "security-group", ID: g.ID, Detail: r.String()}, space: s})
		}
	}
	return allowed, ev, notes
}

// peerAddrs resolves a rule peer to addresses. A prefix list whose entries
// were not collected is taken as every address (over-approximation), with
// a note; group references resolve to no internet address.
func (e *engine) peerAddrs(p model.Peer) (*netipx.IPSet, string) {
	switch p.Kind {
	case model.PeerCIDR:
		return setOf(p.CIDR), ""
	case model.PeerPrefixList:
		pl := e.reg.PrefixList(p.PrefixListID)
		if pl != nil && pl.EntriesKnown {
			return setOf(pl.Entries...), ""
		}
		if pl != nil && pl.AWSManaged() {
			return everything, "prefix list " + p.PrefixListID + " (" + pl.Name + ") is AWS-managed and its entries were not collected: taken as the internet, restricted in fact to that service's addresses"
		}
		return everything, "entries of prefix list " + p.PrefixListID + " were not collected: assumed to be every address"
	}
	return setOf(), ""
}

func naclEvidence(acl *model.NetworkACL, egress bool) []evidence {
	var ev []evidence
	var decided packet.Set
	for _, en := range acl.Entries {
		if en.Egress != egress {
			continue
		}
		m := naclMatch(en).Subtract(decided)
		decided = decided.Union(m)
		if en.Allow && !m.IsEmpty() {
			dir := "ingress"
			if egress {
				dir = "egress"
			}
			ev = append(ev, evidence{hop: Hop{Kind: "network-acl", ID: acl.ID, Detail: dir + " rule " + strconv.Itoa(en.RuleNumber) + " allow " + naclEntryString(en)}, space: m})
		}
	}
	return ev
}

// replyEvidence names the egress entries that let replies out; their space
// is widened to every port, as replies are matched by client address.
func replyEvidence(acl *model.NetworkACL) []evidence {
	ev := naclEvidence(acl, true)
	for i := range ev {
		ev[i].space = replyAllowed(ev[i].space)
		ev[i].hop.Detail = "reply: " + ev[i].hop.Detail
	}
	return ev
}

func naclEntryString(en model.NACLEntry) string {
	r := model.Rule{Protocol: en.Protocol, Ports: en.Ports, ICMP: en.ICMP}
	return r.PortsString() + " " + en.CIDR.String()
}

// exposures lists a flow's set as exposures, one per entry, each with the
// hops whose rules meet it.
func (f flow) exposures() []Exposure {
	var out []Exposure
	for _, en := range f.set.Entries() {
		box := packet.New(en.Protocol, en.Ports, en.Addrs)
		for _, x := range en.Except {
			box = box.Subtract(packet.New(x, model.AllPorts, en.Addrs))
		}
		x := Exposure{
			ENI: f.eni, Resource: f.res, Via: f.via, LoadBalancer: f.lb,
			Protocol: en.Protocol, Except: en.Except, Ports: en.Ports, Sources: en.Addrs.Prefixes(),
			Notes: dedupe(f.notes),
		}
		x.Path = append(x.Path, f.hops...)
		x.Path = append(x.Path, pathFor(f.evidence, box, en.Addrs)...)
		x.WholeInternet = wholeInternet(en.Addrs, f.internet)
		out = append(out, x)
	}
	return out
}

func dedupe(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func sortExposures(xs []Exposure) {
	key := func(x Exposure) string {
		eni := ""
		if x.ENI != nil {
			eni = x.ENI.ID
		}
		lb := ""
		if x.LoadBalancer != nil {
			lb = x.LoadBalancer.ID
		}
		res := ""
		if x.Resource != nil {
			res = x.Resource.ID
		}
		return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%05d\x00%05d\x00%05d", eni, res, x.Via, lb, int(x.Protocol)+1, x.Ports.From, x.Ports.To)
	}
	sort.SliceStable(xs, func(i, j int) bool { return key(xs[i]) < key(xs[j]) })
}

// pathFor picks, among the evidence, the hops that let box through: for
// each kind of hop, the rules that pass the whole box if there are any
// (the -1 rule, not the tcp/80 rule beside it), else every rule that passes
// part of it.
func pathFor(evs []evidence, box packet.Set, addrs *netipx.IPSet) []Hop {
	var out []Hop
	seen := map[string]bool{}
	kinds := []string{"public-address", "route", "network-acl", "network-acl-reply", "security-group"}
	for _, kind := range kinds {
		var full, part []Hop
		for _, ev := range evs {
			k := ev.hop.Kind
			if k == "network-acl" && strings.HasPrefix(ev.hop.Detail, "reply: ") {
				k = "network-acl-reply"
			}
			if k != kind {
				continue
			}
			if ev.byAddr {
				if !isEmpty(intersect(ev.addrs, addrs)) {
					part = append(part, ev.hop)
				}
				continue
			}
			meet := ev.space.Intersect(box)
			switch {
			case meet.IsEmpty():
			case box.Subtract(ev.space).IsEmpty():
				full = append(full, ev.hop)
			default:
				part = append(part, ev.hop)
			}
		}
		pick := part
		if len(full) > 0 {
			pick = full
		}
		for _, h := range pick {
			if !seen[h.String()] {
				seen[h.String()] = true
				out = append(out, h)
			}
		}
	}
	return out
}

// wholeInternet reports whether addrs hold every internet address of IPv4
// or of IPv6.
func wholeInternet(addrs, internet *netipx.IPSet) bool {
	if internet == nil || isEmpty(addrs) {
		return false
	}
	for _, v6 := range []bool{false, true} {
		want := family(internet, v6)
		if !isEmpty(want) && isEmpty(subtract(want, addrs)) {
			return true
		}
	}
	return false
}
