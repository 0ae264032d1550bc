package tfplan

import (
	"slices"
	"strings"
)

// Values unknown until apply that decide what a rule admits are read as
// the widest value they might take, with a note: the project's first rule
// is that a missed exposure is the worst bug, so an exposure that may exist
// after apply is reported (and said to be assumed), never dropped. A value
// the plan knows is never widened. docs/terraform.md lists the cases.

// The widest sources of a rule whose sources are unknown.
const (
	anyIPv4 = "0.0.0.0/0"
	anyIPv6 = "::/0"
)

// ruleAttrs names the attributes of a security-group rule in one resource
// type's schema.
type ruleAttrs struct {
	protocol, cidrs, v6, prefixLists string
	list                             bool // cidrs, v6 and prefixLists are lists
}

var (
	// inline ingress/egress blocks and aws_security_group_rule
	sgRuleAttrs = ruleAttrs{protocol: "protocol", cidrs: "cidr_blocks", v6: "ipv6_cidr_blocks", prefixLists: "prefix_list_ids", list: true}
	// aws_vpc_security_group_ingress_rule / _egress_rule
	vpcRuleAttrs = ruleAttrs{protocol: "ip_protocol", cidrs: "cidr_ipv4", v6: "cidr_ipv6", prefixLists: "prefix_list_id"}
)

// widenPermission widens what is unknown in p: an unknown protocol is every
// protocol, unknown ports are every port, unknown IPv4 or IPv6 sources are
// 0.0.0.0/0 or ::/0, an unknown prefix list may hold any address (both).
// unknown reports whether an attribute is unknown until apply; what names
// the rule in the note.
func (t *translator) widenPermission(r *res, p *permission, a ruleAttrs, unknown func(attr string) bool, what string) {
	var assumed []string
	if unknown(a.protocol) {
		p.proto = "-1"
		assumed = append(assumed, a.protocol+" as every protocol")
	}
	if p.proto != "-1" && (unknown("from_port") || unknown("to_port")) {
		p.hasPorts = true
		if p.proto == "icmp" || p.proto == "icmpv6" {
			p.from, p.to = -1, -1
			assumed = append(assumed, "the ICMP type and code as every type and code")
		} else {
			p.from, p.to = 0, 65535
			assumed = append(assumed, "the ports as 0-65535")
		}
	}
	if unknown(a.cidrs) {
		p.cidrs = append(p.cidrs, anyIPv4)
		assumed = append(assumed, a.cidrs+" as "+anyIPv4)
	}
	if unknown(a.v6) {
		p.v6 = append(p.v6, anyIPv6)
		assumed = append(assumed, a.v6+" as "+anyIPv6)
	}
	if unknown(a.prefixLists) {
		p.cidrs = append(p.cidrs, anyIPv4)
		p.v6 = append(p.v6, anyIPv6)
		assumed = append(assumed, a.prefixLists+" as a list of every address ("+anyIPv4+", "+anyIPv6+")")
	}
	p.cidrs, p.v6 = uniqueSorted(p.cidrs), uniqueSorted(p.v6)
	if len(assumed) > 0 {
		t.note(r, "%s is known only after apply; assumed the widest it can be (an over-approximation): %s", what, strings.Join(assumed, ", "))
	}
}

// openPermission is what a set of rules unknown until apply (dynamic
// blocks over unknown values) may allow: everything, from everywhere.
func openPermission() permission {
	return permission{proto: "-1", cidrs: []string{anyIPv4}, v6: []string{anyIPv6}, description: "assumed by vpcdoctor: rules known only after apply"}
}

// aclAttrs are the attributes that decide what a network ACL entry matches.
var aclAttrs = []string{"rule_no", "rule_number", "protocol", "cidr_block", "ipv6_cidr_block", "from_port", "to_port", "icmp_type", "icmp_code"}

// widenACLEntry reads a network ACL entry with values unknown until apply
// (e, as aclEntry made it) as the entries that admit the most: an unknown
// action is allow; an allow entry's unknown protocol, ports, addresses or
// rule number become every protocol, every port, 0.0.0.0/0 (and ::/0) and
// rule 1; a deny entry whose match is partly unknown is left out (it might
// deny nothing). Known entries come back unchanged.
func (t *translator) widenACLEntry(r *res, e map[string]any, unknown func(attr string) bool, what string) []map[string]any {
	var assumed []string
	if unknown("action") || unknown("rule_action") {
		e["RuleAction"] = "allow"
		assumed = append(assumed, "the action as allow")
	}
	var matchUnknown []string
	for _, a := range aclAttrs {
		if unknown(a) {
			matchUnknown = append(matchUnknown, a)
		}
	}
	if e["RuleAction"] != "allow" {
		if len(matchUnknown) > 0 {
			t.note(r, "%s denies, but its %s is known only after apply: it is left out (assumed to deny nothing, an over-approximation)", what, strings.Join(matchUnknown, ", "))
			return nil
		}
		return []map[string]any{e}
	}
	if unknown("rule_no") || unknown("rule_number") {
		e["RuleNumber"] = int64(1)
		assumed = append(assumed, "the rule number as 1 (before every other entry)")
	}
	if unknown("protocol") {
		e["Protocol"] = "-1"
		delete(e, "PortRange")
		delete(e, "IcmpTypeCode")
		assumed = append(assumed, "the protocol as every protocol")
	}
	if _, ok := e["PortRange"]; ok && (unknown("from_port") || unknown("to_port")) {
		e["PortRange"] = map[string]any{"From": int64(0), "To": int64(65535)}
		assumed = append(assumed, "the ports as 0-65535")
	}
	if _, ok := e["IcmpTypeCode"]; ok && (unknown("icmp_type") || unknown("icmp_code")) {
		e["IcmpTypeCode"] = map[string]any{"Type": int64(-1), "Code": int64(-1)}
		assumed = append(assumed, "the ICMP type and code as every type and code")
	}
	out := []map[string]any{e}
	if unknown("cidr_block") {
		e["CidrBlock"] = anyIPv4
		delete(e, "Ipv6CidrBlock")
		assumed = append(assumed, "cidr_block as "+anyIPv4)
	}
	if unknown("ipv6_cidr_block") {
		v6 := map[string]any{}
		for k, v := range e {
			v6[k] = v
		}
		delete(v6, "CidrBlock")
		v6["Ipv6CidrBlock"] = anyIPv6
		if _, v4 := e["CidrBlock"]; v4 {
			out = append(out, v6)
		} else {
			out = []map[string]any{v6}
		}
		assumed = append(assumed, "ipv6_cidr_block as "+anyIPv6)
	}
	if len(assumed) > 0 {
		t.note(r, "%s is known only after apply; assumed the widest it can be (an over-approximation): %s", what, strings.Join(assumed, ", "))
	}
	return out
}

// openACLEntries are what network ACL entries unknown until apply (dynamic
// blocks over unknown values) may allow: everything, before every other
// entry.
func openACLEntries(egress bool) []any {
	return []any{
		map[string]any{"RuleNumber": int64(1), "Egress": egress, "RuleAction": "allow", "Protocol": "-1", "CidrBlock": anyIPv4},
		map[string]any{"RuleNumber": int64(1), "Egress": egress, "RuleAction": "allow", "Protocol": "-1", "Ipv6CidrBlock": anyIPv6},
	}
}

// wholeUnknown reports whether the attribute as a whole (not one of its
// elements) is unknown until apply: a dynamic block over unknown values.
func wholeUnknown(r *res, attr string) bool {
	b, ok := r.unknown[attr].(bool)
	return ok && b
}

// blocksUnknown reports whether r's nested blocks attr (a group's ingress,
// a table's route, an ACL's egress) are unknown until apply in a way that
// may hide what they allow, with the reason for the note. The attribute is
// optional and computed: not configured, it is unknown on create and holds
// what the separate resources (ruleTypes, naming r in refAttr) add, which
// are read on their own. The configuration section does not show dynamic
// blocks, so a plan where no separate resource names r cannot tell "not
// configured" from "dynamic blocks over unknown values": that is read as
// the latter, the wider.
func (t *translator) blocksUnknown(r *res, attr, refAttr string, ruleTypes ...string) (bool, string) {
	if !wholeUnknown(r, attr) {
		return false, ""
	}
	if r.cfg != nil && r.expr(attr) != nil {
		return true, "configured with values known only after apply"
	}
	named := t.namedBy(refAttr, ruleTypes)
	if named[r.addr] || named[ownID(r, "id")] {
		return false, ""
	}
	return true, "not in the plan's configuration section, which does not show dynamic blocks, and no separate " + strings.Join(ruleTypes, " or ") + " names it"
}

// namedBy is the set of the IDs and addresses that the resources of
// ruleTypes name in refAttr, computed once per kind: a plan has many groups
// and many rules, and following references has a bounded budget.
func (t *translator) namedBy(refAttr string, ruleTypes []string) map[string]bool {
	key := refAttr + "|" + strings.Join(ruleTypes, ",")
	if m, ok := t.named[key]; ok {
		return m
	}
	m := map[string]bool{}
	for _, x := range t.all {
		if !slices.Contains(ruleTypes, x.typ) || !x.exists() {
			continue
		}
		if s, ok := x.str(refAttr); ok {
			m[s] = true
		}
		if e := x.expr(refAttr); e != nil {
			for _, y := range t.refTargets(x.modCfg, e.References, 0) {
				m[y.addr] = true
			}
		}
	}
	if t.named == nil {
		t.named = map[string]map[string]bool{}
	}
	t.named[key] = m
	return m
}
