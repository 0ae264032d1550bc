package reach

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// RolePorts is what the interfaces of one role can open to the interfaces
// of another role of the same region: the (protocol, destination port)
// pairs for which some interface of From reaches some interface of To.
type RolePorts struct {
	From, To *model.Role
	// Allowed holds protocols and destination ports; its addresses are
	// every address (they carry no meaning).
	Allowed packet.Set
}

// RoleReachability returns, for every ordered pair of distinct roles of
// reg, the traffic some interface of From can open to some interface of
// To, decided as Between decides one packet between two interfaces
// (AWS-SEMANTICS.md §7): From's egress groups, the route from its subnet,
// both subnets' network ACLs both ways (unless the two share a subnet),
// To's ingress groups. Pairs with nothing allowed are left out; the
// result is sorted by From's ID, then To's.
//
// Routes to an internet gateway, an egress-only gateway or a NAT gateway
// do not deliver to a private address (the gateways do not forward
// private addresses back into a VPC); any other route that is not a
// blackhole or an inactive peering is assumed to deliver, as Between
// assumes with a note. An interface without a role (its owner unknown) is
// left out, and so are NAT gateways (they forward, they are no end of a
// connection); Lambda functions are sources only (their interfaces accept
// no connection, AWS-SEMANTICS.md §5).
//
// Work grows with the pairs of ends, an end being the interfaces of one
// role in one subnet with the same groups, each pair costing a few lookups
// (see roleCalc); not with the pairs of interfaces.
func RoleReachability(reg *model.Region) []RolePorts {
	rc := newRoleCalc(reg)
	ends := rc.endsOf(reg)
	type pair struct{ from, to *model.Role }
	found := map[pair][]int{} // distinct results, by ID
	// Destinations are taken class by class. Within a class, the out side
	// of each source end (when the destination carries none of the groups
	// its egress rules reference) is the same for every destination:
	// outOf caches it by source end, stamped with the class's turn. For
	// one destination, the in side is the same for every source of a
	// class (when the source carries none of the groups the destination's
	// ingress rules reference): inOf caches it by source class, stamped
	// with the destination's turn.
	byClass := make([][]*roleEnd, len(rc.classAddrs))
	for _, b := range ends {
		if b.accepts {
			byClass[b.class] = append(byClass[b.class], b)
		}
	}
	outOf, outStamp := make([]int, 2*len(ends)), make([]int, 2*len(ends))
	inOf, inStamp := make([]int, 2*len(rc.classAddrs)), make([]int, 2*len(rc.classAddrs))
	turn := 0
	for class, bs := range byClass {
		for _, b := range bs {
			turn++
			for ai, a := range ends {
				if a.role == b.role {
					continue
				}
				same := a.subnetID == b.subnetID
				var out, in int
				if m := rc.mask(a.cfg, 1, b.groups); m != 0 {
					out = rc.side(a.cfg, class, m, true, same)
				} else {
					i := 2 * ai
					if same {
						i++
					}
					if outStamp[i] != class+1 {
						outStamp[i], outOf[i] = class+1, rc.side(a.cfg, class, 0, true, same)
					}
					out = outOf[i]
				}
				if out < 0 {
					continue
				}
				if m := rc.mask(b.cfg, 0, a.groups); m != 0 {
					in = rc.side(b.cfg, a.class, m, false, same)
				} else {
					i := 2 * a.class
					if same {
						i++
					}
					if inStamp[i] != turn {
						inStamp[i], inOf[i] = turn, rc.side(b.cfg, a.class, 0, false, same)
					}
					in = inOf[i]
				}
				if in < 0 {
					continue
				}
				id := rc.both(out, in)
				if id < 0 {
					continue
				}
				k := pair{a.role, b.role}
				if ids := found[k]; !slices.Contains(ids, id) {
					found[k] = append(ids, id)
				}
			}
		}
	}
	out := make([]RolePorts, 0, len(found))
	for k, ids := range found {
		var s packet.Set
		for _, id := range ids {
			s = s.Union(rc.results[id])
		}
		out = append(out, RolePorts{From: k.from, To: k.to, Allowed: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From.ID != out[j].From.ID {
			return out[i].From.ID < out[j].From.ID
		}
		return out[i].To.ID < out[j].To.ID
	})
	return out
}

// How the work stays small. Every stage of a connection depends on one end's
// configuration (subnet and groups) and on the other end's addresses and
// groups. Addresses matter only through the prefixes of the region's rules,
// ACL entries and routes that contain them (their class), and groups only
// through the group references of the rules in question. So each side is
// computed once per (configuration, class of the other end, groups it
// references), on a representative address set of the class, and each pair
// of ends costs a few lookups.

// roleEnd is the interfaces of one role sharing a subnet and groups.
type roleEnd struct {
	role     *model.Role
	subnetID string
	groups   []string
	cfg      int          // the configuration's index in roleCalc.cfgs
	class    int          // the class of the addresses, index in roleCalc.classAddrs
	accepts  bool         // the interfaces accept connections (not Lambda's)
	addrs    []netip.Addr // until the class is known
}

// roleCfg is what one (subnet, groups) configuration contributes.
type roleCfg struct {
	subnet    *model.Subnet
	groupless bool
	// Per direction (0 ingress, 1 egress): the rules' space without group
	// references, and the referenced groups with their rules' spaces.
	cidr     [2]packet.Set
	refs     [2][]string
	refSpace [2][]packet.Set
}

// sideKey identifies one side's computation.
type sideKey struct {
	cfg, class int
	mask       uint64 // which of cfg's referenced groups the other end carries
	egress     bool
	same       bool // the two share a subnet
}

// roleCalc caches, per region, what many pairs of ends share.
type roleCalc struct {
	e           *engine
	prefixes    map[netip.Prefix]bool
	cfgIndex    map[string]int
	cfgs        []*roleCfg
	classIndex  map[string]int
	classAddrs  []*netipx.IPSet
	sides       map[[2]uint64]int // side result ID by packed sideKey; -1 for empty
	sideSets    []packet.Set      // distinct side results
	sideIdx     map[string]int
	pairs       [][]int      // by out side ID, by in side ID: result ID, -1 for empty, unknown
	results     []packet.Set // distinct results
	resultIdx   map[string]int
	routes      map[*model.RouteTable]*netipx.IPSet
	classRoutes map[classRoute]*netipx.IPSet
	acls        map[aclSide]packet.Set
	replies     map[aclSide]packet.Set
}

func newRoleCalc(reg *model.Region) *roleCalc {
	rc := &roleCalc{e: newEngine(reg), prefixes: map[netip.Prefix]bool{}, cfgIndex: map[string]int{}, classIndex: map[string]int{},
		sides:  map[[2]uint64]int{},
		routes: map[*model.RouteTable]*netipx.IPSet{}, classRoutes: map[classRoute]*netipx.IPSet{}, acls: map[aclSide]packet.Set{}, replies: map[aclSide]packet.Set{}}
	add := func(p netip.Prefix) {
		if p.IsValid() {
			rc.prefixes[p.Masked()] = true
		}
	}
	for _, pl := range reg.PrefixLists {
		for _, p := range pl.Entries {
			add(p)
		}
	}
	for _, g := range reg.SecurityGroups {
		for _, rules := range [][]model.Rule{g.Ingress, g.Egress} {
			for _, r := range rules {
				add(r.Peer.CIDR)
			}
		}
	}
	for _, acl := range reg.NetworkACLs {
		for _, en := range acl.Entries {
			add(en.CIDR)
		}
	}
	for _, rt := range reg.RouteTables {
		for _, r := range rt.Routes {
			add(r.Destination)
		}
	}
	return rc
}

// endsOf groups the region's interfaces with a role by (role, subnet,
// groups), in the order of the interfaces.
func (rc *roleCalc) endsOf(reg *model.Region) []*roleEnd {
	type key struct {
		role   *model.Role
		cfg    string
		lambda bool
	}
	index := map[key]*roleEnd{}
	var ends []*roleEnd
	for _, eni := range reg.ENIs {
		res := eni.Owner.Resource
		if res == nil || res.Role == nil || eni.Owner.Kind == model.OwnerNATGateway {
			continue // a NAT gateway forwards; it is no end of a connection
		}
		var addrs []netip.Addr
		for _, a := range eni.Addresses {
			if a.Private.IsValid() {
				addrs = append(addrs, a.Private)
			}
		}
		addrs = append(addrs, eni.IPv6...)
		if len(addrs) == 0 {
			continue
		}
		_, open := groupless(eni)
		cfg := eni.SubnetID + "\x00" + joinIDs(eni.SecurityGroupIDs) + "\x00" + strconv.FormatBool(open)
		k := key{res.Role, cfg, eni.Owner.Kind == model.OwnerLambda}
		end := index[k]
		if end == nil {
			id, ok := rc.cfgIndex[cfg]
			if !ok {
				id = len(rc.cfgs)
				rc.cfgIndex[cfg] = id
				rc.cfgs = append(rc.cfgs, rc.newCfg(reg.Subnet(eni.SubnetID), eni.SecurityGroupIDs, open))
			}
			end = &roleEnd{role: res.Role, subnetID: eni.SubnetID, groups: eni.SecurityGroupIDs, cfg: id, accepts: !k.lambda}
			index[k] = end
			ends = append(ends, end)
		}
		end.addrs = append(end.addrs, addrs...)
	}
	for _, end := range ends {
		end.class = rc.classOf(end.addrs)
		end.addrs = nil
	}
	return ends
}

// newCfg splits the configuration's rules by direction into those that
// match by address and those that reference a group (§2). A group not in
// the data allows everything, as Between assumes.
func (rc *roleCalc) newCfg(subnet *model.Subnet, groups []string, open bool) *roleCfg {
	c := &roleCfg{subnet: subnet, groupless: open}
	for dir := range 2 {
		refIndex := map[string]int{}
		for _, id := range groups {
			g := rc.e.reg.SecurityGroup(id)
			if g == nil {
				c.cidr[dir] = packet.All()
				continue
			}
			rules := g.Ingress
			if dir == 1 {
				rules = g.Egress
			}
			for _, r := range rules {
				space, group := rc.e.ruleMatch(r)
				if group == "" {
					c.cidr[dir] = c.cidr[dir].Union(space)
					continue
				}
				i, ok := refIndex[group]
				if !ok {
					if len(c.refs[dir]) == 64 { // beyond a mask: read as matching always
						c.cidr[dir] = c.cidr[dir].Union(space)
						continue
					}
					i = len(c.refs[dir])
					refIndex[group] = i
					c.refs[dir] = append(c.refs[dir], group)
					c.refSpace[dir] = append(c.refSpace[dir], packet.Set{})
				}
				c.refSpace[dir][i] = c.refSpace[dir][i].Union(space)
			}
		}
	}
	return c
}

// classOf names the class of a set of addresses: which of the region's
// prefixes hold each address. Two address sets of one class are treated
// alike by every rule, entry and route of the region.
func (rc *roleCalc) classOf(addrs []netip.Addr) int {
	sigs := make([]string, 0, len(addrs))
	var b strings.Builder
	for _, a := range addrs {
		b.Reset()
		if a.Is4() {
			b.WriteString("4:")
		} else {
			b.WriteString("6:")
		}
		for bits := 0; bits <= a.BitLen(); bits++ {
			p := netip.PrefixFrom(a, bits).Masked()
			if rc.prefixes[p] {
				b.WriteString(p.String())
				b.WriteByte(' ')
			}
		}
		sigs = append(sigs, b.String())
	}
	sort.Strings(sigs)
	sigs = slices.Compact(sigs)
	sig := strings.Join(sigs, "|")
	if id, ok := rc.classIndex[sig]; ok {
		return id
	}
	var sb netipx.IPSetBuilder
	for _, a := range addrs {
		sb.Add(a)
	}
	set, _ := sb.IPSet()
	rc.classIndex[sig] = len(rc.classAddrs)
	rc.classAddrs = append(rc.classAddrs, set)
	return len(rc.classAddrs) - 1
}

// both is the ID of what some interface of one end opens to some
// interface of another, given the IDs of its two sides (side), or -1 for
// nothing. The conditions on the destination's address (the source's
// egress rules, route and ACL) and those on the source's address (the
// destination's ingress rules and ACL) are independent, so each side is
// projected on its own and the two intersected.
func (rc *roleCalc) both(out, in int) int {
	for len(rc.pairs) <= out {
		rc.pairs = append(rc.pairs, nil)
	}
	row := rc.pairs[out]
	for len(row) <= in {
		row = append(row, unknown)
	}
	rc.pairs[out] = row
	if row[in] != unknown {
		return row[in]
	}
	id := -1
	if s := rc.sideSets[out].Intersect(rc.sideSets[in]); !s.IsEmpty() {
		id = rc.intern(&rc.resultIdx, &rc.results, s)
	}
	row[in] = id
	return id
}

// unknown marks a pair of sides not intersected yet.
const unknown = -2

// intern returns the index of s in *sets, appending it if no equal set is
// there. Sets whose addresses are every address print short, so their
// listing is the key.
func (rc *roleCalc) intern(index *map[string]int, sets *[]packet.Set, s packet.Set) int {
	key := s.String()
	if id, ok := (*index)[key]; ok {
		return id
	}
	if *index == nil {
		*index = map[string]int{}
	}
	(*index)[key] = len(*sets)
	*sets = append(*sets, s)
	return len(*sets) - 1
}

// mask says which of the configuration's referenced groups (in direction
// dir) the other end carries.
func (rc *roleCalc) mask(cfg, dir int, peerGroups []string) uint64 {
	var m uint64
	for i, g := range rc.cfgs[cfg].refs[dir] {
		if slices.Contains(peerGroups, g) {
			m |= 1 << i
		}
	}
	return m
}

// side computes one side of between: with egress, what the configuration's
// egress rules, route and ACL let out to some address of the class; else
// what its ingress rules and ACL let in from some address of the class.
func (rc *roleCalc) side(cfg, class int, mask uint64, egress, same bool) int {
	key := [2]uint64{uint64(cfg)<<32 | uint64(class)<<2, mask}
	if egress {
		key[0] |= 2
	}
	if same {
		key[0] |= 1
	}
	if id, ok := rc.sides[key]; ok {
		return id
	}
	k := sideKey{cfg: cfg, class: class, mask: mask, egress: egress, same: same}
	c := rc.cfgs[k.cfg]
	dir := 0
	if k.egress {
		dir = 1
	}
	s := c.cidr[dir]
	for i, sp := range c.refSpace[dir] {
		if k.mask&(1<<i) != 0 {
			s = s.Union(sp)
		}
	}
	if c.groupless {
		s = packet.All()
	}
	addrs := rc.classAddrs[k.class]
	if k.egress {
		addrs = rc.deliveredOf(k.class, c.subnet)
	}
	s = s.RestrictAddrs(addrs)
	if !k.same && !s.IsEmpty() {
		// The subnet's ACL in the packet's direction, and the reply's
		// passage the other way (§3).
		s = s.Intersect(rc.acl(c.subnet, k.egress)).Intersect(rc.reply(c.subnet, !k.egress))
	}
	id := -1
	if !s.IsEmpty() {
		id = rc.intern(&rc.sideIdx, &rc.sideSets, widenAddrs(s))
	}
	rc.sides[key] = id
	return id
}

// delivered is the set of addresses the route table of s delivers a
// packet to; every address when the table is unknown.
func (rc *roleCalc) delivered(s *model.Subnet) *netipx.IPSet {
	if s == nil || s.RouteTable == nil {
		return everything
	}
	if set, ok := rc.routes[s.RouteTable]; ok {
		return set
	}
	regions, _ := routeRegions(rc.e.reg, s.RouteTable)
	var b netipx.IPSetBuilder
	for _, rr := range regions {
		r := rr.Route
		switch {
		case r.Blackhole:
		case r.TargetKind == model.TargetInternetGateway, r.TargetKind == model.TargetEgressOnlyGateway, r.TargetKind == model.TargetNATGateway:
		case r.TargetKind == model.TargetPeering && !peeringActive(rc.e.reg, r.TargetID):
		default:
			b.AddSet(rr.Addrs)
		}
	}
	set, _ := b.IPSet()
	rc.routes[s.RouteTable] = set
	return set
}

// deliveredOf is the addresses of a class that the route table of s
// delivers to, once per class and table.
func (rc *roleCalc) deliveredOf(class int, s *model.Subnet) *netipx.IPSet {
	var rt *model.RouteTable
	if s != nil {
		rt = s.RouteTable
	}
	k := classRoute{class, rt}
	if set, ok := rc.classRoutes[k]; ok {
		return set
	}
	set := intersect(rc.classAddrs[class], rc.delivered(s))
	rc.classRoutes[k] = set
	return set
}

// classRoute is a class of addresses and a route table (nil: unknown).
type classRoute struct {
	class int
	rt    *model.RouteTable
}

// acl is naclAllowed of the subnet's ACL, once per ACL and direction.
func (rc *roleCalc) acl(s *model.Subnet, egress bool) packet.Set {
	k := aclSide{subnetACL(s), egress}
	if set, ok := rc.acls[k]; ok {
		return set
	}
	set := naclAllowed(k.acl, egress)
	rc.acls[k] = set
	return set
}

// reply is replyAllowed of the subnet's ACL in one direction: the
// (protocol, any port, remote address) whose replies pass it.
func (rc *roleCalc) reply(s *model.Subnet, egress bool) packet.Set {
	k := aclSide{subnetACL(s), egress}
	if set, ok := rc.replies[k]; ok {
		return set
	}
	set := replyAllowed(rc.acl(s, egress))
	rc.replies[k] = set
	return set
}

func subnetACL(s *model.Subnet) *model.NetworkACL {
	if s == nil {
		return nil
	}
	return s.NetworkACL
}

// widenAddrs returns, for each (protocol, port) of s, every address: the
// traffic s allows from or to some address.
func widenAddrs(s packet.Set) packet.Set {
	var out packet.Set
	for _, e := range s.Entries() {
		w := packet.New(e.Protocol, e.Ports, everything)
		for _, x := range e.Except {
			w = w.Subtract(packet.New(x, model.AllPorts, everything))
		}
		out = out.Union(w)
	}
	return out
}
