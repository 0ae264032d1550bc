package check

import (
	"net/netip"
	"slices"
	"sort"
	"strings"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// publicIPv4 and publicIPv6 are the addresses a packet from "the whole
// internet" may come from: everything but private, shared, loopback,
// link-local, multicast and reserved space.
var publicIPv4, publicIPv6 = func() (*netipx.IPSet, *netipx.IPSet) {
	var b4 netipx.IPSetBuilder
	b4.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	for _, p := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"} {
		b4.RemovePrefix(netip.MustParsePrefix(p))
	}
	var b6 netipx.IPSetBuilder
	b6.AddPrefix(netip.MustParsePrefix("2000::/3"))
	s4, _ := b4.IPSet()
	s6, _ := b6.IPSet()
	return s4, s6
}()

// openRule is a (protocol, ports) of a security group that the whole
// internet may use, with the rules that together open it.
type openRule struct {
	Protocol model.Protocol
	Ports    model.PortRange
	ICMP     model.ICMPMatch
	Rules    []model.Rule
	// Assumed is set when the conclusion rests on data that was not
	// collected (a prefix list whose entries are unknown); AssumedMsgs are
	// its parts as messages.
	Assumed     string
	AssumedMsgs []i18n.Message
}

// portsString prints what the open rule selects: "all traffic", "tcp/22".
func (o openRule) portsString() string {
	return model.Rule{Protocol: o.Protocol, Ports: o.Ports, ICMP: o.ICMP}.PortsString()
}

// evidence lists the rules as text.
func (o openRule) evidence(groupID string) []string {
	var out []string
	for _, r := range o.Rules {
		out = append(out, groupID+" "+r.String())
	}
	if o.Assumed != "" {
		out = append(out, o.Assumed)
	}
	return out
}

// covers reports whether the open rule lets in protocol proto on port.
func (o openRule) covers(proto model.Protocol, port uint16) bool {
	switch {
	case o.Protocol == model.ProtocolAll:
		return true
	case o.Protocol == proto && proto.HasPorts():
		return o.Ports.Contains(port)
	}
	return false
}

// sources is the address space one rule admits, as IPv4 and IPv6 sets.
type sources struct {
	rule       model.Rule
	v4, v6     *netipx.IPSet
	assumed    string
	assumedMsg i18n.Message
}

var allIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// ruleSources resolves a rule's peer to addresses. A prefix list whose
// entries were not collected is assumed to be the whole internet when it is
// customer-managed (over-approximation) and nothing of the internet when AWS
// manages it (it then stands for one AWS service's addresses). Group
// references never match internet packets (AWS-SEMANTICS.md §2).
func ruleSources(reg *model.Region, rule model.Rule) (sources, bool) {
	var b4, b6 netipx.IPSetBuilder
	s := sources{rule: rule}
	add := func(p netip.Prefix) {
		if p.Addr().Is4() {
			b4.AddPrefix(p)
		} else {
			b6.AddPrefix(p)
		}
	}
	switch rule.Peer.Kind {
	case model.PeerCIDR:
		add(rule.Peer.CIDR)
	case model.PeerPrefixList:
		pl := reg.PrefixList(rule.Peer.PrefixListID)
		switch {
		case pl != nil && pl.EntriesKnown:
			for _, e := range pl.Entries {
				add(e)
			}
		case pl != nil && pl.AWSManaged():
			return s, false
		default:
			add(allIPv4)
			s.assumed = "entries of prefix list " + rule.Peer.PrefixListID + " were not collected; assumed open to the internet"
			s.assumedMsg = msg("assumed.prefix-list", rule.Peer.PrefixListID)
		}
	default:
		return s, false
	}
	s.v4, _ = b4.IPSet()
	s.v6, _ = b6.IPSet()
	return s, true
}

// worldOpen reports whether the union of srcs admits every public IPv4
// address or every global IPv6 address.
func worldOpen(srcs []sources) bool {
	var b4, b6 netipx.IPSetBuilder
	for _, s := range srcs {
		b4.AddSet(s.v4)
		b6.AddSet(s.v6)
	}
	v4, _ := b4.IPSet()
	v6, _ := b6.IPSet()
	return covers(v4, publicIPv4) || covers(v6, publicIPv6)
}

// worldOpenIngress returns what of g's ingress the whole internet may use:
// every public IPv4 address, or every global IPv6 address, from one rule
// (0.0.0.0/0, ::/0) or from several rules that together cover the internet
// (AWS-SEMANTICS.md §2: a packet passes if any rule matches, so the sources
// of every rule that matches a port add up).
//
// An all-protocols result comes from "-1" rules alone. A TCP or UDP port
// range is reported when the rules of that protocol take part in opening
// it: ranges that "-1" rules alone open to the world are the all-protocols
// result's, and are not repeated per protocol unless a rule of the protocol
// opens them to the world by itself too.
func worldOpenIngress(reg *model.Region, g *model.SecurityGroup) []openRule {
	var all []sources
	byProto := map[model.Protocol][]sources{}
	var protos []model.Protocol
	for _, rule := range g.Ingress {
		s, ok := ruleSources(reg, rule)
		if !ok {
			continue
		}
		if rule.Protocol == model.ProtocolAll {
			all = append(all, s)
			continue
		}
		if byProto[rule.Protocol] == nil {
			protos = append(protos, rule.Protocol)
		}
		byProto[rule.Protocol] = append(byProto[rule.Protocol], s)
	}
	sort.Slice(protos, func(i, j int) bool { return protos[i] < protos[j] })
	var out []openRule
	if len(all) > 0 && worldOpen(all) {
		out = append(out, makeOpen(model.ProtocolAll, model.AllPorts, model.ICMPMatch{Type: -1, Code: -1}, all))
	}
	allAlone := len(all) > 0 && worldOpen(all)
	for _, p := range protos {
		rules := byProto[p]
		if p.HasPorts() {
			out = append(out, openPortRanges(p, rules, all, allAlone)...)
			continue
		}
		// ICMP and other protocols: one result per distinct match; a rule
		// for any ICMP type also matches each specific one.
		seen := map[model.ICMPMatch]bool{}
		for _, r := range rules {
			m := r.rule.ICMP
			if seen[m] {
				continue
			}
			seen[m] = true
			var own []sources
			for _, o := range rules {
				if o.rule.ICMP == m || o.rule.ICMP.Type == -1 || (o.rule.ICMP.Type == m.Type && o.rule.ICMP.Code == -1) {
					own = append(own, o)
				}
			}
			if !worldOpen(append(append([]sources{}, own...), all...)) || (allAlone && !worldOpen(own)) {
				continue
			}
			out = append(out, makeOpen(p, model.AllPorts, m, append(own, all...)))
		}
	}
	return out
}

// openPortRanges splits the ports of protocol p at every rule's edges and
// reports the pieces the internet may use, merged where adjacent pieces are
// opened by the same rules.
func openPortRanges(p model.Protocol, rules, all []sources, allAlone bool) []openRule {
	edges := map[int]bool{}
	for _, r := range rules {
		edges[int(r.rule.Ports.From)] = true
		edges[int(r.rule.Ports.To)+1] = true
	}
	cuts := make([]int, 0, len(edges))
	for e := range edges {
		cuts = append(cuts, e)
	}
	sort.Ints(cuts)
	var out []openRule
	var lastKey string
	for i := 0; i+1 < len(cuts); i++ {
		piece := model.PortRange{From: uint16(cuts[i]), To: uint16(cuts[i+1] - 1)}
		var own []sources
		for _, r := range rules {
			if r.rule.Ports.From <= piece.From && piece.To <= r.rule.Ports.To {
				own = append(own, r)
			}
		}
		if len(own) == 0 || !worldOpen(append(append([]sources{}, own...), all...)) || (allAlone && !worldOpen(own)) {
			lastKey = ""
			continue
		}
		contributing := own
		if !worldOpen(own) {
			contributing = append(append([]sources{}, own...), all...)
		}
		key := rulesKey(contributing)
		if key == lastKey && len(out) > 0 && int(out[len(out)-1].Ports.To)+1 == int(piece.From) {
			out[len(out)-1].Ports.To = piece.To
			continue
		}
		out = append(out, makeOpen(p, piece, model.ICMPMatch{Type: -1, Code: -1}, contributing))
		lastKey = key
	}
	return out
}

func rulesKey(srcs []sources) string {
	var b strings.Builder
	for _, s := range srcs {
		b.WriteString(s.rule.String())
		b.WriteByte('|')
	}
	return b.String()
}

// makeOpen builds the result, keeping as evidence the rules that reach
// outside private space.
func makeOpen(p model.Protocol, ports model.PortRange, icmp model.ICMPMatch, srcs []sources) openRule {
	o := openRule{Protocol: p, Ports: ports, ICMP: icmp}
	var assumed []string
	for _, s := range srcs {
		if s.rule.Peer.Kind == model.PeerCIDR && !overlapsPublic(s.rule.Peer.CIDR) {
			continue
		}
		o.Rules = append(o.Rules, s.rule)
		if s.assumed != "" {
			assumed = append(assumed, s.assumed)
			o.AssumedMsgs = append(o.AssumedMsgs, s.assumedMsg)
		}
	}
	o.Assumed = strings.Join(assumed, "; ")
	return o
}

func covers(have, want *netipx.IPSet) bool {
	var b netipx.IPSetBuilder
	b.AddSet(want)
	b.RemoveSet(have)
	rest, _ := b.IPSet()
	return len(rest.Prefixes()) == 0
}

func overlapsPublic(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return publicIPv4.OverlapsPrefix(p)
	}
	return publicIPv6.OverlapsPrefix(p)
}

// inUse reports whether anything in the data carries the group.
func inUse(g *model.SecurityGroup) bool { return len(g.ENIs) > 0 || len(g.Resources) > 0 }

// usageKnown reports whether the data shows everything that carries a
// group: only the ENI list does. Without it, a group seen on nothing may
// still be on something that was not collected.
func usageKnown(reg *model.Region) bool { return reg.Coverage.Has(model.CallNetworkInterfaces) }

// groupUsageKnown reports whether the data shows everything that carries
// g: the ENI list was collected and g is the region's account's own. A
// group another account shares with this one (security-group sharing in a
// shared VPC) may be carried by that account's interfaces, which this
// account's data never shows.
func groupUsageKnown(reg *model.Region, g *model.SecurityGroup) bool {
	return usageKnown(reg) && !sharedGroup(reg, g)
}

// sharedGroup reports whether g belongs to another account than the
// region's; false when either account ID is unknown.
func sharedGroup(reg *model.Region, g *model.SecurityGroup) bool {
	return isAccountID(g.OwnerID) && isAccountID(reg.Account) && g.OwnerID != reg.Account
}

// isAccountID reports whether s is a 12-digit AWS account ID (a region's
// Account is its folder's name when no file names the ID).
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// groupSeverity is the check's severity, lowered to low only for a group
// that is known to be attached to nothing.
func groupSeverity(p *Pass, g *model.SecurityGroup) Severity {
	if !inUse(g) && groupUsageKnown(p.Region, g) {
		return Low
	}
	return p.check.Severity
}

// neverInbound reports whether g is carried, as far as the data shows
// everything that carries it, only by interfaces that never accept
// connections from the internet: Lambda functions' and interface
// endpoints' (AWS-SEMANTICS.md §5). A world-open rule of such a group
// exposes nothing to the internet.
func neverInbound(reg *model.Region, g *model.SecurityGroup) bool {
	return inUse(g) && groupUsageKnown(reg, g) && carriedOnlyBy(g,
		[]model.ResourceKind{model.KindLambda, model.KindVPCEndpoint},
		[]model.OwnerKind{model.OwnerLambda, model.OwnerVPCEndpoint})
}

// carriedOnlyBy reports whether every resource carrying g is of one of
// kinds and every interface carrying it has one of owners (true when
// nothing carries it: callers check inUse).
func carriedOnlyBy(g *model.SecurityGroup, kinds []model.ResourceKind, owners []model.OwnerKind) bool {
	for _, r := range g.Resources {
		if !slices.Contains(kinds, r.Kind) {
			return false
		}
	}
	for _, e := range g.ENIs {
		if !slices.Contains(owners, e.Owner.Kind) {
			return false
		}
	}
	return true
}

// worldSeverity is a world-open check's severity for g: groupSeverity,
// and low too for a group that only interfaces never accepting connections
// from the internet carry.
func worldSeverity(p *Pass, g *model.SecurityGroup) Severity {
	if neverInbound(p.Region, g) {
		return Low
	}
	return groupSeverity(p, g)
}

// worldUsedBy is usedBy for the world-open checks' messages, which say
// why a group only Lambda functions and interface endpoints carry exposes
// nothing to the internet.
func worldUsedBy(reg *model.Region, g *model.SecurityGroup) i18n.Message {
	s := usedBy(reg, g)
	if neverInbound(reg, g) {
		return msg("used.never-inbound", s)
	}
	return s
}

// usersOf lists the IDs of the resources carrying g, and of interfaces
// whose owner is not a known resource.
func usersOf(g *model.SecurityGroup) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range g.Resources {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r.ID)
		}
	}
	for _, e := range g.ENIs {
		if e.Owner.Resource == nil && !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e.ID)
		}
	}
	return out
}

// usedBy describes who carries the group, for messages: "used by 3 EC2
// instances, 1 Lambda function" or "not attached to anything".
func usedBy(reg *model.Region, g *model.SecurityGroup) i18n.Message {
	switch {
	case !inUse(g) && groupUsageKnown(reg, g):
		return msg("used.nothing")
	case !inUse(g) && sharedGroup(reg, g):
		return msg("used.shared", g.OwnerID)
	case !inUse(g):
		return msg("used.unknown", string(model.CallNetworkInterfaces))
	}
	return msg("used.by", carriers(g))
}

// carriers counts what carries g, for messages: "3 EC2 instances, 1
// Lambda function, 2 other network interfaces".
func carriers(g *model.SecurityGroup) any {
	parts := countByKind(g.Resources)
	other := 0
	for _, e := range g.ENIs {
		if e.Owner.Resource == nil {
			other++
		}
	}
	if other > 0 {
		parts = append(parts, count(other, "other-eni"))
	}
	return commaList(parts)
}

// countByKind counts resources per kind, in words and in kind order:
// ["3 EC2 instances", "1 Lambda function"].
func countByKind(rs []*model.Resource) []any {
	counts := map[model.ResourceKind]int{}
	var kinds []model.ResourceKind
	for _, r := range rs {
		if counts[r.Kind] == 0 {
			kinds = append(kinds, r.Kind)
		}
		counts[r.Kind]++
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	parts := make([]any, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, kindCount(counts[k], k))
	}
	return parts
}

// reportGroup reports a finding about group g opened to the internet by
// opens: the group and what carries it as resources, the rules as evidence,
// the severity lowered only for a group known to be attached to nothing or
// only to interfaces that never accept connections from the internet,
// and, where the conclusion rests on data that was not collected, a
// sentence saying so (AWS-SEMANTICS.md: over-approximate, and say so).
func reportGroup(p *Pass, g *model.SecurityGroup, opens []openRule, m i18n.Message) {
	reportGroupNaming(p, g, nil, opens, m)
}

// reportGroupNaming is reportGroup with the IDs of the resources the
// message names (first) listed right after the group, before the group's
// other users.
func reportGroupNaming(p *Pass, g *model.SecurityGroup, first []string, opens []openRule, m i18n.Message) {
	var evidence []string
	var assumed []any
	seen := map[string]bool{}
	for _, o := range opens {
		evidence = append(evidence, o.evidence(g.ID)...)
		if o.Assumed != "" && !seen[o.Assumed] {
			seen[o.Assumed] = true
			parts := make([]any, len(o.AssumedMsgs))
			for i, a := range o.AssumedMsgs {
				parts[i] = a
			}
			line := joined("semi", parts)
			assumed = append(assumed, line)
			if m, ok := line.(i18n.Message); ok {
				p.say(m) // the evidence line o.Assumed
			}
		}
	}
	if len(assumed) > 0 {
		m = msg("with-assumed", m, joined("semi", assumed))
	}
	resources := append(append([]string{g.ID}, first...), usersOf(g)...)
	p.ReportAt(worldSeverity(p, g), dedupe(resources), dedupe(evidence), m)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
