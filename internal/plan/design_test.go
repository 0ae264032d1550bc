package plan

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

const (
	acct   = "111122223333"
	region = "ap-northeast-1"
)

// twoAZ starts a region with vpc-1 (10.0.0.0/16) and two public subnets,
// subnet-pub-a in 1a and subnet-pub-c in 1c, routed to igw-1
// (AWS-SEMANTICS.md §4), and one all-open group sg-old.
func twoAZ() *modeltest.Builder {
	b := modeltest.New(acct, region)
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-pub-a", "vpc-1", "10.0.0.0/24")
	b.Subnet("subnet-pub-c", "vpc-1", "10.0.1.0/24").AZ = region + "c"
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Main().Associate("subnet-pub-a", "subnet-pub-c").Route("0.0.0.0/0", "igw-1")
	b.SecurityGroup("sg-old", "vpc-1", modeltest.Ingress("-1", -1, -1, "0.0.0.0/0"))
	return b
}

func design(t *testing.T, reg *model.Region, edges []flows.Edge, opts Options) (*Plan, *RegionPlan) {
	t.Helper()
	p, err := Design(modeltest.Inventory(reg), edges, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Regions) != 1 {
		t.Fatalf("%d region plans, want 1", len(p.Regions))
	}
	return p, p.Regions[0]
}

func moveOf(t *testing.T, rp *RegionPlan, id string) *Move {
	t.Helper()
	for _, m := range rp.Moves {
		if m.Resource == id {
			return m
		}
	}
	t.Fatalf("no move of %s", id)
	return nil
}

func routeTable(v *VPCPlan, id string) *RouteTable {
	for _, rt := range v.RouteTables {
		if rt.ID == id {
			return rt
		}
	}
	return nil
}

func defaultTarget(rt *RouteTable) string {
	for _, r := range rt.Routes {
		if r.Destination == "0.0.0.0/0" {
			return r.Target
		}
	}
	return ""
}

func ids[T any](xs []T, id func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func TestAZSuffix(t *testing.T) {
	for _, tc := range []struct{ region, az, want string }{
		{"ap-northeast-1", "ap-northeast-1a", "1a"},
		{"us-east-1", "us-east-1c", "1c"},
		{"us-east-1", "us-east-1-bos-1a", "1-bos-1a"},
		{"eu-west-2", "eu-west-2b", "2b"},
	} {
		if got := azSuffix(tc.region, tc.az); got != tc.want {
			t.Errorf("azSuffix(%q, %q) = %q, want %q", tc.region, tc.az, got, tc.want)
		}
	}
}

// NAT gateways: one per AZ with a new private subnet (per-az), or one for
// all (single); an existing NAT gateway in a public subnet of an AZ serves
// that AZ.
func TestNATGateways(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     string
		existing bool
		wantNATs []string
		targets  map[string]string // route table → 0.0.0.0/0 target
	}{
		{"per-az: one in each AZ", NATPerAZ, false, []string{"nat-new-1a", "nat-new-1c"},
			map[string]string{"rtb-new-private-1a": "nat-new-1a", "rtb-new-private-1c": "nat-new-1c"}},
		{"single: one for both", NATSingle, false, []string{"nat-new-1a"},
			map[string]string{"rtb-new-private-1a": "nat-new-1a", "rtb-new-private-1c": "nat-new-1a"}},
		{"per-az: the existing gateway serves its AZ", NATPerAZ, true, []string{"nat-new-1c"},
			map[string]string{"rtb-new-private-1a": "nat-0old", "rtb-new-private-1c": "nat-new-1c"}},
		{"single: the existing gateway serves all", NATSingle, true, nil,
			map[string]string{"rtb-new-private-1a": "nat-0old", "rtb-new-private-1c": "nat-0old"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoAZ()
			b.Instance("i-a", "subnet-pub-a", "sg-old")
			b.Instance("i-c", "subnet-pub-c", "sg-old")
			if tc.existing {
				b.NATGateway("nat-0old", "subnet-pub-a", "203.0.113.9")
			}
			p, rp := design(t, b.Link(), nil, Options{NAT: tc.mode})
			v := rp.VPCs[0]
			if got := ids(v.NATGateways, func(n *NATGateway) string { return n.ID }); !slices.Equal(got, tc.wantNATs) {
				t.Errorf("NAT gateways %v, want %v", got, tc.wantNATs)
			}
			for _, n := range v.NATGateways {
				if n.Subnet != "subnet-pub-"+n.AZ[len(n.AZ)-1:] || n.AllocationID != strings.Replace(n.ID, "nat-", "eipalloc-", 1) || len(n.Serves) == 0 {
					t.Errorf("NAT gateway %+v: want it in the public subnet of its AZ with its own Elastic IP", n)
				}
			}
			for rt, want := range tc.targets {
				table := routeTable(v, rt)
				if table == nil {
					t.Fatalf("no route table %s", rt)
				}
				if got := defaultTarget(table); got != want {
					t.Errorf("%s: 0.0.0.0/0 -> %q, want %q", rt, got, want)
				}
			}
			if tc.existing && !strings.Contains(strings.Join(v.Reasons, " "), "nat-0old") {
				t.Errorf("reasons do not say the existing NAT gateway is reused: %v", v.Reasons)
			}
			if tc.mode == NATPerAZ && !tc.existing && !strings.Contains(strings.Join(p.Cost.Comparisons, " "), "per-az NAT (2 gateways)") {
				t.Errorf("cost comparisons lack per-az against single: %v", p.Cost.Comparisons)
			}
		})
	}
}

// An existing private subnet (0.0.0.0/0 to a NAT gateway, no internet
// gateway route) is reused as its AZ's private tier, and the plan says so.
func TestExistingPrivateSubnetIsReused(t *testing.T) {
	b := twoAZ()
	b.NATGateway("nat-0old", "subnet-pub-a", "203.0.113.9")
	b.Subnet("subnet-priv-a", "vpc-1", "10.0.8.0/24")
	b.RouteTable("rtb-priv", "vpc-1").Associate("subnet-priv-a").Route("0.0.0.0/0", "nat-0old")
	b.Instance("i-a", "subnet-pub-a", "sg-old")
	_, rp := design(t, b.Link(), nil, Options{})
	v := rp.VPCs[0]
	if m := moveOf(t, rp, "i-a"); !slices.Equal(m.ToSubnets, []string{"subnet-priv-a"}) {
		t.Errorf("i-a goes to %v, want the existing private subnet", m.ToSubnets)
	}
	for _, s := range v.Subnets {
		if s.Tier == TierPrivate && s.AZ == region+"a" {
			t.Errorf("a new private subnet %s in 1a although subnet-priv-a serves", s.ID)
		}
	}
	if !strings.Contains(strings.Join(v.Reasons, " "), "subnet-priv-a") {
		t.Errorf("reasons do not mention the reused subnet: %v", v.Reasons)
	}
	// The gateway endpoints serve the reused subnet's table too.
	for _, ep := range v.Endpoints {
		if ep.Type == "Gateway" && !slices.Contains(ep.RouteTables, "rtb-priv") {
			t.Errorf("%s: route tables %v lack the reused rtb-priv", ep.ID, ep.RouteTables)
		}
	}
}

// Interface endpoints where resources need them (AWS-SEMANTICS.md §8):
// Session Manager's three for EC2, ECR and Logs for ECS, none for Lambda
// (it logs through its own service); an existing endpoint is not created
// again; STS only when the configuration names it. Gateway endpoints for
// S3 and DynamoDB always.
func TestInterfaceEndpoints(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(b *modeltest.Builder)
		extra []ExtraFlow
		want  []string
	}{
		{"EC2: Session Manager", func(b *modeltest.Builder) { b.Instance("i-a", "subnet-pub-a", "sg-old") },
			nil, []string{"vpce-new-ec2messages", "vpce-new-ssm", "vpce-new-ssmmessages"}},
		{"ECS: image pulls and logs", func(b *modeltest.Builder) { b.ECSService("c1", "api", []string{"subnet-pub-a"}, "sg-old") },
			nil, []string{"vpce-new-ecr-api", "vpce-new-ecr-dkr", "vpce-new-logs"}},
		{"Lambda: none", func(b *modeltest.Builder) { b.Lambda("fn", []string{"subnet-pub-a"}, "sg-old") }, nil, nil},
		{"an existing ssm endpoint is kept", func(b *modeltest.Builder) {
			b.Instance("i-a", "subnet-pub-a", "sg-old")
			b.InterfaceEndpoint("vpce-0ssm", "com.amazonaws."+region+".ssm", []string{"subnet-pub-a"}, "sg-old")
		}, nil, []string{"vpce-new-ec2messages", "vpce-new-ssmmessages"}},
		{"STS named in the configuration", func(b *modeltest.Builder) { b.Lambda("fn", []string{"subnet-pub-a"}, "sg-old") },
			[]ExtraFlow{{From: "fn", To: "sts", Protocol: "tcp", Port: 443, Reason: "assume role"}}, []string{"vpce-new-sts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoAZ()
			tc.build(b)
			_, rp := design(t, b.Link(), nil, Options{ExtraFlows: tc.extra})
			v := rp.VPCs[0]
			var got []string
			gateway := 0
			for _, ep := range v.Endpoints {
				switch ep.Type {
				case "Interface":
					got = append(got, ep.ID)
					if len(ep.Subnets) == 0 || !ep.PrivateDNS || !slices.Equal(ep.Groups, []string{"sg-new-endpoints"}) || ep.Reason == "" {
						t.Errorf("%+v: want private subnets, private DNS, the endpoints' group and a reason", ep)
					}
				case "Gateway":
					gateway++
					if len(ep.RouteTables) == 0 {
						t.Errorf("%s on no route table", ep.ID)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("interface endpoints %v, want %v", got, tc.want)
			}
			if gateway != 2 {
				t.Errorf("%d gateway endpoints, want S3 and DynamoDB", gateway)
			}
		})
	}
}

// A VPC without a flow log capturing all its traffic gets one: the
// subtractive steps are checked against it.
func TestFlowLog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		traffic string
		want    bool
	}{
		{"none", "", true},
		{"all traffic already", "ALL", false},
		{"rejects only", "REJECT", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoAZ()
			b.Instance("i-a", "subnet-pub-a", "sg-old")
			if tc.traffic != "" {
				b.FlowLog("fl-1", "vpc-1", tc.traffic)
			}
			_, rp := design(t, b.Link(), nil, Options{})
			fl := rp.VPCs[0].FlowLog
			if (fl != nil) != tc.want {
				t.Fatalf("flow log %+v, want one: %v", fl, tc.want)
			}
			if fl != nil && (fl.ID != "fl-new-vpc-1" || !strings.Contains(fl.Format, "${tcp-flags}")) {
				t.Errorf("flow log %+v", fl)
			}
		})
	}
}

// Each kind moves the way its service allows (AWS-SEMANTICS.md §8), into
// the tier it belongs in.
func TestMoveMethods(t *testing.T) {
	b := twoAZ()
	b.Subnet("subnet-iso-a", "vpc-1", "10.0.9.0/24")
	b.RouteTable("rtb-iso", "vpc-1").Associate("subnet-iso-a")
	web := b.Instance("i-web", "subnet-pub-a", "sg-old")
	modeltest.SetPublicIP(web.ENIs[0], "203.0.113.10")
	b.Instance("i-private", "subnet-iso-a", "sg-old")
	b.Instance("i-pinned", "subnet-pub-c", "sg-old")
	b.Lambda("fn", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.ECSService("c1", "api", []string{"subnet-pub-a"}, "sg-old")
	b.DBInstance("aurora-1", "cl-1", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.DBInstance("pg-1", "", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.CacheCluster("cache-1", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.LoadBalancer("int-lb", modeltest.Internal, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.LoadBalancer("pub-lb", modeltest.InternetFacing, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.NetworkLoadBalancer("nlb", modeltest.Internal, []string{"subnet-pub-a"})
	b.InterfaceEndpoint("vpce-0logs", "com.amazonaws."+region+".logs", []string{"subnet-pub-a"}, "sg-old")
	b.NATGateway("nat-0old", "subnet-pub-c", "203.0.113.9")
	p, rp := design(t, b.Link(), nil, Options{Pinned: []string{"i-pin*"}})
	tiers := map[string]string{}
	for _, s := range rp.VPCs[0].Subnets {
		tiers[s.ID] = s.Tier
	}
	tiers["subnet-iso-a"] = TierIsolated
	for _, tc := range []struct {
		id, method, tier, subnetGroup string
		dropsPublicIP                 bool
	}{
		{"i-web", MoveReplaceInstance, TierPrivate, "", true},
		{"i-private", MoveStay, "", "", false},
		{"i-pinned", MoveStay, "", "", false},
		{"fn", MoveLambdaConfig, TierPrivate, "", false},
		{"arn:aws:ecs:" + region + ":" + acct + ":service/c1/api", MoveECSConfig, TierPrivate, "", false},
		{"aurora-1", MoveAuroraClone, TierIsolated, "cl-1-private", false},
		{"pg-1", MoveRDSReplica, TierIsolated, "pg-1-private", false},
		{"cache-1", MoveCacheSnapshot, TierIsolated, "cache-1-private", false},
		{"int-lb", MoveLBSubnets, TierPrivate, "", false},
		{"pub-lb", MoveStay, "", "", false},
		{"nlb", MoveStay, "", "", false},
		{"vpce-0logs", MoveEndpointSubnets, TierPrivate, "", false},
		{"nat-0old", MoveStay, "", "", false},
	} {
		m := moveOf(t, rp, tc.id)
		if m.Method != tc.method || m.SubnetGroup != tc.subnetGroup || m.DropsPublicIP != tc.dropsPublicIP || m.Reason == "" {
			t.Errorf("%s: %s, subnet group %q, drops public IP %v; want %s, %q, %v (and a reason)", tc.id, m.Method, m.SubnetGroup, m.DropsPublicIP, tc.method, tc.subnetGroup, tc.dropsPublicIP)
		}
		if tc.method == MoveStay {
			if !slices.Equal(m.ToSubnets, m.FromSubnets) {
				t.Errorf("%s stays but goes from %v to %v", tc.id, m.FromSubnets, m.ToSubnets)
			}
			continue
		}
		if len(m.ToSubnets) == 0 {
			t.Errorf("%s: no destination", tc.id)
		}
		for _, s := range m.ToSubnets {
			if tiers[s] != tc.tier {
				t.Errorf("%s goes to %s, not a %s subnet", tc.id, s, tc.tier)
			}
		}
	}
	// Groups are replaced for everything that can carry one, pinned too.
	if m := moveOf(t, rp, "i-pinned"); len(m.NewGroups) != 1 {
		t.Errorf("pinned i-pinned: new groups %v, want its role's", m.NewGroups)
	}
	if m := moveOf(t, rp, "nlb"); len(m.NewGroups) != 0 {
		t.Errorf("nlb without groups gets %v: AWS adds groups only at creation", m.NewGroups)
	}
	if m := moveOf(t, rp, "nat-0old"); len(m.NewGroups) != 0 {
		t.Errorf("a NAT gateway gets groups %v", m.NewGroups)
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "nlb has no security groups") {
		t.Errorf("no warning about the NLB without groups: %v", p.Warnings)
	}
	// Isolated subnets in both AZs of the VPC: a DB subnet group needs two.
	if m := moveOf(t, rp, "aurora-1"); len(m.ToSubnets) != 2 {
		t.Errorf("aurora-1's subnet group %v, want one isolated subnet in each of the two AZs", m.ToSubnets)
	}
	// The reused isolated subnet serves 1a; 1c gets a new one.
	if m := moveOf(t, rp, "pg-1"); !slices.Contains(m.ToSubnets, "subnet-iso-a") || !slices.Contains(m.ToSubnets, "subnet-new-isolated-1c") {
		t.Errorf("pg-1 goes to %v, want subnet-iso-a and subnet-new-isolated-1c", m.ToSubnets)
	}
}

// One group per role, named by the role's slug, unique-ified in sorted
// order; the second VPC of a region qualifies its placeholders with v2-.
func TestGroupsAndPlaceholders(t *testing.T) {
	b := twoAZ()
	b.VPC("vpc-2", "10.1.0.0/16")
	b.Subnet("subnet-2a", "vpc-2", "10.1.0.0/24")
	b.InternetGateway("igw-2", "vpc-2")
	b.RouteTable("rtb-2", "vpc-2").Main().Associate("subnet-2a").Route("0.0.0.0/0", "igw-2")
	b.SecurityGroup("sg-2", "vpc-2")
	w1 := b.Instance("i-1", "subnet-pub-a", "sg-old")
	w1.Tags = model.Tags{"Role": "Web!"}
	w2 := b.Instance("i-2", "subnet-pub-a", "sg-old")
	w2.Tags = model.Tags{"Role": "web"}
	w3 := b.Instance("i-3", "subnet-pub-c", "sg-old")
	w3.Tags = model.Tags{"Role": "web"}
	b.Instance("i-4", "subnet-2a", "sg-2").Tags = model.Tags{"Role": "web"}
	_, rp := design(t, b.Link(), nil, Options{})
	got := map[string][]string{}
	for _, g := range rp.Groups {
		got[g.ID] = g.Members
	}
	for id, members := range map[string][]string{
		"sg-new-web":          {"i-1"},
		"sg-new-web-2":        {"i-2", "i-3"},
		"sg-new-v2-web":       {"i-4"},
		"sg-new-v2-endpoints": {"vpce-new-v2-ec2messages", "vpce-new-v2-ssm", "vpce-new-v2-ssmmessages"},
	} {
		if !slices.Equal(got[id], members) {
			t.Errorf("group %s members %v, want %v (groups %v)", id, got[id], members, sortedKeys(got))
		}
	}
	var v2 *VPCPlan
	for _, v := range rp.VPCs {
		if v.VPCID == "vpc-2" {
			v2 = v
		}
	}
	if v2 == nil || len(v2.Subnets) == 0 || v2.Subnets[0].ID != "subnet-new-v2-private-1a" || v2.NATGateways[0].ID != "nat-new-v2-1a" {
		t.Errorf("second VPC's placeholders: %+v", v2)
	}
	for _, g := range rp.Groups {
		if !IsPlaceholder(g.ID) || g.Description == "" || g.Name == "" {
			t.Errorf("group %+v", g)
		}
	}
}

func resEP(id string, kind model.ResourceKind) flows.Endpoint {
	return flows.Endpoint{Kind: flows.KindResource, ID: id, ResourceType: string(kind), Account: acct, Region: region}
}

// Flows from the logs: between roles (same role: a self-reference), and
// from the internet only to load-balancer listeners; an SSH scanner's
// accepted flow is not needed and opens nothing.
func TestNeededFromFlowLogs(t *testing.T) {
	b := twoAZ()
	n1 := b.Instance("i-n1", "subnet-pub-a", "sg-old")
	n1.Tags = model.Tags{"Role": "node"}
	b.Instance("i-n2", "subnet-pub-c", "sg-old").Tags = model.Tags{"Role": "node"}
	modeltest.SetPublicIP(n1.ENIs[0], "203.0.113.10")
	lb := b.LoadBalancer("lb", modeltest.InternetFacing, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.Listen(lb, "HTTPS", 443)
	scanner := flows.Endpoint{Kind: flows.KindInternet, ID: "198.51.100.77"}
	edges := []flows.Edge{
		{Src: resEP("i-n1", model.KindInstance), Dst: resEP("i-n2", model.KindInstance), Protocol: "tcp", Port: 7000, Action: "ACCEPT", Connections: 5},
		{Src: scanner, Dst: resEP("i-n1", model.KindInstance), Protocol: "tcp", Port: 22, Action: "ACCEPT", Connections: 3},
		{Src: scanner, Dst: resEP("lb", model.KindLoadBalancer), Protocol: "tcp", Port: 443, Action: "ACCEPT", Connections: 9},
		{Src: scanner, Dst: resEP("lb", model.KindLoadBalancer), Protocol: "tcp", Port: 8443, Action: "ACCEPT", Connections: 1},
		{Src: resEP("i-n1", model.KindInstance), Dst: flows.Endpoint{Kind: flows.KindInternet, ID: "192.0.2.1"}, Protocol: "udp", Port: 123, Action: "ACCEPT"},
	}
	_, rp := design(t, b.Link(), edges, Options{})
	var needed []string
	for _, n := range rp.Needed {
		needed = append(needed, n.Src.ID+">"+n.Dst.ID+":"+n.Protocol+"/"+string(rune('0'+n.Port/1000))+n.Basis)
	}
	if len(rp.Needed) != 2 {
		t.Errorf("needed %v: want node -> node 7000 and the internet -> lb 443", needed)
	}
	var node, lbg *Group
	for _, g := range rp.Groups {
		switch g.Name {
		case "node":
			node = g
		case "lb":
			lbg = g
		}
	}
	if node == nil || lbg == nil {
		t.Fatalf("groups %v", ids(rp.Groups, func(g *Group) string { return g.Name }))
	}
	if rulesString(node.Ingress) != "[tcp 7000-7000 "+node.ID+"]" {
		t.Errorf("node ingress %s: want only the self-reference on 7000", rulesString(node.Ingress))
	}
	if rulesString(lbg.Ingress) != "[tcp 443-443 0.0.0.0/0]" || lbg.Ingress[0].Basis != BasisListener {
		t.Errorf("lb ingress %s: want only its listener, basis listener", rulesString(lbg.Ingress))
	}
	want := "[tcp 443-443 0.0.0.0/0, tcp 7000-7000 " + node.ID + ", udp 123-123 0.0.0.0/0]"
	if rulesString(node.Egress) != want {
		t.Errorf("node egress %s, want %s", rulesString(node.Egress), want)
	}
}

// The configuration renames roles (grouping resources into one), adds
// flows the logs do not show, and a flow naming nothing fails the plan.
func TestConfiguredRolesAndFlows(t *testing.T) {
	build := func() *model.Region {
		b := twoAZ()
		b.Instance("i-a", "subnet-pub-a", "sg-old")
		b.Instance("i-c", "subnet-pub-c", "sg-old")
		b.DBInstance("db-1", "", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
		return b.Link()
	}
	opts := Options{
		Roles:      map[string]string{"i-*": "api"},
		ExtraFlows: []ExtraFlow{{From: "api", To: "db-1", Protocol: "tcp", Port: 5432, Reason: "monthly report"}},
		ClientVPN:  true,
	}
	_, rp := design(t, build(), []flows.Edge{}, opts)
	var api, db *Group
	for _, g := range rp.Groups {
		switch g.Name {
		case "api":
			api = g
		case "db-1":
			db = g
		}
	}
	if api == nil || !slices.Equal(api.Members, []string{"i-a", "i-c"}) || api.Role != "config:api" {
		t.Fatalf("api group %+v: want both instances, role config:api", api)
	}
	found := false
	for _, r := range db.Ingress {
		if r.Group == api.ID && r.FromPort == 5432 && r.Basis == BasisConfig && strings.Contains(r.Evidence, "monthly report") {
			found = true
		}
	}
	if !found {
		t.Errorf("db ingress %s lacks the configured flow from api", rulesString(db.Ingress))
	}
	opts.ExtraFlows = append(opts.ExtraFlows, ExtraFlow{From: "nobody", To: "db-1", Protocol: "tcp", Port: 1})
	if _, err := Design(modeltest.Inventory(build()), nil, opts); err == nil || !strings.Contains(err.Error(), "nobody -> db-1") {
		t.Errorf("error %v: want one naming the flow that names nothing", err)
	}
}

func TestOptionsErrors(t *testing.T) {
	reg := func() *model.Region {
		b := twoAZ()
		b.Instance("i-a", "subnet-pub-a", "sg-old")
		return b.Link()
	}
	if _, err := Design(modeltest.Inventory(reg()), nil, Options{NAT: "two"}); err == nil || !strings.Contains(err.Error(), `"two"`) {
		t.Errorf("NAT two: error %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "prices.json")
	if err := os.WriteFile(bad, []byte(`{"currency": "USD", "regions": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Design(modeltest.Inventory(reg()), nil, Options{Prices: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad price file: error %v, want one naming %s", err, bad)
	}
	if _, err := Design(modeltest.Inventory(reg()), nil, Options{Prices: filepath.Join(dir, "absent.json")}); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("absent price file: error %v", err)
	}
}

// Dualstack internet-facing load balancers accept their listener ports
// from ::/0 too; IPv4-only ones only from 0.0.0.0/0 (AWS-SEMANTICS.md §5).
func TestDualstackListener(t *testing.T) {
	b := twoAZ()
	lb := b.LoadBalancer("lb", modeltest.InternetFacing, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	lb.LoadBalancer.IPAddressType = "dualstack"
	b.Listen(lb, "HTTPS", 443)
	_, rp := design(t, b.Link(), nil, Options{})
	if len(rp.Groups) != 1 || rulesString(rp.Groups[0].Ingress) != "[tcp 443-443 0.0.0.0/0, tcp 443-443 ::/0]" {
		t.Errorf("groups %+v", rp.Groups)
	}
}

// Every region with a planned VPC gets its own plan; a region whose VPCs
// hold nothing gets none.
func TestSeveralRegions(t *testing.T) {
	b1 := twoAZ()
	b1.Instance("i-a", "subnet-pub-a", "sg-old")
	b2 := modeltest.New(acct, "us-east-1")
	b2.VPC("vpc-9", "172.31.0.0/16")
	b2.Subnet("subnet-9", "vpc-9", "172.31.0.0/20")
	b3 := modeltest.New("444455556666", "us-east-1")
	b3.VPC("vpc-8", "10.8.0.0/16")
	b3.Subnet("subnet-8", "vpc-8", "10.8.0.0/24")
	b3.InternetGateway("igw-8", "vpc-8")
	b3.RouteTable("rtb-8", "vpc-8").Main().Route("0.0.0.0/0", "igw-8")
	b3.Lambda("fn", []string{"subnet-8"})
	p, err := Design(modeltest.Inventory(b1.Link(), b2.Link(), b3.Link()), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(p.Regions, func(r *RegionPlan) string { return r.Account + "/" + r.Region })
	if !slices.Equal(got, []string{acct + "/" + region, "444455556666/us-east-1"}) {
		t.Errorf("region plans %v", got)
	}
	// us-east-1's prices are not Tokyo's.
	var tokyo, virginia float64
	for _, it := range p.Cost.Items {
		if strings.Contains(it.What, "NAT gateway hours") {
			if strings.Contains(it.What, region) {
				tokyo = it.Monthly / it.Quantity
			} else {
				virginia = it.Monthly / it.Quantity
			}
		}
	}
	if math.Abs(tokyo-0.062) > 1e-9 || math.Abs(virginia-0.045) > 1e-9 {
		t.Errorf("NAT gateway per hour: %v in %s, %v in us-east-1; want the price table's", tokyo, region, virginia)
	}
}

// The price table: the embedded one is dated and sourced; a file
// overrides it; the estimate counts 730 hours a month.
func TestPrices(t *testing.T) {
	tab, from, err := loadPrices("")
	if err != nil || from != "embedded" || tab.Currency != "USD" || tab.Date == "" || !strings.Contains(tab.Source, "AWS") {
		t.Fatalf("embedded prices %+v from %q: %v", tab, from, err)
	}
	for _, r := range []string{"default", "us-east-1", "ap-northeast-1"} {
		if p := tab.Regions[r]; p.NATGatewayHour == 0 || p.PublicIPv4Hour == 0 || p.InterfaceEndpointAZHour == 0 {
			t.Errorf("region %s prices %+v", r, p)
		}
	}
	file := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(file, []byte(`{"currency": "USD", "date": "2026-01-01", "source": "test", "regions": {"default": {"nat_gateway_hour": 1, "public_ipv4_hour": 0.5}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := twoAZ()
	web := b.Instance("i-a", "subnet-pub-a", "sg-old")
	modeltest.SetPublicIP(web.ENIs[0], "203.0.113.10")
	p, _ := design(t, b.Link(), nil, Options{Prices: file, NAT: NATSingle})
	if p.Cost.PricesFrom != file || p.Cost.PricesDate != "2026-01-01" {
		t.Errorf("cost from %q dated %q", p.Cost.PricesFrom, p.Cost.PricesDate)
	}
	// One NAT gateway (730 h at 1) and its Elastic IP (730 h at 0.5), one
	// public address removed (-730 h at 0.5).
	if p.Cost.Monthly != 730 {
		t.Errorf("monthly %v, want 730: items %+v", p.Cost.Monthly, p.Cost.Items)
	}
	for _, bad := range []string{`{`, `{"currency": "USD", "date": "2026-01-01", "regions": {"default": {"nat_gateway_hour": -1}}}`,
		`{"currency": "USD", "date": "soon", "regions": {"default": {"nat_gateway_hour": 1}}}`, `{"currency": "USD", "date": "2026-01-01", "extra": 1}`} {
		if _, err := parsePrices([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// With flow logs, S3 traffic is priced through the gateway endpoint (a
// saving against NAT) and nothing is said to be not estimated.
func TestExampleCostWithFlowLogs(t *testing.T) {
	inv := loadExample(t)
	p, err := Design(inv, exampleEdges(t, inv), Options{ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(p.Cost.Comparisons, "\n")
	if !strings.Contains(all, "through the gateway endpoints instead of a NAT gateway saves") || strings.Contains(all, "not estimated (") {
		t.Errorf("comparisons:\n%s", all)
	}
	if !strings.Contains(all, "removing 6 saves") {
		t.Errorf("comparisons do not price the 6 public addresses removed:\n%s", all)
	}
}

// A full VPC gets a secondary block for its new subnets, and the new
// route tables route it locally.
func TestFullVPCGetsSecondaryBlock(t *testing.T) {
	b := modeltest.New(acct, region)
	b.VPC("vpc-1", "10.0.0.0/24")
	b.Subnet("subnet-pub-a", "vpc-1", "10.0.0.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Main().Associate("subnet-pub-a").Route("0.0.0.0/0", "igw-1")
	b.SecurityGroup("sg-old", "vpc-1")
	b.Instance("i-a", "subnet-pub-a", "sg-old")
	_, rp := design(t, b.Link(), nil, Options{})
	v := rp.VPCs[0]
	if v.SecondaryCIDR != "10.1.0.0/16" || len(v.Subnets) != 1 || v.Subnets[0].CIDR != "10.1.0.0/24" {
		t.Fatalf("secondary %q, subnets %+v", v.SecondaryCIDR, v.Subnets)
	}
	rt := routeTable(v, "rtb-new-private-1a")
	if rt == nil || len(rt.Routes) < 2 || rt.Routes[1] != (Route{Destination: "10.1.0.0/16", Target: "local"}) {
		t.Errorf("route table %+v: want local routes for both blocks", rt)
	}
}

// Without flow logs, only the compute roles the current configuration
// lets reach a database on its port need to (reach.Between,
// AWS-SEMANTICS.md §7).
func TestInferredDatabaseClients(t *testing.T) {
	b := twoAZ()
	b.SecurityGroup("sg-app", "vpc-1")
	b.SecurityGroup("sg-other", "vpc-1")
	b.SecurityGroup("sg-db", "vpc-1", modeltest.IngressFromGroup("tcp", 5432, 5432, "sg-app"))
	b.Instance("i-app", "subnet-pub-a", "sg-app").Tags = model.Tags{"Role": "app"}
	b.Instance("i-other", "subnet-pub-a", "sg-other").Tags = model.Tags{"Role": "other"}
	b.DBInstance("db-1", "", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-db")
	b.ENI("eni-db", "subnet-pub-a", "sg-db").Description = "RDSNetworkInterface"
	_, rp := design(t, b.Link(), nil, Options{})
	var got []string
	for _, n := range rp.Needed {
		if n.Dst.ID == "db-1" {
			got = append(got, n.Src.ID)
			if n.Basis != BasisInferred || n.Port != 5432 {
				t.Errorf("needed %+v: want inferred tcp/5432", n)
			}
		}
	}
	if !slices.Equal(got, []string{"i-app"}) {
		t.Errorf("database clients %v, want only i-app", got)
	}
}

// The plan never opens what is closed now (AWS-SEMANTICS.md §6): a
// listener that the load balancer's group does not admit from the
// internet is not a needed flow, gets no world-open rule, and the plan
// says why. (CloudMapper's demo account has one: HTTP:8000 behind a group
// that admits only 443.)
func TestClosedListenerStaysClosed_S6(t *testing.T) {
	b := twoAZ()
	b.SecurityGroup("sg-lb", "vpc-1", modeltest.Ingress("tcp", 443, 443, "0.0.0.0/0"))
	lb := b.LoadBalancer("lb", modeltest.InternetFacing, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-lb")
	b.Listen(lb, "HTTPS", 443)
	b.Listen(lb, "HTTP", 8000)
	for s, ip := range map[string]string{"a": "203.0.113.21", "c": "203.0.113.22"} {
		e := b.ENI("eni-lb-"+s, "subnet-pub-"+s, "sg-lb")
		e.Description, e.RequesterID = "ELB app/lb/0123456789abcdef", "amazon-elb"
		modeltest.SetPublicIP(e, ip)
	}
	p, rp := design(t, b.Link(), nil, Options{})
	for _, n := range rp.Needed {
		if n.Src.Kind == flows.KindInternet && n.Port == 8000 {
			t.Errorf("the internet → lb tcp/8000 is needed, though its group closes it now")
		}
	}
	open443 := false
	for _, g := range rp.Groups {
		for _, r := range g.Ingress {
			if r.CIDR == "0.0.0.0/0" && r.FromPort <= 8000 && 8000 <= r.ToPort {
				t.Errorf("%s opens tcp/8000 to the world", g.ID)
			}
			if r.CIDR == "0.0.0.0/0" && r.FromPort == 443 {
				open443 = true
			}
		}
	}
	if !open443 {
		t.Error("the open listener 443 lost its world-open rule")
	}
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "listener HTTP:8000 of lb is not reachable from the internet now") {
		t.Errorf("no warning about the closed listener: %q", p.Warnings)
	}
}

// Databases that already sit in private subnets stay there: the plan adds
// no isolated subnets that nothing would move into (the rebuilt example).
func TestNoIsolatedSubnetsWhenNoDatabaseMoves(t *testing.T) {
	b := twoAZ()
	b.Subnet("subnet-priv-a", "vpc-1", "10.0.10.0/24")
	b.Subnet("subnet-priv-c", "vpc-1", "10.0.11.0/24").AZ = region + "c"
	b.NATGateway("nat-1", "subnet-pub-a", "203.0.113.9")
	b.RouteTable("rtb-priv", "vpc-1").Associate("subnet-priv-a", "subnet-priv-c").Route("0.0.0.0/0", "nat-1")
	b.DBInstance("db-1", "", []string{"subnet-priv-a", "subnet-priv-c"}, "sg-old")
	_, rp := design(t, b.Link(), nil, Options{})
	if m := moveOf(t, rp, "db-1"); m.Method != MoveStay {
		t.Fatalf("db-1 moves by %s; it is already private", m.Method)
	}
	for _, v := range rp.VPCs {
		for _, s := range v.Subnets {
			if s.Tier == TierIsolated {
				t.Errorf("isolated subnet %s planned, though no database moves", s.ID)
			}
		}
	}
}
