package reach_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// matchRegion: sg-web admits tcp/80 from 0.0.0.0/0, tcp/80-443 from
// 10.0.0.0/16, tcp/5432 from sg-app, tcp/3306 from pl-office, tcp/22 from
// pl-unknown (entries not collected), tcp/443 from ::/0, icmp type 8 from
// anywhere and protocol 50 from 198.51.100.0/24; its egress allows tcp/443
// to 0.0.0.0/0 and tcp/5432 to sg-db. acl-1 (ingress) denies tcp/22 from
// 203.0.113.0/24 at 50, allows tcp/0-65535 from 0.0.0.0/0 at 100, denies
// everything at 32767; (egress) denies tcp/1024-2047 to 0.0.0.0/0 at 10,
// allows tcp/1024-65535 to 0.0.0.0/0 at 20, allows everything to ::/0 at
// 30, denies everything at 32767.
func matchRegion() *model.Region {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.PrefixList("pl-office", "111122223333", "192.0.2.0/24")
	b.PrefixListWithoutEntries("pl-unknown", "111122223333")
	web := b.SecurityGroup("sg-web", "vpc-1",
		mt.Ingress("tcp", 80, 80, "0.0.0.0/0"),
		mt.Ingress("tcp", 80, 443, "10.0.0.0/16"),
		mt.IngressFromGroup("tcp", 5432, 5432, "sg-app"),
		mt.IngressFromPrefixList("tcp", 3306, 3306, "pl-office"),
		mt.IngressFromPrefixList("tcp", 22, 22, "pl-unknown"),
		mt.Ingress("tcp", 443, 443, "::/0"),
		mt.Ingress("icmp", 8, -1, "0.0.0.0/0"),
		mt.Ingress("50", -1, -1, "198.51.100.0/24"),
	)
	mt.SetEgress(web, mt.Egress("tcp", 443, 443, "0.0.0.0/0"), mt.EgressToGroup("tcp", 5432, 5432, "sg-db"))
	b.NetworkACL("acl-1", "vpc-1", []string{"subnet-a"},
		mt.Entry(50, "in", "deny", "6", 22, 22, "203.0.113.0/24"),
		mt.Entry(100, "in", "allow", "6", 0, 65535, "0.0.0.0/0"),
		mt.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"),
		mt.Entry(10, "out", "deny", "6", 1024, 2047, "0.0.0.0/0"),
		mt.Entry(20, "out", "allow", "6", 1024, 65535, "0.0.0.0/0"),
		mt.Entry(30, "out", "allow", "-1", 0, 0, "::/0"),
		mt.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"),
	)
	return b.Link()
}

func pkt4(proto model.Protocol, port uint16, remote string, groups ...string) reach.Packet {
	return reach.Packet{Protocol: proto, Port: port, Remote: netip.MustParseAddr(remote), RemoteGroups: groups}
}

func ruleStrings(rs []*model.Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func TestMatcherGroupRules(t *testing.T) {
	tcp, icmp := model.ProtocolTCP, model.ProtocolICMP
	tests := []struct {
		name   string
		groups []string
		dir    model.Direction
		p      reach.Packet
		want   []string
		miss   []string
	}{
		{"§2 a CIDR rule matches its addresses", ids("sg-web"), model.Ingress, pkt4(tcp, 80, "203.0.113.9"),
			[]string{"ingress tcp/80 from 0.0.0.0/0"}, nil},
		{"§2 any matching rule admits: overlapping rules are all named", ids("sg-web"), model.Ingress, pkt4(tcp, 80, "10.0.1.5"),
			[]string{"ingress tcp/80 from 0.0.0.0/0", "ingress tcp/80-443 from 10.0.0.0/16"}, nil},
		{"§2 a port outside every rule matches nothing", ids("sg-web"), model.Ingress, pkt4(tcp, 8080, "10.0.1.5"), nil, nil},
		{"§2 a group reference matches an interface carrying the group", ids("sg-web"), model.Ingress, pkt4(tcp, 5432, "10.0.1.5", "sg-other", "sg-app"),
			[]string{"ingress tcp/5432 from sg-app"}, nil},
		{"§2 a group reference never matches an address whose interface lacks the group (or the internet)", ids("sg-web"), model.Ingress, pkt4(tcp, 5432, "10.0.1.5"), nil, nil},
		{"§2 a prefix list matches its entries' CIDRs", ids("sg-web"), model.Ingress, pkt4(tcp, 3306, "192.0.2.44"),
			[]string{"ingress tcp/3306 from pl-office"}, nil},
		{"§2 a prefix list does not match outside its entries", ids("sg-web"), model.Ingress, pkt4(tcp, 3306, "198.51.100.1"), nil, nil},
		{"§2 a prefix list whose entries were not collected matches every address (over-approximation)", ids("sg-web"), model.Ingress, pkt4(tcp, 22, "198.51.100.1"),
			[]string{"ingress tcp/22 from pl-unknown"}, nil},
		{"§2 IPv6: ::/0 matches an IPv6 source, 0.0.0.0/0 does not", ids("sg-web"), model.Ingress, pkt4(tcp, 443, "2001:db8::1"),
			[]string{"ingress tcp/443 from ::/0"}, nil},
		{"§2 an IPv4-mapped IPv6 address is its IPv4 address", ids("sg-web"), model.Ingress, pkt4(tcp, 80, "::ffff:203.0.113.9"),
			[]string{"ingress tcp/80 from 0.0.0.0/0"}, nil},
		{"§2 ICMP: a rule for some message matches (flow logs carry no type)", ids("sg-web"), model.Ingress, pkt4(icmp, 0, "203.0.113.9"),
			[]string{"ingress icmp type 8 from 0.0.0.0/0"}, nil},
		{"§2 a protocol without ports", ids("sg-web"), model.Ingress, pkt4(50, 0, "198.51.100.7"),
			[]string{"ingress protocol 50 from 198.51.100.0/24"}, nil},
		{"§2 egress rules match the destination", ids("sg-web"), model.Egress, pkt4(tcp, 443, "52.95.1.1"),
			[]string{"egress tcp/443 to 0.0.0.0/0"}, nil},
		{"§2 an egress group reference", ids("sg-web"), model.Egress, pkt4(tcp, 5432, "10.0.2.9", "sg-db"),
			[]string{"egress tcp/5432 to sg-db"}, nil},
		{"a group not in the data is named as missing", ids("sg-gone", "sg-web"), model.Ingress, pkt4(tcp, 80, "203.0.113.9"),
			[]string{"ingress tcp/80 from 0.0.0.0/0"}, ids("sg-gone")},
	}
	m := reach.NewMatcher(matchRegion())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, miss := m.GroupRules(nil, tt.groups, tt.dir, tt.p)
			if s := ruleStrings(got); !slices.Equal(s, tt.want) {
				t.Errorf("rules %q, want %q", s, tt.want)
			}
			if !slices.Equal(miss, tt.miss) {
				t.Errorf("missing %q, want %q", miss, tt.miss)
			}
		})
	}
}

func ids(s ...string) []string { return s }

func TestMatcherNACL(t *testing.T) {
	reg := matchRegion()
	acl := reg.NetworkACLs[0]
	tcp := model.ProtocolTCP
	m := reach.NewMatcher(reg)
	entry := func(e *model.NACLEntry) string {
		if e == nil {
			return "none"
		}
		return fmt.Sprint(e.RuleNumber)
	}
	fwd := []struct {
		name   string
		egress bool
		p      reach.Packet
		want   string
		allow  bool
	}{
		{"§3 the first matching entry decides: 50 denies before 100 allows", false, pkt4(tcp, 22, "203.0.113.5"), "50", false},
		{"§3 past the deny, 100 allows", false, pkt4(tcp, 22, "198.51.100.5"), "100", true},
		{"§3 UDP matches only the final deny", false, pkt4(model.ProtocolUDP, 53, "198.51.100.5"), "32767", false},
		{"§3 IPv6: no ingress entry matches, so it is denied", false, pkt4(tcp, 80, "2001:db8::1"), "none", false},
		{"§3 egress to an IPv6 address: rule 30", true, pkt4(tcp, 80, "2001:db8::1"), "30", true},
	}
	for _, tt := range fwd {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := m.NACLEntry(acl, tt.egress, tt.p)
			if entry(e) != tt.want || ok != tt.allow {
				t.Errorf("entry %s allowed %v, want %s %v", entry(e), ok, tt.want, tt.allow)
			}
		})
	}
	if e, ok := m.NACLEntry(nil, false, pkt4(tcp, 22, "203.0.113.5")); e != nil || !ok {
		t.Errorf("an unknown ACL: entry %v allowed %v, want none, allowed", e, ok)
	}
	reply := []struct {
		name   string
		egress bool
		proto  model.Protocol
		remote string
		want   string
		allow  bool
	}{
		{"§3 stateless: the reply to a TCP client passes at 20 for ports 2048-65535 (10 denies 1024-2047)", true, tcp, "198.51.100.5", "20", true},
		{"§3 no egress entry lets a UDP reply out", true, model.ProtocolUDP, "198.51.100.5", "none", false},
		{"§3 IPv6 replies pass at 30", true, model.ProtocolUDP, "2001:db8::1", "30", true},
		{"§3 the reply coming back in matches the ingress entries: 100", false, tcp, "198.51.100.5", "100", true},
	}
	for _, tt := range reply {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := m.NACLReply(acl, tt.egress, tt.proto, netip.MustParseAddr(tt.remote))
			if entry(e) != tt.want || ok != tt.allow {
				t.Errorf("entry %s allowed %v, want %s %v", entry(e), ok, tt.want, tt.allow)
			}
		})
	}
}

// TestMatcherAgainstNaive checks the matcher against the naive per-packet
// evaluator (naive_test.go) on the differential test's random networks:
// the rules of every group and direction, the deciding entry of every ACL,
// and the reply's entry.
func TestMatcherAgainstNaive(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 50
	}
	protos := []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolICMP, model.ProtocolICMPv6, 50}
	checked := 0
	for seed := range uint64(seeds) {
		reg := genNetwork(seed, genFlags{}).build(nil)
		n := newNaive(reg)
		m := reach.NewMatcher(reg)
		g := rnd{rand.New(rand.NewPCG(seed, 0x3a7c))}
		var groupIDs []string
		for _, sg := range reg.SecurityGroups {
			groupIDs = append(groupIDs, sg.ID)
		}
		var addrs []netip.Addr
		for _, e := range reg.ENIs {
			for _, a := range e.Addresses {
				addrs = append(addrs, a.Private)
			}
			addrs = append(addrs, e.IPv6...)
		}
		for _, s := range append(slices.Clone(v4Bases), v6Bases...) {
			addrs = append(addrs, netip.MustParseAddr(s))
		}
		for range 200 {
			p := reach.Packet{Protocol: pickOne(g, protos), Remote: pickOne(g, addrs)}
			if g.p(0.5) {
				p.Port = uint16(pickOne(g, []int{22, 80, 443, 53, 0, 1023, 1024, 8080, 3389, 65535}))
			} else {
				p.Port = uint16(g.n(65536))
			}
			for _, id := range groupIDs {
				if g.p(0.3) {
					p.RemoteGroups = append(p.RemoteGroups, id)
				}
			}
			for _, dir := range []model.Direction{model.Ingress, model.Egress} {
				for _, sg := range reg.SecurityGroups {
					got, _ := m.GroupRules(nil, []string{sg.ID}, dir, p)
					want := naiveRules(n, sg, dir, p)
					if !slices.Equal(ruleStrings(got), want) {
						t.Fatalf("seed %d %s %s %+v: rules %q, want %q", seed, sg.ID, dir, p, ruleStrings(got), want)
					}
					checked++
				}
			}
			for _, acl := range reg.NetworkACLs {
				for _, egress := range []bool{false, true} {
					e, ok := m.NACLEntry(acl, egress, p)
					we, wok := naiveEntry(n, acl, egress, p)
					if ok != wok || !sameEntry(e, we) {
						t.Fatalf("seed %d %s egress=%v %+v: entry %v %v, want %v %v", seed, acl.ID, egress, p, e, ok, we, wok)
					}
				}
				e, ok := m.NACLReply(acl, true, p.Protocol, p.Remote)
				we, wok := naiveReply(n, acl, p.Protocol, p.Remote)
				if ok != wok || !sameEntry(e, we) {
					t.Fatalf("seed %d %s reply %+v: entry %v %v, want %v %v", seed, acl.ID, p, e, ok, we, wok)
				}
				checked++
			}
		}
	}
	t.Logf("%d comparisons", checked)
}

func sameEntry(a, b *model.NACLEntry) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// naiveRules is §2 one rule at a time. ICMP: the packet's type is not
// known, and every ICMP rule selects some message, so only the protocol
// must match.
func naiveRules(n *naive, sg *model.SecurityGroup, dir model.Direction, p reach.Packet) []string {
	rules := sg.Ingress
	if dir == model.Egress {
		rules = sg.Egress
	}
	var out []string
	for _, r := range rules {
		if p.Protocol.IsICMP() {
			if !r.Protocol.Matches(p.Protocol) {
				continue
			}
		} else if !protoPortMatch(r.Protocol, r.Ports, r.ICMP, p.Protocol, p.Port) {
			continue
		}
		ok := n.peerHas(r.Peer, p.Remote)
		if r.Peer.Kind == model.PeerGroup {
			ok = slices.Contains(p.RemoteGroups, r.Peer.GroupID)
		}
		if ok {
			out = append(out, r.String())
		}
	}
	return out
}

// naiveEntry is §3's first match. For ICMP (type unknown): the first
// allowing entry deciding some message, else the first denying one.
func naiveEntry(n *naive, acl *model.NetworkACL, egress bool, p reach.Packet) (*model.NACLEntry, bool) {
	entries := n.entries[naclKey{acl, egress}]
	if !p.Protocol.IsICMP() {
		return decides(entries, p.Protocol, p.Port, p.Remote)
	}
	var allow, deny *model.NACLEntry
	for _, port := range boundaries(entries, 0, 65535) {
		e, ok := decides(entries, p.Protocol, uint16(port), p.Remote)
		switch {
		case e == nil:
		case ok && (allow == nil || e.RuleNumber < allow.RuleNumber):
			allow = e
		case !ok && (deny == nil || e.RuleNumber < deny.RuleNumber):
			deny = e
		}
	}
	if allow != nil {
		return allow, true
	}
	return deny, false
}

// decides is the first entry matching one packet, and whether it allows.
func decides(entries []model.NACLEntry, proto model.Protocol, port uint16, remote netip.Addr) (*model.NACLEntry, bool) {
	for i, e := range entries {
		if e.CIDR.Contains(remote) && protoPortMatch(e.Protocol, e.Ports, e.ICMP, proto, port) {
			return &entries[i], e.Allow
		}
	}
	return nil, false
}

// boundaries are the ports of lo–hi where the first match may change: lo,
// and each entry's first port and the port after its last.
func boundaries(entries []model.NACLEntry, lo, hi int) []int {
	out := []int{lo}
	for _, e := range entries {
		var f, t int
		switch {
		case e.Protocol == model.ProtocolTCP || e.Protocol == model.ProtocolUDP:
			f, t = int(e.Ports.From), int(e.Ports.To)
		case e.Protocol.IsICMP():
			f, t = icmpInterval(e.ICMP)
		default:
			continue
		}
		for _, c := range []int{f, t + 1} {
			if c > lo && c <= hi {
				out = append(out, c)
			}
		}
	}
	return out
}

// naiveReply is the lowest-numbered egress entry that lets the reply out
// to some client port of 1024–65535 (§3), tried at every port where the
// decision may change (as naive.replyAllowed does).
func naiveReply(n *naive, acl *model.NetworkACL, proto model.Protocol, client netip.Addr) (*model.NACLEntry, bool) {
	entries := n.entries[naclKey{acl, true}]
	lo, hi := 0, 0
	switch {
	case proto == model.ProtocolTCP || proto == model.ProtocolUDP:
		lo, hi = 1024, 65535
	case proto.IsICMP():
		lo, hi = 0, 65535
	}
	var best *model.NACLEntry
	for _, port := range boundaries(entries, lo, hi) {
		if e, ok := decides(entries, proto, uint16(port), client); ok && (best == nil || e.RuleNumber < best.RuleNumber) {
			best = e
		}
	}
	if ok := n.replyAllowed(acl, proto, client, nil); ok != (best != nil) {
		panic("naive reply disagrees with naive.replyAllowed for " + acl.ID + " " + client.String())
	}
	return best, best != nil
}
