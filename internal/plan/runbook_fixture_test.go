package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// The bundled "before" example's IDs.
const (
	fxVPC        = "vpc-0a1b2c3d4e5f60001"
	fxPublic1a   = "subnet-0a1b2c3d4e5f60011"
	fxPublic1c   = "subnet-0a1b2c3d4e5f60012"
	fxPublic1d   = "subnet-0a1b2c3d4e5f60013"
	fxDefaultSG  = "sg-0a1b2c3d4e5f60101"
	fxALBSG      = "sg-0a1b2c3d4e5f60102"
	fxCommonSG   = "sg-0a1b2c3d4e5f60103"
	fxSSHSG      = "sg-0a1b2c3d4e5f60104"
	fxWeb1       = "i-0a1b2c3d4e5f60301"
	fxWeb2       = "i-0a1b2c3d4e5f60302"
	fxBatch      = "i-0a1b2c3d4e5f60303"
	fxECSService = "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api"
	fxAccount    = "111122223333"
	fxRegion     = "ap-northeast-1"
)

// fixtureInventory loads the bundled "before" example.
func fixtureInventory(t testing.TB) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load("../../examples/startup-all-public")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// fixturePlan is a hand-made plan for the bundled "before" example, the
// way the shared conventions describe it (Design is written in parallel):
// private and isolated subnets, NAT per AZ, endpoints, one group per role,
// every resource's move.
func fixturePlan() *Plan {
	private := []string{"subnet-new-private-1a", "subnet-new-private-1c"}
	isolated := []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"}
	from := func(g string) *Rule {
		return &Rule{Protocol: "tcp", Group: g, Basis: "flow-logs", Evidence: "accepted flows"}
	}
	port := func(r *Rule, p int, desc string) *Rule { r.FromPort, r.ToPort, r.Description = p, p, desc; return r }
	https := func() *Rule {
		return &Rule{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: "HTTPS through NAT", Basis: "flow-logs"}
	}
	group := func(id, name, role string, members []string) *Group {
		return &Group{ID: id, Name: name, VPCID: fxVPC, Role: role, Description: name + " (vpcdoctor plan)", Members: members, Ingress: []*Rule{}, Egress: []*Rule{}}
	}
	alb := group("sg-new-oyatsu-web-alb", "oyatsu-web-alb", "load-balancer/self:oyatsu-web-alb", []string{"oyatsu-web-alb"})
	alb.Ingress = []*Rule{
		{Protocol: "tcp", FromPort: 80, ToPort: 80, CIDR: "0.0.0.0/0", Description: "HTTP from the internet", Basis: "listener"},
		{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: "HTTPS from the internet", Basis: "listener"},
	}
	alb.Egress = []*Rule{port(from("sg-new-web"), 80, "to web targets")}
	web := group("sg-new-web", "web", "ec2-instance/tag:web", []string{fxWeb1, fxWeb2})
	web.Ingress = []*Rule{port(from("sg-new-oyatsu-web-alb"), 80, "from the ALB")}
	web.Egress = []*Rule{port(from("sg-new-oyatsu-aurora"), 3306, "to Aurora"), port(from("sg-new-oyatsu-redis"), 6379, "to Redis"), https()}
	batch := group("sg-new-batch", "batch", "ec2-instance/tag:batch", []string{fxBatch})
	batch.Egress = []*Rule{port(from("sg-new-oyatsu-aurora"), 3306, "to Aurora"), https()}
	api := group("sg-new-oyatsu-api", "oyatsu-api", "ecs-service/service:"+fxECSService, []string{fxECSService})
	api.Egress = []*Rule{port(from("sg-new-oyatsu-aurora"), 3306, "to Aurora"), port(from("sg-new-oyatsu-redis"), 6379, "to Redis"), https()}
	fn := group("sg-new-oyatsu-order-notifier", "oyatsu-order-notifier", "lambda-function/self:oyatsu-order-notifier", []string{"oyatsu-order-notifier"})
	fn.Egress = []*Rule{{Protocol: "-1", CIDR: "0.0.0.0/0", Description: "all egress (no flow logs)", Basis: "inferred"}}
	aurora := group("sg-new-oyatsu-aurora", "oyatsu-aurora", "rds-db-instance/cluster:oyatsu-aurora", []string{"oyatsu-aurora-instance-1", "oyatsu-aurora-instance-2"})
	aurora.Ingress = []*Rule{
		port(from("sg-new-web"), 3306, "from web"), port(from("sg-new-batch"), 3306, "from batch"),
		port(from("sg-new-oyatsu-api"), 3306, "from oyatsu-api"), port(from("sg-new-oyatsu-order-notifier"), 3306, "from the notifier"),
		port(from("sg-new-client-vpn"), 3306, "from Client VPN"),
	}
	redis := group("sg-new-oyatsu-redis", "oyatsu-redis", "elasticache-cluster/rg:oyatsu-redis", []string{"oyatsu-redis-001"})
	redis.Ingress = []*Rule{port(from("sg-new-web"), 6379, "from web"), port(from("sg-new-oyatsu-api"), 6379, "from oyatsu-api")}
	endpoints := group("sg-new-endpoints", "endpoints", "", []string{})
	endpoints.Ingress = []*Rule{port(from("sg-new-web"), 443, "from web"), port(from("sg-new-batch"), 443, "from batch")}
	vpn := group("sg-new-client-vpn", "client-vpn", "", []string{})
	vpn.Egress = []*Rule{port(from("sg-new-oyatsu-aurora"), 3306, "to Aurora")}

	iface := func(name string) *Endpoint {
		return &Endpoint{ID: "vpce-new-" + name, Service: "com.amazonaws.ap-northeast-1." + name, Type: "Interface",
			Subnets: private, Groups: []string{"sg-new-endpoints"}, PrivateDNS: true, Reason: "Session Manager"}
	}
	move := func(res, kind, name, role, method string, fromS, toS, old, nw []string) *Move {
		return &Move{Resource: res, Kind: kind, Name: name, Role: role, Method: method, FromSubnets: fromS, ToSubnets: toS,
			OldGroups: old, NewGroups: nw, Reason: "the plan"}
	}
	ec2 := string(model.KindInstance)
	web1 := move(fxWeb1, ec2, "web-1", web.Role, MoveReplaceInstance, []string{fxPublic1a}, []string{"subnet-new-private-1a"}, []string{fxCommonSG}, []string{"sg-new-web"})
	web1.DropsPublicIP = true
	web2 := move(fxWeb2, ec2, "web-2", web.Role, MoveReplaceInstance, []string{fxPublic1c}, []string{"subnet-new-private-1c"}, []string{fxCommonSG}, []string{"sg-new-web"})
	web2.DropsPublicIP = true
	batch1 := move(fxBatch, ec2, "batch-1", batch.Role, MoveReplaceInstance, []string{fxPublic1a}, []string{"subnet-new-private-1a"}, []string{fxCommonSG, fxSSHSG}, []string{"sg-new-batch"})
	batch1.DropsPublicIP = true
	svc := move(fxECSService, string(model.KindECSService), "oyatsu-api", api.Role, MoveECSConfig, []string{fxPublic1a, fxPublic1c}, private, []string{fxCommonSG}, []string{"sg-new-oyatsu-api"})
	svc.DropsPublicIP = true
	cache := move("oyatsu-redis-001", string(model.KindCacheCluster), "oyatsu-redis-001", redis.Role, MoveCacheSnapshot,
		[]string{fxPublic1a, fxPublic1c, fxPublic1d}, isolated, []string{fxCommonSG}, []string{"sg-new-oyatsu-redis"})
	cache.SubnetGroup = "oyatsu-redis-private"
	lambda := move("oyatsu-order-notifier", string(model.KindLambda), "oyatsu-order-notifier", fn.Role, MoveLambdaConfig,
		[]string{fxPublic1a, fxPublic1c}, private, []string{fxCommonSG}, []string{"sg-new-oyatsu-order-notifier"})
	lb := move("oyatsu-web-alb", string(model.KindLoadBalancer), "oyatsu-web-alb", alb.Role, MoveStay,
		[]string{fxPublic1a, fxPublic1c}, []string{fxPublic1a, fxPublic1c}, []string{fxALBSG}, []string{"sg-new-oyatsu-web-alb"})
	db := func(id string) *Move {
		m := move(id, string(model.KindDBInstance), id, aurora.Role, MoveAuroraClone,
			[]string{fxPublic1a, fxPublic1c, fxPublic1d}, isolated, []string{fxCommonSG}, []string{"sg-new-oyatsu-aurora"})
		m.SubnetGroup = "oyatsu-aurora-private"
		return m
	}
	db1 := db("oyatsu-aurora-instance-1")
	db1.DropsPublicIP = true

	ep := func(kind flows.EndpointKind, id, role string) flows.Endpoint {
		return flows.Endpoint{Kind: kind, ID: id, Role: role, Account: fxAccount, Region: fxRegion}
	}
	needed := []*NeededFlow{
		{Src: ep(flows.KindInternet, "203.0.113.9", ""), Dst: ep(flows.KindResource, "oyatsu-web-alb", alb.Role), Protocol: "tcp", Port: 443, Basis: "flow-logs"},
		{Src: ep(flows.KindResource, "oyatsu-web-alb", alb.Role), Dst: ep(flows.KindResource, fxWeb1, web.Role), Protocol: "tcp", Port: 80, Basis: "flow-logs"},
		{Src: ep(flows.KindResource, fxWeb1, web.Role), Dst: ep(flows.KindResource, "oyatsu-aurora-instance-1", aurora.Role), Protocol: "tcp", Port: 3306, Basis: "flow-logs"},
	}

	return &Plan{
		Schema:  Schema,
		Options: Options{NAT: "per-az", FlowLogs: true, ClientVPN: true},
		Regions: []*RegionPlan{{
			Account: fxAccount,
			Region:  fxRegion,
			VPCs: []*VPCPlan{{
				VPCID: fxVPC, Name: "oyatsu-vpc", CIDRs: []string{"10.0.0.0/16"},
				AZs:           []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
				PublicSubnets: []string{fxPublic1a, fxPublic1c, fxPublic1d},
				Subnets: []*Subnet{
					{ID: "subnet-new-isolated-1a", Name: "isolated-1a", VPCID: fxVPC, AZ: "ap-northeast-1a", CIDR: "10.0.20.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
					{ID: "subnet-new-isolated-1c", Name: "isolated-1c", VPCID: fxVPC, AZ: "ap-northeast-1c", CIDR: "10.0.21.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
					{ID: "subnet-new-isolated-1d", Name: "isolated-1d", VPCID: fxVPC, AZ: "ap-northeast-1d", CIDR: "10.0.22.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
					{ID: "subnet-new-private-1a", Name: "private-1a", VPCID: fxVPC, AZ: "ap-northeast-1a", CIDR: "10.0.10.0/24", Tier: TierPrivate, RouteTable: "rtb-new-private-1a"},
					{ID: "subnet-new-private-1c", Name: "private-1c", VPCID: fxVPC, AZ: "ap-northeast-1c", CIDR: "10.0.11.0/24", Tier: TierPrivate, RouteTable: "rtb-new-private-1c"},
				},
				RouteTables: []*RouteTable{
					{ID: "rtb-new-isolated", Name: "isolated", VPCID: fxVPC, Subnets: isolated, Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}}},
					{ID: "rtb-new-private-1a", Name: "private-1a", VPCID: fxVPC, Subnets: []string{"subnet-new-private-1a"},
						Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}, {Destination: "0.0.0.0/0", Target: "nat-new-1a"}}},
					{ID: "rtb-new-private-1c", Name: "private-1c", VPCID: fxVPC, Subnets: []string{"subnet-new-private-1c"},
						Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}, {Destination: "0.0.0.0/0", Target: "nat-new-1c"}}},
				},
				NATGateways: []*NATGateway{
					{ID: "nat-new-1a", Subnet: fxPublic1a, AZ: "ap-northeast-1a", AllocationID: "eipalloc-new-1a", Serves: []string{"ap-northeast-1a"}},
					{ID: "nat-new-1c", Subnet: fxPublic1c, AZ: "ap-northeast-1c", AllocationID: "eipalloc-new-1c", Serves: []string{"ap-northeast-1c"}},
				},
				Endpoints: []*Endpoint{
					iface("ec2messages"),
					{ID: "vpce-new-s3", Service: "com.amazonaws.ap-northeast-1.s3", Type: "Gateway",
						RouteTables: []string{"rtb-new-isolated", "rtb-new-private-1a", "rtb-new-private-1c"}, Reason: "S3 without NAT"},
					iface("ssm"),
					iface("ssmmessages"),
				},
				FlowLog: &FlowLog{ID: "fl-new-" + fxVPC, Destination: "s3://oyatsu-flow-logs/vpc", Format: "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags}"},
				Reasons: []string{"only public subnets"},
			}},
			Groups: []*Group{batch, vpn, endpoints, api, aurora, fn, redis, alb, web},
			Moves:  []*Move{db1, db("oyatsu-aurora-instance-2"), svc, cache, lambda, lb, web1, web2, batch1},
			Needed: needed,

			RetiredGroups: []string{fxALBSG, fxCommonSG, fxSSHSG},
			DefaultGroups: []string{fxDefaultSG},
		}},
		Warnings: []string{},
	}
}

// oddPlan is the fixture with names that break careless quoting (quotes,
// spaces, $, backticks, semicolons, braces) and a second account and
// region the inventory does not know.
func oddPlan(t testing.TB) *Plan {
	t.Helper()
	p := clonePlan(t, fixturePlan())
	rp := p.Regions[0]
	odd := `it's "$HOME" ${HOME} $(touch /tmp/pwned) ` + "`id`" + `; {a,b} *`
	for _, g := range rp.Groups {
		g.Name = g.Name + ` "quoted" 'single' $PATH`
		g.Description = odd
		for _, r := range append(append([]*Rule{}, g.Ingress...), g.Egress...) {
			r.Description = "rule: " + odd
		}
	}
	// Only characters a careless quoter leaves bare, and $.
	rp.Groups[0].Name = "batch $PATH and $1"
	rp.Groups[0].Description = "costs $5 a month"
	for _, s := range rp.VPCs[0].Subnets {
		s.Name = "private subnet; echo " + odd
	}
	for _, rt := range rp.VPCs[0].RouteTables {
		rt.Name = "table " + odd
	}
	rp.VPCs[0].Name = "vpc with spaces & $dollars"
	second := clonePlan(t, &Plan{Regions: []*RegionPlan{rp}}).Regions[0]
	second.Account, second.Region = "444455556666", "us-east-1"
	p.Regions = append(p.Regions, second)
	return p
}

// clonePlan deep-copies a plan through JSON.
func clonePlan(t testing.TB, p *Plan) *Plan {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out Plan
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// fixtureStaged is the fixture plan with its stages built.
func fixtureStaged(t testing.TB) (*Plan, *model.Inventory) {
	t.Helper()
	inv := fixtureInventory(t)
	p := fixturePlan()
	p.Stages = BuildStages(p, inv)
	return p, inv
}

// allCommands lists every runbook command of the stages, in order.
func allCommands(p *Plan) []Command {
	var out []Command
	for _, st := range p.Stages {
		for _, s := range st.Steps {
			out = append(out, s.Commands...)
		}
	}
	return out
}

// argsText joins a command's words for messages.
func argsText(args []string) string { return strings.Join(args, " ") }
