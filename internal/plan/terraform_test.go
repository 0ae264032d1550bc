package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// tfConfig is a written Terraform folder, parsed: every block by address.
type tfConfig struct {
	dir       string
	text      map[string]string // file name → content
	resources map[string]*hclsyntax.Block
	data      map[string]*hclsyntax.Block
	vars      map[string]bool
	aliases   map[string]bool
	providers int
	imports   []*hclsyntax.Block
}

func exampleInventory(t *testing.T) *model.Inventory { return exampleInventoryB(t) }

func exampleInventoryB(t testing.TB) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load(filepath.Join("..", "..", "examples", "startup-all-public"))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// writeAndParse writes the plan's Terraform and parses every .tf file with
// hclparse; any diagnostic fails the test.
func writeAndParse(t *testing.T, p *Plan, inv *model.Inventory) *tfConfig {
	t.Helper()
	dir := t.TempDir()
	if err := WriteTerraform(p, inv, dir); err != nil {
		t.Fatal(err)
	}
	return parseTF(t, dir)
}

func parseTF(t *testing.T, dir string) *tfConfig {
	t.Helper()
	c := &tfConfig{dir: dir, text: map[string]string{}, resources: map[string]*hclsyntax.Block{},
		data: map[string]*hclsyntax.Block{}, vars: map[string]bool{}, aliases: map[string]bool{}}
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	if len(files) != 6 {
		t.Fatalf("%d .tf files, want 6: %v", len(files), files)
	}
	parser := hclparse.NewParser()
	for _, path := range files {
		f, diags := parser.ParseHCLFile(path)
		if diags.HasErrors() || len(diags) > 0 {
			t.Fatalf("%s: %s", path, diags.Error())
		}
		raw, _ := os.ReadFile(path)
		c.text[filepath.Base(path)] = string(raw)
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			switch b.Type {
			case "resource":
				addr := b.Labels[0] + "." + b.Labels[1]
				if c.resources[addr] != nil {
					t.Errorf("resource %s declared twice", addr)
				}
				c.resources[addr] = b
			case "data":
				c.data["data."+b.Labels[0]+"."+b.Labels[1]] = b
			case "variable":
				c.vars[b.Labels[0]] = true
			case "provider":
				c.providers++
				if a := b.Body.Attributes["alias"]; a != nil {
					c.aliases[evalString(t, a.Expr)] = true
				}
			case "import":
				c.imports = append(c.imports, b)
			case "terraform":
			default:
				t.Errorf("%s: unexpected block %s", path, b.Type)
			}
		}
	}
	return c
}

func evalString(t *testing.T, e hclsyntax.Expression) string {
	t.Helper()
	v, diags := e.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String {
		t.Fatalf("expression at %s is not a literal string", e.Range())
	}
	return v.AsString()
}

// attr returns a block's attribute, "" when absent: a literal's value, or
// a reference's text ("aws_subnet.private_1a.id").
func attr(t *testing.T, b *hclsyntax.Block, name string) string {
	t.Helper()
	a := b.Body.Attributes[name]
	if a == nil {
		return ""
	}
	if trav, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() {
		return traversalText(trav)
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", a.Expr.Range(), diags.Error())
	}
	switch v.Type() {
	case cty.String:
		return v.AsString()
	case cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	case cty.Number:
		return v.AsBigFloat().String()
	}
	t.Fatalf("%s: not a scalar", a.Expr.Range())
	return ""
}

// list returns a list attribute's elements as attr does.
func list(t *testing.T, b *hclsyntax.Body, name string) []string {
	t.Helper()
	a := b.Attributes[name]
	if a == nil {
		return nil
	}
	tuple, ok := a.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		t.Fatalf("%s: %s is not a list", a.Expr.Range(), name)
	}
	var out []string
	for _, e := range tuple.Exprs {
		if trav, diags := hcl.AbsTraversalForExpr(e); !diags.HasErrors() {
			out = append(out, traversalText(trav))
			continue
		}
		out = append(out, evalString(t, e))
	}
	return out
}

// tags evaluates a block's tags.
func tags(t *testing.T, b *hclsyntax.Block) map[string]string {
	t.Helper()
	a := b.Body.Attributes["tags"]
	if a == nil {
		return nil
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	out := map[string]string{}
	for k, val := range v.AsValueMap() {
		out[k] = val.AsString()
	}
	return out
}

func traversalText(tr hcl.Traversal) string {
	parts := []string{tr.RootName()}
	for _, s := range tr[1:] {
		if a, ok := s.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}

// byPlaceholder maps placeholder IDs to the address of the resource tagged
// with them.
func (c *tfConfig) byPlaceholder(t *testing.T) map[string]string {
	out := map[string]string{}
	for addr, b := range c.resources {
		if id := tags(t, b)[TagPlaceholder]; id != "" {
			if prev := out[id]; prev != "" && !strings.HasPrefix(addr, "aws_eip.") && !strings.HasPrefix(prev, "aws_eip.") {
				t.Errorf("placeholder %s tags both %s and %s", id, prev, addr)
			}
			out[id] = addr
		}
	}
	return out
}

// importIDs maps import IDs to their `to` address.
func (c *tfConfig) importIDs(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, b := range c.imports {
		to, diags := hcl.AbsTraversalForExpr(b.Body.Attributes["to"].Expr)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		out[evalString(t, b.Body.Attributes["id"].Expr)] = traversalText(to)
	}
	return out
}

// TestTerraformReferencesResolve: every reference in every expression
// names a declared resource, data source, variable or provider alias, and
// every import block's `to` is a declared resource.
func TestTerraformReferencesResolve(t *testing.T) {
	for name, p := range terraformPlans(t) {
		t.Run(name, func(t *testing.T) {
			c := writeAndParse(t, p, exampleInventory(t))
			checkReferences(t, c)
		})
	}
}

// terraformPlans are the hand-made fixture and Design's own plans of the
// bundled example (with its flow logs and without), so that the
// Terraform is proved complete for every decision Design really makes.
func terraformPlans(t *testing.T) map[string]*Plan {
	withFlows, _ := designedExample(t, true)
	without, _ := designedExample(t, false)
	return map[string]*Plan{"fixture": terraformFixturePlan(), "designed with flow logs": withFlows, "designed without flow logs": without}
}

func checkReferences(t *testing.T, c *tfConfig) {
	t.Helper()
	var walk func(where string, body *hclsyntax.Body)
	walk = func(where string, body *hclsyntax.Body) {
		for name, a := range body.Attributes {
			for _, tr := range a.Expr.Variables() {
				root := tr.RootName()
				text := traversalText(tr)
				parts := strings.Split(text, ".")
				var ok bool
				switch {
				case root == "var":
					ok = len(parts) >= 2 && c.vars[parts[1]]
				case root == "data":
					ok = len(parts) >= 3 && c.data[strings.Join(parts[:3], ".")] != nil
				case root == "aws" && name == "provider":
					ok = len(parts) == 2 && c.aliases[parts[1]]
				default:
					ok = len(parts) >= 2 && c.resources[parts[0]+"."+parts[1]] != nil
				}
				if !ok {
					t.Errorf("%s: %s = %s refers to nothing declared", where, name, text)
				}
			}
		}
		for _, b := range body.Blocks {
			walk(where+"/"+b.Type, b.Body)
		}
	}
	for addr, b := range c.resources {
		walk(addr, b.Body)
	}
	for addr, b := range c.data {
		walk(addr, b.Body)
	}
	for _, b := range c.imports {
		walk("import", b.Body)
	}
	if len(c.imports) == 0 {
		t.Error("no import blocks")
	}
}

// TestTerraformCoversEveryDecision: every subnet, route table (and its
// routes and associations), NAT gateway, endpoint, flow log, group and
// rule of the plan has its resource, and every move its change.
func TestTerraformCoversEveryDecision(t *testing.T) {
	for name, p := range terraformPlans(t) {
		t.Run(name, func(t *testing.T) {
			inv := exampleInventory(t)
			c := writeAndParse(t, p, inv)
			ph := c.byPlaceholder(t)
			rp := p.Regions[0]
			want := func(id, typ string) string {
				t.Helper()
				addr := ph[id]
				if !strings.HasPrefix(addr, typ+".") {
					t.Errorf("%s: want a %s tagged with it, got %q", id, typ, addr)
				}
				return addr
			}
			for _, v := range rp.VPCs {
				for _, s := range v.Subnets {
					addr := want(s.ID, "aws_subnet")
					if b := c.resources[addr]; b != nil {
						if got := attr(t, b, "cidr_block"); got != s.CIDR {
							t.Errorf("%s: cidr_block %s, want %s", addr, got, s.CIDR)
						}
						if got := attr(t, b, "map_public_ip_on_launch"); got != "false" {
							t.Errorf("%s: map_public_ip_on_launch %s", addr, got)
						}
					}
				}
				for _, rt := range v.RouteTables {
					rtAddr := want(rt.ID, "aws_route_table")
					for _, r := range rt.Routes {
						if r.Target == "local" {
							continue
						}
						found := false
						for addr, b := range c.resources {
							if strings.HasPrefix(addr, "aws_route.") && attr(t, b, "route_table_id") == rtAddr+".id" &&
								attr(t, b, "destination_cidr_block") == r.Destination && attr(t, b, "nat_gateway_id") == ph[r.Target]+".id" {
								found = true
							}
						}
						if !found {
							t.Errorf("%s: no aws_route %s → %s", rt.ID, r.Destination, r.Target)
						}
					}
					for _, s := range rt.Subnets {
						found := false
						for addr, b := range c.resources {
							if strings.HasPrefix(addr, "aws_route_table_association.") && attr(t, b, "route_table_id") == rtAddr+".id" &&
								attr(t, b, "subnet_id") == ph[s]+".id" {
								found = true
							}
						}
						if !found {
							t.Errorf("%s: %s is not associated", rt.ID, s)
						}
					}
				}
				for _, n := range v.NATGateways {
					addr := want(n.ID, "aws_nat_gateway")
					if b := c.resources[addr]; b != nil {
						if got := attr(t, b, "subnet_id"); got != c.importIDs(t)[n.Subnet]+".id" {
							t.Errorf("%s: subnet_id %s, want the imported %s", addr, got, n.Subnet)
						}
						if got := attr(t, b, "allocation_id"); got != ph[n.AllocationID]+".id" || !strings.HasPrefix(got, "aws_eip.") {
							t.Errorf("%s: allocation_id %s", addr, got)
						}
					}
				}
				for _, e := range v.Endpoints {
					addr := want(e.ID, "aws_vpc_endpoint")
					if b := c.resources[addr]; b != nil && attr(t, b, "service_name") != e.Service {
						t.Errorf("%s: service_name %s", addr, attr(t, b, "service_name"))
					}
				}
				if v.FlowLog != nil {
					addr := want(v.FlowLog.ID, "aws_flow_log")
					if b := c.resources[addr]; b != nil {
						// The format's ${...} must survive as text, not become
						// template interpolations.
						if got := attr(t, b, "log_format"); got != v.FlowLog.Format {
							t.Errorf("%s: log_format %q, want %q", addr, got, v.FlowLog.Format)
						}
						if !strings.HasPrefix(attr(t, b, "log_destination"), "var.") {
							t.Errorf("%s: the bucket is not a variable", addr)
						}
					}
				}
				for _, id := range v.PublicSubnets {
					addr := c.importIDs(t)[id]
					if b := c.resources[addr]; b == nil || attr(t, b, "map_public_ip_on_launch") != "false" {
						t.Errorf("kept public subnet %s: not imported (%q) with map_public_ip_on_launch = false", id, addr)
					}
				}
			}
			checkRules(t, c, rp, ph)
			checkMoves(t, c, rp, ph)
			for _, id := range rp.DefaultGroups {
				addr := c.importIDs(t)[id]
				b := c.resources[addr]
				if !strings.HasPrefix(addr, "aws_default_security_group.") || b == nil {
					t.Errorf("default group %s: not imported as aws_default_security_group (%q)", id, addr)
				} else if len(b.Body.Blocks) > 0 {
					t.Errorf("%s keeps rule blocks", addr)
				}
			}
			for _, id := range rp.RetiredGroups {
				if !strings.Contains(c.text["security_groups.tf"], "--group-id "+id) {
					t.Errorf("retired group %s is not named in security_groups.tf", id)
				}
				if _, imported := c.importIDs(t)[id]; imported {
					t.Errorf("retired group %s is imported", id)
				}
			}
		})
	}
}

// ruleKey describes a rule: group address, direction, protocol, ports,
// peer (a group address or a CIDR), so plan and Terraform compare.
func ruleKey(group, dir, proto, from, to, peer string) string {
	return strings.Join([]string{group, dir, proto, from, to, peer}, " ")
}

func checkRules(t *testing.T, c *tfConfig, rp *RegionPlan, ph map[string]string) {
	t.Helper()
	var want, got []string
	for _, g := range rp.Groups {
		gAddr := ph[g.ID]
		if !strings.HasPrefix(gAddr, "aws_security_group.") {
			t.Errorf("group %s: no aws_security_group (%q)", g.ID, gAddr)
			continue
		}
		if b := c.resources[gAddr]; len(b.Body.Blocks) > 0 || b.Body.Attributes["ingress"] != nil || b.Body.Attributes["egress"] != nil {
			t.Errorf("%s has inline rules", gAddr)
		}
		for dir, rules := range map[string][]*Rule{"ingress": g.Ingress, "egress": g.Egress} {
			for _, r := range rules {
				peer := r.CIDR
				if r.Group != "" {
					peer = ph[r.Group] + ".id"
				}
				from, to := itoa(r.FromPort), itoa(r.ToPort)
				if r.Protocol == "-1" {
					from, to = "", "" // all traffic: Terraform takes no ports
				}
				want = append(want, ruleKey(gAddr+".id", dir, r.Protocol, from, to, peer))
			}
		}
	}
	for addr, b := range c.resources {
		dir := ""
		switch {
		case strings.HasPrefix(addr, "aws_vpc_security_group_ingress_rule."):
			dir = "ingress"
		case strings.HasPrefix(addr, "aws_vpc_security_group_egress_rule."):
			dir = "egress"
		default:
			continue
		}
		if attr(t, b, "description") == "" {
			t.Errorf("%s has no description", addr)
		}
		peer := attr(t, b, "cidr_ipv4") + attr(t, b, "cidr_ipv6") + attr(t, b, "referenced_security_group_id") + attr(t, b, "prefix_list_id")
		got = append(got, ruleKey(attr(t, b, "security_group_id"), dir, attr(t, b, "ip_protocol"), attr(t, b, "from_port"), attr(t, b, "to_port"), peer))
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(want, got) {
		t.Errorf("rules differ from the plan's:\nwant %s\n got %s", strings.Join(want, "\n     "), strings.Join(got, "\n     "))
	}
}

func checkMoves(t *testing.T, c *tfConfig, rp *RegionPlan, ph map[string]string) {
	t.Helper()
	imports := c.importIDs(t)
	replacements := map[string]*hclsyntax.Block{}
	for _, b := range c.resources {
		if id := tags(t, b)["vpcdoctor:replaces"]; id != "" {
			replacements[id] = b
		}
	}
	for _, m := range rp.Moves {
		switch m.Method {
		case MoveReplaceInstance:
			b := replacements[m.Resource]
			if b == nil || b.Labels[0] != "aws_instance" {
				t.Errorf("%s: no replacement aws_instance", m.Resource)
				continue
			}
			if got := attr(t, b, "subnet_id"); got != ph[m.ToSubnets[0]]+".id" {
				t.Errorf("%s: replacement in %s, want %s", m.Resource, got, m.ToSubnets[0])
			}
			if attr(t, b, "associate_public_ip_address") != "false" || attr(t, b, "key_name") != "" {
				t.Errorf("%s: the replacement has a public address or a key pair", m.Resource)
			}
			if md := b.Body.Blocks; len(md) != 1 || md[0].Type != "metadata_options" || attr(t, &hclsyntax.Block{Body: md[0].Body}, "http_tokens") != "required" {
				t.Errorf("%s: the replacement does not require IMDSv2", m.Resource)
			}
			if !strings.HasPrefix(attr(t, b, "ami"), "var.") || !strings.HasPrefix(attr(t, b, "iam_instance_profile"), "var.") {
				t.Errorf("%s: AMI and instance profile must be variables", m.Resource)
			}
			checkGroups(t, m, list(t, b.Body, "vpc_security_group_ids"), ph)
		case MoveLambdaConfig:
			addr := imports[m.Resource]
			if b := c.resources[addr]; b == nil || b.Labels[0] != "aws_lambda_function" {
				t.Errorf("%s: not imported as aws_lambda_function (%q)", m.Resource, addr)
			} else {
				checkSubnetsAndGroups(t, m, b, "vpc_config", "subnet_ids", "security_group_ids", ph)
			}
		case MoveECSConfig:
			addr := imports["oyatsu-cluster/oyatsu-api"]
			if b := c.resources[addr]; b == nil || b.Labels[0] != "aws_ecs_service" {
				t.Errorf("%s: not imported as aws_ecs_service (%q)", m.Resource, addr)
			} else {
				checkSubnetsAndGroups(t, m, b, "network_configuration", "subnets", "security_groups", ph)
			}
		case MoveAuroraClone:
			b := replacements["oyatsu-aurora"]
			if b == nil || b.Labels[0] != "aws_rds_cluster" {
				t.Errorf("%s: no clone of its cluster", m.Resource)
				continue
			}
			if got := attr(t, b, "db_subnet_group_name"); !strings.HasPrefix(got, "aws_db_subnet_group.") {
				t.Errorf("%s: clone in subnet group %s", m.Resource, got)
			}
			if len(b.Body.Blocks) != 1 || attr(t, &hclsyntax.Block{Body: b.Body.Blocks[0].Body}, "restore_type") != "copy-on-write" {
				t.Errorf("%s: the clone is not a copy-on-write restore", m.Resource)
			}
			checkGroups(t, m, list(t, b.Body, "vpc_security_group_ids"), ph)
			found := false
			for _, ib := range c.resources {
				if ib.Labels[0] == "aws_rds_cluster_instance" && attr(t, ib, "identifier") == m.Resource+"-private" {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no instance in the clone takes its place", m.Resource)
			}
		case MoveCacheSnapshot:
			b := replacements["oyatsu-redis"]
			if b == nil || b.Labels[0] != "aws_elasticache_replication_group" || !strings.HasPrefix(attr(t, b, "snapshot_name"), "var.") {
				t.Errorf("%s: no replication group restored from a snapshot variable", m.Resource)
				continue
			}
			checkGroups(t, m, list(t, b.Body, "security_group_ids"), ph)
		case MoveStay:
			addr := imports["arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/oyatsu-web-alb/7d3f2c1b9e8a4f60"]
			if b := c.resources[addr]; b == nil || b.Labels[0] != "aws_lb" {
				t.Errorf("%s: not imported as aws_lb (%q)", m.Resource, addr)
			} else {
				checkGroups(t, m, list(t, b.Body, "security_groups"), ph)
			}
		default:
			t.Errorf("fixture move %s: no expectation for %s", m.Resource, m.Method)
		}
	}
}

func checkSubnetsAndGroups(t *testing.T, m *Move, b *hclsyntax.Block, block, subnets, groups string, ph map[string]string) {
	t.Helper()
	for _, nb := range b.Body.Blocks {
		if nb.Type != block {
			continue
		}
		var want []string
		for _, s := range m.ToSubnets {
			want = append(want, ph[s]+".id")
		}
		if got := list(t, nb.Body, subnets); !slices.Equal(got, want) {
			t.Errorf("%s: %s %v, want %v", m.Resource, subnets, got, want)
		}
		checkGroups(t, m, list(t, nb.Body, groups), ph)
		return
	}
	t.Errorf("%s: no %s block", m.Resource, block)
}

func checkGroups(t *testing.T, m *Move, got []string, ph map[string]string) {
	t.Helper()
	var want []string
	for _, g := range m.NewGroups {
		want = append(want, ph[g]+".id")
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: groups %v, want %v", m.Resource, got, want)
	}
}

// TestTerraformInternetOnlyOnListeners: no ingress rule is open to the
// whole internet except on an internet-facing load balancer's group, on
// one of its listener ports (AWS-SEMANTICS.md §8: tightening must leave
// the listeners reachable and nothing else).
func TestTerraformInternetOnlyOnListeners(t *testing.T) {
	p := terraformFixturePlan()
	inv := exampleInventory(t)
	c := writeAndParse(t, p, inv)
	ph := c.byPlaceholder(t)
	listeners := map[string]map[string]bool{} // group address → ports
	region := inv.Regions()[0]
	for _, g := range p.Regions[0].Groups {
		for _, id := range g.Members {
			res := region.Resource(model.KindLoadBalancer, id)
			if res == nil || !res.IsInternetFacingLoadBalancer() {
				continue
			}
			ports := map[string]bool{}
			for _, l := range res.LoadBalancer.Listeners {
				ports[itoa(l.Port)] = true
			}
			listeners[ph[g.ID]+".id"] = ports
		}
	}
	if len(listeners) == 0 {
		t.Fatal("the fixture has no internet-facing load balancer's group")
	}
	open := 0
	for addr, b := range c.resources {
		if b.Labels[0] != "aws_vpc_security_group_ingress_rule" {
			continue
		}
		cidr := attr(t, b, "cidr_ipv4") + attr(t, b, "cidr_ipv6")
		if cidr != "0.0.0.0/0" && cidr != "::/0" {
			continue
		}
		open++
		ports := listeners[attr(t, b, "security_group_id")]
		if ports == nil || attr(t, b, "from_port") != attr(t, b, "to_port") || !ports[attr(t, b, "from_port")] {
			t.Errorf("%s: open to %s on %s-%s, not a listener port of an internet-facing load balancer", addr, cidr, attr(t, b, "from_port"), attr(t, b, "to_port"))
		}
	}
	if open == 0 {
		t.Error("no rule lets the internet reach the load balancer's listeners")
	}
}

// TestTerraformIsDeterministic: the same plan gives the same bytes, file
// by file, on a second write.
func TestTerraformIsDeterministic(t *testing.T) {
	inv := exampleInventory(t)
	a, b := t.TempDir(), t.TempDir()
	if err := WriteTerraform(terraformFixturePlan(), inv, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteTerraform(terraformFixturePlan(), inv, b); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(a)
	if len(entries) != 7 {
		t.Errorf("%d files, want 7 (6 .tf and README.md)", len(entries))
	}
	for _, e := range entries {
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs on a second write", e.Name())
		}
	}
}

// TestTerraformFmt runs terraform fmt -check when Terraform is installed.
func TestTerraformFmt(t *testing.T) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not installed: skipping terraform fmt -check")
	}
	dir := t.TempDir()
	if err := WriteTerraform(terraformFixturePlan(), exampleInventory(t), dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "fmt", "-check", "-diff", dir)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
}

// TestTerraformSeveralRegions: with two regions every block names its
// region's provider, names stay unique, and references still resolve.
// The second region is missing from the inventory: the writer still
// writes what the plan knows.
func TestTerraformSeveralRegions(t *testing.T) {
	p := terraformFixturePlan()
	second := terraformFixturePlan().Regions[0]
	second.Region = "ap-northeast-3"
	p.Regions = append(p.Regions, second)
	c := writeAndParse(t, p, exampleInventory(t))
	checkReferences(t, c)
	if c.providers != 2 || len(c.aliases) != 2 {
		t.Errorf("%d providers with aliases %v, want 2 aliased", c.providers, c.aliases)
	}
	for addr, b := range c.resources {
		if b.Body.Attributes["provider"] == nil {
			t.Errorf("%s has no provider", addr)
			continue
		}
		// Names say their region: aws.ap_northeast_3 → ap_northeast_3_….
		alias := strings.TrimPrefix(attr(t, b, "provider"), "aws.")
		if !strings.HasPrefix(b.Labels[1], alias+"_") {
			t.Errorf("%s (provider %s): the name does not start with the region's", addr, alias)
		}
	}
	for _, b := range c.imports {
		if b.Body.Attributes["provider"] == nil {
			t.Errorf("import of %s has no provider", attr(t, b, "id"))
		}
	}
	// Each region's groups exist once per region.
	count := 0
	for addr := range c.resources {
		if strings.HasPrefix(addr, "aws_security_group.") && strings.HasSuffix(addr, "_web") {
			count++
		}
	}
	if count != 2 {
		t.Errorf("%d web groups, want one per region", count)
	}
}

// TestTerraformRejectsInconsistentPlans: a placeholder the plan does not
// create, an unknown move method or route target, and a rule without a
// single peer are errors naming the culprit, and nothing is written.
func TestTerraformRejectsInconsistentPlans(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(p *Plan)
		want   string
	}{
		{"rule refers to an undeclared group", func(p *Plan) {
			p.Regions[0].Groups[0].Egress[1].Group = "sg-new-ghost"
		}, "sg-new-ghost"},
		{"move to an undeclared subnet", func(p *Plan) {
			p.Regions[0].Moves[0].ToSubnets = []string{"subnet-new-private-9z"}
		}, "subnet-new-private-9z"},
		{"unknown method", func(p *Plan) {
			p.Regions[0].Moves[0].Method = "teleport"
		}, "teleport"},
		{"unknown route target", func(p *Plan) {
			p.Regions[0].VPCs[0].RouteTables[1].Routes[1].Target = "xyz-123"
		}, "xyz-123"},
		{"rule with two peers", func(p *Plan) {
			p.Regions[0].Groups[0].Egress[0].Group = "sg-new-web"
		}, "exactly one"},
		{"bad secondary CIDR", func(p *Plan) {
			p.Regions[0].VPCs[0].SecondaryCIDR = "10.300.0.0/16"
		}, "10.300.0.0/16"},
	}
	inv := exampleInventory(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := terraformFixturePlan()
			tc.break_(p)
			dir := filepath.Join(t.TempDir(), "terraform")
			err := WriteTerraform(p, inv, dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %q", err, tc.want)
			}
			if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
				t.Error("files were written despite the error")
			}
		})
	}
}

// TestTerraformSecondaryCIDR: subnets in a secondary block take their VPC
// ID from the block's association, so Terraform creates them after it.
func TestTerraformSecondaryCIDR(t *testing.T) {
	p := terraformFixturePlan()
	v := p.Regions[0].VPCs[0]
	v.SecondaryCIDR = "10.1.0.0/16"
	v.Subnets[0].CIDR = "10.1.0.0/24"
	c := writeAndParse(t, p, exampleInventory(t))
	checkReferences(t, c)
	ph := c.byPlaceholder(t)
	got := attr(t, c.resources[ph[v.Subnets[0].ID]], "vpc_id")
	if !strings.HasPrefix(got, "aws_vpc_ipv4_cidr_block_association.") {
		t.Errorf("subnet in the secondary block: vpc_id = %s", got)
	}
	if got := attr(t, c.resources[ph[v.Subnets[1].ID]], "vpc_id"); !strings.HasPrefix(got, "data.aws_vpc.") {
		t.Errorf("subnet in the primary block: vpc_id = %s", got)
	}
}

func TestTFIdent(t *testing.T) {
	for in, want := range map[string]string{
		"public-1a":     "public_1a",
		"10.0.0.0/16":   "10_0_0_0_16",
		"--Oyatsu  VPC": "oyatsu_vpc",
		"日本":            "",
	} {
		if got := tfIdent(in); got != want {
			t.Errorf("tfIdent(%q) = %q, want %q", in, got, want)
		}
	}
	n := newTFNames()
	for _, tc := range []struct{ base, fallback, want string }{
		{"1a", "nat", "nat_1a"},
		{"web", "sg", "web"},
		{"web", "sg", "web_2"},
		{"", "sg", "sg"},
	} {
		if got := n.claim("aws_x", "", tc.base, tc.fallback); got != tc.want {
			t.Errorf("claim(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}

func TestAWSDescription(t *testing.T) {
	for in, want := range map[string]string{
		"to the web target group → port 80": "to the web target group to port 80",
		"payment provider's callbacks":      "payment providers callbacks",
		"  ":                                "fallback",
		"MySQL <from> web":                  "MySQL from web",
	} {
		if got := awsDescription(in, "fallback"); got != want {
			t.Errorf("awsDescription(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTerraformValidate runs terraform init and terraform validate with the
// AWS provider from a local mirror (VPCDOCTOR_TF_PROVIDER_MIRROR, else
// /opt/tf-plugins; made with terraform providers mirror), when Terraform
// and the mirror are there. Every error must be in a resource the README
// asks a person to complete (an imported resource whose configuration the
// snapshot does not hold); nothing else may be wrong, not even a warning.
func TestTerraformValidate(t *testing.T) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not installed: skipping terraform validate")
	}
	mirror := os.Getenv("VPCDOCTOR_TF_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Skipf("no AWS provider in a mirror at %s (set VPCDOCTOR_TF_PROVIDER_MIRROR): skipping terraform validate", mirror)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	cfg := "provider_installation {\n  filesystem_mirror {\n    path = " + strconv.Quote(mirror) + "\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	twoRegions := terraformFixturePlan()
	second := terraformFixturePlan().Regions[0]
	second.Region = "ap-northeast-3"
	twoRegions.Regions = append(twoRegions.Regions, second)
	for name, p := range map[string]*Plan{"one region": terraformFixturePlan(), "two regions": twoRegions, "other moves": otherMovesPlan()} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteTerraform(p, exampleInventory(t), dir); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) []byte {
				cmd := exec.Command(bin, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
				out, _ := cmd.Output()
				return out
			}
			run("init", "-backend=false", "-input=false", "-no-color")
			var result struct {
				Diagnostics []struct {
					Severity, Summary, Detail string
					Snippet                   struct{ Context string }
				}
			}
			out := run("validate", "-json", "-no-color")
			if err := json.Unmarshal(out, &result); err != nil {
				t.Fatalf("terraform validate -json: %v\n%s", err, out)
			}
			readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
			for _, d := range result.Diagnostics {
				fillIn := false
				if f := strings.Fields(strings.ReplaceAll(d.Snippet.Context, `"`, "")); len(f) == 3 && f[0] == "resource" {
					fillIn = bytes.Contains(readme, []byte("- `"+f[1]+"."+f[2]+"`:"))
				}
				if d.Severity != "error" || !fillIn {
					t.Errorf("terraform validate: %s: %s (%s) %s", d.Severity, d.Summary, d.Snippet.Context, d.Detail)
				}
			}
		})
	}
}

// otherMovesPlan changes the fixture to use the moves and groups it does
// not: resources that stay with new groups (an instance, Aurora, a Redis
// replication group), a kept existing group, a read replica, an interface
// endpoint and an internal load balancer moved to private subnets (the
// last three unknown to the inventory).
func otherMovesPlan() *Plan {
	p := terraformFixturePlan()
	rp := p.Regions[0]
	private := []string{"subnet-new-private-1a", "subnet-new-private-1c"}
	for _, m := range rp.Moves {
		switch m.Resource {
		case "i-0a1b2c3d4e5f60303", "oyatsu-aurora-instance-1", "oyatsu-aurora-instance-2", "oyatsu-redis-001":
			m.Method, m.ToSubnets, m.SubnetGroup = MoveStay, m.FromSubnets, ""
		}
	}
	// The ops group is kept, and the web servers accept 8443 from it.
	rp.RetiredGroups = []string{fxSGALB, fxSGCommon}
	for _, g := range rp.Groups {
		if g.ID == "sg-new-web" {
			g.Ingress = append(g.Ingress, fxRule("tcp", 8443, fxSGSSH, "", "config", "admin console from ops"))
		}
	}
	rp.Moves = append(rp.Moves,
		&Move{Resource: "legacy-mysql", Kind: "rds-db-instance", Role: "rds-db-instance/self:legacy-mysql", Method: MoveRDSReplica,
			FromSubnets: []string{tfPublic1a, tfPublic1c}, ToSubnets: []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c"},
			NewGroups: []string{"sg-new-oyatsu-aurora"}, SubnetGroup: "legacy-mysql-private", Reason: "publicly accessible"},
		&Move{Resource: "vpce-0a1b2c3d4e5f69999", Kind: "vpc-endpoint", Method: MoveEndpointSubnets,
			FromSubnets: []string{tfPublic1a}, ToSubnets: private, NewGroups: []string{"sg-new-endpoints"}, Reason: "in a public subnet"},
		&Move{Resource: "internal-api", Kind: "load-balancer", Name: "internal-api", Method: MoveLBSubnets,
			FromSubnets: []string{tfPublic1a, tfPublic1c}, ToSubnets: private, NewGroups: []string{"sg-new-oyatsu-api"}, Reason: "internal load balancer in public subnets"},
	)
	return p
}

// TestTerraformOtherMoves: every other kind of move becomes an import of
// the resource (stays, subnet changes) or a copy (read replica), and a kept
// existing group is imported rather than retired.
func TestTerraformOtherMoves(t *testing.T) {
	p := otherMovesPlan()
	c := writeAndParse(t, p, exampleInventory(t))
	checkReferences(t, c)
	imports := c.importIDs(t)
	for id, typ := range map[string]string{
		"i-0a1b2c3d4e5f60303":    "aws_instance",
		"oyatsu-aurora":          "aws_rds_cluster",
		"oyatsu-redis":           "aws_elasticache_replication_group",
		"vpce-0a1b2c3d4e5f69999": "aws_vpc_endpoint",
		"internal-api":           "aws_lb",
		fxSGSSH:                  "aws_security_group",
	} {
		if !strings.HasPrefix(imports[id], typ+".") {
			t.Errorf("%s: imported as %q, want a %s", id, imports[id], typ)
		}
	}
	ph := c.byPlaceholder(t)
	replica := false
	for addr, b := range c.resources {
		if b.Labels[0] == "aws_vpc_security_group_ingress_rule" && attr(t, b, "from_port") == "8443" {
			if got := attr(t, b, "referenced_security_group_id"); got != imports[fxSGSSH]+".id" || attr(t, b, "security_group_id") != ph["sg-new-web"]+".id" {
				t.Errorf("%s: from %s, want the kept group", addr, got)
			}
		}
		if b.Labels[0] == "aws_db_instance" && attr(t, b, "replicate_source_db") == "legacy-mysql" {
			replica = true
			if !strings.HasPrefix(attr(t, b, "db_subnet_group_name"), "aws_db_subnet_group.") || attr(t, b, "publicly_accessible") != "false" {
				t.Errorf("%s: the replica is not private in the new subnet group", addr)
			}
		}
	}
	if !replica {
		t.Error("no read replica of legacy-mysql")
	}
	if _, ok := imports["oyatsu-aurora-instance-1"]; ok {
		t.Error("Aurora instances are imported one by one: groups are the cluster's")
	}
}

// TestTerraformSurvivesOddText: reasons, evidence, names and descriptions
// with line breaks, quotes and template sequences stay inside their
// comments and strings.
func TestTerraformSurvivesOddText(t *testing.T) {
	p := terraformFixturePlan()
	rp := p.Regions[0]
	rp.Moves[0].Reason = "line one\nresource \"aws_vpc\" \"evil\" {\r\n}"
	rp.Groups[0].Egress[0].Evidence = "seen\n${var.nothing} %{ if true }"
	rp.Groups[0].Name = `oyatsu "batch" ${x}`
	rp.VPCs[0].Reasons = append(rp.VPCs[0].Reasons, "two\nlines")
	c := writeAndParse(t, p, exampleInventory(t))
	checkReferences(t, c)
	if c.resources["aws_vpc.evil"] != nil {
		t.Error("a reason's text became a block")
	}
	ph := c.byPlaceholder(t)
	if got := attr(t, c.resources[ph["sg-new-batch"]], "name"); got != rp.Groups[0].Name {
		t.Errorf("group name %q, want %q", got, rp.Groups[0].Name)
	}
}

// BenchmarkWriteTerraform renders a large plan: the fixture plus 1,000
// groups of 10 rules and 5,000 replaced instances (about 13 MB of
// Terraform). go test ./internal/plan -run '^$' -bench WriteTerraform
func BenchmarkWriteTerraform(b *testing.B) {
	p := terraformFixturePlan()
	rp := p.Regions[0]
	for i := range 1000 {
		g := fxGroup(fmt.Sprintf("sg-new-role-%d", i), fmt.Sprintf("role-%d", i), fmt.Sprintf("r/%d", i), nil, nil, nil)
		for j := range 10 {
			g.Ingress = append(g.Ingress, fxRule("tcp", 1000+j, "sg-new-web", "", "flow-logs", "from web"))
		}
		rp.Groups = append(rp.Groups, g)
	}
	for i := range 5000 {
		rp.Moves = append(rp.Moves, &Move{Resource: fmt.Sprintf("i-%08d", i), Kind: "ec2-instance", Name: fmt.Sprintf("app-%d", i),
			Method: MoveReplaceInstance, ToSubnets: []string{"subnet-new-private-1a"}, NewGroups: []string{"sg-new-web"}})
	}
	inv := exampleInventoryB(b)
	for b.Loop() {
		if _, err := terraformFiles(p, inv); err != nil {
			b.Fatal(err)
		}
	}
}
