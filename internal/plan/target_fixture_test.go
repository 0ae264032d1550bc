package plan

// A hand-made plan for examples/startup-all-public, shaped like the
// rebuilt example (examples/startup-rebuilt/README.md): private and
// isolated subnets in 1a, 1c and 1d, a NAT gateway per AZ, gateway and
// interface endpoints, one group per role with rules only for the flows
// the story needs, and every resource moved the way plan-shared's
// conventions say. Design writes such plans; the target writer's tests
// use this one, independent of Design.

const (
	exAccount = "111122223333"
	exRegion  = "ap-northeast-1"
	exVPC     = "vpc-0a1b2c3d4e5f60001"

	exPublic1a = "subnet-0a1b2c3d4e5f60011"
	exPublic1c = "subnet-0a1b2c3d4e5f60012"
	exPublic1d = "subnet-0a1b2c3d4e5f60013"

	exDefaultSG = "sg-0a1b2c3d4e5f60101"
	exALBSG     = "sg-0a1b2c3d4e5f60102"
	exCommonSG  = "sg-0a1b2c3d4e5f60103"
	exSSHSG     = "sg-0a1b2c3d4e5f60104"

	exWeb1   = "i-0a1b2c3d4e5f60301"
	exWeb2   = "i-0a1b2c3d4e5f60302"
	exBatch  = "i-0a1b2c3d4e5f60303"
	exALB    = "oyatsu-web-alb"
	exAPI    = "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api"
	exLambda = "oyatsu-order-notifier"
	exDB1    = "oyatsu-aurora-instance-1"
	exDB2    = "oyatsu-aurora-instance-2"
	exRedis  = "oyatsu-redis-001"

	sgALB    = "sg-new-oyatsu-web-alb"
	sgWeb    = "sg-new-web"
	sgBatch  = "sg-new-batch"
	sgAPI    = "sg-new-oyatsu-api"
	sgLambda = "sg-new-oyatsu-order-notifier"
	sgDB     = "sg-new-oyatsu-aurora"
	sgCache  = "sg-new-oyatsu-redis"
	sgVPCE   = "sg-new-endpoints"
	sgVPN    = "sg-new-client-vpn"
)

// examplePlan returns the plan for the example account, labelled with
// account (the region's Account label in the inventory).
func examplePlan(account string) *Plan {
	azs := []string{"1a", "1c", "1d"}
	public := map[string]string{"1a": exPublic1a, "1c": exPublic1c, "1d": exPublic1d}
	vpc := &VPCPlan{
		VPCID: exVPC, Name: "oyatsu-vpc", CIDRs: []string{"10.0.0.0/16"},
		AZs:           []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"},
		PublicSubnets: []string{exPublic1a, exPublic1c, exPublic1d},
		FlowLog:       &FlowLog{ID: "fl-new-" + exVPC, Destination: "arn:aws:s3:::oyatsu-vpc-flow-logs"},
	}
	isolated := &RouteTable{ID: "rtb-new-isolated", Name: "oyatsu-vpc-isolated", VPCID: exVPC}
	var privateTables []string
	for i, az := range azs {
		priv := &Subnet{ID: "subnet-new-private-" + az, Name: "oyatsu-vpc-private-" + az, VPCID: exVPC, AZ: "ap-northeast-" + az,
			CIDR: "10.0.1" + string(rune('0'+i)) + ".0/24", Tier: TierPrivate, RouteTable: "rtb-new-private-" + az}
		iso := &Subnet{ID: "subnet-new-isolated-" + az, Name: "oyatsu-vpc-isolated-" + az, VPCID: exVPC, AZ: "ap-northeast-" + az,
			CIDR: "10.0.2" + string(rune('0'+i)) + ".0/24", Tier: TierIsolated, RouteTable: isolated.ID}
		vpc.Subnets = append(vpc.Subnets, priv, iso)
		vpc.RouteTables = append(vpc.RouteTables, &RouteTable{
			ID: priv.RouteTable, Name: priv.Name, VPCID: exVPC, Subnets: []string{priv.ID},
			Routes: []Route{{Destination: "0.0.0.0/0", Target: "nat-new-" + az}},
		})
		privateTables = append(privateTables, priv.RouteTable)
		isolated.Subnets = append(isolated.Subnets, iso.ID)
		vpc.NATGateways = append(vpc.NATGateways, &NATGateway{
			ID: "nat-new-" + az, Subnet: public[az], AZ: "ap-northeast-" + az, AllocationID: "eipalloc-new-" + az, Serves: []string{"ap-northeast-" + az},
		})
	}
	vpc.RouteTables = append(vpc.RouteTables, isolated)
	gatewayTables := append([]string{isolated.ID}, privateTables...)
	for _, svc := range []string{"dynamodb", "s3"} {
		vpc.Endpoints = append(vpc.Endpoints, &Endpoint{
			ID: "vpce-new-" + svc, Service: "com.amazonaws.ap-northeast-1." + svc, Type: "Gateway",
			RouteTables: gatewayTables, Reason: "AWS API traffic without the NAT gateway",
		})
	}
	privateSubnets := []string{"subnet-new-private-1a", "subnet-new-private-1c", "subnet-new-private-1d"}
	for _, svc := range []string{"ec2messages", "ecr.api", "ecr.dkr", "logs", "ssm", "ssmmessages"} {
		vpc.Endpoints = append(vpc.Endpoints, &Endpoint{
			ID: "vpce-new-" + slug(svc), Service: "com.amazonaws.ap-northeast-1." + svc, Type: "Interface",
			Subnets: privateSubnets, Groups: []string{sgVPCE}, PrivateDNS: true, Reason: "Session Manager and Fargate",
		})
	}

	https := func(desc string) *Rule {
		return &Rule{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: desc, Basis: "inferred"}
	}
	to := func(port int, group, desc string) *Rule {
		return &Rule{Protocol: "tcp", FromPort: port, ToPort: port, Group: group, Description: desc, Basis: "inferred"}
	}
	groups := []*Group{
		{ID: sgALB, Name: "oyatsu-web-alb", VPCID: exVPC, Role: "load-balancer/self:oyatsu-web-alb", Description: "oyatsu-web-alb (load balancer)", Members: []string{exALB},
			Ingress: []*Rule{
				{Protocol: "tcp", FromPort: 80, ToPort: 80, CIDR: "0.0.0.0/0", Description: "HTTP listener", Basis: "listener"},
				{Protocol: "tcp", FromPort: 80, ToPort: 80, CIDR: "::/0", Description: "HTTP listener", Basis: "listener"},
				{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: "HTTPS listener", Basis: "listener"},
				{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "::/0", Description: "HTTPS listener", Basis: "listener"},
			},
			Egress: []*Rule{to(80, sgWeb, "to oyatsu-web-tg targets")}},
		{ID: sgWeb, Name: "web", VPCID: exVPC, Role: "ec2-instance/tag:web", Description: "web (EC2 instances)", Members: []string{exWeb1, exWeb2},
			Ingress: []*Rule{to(80, sgALB, "HTTP from the load balancer")},
			Egress:  []*Rule{https("HTTPS out"), to(3306, sgDB, "MySQL to Aurora"), to(6379, sgCache, "Redis"), to(8080, sgAPI, "API")}},
		{ID: sgBatch, Name: "batch", VPCID: exVPC, Role: "ec2-instance/tag:batch", Description: "batch (EC2 instance)", Members: []string{exBatch},
			Egress: []*Rule{https("HTTPS out"), to(3306, sgDB, "MySQL to Aurora"), to(6379, sgCache, "Redis")}},
		{ID: sgAPI, Name: "oyatsu-api", VPCID: exVPC, Role: "ecs-service/service:" + exAPI, Description: "oyatsu-api (ECS service)", Members: []string{exAPI},
			Ingress: []*Rule{to(8080, sgWeb, "API from web")},
			Egress:  []*Rule{https("HTTPS out"), to(3306, sgDB, "MySQL to Aurora"), to(6379, sgCache, "Redis")}},
		{ID: sgLambda, Name: "oyatsu-order-notifier", VPCID: exVPC, Role: "lambda-function/self:oyatsu-order-notifier", Description: "oyatsu-order-notifier (Lambda function)", Members: []string{exLambda},
			Egress: []*Rule{https("HTTPS out (Slack)"), to(3306, sgDB, "MySQL to Aurora")}},
		{ID: sgDB, Name: "oyatsu-aurora", VPCID: exVPC, Role: "rds-db-instance/cluster:oyatsu-aurora", Description: "oyatsu-aurora (RDS DB instances)", Members: []string{exDB1, exDB2},
			Ingress: []*Rule{to(3306, sgWeb, "from web"), to(3306, sgBatch, "from batch"), to(3306, sgAPI, "from oyatsu-api"), to(3306, sgLambda, "from the notifier"),
				{Protocol: "tcp", FromPort: 3306, ToPort: 3306, Group: sgVPN, Description: "from Client VPN", Basis: "client-vpn"}}},
		{ID: sgCache, Name: "oyatsu-redis", VPCID: exVPC, Role: "elasticache-cluster/rg:oyatsu-redis", Description: "oyatsu-redis (ElastiCache cluster)", Members: []string{exRedis},
			Ingress: []*Rule{to(6379, sgWeb, "from web"), to(6379, sgBatch, "from batch"), to(6379, sgAPI, "from oyatsu-api")}},
		{ID: sgVPCE, Name: "endpoints", VPCID: exVPC, Description: "interface endpoints",
			Ingress: []*Rule{to(443, sgWeb, "from web"), to(443, sgBatch, "from batch"), to(443, sgAPI, "from oyatsu-api"), to(443, sgLambda, "from the notifier")}},
		{ID: sgVPN, Name: "client-vpn", VPCID: exVPC, Description: "Client VPN endpoint",
			Egress: []*Rule{to(3306, sgDB, "MySQL to Aurora")}},
	}

	old := []string{exCommonSG}
	moves := []*Move{
		{Resource: exWeb1, Kind: "ec2-instance", Name: "web-1", Role: "ec2-instance/tag:web", Method: MoveReplaceInstance,
			FromSubnets: []string{exPublic1a}, ToSubnets: []string{"subnet-new-private-1a"}, OldGroups: old, NewGroups: []string{sgWeb}, DropsPublicIP: true},
		{Resource: exWeb2, Kind: "ec2-instance", Name: "web-2", Role: "ec2-instance/tag:web", Method: MoveReplaceInstance,
			FromSubnets: []string{exPublic1c}, ToSubnets: []string{"subnet-new-private-1c"}, OldGroups: old, NewGroups: []string{sgWeb}, DropsPublicIP: true},
		{Resource: exBatch, Kind: "ec2-instance", Name: "batch-1", Role: "ec2-instance/tag:batch", Method: MoveReplaceInstance,
			FromSubnets: []string{exPublic1a}, ToSubnets: []string{"subnet-new-private-1a"}, OldGroups: []string{exCommonSG, exSSHSG}, NewGroups: []string{sgBatch}, DropsPublicIP: true},
		{Resource: exALB, Kind: "load-balancer", Role: "load-balancer/self:oyatsu-web-alb", Method: MoveStay,
			FromSubnets: []string{exPublic1a, exPublic1c}, ToSubnets: []string{exPublic1a, exPublic1c}, OldGroups: []string{exALBSG}, NewGroups: []string{sgALB}},
		{Resource: exAPI, Kind: "ecs-service", Name: "oyatsu-api", Role: "ecs-service/service:" + exAPI, Method: MoveECSConfig,
			FromSubnets: []string{exPublic1a, exPublic1c}, ToSubnets: []string{"subnet-new-private-1a", "subnet-new-private-1c"}, OldGroups: old, NewGroups: []string{sgAPI}, DropsPublicIP: true},
		{Resource: exLambda, Kind: "lambda-function", Role: "lambda-function/self:oyatsu-order-notifier", Method: MoveLambdaConfig,
			FromSubnets: []string{exPublic1a, exPublic1c}, ToSubnets: []string{"subnet-new-private-1a", "subnet-new-private-1c"}, OldGroups: old, NewGroups: []string{sgLambda}},
		{Resource: exDB1, Kind: "rds-db-instance", Role: "rds-db-instance/cluster:oyatsu-aurora", Method: MoveAuroraClone,
			FromSubnets: []string{exPublic1a}, ToSubnets: []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"},
			OldGroups: old, NewGroups: []string{sgDB}, DropsPublicIP: true, SubnetGroup: "oyatsu-aurora-private"},
		{Resource: exDB2, Kind: "rds-db-instance", Role: "rds-db-instance/cluster:oyatsu-aurora", Method: MoveAuroraClone,
			FromSubnets: []string{exPublic1c}, ToSubnets: []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"},
			OldGroups: old, NewGroups: []string{sgDB}, SubnetGroup: "oyatsu-aurora-private"},
		{Resource: exRedis, Kind: "elasticache-cluster", Role: "elasticache-cluster/rg:oyatsu-redis", Method: MoveCacheSnapshot,
			FromSubnets: []string{exPublic1d}, ToSubnets: []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"},
			OldGroups: old, NewGroups: []string{sgCache}, SubnetGroup: "oyatsu-redis-private"},
	}
	return &Plan{
		Schema:  Schema,
		Options: Options{NAT: "per-az", ClientVPN: true},
		Regions: []*RegionPlan{{
			Account: account, Region: exRegion, VPCs: []*VPCPlan{vpc}, Groups: groups, Moves: moves,
			RetiredGroups: []string{exALBSG, exCommonSG, exSSHSG}, DefaultGroups: []string{exDefaultSG},
		}},
	}
}

// slug is an endpoint service's name in a placeholder: "ecr.api" → "ecr-api".
func slug(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == '.' {
			out[i] = '-'
		}
	}
	return string(out)
}
