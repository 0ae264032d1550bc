package reach

import (
	"net/netip"
	"slices"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
)

// Packet is one packet as the filters of one interface see it: what
// Matcher matches rules and entries against.
type Packet struct {
	Protocol model.Protocol // an IANA number, 0–255
	// Port is the destination port for TCP and UDP, ignored otherwise.
	// ICMP and ICMPv6 packets match any type and code: flow logs do not
	// carry them, so every rule or entry for some message of the protocol
	// matches.
	Port uint16
	// Remote is the other end: the source for ingress, the destination
	// for egress.
	Remote netip.Addr
	// RemoteGroups are the security groups of the interface whose private
	// address Remote is, nil for any other address: a group reference
	// matches only those (AWS-SEMANTICS.md §2).
	RemoteGroups []string
}

// Matcher names the security-group rules and network-ACL entries that
// single packets match, with the semantics the engine computes exposures
// with (AWS-SEMANTICS.md §2, §3): flow-log attribution asks it which rule
// admitted each flow. Prefix lists whose entries were not collected match
// every address, as in the engine.
//
// A Matcher caches each group's and ACL's rules on first use; it is not
// safe for concurrent use. The zero value is not usable: use NewMatcher.
type Matcher struct {
	e      *engine
	groups map[string]*groupMatch
	acls   map[aclDir][]aclMatch
}

// groupMatch is one group's rules with their spaces (ruleMatch).
type groupMatch struct {
	g       *model.SecurityGroup
	in, out []ruleSpaceOf
}

type ruleSpaceOf struct {
	rule  *model.Rule
	space packet.Set
	group string // a group reference: the group the remote must carry
}

type aclDir struct {
	acl    *model.NetworkACL
	egress bool
}

// aclMatch is an entry deciding some packet: its decided space, and for
// an allowing entry the replies it lets through (replyAllowed).
type aclMatch struct {
	decision
	reply packet.Set
}

// NewMatcher returns a matcher over reg's groups and ACLs.
func NewMatcher(reg *model.Region) *Matcher {
	return &Matcher{e: newEngine(reg), groups: map[string]*groupMatch{}, acls: map[aclDir][]aclMatch{}}
}

func (m *Matcher) group(id string) *groupMatch {
	if g, ok := m.groups[id]; ok {
		return g
	}
	var gm *groupMatch
	if g := m.e.reg.SecurityGroup(id); g != nil {
		gm = &groupMatch{g: g}
		for i := range g.Ingress {
			s, grp := m.e.ruleMatch(g.Ingress[i])
			gm.in = append(gm.in, ruleSpaceOf{&g.Ingress[i], s, grp})
		}
		for i := range g.Egress {
			s, grp := m.e.ruleMatch(g.Egress[i])
			gm.out = append(gm.out, ruleSpaceOf{&g.Egress[i], s, grp})
		}
	}
	m.groups[id] = gm
	return gm
}

// contains reports whether s holds p (any ICMP type and code).
func contains(s packet.Set, p Packet) bool {
	addr := p.Remote.Unmap()
	if p.Protocol.IsICMP() {
		return !s.Intersect(packet.New(p.Protocol, model.AllPorts, setOf(netip.PrefixFrom(addr, addr.BitLen())))).IsEmpty()
	}
	return s.Contains(p.Protocol, p.Port, addr)
}

// GroupRules appends to dst every rule of groups, of direction dir, that
// matches p, in the groups' order and each group's rule order. Any
// matching rule admits a packet (§2), so all are named. missing lists the
// groups that are not in the data (the engine assumes they allow).
func (m *Matcher) GroupRules(dst []*model.Rule, groups []string, dir model.Direction, p Packet) (rules []*model.Rule, missing []string) {
	for _, id := range groups {
		g := m.group(id)
		if g == nil {
			missing = append(missing, id)
			continue
		}
		rs := g.in
		if dir == model.Egress {
			rs = g.out
		}
		for _, r := range rs {
			if r.group != "" && !slices.Contains(p.RemoteGroups, r.group) {
				continue
			}
			if contains(r.space, p) {
				dst = append(dst, r.rule)
			}
		}
	}
	return dst, missing
}

func (m *Matcher) acl(acl *model.NetworkACL, egress bool) []aclMatch {
	k := aclDir{acl, egress}
	if a, ok := m.acls[k]; ok {
		return a
	}
	var out []aclMatch
	for _, d := range naclDecisions(acl, egress) {
		am := aclMatch{decision: d}
		if d.entry.Allow {
			am.reply = replyAllowed(d.space)
		}
		out = append(out, am)
	}
	m.acls[k] = out
	return out
}

// NACLEntry returns the entry of acl that decides p in one direction (the
// lowest-numbered entry that matches it, §3) and whether p passes. A nil
// acl (unknown) passes every packet, with no entry; a packet no entry
// matches does not pass. For ICMP, whose type flow logs do not carry, the
// entry is the first allowing entry that matches some message of the
// protocol, else the first denying one.
func (m *Matcher) NACLEntry(acl *model.NetworkACL, egress bool, p Packet) (*model.NACLEntry, bool) {
	if acl == nil {
		return nil, true
	}
	var deny *model.NACLEntry
	for _, d := range m.acl(acl, egress) {
		if !contains(d.space, p) {
			continue
		}
		if d.entry.Allow {
			return d.entry, true
		}
		if deny == nil {
			deny = d.entry
		}
	}
	return deny, false
}

// NACLReply returns the entry of acl that lets the reply to a connection
// of protocol proto through, and whether one does. remote is the
// reply's other end: for the server's subnet (egress), the client; for
// the client's subnet (ingress), the server. A reply goes to the client's
// ephemeral port, which a flow-log observation does not keep; as the
// engine counts a connection reachable when its reply passes for at least
// one port of 1024–65535 (§3), the entry is the lowest-numbered one that
// lets the reply through to some port of that range. A nil acl lets every
// reply through, with no entry.
func (m *Matcher) NACLReply(acl *model.NetworkACL, egress bool, proto model.Protocol, remote netip.Addr) (*model.NACLEntry, bool) {
	if acl == nil {
		return nil, true
	}
	p := Packet{Protocol: proto, Remote: remote}
	for _, d := range m.acl(acl, egress) {
		if d.entry.Allow && contains(d.reply, p) {
			return d.entry, true
		}
	}
	return nil, false
}
