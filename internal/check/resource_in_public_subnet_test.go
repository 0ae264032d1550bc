package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// instanceIn adds instance i-1 in subnet.
func instanceIn(subnet string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) { b.Instance("i-1", subnet, "sg-1") }
}

// The check's rule: anything but an internet-facing load balancer, a NAT
// gateway, a bastion or an interface endpoint in a subnet whose route table
// has an active route to an internet gateway attached to its VPC
// (AWS-SEMANTICS.md §4). More specific checks speak for Lambda functions
// (lambda-in-public-subnet), internal load balancers
// (elb-internal-in-public-subnet), instances and ECS services with public
// addresses (ec2-instance-public-ip, ecs-task-public-ip) and databases and
// caches whose subnet group is known (rds-subnet-group-public-subnet,
// elasticache-subnet-group-public-subnet): this check says nothing of
// those. Fixture: subnetRegion.
var resourceInPublicSubnetCases = []checkCase{
	{"instance in a subnet explicitly on a table with 0.0.0.0/0 -> igw (§4)", subnetRegion(instanceIn("subnet-pub")),
		fires(check.Medium, ids("i-1"), "EC2 instance i-1 sits in public subnet subnet-pub (public-a).").
			withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"instance in a subnet whose main table routes to the igw (§1: no explicit association)", subnetRegion(instanceIn("subnet-main2")),
		fires(check.Medium, ids("i-1"), "sits in public subnet subnet-main2.").withEvidence("subnet-main2 route 0.0.0.0/0 -> igw-2 in rtb-main2")},
	{"instance with a public address: ec2-instance-public-ip's finding, which names the subnet", subnetRegion(func(b *modeltest.Builder) {
		modeltest.SetPublicIP(b.Instance("i-1", "subnet-pub", "sg-1").ENIs[0], "198.51.100.9")
	}), none},
	{"instance whose address only the instance names (PublicIpAddress): ec2-instance-public-ip's too", subnetRegion(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-pub", "sg-1").Instance.PublicIP = "198.51.100.9"
	}), none},
	{"bastion with a public address: neither check's", subnetRegion(func(b *modeltest.Builder) {
		inst := b.Instance("i-1", "subnet-pub", "sg-1")
		inst.Tags["Name"] = "bastion"
		modeltest.SetPublicIP(inst.ENIs[0], "198.51.100.9")
	}), none},
	{"ECS service assigning public addresses: ecs-task-public-ip's finding", subnetRegion(func(b *modeltest.Builder) {
		b.ECSService("main", "api", ids("subnet-pub2"), "sg-1").AssignPublicIP = "ENABLED"
	}), none},
	{"ECS service without public addresses in a public subnet: its tasks cannot get out either, reported here",
		subnetRegion(func(b *modeltest.Builder) {
			b.ECSService("main", "api", ids("subnet-pub2"), "sg-1").AssignPublicIP = "DISABLED"
		}), fires(check.Medium, ids("arn:aws:ecs:ap-northeast-1:111122223333:service/main/api"), "ECS service api (cluster main) sits in public subnet subnet-pub2.")},
	{"instance with a Name tag is labelled with it", subnetRegion(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-pub", "sg-1").Tags["Name"] = "web-1"
	}), fires(check.Medium, ids("i-1"), "EC2 instance i-1 (web-1) sits in")},
	{"a route for 203.0.113.0/24 to the igw is an active route to an internet gateway (§4)", subnetRegion(instanceIn("subnet-part")),
		fires(check.Medium, ids("i-1"), "public subnet subnet-part").withEvidence("subnet-part route 203.0.113.0/24 -> igw-1 in rtb-part")},
	{"::/0 to the igw makes the subnet public (§4, §5 IPv6)", subnetRegion(instanceIn("subnet-v6")),
		fires(check.Medium, ids("i-1"), "public subnet subnet-v6").withEvidence("subnet-v6 route ::/0 -> igw-1 in rtb-v6")},
	{"a prefix-list route to the igw makes the subnet public (§4)", subnetRegion(instanceIn("subnet-pl")),
		fires(check.Medium, ids("i-1"), "public subnet subnet-pl").withEvidence("subnet-pl route pl-office -> igw-1 in rtb-pl")},
	{"internet gateways not collected: a route naming one is assumed to reach it (over-approximate)", subnetRegion(func(b *modeltest.Builder) {
		b.NotCollected(model.CallInternetGateways)
		b.Instance("i-1", "subnet-detached", "sg-1")
	}), fires(check.Medium, ids("i-1"), "public subnet subnet-detached").withEvidence("subnet-detached route 0.0.0.0/0 -> igw-3 in rtb-detached")},
	{"DB whose subnet group is not named: where it may be placed is said here", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1").DB.SubnetGroup = ""
	}), fires(check.Medium, ids("db-1"), "RDS DB instance db-1 may be placed in public subnet subnet-pub (public-a) (its DB subnet group).").
		withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"cache cluster whose subnet groups were not collected: its interface's subnet is where it runs", subnetRegion(func(b *modeltest.Builder) {
		b.CacheCluster("sessions-001", ids("subnet-priv", "subnet-pub2"), "sg-1")
		b.NotCollected(model.CallCacheSubnetGroups)
		b.ENI("eni-cache", "subnet-pub2", "sg-1").Description = "ElastiCache sessions-001"
	}), fires(check.Medium, ids("sessions-001"), "ElastiCache cluster sessions-001 sits in public subnet subnet-pub2.")},
	{"cache cluster whose subnet groups were not collected, with no interface in the data", subnetRegion(func(b *modeltest.Builder) {
		b.CacheCluster("sessions-001", ids("subnet-pub2"), "sg-1")
		b.NotCollected(model.CallCacheSubnetGroups)
	}), fires(check.Medium, ids("sessions-001"), "ElastiCache cluster sessions-001 may be placed in public subnet subnet-pub2 (its cache subnet group).")},
	{"ECS service, labelled by name and cluster", subnetRegion(func(b *modeltest.Builder) { b.ECSService("main", "api", ids("subnet-pub2"), "sg-1") }),
		fires(check.Medium, ids("arn:aws:ecs:ap-northeast-1:111122223333:service/main/api"), "ECS service api (cluster main) sits in public subnet subnet-pub2.")},
	{"each resource is its own finding", subnetRegion(both(instanceIn("subnet-pub"), func(b *modeltest.Builder) { b.ECSService("main", "api", ids("subnet-pub2"), "sg-1") })),
		fires(check.Medium, ids("i-1"), "i-1").and(fires(check.Medium, ids("arn:aws:ecs:ap-northeast-1:111122223333:service/main/api"), "api"))},

	{"NAT gateway in a public subnet (the fixture alone)", subnetRegion(func(*modeltest.Builder) {}), none},
	{"instance in a subnet with only a NAT route for 0.0.0.0/0 (§4: private)", subnetRegion(instanceIn("subnet-priv")), none},
	{"internet-facing load balancer", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-pub", "subnet-pub2"), "sg-1")
	}), none},
	{"instance tagged Name bastion", subnetRegion(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-pub", "sg-1").Tags["Name"] = "bastion-1a" }), none},
	{"instance tagged Role jump", subnetRegion(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-pub", "sg-1").Tags["Role"] = "jump" }), none},
	{"interface endpoint (§5: never accepts internet traffic)", subnetRegion(func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-1", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-pub"), "sg-1")
	}), none},
	{"a route to an igw attached to another VPC is unusable (§4)", subnetRegion(instanceIn("subnet-other")), none},
	{"a route to a detached igw is unusable (§4)", subnetRegion(instanceIn("subnet-detached")), none},
	{"a blackhole route to the igw drops (§4)", subnetRegion(instanceIn("subnet-bh")), none},
	{"::/0 to an egress-only igw does not make a subnet public (§4)", subnetRegion(instanceIn("subnet-eigw")), none},
	{"DB running in the public subnet of its named subnet group: rds-subnet-group-public-subnet's finding, which names it", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1")
		b.ENI("eni-db", "subnet-pub", "sg-1").Description = "RDSNetworkInterface"
	}), none},
	{"cache node running in a public subnet of its known group: elasticache-subnet-group-public-subnet's", subnetRegion(func(b *modeltest.Builder) {
		b.CacheCluster("sessions-001", ids("subnet-pub", "subnet-pub2"), "sg-1")
		b.ENI("eni-cache", "subnet-pub2", "sg-1").Description = "ElastiCache sessions-001"
	}), none},
	{"DB whose subnet group is not named, running in a public subnet: here", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1").DB.SubnetGroup = ""
		b.ENI("eni-db", "subnet-pub", "sg-1").Description = "RDSNetworkInterface"
	}), fires(check.Medium, ids("db-1"), "RDS DB instance db-1 sits in public subnet subnet-pub (public-a).").withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"DB running in a private subnet whose named subnet group also holds a public one: the group is rds-subnet-group-public-subnet's", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1")
		b.ENI("eni-db", "subnet-priv", "sg-1").Description = "RDSNetworkInterface"
	}), none},
	{"DB whose named subnet group holds a public subnet, interfaces unknown: the group's finding", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1")
	}), none},
	{"cache cluster whose known subnet group holds a public subnet: the group's finding", subnetRegion(func(b *modeltest.Builder) {
		b.CacheCluster("sessions-001", ids("subnet-pub2"), "sg-1")
	}), none},
	{"Lambda function: lambda-in-public-subnet's", subnetRegion(func(b *modeltest.Builder) { b.Lambda("fn", ids("subnet-pub"), "sg-1") }), none},
	{"internal load balancer: elb-internal-in-public-subnet's", subnetRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("internal-api", modeltest.Internal, ids("subnet-pub", "subnet-priv"), "sg-1")
	}), none},
	{"DB whose subnet group is all private", subnetRegion(func(b *modeltest.Builder) { b.DBInstance("db-1", "", ids("subnet-priv", "subnet-eigw"), "sg-1") }), none},

	{"route tables not collected: which subnets are public is unknown, the check is skipped", subnetRegion(func(b *modeltest.Builder) {
		b.NotCollected(model.CallRouteTables)
		b.Instance("i-1", "subnet-pub", "sg-1")
	}), skipped(model.CallRouteTables)},
	{"subnets not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallSubnets) }), skipped(model.CallSubnets)},
}

func TestResourceInPublicSubnet(t *testing.T) {
	runCases(t, check.ResourceInPublicSubnet, resourceInPublicSubnetCases)
}
