package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// scene is what the diagram shows, decided before any DOT is written:
// every list sorted, every label translated.
type scene struct {
	title     string
	vpcs      []*vpcNode
	internet  bool // some VPC has an internet gateway, or something is exposed
	exposures []*arrow
	flows     []*arrow
	notes     []string
}

type vpcNode struct {
	name     string // DOT cluster name
	id       string // the VPC's ID
	label    []string
	gateways []*box // internet gateways, egress-only gateways, gateway endpoints
	igws     []*box // the internet gateways among gateways
	azs      []*azNode
}

type azNode struct {
	name    string
	subnets []*subnetNode // by tier, then label
}

type subnetNode struct {
	name      string // DOT cluster name
	id        string // the subnet's ID; "" for collapsed subnets
	label     []string
	tier      string
	boxes     []*box
	collapsed bool // stands for several subnets
}

// Box kinds: how a box is drawn.
const (
	boxRole     = "role"
	boxLB       = "load-balancer"
	boxNAT      = "nat"
	boxEndpoint = "endpoint"
	boxGateway  = "gateway"
	boxMore     = "more"
	boxEmpty    = "empty"
)

type box struct {
	name  string // DOT node name
	kind  string
	lines []string
}

// arrow is one merged arrow: every port between two boxes.
type arrow struct {
	from, to string
	ports    []portLabel
	weight   int64
}

// group is one role's members in one subnet.
type group struct {
	key     string // role key, region-qualified
	sort    string // label for sorting
	kind    model.ResourceKind
	role    *model.Role
	owner   model.OwnerKind // for interfaces without a known resource
	members int
	lb      *model.LoadBalancer
	detail  []string // endpoint services
	box     *box
	keep    bool // has an arrow: drawn before others when collapsing
}

type subnetData struct {
	subnet *model.Subnet
	reg    *model.Region
	vpc    string
	tier   string
	groups map[string]*group
	sorted []*group
	count  int // resources and interfaces
}

// builder carries the state of buildScene.
type builder struct {
	lang   i18n.Lang
	opts   Options
	seq    int
	sc     *scene
	rep    map[string]*box // region-qualified role key → the box arrows use
	repN   map[string]int  // members in rep
	byRole map[string]string
	exp    map[*model.Region][]reach.Exposure
	// subnets are the collected subnets by region-qualified subnet ID:
	// an exposure points at its interface's subnet's box.
	subnets map[string]*subnetData
}

func (b *builder) next(prefix string) string {
	b.seq++
	return fmt.Sprintf("%s%d", prefix, b.seq)
}

func buildScene(inv *model.Inventory, opts Options) *scene { return sceneBuilder(inv, opts).sc }

// sceneBuilder builds the scene and returns the builder, which knows the
// box of every group.
func sceneBuilder(inv *model.Inventory, opts Options) *builder {
	b := &builder{lang: opts.Lang, opts: opts, sc: &scene{}, rep: map[string]*box{}, repN: map[string]int{}, byRole: map[string]string{}, exp: map[*model.Region][]reach.Exposure{}, subnets: map[string]*subnetData{}}
	b.sc.title = opts.Title
	if b.sc.title == "" {
		b.sc.title = b.defaultTitle(inv)
	}
	var regions []*model.Region
	for _, a := range inv.Accounts {
		regions = append(regions, a.Regions...)
	}
	multi := len(regions) > 1
	keep := b.arrowRoles(regions)
	var subnets []*subnetData
	for _, reg := range regions {
		subnets = append(subnets, b.collect(reg, keep)...)
	}
	b.layoutSubnets(regions, subnets, multi)
	for _, reg := range regions {
		b.exposures(reg)
	}
	b.flowArrows()
	b.limitArrows()
	if len(b.sc.exposures) > 0 {
		b.sc.internet = true
	}
	return b
}

func (b *builder) defaultTitle(inv *model.Inventory) string {
	var parts []string
	for _, a := range inv.Accounts {
		var names []string
		for _, r := range a.Regions {
			names = append(names, r.Name)
		}
		parts = append(parts, a.Label()+" ("+strings.Join(names, ", ")+")")
	}
	return b.lang.T("diagram.title", strings.Join(parts, "; "))
}

func regionKey(reg *model.Region, id string) string {
	return reg.Account + "\x00" + reg.Name + "\x00" + id
}

// collect groups a region's resources by subnet and role.
func (b *builder) collect(reg *model.Region, keep map[string]bool) []*subnetData {
	bySubnet := map[string]*subnetData{}
	var out []*subnetData
	for _, s := range reg.Subnets {
		d := &subnetData{subnet: s, reg: reg, vpc: s.VPCID, tier: TierOf(s, b.opts.Tiers), groups: map[string]*group{}}
		bySubnet[s.ID] = d
		b.subnets[regionKey(reg, s.ID)] = d
		out = append(out, d)
	}
	add := func(subnet, key string, fill func(g *group)) {
		d := bySubnet[subnet]
		if d == nil {
			return
		}
		g := d.groups[key]
		if g == nil {
			g = &group{key: key, keep: keep[key]}
			fill(g)
			d.groups[key] = g
		}
		g.members++
		d.count++
	}
	for _, res := range reg.Resources {
		key := regionKey(reg, "res:"+res.ID)
		if res.Role != nil {
			key = regionKey(reg, res.Role.ID)
		}
		for _, s := range subnetsOf(res) {
			add(s, key, func(g *group) {
				g.kind, g.role, g.lb = res.Kind, res.Role, res.LoadBalancer
				g.sort = res.Label()
				if res.Role != nil {
					g.sort = res.Role.Name
				}
			})
			if d := bySubnet[s]; d != nil && res.Kind == model.KindVPCEndpoint {
				// (a subnet the snapshot lacks has no box: add drew nothing)
				if g := d.groups[key]; g != nil {
					g.detail = append(g.detail, endpointService(reg, res.ID))
				}
			}
		}
	}
	for _, e := range reg.ENIs {
		if e.Owner.Resource != nil {
			continue
		}
		key := regionKey(reg, "owner:"+string(e.Owner.Kind))
		add(e.SubnetID, key, func(g *group) {
			g.owner = e.Owner.Kind
			g.sort = "~" + string(e.Owner.Kind)
		})
	}
	for _, d := range out {
		for _, g := range d.groups {
			d.sorted = append(d.sorted, g)
		}
		slices.SortFunc(d.sorted, compareGroups)
	}
	return out
}

// compareGroups orders a subnet's groups: those with arrows first, then
// load balancers, then the largest, then by name.
func compareGroups(a, b *group) int {
	if a.keep != b.keep {
		if a.keep {
			return -1
		}
		return 1
	}
	if al, bl := a.kind == model.KindLoadBalancer, b.kind == model.KindLoadBalancer; al != bl {
		if al {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.members, a.members), cmp.Compare(a.sort, b.sort), cmp.Compare(a.key, b.key))
}

// subnetsOf returns the subnets a resource has interfaces in, else the
// subnets its description names.
func subnetsOf(res *model.Resource) []string {
	var out []string
	for _, e := range res.ENIs {
		out = append(out, e.SubnetID)
	}
	if len(out) == 0 {
		out = append(out, res.SubnetIDs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// endpointService is the short service name of an endpoint ("ssm" of
// "com.amazonaws.ap-northeast-1.ssm").
func endpointService(reg *model.Region, id string) string {
	for _, ep := range reg.VPCEndpoints {
		if ep.ID == id {
			return ep.ServiceName[strings.LastIndexByte(ep.ServiceName, '.')+1:]
		}
	}
	return id
}
