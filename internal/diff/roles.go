package diff

import (
	"slices"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// regionKey names a region across the two sides.
type regionKey struct{ account, region string }

// rolePair names an ordered pair of roles across the two sides.
type rolePair struct{ from, to string }

// reachOf is one side's reach between roles in one region.
type reachOf struct {
	reg   *model.Region
	pairs map[rolePair]reach.RolePorts
}

// maxExamples is how many new reaches between roles get an example path:
// the first in the diff's order (highest severity first). Each may cost a
// few hundred questions to the engine, and a diff of a whole new account
// can hold hundreds of thousands of new reaches.
const maxExamples = 200

func rolesBy(inv *model.Inventory) (map[regionKey]*reachOf, []regionKey) {
	m := map[regionKey]*reachOf{}
	var order []regionKey
	for _, reg := range inv.Regions() {
		k := regionKey{reg.Account, reg.Name}
		r := &reachOf{reg: reg, pairs: map[rolePair]reach.RolePorts{}}
		for _, rp := range reach.RoleReachability(reg) {
			r.pairs[rolePair{rp.From.ID, rp.To.ID}] = rp
		}
		m[k] = r
		order = append(order, k)
	}
	return m, order
}

// compareRoles lists, per region and ordered pair of roles (matched by
// role ID), the traffic one side allows and the other does not.
func compareRoles(before, after *model.Inventory) []RoleChange {
	var was map[regionKey]*reachOf
	done := make(chan struct{})
	go func() { // the two sides are independent: one per core
		was, _ = rolesBy(before)
		close(done)
	}()
	is, isOrder := rolesBy(after)
	<-done
	var out []RoleChange
	for _, k := range isOrder {
		out = append(out, roleChanges(New, is[k], was[k])...)
	}
	for _, k := range sortedRegions(was) {
		out = append(out, roleChanges(Removed, was[k], is[k])...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Change != b.Change {
			return a.Change == New
		}
		if sa, sb := rank(a.Severity), rank(b.Severity); sa != sb {
			return sa > sb
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.From.ID != b.From.ID {
			return a.From.ID < b.From.ID
		}
		return a.To.ID < b.To.ID
	})
	examples(out, is)
	if out == nil {
		out = []RoleChange{}
	}
	return out
}

// examples gives the first maxExamples new changes an example path.
func examples(changes []RoleChange, is map[regionKey]*reachOf) {
	asker := reach.NewAsker()
	members := map[*model.Region]map[string][]*model.ENI{}
	n := 0
	for i := range changes {
		c := &changes[i]
		if c.Change != New || n == maxExamples {
			continue
		}
		n++
		side := is[regionKey{c.Account, c.Region}]
		m := members[side.reg]
		if m == nil {
			m = interfacesByRole(side.reg)
			members[side.reg] = m
		}
		c.Example = example(asker, side.reg, m[c.From.ID], m[c.To.ID], c.rest)
	}
}

func sortedRegions(m map[regionKey]*reachOf) []regionKey {
	keys := make([]regionKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].region < keys[j].region
	})
	return keys
}

// roleChanges lists what side allows between two roles beyond other
// (nil: nothing on the other side).
func roleChanges(kind string, side, other *reachOf) []RoleChange {
	pairs := make([]rolePair, 0, len(side.pairs))
	for p := range side.pairs {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].from != pairs[j].from {
			return pairs[i].from < pairs[j].from
		}
		return pairs[i].to < pairs[j].to
	})
	var out []RoleChange
	for _, p := range pairs {
		rp := side.pairs[p]
		rest := rp.Allowed
		if other != nil {
			o := other.pairs[p].Allowed
			if o.Equal(rest) { // most pairs, in most changes: no set to subtract
				continue
			}
			rest = rest.Subtract(o)
		}
		if rest.IsEmpty() {
			continue
		}
		c := RoleChange{Change: kind, Account: side.reg.Account, Region: side.reg.Name, From: roleOf(rp.From), To: roleOf(rp.To)}
		c.Traffic = trafficOf(rest)
		c.Severity = roleSeverity(rp.To, rest).String()
		c.rest = rest
		out = append(out, c)
	}
	return out
}

func roleOf(r *model.Role) Role {
	out := Role{ID: r.ID, Name: r.Name, Kind: string(r.Kind), Members: []string{}}
	for _, m := range r.Members {
		out.Members = append(out.Members, m.ID)
	}
	return out
}

// trafficOf lists a set's (protocol, ports), ignoring its addresses.
func trafficOf(s packet.Set) []Traffic {
	out := []Traffic{}
	for _, e := range s.Entries() {
		t := Traffic{Protocol: e.Protocol.String(), FromPort: int(e.Ports.From), ToPort: int(e.Ports.To)}
		if e.Protocol.IsICMP() {
			t.FromPort, t.ToPort = int(e.Ports.From>>8), int(e.Ports.To>>8)
		}
		for _, x := range e.Except {
			t.ExceptProtocols = append(t.ExceptProtocols, x.String())
		}
		out = append(out, t)
	}
	return out
}

// roleSeverity grades reach between roles. No check reports it, and
// reach inside an account is how applications work, so it stays below
// the internet's grades: medium when it reaches a data tier (an RDS
// database or an ElastiCache cluster) or opens an administration or
// data-tier port (the ports internet-exposed calls sensitive), or all
// protocols; low otherwise.
func roleSeverity(to *model.Role, s packet.Set) check.Severity {
	if check.IsDataTier(to.Kind) {
		return check.Medium
	}
	for _, e := range s.Entries() {
		if e.Protocol == model.ProtocolAll {
			return check.Medium
		}
		if !e.Protocol.HasPorts() {
			continue
		}
		for _, p := range sensitiveList {
			if e.Ports.From <= p && p <= e.Ports.To {
				return check.Medium
			}
		}
	}
	return check.Low
}

// sensitiveList are the ports check.SensitivePort names.
var sensitiveList = func() []uint16 {
	var out []uint16
	for p := 0; p <= 65535; p++ {
		if _, ok := check.SensitivePort(uint16(p)); ok {
			out = append(out, uint16(p))
		}
	}
	return out
}()

// example finds one pair of member interfaces and one packet of s that
// reach.Between lets through, and returns it with its path. It tries the
// first packet of each entry of s on pairs of the two roles' interfaces,
// at most a few hundred questions.
func example(a *reach.Asker, reg *model.Region, from, to []*model.ENI, s packet.Set) *Example {
	tries := 0
	for _, e := range s.Entries() {
		proto, port := e.Protocol, e.Ports.From
		if proto == model.ProtocolAll {
			// Every protocol: show SSH, unless TCP is left out (a later
			// entry lists what TCP has).
			if slices.Contains(e.Except, model.ProtocolTCP) {
				continue
			}
			proto, port = model.ProtocolTCP, 22
		}
		for _, x := range from {
			for _, y := range to {
				if tries++; tries > 400 {
					return nil
				}
				v, err := a.Between(reach.Endpoint{ENI: x, Region: reg}, reach.Endpoint{ENI: y, Region: reg}, proto, port)
				if err != nil || !v.Reachable {
					continue
				}
				ex := &Example{FromENI: x.ID, ToENI: y.ID, Protocol: proto.String(), Port: int(port), Path: []report.Hop{}, Notes: []string{}}
				if proto.IsICMP() {
					ex.Port = int(port >> 8)
				}
				for _, h := range v.Path {
					ex.Path = append(ex.Path, report.Hop{Kind: h.Kind, ID: h.ID, Detail: h.Detail})
				}
				ex.Notes = append(ex.Notes, v.Notes...)
				return ex
			}
		}
	}
	return nil
}

// interfacesByRole lists the interfaces of each role's members, by role
// ID, in the region's order.
func interfacesByRole(reg *model.Region) map[string][]*model.ENI {
	out := map[string][]*model.ENI{}
	for _, e := range reg.ENIs {
		if r := e.Owner.Resource; r != nil && r.Role != nil {
			out[r.Role.ID] = append(out[r.Role.ID], e)
		}
	}
	return out
}
