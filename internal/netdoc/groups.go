package netdoc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// ruleRow is one rule of a group's table, as Markdown cells.
type ruleRow struct {
	peer, ports, why string
}

// groups writes one section per security group: for a plan, its groups
// (with the plan's reasons) and then the target's other groups; for an
// existing network, every group.
func (g *gen) groups() {
	g.d.heading(2, g.t("doc.groups.heading"))
	g.d.para(g.t("doc.groups.intro"))
	found := false
	for _, reg := range g.inv.Regions() {
		done := map[string]bool{}
		if rp := g.regionPlan(reg); rp != nil {
			g.retired(reg, rp)
			for _, pg := range rp.Groups {
				found = true
				done[pg.ID] = true
				g.plannedGroup(reg, rp, pg)
			}
		}
		for _, sg := range reg.SecurityGroups {
			if done[sg.ID] {
				continue
			}
			found = true
			g.existingGroup(reg, sg)
		}
	}
	if !found {
		g.d.para(g.t("doc.groups.none"))
	}
}

// retired says which existing groups the migration deletes or empties.
func (g *gen) retired(reg *model.Region, rp *plan.RegionPlan) {
	names := func(ids []string) string {
		var out []string
		for _, id := range ids {
			out = append(out, g.groupName(reg, rp, id))
		}
		return strings.Join(out, g.t("doc.list.sep"))
	}
	if len(rp.RetiredGroups) > 0 {
		g.d.para(g.t("doc.groups.retired", names(rp.RetiredGroups)))
	}
	if len(rp.DefaultGroups) > 0 {
		g.d.para(g.t("doc.groups.emptied", names(rp.DefaultGroups)))
	}
}

// plannedGroup writes a group of the plan.
func (g *gen) plannedGroup(reg *model.Region, rp *plan.RegionPlan, pg *plan.Group) {
	g.d.heading(3, g.t("doc.groups.group", code(pg.Name), code(pg.ID)))
	role := g.known(groupPatterns, pg.Description)
	if pg.Role != "" {
		for _, r := range reg.Roles {
			if r.ID == pg.Role {
				role = g.roleLabel(r)
			}
		}
	}
	var members []string
	for _, id := range pg.Members {
		members = append(members, g.memberLabel(reg, id))
	}
	g.facts(reg, pg.VPCID, role, members, "")
	var in, out []ruleRow
	for _, r := range pg.Ingress {
		in = append(in, ruleRow{g.planPeer(reg, rp, pg.ID, r), planPorts(g, r), g.planWhy(r)})
	}
	for _, r := range pg.Egress {
		out = append(out, ruleRow{g.planPeer(reg, rp, pg.ID, r), planPorts(g, r), g.planWhy(r)})
	}
	g.ruleTables(in, out)
}

// existingGroup writes a group as the snapshot has it.
func (g *gen) existingGroup(reg *model.Region, sg *model.SecurityGroup) {
	g.d.heading(3, g.t("doc.groups.group", code(sg.Name), code(sg.ID)))
	var roles []string
	seen := map[*model.Role]bool{}
	for _, res := range sg.Resources {
		if res.Role != nil && !seen[res.Role] {
			seen[res.Role] = true
			roles = append(roles, g.roleLabel(res.Role))
		}
	}
	slices.Sort(roles)
	role := strings.Join(roles, g.t("doc.list.sep"))
	if role == "" {
		role = g.t("doc.groups.no_role")
	}
	var members []string
	for _, res := range sg.Resources {
		members = append(members, g.resourceLabel(res))
	}
	if len(members) == 0 {
		// Interfaces no resource explains (the snapshot lacks their owner).
		for _, e := range sg.ENIs {
			members = append(members, code(e.ID))
		}
	}
	desc := g.t("doc.groups.no_description")
	if sg.Description != "" {
		desc = esc(sg.Description)
	}
	g.facts(reg, sg.VPCID, role, members, desc)
	var in, out []ruleRow
	for _, r := range sg.Ingress {
		in = append(in, ruleRow{g.modelPeer(reg, sg.ID, r.Peer), g.modelPorts(r), g.modelWhy(r)})
	}
	for _, r := range sg.Egress {
		out = append(out, ruleRow{g.modelPeer(reg, sg.ID, r.Peer), g.modelPorts(r), g.modelWhy(r)})
	}
	g.ruleTables(in, out)
}

// facts writes the bullet list above a group's tables.
func (g *gen) facts(reg *model.Region, vpcID, role string, members []string, desc string) {
	vpc := code(vpcID)
	if v := reg.VPC(vpcID); v != nil {
		vpc = g.vpcLabel(v)
	}
	g.d.line("- " + g.t("doc.groups.role", role))
	g.d.line("- " + g.t("doc.groups.vpc", vpc, code(reg.Account), code(reg.Name)))
	if len(members) == 0 {
		g.d.line("- " + g.t("doc.groups.attached_none"))
	} else {
		shown := members
		if len(shown) > maxListed {
			shown = append(slices.Clone(shown[:maxListed]), g.t("doc.list.more", len(members)-maxListed))
		}
		g.d.line("- " + g.t("doc.groups.attached", len(members), strings.Join(shown, g.t("doc.list.sep"))))
	}
	if desc != "" {
		g.d.line("- " + g.t("doc.groups.description", desc))
	}
	g.d.line("")
}

// ruleTables writes who may reach the group and what it may reach.
func (g *gen) ruleTables(in, out []ruleRow) {
	g.d.para("**" + g.t("doc.groups.ingress") + "**")
	if len(in) == 0 {
		g.d.para(g.t("doc.groups.ingress_none"))
	} else {
		g.d.table([]string{g.t("doc.groups.col.from"), g.t("doc.groups.col.port"), g.t("doc.groups.col.why")}, cells(in))
	}
	g.d.para("**" + g.t("doc.groups.egress") + "**")
	if len(out) == 0 {
		g.d.para(g.t("doc.groups.egress_none"))
	} else {
		g.d.table([]string{g.t("doc.groups.col.to"), g.t("doc.groups.col.port"), g.t("doc.groups.col.why")}, cells(out))
	}
}

func cells(rows []ruleRow) [][]string {
	var out [][]string
	for _, r := range rows {
		out = append(out, []string{r.peer, r.ports, r.why})
	}
	return out
}

// roleLabel is "web (EC2 instance)".
func (g *gen) roleLabel(r *model.Role) string {
	return g.t("doc.groups.role_kind", code(r.Name), g.kindNoun(r.Kind))
}

// memberLabel names a resource of the plan by its ID.
func (g *gen) memberLabel(reg *model.Region, id string) string {
	if g.byID == nil {
		g.byID = map[*model.Region]map[string]*model.Resource{}
	}
	ids := g.byID[reg]
	if ids == nil {
		ids = map[string]*model.Resource{}
		for _, res := range reg.Resources {
			if _, dup := ids[res.ID]; !dup {
				ids[res.ID] = res
			}
		}
		g.byID[reg] = ids
	}
	if res := ids[id]; res != nil {
		return g.resourceLabel(res)
	}
	if i := strings.LastIndexByte(id, '/'); i >= 0 && strings.HasPrefix(id, "arn:") {
		return code(id[i+1:])
	}
	return code(id)
}

// groupName is "`name` (`sg-…`)" for a group of the region or the plan.
func (g *gen) groupName(reg *model.Region, rp *plan.RegionPlan, id string) string {
	name := ""
	if sg := reg.SecurityGroup(id); sg != nil {
		name = sg.Name
	}
	if rp != nil && name == "" {
		for _, pg := range rp.Groups {
			if pg.ID == id {
				name = pg.Name
			}
		}
	}
	if name == "" || name == id {
		return code(id)
	}
	return code(name) + " (" + code(id) + ")"
}

// cidrPeer names an address range: the internet for /0.
func (g *gen) cidrPeer(cidr string) string {
	if cidr == "0.0.0.0/0" || cidr == "::/0" {
		return g.t("doc.peer.internet", code(cidr))
	}
	return code(cidr)
}

func (g *gen) prefixListPeer(reg *model.Region, id string) string {
	if pl := reg.PrefixList(id); pl != nil && pl.Name != "" {
		return g.t("doc.peer.prefix_list", code(id), esc(pl.Name))
	}
	return code(id)
}

func (g *gen) modelPeer(reg *model.Region, self string, p model.Peer) string {
	switch p.Kind {
	case model.PeerCIDR:
		return g.cidrPeer(p.CIDR.String())
	case model.PeerPrefixList:
		return g.prefixListPeer(reg, p.PrefixListID)
	case model.PeerGroup:
		if p.GroupID == self && p.UserID == "" {
			return g.t("doc.peer.self")
		}
		if p.UserID != "" && p.UserID != reg.Account {
			return g.t("doc.peer.other_account", code(p.GroupID), code(p.UserID))
		}
		return g.groupName(reg, nil, p.GroupID)
	}
	return g.t("doc.unknown")
}

func (g *gen) planPeer(reg *model.Region, rp *plan.RegionPlan, self string, r *plan.Rule) string {
	switch {
	case r.Group == self:
		return g.t("doc.peer.self")
	case r.Group != "":
		return g.groupName(reg, rp, r.Group)
	case r.CIDR != "":
		return g.cidrPeer(r.CIDR)
	case r.PrefixList != "":
		return g.prefixListPeer(reg, r.PrefixList)
	}
	return g.t("doc.unknown")
}

// ports prints a protocol and port range: "tcp/443", "tcp/1024-65535",
// "tcp (all ports)", "all traffic", "icmp".
func (g *gen) ports(proto string, from, to int) string {
	switch proto {
	case "-1", "all":
		return g.t("doc.port.all")
	case "tcp", "udp":
		switch {
		case from == 0 && to == 65535:
			return g.t("doc.port.all_of", proto)
		case from == to:
			return code(fmt.Sprintf("%s/%d", proto, from))
		}
		return code(fmt.Sprintf("%s/%d-%d", proto, from, to))
	}
	return code(proto)
}

func planPorts(g *gen, r *plan.Rule) string { return g.ports(r.Protocol, r.FromPort, r.ToPort) }

func (g *gen) modelPorts(r model.Rule) string {
	switch {
	case r.Protocol == model.ProtocolAll:
		return g.t("doc.port.all")
	case r.Protocol.HasPorts():
		return g.ports(r.Protocol.String(), int(r.Ports.From), int(r.Ports.To))
	case r.Protocol.IsICMP():
		return code(r.Protocol.String() + " " + r.ICMP.String())
	}
	return code(r.Protocol.String())
}

// planWhy is the plan's reason for a rule: its basis in words, and the
// evidence (the flow or wiring that justified it).
func (g *gen) planWhy(r *plan.Rule) string {
	basis := esc(r.Basis)
	if key := "doc.basis." + r.Basis; r.Basis != "" {
		if s := g.t(key); s != "["+key+"]" {
			basis = s
		}
	}
	if r.Evidence == "" {
		return basis
	}
	return g.t("doc.why.basis_evidence", basis, g.ruleEvidence(r))
}

// modelWhy is the rule's own description, or says it has none.
func (g *gen) modelWhy(r model.Rule) string {
	if d := strings.TrimSpace(r.Description); d != "" {
		return g.t("doc.why.description", esc(d))
	}
	return g.t("doc.why.none")
}
