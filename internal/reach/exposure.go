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

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// Hop is one step of a path and the exact rule that let packets pass it.
type Hop struct {
	Kind   string // "public-address", "route", "network-acl", "security-group", "load-balancer", "listener", "target"
	ID     string // the route table, ACL, group, load balancer or ENI
	Detail string // the rule: "0.0.0.0/0 -> igw-…", "ingress rule 100 allow", "ingress tcp/22 from 0.0.0.0/0"
	// Msg is Detail as a catalogue message (area "reach"), for a reader
	// in another language; in English it renders as Detail, byte for
	// byte. Zero only in a Hop the engine did not build.
	Msg i18n.Message
}

// Same reports whether h and o are the same hop (kind, ID and detail).
func (h Hop) Same(o Hop) bool { return h.Kind == o.Kind && h.ID == o.ID && h.Detail == o.Detail }

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
	// NoteMsgs are the Notes as catalogue messages, in the same order.
	NoteMsgs []i18n.Message
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
//
// Interfaces configured alike (same VPC, subnet, groups in the same order,
// and whether they have a public IPv4 and an IPv6 address) are evaluated
// once: their exposures differ only in the interface, its owner and the
// public addresses their paths name. Such exposures share their Sources,
// Except, Notes and NoteMsgs slices; treat every Exposure as read-only.
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
		out = e.appendDirect(out, eni)
	}
	for _, res := range reg.Resources {
		if res.Kind == model.KindLoadBalancer && res.LoadBalancer != nil && res.LoadBalancer.Scheme == "internet-facing" {
			out = append(out, e.loadBalancer(res)...)
		}
	}
	sortExposures(out)
	return out
}

// engine holds per-region facts computed once: the internet as each VPC
// sees it, each subnet's return route and network ACL, each group's
// ingress rules, and each interface configuration's evaluation (cache.go).
// The caches fill on first use, so engine{reg: reg} is ready to use.
type engine struct {
	reg *model.Region
	caches
}

func newEngine(reg *model.Region) *engine {
	return &engine{reg: reg}
}

// internetFor is the set of addresses a packet from the internet can come
// from, seen from a VPC: every public address outside the VPC's CIDRs.
func (e *engine) internetFor(vpcID string) *netipx.IPSet {
	if s, ok := e.internet[vpcID]; ok {
		return s
	}
	s := subtract(subtract(everything, union(privateIPv4, privateIPv6)), vpcCIDRs(e.reg, vpcID))
	if e.internet == nil {
		e.internet = map[string]*netipx.IPSet{}
	}
	e.internet[vpcID] = s
	return s
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
	notes    []note
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
	f := flow{eni: eni, res: eni.Owner.Resource, via: ViaDirect}
	// 1. Public address: IPv4 only with a public IPv4, IPv6 with any IPv6.
	pubs := eni.PublicIPs()
	f.evidence = publicEvidence(eni, pubs)
	v4, v6 := len(pubs) > 0, len(eni.IPv6) > 0 || len(delegatedIPv6(eni)) > 0
	if !v4 && !v6 {
		return f
	}
	// 2–4. Return route, network ACL and security groups depend only on
	// the interface's configuration.
	var c *stage
	if groups == nil {
		c = e.configStage(eni, v4, v6)
	} else {
		c = e.evaluate(eni.VPCID, eni.SubnetID, v4, v6, nil, groups)
	}
	f.internet = c.internet
	f.notes = append(f.notes, c.notes...)
	f.evidence = append(f.evidence, c.evidence...)
	f.set = c.set
	if allowedPorts != nil {
		f.set = f.set.Intersect(*allowedPorts)
	}
	return f
}

// publicEvidence names the interface's public addresses: IPv4 addresses
// admit IPv4 sources; IPv6 addresses and delegated IPv6 prefixes, IPv6
// sources.
func publicEvidence(eni *model.ENI, pubs []netip.Addr) []evidence {
	var ev []evidence
	for _, p := range pubs {
		ev = append(ev, evidence{hop: publicHop(eni.ID, p), byAddr: true, addrs: ipv4Set})
	}
	for _, a := range eni.IPv6 {
		ev = append(ev, evidence{hop: publicHop(eni.ID, a), byAddr: true, addrs: ipv6Set})
	}
	for _, p := range delegatedIPv6(eni) {
		ev = append(ev, evidence{hop: delegatedHop(eni.ID, p), byAddr: true, addrs: ipv6Set})
	}
	return ev
}

// delegatedIPv6 are the IPv6 prefixes delegated to the interface: every
// address in them is the interface's, and globally routable (§5.1).
func delegatedIPv6(eni *model.ENI) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range eni.Prefixes {
		if p.Addr().Is6() && !p.Addr().Is4In6() {
			out = append(out, p)
		}
	}
	return out
}

// evaluate is the direct evaluation after the public-address stage, for an
// interface in vpcID and subnetID with a public IPv4 (v4) and an IPv6
// address (v6): the internet's packets that pass the return route, the
// network ACL and the security groups (the groups ids, or the set groups
// when not nil), with the evidence and notes of those stages.
func (e *engine) evaluate(vpcID, subnetID string, v4, v6 bool, ids []string, groups *packet.Set) *stage {
	n := e.network(vpcID, subnetID, v4, v6)
	c := &stage{internet: n.internet, notes: n.notes, evidence: n.evidence}
	if !n.passes {
		return c
	}
	// 4. Security groups.
	if groups != nil {
		c.set = n.set.Intersect(*groups)
		return c
	}
	sg := e.groupList(ids)
	c.notes = append(c.notes[:len(c.notes):len(c.notes)], sg.notes...)
	c.evidence = append(c.evidence[:len(c.evidence):len(c.evidence)], sg.evidence...)
	c.set = n.set.Intersect(sg.set)
	return c
}

// network is the part of evaluate before the security groups, which
// depends on the interface's VPC, subnet and address families only.
func (e *engine) network(vpcID, subnetID string, v4, v6 bool) *stage {
	k := configKey{vpc: vpcID, subnet: subnetID, v4: v4, v6: v6}
	if n, ok := e.networks[k]; ok {
		return n
	}
	c := &stage{internet: e.internetFor(vpcID)}
	if e.networks == nil {
		e.networks = map[configKey]*stage{}
	}
	e.networks[k] = c
	var families *netipx.IPSet
	switch {
	case v4 && v6:
		families = everything
	case v4:
		families = ipv4Set
	default:
		families = ipv6Set
	}
	sources := intersect(c.internet, families)
	// 2. Return route through an attached internet gateway.
	sn := e.subnetStage(subnetID)
	c.notes = append(c.notes, sn.routeNotes...)
	sources = intersect(sources, sn.ret)
	if isEmpty(sources) {
		return c
	}
	c.passes = true
	c.evidence = append(c.evidence, sn.routeEvidence...)
	space := packet.All().RestrictAddrs(sources)
	// 3. Network ACL: ingress first match, and the reply out (§3).
	acl := sn.acl
	if acl.acl == nil {
		c.notes = append(c.notes, note{"network ACL unknown: assumed to allow everything", i18n.M("reach.note.acl-unknown")})
	}
	space = space.Intersect(acl.pass)
	if a := acl.acl; a != nil {
		c.evidence = append(c.evidence, acl.evidence...)
		for _, p := range []model.Protocol{model.ProtocolTCP, model.ProtocolUDP} {
			if r, partial := partialReply(acl.out, p, space.Addrs(p, model.AllPorts)); partial {
				c.notes = append(c.notes, note{fmt.Sprintf("network ACL %s lets %s replies out only to client ports %s", a.ID, p, r),
					i18n.M("reach.note.partial-reply", a.ID, p.String(), r)})
			}
		}
	}
	c.set = space
	return c
}

// groupsAllowIngress is the union of the ingress rules of the groups that
// the internet can match: CIDR and prefix-list peers. Group references never
// match internet packets (AWS-SEMANTICS.md §2). The slices it returns are
// the engine's: read them only.
func (e *engine) groupsAllowIngress(ids []string) (packet.Set, []evidence, []note) {
	g := e.groupList(ids)
	return g.set, g.evidence, g.notes
}

// groupIngress is groupsAllowIngress for one group.
func (e *engine) groupIngress(id string) *groupStage {
	var out groupStage
	g := e.reg.SecurityGroup(id)
	if g == nil {
		out.notes = append(out.notes, note{"security group " + id + " is not in the data: assumed to allow everything", i18n.M("reach.note.group-unknown", id)})
		out.set = packet.All()
		return &out
	}
	for _, r := range g.Ingress {
		addrs, n := e.peerAddrs(r.Peer)
		if n.text != "" {
			out.notes = append(out.notes, n)
		}
		if isEmpty(addrs) {
			continue
		}
		s := ruleSpace(r.Protocol, r.Ports, r.ICMP, addrs)
		out.set = out.set.Union(s)
		out.evidence = append(out.evidence, evidence{hop: ruleHop(g.ID, r), space: s})
	}
	return &out
}

// peerAddrs resolves a rule peer to addresses. A prefix list whose entries
// were not collected is taken as every address (over-approximation), with
// a note; group references resolve to no internet address.
func (e *engine) peerAddrs(p model.Peer) (*netipx.IPSet, note) {
	switch p.Kind {
	case model.PeerCIDR:
		return setOf(p.CIDR), note{}
	case model.PeerPrefixList:
		pl := e.reg.PrefixList(p.PrefixListID)
		if pl != nil && pl.EntriesKnown {
			return setOf(pl.Entries...), note{}
		}
		if pl != nil && pl.AWSManaged() {
			return everything, note{"prefix list " + p.PrefixListID + " (" + pl.Name + ") is AWS-managed and its entries were not collected: taken as the internet, restricted in fact to that service's addresses",
				i18n.M("reach.note.prefix-list-aws", p.PrefixListID, pl.Name)}
		}
		return everything, note{"entries of prefix list " + p.PrefixListID + " were not collected: assumed to be every address", i18n.M("reach.note.prefix-list-unknown", p.PrefixListID)}
	}
	return setOf(), note{}
}

func naclEvidence(acl *model.NetworkACL, egress bool) []evidence {
	var ev []evidence
	for _, d := range naclDecisions(acl, egress) {
		if en := d.entry; en.Allow {
			dir := "ingress"
			if egress {
				dir = "egress"
			}
			ev = append(ev, evidence{hop: Hop{Kind: "network-acl", ID: acl.ID, Detail: dir + " rule " + strconv.Itoa(en.RuleNumber) + " allow " + naclEntryString(*en), Msg: naclAllowMsg(egress, *en)}, space: d.space})
		}
	}
	return ev
}

// decision is a network ACL entry with the packets it decides: those it
// matches that no lower-numbered entry of its direction matched.
type decision struct {
	entry *model.NACLEntry
	space packet.Set
}

// naclDecisions lists the entries of one direction that decide some packet,
// in rule number order (first match, AWS-SEMANTICS.md §3); their spaces are
// disjoint.
func naclDecisions(acl *model.NetworkACL, egress bool) []decision {
	var out []decision
	var decided packet.Set
	for i := range acl.Entries {
		en := &acl.Entries[i]
		if en.Egress != egress {
			continue
		}
		m := naclMatch(*en).Subtract(decided)
		decided = decided.Union(m)
		if !m.IsEmpty() {
			out = append(out, decision{entry: en, space: m})
		}
	}
	return out
}

// replyEvidence names the egress entries that let replies out; their space
// is widened to every port, as replies are matched by client address.
func replyEvidence(acl *model.NetworkACL) []evidence {
	ev := naclEvidence(acl, true)
	for i := range ev {
		ev[i].space = replyAllowed(ev[i].space)
		ev[i].hop.Detail = "reply: " + ev[i].hop.Detail
		ev[i].hop.Msg = i18n.M("reach.reply", ev[i].hop.Msg)
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
		x := Exposure{
			ENI: f.eni, Resource: f.res, Via: f.via, LoadBalancer: f.lb,
			Protocol: en.Protocol, Except: en.Except, Ports: en.Ports, Sources: en.Addrs.Prefixes(),
		}
		x.Notes, x.NoteMsgs = notesOf(f.notes)
		x.Path = append(x.Path, f.hops...)
		x.Path = append(x.Path, pathFor(f.evidence, entryBox(en), en.Addrs)...)
		x.WholeInternet = wholeInternet(en.Addrs, f.internet)
		out = append(out, x)
	}
	return out
}

// entryBox is the packets of one entry of a set's listing.
func entryBox(en packet.Entry) packet.Set {
	box := packet.New(en.Protocol, en.Ports, en.Addrs)
	for _, x := range en.Except {
		box = box.Subtract(packet.New(x, model.AllPorts, en.Addrs))
	}
	return box
}

func sortExposures(xs []Exposure) {
	keys := make([]string, len(xs))
	var b []byte
	for i, x := range xs {
		b = b[:0]
		if x.ENI != nil {
			b = append(b, x.ENI.ID...)
		}
		b = append(b, 0)
		if x.Resource != nil {
			b = append(b, x.Resource.ID...)
		}
		b = append(b, 0)
		b = append(b, x.Via...)
		b = append(b, 0)
		if x.LoadBalancer != nil {
			b = append(b, x.LoadBalancer.ID...)
		}
		b = append(b, 0)
		b = appendPadded(b, int(x.Protocol)+1)
		b = append(b, 0)
		b = appendPadded(b, int(x.Ports.From))
		b = append(b, 0)
		b = appendPadded(b, int(x.Ports.To))
		keys[i] = string(b)
	}
	sort.Stable(byKey{xs, keys})
}

// appendPadded appends n as fmt's %05d does.
func appendPadded(b []byte, n int) []byte {
	if n < 0 {
		return fmt.Appendf(b, "%05d", n)
	}
	s := strconv.Itoa(n)
	for i := len(s); i < 5; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// byKey sorts exposures by precomputed keys.
type byKey struct {
	xs   []Exposure
	keys []string
}

func (s byKey) Len() int           { return len(s.xs) }
func (s byKey) Less(i, j int) bool { return s.keys[i] < s.keys[j] }
func (s byKey) Swap(i, j int) {
	s.xs[i], s.xs[j] = s.xs[j], s.xs[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
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
				if overlaps(ev.addrs, addrs) {
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
	want, have := internet.Ranges(), addrs.Ranges()
	for _, v6 := range []bool{false, true} {
		// want's ranges of the family, each within one range of have (both
		// are sorted and minimal).
		some, all := false, true
		j := 0
		for _, r := range want {
			if r.From().Is6() != v6 {
				continue
			}
			some = true
			for j < len(have) && have[j].To().Less(r.From()) {
				j++
			}
			if j == len(have) || r.From().Less(have[j].From()) || have[j].To().Less(r.To()) {
				all = false
				break
			}
		}
		if some && all {
			return true
		}
	}
	return false
}
