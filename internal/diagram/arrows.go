package diagram

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// portLabel is one protocol and port range of an arrow.
type portLabel struct {
	proto    model.Protocol
	from, to int
}

// arrowRoles computes each region's exposures (kept for exposures) and
// returns the role keys an arrow will point at or leave from, so that
// collapsing keeps them.
func (b *builder) arrowRoles(regions []*model.Region) map[string]bool {
	keep := map[string]bool{}
	for _, reg := range regions {
		for _, role := range reg.Roles {
			if _, ok := b.byRole[role.ID]; !ok {
				b.byRole[role.ID] = regionKey(reg, role.ID)
			}
		}
		exps := reach.InternetExposures(reg)
		b.exp[reg] = exps
		for _, e := range exps {
			if k := exposureKey(reg, e); k != "" {
				keep[k] = true
			}
		}
	}
	for _, e := range b.opts.Flows {
		if src, dst, ok := b.flowKeys(e); ok {
			keep[src], keep[dst] = true, true
		}
	}
	return keep
}

// exposureKey is the group an exposure points at; "" when it is drawn
// through its load balancer instead.
func exposureKey(reg *model.Region, e reach.Exposure) string {
	if e.Via == reach.ViaLoadBalancer {
		return ""
	}
	switch {
	case e.Resource != nil && e.Resource.Role != nil:
		return regionKey(reg, e.Resource.Role.ID)
	case e.Resource != nil:
		return regionKey(reg, "res:"+e.Resource.ID)
	case e.ENI != nil:
		return regionKey(reg, "owner:"+string(e.ENI.Owner.Kind))
	}
	return ""
}

// flowKeys returns the role keys of an edge's ends, when it is an
// ACCEPTed edge between two roles.
func (b *builder) flowKeys(e flows.Edge) (src, dst string, ok bool) {
	if e.Action != "" && e.Action != "ACCEPT" {
		return "", "", false
	}
	key := func(ep flows.Endpoint) string {
		if ep.Kind != flows.KindResource || ep.Role == "" {
			return ""
		}
		if ep.Account != "" || ep.Region != "" {
			return ep.Account + "\x00" + ep.Region + "\x00" + ep.Role
		}
		return b.byRole[ep.Role]
	}
	src, dst = key(e.Src), key(e.Dst)
	return src, dst, src != "" && dst != ""
}

// exposures draws the region's internet exposures from the Internet node,
// merged per box. Exposures through a load balancer are left to the load
// balancer's own.
func (b *builder) exposures(reg *model.Region) {
	byBox := map[string]*arrow{}
	for _, e := range b.exp[reg] {
		bx := b.exposedBox(reg, e)
		if bx == nil {
			continue
		}
		a := byBox[bx.name]
		if a == nil {
			a = &arrow{from: internetNode, to: bx.name}
			byBox[bx.name] = a
			b.sc.exposures = append(b.sc.exposures, a)
		}
		p := portLabel{proto: e.Protocol, from: int(e.Ports.From), to: int(e.Ports.To)}
		if !e.Protocol.HasPorts() {
			p.from, p.to = 0, 0
		}
		a.ports = append(a.ports, p)
	}
}

// exposedBox is the box an exposure points at: its group's box in the
// exposed interface's subnet (a role may sit in several subnets, and only
// some of its members be exposed), else the role's representative box.
func (b *builder) exposedBox(reg *model.Region, e reach.Exposure) *box {
	key := exposureKey(reg, e)
	if key == "" {
		return nil
	}
	var subnets []string
	if e.ENI != nil {
		subnets = []string{e.ENI.SubnetID}
	} else if e.Resource != nil {
		subnets = subnetsOf(e.Resource)
	}
	for _, id := range subnets {
		if d := b.subnets[regionKey(reg, id)]; d != nil {
			if g := d.groups[key]; g != nil && g.box != nil {
				return g.box
			}
		}
	}
	return b.rep[key]
}

// flowArrows draws the flows between roles, merged per pair of boxes.
func (b *builder) flowArrows() {
	byPair := map[[2]string]*arrow{}
	for _, e := range b.opts.Flows {
		src, dst, ok := b.flowKeys(e)
		if !ok {
			continue
		}
		from, to := b.rep[src], b.rep[dst]
		if from == nil || to == nil {
			continue
		}
		k := [2]string{from.name, to.name}
		a := byPair[k]
		if a == nil {
			a = &arrow{from: from.name, to: to.name}
			byPair[k] = a
			b.sc.flows = append(b.sc.flows, a)
		}
		proto, err := model.ParseProtocol(e.Protocol)
		if err != nil {
			proto = model.Protocol(-2)
		}
		a.ports = append(a.ports, portLabel{proto: proto, from: int(e.Port), to: int(e.Port)})
		a.weight += max(e.Connections, 1)
	}
}

// limitArrows sorts the arrows and keeps the Arrows flows that carried
// the most connections.
func (b *builder) limitArrows() {
	byName := func(a, c *arrow) int { return cmp.Or(cmp.Compare(a.from, c.from), cmp.Compare(a.to, c.to)) }
	slices.SortFunc(b.sc.exposures, byName)
	slices.SortFunc(b.sc.flows, func(a, c *arrow) int { return cmp.Or(cmp.Compare(c.weight, a.weight), byName(a, c)) })
	if n := b.opts.Limits.Arrows; n > 0 && len(b.sc.flows) > n {
		b.sc.notes = append(b.sc.notes, b.lang.T("diagram.note.arrows", len(b.sc.flows)-n, n))
		b.sc.flows = b.sc.flows[:n]
	}
	slices.SortFunc(b.sc.flows, byName)
}

// portText prints an arrow's ports, merged per protocol: "tcp/80,443",
// "all traffic", at most six ports and then "+K".
func portText(lang i18n.Lang, ps []portLabel) string {
	slices.SortFunc(ps, func(x, y portLabel) int {
		return cmp.Or(cmp.Compare(x.proto, y.proto), cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to))
	})
	ps = slices.Compact(ps)
	for _, p := range ps {
		if p.proto == model.ProtocolAll {
			return lang.T("diagram.port.all")
		}
	}
	var parts []string
	shown := 0
	for i := 0; i < len(ps); {
		j := i
		var ports []string
		for ; j < len(ps) && ps[j].proto == ps[i].proto; j++ {
			if shown >= 6 {
				continue
			}
			shown++
			p := ps[j]
			switch {
			case !p.proto.HasPorts():
			case p.from == 0 && p.to == 65535:
				ports = append(ports, lang.T("diagram.port.any"))
			case p.from == p.to:
				ports = append(ports, strconv.Itoa(p.from))
			default:
				ports = append(ports, strconv.Itoa(p.from)+"-"+strconv.Itoa(p.to))
			}
		}
		name := ps[i].proto.String()
		if ps[i].proto == model.Protocol(-2) {
			name = "?"
		}
		if len(ports) > 0 {
			name += "/" + strings.Join(ports, ",")
		}
		parts = append(parts, name)
		i = j
	}
	text := strings.Join(parts, " ")
	if len(ps) > shown {
		text += " +" + strconv.Itoa(len(ps)-shown)
	}
	return text
}

func itoa(n int) string { return strconv.Itoa(n) }
