package tfplan

import (
	"fmt"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// sgProtocol is the protocol as describe-security-groups prints it.
func sgProtocol(p string) string {
	p = strings.ToLower(p)
	switch p {
	case "all", "":
		return "-1"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58":
		return "icmpv6"
	}
	return p
}

// permission is one IpPermission as the CLI prints it.
type permission struct {
	proto          string
	from, to       int64
	hasPorts       bool
	cidrs, v6, pls []string
	groups         []string
	description    string
}

func (p permission) json() map[string]any {
	m := map[string]any{"IpProtocol": p.proto, "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}
	if p.proto != "-1" && p.hasPorts {
		m["FromPort"], m["ToPort"] = p.from, p.to
	}
	desc := func(k string, v string) map[string]any {
		e := map[string]any{k: v}
		if p.description != "" {
			e["Description"] = p.description
		}
		return e
	}
	for _, c := range p.cidrs {
		m["IpRanges"] = append(m["IpRanges"].([]any), desc("CidrIp", c))
	}
	for _, c := range p.v6 {
		m["Ipv6Ranges"] = append(m["Ipv6Ranges"].([]any), desc("CidrIpv6", c))
	}
	for _, c := range p.pls {
		m["PrefixListIds"] = append(m["PrefixListIds"].([]any), desc("PrefixListId", c))
	}
	for _, g := range p.groups {
		m["UserIdGroupPairs"] = append(m["UserIdGroupPairs"].([]any), desc("GroupId", g))
	}
	return m
}

func (t *translator) securityGroup(r *res) {
	id := ownID(r, "id")
	d := t.docs(r)
	vpc := t.ref1(r, "vpc_id", vpcTypes...)
	name := r.strOr("name", placeholder(r, "name"))
	if r.typ == "aws_default_security_group" {
		name = "default"
		// Its ID is the VPC's default group's.
		if v := t.byVPCDefault(d, vpc); v != "" {
			id = v
		}
	}
	g := map[string]any{"GroupId": id, "GroupName": name, "Description": r.strOr("description", ""), "VpcId": vpc, "Tags": tags(r)}
	for _, dir := range []struct{ attr, key string }{{"ingress", "IpPermissions"}, {"egress", "IpPermissionsEgress"}} {
		perms := []any{}
		if open, why := t.blocksUnknown(r, dir.attr, "security_group_id", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"); open {
			t.note(r, "its %s rules are known only after apply (%s; dynamic blocks over unknown values?): assumed to allow every protocol from 0.0.0.0/0 and ::/0 (an over-approximation)", dir.attr, why)
			perms = append(perms, openPermission().json())
		}
		blocks := blocksOf(r.vals[dir.attr])
		for i, b := range blocks {
			p := permission{proto: sgProtocol(str(b, "protocol")), cidrs: strsOf(b["cidr_blocks"]), v6: strsOf(b["ipv6_cidr_blocks"]),
				pls: strsOf(b["prefix_list_ids"]), description: str(b, "description")}
			p.from, p.hasPorts = numOf(b["from_port"])
			p.to, _ = numOf(b["to_port"])
			t.widenPermission(r, &p, sgRuleAttrs, func(attr string) bool { return isUnknown(r.unknown, dir.attr, i, attr) },
				fmt.Sprintf("%s rule %d of %d", dir.attr, i+1, len(blocks)))
			p.groups = t.blockRefN(r, dir.attr, i, len(blocks), b, "security_groups", sgTypes...)
			if self, _ := b["self"].(bool); self {
				p.groups = append(p.groups, id)
			}
			if !t.validPorts(r, p) {
				continue
			}
			perms = append(perms, p.json())
		}
		g[dir.key] = perms
	}
	if old := d.find(model.CallSecurityGroups, id); old != nil {
		if o, ok := old["OwnerId"]; ok {
			g["OwnerId"] = o
		}
		if vpc == "" {
			g["VpcId"] = old["VpcId"]
		}
	}
	d.put(model.CallSecurityGroups, g)
}

// byVPCDefault is the ID of the default security group of vpc, in the
// plan's or the base's groups.
func (t *translator) byVPCDefault(d *regionDocs, vpc string) string {
	for _, r := range t.all {
		if r.typ == "aws_vpc" && t.idOf(target{r.addr, "id"}) == vpc {
			return t.idOf(target{r.addr, "default_security_group_id"})
		}
	}
	for _, g := range d.items(model.CallSecurityGroups) {
		if g["VpcId"] == vpc && g["GroupName"] == "default" {
			s, _ := g["GroupId"].(string)
			return s
		}
	}
	return ""
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// ruleOf reads an aws_security_group_rule's values (after or before).
func (t *translator) sgRule(r *res, vals map[string]any, resolve bool) (group string, egress bool, p permission) {
	egress = str(vals, "type") == "egress"
	p = permission{proto: sgProtocol(str(vals, "protocol")), cidrs: strsOf(vals["cidr_blocks"]), v6: strsOf(vals["ipv6_cidr_blocks"]),
		pls: strsOf(vals["prefix_list_ids"]), description: str(vals, "description")}
	p.from, p.hasPorts = numOf(vals["from_port"])
	p.to, _ = numOf(vals["to_port"])
	group = str(vals, "security_group_id")
	src := str(vals, "source_security_group_id")
	if resolve {
		group = t.ref1(r, "security_group_id", sgTypes...)
		if self, _ := vals["self"].(bool); !self {
			src = t.ref1(r, "source_security_group_id", sgTypes...)
		}
	}
	if self, _ := vals["self"].(bool); self {
		src = group
	}
	if src != "" {
		p.groups = []string{src}
	}
	if resolve {
		t.widenPermission(r, &p, sgRuleAttrs, func(attr string) bool { return isUnknown(r.unknown, attr) }, "the rule")
	}
	return group, egress, p
}

func (t *translator) securityGroupRule(r *res) {
	group, egress, p := t.sgRule(r, r.vals, true)
	t.addPermission(r, group, egress, p)
}

func (t *translator) vpcSecurityGroupRule(r *res) {
	group, p := t.vpcRule(r, r.vals, true)
	t.addPermission(r, group, r.typ == "aws_vpc_security_group_egress_rule", p)
}

// vpcRule reads an aws_vpc_security_group_{ingress,egress}_rule.
func (t *translator) vpcRule(r *res, vals map[string]any, resolve bool) (string, permission) {
	p := permission{proto: sgProtocol(str(vals, "ip_protocol")), description: str(vals, "description")}
	p.from, p.hasPorts = numOf(vals["from_port"])
	p.to, _ = numOf(vals["to_port"])
	if c := str(vals, "cidr_ipv4"); c != "" {
		p.cidrs = []string{c}
	}
	if c := str(vals, "cidr_ipv6"); c != "" {
		p.v6 = []string{c}
	}
	if c := str(vals, "prefix_list_id"); c != "" {
		p.pls = []string{c}
	}
	group, src := str(vals, "security_group_id"), str(vals, "referenced_security_group_id")
	if resolve {
		group = t.ref1(r, "security_group_id", sgTypes...)
		src = t.ref1(r, "referenced_security_group_id", sgTypes...)
	}
	if src != "" {
		p.groups = []string{src}
	}
	if resolve {
		t.widenPermission(r, &p, vpcRuleAttrs, func(attr string) bool { return isUnknown(r.unknown, attr) }, "the rule")
	}
	return group, p
}

// validPorts reports whether AWS accepts p's port range (from <= to for
// TCP and UDP); a rule it would reject at apply is noted and not read.
func (t *translator) validPorts(r *res, p permission) bool {
	if (p.proto == "tcp" || p.proto == "udp") && p.hasPorts && (p.from > p.to || p.from < 0 || p.to > 65535) {
		t.note(r, "a %s rule for ports %d-%d, which AWS rejects at apply (from_port must not exceed to_port, within 0-65535); the rule is not read", p.proto, p.from, p.to)
		return false
	}
	return true
}

func (t *translator) addPermission(r *res, group string, egress bool, p permission) {
	if !t.validPorts(r, p) {
		return
	}
	g := t.docs(r).find(model.CallSecurityGroups, group)
	if g == nil {
		t.note(r, "its security group %s is neither in the plan nor in the base; the rule is not read", orUnknown(group))
		return
	}
	key := "IpPermissions"
	if egress {
		key = "IpPermissionsEgress"
	}
	// A plan read alone against a state lists a group's rules twice: in
	// the group's ingress and egress (read back from AWS) and as the
	// separate rules that made them. AWS holds each once.
	have := map[string]bool{}
	for _, x := range anyList(g[key]) {
		if m, ok := x.(map[string]any); ok && sgProtocol(str(m, "IpProtocol")) == p.proto && samePorts(m, p) {
			for _, src := range sourcesOf(m) {
				have[src] = true
			}
		}
	}
	q := p
	q.cidrs, q.v6, q.pls, q.groups = missing(p.cidrs, have), missing(p.v6, have), missing(p.pls, have), missing(p.groups, have)
	if len(q.cidrs)+len(q.v6)+len(q.pls)+len(q.groups) == 0 {
		return
	}
	g[key] = append(anyList(g[key]), q.json())
}

// sourcesOf is every source of an IpPermission: CIDR blocks, prefix lists
// and groups.
func sourcesOf(m map[string]any) []string {
	var out []string
	for _, k := range []struct{ list, id string }{{"IpRanges", "CidrIp"}, {"Ipv6Ranges", "CidrIpv6"}, {"PrefixListIds", "PrefixListId"}, {"UserIdGroupPairs", "GroupId"}} {
		for _, e := range anyList(m[k.list]) {
			if em, ok := e.(map[string]any); ok {
				out = append(out, str(em, k.id))
			}
		}
	}
	return out
}

func missing(list []string, have map[string]bool) []string {
	var out []string
	for _, s := range list {
		if !have[s] {
			out = append(out, s)
		}
	}
	return out
}

func (t *translator) delSecurityGroupRule(r *res) {
	group, egress, p := t.sgRule(r, r.before, false)
	t.removePermission(r, group, egress, p)
}

func (t *translator) delVPCSecurityGroupRule(r *res) {
	group, p := t.vpcRule(r, r.before, false)
	t.removePermission(r, group, r.typ == "aws_vpc_security_group_egress_rule", p)
}

// removePermission takes the sources of p out of the group's permissions
// with the same protocol and ports, as revoking the rule does.
func (t *translator) removePermission(r *res, group string, egress bool, p permission) {
	g := t.docs(r).find(model.CallSecurityGroups, group)
	if g == nil {
		return
	}
	key := "IpPermissions"
	if egress {
		key = "IpPermissionsEgress"
	}
	drop := map[string]bool{}
	for _, s := range append(append(append(append([]string(nil), p.cidrs...), p.v6...), p.pls...), p.groups...) {
		drop[s] = true
	}
	kept := []any{}
	for _, x := range anyList(g[key]) {
		m, ok := x.(map[string]any)
		if !ok || sgProtocol(str(m, "IpProtocol")) != p.proto || !samePorts(m, p) {
			kept = append(kept, x)
			continue
		}
		left := 0
		for _, k := range []struct{ list, id string }{{"IpRanges", "CidrIp"}, {"Ipv6Ranges", "CidrIpv6"}, {"PrefixListIds", "PrefixListId"}, {"UserIdGroupPairs", "GroupId"}} {
			var keep []any
			for _, e := range anyList(m[k.list]) {
				if em, ok := e.(map[string]any); ok && drop[str(em, k.id)] {
					continue
				}
				keep = append(keep, e)
			}
			if keep == nil {
				keep = []any{}
			}
			m[k.list] = keep
			left += len(keep)
		}
		if left > 0 {
			kept = append(kept, m)
		}
	}
	g[key] = kept
}

func samePorts(m map[string]any, p permission) bool {
	if p.proto == "-1" {
		return true
	}
	from, ok1 := numOf(m["FromPort"])
	to, ok2 := numOf(m["ToPort"])
	return ok1 && ok2 && from == p.from && to == p.to
}
