package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Plan is the plan section: the planner's choices. The plan command turns
// it into plan.Options; this package only checks its shape.
//
//	plan:
//	  nat: single               # or per-az (the default)
//	  client_vpn: true          # a group for an AWS Client VPN endpoint (the default)
//	  roles:                    # resource ID or glob -> role name
//	    i-0abc*: web
//	  pin: [i-0def]             # these stay where they are
//	  flows:                    # needed flows the logs do not show
//	    - {from: batch, to: oyatsu-aurora, protocol: tcp, port: 3306, reason: monthly report}
//	  prices: prices.json       # overrides the embedded price table
type Plan struct {
	// NAT is "single", "per-az" or "" (the planner's default, per-az).
	NAT string
	// ClientVPN is nil when the file does not say (the planner's default,
	// true).
	ClientVPN *bool
	// Roles maps a resource ID or glob (* and ?, as in suppressions) to a
	// role name; RoleLines holds each key's line.
	Roles     map[string]string
	RoleLines map[string]int
	// Pin lists resource IDs (or globs) that stay where they are.
	Pin []string
	// Flows are needed flows the flow logs do not show.
	Flows []PlanFlow
	// Prices is a price-table file (JSON, the embedded table's shape).
	Prices string
	// Line is the line of the plan key; 0 when the file has none.
	Line int
}

// PlanFlow is one needed flow of the plan section: from a role, resource,
// "internet" or "client-vpn" to a role or resource (or an AWS service
// endpoint such as "sts").
type PlanFlow struct {
	From, To string
	Protocol string // tcp (the default), udp, icmp, or an IP protocol number
	Port     int    // 0 for protocols without ports
	Reason   string
	Line     int
}

// NAT modes the plan section accepts.
var natModes = []string{"per-az", "single"}

func (p *parser) plan(n *yaml.Node) Plan {
	pl := Plan{Line: n.Line}
	p.mapping(n, "plan", map[string]func(*yaml.Node){
		"nat": func(v *yaml.Node) {
			pl.NAT = p.scalar(v, "nat")
			if pl.NAT != "" && pl.NAT != natModes[0] && pl.NAT != natModes[1] {
				p.fail(v, "nat %q: want %s", pl.NAT, strings.Join(natModes, " or "))
				pl.NAT = ""
			}
		},
		"client_vpn": func(v *yaml.Node) {
			raw := p.scalar(v, "client_vpn")
			if raw == "" {
				return
			}
			b, err := strconv.ParseBool(raw)
			if err != nil || v.Tag != "!!bool" {
				p.fail(v, "client_vpn %q: want true or false", raw)
				return
			}
			pl.ClientVPN = &b
		},
		"roles":  func(v *yaml.Node) { pl.Roles, pl.RoleLines = p.planRoles(v) },
		"pin":    func(v *yaml.Node) { pl.Pin = p.scalarList(v, "pin") },
		"flows":  func(v *yaml.Node) { pl.Flows = p.planFlows(v) },
		"prices": func(v *yaml.Node) { pl.Prices = p.scalar(v, "prices") },
	}, nil)
	return pl
}

func (p *parser) planRoles(n *yaml.Node) (map[string]string, map[string]int) {
	if p.alias(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "roles must be a mapping of resource IDs (or globs) to role names")
		return nil, nil
	}
	roles, lines := map[string]string{}, map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			p.fail(k, "YAML merge keys (<<) are not supported in the configuration; write the keys out")
			continue
		}
		id := p.scalar(k, "a resource ID in roles")
		name := p.scalar(v, "a role name")
		if id == "" || name == "" {
			continue
		}
		if _, dup := roles[id]; dup {
			p.fail(k, "resource %q appears twice in roles", id)
			continue
		}
		roles[id], lines[id] = strings.TrimSpace(name), k.Line
	}
	return roles, lines
}

func (p *parser) scalarList(n *yaml.Node, what string) []string {
	if p.alias(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "%s must be a list", what)
		return nil
	}
	var out []string
	for _, e := range n.Content {
		if s := p.scalar(e, "an entry of "+what); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) planFlows(n *yaml.Node) []PlanFlow {
	if p.alias(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "flows must be a list of entries (each starting with \"- from:\")")
		return nil
	}
	var out []PlanFlow
	for _, e := range n.Content {
		f := PlanFlow{Line: e.Line, Protocol: "tcp"}
		portNode := (*yaml.Node)(nil)
		p.mapping(e, "a flow", map[string]func(*yaml.Node){
			"from":     func(v *yaml.Node) { f.From = p.scalar(v, "from") },
			"to":       func(v *yaml.Node) { f.To = p.scalar(v, "to") },
			"protocol": func(v *yaml.Node) { f.Protocol = strings.ToLower(p.scalar(v, "protocol")) },
			"port": func(v *yaml.Node) {
				portNode = v
				raw := p.scalar(v, "port")
				if raw == "" {
					return
				}
				n, err := strconv.Atoi(raw)
				if err != nil || n < 0 || n > 65535 {
					p.fail(v, "port %q is not a port number 0-65535", raw)
					return
				}
				f.Port = n
			},
			"reason": func(v *yaml.Node) { f.Reason = strings.TrimSpace(p.scalar(v, "reason")) },
		}, []string{"from", "to", "reason"})
		switch f.Protocol {
		case "tcp", "udp":
			if portNode == nil {
				p.fail(e, "a %s flow lacks \"port\"", f.Protocol)
			} else if f.Port == 0 && portNode.Value != "" {
				p.fail(portNode, "port 0 is not a %s service port", f.Protocol)
			}
		case "icmp", "icmpv6", "-1", "":
		default:
			if n, err := strconv.Atoi(f.Protocol); err != nil || n < 0 || n > 255 {
				p.fail(e, "protocol %q: want tcp, udp, icmp, icmpv6, -1 or an IP protocol number", f.Protocol)
			}
		}
		out = append(out, f)
	}
	return out
}

// String is the flow as the plan prints it: "batch -> oyatsu-aurora tcp/3306".
func (f PlanFlow) String() string {
	if f.Port == 0 {
		return fmt.Sprintf("%s -> %s %s", f.From, f.To, f.Protocol)
	}
	return fmt.Sprintf("%s -> %s %s/%d", f.From, f.To, f.Protocol, f.Port)
}
