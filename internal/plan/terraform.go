package plan

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// WriteTerraform writes the plan's target as Terraform into dir (created
// if absent): versions.tf, variables.tf, network.tf, security_groups.tf,
// placement.tf, imports.tf and a README.md saying how to use them. New
// objects are resources named after their placeholder IDs
// (sg-new-web → aws_security_group.web); what already exists and changes
// is taken over with import blocks (Terraform ≥ 1.5); what the plan cannot
// know (AMIs, certificates, the flow-log bucket) is a variable. The same
// plan and inventory give the same bytes. Terraform and the runbook are two
// ways to the same target: a person uses one of them.
//
// It returns an error, and writes nothing, when the plan refers to a
// placeholder it does not create or uses a method or route target it does
// not know.
func WriteTerraform(p *Plan, inv *model.Inventory, dir string) error {
	files, err := terraformFiles(p, inv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("terraform: %w", err)
	}
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("terraform: %w", err)
		}
	}
	return nil
}

// tfWriter holds the files being written and what every part needs: the
// names handed out so far and, per region, how to refer to each ID.
type tfWriter struct {
	p     *Plan
	names *tfNames

	versions, variables, network, groups, placement, imports *tfFile

	regions []*tfRegion
	// fillIn lists the imported resources whose blocks a person completes,
	// with what to complete (for the README).
	fillIn []tfFillIn
	// vars are the variables declared, in order.
	vars []tfVar
	// stages collects the addresses per apply stage (for the README).
	additive, copies, switches []string
}

// tfFillIn is one imported resource whose block the plan cannot complete.
type tfFillIn struct {
	address, what string
}

// tfVar is a declared variable; required ones have no default.
type tfVar struct {
	name     string
	required bool
}

// tfRegion is one RegionPlan with its model region (nil when the inventory
// lacks it) and the Terraform names of its objects.
type tfRegion struct {
	plan  *RegionPlan
	model *model.Region
	// prefix goes in front of every name when the plan has several
	// regions ("ap_northeast_1_"); provider is then the provider alias.
	prefix   string
	provider string
	// ids maps AWS IDs (placeholders and existing) to references of
	// their ID in the configuration; an ID absent from it is written as a
	// literal.
	ids map[string]tfRef
	// vpcData maps VPC IDs to their data source's name.
	vpcData map[string]string
	// names maps AWS IDs to the Terraform name of their block.
	names             map[string]string
	retired, defaults map[string]bool
	// moveNames (resource → name) and registrations (instance → where it
	// is registered) are built on first use.
	moveNames     map[string]string
	registrations map[string][]tfRegistration
}

// tfRegistration is one place an instance is registered: a target group
// (with the target's port) or a classic load balancer.
type tfRegistration struct {
	group   *model.TargetGroup
	port    int
	classic string
}

// terraformFiles renders every file in memory.
func terraformFiles(p *Plan, inv *model.Inventory) (map[string][]byte, error) {
	w := &tfWriter{
		p:     p,
		names: newTFNames(),
		versions: newTFFile("versions.tf",
			"Written by vpcdoctor plan: the plan's target as Terraform. See README.md."),
		variables: newTFFile("variables.tf",
			"What the plan cannot know. Review every default before applying."),
		network: newTFFile("network.tf",
			"New network plumbing: subnets, route tables, NAT gateways, VPC endpoints, flow logs, Client VPN."),
		groups: newTFFile("security_groups.tf",
			"One security group per role; one resource per rule, each with its reason.",
			"Sources between roles are group references, never addresses."),
		placement: newTFFile("placement.tf",
			"Where each resource goes: new subnet groups, replacements and clones, and",
			"the existing resources whose network configuration changes (imported in imports.tf)."),
		imports: newTFFile("imports.tf",
			"What already exists: data sources for what Terraform only reads, import blocks",
			"for what it takes over (Terraform >= 1.5). Nothing here is created."),
	}
	if err := w.prepare(p, inv); err != nil {
		return nil, err
	}
	w.writeVersions()
	for _, rg := range w.regions {
		w.writeVPCData(rg)
		if err := w.writeNetwork(rg); err != nil {
			return nil, err
		}
		if err := w.writeGroups(rg); err != nil {
			return nil, err
		}
		if err := w.writePlacement(rg); err != nil {
			return nil, err
		}
	}
	out := map[string][]byte{}
	for _, f := range []*tfFile{w.versions, w.variables, w.network, w.groups, w.placement, w.imports} {
		out[f.name] = f.bytes()
	}
	var readme bytes.Buffer
	w.writeReadme(&readme)
	out["README.md"] = readme.Bytes()
	return out, nil
}

// prepare names every object the configuration declares before anything
// is written, so that references resolve whatever the order of the files.
func (w *tfWriter) prepare(p *Plan, inv *model.Inventory) error {
	regionCount := map[string]int{}
	for _, rp := range p.Regions {
		regionCount[rp.Region]++
	}
	for _, rp := range p.Regions {
		rg := &tfRegion{
			plan:     rp,
			model:    findRegion(inv, rp),
			ids:      map[string]tfRef{},
			vpcData:  map[string]string{},
			names:    map[string]string{},
			retired:  setOf(rp.RetiredGroups),
			defaults: setOf(rp.DefaultGroups),
		}
		if len(p.Regions) > 1 {
			key := rp.Region
			if regionCount[rp.Region] > 1 {
				key = rp.Account + "_" + rp.Region
			}
			rg.provider = w.names.claim("provider", "", key, "region")
			rg.prefix = rg.provider + "_"
		}
		w.regions = append(w.regions, rg)
		if err := w.nameRegion(rg); err != nil {
			return err
		}
	}
	return nil
}

// nameRegion hands out the names of one region's blocks and records how
// to refer to each ID.
func (w *tfWriter) nameRegion(rg *tfRegion) error {
	rp := rg.plan
	name := func(kind, id, base, fallback string) string {
		n := w.names.claim(kind, rg.prefix, base, fallback)
		rg.names[id] = n
		return n
	}
	for _, vpcID := range w.vpcIDs(rg) {
		n := name("data.aws_vpc", vpcID, w.vpcName(rg, vpcID), "vpc")
		rg.vpcData[vpcID] = n
		rg.ids[vpcID] = tfPath("data", "aws_vpc", n, "id")
	}
	for _, v := range rp.VPCs {
		for _, id := range v.PublicSubnets {
			base := id
			if s := rg.subnet(id); s != nil && s.Tags.Name() != "" {
				base = s.Tags.Name()
			}
			rg.ids[id] = tfPath("aws_subnet", name("aws_subnet", id, base, "subnet"), "id")
		}
		for _, s := range v.Subnets {
			rg.ids[s.ID] = tfPath("aws_subnet", name("aws_subnet", s.ID, placeholderBase(s.ID), "subnet"), "id")
		}
		for _, t := range v.RouteTables {
			rg.ids[t.ID] = tfPath("aws_route_table", name("aws_route_table", t.ID, placeholderBase(t.ID), "rtb"), "id")
		}
		for _, n := range v.NATGateways {
			nn := name("aws_nat_gateway", n.ID, placeholderBase(n.ID), "nat")
			rg.ids[n.ID] = tfPath("aws_nat_gateway", nn, "id")
			// The Elastic IP carries its NAT gateway's name.
			rg.names[n.AllocationID] = w.names.claim("aws_eip", "", nn, "eip")
			rg.ids[n.AllocationID] = tfPath("aws_eip", rg.names[n.AllocationID], "id")
		}
		for _, e := range v.Endpoints {
			rg.ids[e.ID] = tfPath("aws_vpc_endpoint", name("aws_vpc_endpoint", e.ID, placeholderBase(e.ID), "vpce"), "id")
		}
		for _, t := range v.RouteTables {
			for _, r := range t.Routes {
				if IsPlaceholder(r.Target) || awsPrefix(r.Target) != "nat" {
					continue
				}
				if _, done := rg.ids[r.Target]; !done {
					rg.ids[r.Target] = tfPath("data", "aws_nat_gateway", name("data.aws_nat_gateway", r.Target, r.Target, "nat"), "id")
				}
			}
		}
	}
	for _, g := range rp.Groups {
		rg.ids[g.ID] = tfPath("aws_security_group", name("aws_security_group", g.ID, placeholderBase(g.ID), "sg"), "id")
	}
	for _, id := range w.keptGroups(rg) {
		base := id
		if g := rg.group(id); g != nil {
			base = g.Name
		}
		rg.ids[id] = tfPath("aws_security_group", name("aws_security_group", id, base, "sg"), "id")
	}
	return w.checkPlaceholders(rg)
}

// checkPlaceholders fails when the plan refers to a placeholder it does not
// create: the configuration could not be applied.
func (w *tfWriter) checkPlaceholders(rg *tfRegion) error {
	check := func(what, id string) error {
		if id == "" || !IsPlaceholder(id) {
			return nil
		}
		if _, ok := rg.ids[id]; !ok {
			return fmt.Errorf("terraform: %s/%s: %s refers to %s, which the plan does not create", rg.plan.Account, rg.plan.Region, what, id)
		}
		return nil
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, v := range rg.plan.VPCs {
		for _, s := range v.Subnets {
			add(check("subnet "+s.ID, s.RouteTable))
		}
		for _, t := range v.RouteTables {
			for _, s := range t.Subnets {
				add(check("route table "+t.ID, s))
			}
			for _, r := range t.Routes {
				add(check("route table "+t.ID, r.Target))
			}
		}
		for _, n := range v.NATGateways {
			add(check("NAT gateway "+n.ID, n.Subnet))
		}
		for _, e := range v.Endpoints {
			for _, ids := range [][]string{e.RouteTables, e.Subnets, e.Groups} {
				for _, id := range ids {
					add(check("endpoint "+e.ID, id))
				}
			}
		}
	}
	for _, g := range rg.plan.Groups {
		for _, r := range append(append([]*Rule{}, g.Ingress...), g.Egress...) {
			add(check("a rule of "+g.ID, r.Group))
		}
	}
	for _, m := range rg.plan.Moves {
		for _, ids := range [][]string{m.ToSubnets, m.NewGroups} {
			for _, id := range ids {
				add(check("the move of "+m.Resource, id))
			}
		}
	}
	return errors.Join(errs...)
}

// vpcIDs are the VPCs the region's plan touches, sorted.
func (w *tfWriter) vpcIDs(rg *tfRegion) []string {
	set := map[string]bool{}
	for _, v := range rg.plan.VPCs {
		set[v.VPCID] = true
	}
	for _, g := range rg.plan.Groups {
		if g.VPCID != "" {
			set[g.VPCID] = true
		}
	}
	return sortedKeys(set)
}

// vpcName is a VPC's name for people: the plan's, its Name tag, its ID.
func (w *tfWriter) vpcName(rg *tfRegion, id string) string {
	for _, v := range rg.plan.VPCs {
		if v.VPCID == id && v.Name != "" {
			return v.Name
		}
	}
	if rg.model != nil {
		if v := rg.model.VPC(id); v != nil && v.Tags.Name() != "" {
			return v.Tags.Name()
		}
	}
	return id
}

// keptGroups are the existing groups the new configuration refers to (a
// rule's peer, a resource's new groups) and that the plan keeps: neither
// retired nor a VPC's default group. Those in the inventory are imported.
func (w *tfWriter) keptGroups(rg *tfRegion) []string {
	set := map[string]bool{}
	add := func(id string) {
		if id != "" && !IsPlaceholder(id) && !rg.retired[id] && !rg.defaults[id] && rg.group(id) != nil {
			set[id] = true
		}
	}
	for _, g := range rg.plan.Groups {
		for _, r := range append(append([]*Rule{}, g.Ingress...), g.Egress...) {
			add(r.Group)
		}
	}
	for _, m := range rg.plan.Moves {
		for _, id := range m.NewGroups {
			add(id)
		}
	}
	for _, v := range rg.plan.VPCs {
		for _, e := range v.Endpoints {
			for _, id := range e.Groups {
				add(id)
			}
		}
	}
	return sortedKeys(set)
}

// resource appends a resource block, with the region's provider when there
// are several.
func (w *tfWriter) resource(f *tfFile, rg *tfRegion, comments []string, typ, name string) *hclwrite.Body {
	b := f.block(comments, "resource", typ, name)
	w.setProvider(b, rg)
	return b
}

// data appends a data block.
func (w *tfWriter) data(f *tfFile, rg *tfRegion, comments []string, typ, name string) *hclwrite.Body {
	b := f.block(comments, "data", typ, name)
	w.setProvider(b, rg)
	return b
}

func (w *tfWriter) setProvider(b *hclwrite.Body, rg *tfRegion) {
	if rg.provider != "" {
		setRef(b, "provider", tfPath("aws", rg.provider))
	}
}

// importBlock appends import { to = typ.name  id = "..." } to imports.tf.
func (w *tfWriter) importBlock(rg *tfRegion, comments []string, typ, name, id string) {
	b := w.imports.block(comments, "import")
	setRef(b, "to", tfPath(typ, name))
	setString(b, "id", id)
	w.setProvider(b, rg)
}

// ref returns the reference for an ID: a declared block's, else the ID
// itself as a literal.
func (rg *tfRegion) tfPath(id string) tfRef {
	if r, ok := rg.ids[id]; ok {
		return r
	}
	return lit(id)
}

// refs returns the references of several IDs, in order.
func (rg *tfRegion) refs(ids []string) []tfRef {
	out := make([]tfRef, len(ids))
	for i, id := range ids {
		out[i] = rg.tfPath(id)
	}
	return out
}

// vpcRef refers to a VPC's data source.
func (rg *tfRegion) vpcRef(id string) tfRef { return rg.tfPath(id) }

func (rg *tfRegion) subnet(id string) *model.Subnet {
	if rg.model == nil {
		return nil
	}
	return rg.model.Subnet(id)
}

func (rg *tfRegion) group(id string) *model.SecurityGroup {
	if rg.model == nil {
		return nil
	}
	return rg.model.SecurityGroup(id)
}

func (rg *tfRegion) resourceOf(m *Move) *model.Resource {
	if rg.model == nil {
		return nil
	}
	return rg.model.Resource(model.ResourceKind(m.Kind), m.Resource)
}

// label names an ID for comments: "sg-0123 (oyatsu-common-sg)".
func (rg *tfRegion) groupLabel(id string) string {
	if g := rg.group(id); g != nil {
		return g.Label()
	}
	return id
}

func setOf(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// address is "type.name", for the README's lists.
func address(typ, name string) string { return typ + "." + name }
