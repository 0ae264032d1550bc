package reach

import (
	"net/netip"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The engine's hop details as catalogue messages (area "reach",
// internal/i18n/locales/*.reach.json). Each function here says in a
// Message what the code beside it writes in Hop.Detail; English renders
// byte-identical to Detail (TestHopMessagesRenderDetail). They are built
// where hops are recorded (evidence cached per group, subnet and ACL, and
// the answers of Between), never per packet.

// ruleMsg is model.Rule.String as a message: "ingress tcp/22 from 0.0.0.0/0".
func ruleMsg(r model.Rule) i18n.Message {
	key := "reach.rule.ingress"
	if r.Direction == model.Egress {
		key = "reach.rule.egress"
	}
	return i18n.M(key, portsMsg(r), r.Peer.String())
}

// portsMsg is model.Rule.PortsString as a message: "all traffic",
// "tcp/22", "icmp type 8", "protocol 47".
func portsMsg(r model.Rule) i18n.Message {
	switch {
	case r.Protocol == model.ProtocolAll:
		return i18n.M("reach.ports.all")
	case r.Protocol.HasPorts():
		return i18n.M("reach.ports.range", r.Protocol.String(), r.Ports.String())
	case r.Protocol.IsICMP():
		switch m := r.ICMP; {
		case m.Type < 0:
			return i18n.M("reach.ports.icmp-any", r.Protocol.String())
		case m.Code < 0:
			return i18n.M("reach.ports.icmp-type", r.Protocol.String(), int(m.Type))
		default:
			return i18n.M("reach.ports.icmp-type-code", r.Protocol.String(), int(m.Type), int(m.Code))
		}
	}
	return i18n.M("reach.ports.protocol", r.Protocol.String())
}

// naclEntryMsg is naclEntryString as a message: "tcp/22 0.0.0.0/0".
func naclEntryMsg(en model.NACLEntry) i18n.Message {
	return i18n.M("reach.acl.entry", portsMsg(model.Rule{Protocol: en.Protocol, Ports: en.Ports, ICMP: en.ICMP}), en.CIDR.String())
}

// naclAllowMsg is the evidence of an entry that allows: "ingress rule 100
// allow tcp/22 0.0.0.0/0".
func naclAllowMsg(egress bool, en model.NACLEntry) i18n.Message {
	key := "reach.acl.ingress-allow"
	if egress {
		key = "reach.acl.egress-allow"
	}
	return i18n.M(key, en.RuleNumber, naclEntryMsg(en))
}

// routeMsg is a route as evidence: "0.0.0.0/0 -> igw-1".
func routeMsg(r *model.Route) i18n.Message {
	return i18n.M("reach.route", r.DestinationString(), r.TargetID)
}

// addressMsg is a public address as evidence: the address itself.
func addressMsg(s string) i18n.Message { return i18n.M("reach.address", s) }

// delegatedMsg is a delegated IPv6 prefix as evidence.
func delegatedMsg(p netip.Prefix) i18n.Message { return i18n.M("reach.delegated-prefix", p.String()) }

// publicHop is the hop of one public address of an interface, or of a
// prefix delegated to it.
func publicHop(eniID string, addr netip.Addr) Hop {
	s := addr.String()
	return Hop{Kind: "public-address", ID: eniID, Detail: s, Msg: addressMsg(s)}
}

func delegatedHop(eniID string, p netip.Prefix) Hop {
	return Hop{Kind: "public-address", ID: eniID, Detail: "delegated prefix " + p.String(), Msg: delegatedMsg(p)}
}

// ruleHop is the hop of a security-group rule.
func ruleHop(groupID string, r model.Rule) Hop {
	return Hop{Kind: "security-group", ID: groupID, Detail: r.String(), Msg: ruleMsg(r)}
}

// note is a caveat of the engine's answer (data it lacked, a feature it
// does not model), in English and as a catalogue message.
type note struct {
	text string
	msg  i18n.Message
}

// notesOf is the notes without repeats, sorted by their English text (as
// Exposure.Notes lists them), and their messages in the same order.
func notesOf(ns []note) ([]string, []i18n.Message) {
	if len(ns) == 0 {
		return nil, nil
	}
	seen := make(map[string]bool, len(ns))
	var out []note
	for _, n := range ns {
		if !seen[n.text] {
			seen[n.text] = true
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].text < out[j].text })
	texts, msgs := make([]string, len(out)), make([]i18n.Message, len(out))
	for i, n := range out {
		texts[i], msgs[i] = n.text, n.msg
	}
	return texts, msgs
}
