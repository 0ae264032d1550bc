package tfplan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The plans in testdata/ were made by Terraform 1.11.4 with the AWS
// provider 5.100.0 from the configurations in testdata/terraform/
// (regenerate.sh); they are what `terraform show -json` prints, indented.

func loadOne(t *testing.T, plan string, base ...string) *model.Region {
	t.Helper()
	inv, err := Load(plan, base...)
	if err != nil {
		t.Fatalf("Load(%s): %v", plan, err)
	}
	if len(inv.Accounts) != 1 || len(inv.Accounts[0].Regions) != 1 {
		t.Fatalf("want one account with one region, got %d accounts", len(inv.Accounts))
	}
	return inv.Accounts[0].Regions[0]
}

func resource(t *testing.T, r *model.Region, kind model.ResourceKind, id string) *model.Resource {
	t.Helper()
	for _, x := range r.Resources {
		if x.Kind == kind && x.ID == id {
			return x
		}
	}
	var ids []string
	for _, x := range r.Resources {
		ids = append(ids, string(x.Kind)+" "+x.ID)
	}
	t.Fatalf("no %s %s; have %v", kind, id, ids)
	return nil
}

func eni(t *testing.T, r *model.Region, id string) *model.ENI {
	t.Helper()
	for _, e := range r.ENIs {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no interface %s", id)
	return nil
}

func group(t *testing.T, r *model.Region, id string) *model.SecurityGroup {
	t.Helper()
	for _, g := range r.SecurityGroups {
		if g.ID == id {
			return g
		}
	}
	t.Fatalf("no security group %s", id)
	return nil
}

// A new VPC whose MySQL database is publicly accessible in a public subnet
// and whose group opens 3306 to the world: every link the exposure needs
// is there, named after the plan's addresses.
func TestWorldOpenDatabase(t *testing.T) {
	r := loadOne(t, "testdata/world-open-db.json")
	if r.Name != "ap-northeast-1" || r.Account != PlanAccount {
		t.Errorf("region %s of %s, want ap-northeast-1 (the provider's region) of %s", r.Name, r.Account, PlanAccount)
	}
	db := resource(t, r, model.KindDBInstance, "shop-db")
	if !slices.Equal(db.SecurityGroupIDs, []string{"sg-(aws_security_group.db)"}) || db.DB == nil || !db.DB.PubliclyAccessible || db.DB.Port != 3306 {
		t.Errorf("DB instance groups %v, info %+v", db.SecurityGroupIDs, db.DB)
	}
	if !slices.Equal(db.SubnetIDs, []string{"subnet-(aws_subnet.public_a)", "subnet-(aws_subnet.public_c)"}) {
		t.Errorf("DB subnets %v, want the subnet group's", db.SubnetIDs)
	}
	e := eni(t, r, "eni-(aws_db_instance.db)")
	if e.Owner.Resource != db || len(e.PublicIPs()) != 1 || e.SubnetID != "subnet-(aws_subnet.public_a)" {
		t.Errorf("the database's interface: owner %+v, public %v, subnet %s", e.Owner, e.PublicIPs(), e.SubnetID)
	}
	g := group(t, r, "sg-(aws_security_group.db)")
	found := false
	for _, rule := range g.Ingress {
		if rule.Ports.From == 3306 && rule.Ports.To == 3306 && rule.Peer.CIDR.String() == "0.0.0.0/0" {
			found = true
		}
	}
	if !found {
		t.Errorf("the separate aws_security_group_rule did not reach its group: %+v", g.Ingress)
	}
	var public []string
	for _, s := range r.Subnets {
		if s.Public == model.Yes {
			public = append(public, s.ID)
		}
	}
	if !slices.Equal(public, []string{"subnet-(aws_subnet.public_a)", "subnet-(aws_subnet.public_c)"}) {
		t.Errorf("public subnets %v: the route table's route to the gateway and its associations must make both public", public)
	}
	if !r.Coverage.Has(model.CallSecurityGroups) || r.Coverage.Has(model.CallFlowLogs) {
		t.Errorf("a plan collects security groups and not flow logs; coverage %+v", r.Coverage.Missing)
	}
}

// Every type read, with count, for_each and a module: references resolve
// through module outputs (module.app.web_security_group_id), variables
// with an index (var.subnet_ids[0]), count.index and literal keys.
func TestEveryType(t *testing.T) {
	r := loadOne(t, "testdata/every-type.json")
	web := resource(t, r, model.KindInstance, "i-(module.app.aws_instance.web)")
	if !slices.Equal(web.SecurityGroupIDs, []string{"sg-(module.app.aws_security_group.web)"}) || !slices.Equal(web.SubnetIDs, []string{`subnet-(aws_subnet.private["a"])`}) {
		t.Errorf("instance in module: groups %v subnets %v (var.subnet_ids[0] is private[\"a\"])", web.SecurityGroupIDs, web.SubnetIDs)
	}
	for _, rt := range r.RouteTables {
		if rt.ID != "rtb-(aws_route_table.public)" {
			continue
		}
		if !slices.Equal(rt.SubnetIDs, []string{"subnet-(aws_subnet.public[0])", "subnet-(aws_subnet.public[1])"}) {
			t.Errorf("public route table associations %v: aws_route_table_association.public[N] follows aws_subnet.public[count.index]", rt.SubnetIDs)
		}
	}
	lb := resource(t, r, model.KindLoadBalancer, "web")
	if lb.LoadBalancer == nil || len(lb.LoadBalancer.Listeners) != 1 || lb.LoadBalancer.Listeners[0].Port != 443 ||
		!slices.Equal(lb.LoadBalancer.Listeners[0].TargetGroupARNs, []string{"aws_lb_target_group.web"}) {
		t.Fatalf("load balancer's listener: %+v", lb.LoadBalancer)
	}
	for _, tg := range r.TargetGroups {
		if tg.ARN == "aws_lb_target_group.web" && (len(tg.Targets) != 1 || tg.Targets[0].ID != "i-(module.app.aws_instance.web)" || !slices.Equal(tg.LoadBalancerARNs, []string{"aws_lb.web"})) {
			t.Errorf("target group: targets %+v, load balancers %v", tg.Targets, tg.LoadBalancerARNs)
		}
	}
	for _, id := range []string{"cache-001", "cache-002", "sessions"} {
		c := resource(t, r, model.KindCacheCluster, id)
		if !slices.Equal(c.SecurityGroupIDs, []string{"sg-(aws_security_group.db)"}) || len(c.ENIs) != 1 {
			t.Errorf("cache %s: groups %v, %d interfaces", id, c.SecurityGroupIDs, len(c.ENIs))
		}
	}
	for _, id := range []string{"orders", "shop-0", "shop-1"} {
		db := resource(t, r, model.KindDBInstance, id)
		if !slices.Equal(db.SecurityGroupIDs, []string{"sg-(aws_security_group.db)"}) || len(db.SubnetIDs) != 2 {
			t.Errorf("DB %s: groups %v (cluster instances take the cluster's), subnets %v", id, db.SecurityGroupIDs, db.SubnetIDs)
		}
	}
	if len(r.DBClusters) != 1 || len(r.DBClusters[0].MemberIDs) != 2 || r.DBClusters[0].Port != 3306 {
		t.Errorf("Aurora cluster: %+v", r.DBClusters)
	}
	if len(r.ECSServices) != 1 || len(r.ECSServices[0].SubnetIDs) != 2 || r.ECSServices[0].AssignPublicIP != "DISABLED" {
		t.Errorf("ECS service: %+v", r.ECSServices)
	}
	fn := resource(t, r, model.KindLambda, "worker")
	if len(fn.SubnetIDs) != 2 || fn.VPCID != "vpc-(aws_vpc.main)" {
		t.Errorf("Lambda function: subnets %v, VPC %s", fn.SubnetIDs, fn.VPCID)
	}
	if e := eni(t, r, "eni-(aws_network_interface.extra)"); len(e.PublicIPs()) != 1 {
		t.Errorf("aws_eip_association gives the interface its Elastic IP; public %v", e.PublicIPs())
	}
	if len(r.NATGateways) != 1 || r.NATGateways[0].SubnetID != "subnet-(aws_subnet.public[0])" {
		t.Errorf("NAT gateway: %+v", r.NATGateways)
	}
	var data *model.NetworkACL
	for _, a := range r.NetworkACLs {
		if a.ID == "acl-(aws_network_acl.data)" {
			data = a
		}
	}
	if data == nil || !slices.Equal(data.SubnetIDs, []string{`subnet-(aws_subnet.data["a"])`, `subnet-(aws_subnet.data["c"])`}) {
		t.Fatalf("network ACL with subnet_ids and an aws_network_acl_association: %+v", data)
	}
	deny := false
	for _, e := range data.Entries {
		if e.RuleNumber == 90 && !e.Egress && !e.Allow && e.Ports.From == 3389 {
			deny = true
		}
	}
	if !deny {
		t.Errorf("aws_network_acl_rule 90 (deny 3389) missing: %+v", data.Entries)
	}
	for _, n := range r.Notes {
		if strings.Contains(n.Text, "could not be followed") || strings.Contains(n.Text, "neither in the plan") {
			t.Errorf("unexpected note: %s: %s", n.Subject, n.Text)
		}
	}
}

// On a base snapshot: the rule the plan adds lands in the base's group,
// and the rest of the account is the base's.
func TestOnBase(t *testing.T) {
	const base = "../../../examples/startup-rebuilt"
	baseInv, err := snapshotLoad(base)
	if err != nil {
		t.Fatal(err)
	}
	r := loadOne(t, "testdata/rebuilt-open-db.json", base)
	b := baseInv.Accounts[0].Regions[0]
	if r.Account != "111122223333" || r.Name != "ap-northeast-1" {
		t.Errorf("account %s region %s, want the base's", r.Account, r.Name)
	}
	if len(r.SecurityGroups) != len(b.SecurityGroups) || len(r.Resources) != len(b.Resources) || len(r.ENIs) != len(b.ENIs) {
		t.Errorf("the plan only adds a rule, yet groups %d→%d, resources %d→%d, interfaces %d→%d",
			len(b.SecurityGroups), len(r.SecurityGroups), len(b.Resources), len(r.Resources), len(b.ENIs), len(r.ENIs))
	}
	g := group(t, r, "sg-0a1b2c3d4e5f60108")
	before := len(group(t, b, "sg-0a1b2c3d4e5f60108").Ingress)
	if len(g.Ingress) != before+1 || g.Ingress[len(g.Ingress)-1].Peer.CIDR.String() != "0.0.0.0/0" {
		t.Errorf("oyatsu-db-sg ingress %d → %d: %+v", before, len(g.Ingress), g.Ingress)
	}
	if len(r.Coverage.Missing) != len(b.Coverage.Missing) {
		t.Errorf("coverage changed: %+v", r.Coverage.Missing)
	}
}

// Updates replace the base's object by ID, deletes remove it (and an
// instance's interfaces), a deleted rule is revoked from its group.
func TestOnBaseUpdatesAndDeletes(t *testing.T) {
	const base = "../../../examples/startup-rebuilt"
	r := loadOne(t, "testdata/rebuilt-changes.json", base)
	for _, x := range r.Resources {
		if x.ID == "i-0a1b2c3d4e5f60312" {
			t.Error("the deleted instance web-2 is still there")
		}
	}
	for _, e := range r.ENIs {
		if e.ID == "eni-0a1b2c3d4e5f604a2" {
			t.Error("the deleted instance's interface is still there")
		}
		if e.ID == "eni-0a1b2c3d4e5f604b2" {
			t.Error("the deleted Aurora instance's interface (its AZ's) is still there")
		}
	}
	eni(t, r, "eni-0a1b2c3d4e5f604b1") // the other Aurora instance's stays
	for _, c := range r.DBClusters {
		if slices.Contains(c.MemberIDs, "oyatsu-aurora-instance-2") {
			t.Errorf("cluster %s still lists the deleted instance: %v", c.ID, c.MemberIDs)
		}
	}
	for _, x := range r.Resources {
		if x.ID == "oyatsu-aurora-instance-2" {
			t.Error("the deleted Aurora instance is still there")
		}
	}
	if in := group(t, r, "sg-0a1b2c3d4e5f60105").Ingress; len(in) != 0 {
		t.Errorf("the deleted rule (80 from the ALB's group) is still in oyatsu-web-sg: %+v", in)
	}
	batch := group(t, r, "sg-0a1b2c3d4e5f60106")
	if len(batch.Ingress) != 1 || batch.Ingress[0].Ports.From != 22 || batch.Name != "oyatsu-batch-sg" || batch.OwnerID != "111122223333" {
		t.Errorf("updated group: %+v", batch)
	}
	// The update keeps what the group had and the plan does not change:
	// its egress to the database's and the cache's groups.
	var egress []string
	for _, x := range batch.Egress {
		peer := x.Peer.GroupID
		if x.Peer.Kind == model.PeerCIDR {
			peer = x.Peer.CIDR.String()
		}
		egress = append(egress, x.PortsString()+" to "+peer)
	}
	slices.Sort(egress)
	if want := []string{"tcp/3306 to sg-0a1b2c3d4e5f60108", "tcp/443 to 0.0.0.0/0", "tcp/6379 to sg-0a1b2c3d4e5f60109"}; !slices.Equal(egress, want) {
		t.Errorf("updated group's egress %v, want %v", egress, want)
	}
}

func TestErrors(t *testing.T) {
	abs := func(p string) string { return filepath.Join("testdata", "bad", p) }
	for _, c := range []struct {
		file string
		want string
	}{
		{"syntax.json", abs("syntax.json") + ":6:52: not valid JSON"},
		{"future-format.json", `plan format "2.0"`},
		{"wrong-type.json", abs("wrong-type.json") + ":1:"},
		{"binary.tfplan", "a binary plan file (terraform plan -out); vpcdoctor reads its JSON: terraform show -json"},
		{"not-a-plan.json", "not a Terraform plan"},
	} {
		t.Run(c.file, func(t *testing.T) {
			inv, err := Load(abs(c.file))
			if err == nil || inv != nil {
				t.Fatalf("loaded %s", c.file)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), abs(c.file)) {
				t.Errorf("error %q: want the file and %q", err, c.want)
			}
		})
	}
	if _, err := Load("testdata/rebuilt-open-db.json", "../../../examples"); err == nil || !strings.Contains(err.Error(), "a plan is applied to one account's snapshot") {
		t.Errorf("a base of two accounts: %v", err)
	}
	if _, err := Load("testdata/nonexistent.json"); err == nil || !strings.Contains(err.Error(), "nonexistent.json: cannot read") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestIsPlan(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"testdata/world-open-db.json":       true,
		"testdata/bad/binary.tfplan":        true,
		"testdata/bad/syntax.json":          true,
		"../../../examples/startup-rebuilt": false,
		"testdata/nonexistent.json":         false,
		text:                                false,
	} {
		if got := IsPlan(path); got != want {
			t.Errorf("IsPlan(%s) = %v, want %v", path, got, want)
		}
	}
}

// The region of a plan whose provider does not name one: the base's only
// region, else UnknownRegion.
func TestRegionFromEnvironment(t *testing.T) {
	data, err := os.ReadFile("testdata/rebuilt-open-db.json")
	if err != nil {
		t.Fatal(err)
	}
	noRegion := strings.Replace(string(data), `"region": {`, `"region_unused": {`, 1)
	if noRegion == string(data) {
		t.Fatal("the test plan no longer names its region")
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(noRegion), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := loadOne(t, path); r.Name != UnknownRegion {
		t.Errorf("alone: region %s, want %s", r.Name, UnknownRegion)
	}
	if r := loadOne(t, path, "../../../examples/startup-rebuilt"); r.Name != "ap-northeast-1" {
		t.Errorf("on a base with one region: region %s", r.Name)
	}
}

// docs/terraform.md names every type read.
func TestDocsNameEveryType(t *testing.T) {
	data, err := os.ReadFile("../../../docs/terraform.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range Types() {
		if !strings.Contains(string(data), "`"+typ+"`") && !strings.Contains(string(data), "`"+strings.Replace(typ, "aws_alb", "aws_lb", 1)+"`") {
			t.Errorf("docs/terraform.md does not name %s", typ)
		}
	}
}

// A plan against a state lists an existing group's rules in the group
// (read back from AWS) and as the separate rule that made them: AWS holds
// the rule once.
func TestRuleInGroupAndSeparate(t *testing.T) {
	plan := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
 {"address":"aws_security_group.a","mode":"managed","type":"aws_security_group","name":"a","values":{"id":"sg-0123456789abcdef0","name":"a","vpc_id":"vpc-1",
  "ingress":[{"protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8"],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[],"self":false,"description":""}],"egress":[]}},
 {"address":"aws_security_group_rule.ssh","mode":"managed","type":"aws_security_group_rule","name":"ssh","values":{"type":"ingress","security_group_id":"sg-0123456789abcdef0","protocol":"tcp","from_port":22,"to_port":22,"cidr_blocks":["10.0.0.0/8","192.168.0.0/16"]}}]}},
 "resource_changes":[
 {"address":"aws_security_group.a","mode":"managed","type":"aws_security_group","name":"a","change":{"actions":["no-op"],"before":{},"after":{},"after_unknown":{}}},
 {"address":"aws_security_group_rule.ssh","mode":"managed","type":"aws_security_group_rule","name":"ssh","change":{"actions":["no-op"],"before":{},"after":{},"after_unknown":{}}}]}`
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	r := loadOne(t, path)
	var sources []string
	for _, rule := range group(t, r, "sg-0123456789abcdef0").Ingress {
		sources = append(sources, rule.Peer.CIDR.String())
	}
	slices.Sort(sources)
	if !slices.Equal(sources, []string{"10.0.0.0/8", "192.168.0.0/16"}) {
		t.Errorf("ingress sources %v, want each once", sources)
	}
}

// Regions come from each resource's provider configuration: a constant, or
// a variable whose value the plan records.
func TestRegionsOfProviders(t *testing.T) {
	plan := `{"format_version":"1.2","variables":{"region":{"value":"eu-west-1"}},
 "planned_values":{"root_module":{"resources":[
  {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","values":{"cidr_block":"10.1.0.0/16"}},
  {"address":"aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","values":{"cidr_block":"10.2.0.0/16"}}]}},
 "resource_changes":[
  {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.1.0.0/16"},"after_unknown":{"id":true}}},
  {"address":"aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.2.0.0/16"},"after_unknown":{"id":true}}}],
 "configuration":{"provider_config":{
   "aws":{"name":"aws","expressions":{"region":{"references":["var.region"]}}},
   "aws.tokyo":{"name":"aws","alias":"tokyo","expressions":{"region":{"constant_value":"ap-northeast-1"}}}},
  "root_module":{"resources":[
   {"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","provider_config_key":"aws","expressions":{"cidr_block":{"constant_value":"10.1.0.0/16"}}},
   {"address":"aws_vpc.b","mode":"managed","type":"aws_vpc","name":"b","provider_config_key":"aws.tokyo","expressions":{"cidr_block":{"constant_value":"10.2.0.0/16"}}}]}}}`
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range inv.Accounts[0].Regions {
		for _, v := range r.VPCs {
			got[v.ID] = r.Name
		}
	}
	want := map[string]string{"vpc-(aws_vpc.a)": "eu-west-1", "vpc-(aws_vpc.b)": "ap-northeast-1"}
	if len(got) != 2 || got["vpc-(aws_vpc.a)"] != want["vpc-(aws_vpc.a)"] || got["vpc-(aws_vpc.b)"] != want["vpc-(aws_vpc.b)"] {
		t.Errorf("VPCs in regions %v, want %v", got, want)
	}
}
