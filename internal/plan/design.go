package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// NAT modes (Options.NAT).
const (
	NATPerAZ  = "per-az"
	NATSingle = "single"
)

// Design decides the target network of every region of inv: new subnets,
// route tables, NAT gateways, endpoints and flow logs per VPC, one
// security group per role with rules only for the needed flows, how each
// resource moves (AWS-SEMANTICS.md §8), and the monthly cost. edges are
// the flow-log edges (flows.Edges) of the account, or nil without flow
// logs: the needed flows are then inferred from the wiring. Only VPCs
// that hold resources are planned; regions without such a VPC get no
// RegionPlan. Stages and Proof are left for BuildStages and the proof.
//
// Design reads inv and never changes it; the same input gives the same
// plan. It fails on options it cannot use: an unknown NAT mode, a price
// file it cannot read, a configured flow that names nothing in any region.
func Design(inv *model.Inventory, edges []flows.Edge, opts Options) (*Plan, error) {
	switch opts.NAT {
	case "":
		opts.NAT = NATPerAZ
	case NATPerAZ, NATSingle:
	default:
		return nil, fmt.Errorf("NAT mode %q: want %s or %s", opts.NAT, NATPerAZ, NATSingle)
	}
	if len(edges) > 0 {
		opts.FlowLogs = true
	}
	prices, from, err := loadPrices(opts.Prices)
	if err != nil {
		return nil, err
	}
	p := &Plan{Schema: Schema, Options: opts, Regions: []*RegionPlan{}, Stages: []*Stage{}, Warnings: []string{}}
	var warnings []i18n.Message
	resolved := make([]bool, len(opts.ExtraFlows))
	var designs []*regionDesign
	if inv != nil {
		for _, reg := range inv.Regions() {
			d := newRegionDesign(reg, edges, opts)
			if len(d.vpcs) == 0 {
				continue
			}
			if err := d.design(); err != nil {
				return nil, fmt.Errorf("%s %s: %w", reg.Account, reg.Name, err)
			}
			for i, ok := range d.extraResolved {
				resolved[i] = resolved[i] || ok
			}
			designs = append(designs, d)
			p.Regions = append(p.Regions, d.plan)
			for _, w := range d.warnings {
				warnings = append(warnings, i18n.M("plan.warning.where", reg.Account, reg.Name, w))
			}
		}
	}
	var unresolved []string
	for i, ok := range resolved {
		if !ok {
			f := opts.ExtraFlows[i]
			unresolved = append(unresolved, fmt.Sprintf("%s -> %s %s/%d", f.From, f.To, f.Protocol, f.Port))
		}
	}
	if len(unresolved) > 0 {
		return nil, fmt.Errorf("configured flows name no resource, role or service of the snapshot: %s", strings.Join(unresolved, "; "))
	}
	p.Cost = estimateCost(designs, prices, from)
	p.setWarnings(warnings)
	return p, nil
}

// regionDesign is the work on one region: its planned VPCs, roles,
// needed flows, and the RegionPlan being filled.
type regionDesign struct {
	reg       *model.Region
	opts      Options
	edges     []flows.Edge // this region's, accepted and rejected
	vpcs      []*vpcDesign // the planned VPCs, sorted by ID
	vpcByID   map[string]*vpcDesign
	roleOf    map[*model.Resource]*role
	placement map[*model.Resource]*placement
	plan      *RegionPlan
	warnings  []i18n.Message
	// extraResolved says which of Options.ExtraFlows named something here.
	extraResolved []bool
	// needed are the needed flows with their roles, for the rules;
	// clientVPNFlows the configured flows from the Client VPN.
	needed         *neededSet
	clientVPNFlows []configuredVPN
	// byAddr maps private addresses to their resources (resourceAt).
	byAddr map[netip.Addr]*model.Resource
	// exposures are the region's internet exposures now, computed on
	// first use (internetOpen).
	exposures     []reach.Exposure
	exposuresDone bool
}

// vpcDesign is the work on one planned VPC.
type vpcDesign struct {
	vpc       *model.VPC
	qual      string // "" for the region's first planned VPC, "v2-", "v3-"… after
	plan      *VPCPlan
	resources []*model.Resource // sorted by ID
	roles     []*role           // sorted by key
	// privateSubnet and isolatedSubnet map an AZ to its subnet of that
	// tier: a new one, or an existing one reused.
	privateSubnet  map[string]string
	isolatedSubnet map[string]string
	// newRouteTables are the IDs of the new route tables, sorted.
	newRouteTables []string
	// reusedRouteTables are the existing tables of reused subnets.
	reusedRouteTables []string
	endpointsGroup    *Group
	clientVPNGroup    *Group
	groups            []*Group
	// natPerAZ and natSingle count the NAT gateways each mode would add,
	// for the cost comparison.
	natPerAZ, natSingle int
}

func newRegionDesign(reg *model.Region, edges []flows.Edge, opts Options) *regionDesign {
	d := &regionDesign{
		reg: reg, opts: opts, vpcByID: map[string]*vpcDesign{},
		roleOf: map[*model.Resource]*role{}, placement: map[*model.Resource]*placement{},
		extraResolved: make([]bool, len(opts.ExtraFlows)),
		plan: &RegionPlan{Account: reg.Account, Region: reg.Name, VPCs: []*VPCPlan{}, Groups: []*Group{}, Moves: []*Move{},
			Needed: []*NeededFlow{}, RetiredGroups: []string{}, DefaultGroups: []string{}},
	}
	for _, e := range edges {
		if inRegion(e.Src, reg) || inRegion(e.Dst, reg) {
			d.edges = append(d.edges, e)
		}
	}
	// The planned VPCs: those holding a resource other than NAT gateways
	// and VPC endpoints, which serve the others.
	for _, res := range reg.Resources {
		if res.VPCID == "" || reg.VPC(res.VPCID) == nil {
			continue
		}
		v := d.vpcByID[res.VPCID]
		if v == nil {
			v = &vpcDesign{vpc: reg.VPC(res.VPCID), privateSubnet: map[string]string{}, isolatedSubnet: map[string]string{}}
			d.vpcByID[res.VPCID] = v
		}
		v.resources = append(v.resources, res)
	}
	for id, v := range d.vpcByID {
		served := false
		for _, res := range v.resources {
			if res.Kind != model.KindNATGateway && res.Kind != model.KindVPCEndpoint {
				served = true
			}
		}
		if !served {
			delete(d.vpcByID, id)
			continue
		}
		sort.Slice(v.resources, func(i, j int) bool { return lessResource(v.resources[i], v.resources[j]) })
		d.vpcs = append(d.vpcs, v)
	}
	sort.Slice(d.vpcs, func(i, j int) bool { return d.vpcs[i].vpc.ID < d.vpcs[j].vpc.ID })
	for i, v := range d.vpcs {
		if i > 0 {
			v.qual = fmt.Sprintf("v%d-", i+1)
		}
	}
	return d
}

func inRegion(ep flows.Endpoint, reg *model.Region) bool {
	return ep.Kind == flows.KindResource && ep.Region == reg.Name && ep.Account == reg.Account
}

// design runs the decisions in order: placement, roles, plumbing, groups,
// needed flows, rules, moves, retired groups.
func (d *regionDesign) design() error {
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			d.placement[res] = d.place(res)
		}
	}
	d.buildRoles()
	for _, v := range d.vpcs {
		if err := d.plumb(v); err != nil {
			return err
		}
	}
	for _, v := range d.vpcs {
		d.makeGroups(v)
	}
	d.plan.Needed = d.neededFlows()
	d.writeRules()
	d.plan.Moves = d.moves()
	d.retireGroups()
	for _, v := range d.vpcs {
		d.plan.VPCs = append(d.plan.VPCs, v.plan)
		d.plan.Groups = append(d.plan.Groups, v.groups...)
	}
	sort.Slice(d.plan.Groups, func(i, j int) bool { return d.plan.Groups[i].ID < d.plan.Groups[j].ID })
	return nil
}

// warn records a warning: a catalogue message (area "plan").
func (d *regionDesign) warn(key string, args ...any) {
	d.warnings = append(d.warnings, i18n.M(key, args...))
}

// azSuffix is the short form of an AZ in placeholder IDs: the AZ's name
// without its region's name minus the region's final digit
// ("ap-northeast-1a" in "ap-northeast-1" is "1a").
func azSuffix(region, az string) string {
	prefix := strings.TrimRight(region, "0123456789")
	if s, ok := strings.CutPrefix(az, prefix); ok && s != "" {
		return s
	}
	return az
}

// placeholder is a new object's ID: "<prefix>-new-<qualifier><name>".
func (v *vpcDesign) placeholder(prefix, name string) string {
	return prefix + "-new-" + v.qual + name
}

// newObjectTags are the tags of an object the plan creates: TagPlaceholder
// = its placeholder ID (the runbook finds it again by it), and its Name
// when it has one.
func newObjectTags(placeholder, name string) map[string]string {
	tags := map[string]string{TagPlaceholder: placeholder}
	if name != "" {
		tags["Name"] = name
	}
	return tags
}

// subnetsAZs are the AZs of the subnets ids, sorted, without repeats.
func (d *regionDesign) subnetsAZs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if s := d.reg.Subnet(id); s != nil && s.AZ != "" {
			out = append(out, s.AZ)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// azsOf are the AZs res runs or may be placed in: its configured subnets'
// and its interfaces'.
func (d *regionDesign) azsOf(res *model.Resource) []string {
	out := d.subnetsAZs(res.SubnetIDs)
	for _, e := range res.ENIs {
		if e.AZ != "" {
			out = append(out, e.AZ)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// sortedUnique returns a sorted copy of ss without repeats (never nil).
func sortedUnique(ss []string) []string {
	out := append(make([]string, 0, len(ss)), ss...)
	sort.Strings(out)
	return slices.Compact(out)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
