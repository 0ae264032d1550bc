package flows

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// Attribution is which security-group rule and network-ACL entry let the
// logged traffic through (issue 5, item 3): every accepted connection is
// attributed, with the snapshot, to the rules that admitted it, so that
// each rule gets a usage count over the logged period.
//
// How a connection is attributed:
//
//   - It is counted once, from the observations docs/flows.md's stage 2
//     uses for its edge: those logged at the server's interface when that
//     interface appears in the logs at all, else those logged at the
//     client's. Packets and bytes are both directions as seen there.
//   - The server's interface is the logging interface when it holds the
//     server address (a private, public or IPv6 address, or a delegated
//     prefix); the client's likewise. The other end is found by its
//     private or IPv6 address, in the logging interface's VPC first, then
//     anywhere in its region. Addresses no interface holds (the internet)
//     are matched by CIDR and prefix-list rules only.
//   - Ingress: every rule of the server interface's groups that matches
//     the client (by CIDR, prefix list, or a group reference the client's
//     interface carries, AWS-SEMANTICS.md §2). Any matching rule admits
//     the connection, so each is counted; Alone counts the observations
//     a rule was the only one to admit.
//   - Egress: every rule of the client interface's groups that matches the
//     server, when the client is an interface of the snapshot.
//   - Network ACLs, unless both ends share a subnet (§3): the entry that
//     decides the request on each known end's subnet (first match), and
//     the entry that lets the reply back (stateless: the server's subnet's
//     egress, the client's subnet's ingress). The client's ephemeral port
//     is not in an observation, so the reply's entry is the lowest-numbered
//     one that lets replies through to some port of 1024–65535, as the
//     reachability engine decides (reach.Matcher.NACLReply).
//   - An interface without security groups (a network load balancer's
//     node without them) is filtered by none (§6): no rule is named for
//     it. Observations logged at a NAT gateway's interface are transit:
//     they show the hops of connections that the interfaces behind it log
//     themselves (§9), so neither its rules (it has none) nor its subnet's
//     ACL entries are counted from them.
//   - Protocols without ports (ICMP, ESP, ...): stage 1 takes the
//     destination for the server, so a connection's replies look like a
//     connection the other way. Groups are stateful (§2): an observation
//     no ingress rule admits whose reverse the rules admit is counted as a
//     reply (Totals.Reply), not as a connection.
//   - REJECTed observations and those without an action are never
//     attributed; they count in the totals and, like every observation,
//     in the period and the interfaces seen.
//
// The zero value is an attribution of no logs. An Attribution is
// read-only once Attribute returns it.
type Attribution struct {
	// Period is the earliest start and latest end of every observation
	// (accepted or not); zero when no observation logged a time.
	Period Period    `json:"period"`
	Logs   LogVolume `json:"logs"`
	Totals Totals    `json:"totals"`
	// Rules are the security-group rules that admitted some accepted
	// connection, sorted by account, region, group and rule.
	Rules []RuleUsage `json:"rules"`
	// NACLEntries are the network-ACL entries that let some accepted
	// connection through, sorted by account, region, ACL, direction and
	// rule number.
	NACLEntries []NACLUsage `json:"nacl_entries"`
	// Interfaces are every interface-id the logs name, sorted by ID.
	Interfaces []InterfaceSeen `json:"interfaces"`
	// Unexplained are the first MaxUnexplained observations of
	// Totals.Unexplained, in the order given: accepted traffic the
	// snapshot's rules or entries would drop.
	Unexplained []Observation `json:"unexplained,omitempty"`

	rules   map[RuleKey]int
	ifaces  map[string]int
	regions map[[2]string]bool
}

// MaxUnexplained is how many unexplained observations an Attribution keeps.
const MaxUnexplained = 20

// Period is a span of time, from the earliest start to the latest end.
type Period struct {
	First time.Time `json:"first,omitzero"` // zero (left out) when unknown
	Last  time.Time `json:"last,omitzero"`
}

// IsZero reports whether no time is known.
func (p Period) IsZero() bool { return p.First.IsZero() && p.Last.IsZero() }

// Duration is Last - First.
func (p Period) Duration() time.Duration { return p.Last.Sub(p.First) }

// LogVolume is how much flow log was read.
type LogVolume struct {
	Files   int64 `json:"files"`
	Records int64 `json:"records"`
	Bytes   int64 `json:"bytes"` // as stored (compressed for gzip)
}

// Tally counts observations and what they carried.
type Tally struct {
	Observations int64 `json:"observations"`
	Records      int64 `json:"records"`
	Packets      int64 `json:"packets"`
	Bytes        int64 `json:"bytes"`
	Connections  int64 `json:"connections"`
}

func (t *Tally) add(o *Observation) {
	t.Observations++
	t.Records += o.Records
	t.Packets += o.Packets
	t.Bytes += o.Bytes
	t.Connections += o.Connections
}

// Totals account for every observation.
type Totals struct {
	Accepted Tally `json:"accepted"`
	Rejected Tally `json:"rejected"`
	NoAction Tally `json:"no_action"` // formats without ${action}
	// Counted are the accepted observations each connection is counted
	// from (the server's side when logged, else the client's).
	Counted Tally `json:"counted"`
	// Duplicate are accepted observations of a connection counted from
	// the server's side, logged at the client's interface.
	Duplicate Tally `json:"duplicate"`
	// Transit are accepted observations logged at a NAT gateway's
	// interface (the hops of connections the interfaces behind it log
	// themselves) or at an interface that is neither end (a middlebox).
	Transit Tally `json:"transit"`
	// Reply are accepted observations of a protocol without ports that
	// no rule admits but whose reverse the rules admit: the replies of a
	// connection the other way (stage 1 takes the destination of such a
	// protocol for the server), counted with it.
	Reply Tally `json:"reply"`
	// UnknownInterface are accepted observations logged at an interface
	// the snapshot does not hold.
	UnknownInterface Tally `json:"unknown_interface"`
	// Unattributed are counted observations whose server is no interface
	// of the snapshot (the internet, an AWS service, another account), or
	// is reached by its public address from the client's side: no ingress
	// rule can be named. Their egress rules and ACL entries are.
	Unattributed Tally `json:"unattributed"`
	// Unexplained are counted observations that some filter of the
	// snapshot would not let through: no ingress or egress rule matches,
	// or an ACL entry denies. The rules or groups changed between the logs
	// and the snapshot, or a group is not in the data.
	Unexplained Tally `json:"unexplained"`
}

// RuleKey identifies a security-group rule across an inventory: its group
// and the rule as model.Rule prints it (direction, protocol, ports, peer),
// which is unique within a group.
type RuleKey struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	GroupID string `json:"group"`
	Rule    string `json:"rule"` // "ingress tcp/443 from 0.0.0.0/0"
}

// KeyOf is the key of a rule of reg.
func KeyOf(reg *model.Region, r *model.Rule) RuleKey {
	return RuleKey{Account: reg.Account, Region: reg.Name, GroupID: r.GroupID, Rule: r.String()}
}

// Usage is what one rule or entry carried.
type Usage struct {
	Tally
	FirstSeen time.Time `json:"first_seen"` // zero when no observation logged a time
	LastSeen  time.Time `json:"last_seen"`
}

func (u *Usage) add(o *Observation) {
	u.Tally.add(o)
	u.FirstSeen, u.LastSeen = widen(u.FirstSeen, u.LastSeen, o)
}

// widen extends [first, last] to o's start and end.
func widen(first, last time.Time, o *Observation) (time.Time, time.Time) {
	if o.Start >= 0 {
		if t := time.Unix(o.Start, 0).UTC(); first.IsZero() || t.Before(first) {
			first = t
		}
	}
	if o.End >= 0 {
		if t := time.Unix(o.End, 0).UTC(); last.IsZero() || t.After(last) {
			last = t
		}
	}
	return first, last
}

// RuleUsage is one rule's usage.
type RuleUsage struct {
	RuleKey
	Direction string `json:"direction"` // ingress or egress
	Usage
	// Alone counts the observations this rule was the only rule of its
	// direction to admit: without it they would have been dropped.
	Alone int64 `json:"alone"`
}

// NACLUsage is one network-ACL entry's usage.
type NACLUsage struct {
	Account    string `json:"account"`
	Region     string `json:"region"`
	ACLID      string `json:"acl"`
	Direction  string `json:"direction"` // ingress or egress
	RuleNumber int    `json:"rule_number"`
	Entry      string `json:"entry"` // "allow tcp/443 0.0.0.0/0"
	Usage
}

// InterfaceSeen is an interface the logs name.
type InterfaceSeen struct {
	ID      string `json:"id"`
	Account string `json:"account,omitempty"` // empty when the snapshot lacks it
	Region  string `json:"region,omitempty"`
	Period
	Records  int64 `json:"records"`
	Accepted int64 `json:"accepted"` // records
}

// Rule returns the usage of the rule with key k; false when it admitted
// nothing.
func (a *Attribution) Rule(k RuleKey) (RuleUsage, bool) {
	if i, ok := a.rules[k]; ok {
		return a.Rules[i], true
	}
	return RuleUsage{}, false
}

// Interface returns what the logs hold of the interface with id; false
// when no record names it.
func (a *Attribution) Interface(id string) (InterfaceSeen, bool) {
	if i, ok := a.ifaces[id]; ok {
		return a.Interfaces[i], true
	}
	return InterfaceSeen{}, false
}

// CoversRegion reports whether the logs hold accepted traffic logged at an
// interface of account's region: only then can they show a rule of the
// region unused.
func (a *Attribution) CoversRegion(account, region string) bool {
	return a.regions[[2]string{account, region}]
}

// Attribute attributes the accepted observations to the rules and entries
// of inv that admitted them; logs are the reader's counts, kept as the
// volume of logs read.
func Attribute(inv *model.Inventory, obs []Observation, logs flowlog.Stats) *Attribution {
	at := newAttributor(inv)
	a := &Attribution{
		Logs:    LogVolume{Files: logs.Files, Records: logs.Records, Bytes: logs.Bytes},
		rules:   map[RuleKey]int{},
		ifaces:  map[string]int{},
		regions: map[[2]string]bool{},
	}
	logged := map[string]bool{}
	for i := range obs {
		logged[obs[i].InterfaceID] = true
	}
	seen := map[string]*InterfaceSeen{}
	for i := range obs {
		o := &obs[i]
		a.Period.First, a.Period.Last = widen(a.Period.First, a.Period.Last, o)
		s := seen[o.InterfaceID]
		if s == nil {
			s = &InterfaceSeen{ID: o.InterfaceID}
			if e := at.enis[o.InterfaceID]; e != nil {
				s.Account, s.Region = e.reg.Account, e.reg.Name
			}
			seen[o.InterfaceID] = s
		}
		s.First, s.Last = widen(s.First, s.Last, o)
		s.Records += o.Records
		switch {
		case o.NoAction:
			a.Totals.NoAction.add(o)
			continue
		case !o.Accept:
			a.Totals.Rejected.add(o)
			continue
		}
		a.Totals.Accepted.add(o)
		s.Accepted += o.Records
		at.attribute(a, o, logged)
	}
	for _, s := range seen {
		a.Interfaces = append(a.Interfaces, *s)
	}
	slices.SortFunc(a.Interfaces, func(x, y InterfaceSeen) int { return cmp.Compare(x.ID, y.ID) })
	for i, s := range a.Interfaces {
		a.ifaces[s.ID] = i
	}
	at.finish(a)
	return a
}

// attributor holds the inventory's indexes and the usage being counted.
type attributor struct {
	enis     map[string]*eniAt
	byAddr   map[*model.Region]map[netip.Addr][]*model.ENI // private IPv4 and IPv6 addresses
	byPub    map[*model.Region]map[netip.Addr]*model.ENI   // public IPv4 addresses
	matchers map[*model.Region]*reach.Matcher
	rules    map[*model.Rule]*ruleAcc
	entries  map[entryKey]*entryAcc
	buf      []*model.Rule
}

type eniAt struct {
	eni *model.ENI
	reg *model.Region
}

type ruleAcc struct {
	reg   *model.Region
	rule  *model.Rule
	usage Usage
	alone int64
}

type entryKey struct {
	acl   *model.NetworkACL
	entry *model.NACLEntry
}

type entryAcc struct {
	reg   *model.Region
	usage Usage
}

func newAttributor(inv *model.Inventory) *attributor {
	at := &attributor{
		enis:     map[string]*eniAt{},
		byAddr:   map[*model.Region]map[netip.Addr][]*model.ENI{},
		byPub:    map[*model.Region]map[netip.Addr]*model.ENI{},
		matchers: map[*model.Region]*reach.Matcher{},
		rules:    map[*model.Rule]*ruleAcc{},
		entries:  map[entryKey]*entryAcc{},
	}
	for _, reg := range inv.Regions() {
		idx, pub := map[netip.Addr][]*model.ENI{}, map[netip.Addr]*model.ENI{}
		for _, e := range reg.ENIs {
			if _, dup := at.enis[e.ID]; !dup {
				at.enis[e.ID] = &eniAt{e, reg}
			}
			for _, p := range e.Addresses {
				if p.Private.IsValid() {
					idx[p.Private] = append(idx[p.Private], e)
				}
				if _, dup := pub[p.Public]; p.Public.IsValid() && !dup {
					pub[p.Public] = e
				}
			}
			for _, p := range e.IPv6 {
				idx[p] = append(idx[p], e)
			}
		}
		at.byAddr[reg], at.byPub[reg] = idx, pub
	}
	return at
}

func (at *attributor) matcher(reg *model.Region) *reach.Matcher {
	m := at.matchers[reg]
	if m == nil {
		m = reach.NewMatcher(reg)
		at.matchers[reg] = m
	}
	return m
}

// holds reports whether addr is one of e's addresses.
func holds(e *model.ENI, addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range e.Addresses {
		if p.Private == addr || p.Public == addr {
			return true
		}
	}
	if slices.Contains(e.IPv6, addr) {
		return true
	}
	for _, p := range e.Prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// byPrivate finds the interface whose private (or IPv6) address is addr:
// in vpc first, else the region's first.
func (at *attributor) byPrivate(reg *model.Region, vpc string, addr netip.Addr) *model.ENI {
	cands := at.byAddr[reg][addr.Unmap()]
	for _, e := range cands {
		if e.VPCID == vpc {
			return e
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

// attribute counts one accepted observation (see Attribution).
func (at *attributor) attribute(a *Attribution, o *Observation, logged map[string]bool) {
	ea := at.enis[o.InterfaceID]
	if ea == nil {
		a.Totals.UnknownInterface.add(o)
		return
	}
	e, reg := ea.eni, ea.reg
	a.regions[[2]string{reg.Account, reg.Name}] = true
	var srv, cli *model.ENI
	switch {
	case e.Owner.Kind == model.OwnerNATGateway:
		// A NAT gateway forwards: its records show each hop of the
		// connections of the interfaces behind it (AWS-SEMANTICS.md §9),
		// which log them themselves.
		a.Totals.Transit.add(o)
		return
	case holds(e, o.Server):
		srv, cli = e, at.byPrivate(reg, e.VPCID, o.Client)
	case holds(e, o.Client):
		cli, srv = e, at.byPrivate(reg, e.VPCID, o.Server)
		other := srv
		if other == nil {
			other = at.byPub[reg][o.Server.Unmap()]
		}
		if other != nil && logged[other.ID] {
			a.Totals.Duplicate.add(o) // counted at the server's interface
			return
		}
	default:
		a.Totals.Transit.add(o)
		return
	}
	m := at.matcher(reg)
	proto := model.Protocol(o.Protocol)
	port := uint16(max(o.Port, 0))
	var srvGroups, cliGroups []string
	if srv != nil {
		srvGroups = srv.SecurityGroupIDs
	}
	if cli != nil {
		cliGroups = cli.SecurityGroupIDs
	}
	// An interface without security groups (a network load balancer's
	// without them) is filtered by none: there is no rule to name, and
	// nothing to explain.
	var in []*model.Rule
	inOK := true
	if srv != nil && len(srvGroups) > 0 {
		var missing []string
		in, missing = m.GroupRules(at.buf[:0], srvGroups, model.Ingress, reach.Packet{Protocol: proto, Port: port, Remote: o.Client, RemoteGroups: cliGroups})
		at.buf = in
		inOK = len(in) > 0 || len(missing) > 0
	}
	// Stage 1 takes the destination of a protocol without ports (ICMP,
	// ESP, ...) for the server, so the replies of a connection look like
	// one the other way. Groups are stateful (§2): a reply needs no rule.
	// An observation no rule admits whose reverse the rules admit is such
	// a reply, counted with its request.
	if !inOK && !hasPorts(proto) && at.reverseAdmitted(m, srv, cli, proto, o) {
		a.Totals.Reply.add(o)
		return
	}
	a.Totals.Counted.add(o)
	if srv == nil {
		a.Totals.Unattributed.add(o)
	}
	explained := inOK
	at.count(reg, in, o)
	if cli != nil && len(cliGroups) > 0 {
		out, missing := m.GroupRules(at.buf[:0], cliGroups, model.Egress, reach.Packet{Protocol: proto, Port: port, Remote: o.Server, RemoteGroups: srvGroups})
		at.buf = out
		at.count(reg, out, o)
		explained = explained && (len(out) > 0 || len(missing) > 0)
	}
	// Network ACLs filter only traffic that crosses a subnet's edge (§3):
	// the request and the reply, on each end's subnet.
	if cli == nil || srv == nil || cli.SubnetID != srv.SubnetID {
		if srv != nil {
			acl := aclOf(reg, srv)
			e, ok := m.NACLEntry(acl, false, reach.Packet{Protocol: proto, Port: port, Remote: o.Client})
			explained = at.countEntry(reg, acl, e, ok, o) && explained
			e, ok = m.NACLReply(acl, true, proto, o.Client)
			explained = at.countEntry(reg, acl, e, ok, o) && explained
		}
		if cli != nil {
			acl := aclOf(reg, cli)
			e, ok := m.NACLEntry(acl, true, reach.Packet{Protocol: proto, Port: port, Remote: o.Server})
			explained = at.countEntry(reg, acl, e, ok, o) && explained
			e, ok = m.NACLReply(acl, false, proto, o.Server)
			explained = at.countEntry(reg, acl, e, ok, o) && explained
		}
	}
	if !explained {
		a.Totals.Unexplained.add(o)
		if len(a.Unexplained) < MaxUnexplained {
			a.Unexplained = append(a.Unexplained, *o)
		}
	}
}

// hasPorts reports whether stage 1 finds a service port for proto.
func hasPorts(proto model.Protocol) bool {
	return proto == protoTCP || proto == protoUDP || proto == protoSCTP
}

// reverseAdmitted reports whether the groups admit o the other way: the
// client's ingress rules from the server when the client is an interface
// of the snapshot, else the server's egress rules to the client.
func (at *attributor) reverseAdmitted(m *reach.Matcher, srv, cli *model.ENI, proto model.Protocol, o *Observation) bool {
	var srvGroups []string
	if srv != nil {
		srvGroups = srv.SecurityGroupIDs
	}
	if cli != nil {
		rules, missing := m.GroupRules(at.buf[:0], cli.SecurityGroupIDs, model.Ingress, reach.Packet{Protocol: proto, Remote: o.Server, RemoteGroups: srvGroups})
		at.buf = rules
		return len(rules) > 0 || len(missing) > 0 || len(cli.SecurityGroupIDs) == 0
	}
	if srv != nil {
		rules, missing := m.GroupRules(at.buf[:0], srvGroups, model.Egress, reach.Packet{Protocol: proto, Remote: o.Client})
		at.buf = rules
		return len(rules) > 0 || len(missing) > 0
	}
	return false
}

func aclOf(reg *model.Region, e *model.ENI) *model.NetworkACL {
	if s := reg.Subnet(e.SubnetID); s != nil {
		return s.NetworkACL
	}
	return nil
}

// countEntry counts an entry that let o through; it reports whether the
// ACL lets o through at all.
func (at *attributor) countEntry(reg *model.Region, acl *model.NetworkACL, e *model.NACLEntry, ok bool, o *Observation) bool {
	if !ok {
		return false
	}
	if e == nil {
		return true // the ACL is unknown: nothing to count
	}
	k := entryKey{acl, e}
	acc := at.entries[k]
	if acc == nil {
		acc = &entryAcc{reg: reg}
		at.entries[k] = acc
	}
	acc.usage.add(o)
	return true
}

func (at *attributor) count(reg *model.Region, rules []*model.Rule, o *Observation) {
	for _, r := range rules {
		acc := at.rules[r]
		if acc == nil {
			acc = &ruleAcc{reg: reg, rule: r}
			at.rules[r] = acc
		}
		acc.usage.add(o)
		if len(rules) == 1 {
			acc.alone++
		}
	}
}

// finish lists the usage counted, sorted.
func (at *attributor) finish(a *Attribution) {
	for _, acc := range at.rules {
		a.Rules = append(a.Rules, RuleUsage{RuleKey: KeyOf(acc.reg, acc.rule), Direction: string(acc.rule.Direction), Usage: acc.usage, Alone: acc.alone})
	}
	slices.SortFunc(a.Rules, func(x, y RuleUsage) int {
		return cmp.Or(cmp.Compare(x.Account, y.Account), cmp.Compare(x.Region, y.Region), cmp.Compare(x.GroupID, y.GroupID), cmp.Compare(x.Rule, y.Rule))
	})
	for i, r := range a.Rules {
		a.rules[r.RuleKey] = i
	}
	for k, acc := range at.entries {
		dir := "ingress"
		if k.entry.Egress {
			dir = "egress"
		}
		a.NACLEntries = append(a.NACLEntries, NACLUsage{
			Account: acc.reg.Account, Region: acc.reg.Name, ACLID: k.acl.ID, Direction: dir, RuleNumber: k.entry.RuleNumber,
			Entry: entryString(k.entry), Usage: acc.usage,
		})
	}
	slices.SortFunc(a.NACLEntries, func(x, y NACLUsage) int {
		return cmp.Or(cmp.Compare(x.Account, y.Account), cmp.Compare(x.Region, y.Region), cmp.Compare(x.ACLID, y.ACLID),
			cmp.Compare(x.Direction, y.Direction), cmp.Compare(x.RuleNumber, y.RuleNumber))
	})
}

// entryString prints an entry as "allow tcp/443 0.0.0.0/0".
func entryString(e *model.NACLEntry) string {
	action := "deny"
	if e.Allow {
		action = "allow"
	}
	r := model.Rule{Protocol: e.Protocol, Ports: e.Ports, ICMP: e.ICMP}
	return action + " " + r.PortsString() + " " + e.CIDR.String()
}
