package plan

import (
	"fmt"
	"strings"
)

// writeGroups writes security_groups.tf's part for one region: each new
// group without inline rules, one resource per rule (Terraform removes the
// all-open egress rule AWS adds to a new group, so egress is exactly the
// plan's), the existing groups the plan keeps, and the retired groups as a
// comment.
func (w *tfWriter) writeGroups(rg *tfRegion) error {
	f := w.groups
	for _, g := range rg.plan.Groups {
		name := rg.names[g.ID]
		comments := []string{g.ID + ": " + g.Description}
		if len(g.Members) > 0 {
			comments = append(comments, "Members: "+strings.Join(w.memberLabels(rg, g.Members), ", ")+".")
		}
		b := w.resource(f, rg, comments, "aws_security_group", name)
		setString(b, "name", g.Name)
		setString(b, "description", awsDescription(g.Description, g.Name))
		setRef(b, "vpc_id", rg.vpcRef(g.VPCID))
		setTags(b, newObjectTags(g.ID, nameOr(g.Name, g.ID)))
		w.additive = append(w.additive, address("aws_security_group", name))
		for _, r := range g.Ingress {
			if err := w.writeRule(rg, g, r, true); err != nil {
				return err
			}
		}
		for _, r := range g.Egress {
			if err := w.writeRule(rg, g, r, false); err != nil {
				return err
			}
		}
	}
	for _, id := range w.keptGroups(rg) {
		sg := rg.group(id)
		name := rg.names[id]
		b := w.resource(f, rg, []string{
			id + " (" + sg.Name + ") is kept as it is: new rules or resources refer to it.",
			"Imported (imports.tf); without rule blocks here Terraform leaves its rules alone.",
		}, "aws_security_group", name)
		setString(b, "name", sg.Name)
		setString(b, "description", sg.Description)
		setRef(b, "vpc_id", rg.vpcRef(sg.VPCID))
		setTags(b, sg.Tags)
		w.importBlock(rg, []string{id + ": kept as it is (security_groups.tf)."}, "aws_security_group", name, id)
	}
	if len(rg.plan.RetiredGroups) > 0 {
		lines := []string{
			"Retired groups of " + rg.plan.Account + "/" + rg.plan.Region + ": Terraform does not manage them. Once nothing uses them",
			"(after placement.tf is applied and the old resources are gone), the runbook's last stage",
			"deletes them; without the runbook, delete each yourself. If one was ever imported, remove it",
			"from the state first (terraform state rm ADDRESS) so Terraform does not try to keep it.",
		}
		for _, id := range rg.plan.RetiredGroups {
			lines = append(lines, "  "+rg.groupLabel(id)+": aws ec2 delete-security-group --region "+rg.plan.Region+" --group-id "+id)
		}
		f.note(lines...)
	}
	return nil
}

// memberLabels names a group's members for a comment.
func (w *tfWriter) memberLabels(rg *tfRegion, ids []string) []string {
	if rg.moveNames == nil {
		rg.moveNames = map[string]string{}
		for _, m := range rg.plan.Moves {
			if m.Name != "" {
				rg.moveNames[m.Resource] = m.Name
			}
		}
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = nameOr(rg.moveNames[id], id)
	}
	return out
}

// writeRule writes one rule as aws_vpc_security_group_ingress_rule or
// aws_vpc_security_group_egress_rule.
func (w *tfWriter) writeRule(rg *tfRegion, g *Group, r *Rule, ingress bool) error {
	typ, dir, word := "aws_vpc_security_group_egress_rule", "out", "to"
	if ingress {
		typ, dir, word = "aws_vpc_security_group_ingress_rule", "in", "from"
	}
	peers := 0
	for _, s := range []string{r.Group, r.CIDR, r.PrefixList} {
		if s != "" {
			peers++
		}
	}
	if peers != 1 {
		return fmt.Errorf("terraform: %s/%s: a rule of %s (%s %s %s) must name exactly one of a group, a CIDR and a prefix list",
			rg.plan.Account, rg.plan.Region, g.ID, dir, r.Protocol, rulePorts(r))
	}
	base := rg.names[g.ID] + "_" + dir + "_" + ruleProtoPorts(r) + "_" + word + "_" + strings.TrimPrefix(w.peerName(rg, r), rg.prefix)
	name := w.names.claim(typ, "", base, "rule")
	comments := []string{r.Basis + ": " + r.Evidence}
	if r.Evidence == "" {
		comments = []string{r.Basis + "."}
	}
	b := w.resource(w.groups, rg, comments, typ, name)
	setRef(b, "security_group_id", rg.tfPath(g.ID))
	setString(b, "description", awsDescription(r.Description, ""))
	proto := strings.ToLower(r.Protocol)
	switch proto {
	case "-1", "all", "":
		setString(b, "ip_protocol", "-1")
	case "tcp", "udp", "icmp", "icmpv6", "6", "17", "1", "58":
		setString(b, "ip_protocol", proto)
		setInt(b, "from_port", r.FromPort)
		setInt(b, "to_port", r.ToPort)
	default:
		setString(b, "ip_protocol", proto)
	}
	switch {
	case r.Group != "":
		setRef(b, "referenced_security_group_id", rg.tfPath(r.Group))
	case r.PrefixList != "":
		setString(b, "prefix_list_id", r.PrefixList)
	case strings.Contains(r.CIDR, ":"):
		setString(b, "cidr_ipv6", r.CIDR)
	default:
		setString(b, "cidr_ipv4", r.CIDR)
	}
	w.additive = append(w.additive, address(typ, name))
	return nil
}

// peerName names a rule's peer for the rule's name.
func (w *tfWriter) peerName(rg *tfRegion, r *Rule) string {
	switch {
	case r.Group != "":
		return rg.refName(r.Group)
	case r.PrefixList != "":
		return r.PrefixList
	case r.CIDR == "0.0.0.0/0":
		return "internet"
	case r.CIDR == "::/0":
		return "internet_ipv6"
	}
	return r.CIDR
}

// ruleProtoPorts is "tcp_443", "tcp_1024_65535", "all".
func ruleProtoPorts(r *Rule) string {
	p := strings.ToLower(r.Protocol)
	if p == "-1" || p == "" || p == "all" {
		return "all"
	}
	return p + "_" + rulePorts(r)
}

func rulePorts(r *Rule) string {
	if r.FromPort == r.ToPort {
		return fmt.Sprint(r.FromPort)
	}
	return fmt.Sprintf("%d_%d", r.FromPort, r.ToPort)
}

// awsDescription keeps a description within what AWS accepts for security
// groups and their rules (at most 255 of a-z A-Z 0-9 . _ - : / ( ) # , @
// [ ] + = & ; { } ! $ * and space): an arrow becomes "to", other
// characters a space. fallback is used when nothing is left.
func awsDescription(s, fallback string) string {
	s = strings.NewReplacer("→", " to ", "'", "", "’", "", "\"", "").Replace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			strings.ContainsRune("._-:/()#,@[]+=&;{}!$* ", r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if len(out) > 255 {
		out = strings.TrimSpace(out[:255])
	}
	if out == "" {
		out = fallback
	}
	return out
}
