package plan

import (
	"fmt"
	"strings"
)

// The security groups of the target: the new groups with their rules, the
// retired groups gone, the default groups empty (AWS does not delete a
// VPC's default group; revoking its rules leaves it with none, in either
// direction).

func (t *regionTarget) editSecurityGroups() error {
	groups, root, err := t.result("ec2-describe-security-groups.json", "SecurityGroups")
	if err != nil || root == nil {
		return err
	}
	have := map[string]bool{}
	var keep []any
	for _, o := range groups {
		id := str(o, "GroupId")
		if t.retired[id] {
			continue
		}
		have[id] = true
		if t.defaults[id] {
			o["IpPermissions"] = []any{}
			o["IpPermissionsEgress"] = []any{}
		} else {
			// A rule naming a retired group would stop AWS deleting it:
			// the migration revokes it first.
			for _, key := range []string{"IpPermissions", "IpPermissionsEgress"} {
				if _, ok := o[key]; ok {
					o[key] = t.withoutRetired(objects(o, key))
				}
			}
		}
		keep = append(keep, o)
	}
	for _, g := range t.newGroups {
		if have[g.ID] {
			return fmt.Errorf("plan group %s: the ID is already in use", g.ID)
		}
		have[g.ID] = true
		in, err := t.permissions(g, g.Ingress)
		if err != nil {
			return err
		}
		out, err := t.permissions(g, g.Egress)
		if err != nil {
			return err
		}
		keep = append(keep, map[string]any{
			"Description":         g.Description,
			"GroupName":           g.Name,
			"IpPermissions":       in,
			"OwnerId":             t.owner,
			"GroupId":             g.ID,
			"IpPermissionsEgress": out,
			"Tags":                tagList(newObjectTags(g.ID, g.Name)),
			"VpcId":               g.VPCID,
		})
	}
	root["SecurityGroups"] = keep
	return nil
}

// withoutRetired drops the group references to retired groups from rule
// objects, and the rule objects left with no source.
func (t *regionTarget) withoutRetired(perms []map[string]any) []any {
	out := []any{}
	for _, p := range perms {
		pairs := objects(p, "UserIdGroupPairs")
		var kept []map[string]any
		for _, pair := range pairs {
			if !t.retired[str(pair, "GroupId")] {
				kept = append(kept, pair)
			}
		}
		if len(kept) == len(pairs) {
			out = append(out, p)
			continue
		}
		p["UserIdGroupPairs"] = anyObjects(kept)
		if len(kept) > 0 || len(arr(p["IpRanges"])) > 0 || len(arr(p["Ipv6Ranges"])) > 0 || len(arr(p["PrefixListIds"])) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// permissions turns a new group's rules into EC2's rule objects: one per
// (protocol, ports), in the order the rules first name them, holding its
// sources by kind, as describe-security-groups prints them.
func (t *regionTarget) permissions(g *Group, rules []*Rule) ([]any, error) {
	type key struct {
		proto    string
		from, to int
	}
	var order []key
	perms := map[key]map[string]any{}
	for _, r := range rules {
		proto := strings.ToLower(r.Protocol)
		if proto == "all" || proto == "" {
			proto = "-1"
		}
		k := key{proto, r.FromPort, r.ToPort}
		if proto == "-1" {
			k.from, k.to = 0, 0
		}
		p := perms[k]
		if p == nil {
			p = map[string]any{"IpProtocol": proto, "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}
			if proto != "-1" {
				p["FromPort"], p["ToPort"] = num(r.FromPort), num(r.ToPort)
			}
			perms[k] = p
			order = append(order, k)
		}
		withDesc := func(m map[string]any) map[string]any {
			if r.Description != "" {
				m["Description"] = r.Description
			}
			return m
		}
		switch {
		case r.Group != "":
			appendTo(p, "UserIdGroupPairs", withDesc(map[string]any{"GroupId": r.Group, "UserId": t.owner}))
		case r.PrefixList != "":
			appendTo(p, "PrefixListIds", withDesc(map[string]any{"PrefixListId": r.PrefixList}))
		case strings.Contains(r.CIDR, ":"):
			appendTo(p, "Ipv6Ranges", withDesc(map[string]any{"CidrIpv6": r.CIDR}))
		case r.CIDR != "":
			appendTo(p, "IpRanges", withDesc(map[string]any{"CidrIp": r.CIDR}))
		default:
			return nil, fmt.Errorf("plan group %s: a rule (%s %d-%d) names no group, CIDR or prefix list", g.ID, r.Protocol, r.FromPort, r.ToPort)
		}
	}
	out := make([]any, 0, len(order))
	for _, k := range order {
		out = append(out, perms[k])
	}
	return out, nil
}
