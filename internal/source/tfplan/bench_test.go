package tfplan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// genPlan writes a plan as `terraform show -json` prints it for n copies
// of a small network (a VPC, 4 subnets, a public route table, a gateway, 3
// groups with inline rules and 6 separate rules, 10 instances, a load
// balancer with a listener, a target group and 10 attachments, a DB subnet
// group and a database): about 40 resources per copy, every ID unknown,
// every reference in the configuration section.
func genPlan(n int) []byte {
	var planned, changes, config []any
	add := func(typ, name string, vals map[string]any, unknown map[string]any, exprs map[string]any) {
		addr := typ + "." + name
		planned = append(planned, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": vals})
		changes = append(changes, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": vals, "after_unknown": unknown}})
		config = append(config, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws", "expressions": exprs, "schema_version": 0})
	}
	ref := func(addr string) map[string]any { return map[string]any{"references": []string{addr + ".id", addr}} }
	refs := func(addrs ...string) map[string]any {
		var r []string
		for _, a := range addrs {
			r = append(r, a+".id", a)
		}
		return map[string]any{"references": r}
	}
	for i := range n {
		v := fmt.Sprintf("aws_vpc.v%d", i)
		add("aws_vpc", fmt.Sprintf("v%d", i), map[string]any{"cidr_block": fmt.Sprintf("10.%d.0.0/16", i%256)}, map[string]any{"id": true}, map[string]any{})
		add("aws_internet_gateway", fmt.Sprintf("g%d", i), map[string]any{}, map[string]any{"id": true, "vpc_id": true}, map[string]any{"vpc_id": ref(v)})
		var subnets []string
		for j := range 4 {
			name := fmt.Sprintf("s%d_%d", i, j)
			subnets = append(subnets, "aws_subnet."+name)
			add("aws_subnet", name, map[string]any{"cidr_block": fmt.Sprintf("10.%d.%d.0/24", i%256, j), "availability_zone": "ap-northeast-1a", "map_public_ip_on_launch": j < 2},
				map[string]any{"id": true, "vpc_id": true}, map[string]any{"vpc_id": ref(v)})
		}
		rt := fmt.Sprintf("rt%d", i)
		add("aws_route_table", rt, map[string]any{"route": []any{map[string]any{"cidr_block": "0.0.0.0/0"}}}, map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"gateway_id": true}}},
			map[string]any{"vpc_id": ref(v), "route": ref(fmt.Sprintf("aws_internet_gateway.g%d", i))})
		for j := range 2 {
			add("aws_route_table_association", fmt.Sprintf("a%d_%d", i, j), map[string]any{}, map[string]any{"id": true, "route_table_id": true, "subnet_id": true},
				map[string]any{"route_table_id": ref("aws_route_table." + rt), "subnet_id": ref(subnets[j])})
		}
		var groups []string
		for g := range 3 {
			name := fmt.Sprintf("sg%d_%d", i, g)
			groups = append(groups, "aws_security_group."+name)
			var ingress []any
			for k := range 5 {
				ingress = append(ingress, map[string]any{"protocol": "tcp", "from_port": 8000 + k, "to_port": 8000 + k, "cidr_blocks": []any{"10.0.0.0/8"}, "self": false})
			}
			add("aws_security_group", name, map[string]any{"name": name, "ingress": ingress}, map[string]any{"id": true, "vpc_id": true}, map[string]any{"vpc_id": ref(v)})
		}
		for k := range 6 {
			add("aws_security_group_rule", fmt.Sprintf("r%d_%d", i, k), map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443 + k},
				map[string]any{"id": true, "security_group_id": true, "source_security_group_id": true},
				map[string]any{"security_group_id": ref(groups[k%3]), "source_security_group_id": ref(groups[(k+1)%3])})
		}
		var instances []string
		for k := range 10 {
			name := fmt.Sprintf("i%d_%d", i, k)
			instances = append(instances, "aws_instance."+name)
			add("aws_instance", name, map[string]any{"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro"}, map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				map[string]any{"subnet_id": ref(subnets[k%4]), "vpc_security_group_ids": refs(groups[k%3])})
		}
		lb, tg := fmt.Sprintf("aws_lb.lb%d", i), fmt.Sprintf("aws_lb_target_group.tg%d", i)
		add("aws_lb", fmt.Sprintf("lb%d", i), map[string]any{"name": fmt.Sprintf("lb%d", i), "internal": false, "load_balancer_type": "application"}, map[string]any{"arn": true, "id": true, "subnets": true, "security_groups": true},
			map[string]any{"subnets": refs(subnets[0], subnets[1]), "security_groups": refs(groups[0])})
		add("aws_lb_target_group", fmt.Sprintf("tg%d", i), map[string]any{"name": fmt.Sprintf("tg%d", i), "port": 8000, "protocol": "HTTP"}, map[string]any{"arn": true, "id": true, "vpc_id": true}, map[string]any{"vpc_id": ref(v)})
		add("aws_lb_listener", fmt.Sprintf("l%d", i), map[string]any{"port": 443, "protocol": "HTTPS", "default_action": []any{map[string]any{"type": "forward"}}},
			map[string]any{"arn": true, "load_balancer_arn": true, "default_action": []any{map[string]any{"target_group_arn": true}}},
			map[string]any{"load_balancer_arn": ref(lb), "default_action": []any{map[string]any{"target_group_arn": ref(tg)}}})
		for k, inst := range instances {
			add("aws_lb_target_group_attachment", fmt.Sprintf("t%d_%d", i, k), map[string]any{"port": 8000}, map[string]any{"target_group_arn": true, "target_id": true},
				map[string]any{"target_group_arn": ref(tg), "target_id": ref(inst)})
		}
		add("aws_db_subnet_group", fmt.Sprintf("d%d", i), map[string]any{"name": fmt.Sprintf("d%d", i)}, map[string]any{"subnet_ids": true}, map[string]any{"subnet_ids": refs(subnets[2], subnets[3])})
		add("aws_db_instance", fmt.Sprintf("db%d", i), map[string]any{"identifier": fmt.Sprintf("db%d", i), "engine": "postgres", "db_subnet_group_name": fmt.Sprintf("d%d", i)},
			map[string]any{"vpc_security_group_ids": true}, map[string]any{"vpc_security_group_ids": refs(groups[2])})
	}
	plan := map[string]any{
		"format_version": "1.2", "terraform_version": "1.11.4",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"configuration": map[string]any{
			"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "expressions": map[string]any{"region": map[string]any{"constant_value": "ap-northeast-1"}}}},
			"root_module":     map[string]any{"resources": config},
		},
	}
	data, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return data
}

// TestGeneratedPlan checks the generator's plan reads as it should, so the
// benchmark times a plan that links.
func TestGeneratedPlan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, genPlan(3), 0o644); err != nil {
		t.Fatal(err)
	}
	r := loadOne(t, path)
	if len(r.VPCs) != 3 || len(r.Subnets) != 12 || len(r.SecurityGroups) != 12 || len(r.Resources) != 3*(10+1+1) {
		t.Fatalf("generated plan read as %d VPCs, %d subnets, %d groups, %d resources", len(r.VPCs), len(r.Subnets), len(r.SecurityGroups), len(r.Resources))
	}
	for _, g := range r.SecurityGroups {
		if g.Name != "default" && len(g.Ingress) != 7 {
			t.Errorf("%s: %d inbound rules, want 5 inline and 2 separate", g.ID, len(g.Ingress))
		}
	}
	for _, n := range r.Notes {
		if n.Subject != "plan.json" {
			t.Errorf("note: %s: %s", n.Subject, n.Text)
		}
	}
}

// BenchmarkLoad reads a plan of 100 copies (about 4,000 resources, a plan
// far larger than one configuration usually holds):
//
//	go test ./internal/source/tfplan -run '^$' -bench Load -benchmem
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10, 100} {
		data := genPlan(n)
		path := filepath.Join(b.TempDir(), "plan.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("copies=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
