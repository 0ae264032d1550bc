package reach

import (
	"net/netip"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// Work grows with the distinct configurations of a region, not with its
// interfaces: the engine evaluates each subnet's return route and network
// ACL, each group's ingress rules and each interface configuration once,
// and reuses the results. Every cached value is immutable once stored.

// caches are the engine's memos; the zero value is empty and ready.
type caches struct {
	internet map[string]*netipx.IPSet // by VPC ID
	subnets  map[string]*subnetStage  // by subnet ID
	acls     map[*model.NetworkACL]*aclStage
	groups   map[string]*groupStage // by group ID
	lists    map[string]*groupStage // by joinIDs of the group IDs
	networks map[configKey]*stage   // network, by configKey without groups
	configs  map[configKey]*config
	byAddr   map[netip.Addr]*model.ENI
}

// stage is the direct evaluation of an interface after its public-address
// stage (see evaluate): what passes the route, ACL and group stages.
type stage struct {
	internet *netipx.IPSet
	set      packet.Set
	evidence []evidence
	notes    []note
	passes   bool // network: some source passes the return route
}

// groupStage is the ingress the internet can match in one group, or the
// union over a list of groups.
type groupStage struct {
	set      packet.Set
	evidence []evidence
	notes    []note
}

// subnetStage is what a subnet contributes to every interface in it.
type subnetStage struct {
	subnet        *model.Subnet // nil when unknown
	ret           *netipx.IPSet // internetReturn
	routeNotes    []note
	routeEvidence []evidence
	acl           *aclStage // never nil: the stage of a nil ACL allows everything
}

// aclStage is one network ACL's evaluation (a nil ACL allows everything).
type aclStage struct {
	acl      *model.NetworkACL
	in, out  packet.Set // naclAllowed ingress, egress
	reply    packet.Set // replyAllowed(out)
	pass     packet.Set // in ∩ reply: what the ACL lets in and answer
	evidence []evidence // naclEvidence(ingress), then replyEvidence
}

// configKey identifies interfaces whose direct evaluation is the same.
// Groups are kept in their order, which the evidence follows.
type configKey struct {
	vpc, subnet, groups string
	v4, v6              bool
}

// config is one configuration's stage and, once listed, its exposures
// with everything but the interface filled in.
type config struct {
	stage
	listed    bool
	templates []template
}

// template is one exposure of a configuration.
type template struct {
	x Exposure // without ENI, Resource and the public-address hops
	// v4, v6: the sources hold IPv4 (IPv6) addresses, so the path names
	// the interface's public IPv4 (IPv6) addresses.
	v4, v6 bool
}

// joinIDs encodes a list of IDs as one string, each prefixed with its
// length so that no two lists share an encoding.
func joinIDs(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.Itoa(len(id)))
		b.WriteByte(':')
		b.WriteString(id)
	}
	return b.String()
}

// configStage is evaluate for eni's own groups, once per configuration.
func (e *engine) configStage(eni *model.ENI, v4, v6 bool) *stage {
	return &e.config(eni, v4, v6).stage
}

func (e *engine) config(eni *model.ENI, v4, v6 bool) *config {
	k := configKey{vpc: eni.VPCID, subnet: eni.SubnetID, groups: joinIDs(eni.SecurityGroupIDs), v4: v4, v6: v6}
	if c, ok := e.configs[k]; ok {
		return c
	}
	c := &config{stage: *e.evaluate(eni.VPCID, eni.SubnetID, v4, v6, eni.SecurityGroupIDs, nil)}
	if e.configs == nil {
		e.configs = map[configKey]*config{}
	}
	e.configs[k] = c
	return c
}

// appendDirect appends eni's direct exposures to out: its configuration's,
// with the interface, its owner and its public addresses filled in. The
// result is what direct(eni, nil).exposures() returns.
func (e *engine) appendDirect(out []Exposure, eni *model.ENI) []Exposure {
	var pubs []netip.Addr
	for _, a := range eni.Addresses {
		if a.Public.IsValid() {
			pubs = append(pubs, a.Public)
		}
	}
	delegated := delegatedIPv6(eni)
	v4, v6 := len(pubs) > 0, len(eni.IPv6) > 0 || len(delegated) > 0
	if !v4 && !v6 {
		return out
	}
	c := e.config(eni, v4, v6)
	if !c.listed {
		c.list()
	}
	for _, t := range c.templates {
		x := t.x
		x.ENI, x.Resource = eni, eni.Owner.Resource
		x.Path = make([]Hop, 0, len(pubs)+len(eni.IPv6)+len(delegated)+len(t.x.Path))
		if t.v4 {
			for _, p := range pubs {
				x.Path = appendPublicHop(x.Path, publicHop(eni.ID, p))
			}
		}
		if t.v6 {
			for _, a := range eni.IPv6 {
				x.Path = appendPublicHop(x.Path, publicHop(eni.ID, a))
			}
			for _, p := range delegated {
				x.Path = appendPublicHop(x.Path, delegatedHop(eni.ID, p))
			}
		}
		x.Path = append(x.Path, t.x.Path...)
		out = append(out, x)
	}
	return out
}

// appendPublicHop appends a public-address hop unless path has it
// (pathFor names each hop once).
func appendPublicHop(path []Hop, h Hop) []Hop {
	for _, x := range path {
		if x.Same(h) {
			return path
		}
	}
	return append(path, h)
}

// list computes the configuration's exposures as flow.exposures does,
// leaving out what depends on the interface itself.
func (c *config) list() {
	c.listed = true
	notes, noteMsgs := notesOf(c.notes)
	for _, en := range c.set.Entries() {
		t := template{x: Exposure{
			Via: ViaDirect, Protocol: en.Protocol, Except: en.Except, Ports: en.Ports, Sources: en.Addrs.Prefixes(),
			Notes: notes, NoteMsgs: noteMsgs, Path: pathFor(c.evidence, entryBox(en), en.Addrs), WholeInternet: wholeInternet(en.Addrs, c.internet),
		}}
		t.v4 = overlaps(en.Addrs, ipv4Set)
		t.v6 = overlaps(en.Addrs, ipv6Set)
		c.templates = append(c.templates, t)
	}
}

// groupList is the union of the groups' ingress stages, in their order.
func (e *engine) groupList(ids []string) *groupStage {
	k := joinIDs(ids)
	if g, ok := e.lists[k]; ok {
		return g
	}
	var out groupStage
	for _, id := range ids {
		g := e.group(id)
		out.set = out.set.Union(g.set)
		out.evidence = append(out.evidence, g.evidence...)
		out.notes = append(out.notes, g.notes...)
	}
	if e.lists == nil {
		e.lists = map[string]*groupStage{}
	}
	e.lists[k] = &out
	return &out
}

func (e *engine) group(id string) *groupStage {
	if g, ok := e.groups[id]; ok {
		return g
	}
	g := e.groupIngress(id)
	if e.groups == nil {
		e.groups = map[string]*groupStage{}
	}
	e.groups[id] = g
	return g
}

// subnetStage evaluates what the subnet with id contributes: the return
// route to the internet (with its evidence) and the network ACL.
func (e *engine) subnetStage(id string) *subnetStage {
	if s, ok := e.subnets[id]; ok {
		return s
	}
	s := &subnetStage{subnet: e.reg.Subnet(id)}
	var routes []*model.Route
	s.ret, routes, s.routeNotes = internetReturn(e.reg, s.subnet)
	if s.subnet != nil && s.subnet.RouteTable != nil {
		regions, _ := routeRegions(e.reg, s.subnet.RouteTable)
		for _, rr := range regions {
			for _, r := range routes {
				if rr.Route == r {
					s.routeEvidence = append(s.routeEvidence, evidence{hop: Hop{Kind: "route", ID: s.subnet.RouteTable.ID, Detail: r.DestinationString() + " -> " + r.TargetID, Msg: routeMsg(r)}, byAddr: true, addrs: rr.Addrs})
				}
			}
		}
	}
	var acl *model.NetworkACL
	if s.subnet != nil {
		acl = s.subnet.NetworkACL
	}
	s.acl = e.aclStage(acl)
	if e.subnets == nil {
		e.subnets = map[string]*subnetStage{}
	}
	e.subnets[id] = s
	return s
}

func (e *engine) aclStage(acl *model.NetworkACL) *aclStage {
	if a, ok := e.acls[acl]; ok {
		return a
	}
	a := &aclStage{acl: acl, in: naclAllowed(acl, false), out: naclAllowed(acl, true)}
	a.reply = replyAllowed(a.out)
	a.pass = a.in.Intersect(a.reply)
	if acl != nil {
		a.evidence = append(naclEvidence(acl, false), replyEvidence(acl)...)
	}
	if e.acls == nil {
		e.acls = map[*model.NetworkACL]*aclStage{}
	}
	e.acls[acl] = a
	return a
}

// eniByAddr finds the first interface (in the region's order) with the
// private IPv4 or the IPv6 address ip.
func (e *engine) eniByAddr(ip string) *model.ENI {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	if e.byAddr == nil {
		e.byAddr = map[netip.Addr]*model.ENI{}
		for _, eni := range e.reg.ENIs {
			for _, p := range eni.Addresses {
				if _, ok := e.byAddr[p.Private]; !ok {
					e.byAddr[p.Private] = eni
				}
			}
			for _, p := range eni.IPv6 {
				if _, ok := e.byAddr[p]; !ok {
					e.byAddr[p] = eni
				}
			}
		}
	}
	return e.byAddr[a]
}
