package model

import (
	"net/netip"
	"strings"
	"testing"
)

func collected(calls ...Call) Coverage {
	var c Coverage
	for _, call := range calls {
		c.MarkCollected(call)
	}
	return c
}

func listed(e *ENI) *ENI {
	e.Origin = string(CallNetworkInterfaces)
	return e
}

// TestENIOwner pins how an interface's owner is recognised
// (AWS-SEMANTICS.md §1).
func TestENIOwner(t *testing.T) {
	alb := &Resource{Kind: KindLoadBalancer, ID: "web-alb", ARN: "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/web-alb/50dc6c495c0c9188", LoadBalancer: &LoadBalancer{Type: LBApplication}}
	clb := &Resource{Kind: KindLoadBalancer, ID: "legacy", LoadBalancer: &LoadBalancer{Type: LBClassic}}
	fn := &Resource{Kind: KindLambda, ID: "order-notifier", SubnetIDs: []string{"subnet-a"}, SecurityGroupIDs: []string{"sg-l"}}
	cache := &Resource{Kind: KindCacheCluster, ID: "redis-001"}
	inst := &Resource{Kind: KindInstance, ID: "i-1"}
	tests := []struct {
		name      string
		eni       ENI
		wantKind  OwnerKind
		wantOwner *Resource
		wantID    string
	}{
		{"Attachment.InstanceId", ENI{InstanceID: "i-1", InterfaceType: "interface"}, OwnerInstance, inst, "i-1"},
		{"instance not collected", ENI{InstanceID: "i-9"}, OwnerInstance, nil, "i-9"},
		{"ALB by description", ENI{Description: "ELB app/web-alb/50dc6c495c0c9188", RequesterID: "amazon-elb"}, OwnerLoadBalancer, alb, "web-alb"},
		{"NLB not collected", ENI{Description: "ELB net/api-nlb/0123456789abcdef", InterfaceType: "network_load_balancer"}, OwnerLoadBalancer, nil, "api-nlb"},
		{"classic LB", ENI{Description: "ELB legacy", RequesterID: "amazon-elb"}, OwnerLoadBalancer, clb, "legacy"},
		{"NAT gateway", ENI{Description: "Interface for NAT Gateway nat-0abc", InterfaceType: "nat_gateway"}, OwnerNATGateway, nil, "nat-0abc"},
		{"interface endpoint", ENI{Description: "VPC Endpoint Interface vpce-0abc", InterfaceType: "vpc_endpoint"}, OwnerVPCEndpoint, nil, "vpce-0abc"},
		{"Lambda by description", ENI{Description: "AWS Lambda VPC ENI-order-notifier-6a7e8b2c-1d3f-4e5a-9b0c-2d4f6e8a0b1c", InterfaceType: "lambda"}, OwnerLambda, fn, "order-notifier"},
		{"Lambda hyperplane by subnet and groups", ENI{InterfaceType: "lambda", SubnetID: "subnet-a", SecurityGroupIDs: []string{"sg-l"}}, OwnerLambda, fn, "order-notifier"},
		{"ElastiCache", ENI{Description: "ElastiCache redis-001", RequesterID: "amazon-elasticache"}, OwnerElastiCache, cache, "redis-001"},
		{"ECS task not described", ENI{Description: "arn:aws:ecs:ap-northeast-1:111122223333:attachment/4d1f"}, OwnerECSTask, nil, "arn:aws:ecs:ap-northeast-1:111122223333:attachment/4d1f"},
		{"ECS task on EC2: attachment before InstanceId", ENI{InstanceID: "i-1", Description: "arn:aws:ecs:ap-northeast-1:111122223333:attachment/77ab"}, OwnerECSTask, nil, "arn:aws:ecs:ap-northeast-1:111122223333:attachment/77ab"},
		{"other AWS service", ENI{Description: "EFS mount target for fs-1", RequesterManaged: true}, OwnerOtherAWS, nil, "EFS mount target for fs-1"},
		{"unattached", ENI{Status: "available"}, OwnerUnattached, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.eni
			e.ID = "eni-test"
			r := &Region{Coverage: collected(CallNetworkInterfaces), ENIs: []*ENI{listed(&e)}}
			// Fresh copies: Link mutates resources.
			for _, res := range []*Resource{alb, clb, fn, cache, inst} {
				c := *res
				c.ENIs = nil
				r.Resources = append(r.Resources, &c)
			}
			r.Link()
			got := r.ENI("eni-test").Owner
			if got.Kind != tt.wantKind || got.ID != tt.wantID {
				t.Fatalf("owner = %s %q, want %s %q (basis %s)", got.Kind, got.ID, tt.wantKind, tt.wantID, got.Basis)
			}
			if tt.wantOwner == nil {
				if got.Resource != nil {
					t.Fatalf("owner resource = %s, want none", got.Resource.ID)
				}
				return
			}
			if got.Resource == nil || got.Resource.ID != tt.wantOwner.ID {
				t.Fatalf("owner resource = %v, want %s", got.Resource, tt.wantOwner.ID)
			}
			if len(got.Resource.ENIs) != 1 || got.Resource.ENIs[0].ID != "eni-test" {
				t.Fatalf("resource does not list the interface: %v", got.Resource.ENIs)
			}
		})
	}
}

// TestRDSInterfaceAttribution: "RDSNetworkInterface" does not name the DB
// instance (§1); groups, subnet group, AZ and public address decide, and a
// tie stays ambiguous rather than guessed.
func TestRDSInterfaceAttribution(t *testing.T) {
	db := func(id, az string, public bool) *Resource {
		return &Resource{Kind: KindDBInstance, ID: id, VPCID: "vpc-1", SubnetIDs: []string{"subnet-a", "subnet-c"}, SecurityGroupIDs: []string{"sg-db"}, DB: &DBInstanceInfo{AZ: az, PubliclyAccessible: public}}
	}
	pub := netip.MustParseAddr("13.113.172.240")
	eni := func(id, subnet, az string, public bool) *ENI {
		e := &ENI{ID: id, VPCID: "vpc-1", SubnetID: subnet, AZ: az, Description: "RDSNetworkInterface", RequesterID: "amazon-rds", SecurityGroupIDs: []string{"sg-db"}, Addresses: []AddressPair{{Private: netip.MustParseAddr("10.0.0.8")}}}
		if public {
			e.Addresses[0].Public = pub
		}
		return listed(e)
	}
	r := &Region{
		Coverage:  collected(CallNetworkInterfaces),
		Resources: []*Resource{db("writer", "ap-northeast-1a", true), db("reader", "ap-northeast-1c", false), db("twin-a", "", false), db("twin-b", "", false)},
		ENIs: []*ENI{
			eni("eni-w", "subnet-a", "ap-northeast-1a", true),
			eni("eni-r", "subnet-c", "ap-northeast-1c", false),
			eni("eni-x", "subnet-z", "ap-northeast-1a", false), // subnet in no subnet group
		},
	}
	// twin-a and twin-b differ from the others only in AZ being unknown;
	// give them their own group so that they tie with each other only.
	r.Resources[2].SecurityGroupIDs = []string{"sg-twin"}
	r.Resources[3].SecurityGroupIDs = []string{"sg-twin"}
	tw := eni("eni-t", "subnet-a", "", false)
	tw.SecurityGroupIDs = []string{"sg-twin"}
	r.ENIs = append(r.ENIs, tw)
	r.Link()
	if o := r.ENI("eni-w").Owner; o.Resource == nil || o.Resource.ID != "writer" {
		t.Errorf("eni-w owner = %+v, want writer (AZ and public address agree)", o)
	}
	if o := r.ENI("eni-r").Owner; o.Resource == nil || o.Resource.ID != "reader" {
		t.Errorf("eni-r owner = %+v, want reader", o)
	}
	if o := r.ENI("eni-x").Owner; o.Resource != nil || o.Kind != OwnerRDS {
		t.Errorf("eni-x owner = %+v, want RDS with no resource", o)
	}
	o := r.ENI("eni-t").Owner
	if o.Resource != nil || len(o.Candidates) != 2 || !strings.Contains(o.Basis, "ambiguous") {
		t.Errorf("eni-t owner = %+v, want ambiguous between twin-a and twin-b", o)
	}
	if twin := r.Resource(KindDBInstance, "twin-a"); len(twin.MaybeENIs) != 1 || len(twin.ENIs) != 0 {
		t.Errorf("twin-a ENIs %v maybe %v; want the interface only as a maybe", twin.ENIs, twin.MaybeENIs)
	}
}

// TestReconcileENIs: interfaces are joined from both sides; the ENI list's
// description wins, the resource's own fills gaps, and conflicting claims
// keep every description with a note (CloudMapper's demo has three
// instances on one ENI ID).
func TestReconcileENIs(t *testing.T) {
	stub := func(id, subnet, ip string) *ENI {
		return &ENI{ID: id, SubnetID: subnet, Addresses: []AddressPair{{Private: netip.MustParseAddr(ip)}}, Origin: string(CallInstances)}
	}
	r := &Region{
		Coverage: collected(CallNetworkInterfaces, CallInstances),
		ENIs:     []*ENI{listed(&ENI{ID: "eni-listed", SubnetID: "subnet-a", InstanceID: "i-1", SecurityGroupIDs: []string{"sg-1"}})},
		Resources: []*Resource{
			{Kind: KindInstance, ID: "i-1", ENIs: []*ENI{stub("eni-listed", "subnet-a", "10.0.0.1")}},
			{Kind: KindInstance, ID: "i-2", ENIs: []*ENI{stub("eni-dup", "subnet-a", "10.0.0.2")}},
			{Kind: KindInstance, ID: "i-3", ENIs: []*ENI{stub("eni-dup", "subnet-b", "10.0.1.3")}},
			{Kind: KindInstance, ID: "i-4", ENIs: []*ENI{stub("eni-only-here", "subnet-c", "10.0.2.4")}},
		},
	}
	r.Link()
	i1 := r.Resource(KindInstance, "i-1")
	if len(i1.ENIs) != 1 || i1.ENIs[0].Origin != string(CallNetworkInterfaces) || i1.ENIs[0].Addresses[0].Private.String() != "10.0.0.1" {
		t.Errorf("i-1 should use the listed ENI with its address filled from the instance: %+v", i1.ENIs[0])
	}
	if got := i1.SecurityGroupIDs; len(got) != 1 || got[0] != "sg-1" {
		t.Errorf("i-1 groups = %v, want the listed ENI's sg-1", got)
	}
	i2, i3 := r.Resource(KindInstance, "i-2"), r.Resource(KindInstance, "i-3")
	if i2.ENIs[0] == i3.ENIs[0] || i2.SubnetIDs[0] != "subnet-a" || i3.SubnetIDs[0] != "subnet-b" {
		t.Errorf("i-2 and i-3 must keep their own descriptions of eni-dup: %v %v", i2.SubnetIDs, i3.SubnetIDs)
	}
	notes := ""
	for _, n := range r.Notes {
		notes += n.Subject + ": " + n.Text + "\n"
	}
	for _, want := range []string{"eni-dup: network interface eni-dup is claimed by 2 resources", "eni-only-here: eni-only-here is described by EC2 instance i-4 but is not in ec2-describe-network-interfaces"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if len(r.ENIs) != 4 {
		t.Errorf("region has %d interfaces, want 4 (listed, two eni-dup, eni-only-here)", len(r.ENIs))
	}
}

// TestPublicSubnet pins §4: public = an active route to an internet gateway
// attached to the subnet's VPC, via an explicit association or the main
// table; unknown when route tables were not collected.
func TestPublicSubnet(t *testing.T) {
	igwRoute := func(dst string) Route {
		return Route{Destination: netip.MustParsePrefix(dst), TargetKind: TargetInternetGateway, TargetID: "igw-1"}
	}
	local := Route{Destination: netip.MustParsePrefix("10.0.0.0/16"), TargetKind: TargetLocal, TargetID: "local"}
	nat := Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: TargetNATGateway, TargetID: "nat-1"}
	blackhole := igwRoute("0.0.0.0/0")
	blackhole.Blackhole = true
	eigw := Route{Destination: netip.MustParsePrefix("::/0"), TargetKind: TargetEgressOnlyGateway, TargetID: "eigw-1"}
	tests := []struct {
		name     string
		routes   []Route
		explicit bool
		igwVPC   string // the VPC the gateway is attached to; "" = detached
		calls    []Call
		want     Tristate
	}{
		{"default route to igw, main table", []Route{local, igwRoute("0.0.0.0/0")}, false, "vpc-1", nil, Yes},
		{"default route to igw, explicit association", []Route{local, igwRoute("0.0.0.0/0")}, true, "vpc-1", nil, Yes},
		{"IPv6 default route to igw", []Route{local, igwRoute("::/0")}, true, "vpc-1", nil, Yes},
		{"narrow route to igw still public", []Route{local, igwRoute("203.0.113.0/24")}, true, "vpc-1", nil, Yes},
		{"NAT only is private", []Route{local, nat}, true, "vpc-1", nil, No},
		{"egress-only igw is private", []Route{local, eigw}, true, "vpc-1", nil, No},
		{"blackhole igw route is private", []Route{local, blackhole}, true, "vpc-1", nil, No},
		{"igw attached elsewhere is private", []Route{local, igwRoute("0.0.0.0/0")}, true, "vpc-2", nil, No},
		{"igw detached is private", []Route{local, igwRoute("0.0.0.0/0")}, true, "", nil, No},
		{"igw list not collected: assume attached", []Route{local, igwRoute("0.0.0.0/0")}, true, "", []Call{CallRouteTables}, Yes},
		{"route tables not collected: unknown", []Route{local, igwRoute("0.0.0.0/0")}, true, "vpc-1", []Call{CallInternetGateways}, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := tt.calls
			if calls == nil {
				calls = []Call{CallRouteTables, CallInternetGateways}
			}
			rt := &RouteTable{ID: "rtb-1", VPCID: "vpc-1", Routes: tt.routes}
			main := &RouteTable{ID: "rtb-main", VPCID: "vpc-1", Main: true, Routes: []Route{local}}
			if tt.explicit {
				rt.SubnetIDs = []string{"subnet-1"}
			} else {
				rt, main = main, rt
				rt.Main, main.Main = false, true
			}
			igw := &InternetGateway{ID: "igw-1"}
			if tt.igwVPC != "" {
				igw.Attached = []string{tt.igwVPC}
			}
			r := &Region{
				Coverage:         collected(calls...),
				Subnets:          []*Subnet{{ID: "subnet-1", VPCID: "vpc-1"}},
				RouteTables:      []*RouteTable{rt, main},
				InternetGateways: []*InternetGateway{igw},
			}
			r.Link()
			s := r.Subnet("subnet-1")
			if s.Public != tt.want {
				t.Fatalf("Public = %v, want %v", s.Public, tt.want)
			}
			if tt.want == Yes && (s.PublicRoute == nil || s.PublicRoute.TargetID != "igw-1") {
				t.Fatalf("PublicRoute = %+v, want the igw route as evidence", s.PublicRoute)
			}
		})
	}
}

func TestSubnetWithoutAnyRouteTableIsUnknown(t *testing.T) {
	r := &Region{Coverage: collected(CallRouteTables), Subnets: []*Subnet{{ID: "subnet-1", VPCID: "vpc-1"}}}
	r.Link()
	if r.Subnet("subnet-1").Public != Unknown || len(r.Notes) != 1 {
		t.Fatalf("want Unknown and a note, got %v %v", r.Subnet("subnet-1").Public, r.Notes)
	}
}

// TestRoles pins role derivation (PRODUCT.md, Roles).
func TestRoles(t *testing.T) {
	inst := func(id, name string, tags Tags) *Resource {
		if tags == nil {
			tags = Tags{}
		}
		if name != "" {
			tags["Name"] = name
		}
		return &Resource{Kind: KindInstance, ID: id, Name: name, Tags: tags, Instance: &InstanceInfo{AutoScalingGroup: tags["aws:autoscaling:groupName"]}}
	}
	r := &Region{
		TargetGroups: []*TargetGroup{{Name: "web-tg", TargetType: "instance", Targets: []Target{{ID: "i-web1"}, {ID: "i-web2"}}}},
		Resources: []*Resource{
			inst("i-web1", "web-01", nil),
			inst("i-web2", "something-else", nil), // the target group wins over the Name tag
			inst("i-batch1", "batch-1", nil),
			inst("i-batch2", "batch-2", nil),
			inst("i-asg", "worker", Tags{"aws:autoscaling:groupName": "workers"}),
			inst("i-tagged", "x", Tags{"Role": "api"}),
			inst("i-lonely", "", nil),
			{Kind: KindDBInstance, ID: "aurora-1", DB: &DBInstanceInfo{ClusterID: "aurora"}},
			{Kind: KindDBInstance, ID: "aurora-2", DB: &DBInstanceInfo{ClusterID: "aurora"}},
			{Kind: KindDBInstance, ID: "mysql", DB: &DBInstanceInfo{}},
			{Kind: KindCacheCluster, ID: "redis-001", Cache: &CacheInfo{ReplicationGroup: "redis"}},
			{Kind: KindCacheCluster, ID: "redis-002", Cache: &CacheInfo{ReplicationGroup: "redis"}},
			{Kind: KindLambda, ID: "fn"},
			{Kind: KindECSTask, ID: "task-1", ECS: &ECSInfo{Family: "nightly-report"}},
			{Kind: KindECSTask, ID: "task-2", ECS: &ECSInfo{Family: "nightly-report"}},
			// Interface endpoints of AWS services in one VPC are one role;
			// another VPC's, and an endpoint to a non-AWS service, are not.
			{Kind: KindVPCEndpoint, ID: "vpce-ssm", Name: "com.amazonaws.ap-northeast-1.ssm", VPCID: "vpc-1"},
			{Kind: KindVPCEndpoint, ID: "vpce-logs", Name: "com.amazonaws.ap-northeast-1.logs", VPCID: "vpc-1"},
			{Kind: KindVPCEndpoint, ID: "vpce-other-vpc", Name: "com.amazonaws.ap-northeast-1.ssm", VPCID: "vpc-2"},
			{Kind: KindVPCEndpoint, ID: "vpce-partner", Name: "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0", VPCID: "vpc-1"},
		},
	}
	r.Link()
	want := map[string]string{
		"i-web1": "ec2-instance/lb:web-tg", "i-web2": "ec2-instance/lb:web-tg",
		"i-batch1": "ec2-instance/name:batch", "i-batch2": "ec2-instance/name:batch",
		"i-asg": "ec2-instance/asg:workers", "i-tagged": "ec2-instance/tag:api", "i-lonely": "ec2-instance/self:i-lonely",
		"aurora-1": "rds-db-instance/cluster:aurora", "aurora-2": "rds-db-instance/cluster:aurora", "mysql": "rds-db-instance/self:mysql",
		"redis-001": "elasticache-cluster/rg:redis", "redis-002": "elasticache-cluster/rg:redis", "fn": "lambda-function/self:fn",
		"task-1": "ecs-task/family:nightly-report", "task-2": "ecs-task/family:nightly-report",
		"vpce-ssm": "vpc-endpoint/aws-endpoints:vpc-1", "vpce-logs": "vpc-endpoint/aws-endpoints:vpc-1",
		"vpce-other-vpc": "vpc-endpoint/aws-endpoints:vpc-2", "vpce-partner": "vpc-endpoint/self:vpce-partner",
	}
	for _, res := range r.Resources {
		if res.Role == nil || res.Role.ID != want[res.ID] {
			t.Errorf("%s role = %v, want %s", res.ID, res.Role, want[res.ID])
		}
	}
	if len(r.Roles) != 13 {
		t.Errorf("%d roles, want 13", len(r.Roles))
	}
}

// TestECSServiceFolding: tasks of a service become one service resource
// holding their interfaces; the service is what findings name.
func TestECSServiceFolding(t *testing.T) {
	cluster := "arn:aws:ecs:ap-northeast-1:111122223333:cluster/main"
	task := func(id, service, eni string) *Resource {
		return &Resource{Kind: KindECSTask, ID: id, ECS: &ECSInfo{Cluster: cluster, Service: service}, ENIs: []*ENI{{ID: eni, SubnetID: "subnet-a", Origin: string(CallECSTasks)}}}
	}
	r := &Region{
		ECSServices: []*ECSService{{Cluster: cluster, Name: "api", ARN: "arn:svc/api", SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroupIDs: []string{"sg-api"}}},
		Resources:   []*Resource{task("t1", "api", "eni-1"), task("t2", "api", "eni-2"), task("t3", "worker", "eni-3"), task("t4", "", "eni-4")},
	}
	r.Link()
	api := r.Resource(KindECSService, "arn:svc/api")
	if api == nil || len(api.ENIs) != 2 || len(api.ECS.TaskARNs) != 2 || len(api.SubnetIDs) != 2 {
		t.Fatalf("api service = %+v", api)
	}
	if api.Label() != "api (cluster main)" {
		t.Errorf("label = %q", api.Label())
	}
	if w := r.Resource(KindECSService, cluster+"/worker"); w == nil || len(w.ENIs) != 1 {
		t.Errorf("worker service made from its task's group missing: %+v", w)
	}
	if r.Resource(KindECSTask, "t4") == nil || r.Resource(KindECSTask, "t1") != nil {
		t.Errorf("standalone task t4 must stay a task; t1 must be folded")
	}
	if o := r.ENI("eni-1").Owner; o.Resource != api {
		t.Errorf("eni-1 owner = %+v, want the api service", o)
	}
}

func TestLinkTwicePanics(t *testing.T) {
	r := &Region{}
	r.Link()
	defer func() {
		if recover() == nil {
			t.Fatal("second Link did not panic")
		}
	}()
	r.Link()
}

// TestRDSOwnerWithoutDBDetail: a source that leaves DB nil must not crash
// Link (found by fuzzing).
func TestRDSOwnerWithoutDBDetail(t *testing.T) {
	r := &Region{
		Coverage:  collected(CallNetworkInterfaces),
		Resources: []*Resource{{Kind: KindDBInstance, ID: "a", SecurityGroupIDs: []string{"sg-1"}}, {Kind: KindDBInstance, ID: "b", SecurityGroupIDs: []string{"sg-1"}}},
		ENIs:      []*ENI{listed(&ENI{ID: "eni-1", AZ: "us-east-1a", Description: "RDSNetworkInterface", SecurityGroupIDs: []string{"sg-1"}})},
	}
	r.Link()
	if o := r.ENI("eni-1").Owner; len(o.Candidates) != 2 {
		t.Errorf("owner = %+v, want both DB instances as candidates", o)
	}
}

// TestListedENIClaimedByTwoResources: the first claimant holds the listed
// description, the second keeps its own, and both are noted.
func TestListedENIClaimedByTwoResources(t *testing.T) {
	r := &Region{
		Coverage: collected(CallNetworkInterfaces),
		ENIs:     []*ENI{listed(&ENI{ID: "eni-1", SubnetID: "subnet-a"})},
		Resources: []*Resource{
			{Kind: KindNATGateway, ID: "nat-1", ENIs: []*ENI{{ID: "eni-1", Origin: string(CallNATGateways)}}},
			{Kind: KindVPCEndpoint, ID: "vpce-1", ENIs: []*ENI{{ID: "eni-1", Origin: string(CallVPCEndpoints)}}},
		},
	}
	r.Link()
	nat, vpce := r.Resource(KindNATGateway, "nat-1"), r.Resource(KindVPCEndpoint, "vpce-1")
	if nat.ENIs[0] == vpce.ENIs[0] {
		t.Fatal("two resources share one *ENI")
	}
	if nat.ENIs[0].Owner.Resource != nat || vpce.ENIs[0].Owner.Resource != vpce {
		t.Errorf("owners: nat %v, vpce %v", nat.ENIs[0].Owner.ID, vpce.ENIs[0].Owner.ID)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0].Text, "claimed by 2 resources") {
		t.Errorf("notes = %v", r.Notes)
	}
}

// TestECSTaskInterfaceGetsServiceGroups: describe-tasks does not name a
// task interface's groups; when the ENI list lacks it, the service's
// awsvpc configuration does.
func TestECSTaskInterfaceGetsServiceGroups(t *testing.T) {
	cluster := "arn:aws:ecs:us-east-1:123456789012:cluster/c"
	r := &Region{
		Coverage:       collected(CallNetworkInterfaces, CallSecurityGroups),
		Subnets:        []*Subnet{{ID: "subnet-a", VPCID: "vpc-1"}},
		SecurityGroups: []*SecurityGroup{{ID: "sg-api"}},
		ECSServices:    []*ECSService{{Cluster: cluster, Name: "api", ARN: "arn:svc", SecurityGroupIDs: []string{"sg-api"}}},
		Resources:      []*Resource{{Kind: KindECSTask, ID: "t1", ECS: &ECSInfo{Cluster: cluster, Service: "api"}, ENIs: []*ENI{{ID: "eni-t", SubnetID: "subnet-a", Origin: string(CallECSTasks)}}}},
	}
	r.Link()
	e := r.ENI("eni-t")
	if len(e.SecurityGroupIDs) != 1 || e.SecurityGroupIDs[0] != "sg-api" || e.VPCID != "vpc-1" {
		t.Errorf("task interface = %+v", e)
	}
	if g := r.SecurityGroup("sg-api"); len(g.ENIs) != 1 {
		t.Errorf("sg-api interfaces = %v", g.ENIs)
	}
}

// TestRouteToUnlistedInternetGateway: a collected gateway list that lacks
// the gateway a route names disagrees with the route table; the subnet is
// taken as public (over-approximation, AWS-SEMANTICS.md) and a note says so.
func TestRouteToUnlistedInternetGateway(t *testing.T) {
	r := &Region{
		Coverage:    collected(CallRouteTables, CallInternetGateways),
		Subnets:     []*Subnet{{ID: "subnet-1", VPCID: "vpc-1"}},
		RouteTables: []*RouteTable{{ID: "rtb-1", VPCID: "vpc-1", Main: true, Routes: []Route{{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: TargetInternetGateway, TargetID: "igw-gone"}}}},
	}
	r.Link()
	if r.Subnet("subnet-1").Public != Yes {
		t.Errorf("Public = %v, want yes", r.Subnet("subnet-1").Public)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0].Text, "igw-gone, which is not in ec2-describe-internet-gateways") {
		t.Errorf("notes = %v", r.Notes)
	}
}

// TestIncompleteCallIsNotCollected: a result cut short by a pagination
// token is not "collected" for conclusions (Coverage.Has).
func TestIncompleteCallIsNotCollected(t *testing.T) {
	var c Coverage
	c.MarkCollected(CallSubnets)
	c.MarkIncomplete(CallSubnets, "incomplete")
	if c.Has(CallSubnets) || len(c.Missing) != 1 {
		t.Errorf("Has = %v, missing %v", c.Has(CallSubnets), c.Missing)
	}
}

// TestSharedLambdaInterface: a Hyperplane ENI serves every function with
// its subnet and groups (AWS-SEMANTICS.md §1); the one its description
// names owns it, the others share it.
func TestSharedLambdaInterface(t *testing.T) {
	fn := func(id string) *Resource {
		return &Resource{Kind: KindLambda, ID: id, SubnetIDs: []string{"subnet-a"}, SecurityGroupIDs: []string{"sg-l"}}
	}
	r := &Region{
		Coverage:  collected(CallNetworkInterfaces),
		Resources: []*Resource{fn("orders"), fn("mailer"), {Kind: KindLambda, ID: "other", SubnetIDs: []string{"subnet-b"}, SecurityGroupIDs: []string{"sg-l"}}},
		ENIs:      []*ENI{listed(&ENI{ID: "eni-l", InterfaceType: "lambda", SubnetID: "subnet-a", SecurityGroupIDs: []string{"sg-l"}, Description: "AWS Lambda VPC ENI-orders-6a7e8b2c-1d3f-4e5a-9b0c-2d4f6e8a0b1c"})},
	}
	r.Link()
	o := r.ENI("eni-l").Owner
	if o.Resource == nil || o.Resource.ID != "orders" || len(o.Candidates) != 1 || o.Candidates[0].ID != "mailer" {
		t.Fatalf("owner = %+v", o)
	}
	if m := r.Resource(KindLambda, "mailer"); len(m.MaybeENIs) != 1 {
		t.Errorf("mailer shares no interface: %v", m.MaybeENIs)
	}
	if other := r.Resource(KindLambda, "other"); len(other.MaybeENIs)+len(other.ENIs) != 0 {
		t.Errorf("a function in another subnet got the interface")
	}
}
