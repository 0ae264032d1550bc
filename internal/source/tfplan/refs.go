package tfplan

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// moduleCtx is one module of the configuration section: its resources,
// its calls of child modules, and how its parent called it.
type moduleCtx struct {
	path     string // "" for the root, "app", "app.network" below
	cfg      *tfjson.ConfigModule
	parent   *moduleCtx
	call     *tfjson.ModuleCall // the parent's call of this module
	children map[string]*moduleCtx
	byAddr   map[string]*tfjson.ConfigResource
}

func newModuleCtx(path string, cfg *tfjson.ConfigModule, parent *moduleCtx, call *tfjson.ModuleCall, depth int) *moduleCtx {
	m := &moduleCtx{path: path, cfg: cfg, parent: parent, call: call, children: map[string]*moduleCtx{}, byAddr: map[string]*tfjson.ConfigResource{}}
	if cfg == nil || depth > 100 {
		return m
	}
	for _, r := range cfg.Resources {
		if r != nil {
			m.byAddr[r.Address] = r
		}
	}
	for name, c := range cfg.ModuleCalls {
		if c == nil {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		m.children[name] = newModuleCtx(p, c.Module, m, c, depth+1)
	}
	return m
}

// find is the module at a configuration path ("" for the root).
func (m *moduleCtx) find(path string) *moduleCtx {
	if path == "" {
		return m
	}
	cur := m
	for _, name := range strings.Split(path, ".") {
		if cur = cur.children[name]; cur == nil {
			return nil
		}
	}
	return cur
}

// configPath turns a module instance address (module.app[0].module.net)
// into its configuration path (app.net).
func configPath(module string) string {
	var names []string
	parts := splitAddr(module)
	for i := 0; i+1 < len(parts); i += 2 {
		name := parts[i+1]
		if j := strings.IndexByte(name, '['); j >= 0 {
			name = name[:j]
		}
		names = append(names, name)
	}
	return strings.Join(names, ".")
}

// target is a resource instance an expression refers to, and which of its
// attributes.
type target struct {
	addr string
	attr string
}

// refTargets resolves references (as the configuration section lists
// them: "aws_security_group.web.id", "module.app.sg_id", "var.subnets[0]")
// made in module m to the resource instances they name, following module
// outputs and variables.
func (t *translator) refTargets(m *moduleCtx, refs []string, depth int) []target {
	// Modules passing variables to modules can fan out; a plan gets a
	// bounded number of steps for all its references.
	t.steps++
	if m == nil || depth > 20 || t.steps > maxSteps {
		return nil
	}
	var out []target
	seen := map[string]bool{}
	add := func(ts ...target) {
		for _, x := range ts {
			if !seen[x.addr] {
				seen[x.addr] = true
				out = append(out, x)
			}
		}
	}
	// "aws_subnet.public[0].id" comes with "aws_subnet.public": the bare
	// form names every instance, the indexed one the instance meant.
	indexed := map[string]bool{}
	for _, ref := range refs {
		parts := splitAddr(ref)
		if len(parts) >= 2 && strings.Contains(parts[1], "[") {
			name, _ := splitIndex(parts[1])
			indexed[parts[0]+"."+name] = true
		}
	}
	for _, ref := range refs {
		if indexed[ref] {
			continue
		}
		parts := splitAddr(ref)
		if len(parts) < 2 {
			continue
		}
		name, idx := splitIndex(parts[1])
		switch parts[0] {
		case "var":
			if m.call == nil || m.call.Expressions == nil {
				continue
			}
			e := m.call.Expressions[name]
			if e == nil {
				continue
			}
			ts := t.refTargets(m.parent, e.References, depth+1)
			if n, err := strconv.Atoi(idx); err == nil && idx != "" {
				if n >= 0 && n < len(ts) {
					ts = ts[n : n+1]
				} else {
					ts = nil
				}
			}
			add(ts...)
		case "module":
			child := m.children[name]
			if child == nil || child.cfg == nil || len(parts) < 3 {
				continue
			}
			o := child.cfg.Outputs[parts[2]]
			if o == nil || o.Expression == nil {
				continue
			}
			add(t.refTargets(child, o.Expression.References, depth+1)...)
		case "data", "local", "count", "each", "path", "self", "terraform":
		default:
			attr := "id"
			if len(parts) > 2 {
				attr, _ = splitIndex(parts[2])
			}
			for _, r := range t.byConfig[m.path+"|"+parts[0]+"."+name] {
				if idx == "" || indexString(r.index) == idx {
					add(target{addr: r.addr, attr: attr})
				}
			}
		}
	}
	return out
}

// maxSteps bounds the work of following a plan's references.
const maxSteps = 1 << 20

// splitIndex splits `name[0]` or `name["a"]` into the name and the index
// as written inside the brackets (quotes removed).
func splitIndex(s string) (string, string) {
	i := strings.IndexByte(s, '[')
	if i < 0 || !strings.HasSuffix(s, "]") {
		return s, ""
	}
	return s[:i], strings.Trim(s[i+1:len(s)-1], `"`)
}

// indexString prints a count index or for_each key as written in a
// reference.
func indexString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatInt(int64(x), 10)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// expr is the configuration expression of attr for r, nil when unknown.
func (r *res) expr(attr string) *tfjson.Expression {
	if r.cfg == nil || r.cfg.Expressions == nil {
		return nil
	}
	return r.cfg.Expressions[attr]
}

// blockExpr is the expression of attr inside r's i-th block named block.
// Blocks that the configuration writes as attributes (a route table's
// route) have no nested expressions: their references are the whole
// attribute's.
func (r *res) blockExpr(block string, i, n int, attr string) []string {
	e := r.expr(block)
	if e == nil {
		return nil
	}
	if len(e.NestedBlocks) > 0 {
		j := i
		if len(e.NestedBlocks) != n || j >= len(e.NestedBlocks) {
			j = 0
		}
		if x := e.NestedBlocks[j][attr]; x != nil {
			return x.References
		}
		return nil
	}
	return e.References
}

// wanted keeps the targets whose resource is of one of the types.
func (t *translator) wanted(ts []target, types []string) []target {
	var out []target
	for _, x := range ts {
		if r := t.byAddr[x.addr]; r != nil && (len(types) == 0 || slices.Contains(types, r.typ)) {
			out = append(out, x)
		}
	}
	return out
}

// pick chooses one target for a single-valued attribute: the only one, or
// the one with r's own count index or for_each key (aws_subnet.public
// [count.index]), or the first, noting the guess.
func (t *translator) pick(r *res, attr string, ts []target) (target, bool) {
	switch len(ts) {
	case 0:
		return target{}, false
	case 1:
		return ts[0], true
	}
	for _, x := range ts {
		if o := t.byAddr[x.addr]; o != nil && r.index != nil && indexString(o.index) == indexString(r.index) {
			return x, true
		}
	}
	names := make([]string, len(ts))
	for i, x := range ts {
		names[i] = x.addr
	}
	t.note(r, "%s refers to one of %s; read as %s", attr, strings.Join(names, ", "), ts[0].addr)
	return ts[0], true
}

// idOf is the value of attr of the resource at addr: its planned value
// when known, else the placeholder that names it.
func (t *translator) idOf(x target) string {
	r := t.byAddr[x.addr]
	if r == nil {
		return x.addr
	}
	if s, ok := r.str(x.attr); ok {
		return s
	}
	return placeholder(r, x.attr)
}

// placeholder names a value known only after apply after the resource:
// AWS's ID prefix, which the snapshot source reads a route's target kind
// from, and the resource's address (what a reviewer of the plan knows it
// by) in parentheses, with the attribute when it is not the ID:
// sg-(aws_security_group.web), rtb-(aws_vpc.main.default_route_table_id).
// Values without a prefix (ARNs, names) are the address alone.
func placeholder(r *res, attr string) string {
	name := r.addr
	if attr != "id" && attr != "arn" {
		name += "." + attr
	}
	if p := idPrefix(r.typ, attr); p != "" {
		return p + "(" + name + ")"
	}
	return name
}

// idPrefixes are the ID prefixes of AWS's objects by Terraform type (the
// ID attribute) or type.attribute.
var idPrefixes = map[string]string{
	"aws_vpc": "vpc-", "aws_default_vpc": "vpc-", "aws_subnet": "subnet-", "aws_default_subnet": "subnet-",
	"aws_route_table": "rtb-", "aws_default_route_table": "rtb-", "aws_internet_gateway": "igw-",
	"aws_egress_only_internet_gateway": "eigw-", "aws_nat_gateway": "nat-", "aws_network_acl": "acl-",
	"aws_default_network_acl": "acl-", "aws_security_group": "sg-", "aws_default_security_group": "sg-",
	"aws_network_interface": "eni-", "aws_instance": "i-", "aws_vpc_endpoint": "vpce-", "aws_eip": "eipalloc-",
	"aws_vpn_gateway": "vgw-", "aws_ec2_transit_gateway": "tgw-", "aws_vpc_peering_connection": "pcx-",
	"aws_vpc.default_route_table_id": "rtb-", "aws_vpc.main_route_table_id": "rtb-", "aws_vpc.default_network_acl_id": "acl-",
	"aws_vpc.default_security_group_id": "sg-", "aws_default_vpc.default_route_table_id": "rtb-",
	"aws_default_vpc.main_route_table_id": "rtb-", "aws_default_vpc.default_network_acl_id": "acl-",
	"aws_default_vpc.default_security_group_id": "sg-", "aws_instance.primary_network_interface_id": "eni-",
	"aws_nat_gateway.network_interface_id": "eni-", "aws_eip.allocation_id": "eipalloc-",
}

func idPrefix(typ, attr string) string {
	if attr == "id" {
		return idPrefixes[typ]
	}
	return idPrefixes[typ+"."+attr]
}

// ref1 is a single-valued reference attribute (subnet_id, vpc_id): its
// planned value, else the resource its expression refers to.
func (t *translator) ref1(r *res, attr string, types ...string) string {
	if s, ok := r.str(attr); ok {
		return s
	}
	if !isUnknown(r.unknown, attr) {
		return ""
	}
	var refs []string
	if e := r.expr(attr); e != nil {
		refs = e.References
	}
	return t.resolve1(r, attr, refs, types)
}

func (t *translator) resolve1(r *res, attr string, refs []string, types []string) string {
	if len(refs) == 0 {
		return "" // not configured: computed by the provider, and not a reference
	}
	x, ok := t.pick(r, attr, t.wanted(t.refTargets(r.modCfg, refs, 0), types))
	if !ok {
		// Not followed (a data source, a local, a computed expression):
		// the value exists after apply, so it is a placeholder that the
		// checks and the exposure engine read as an object not in the
		// data (AWS-SEMANTICS.md: assumed open), never an empty value.
		ph := unresolved(r, attr, types)
		t.note(r, "%s is known only after apply and its reference could not be followed to a resource of the plan: read as %s, which is in no data (assumed to exist and to allow what it might)", attr, ph)
		return ph
	}
	return t.idOf(x)
}

// unresolved is the placeholder of a reference that could not be followed:
// the ID prefix of the first type it may name (an internet gateway's for a
// route's gateway_id, so that a route to an unknown gateway counts as a
// route to the internet) and the referring resource's address and attribute:
// igw-(aws_route.out.gateway_id).
func unresolved(r *res, attr string, types []string) string {
	prefix := ""
	if len(types) > 0 {
		prefix = idPrefix(types[0], "id")
	}
	return prefix + "(" + r.addr + "." + attr + ")"
}

// unresolvedRefs lists the references of refs (made in module m) that lead
// to no resource of the given types: data sources, locals, variables fed
// by them. count, each and the like are not references to objects.
func (t *translator) unresolvedRefs(m *moduleCtx, refs []string, types []string) []string {
	var out []string
	for _, ref := range refs {
		head, _, _ := strings.Cut(ref, ".")
		switch head {
		case "count", "each", "path", "terraform", "self":
			continue
		}
		// "module.app" comes with "module.app.web_sg_id", "aws_subnet.a"
		// with "aws_subnet.a.id": the longer one says what is meant.
		if slices.ContainsFunc(refs, func(o string) bool {
			return strings.HasPrefix(o, ref+".") || strings.HasPrefix(o, ref+"[")
		}) {
			continue
		}
		if len(t.wanted(t.refTargets(m, []string{ref}, 0), types)) == 0 {
			out = append(out, ref)
		}
	}
	return out
}

// refN is a list attribute of references (vpc_security_group_ids,
// subnet_ids): the known elements, and the resources its expression refers
// to when some are unknown.
func (t *translator) refN(r *res, attr string, types ...string) []string {
	out := strsOf(r.vals[attr])
	if isUnknown(r.unknown, attr) {
		var refs []string
		if e := r.expr(attr); e != nil {
			refs = e.References
		}
		ts := t.wanted(t.refTargets(r.modCfg, refs, 0), types)
		for _, x := range ts {
			out = append(out, t.idOf(x))
		}
		// An element the references do not explain (a data source's ID,
		// a local) exists after apply: one placeholder stands for it, read
		// as an object not in the data (a security group not in the data
		// is assumed to allow everything).
		if bad := t.unresolvedRefs(r.modCfg, refs, types); len(bad) > 0 || (r.cfg == nil && len(ts) == 0) {
			ph := unresolved(r, attr, types)
			t.note(r, "%s is known only after apply and not every reference could be followed to resources of the plan (%s): an element read as %s, which is in no data (assumed to allow everything)", attr, orUnknown(strings.Join(bad, ", ")), ph)
			out = append(out, ph)
		}
	}
	return uniqueSorted(out)
}

// blockRef1 is a single-valued reference inside r's i-th block (of n).
func (t *translator) blockRef1(r *res, block string, i, n int, b map[string]any, attr string, types ...string) string {
	if s, ok := b[attr].(string); ok && s != "" {
		return s
	}
	if !isUnknown(r.unknown, block, i, attr) {
		return ""
	}
	return t.resolve1(r, block+"."+attr, r.blockExpr(block, i, n, attr), types)
}

// blockRefN is a list of references inside r's i-th block (of n).
func (t *translator) blockRefN(r *res, block string, i, n int, b map[string]any, attr string, types ...string) []string {
	out := strsOf(b[attr])
	if isUnknown(r.unknown, block, i, attr) {
		refs := r.blockExpr(block, i, n, attr)
		for _, x := range t.wanted(t.refTargets(r.modCfg, refs, 0), types) {
			out = append(out, t.idOf(x))
		}
		if bad := t.unresolvedRefs(r.modCfg, refs, types); len(bad) > 0 {
			ph := unresolved(r, block+"."+attr, types)
			t.note(r, "%s.%s is known only after apply and not every reference could be followed (%s): an element read as %s, which is in no data", block, attr, strings.Join(bad, ", "), ph)
			out = append(out, ph)
		}
	}
	return uniqueSorted(out)
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
