package plan

// A hand-made plan for the bundled "before" example
// (examples/startup-all-public), following the conventions of the shared
// brief, for testing the Terraform writer while Design is written. It is
// roughly examples/startup-rebuilt: private subnets in 1a and 1c, isolated
// subnets in every AZ, a NAT gateway per AZ, endpoints, one group per role.

const (
	tfVPC      = "vpc-0a1b2c3d4e5f60001"
	tfPublic1a = "subnet-0a1b2c3d4e5f60011"
	tfPublic1c = "subnet-0a1b2c3d4e5f60012"
	tfPublic1d = "subnet-0a1b2c3d4e5f60013"
	fxSGDef    = "sg-0a1b2c3d4e5f60101"
	fxSGALB    = "sg-0a1b2c3d4e5f60102"
	fxSGCommon = "sg-0a1b2c3d4e5f60103"
	fxSGSSH    = "sg-0a1b2c3d4e5f60104"
	fxECS      = "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api"
	fxFormat   = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)

func fxRule(proto string, port int, group, cidr, basis, desc string) *Rule {
	return &Rule{Protocol: proto, FromPort: port, ToPort: port, Group: group, CIDR: cidr,
		Description: desc, Basis: basis, Evidence: "fixture: " + desc}
}

func fxGroup(id, name, role string, members []string, ingress, egress []*Rule) *Group {
	return &Group{ID: id, Name: name, VPCID: tfVPC, Role: role, Description: "oyatsu " + name + " (vpcdoctor plan)",
		Members: members, Ingress: ingress, Egress: egress}
}

// terraformFixturePlan returns a fresh plan on every call (tests change it).
func terraformFixturePlan() *Plan {
	isolated := []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"}
	private := []string{"subnet-new-private-1a", "subnet-new-private-1c"}
	https := func(g string) *Rule { return fxRule("tcp", 443, g, "", "endpoint", "HTTPS to the interface endpoints") }
	outHTTPS := fxRule("tcp", 443, "", "0.0.0.0/0", "flow-logs", "HTTPS through NAT: AWS APIs and S3")
	db := func(g, who string) *Rule { return fxRule("tcp", 3306, g, "", "flow-logs", "MySQL from "+who) }
	cache := func(g, who string) *Rule { return fxRule("tcp", 6379, g, "", "flow-logs", "Redis from "+who) }
	rp := &RegionPlan{
		Account: "111122223333",
		Region:  "ap-northeast-1",
		VPCs: []*VPCPlan{{
			VPCID:         tfVPC,
			Name:          "oyatsu-vpc",
			CIDRs:         []string{"10.0.0.0/16"},
			AZs:           []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
			PublicSubnets: []string{tfPublic1a, tfPublic1c, tfPublic1d},
			Subnets: []*Subnet{
				{ID: "subnet-new-isolated-1a", Name: "oyatsu-isolated-1a", VPCID: tfVPC, AZ: "ap-northeast-1a", CIDR: "10.0.20.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
				{ID: "subnet-new-isolated-1c", Name: "oyatsu-isolated-1c", VPCID: tfVPC, AZ: "ap-northeast-1c", CIDR: "10.0.21.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
				{ID: "subnet-new-isolated-1d", Name: "oyatsu-isolated-1d", VPCID: tfVPC, AZ: "ap-northeast-1d", CIDR: "10.0.22.0/24", Tier: TierIsolated, RouteTable: "rtb-new-isolated"},
				{ID: "subnet-new-private-1a", Name: "oyatsu-private-1a", VPCID: tfVPC, AZ: "ap-northeast-1a", CIDR: "10.0.10.0/24", Tier: TierPrivate, RouteTable: "rtb-new-private-1a"},
				{ID: "subnet-new-private-1c", Name: "oyatsu-private-1c", VPCID: tfVPC, AZ: "ap-northeast-1c", CIDR: "10.0.11.0/24", Tier: TierPrivate, RouteTable: "rtb-new-private-1c"},
			},
			RouteTables: []*RouteTable{
				{ID: "rtb-new-isolated", Name: "oyatsu-isolated", VPCID: tfVPC, Subnets: isolated,
					Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}}},
				{ID: "rtb-new-private-1a", Name: "oyatsu-private-1a", VPCID: tfVPC, Subnets: []string{"subnet-new-private-1a"},
					Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}, {Destination: "0.0.0.0/0", Target: "nat-new-1a"}}},
				{ID: "rtb-new-private-1c", Name: "oyatsu-private-1c", VPCID: tfVPC, Subnets: []string{"subnet-new-private-1c"},
					Routes: []Route{{Destination: "10.0.0.0/16", Target: "local"}, {Destination: "0.0.0.0/0", Target: "nat-new-1c"}}},
			},
			NATGateways: []*NATGateway{
				{ID: "nat-new-1a", Subnet: tfPublic1a, AZ: "ap-northeast-1a", AllocationID: "eipalloc-new-1a", Serves: []string{"ap-northeast-1a"}},
				{ID: "nat-new-1c", Subnet: tfPublic1c, AZ: "ap-northeast-1c", AllocationID: "eipalloc-new-1c", Serves: []string{"ap-northeast-1c"}},
			},
			Endpoints: []*Endpoint{
				{ID: "vpce-new-dynamodb", Service: "com.amazonaws.ap-northeast-1.dynamodb", Type: "Gateway",
					RouteTables: []string{"rtb-new-private-1a", "rtb-new-private-1c"}, Reason: "free; DynamoDB without NAT data charges"},
				{ID: "vpce-new-logs", Service: "com.amazonaws.ap-northeast-1.logs", Type: "Interface", Subnets: private,
					Groups: []string{"sg-new-endpoints"}, PrivateDNS: true, Reason: "CloudWatch Logs seen in flow logs"},
				{ID: "vpce-new-s3", Service: "com.amazonaws.ap-northeast-1.s3", Type: "Gateway",
					RouteTables: []string{"rtb-new-private-1a", "rtb-new-private-1c"}, Reason: "free; S3 without NAT data charges"},
				{ID: "vpce-new-ssm", Service: "com.amazonaws.ap-northeast-1.ssm", Type: "Interface", Subnets: private,
					Groups: []string{"sg-new-endpoints"}, PrivateDNS: true, Reason: "Session Manager replaces SSH"},
			},
			FlowLog: &FlowLog{ID: "fl-new-" + tfVPC, Destination: "s3://oyatsu-flow-logs/vpc", Format: fxFormat},
			Reasons: []string{"Everything ran in public subnets."},
		}},
		Groups: []*Group{
			fxGroup("sg-new-batch", "oyatsu-batch", "ec2-instance/tag:batch", []string{"i-0a1b2c3d4e5f60303"}, nil,
				[]*Rule{outHTTPS, db("sg-new-oyatsu-aurora", "batch"), cache("sg-new-oyatsu-redis", "batch")}),
			fxGroup("sg-new-client-vpn", "oyatsu-client-vpn", "", nil, nil,
				[]*Rule{db("sg-new-oyatsu-aurora", "Client VPN"), cache("sg-new-oyatsu-redis", "Client VPN")}),
			fxGroup("sg-new-endpoints", "oyatsu-endpoints", "", nil,
				[]*Rule{https("sg-new-batch"), https("sg-new-oyatsu-api"), https("sg-new-oyatsu-order-notifier"), https("sg-new-web")}, nil),
			fxGroup("sg-new-oyatsu-api", "oyatsu-api", "ecs-service/service:"+fxECS, []string{fxECS},
				[]*Rule{fxRule("tcp", 8080, "sg-new-web", "", "flow-logs", "API from web"), fxRule("tcp", 8080, "sg-new-oyatsu-api", "", "flow-logs", "API from its own tasks")},
				[]*Rule{outHTTPS, db("sg-new-oyatsu-aurora", "api"), cache("sg-new-oyatsu-redis", "api"), fxRule("tcp", 8080, "sg-new-oyatsu-api", "", "flow-logs", "API to its own tasks")}),
			fxGroup("sg-new-oyatsu-aurora", "oyatsu-aurora", "rds-db-instance/cluster:oyatsu-aurora", []string{"oyatsu-aurora-instance-1", "oyatsu-aurora-instance-2"},
				[]*Rule{db("sg-new-batch", "batch"), fxRule("tcp", 3306, "sg-new-client-vpn", "", "client-vpn", "MySQL from Client VPN users"), db("sg-new-oyatsu-api", "api"), db("sg-new-oyatsu-order-notifier", "notifier"), db("sg-new-web", "web")}, nil),
			fxGroup("sg-new-oyatsu-order-notifier", "oyatsu-order-notifier", "lambda-function/self:oyatsu-order-notifier", []string{"oyatsu-order-notifier"}, nil,
				[]*Rule{outHTTPS, db("sg-new-oyatsu-aurora", "notifier")}),
			fxGroup("sg-new-oyatsu-redis", "oyatsu-redis", "elasticache-cluster/rg:oyatsu-redis", []string{"oyatsu-redis-001"},
				[]*Rule{cache("sg-new-batch", "batch"), fxRule("tcp", 6379, "sg-new-client-vpn", "", "client-vpn", "Redis from Client VPN users"), cache("sg-new-oyatsu-api", "api"), cache("sg-new-web", "web")}, nil),
			fxGroup("sg-new-oyatsu-web-alb", "oyatsu-web-alb", "load-balancer/self:oyatsu-web-alb", []string{"oyatsu-web-alb"},
				[]*Rule{
					fxRule("tcp", 80, "", "0.0.0.0/0", "listener", "HTTP listener (redirects to HTTPS)"),
					fxRule("tcp", 80, "", "::/0", "listener", "HTTP listener (redirects to HTTPS), IPv6"),
					fxRule("tcp", 443, "", "0.0.0.0/0", "listener", "HTTPS listener"),
				},
				[]*Rule{fxRule("tcp", 80, "sg-new-web", "", "listener", "to the web target group → port 80")}),
			fxGroup("sg-new-web", "oyatsu-web", "ec2-instance/tag:web", []string{"i-0a1b2c3d4e5f60301", "i-0a1b2c3d4e5f60302"},
				[]*Rule{fxRule("tcp", 80, "sg-new-oyatsu-web-alb", "", "flow-logs", "HTTP from the load balancer's group")},
				[]*Rule{outHTTPS, db("sg-new-oyatsu-aurora", "web"), cache("sg-new-oyatsu-redis", "web"), fxRule("tcp", 8080, "sg-new-oyatsu-api", "", "flow-logs", "API"),
					{Protocol: "tcp", FromPort: 1024, ToPort: 65535, CIDR: "0.0.0.0/0", Description: "payment provider's callbacks", Basis: "flow-logs"}}),
		},
		Moves: []*Move{
			{Resource: "i-0a1b2c3d4e5f60301", Kind: "ec2-instance", Name: "web-1", Role: "ec2-instance/tag:web", Method: MoveReplaceInstance,
				FromSubnets: []string{tfPublic1a}, ToSubnets: []string{"subnet-new-private-1a"}, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-web"}, DropsPublicIP: true,
				Reason: "in a public subnet with a public address"},
			{Resource: "i-0a1b2c3d4e5f60302", Kind: "ec2-instance", Name: "web-2", Role: "ec2-instance/tag:web", Method: MoveReplaceInstance,
				FromSubnets: []string{tfPublic1c}, ToSubnets: []string{"subnet-new-private-1c"}, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-web"}, DropsPublicIP: true,
				Reason: "in a public subnet with a public address"},
			{Resource: "i-0a1b2c3d4e5f60303", Kind: "ec2-instance", Name: "batch-1", Role: "ec2-instance/tag:batch", Method: MoveReplaceInstance,
				FromSubnets: []string{tfPublic1a}, ToSubnets: []string{"subnet-new-private-1a"}, OldGroups: []string{fxSGCommon, fxSGSSH}, NewGroups: []string{"sg-new-batch"}, DropsPublicIP: true,
				Reason: "in a public subnet with a public address"},
			{Resource: fxECS, Kind: "ecs-service", Name: "oyatsu-api", Role: "ecs-service/service:" + fxECS, Method: MoveECSConfig,
				FromSubnets: []string{tfPublic1a, tfPublic1c}, ToSubnets: private, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-oyatsu-api"}, DropsPublicIP: true,
				Reason: "tasks get public addresses in public subnets"},
			{Resource: "oyatsu-aurora-instance-1", Kind: "rds-db-instance", Name: "oyatsu-aurora-instance-1", Role: "rds-db-instance/cluster:oyatsu-aurora", Method: MoveAuroraClone,
				FromSubnets: []string{tfPublic1a, tfPublic1c, tfPublic1d}, ToSubnets: isolated, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-oyatsu-aurora"}, DropsPublicIP: true,
				SubnetGroup: "oyatsu-aurora-private", Reason: "publicly accessible writer in public subnets"},
			{Resource: "oyatsu-aurora-instance-2", Kind: "rds-db-instance", Name: "oyatsu-aurora-instance-2", Role: "rds-db-instance/cluster:oyatsu-aurora", Method: MoveAuroraClone,
				FromSubnets: []string{tfPublic1a, tfPublic1c, tfPublic1d}, ToSubnets: isolated, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-oyatsu-aurora"},
				SubnetGroup: "oyatsu-aurora-private", Reason: "reader of the same cluster"},
			{Resource: "oyatsu-order-notifier", Kind: "lambda-function", Name: "oyatsu-order-notifier", Role: "lambda-function/self:oyatsu-order-notifier", Method: MoveLambdaConfig,
				FromSubnets: []string{tfPublic1a, tfPublic1c}, ToSubnets: private, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-oyatsu-order-notifier"},
				Reason: "in public subnets it has no internet access at all"},
			{Resource: "oyatsu-redis-001", Kind: "elasticache-cluster", Name: "oyatsu-redis-001", Role: "elasticache-cluster/rg:oyatsu-redis", Method: MoveCacheSnapshot,
				FromSubnets: []string{tfPublic1a, tfPublic1c, tfPublic1d}, ToSubnets: isolated, OldGroups: []string{fxSGCommon}, NewGroups: []string{"sg-new-oyatsu-redis"},
				SubnetGroup: "oyatsu-redis-private", Reason: "cache subnet group of public subnets"},
			{Resource: "oyatsu-web-alb", Kind: "load-balancer", Name: "oyatsu-web-alb", Role: "load-balancer/self:oyatsu-web-alb", Method: MoveStay,
				FromSubnets: []string{tfPublic1a, tfPublic1c}, ToSubnets: []string{tfPublic1a, tfPublic1c}, OldGroups: []string{fxSGALB}, NewGroups: []string{"sg-new-oyatsu-web-alb"},
				Reason: "internet-facing load balancer: stays public"},
		},
		RetiredGroups: []string{fxSGALB, fxSGCommon, fxSGSSH},
		DefaultGroups: []string{fxSGDef},
	}
	return &Plan{
		Schema:  Schema,
		Options: Options{NAT: "per-az", FlowLogs: true, ClientVPN: true},
		Regions: []*RegionPlan{rp},
	}
}
