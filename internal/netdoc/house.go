package netdoc

import (
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// houseRules are the rules of the house, in the order the document states
// them; each has its sentences in the catalogue (doc.house.NAME.title,
// doc.house.NAME.text) and a check on the inventory.
var houseRules = []struct {
	name  string
	check func(g *gen, reg *model.Region, add func(string))
}{
	{"world", (*gen).worldOpen},
	{"groups", (*gen).addressSources},
	{"ssh", (*gen).sshRules},
	{"data", (*gen).dataSources},
	{"own", (*gen).sharedGroups},
}

// house writes the rules of the house and, for each, whether the network
// (or the plan's target) follows it, with the rules or resources that do
// not.
func (g *gen) house() {
	g.d.heading(2, g.t("doc.house.heading"))
	if g.planned() {
		g.d.para(g.t("doc.house.intro_plan"))
	} else {
		g.d.para(g.t("doc.house.intro_existing"))
	}
	for i, hr := range houseRules {
		g.d.heading(3, g.t("doc.house.numbered", i+1, g.t("doc.house."+hr.name+".title")))
		g.d.para(g.t("doc.house." + hr.name + ".text"))
		var items []string
		seen := map[string]bool{}
		add := func(s string) {
			if !seen[s] {
				seen[s] = true
				items = append(items, s)
			}
		}
		for _, reg := range g.inv.Regions() {
			hr.check(g, reg, add)
		}
		switch {
		case len(items) == 0 && g.planned():
			g.d.para("**" + g.t("doc.house.followed_plan") + "**")
		case len(items) == 0:
			g.d.para("**" + g.t("doc.house.followed") + "**")
		case g.planned():
			g.d.para("**" + g.t("doc.house.not_followed_plan", len(items)) + "**")
			g.list(items)
		default:
			g.d.para("**" + g.t("doc.house.not_followed", len(items)) + "**")
			g.list(items)
		}
	}
}

// ruleItem says that a group's rule breaks a rule of the house.
func (g *gen) ruleItem(reg *model.Region, sg *model.SecurityGroup, r model.Rule) string {
	return g.t("doc.house.item.rule", g.groupName(reg, nil, sg.ID), g.modelPorts(r), g.modelPeer(reg, sg.ID, r.Peer))
}

// worldOpen: no rule open to the whole internet (alone or with the
// group's other rules: worldRules) except a listener port of an
// internet-facing load balancer, and nothing the reachability engine
// finds reachable from the internet directly but such a load balancer.
func (g *gen) worldOpen(reg *model.Region, add func(string)) {
	for _, sg := range reg.SecurityGroups {
		for _, r := range worldRules(reg, sg) {
			if !listenerRule(sg, r) {
				add(g.ruleItem(reg, sg, r))
			}
		}
	}
	ports := map[string][]string{}
	var order []string
	for _, x := range reach.InternetExposures(reg) {
		if x.Via != reach.ViaDirect || (x.Resource != nil && x.Resource.IsInternetFacingLoadBalancer()) {
			continue
		}
		who := ""
		switch {
		case x.Resource != nil:
			who = g.resourceLabel(x.Resource)
		case x.ENI != nil:
			who = code(x.ENI.ID)
		default:
			continue
		}
		p := g.exposurePorts(x)
		if _, ok := ports[who]; !ok {
			order = append(order, who)
		}
		if !slices.Contains(ports[who], p) {
			ports[who] = append(ports[who], p)
		}
	}
	for _, who := range order {
		add(g.t("doc.house.item.exposed", who, strings.Join(ports[who], g.t("doc.list.sep"))))
	}
}

func (g *gen) exposurePorts(x reach.Exposure) string {
	switch {
	case x.Protocol == model.ProtocolAll:
		return g.t("doc.port.all")
	case x.Protocol.HasPorts():
		return g.ports(x.Protocol.String(), int(x.Ports.From), int(x.Ports.To))
	}
	return code(x.Protocol.String())
}

// listenerRule reports whether a world-open rule only opens listener ports
// of the internet-facing load balancers the group is attached to (and to
// nothing else).
func listenerRule(sg *model.SecurityGroup, r model.Rule) bool {
	if len(sg.Resources) == 0 || !r.Protocol.HasPorts() {
		return false
	}
	for _, res := range sg.Resources {
		if !res.IsInternetFacingLoadBalancer() {
			return false
		}
	}
	for p := int(r.Ports.From); p <= int(r.Ports.To); p++ {
		if !anyListener(sg.Resources, r.Protocol, p) {
			return false
		}
	}
	return true
}

func anyListener(lbs []*model.Resource, proto model.Protocol, port int) bool {
	for _, lb := range lbs {
		for _, l := range lb.LoadBalancer.Listeners {
			if l.Port == port && slices.Contains(l.IPProtocols(), proto) {
				return true
			}
		}
	}
	return false
}

// addressSources: groups name their sources by group; an address range
// other than the internet's (which the first rule covers) or a prefix list
// is a source that stays open when the addresses move to something else.
func (g *gen) addressSources(reg *model.Region, add func(string)) {
	for _, sg := range reg.SecurityGroups {
		for _, r := range sg.Ingress {
			if (r.Peer.Kind == model.PeerCIDR && r.Peer.CIDR.Bits() > 0) || r.Peer.Kind == model.PeerPrefixList {
				add(g.ruleItem(reg, sg, r))
			}
		}
	}
}

// sshRules: no rule opens SSH (tcp/22) from an address range or a prefix
// list, all traffic included, and no rule opens exactly port 22 from
// anything; administrators use Session Manager.
func (g *gen) sshRules(reg *model.Region, add func(string)) {
	for _, sg := range reg.SecurityGroups {
		for _, r := range sg.Ingress {
			opens := r.Protocol == model.ProtocolAll || (r.Protocol == model.ProtocolTCP && r.Ports.Contains(22))
			if !opens {
				continue
			}
			explicit := r.Protocol == model.ProtocolTCP && r.Ports.From == 22 && r.Ports.To == 22
			if explicit || r.Peer.Kind == model.PeerCIDR || r.Peer.Kind == model.PeerPrefixList {
				add(g.ruleItem(reg, sg, r))
			}
		}
	}
}

// isData reports whether a resource is a database or a cache.
func isData(res *model.Resource) bool {
	return res.Kind == model.KindDBInstance || res.Kind == model.KindCacheCluster
}

// dataSources: a database's or cache's groups admit only other groups (no
// address ranges or prefix lists), and are not shared with resources of other roles (whose
// members would then reach the data through the group's own rules).
func (g *gen) dataSources(reg *model.Region, add func(string)) {
	for _, res := range reg.Resources {
		if !isData(res) {
			continue
		}
		for _, id := range res.SecurityGroupIDs {
			sg := reg.SecurityGroup(id)
			if sg == nil {
				continue
			}
			for _, r := range sg.Ingress {
				if r.Peer.Kind == model.PeerCIDR || r.Peer.Kind == model.PeerPrefixList {
					add(g.ruleItem(reg, sg, r))
				}
			}
			var others []string
			for _, o := range sg.Resources {
				if o.Role != res.Role && !isData(o) {
					others = append(others, g.resourceLabel(o))
				}
			}
			if len(others) > 0 {
				add(g.t("doc.house.item.data_shared", g.groupName(reg, nil, sg.ID), g.resourceLabel(res), strings.Join(others, g.t("doc.list.sep"))))
			}
		}
	}
}

// sharedGroups: every group serves one role.
func (g *gen) sharedGroups(reg *model.Region, add func(string)) {
	for _, sg := range reg.SecurityGroups {
		var roles []string
		seen := map[*model.Role]bool{}
		for _, res := range sg.Resources {
			if res.Role != nil && !seen[res.Role] {
				seen[res.Role] = true
				roles = append(roles, code(res.Role.Name))
			}
		}
		if len(roles) > 1 {
			slices.Sort(roles)
			add(g.t("doc.house.item.shared", g.groupName(reg, nil, sg.ID), len(roles), strings.Join(roles, g.t("doc.list.sep"))))
		}
	}
}
