package modeltest

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// Egress is an egress rule for protocol to a CIDR, read like Ingress.
func Egress(protocol string, from, to int, cidr string) model.Rule {
	r := Ingress(protocol, from, to, cidr)
	r.Direction = model.Egress
	return r
}

// EgressToGroup is an egress rule whose destination is another security
// group.
func EgressToGroup(protocol string, from, to int, groupID string) model.Rule {
	r := IngressFromGroup(protocol, from, to, groupID)
	r.Direction = model.Egress
	return r
}

// SetEgress replaces g's egress rules (AWS's default rule, which
// SecurityGroup adds, included) with rules; none leaves the group without
// egress rules.
func SetEgress(g *model.SecurityGroup, rules ...model.Rule) {
	g.Egress = nil
	for _, r := range rules {
		r.GroupID, r.Direction = g.ID, model.Egress
		g.Egress = append(g.Egress, r)
	}
}

// Described returns r with its Description set, as a rule written down
// with a purpose.
func Described(r model.Rule, description string) model.Rule {
	r.Description = description
	return r
}
