package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// sharedRegion is VPC vpc-1 with subnet-a, subnet-b and group sg-shared
// ("launch-wizard-1"); add puts resources on it.
func sharedRegion(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
		b.SecurityGroup("sg-shared", "vpc-1", ingress("-1", -1, -1, "10.0.0.0/16")).Name = "launch-wizard-1"
		add(b)
		return b.Link()
	}
}

// Roles on sg-shared.

func webServers(b *modeltest.Builder) {
	b.Instance("i-web1", "subnet-a", "sg-shared")
	b.Instance("i-web2", "subnet-b", "sg-shared")
	b.TargetGroup("web-tg", "i-web1", "i-web2")
}

func auroraCluster(b *modeltest.Builder) {
	b.DBInstance("db-1", "aurora-main", ids("subnet-a", "subnet-b"), "sg-shared")
	b.DBInstance("db-2", "aurora-main", ids("subnet-a", "subnet-b"), "sg-shared")
}

func batchLambda(b *modeltest.Builder) { b.Lambda("batch", ids("subnet-a"), "sg-shared") }

func namedInstance(id, name string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) { b.Instance(id, "subnet-a", "sg-shared").Tags["Name"] = name }
}

func both(adds ...func(*modeltest.Builder)) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		for _, add := range adds {
			add(b)
		}
	}
}

// The check's rule: a group carried by resources of two or more roles
// (PRODUCT.md, Roles: the instances behind one target group, one DB
// cluster, one Lambda function, one ECS service, one load balancer are each
// a role).
var sgSharedAcrossRolesCases = []checkCase{
	{"web servers, an Aurora cluster and a Lambda function on one group", sharedRegion(both(webServers, auroraCluster, batchLambda)),
		fires(check.Medium, ids("sg-shared", "i-web1", "i-web2", "batch", "db-1", "db-2"),
			"sg-shared (launch-wizard-1) is shared by 3 roles: web-tg (EC2 instances), batch (Lambda function), aurora-main (RDS DB instances).")},
	{"a load balancer and the servers behind it are two roles", sharedRegion(both(webServers, func(b *modeltest.Builder) {
		b.LoadBalancer("web-alb", modeltest.InternetFacing, ids("subnet-a", "subnet-b"), "sg-shared")
	})), fires(check.Medium, ids("sg-shared", "i-web1", "i-web2", "web-alb"), "shared by 2 roles: web-tg (EC2 instances), web-alb (load balancer).")},
	{"instances with different Name tags are different roles", sharedRegion(both(namedInstance("i-1", "api-1"), namedInstance("i-2", "worker-1"))),
		fires(check.Medium, ids("sg-shared", "i-1", "i-2"), "shared by 2 roles: api (EC2 instance), worker (EC2 instance).")},
	{"an ECS service and a cache cluster", sharedRegion(func(b *modeltest.Builder) {
		b.ECSService("main", "api", ids("subnet-a"), "sg-shared")
		b.CacheCluster("sessions-001", ids("subnet-a", "subnet-b"), "sg-shared")
	}), fires(check.Medium, ids("sg-shared", "arn:aws:ecs:ap-northeast-1:111122223333:service/main/api", "sessions-001"),
		"shared by 2 roles: api (ECS service), sessions-001 (ElastiCache cluster).")},
	// Load balancers accept only on their listeners and send only to their
	// own targets (AWS-SEMANTICS.md §6): a group only they carry opens
	// nothing on one that another needs.
	{"an ALB and a classic load balancer in front of the same site share their group", sharedRegion(func(b *modeltest.Builder) {
		b.LoadBalancer("web-alb", modeltest.InternetFacing, ids("subnet-a", "subnet-b"), "sg-shared")
		b.ClassicLoadBalancer("web-elb", modeltest.InternetFacing, ids("subnet-a", "subnet-b"), "sg-shared")
	}), none},
	{"two instances behind the same target group are one role", sharedRegion(webServers), none},
	{"two instances named web-01 and web-02 are one role (Name tag less its ordinal)", sharedRegion(both(namedInstance("i-1", "web-01"), namedInstance("i-2", "web-02"))), none},
	{"two instances with the same Role tag are one role", sharedRegion(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-a", "sg-shared").Tags["Role"] = "web"
		b.Instance("i-2", "subnet-b", "sg-shared").Tags["Role"] = "web"
	}), none},
	{"one DB cluster's two instances are one role", sharedRegion(auroraCluster), none},
	{"one resource and an interface of unknown owner: one role", sharedRegion(func(b *modeltest.Builder) {
		batchLambda(b)
		b.ENI("eni-x", "subnet-a", "sg-shared")
	}), none},
	{"a group carried by nothing", sharedRegion(func(*modeltest.Builder) {}), none},
	{"interface endpoints of AWS services in one VPC are one role", sharedRegion(func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-ssm", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-a", "subnet-b"), "sg-shared")
		b.InterfaceEndpoint("vpce-logs", "com.amazonaws.ap-northeast-1.logs", ids("subnet-a", "subnet-b"), "sg-shared")
		b.InterfaceEndpoint("vpce-ecr", "com.amazonaws.ap-northeast-1.ecr.dkr", ids("subnet-a", "subnet-b"), "sg-shared")
	}), none},
	{"an endpoint to a PrivateLink service is not one of the AWS service endpoints", sharedRegion(func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-ssm", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-a"), "sg-shared")
		b.InterfaceEndpoint("vpce-partner", "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0", ids("subnet-a"), "sg-shared")
	}), fires(check.Medium, ids("sg-shared", "vpce-partner", "vpce-ssm"),
		"shared by 2 roles: com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0 (VPC endpoint), AWS service endpoints in vpc-1 (VPC endpoint).")},
	{"an interface endpoint and the servers that call it are two roles", sharedRegion(both(webServers, func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-ssm", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-a"), "sg-shared")
	})), fires(check.Medium, ids("sg-shared", "i-web1", "i-web2", "vpce-ssm"), "shared by 2 roles: web-tg (EC2 instances), AWS service endpoints in vpc-1 (VPC endpoint).")},
}

func TestSGSharedAcrossRoles(t *testing.T) {
	runCases(t, check.SGSharedAcrossRoles, sgSharedAcrossRolesCases)
}
