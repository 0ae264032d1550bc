package check

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"go4.org/netipx"

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
	// collected (a prefix list whose entries are unknown).
	Assumed string
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

// coversAllPorts reports whether the rule opens every port of a protocol
// that has ports.
func (o openRule) covers(port uint16) bool {
	switch {
	case o.Protocol == model.ProtocolAll:
		return true
	case o.Protocol.HasPorts():
		return o.Ports.Contains(port)
	}
	return false
}

// worldOpenIngress returns the ingress (protocol, ports) of g that every
// public IPv4 address, or every global IPv6 address, may use: one rule from
// 0.0.0.0/0 or ::/0, or several rules for the same protocol and ports whose
// CIDRs and prefix lists together cover the internet (AWS-SEMANTICS.md §2).
// A prefix list whose entries were not collected is assumed open to the
// internet if it is customer-managed (over-approximation), and not if AWS
// manages it (it then stands for one AWS service's addresses).
func worldOpenIngress(reg *model.Region, g *model.SecurityGroup) []openRule {
	type key struct {
		p model.Protocol
		r model.PortRange
		i model.ICMPMatch
	}
	type acc struct {
		v4, v6  netipx.IPSetBuilder
		rules   []model.Rule
		assumed []string
	}
	groups := map[key]*acc{}
	var order []key
	for _, rule := range g.Ingress {
		k := key{rule.Protocol, rule.Ports, rule.ICMP}
		a := groups[k]
		if a == nil {
			a = &acc{}
			groups[k] = a
			order = append(order, k)
		}
		switch rule.Peer.Kind {
		case model.PeerCIDR:
			if rule.Peer.CIDR.Addr().Is4() {
				a.v4.AddPrefix(rule.Peer.CIDR)
			} else {
				a.v6.AddPrefix(rule.Peer.CIDR)
			}
			a.rules = append(a.rules, rule)
		case model.PeerPrefixList:
			pl := reg.PrefixList(rule.Peer.PrefixListID)
			switch {
			case pl != nil && pl.EntriesKnown:
				for _, e := range pl.Entries {
					if e.Addr().Is4() {
						a.v4.AddPrefix(e)
					} else {
						a.v6.AddPrefix(e)
					}
				}
				a.rules = append(a.rules, rule)
			case pl != nil && pl.AWSManaged():
				// An AWS service's addresses, not the whole internet.
			default:
				a.v4.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
				a.rules = append(a.rules, rule)
				a.assumed = append(a.assumed, "entries of prefix list "+rule.Peer.PrefixListID+" were not collected; assumed open to the internet")
			}
		}
	}
	var out []openRule
	for _, k := range order {
		a := groups[k]
		v4, _ := a.v4.IPSet()
		v6, _ := a.v6.IPSet()
		if !covers(v4, publicIPv4) && !covers(v6, publicIPv6) {
			continue
		}
		o := openRule{Protocol: k.p, Ports: k.r, ICMP: k.i, Assumed: strings.Join(a.assumed, "; ")}
		// Keep only the rules that reach outside private space: they are the
		// evidence.
		for _, r := range a.rules {
			if r.Peer.Kind != model.PeerCIDR || overlapsPublic(r.Peer.CIDR) {
				o.Rules = append(o.Rules, r)
			}
		}
		out = append(out, o)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Protocol != out[j].Protocol {
			return out[i].Protocol < out[j].Protocol
		}
		return out[i].Ports.From < out[j].Ports.From
	})
	return out
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

// inUse reports whether anything carries the group now.
func inUse(g *model.SecurityGroup) bool { return len(g.ENIs) > 0 || len(g.Resources) > 0 }

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
func usedBy(g *model.SecurityGroup) string {
	if !inUse(g) {
		return "not attached to anything now"
	}
	counts := map[model.ResourceKind]int{}
	var kinds []model.ResourceKind
	for _, r := range g.Resources {
		if counts[r.Kind] == 0 {
			kinds = append(kinds, r.Kind)
		}
		counts[r.Kind]++
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	var parts []string
	for _, k := range kinds {
		parts = append(parts, plural(counts[k], k.Noun()))
	}
	other := 0
	for _, e := range g.ENIs {
		if e.Owner.Resource == nil {
			other++
		}
	}
	if other > 0 {
		parts = append(parts, plural(other, "other network interface"))
	}
	return "used by " + strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
