package check_test

import (
	"net/netip"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// Fixtures of the security-group rule checks (data-tier ports, default and
// unused groups, wide ranges, broad private sources, data-tier egress,
// rule descriptions). Most cases run on groupRegion (fixtures_test.go);
// these add what carries sg-1 there, and two regions of their own.

// described is a rule with a description.
var described = modeltest.Described

// onAuroraMySQL adds an Aurora MySQL cluster "aurora-1" of two DB
// instances, db-1 and db-2, listening on 3306 and carrying sg-1.
func onAuroraMySQL(b *modeltest.Builder) {
	for _, id := range []string{"db-1", "db-2"} {
		db := b.DBInstance(id, "aurora-1", ids("subnet-a"), "sg-1")
		db.DB.Engine, db.DB.Port = "aurora-mysql", 3306
	}
	b.Region().DBClusters[0].Engine, b.Region().DBClusters[0].Port = "aurora-mysql", 3306
}

// onDB adds DB instance db-1 of engine listening on port (0: the data
// lacks it) carrying sg-1.
func onDB(engine string, port int) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		db := b.DBInstance("db-1", "", ids("subnet-a"), "sg-1")
		db.DB.Engine, db.DB.Port = engine, port
	}
}

// onClusterOnly adds Aurora MySQL cluster "old-1" naming sg-1, listening
// on port, whose instances are not in the data (Aurora Serverless v1 has
// none).
func onClusterOnly(port int) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		b.Collected(model.CallDBClusters, model.CallDBInstances)
		b.Region().DBClusters = append(b.Region().DBClusters, &model.DBCluster{
			ID: "old-1", Engine: "aurora-mysql", SecurityGroupIDs: []string{"sg-1"}, Port: port,
		})
	}
}

// onPostgres adds a PostgreSQL DB instance db-1 on 5432 carrying sg-1.
func onPostgres(b *modeltest.Builder) { b.DBInstance("db-1", "", ids("subnet-a"), "sg-1") }

// onCache adds ElastiCache cluster cache-1 of engine listening on port
// (0: the data lacks it) carrying sg-1.
func onCache(engine string, port int) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		c := b.CacheCluster("cache-1", ids("subnet-a"), "sg-1")
		c.Cache.Engine, c.Cache.Port = engine, port
	}
}

// onRedis adds the Redis cluster cache-1 on 6379 carrying sg-1.
var onRedis = onCache("redis", 6379)

// onStoryServers is oyatsu-common-sg's users in the example account: an
// EC2 instance, an Aurora MySQL cluster and a Redis cluster share sg-1.
func onStoryServers(b *modeltest.Builder) { onInstance(b); onAuroraMySQL(b); onRedis(b) }

// onInterfaceEndpoint adds interface endpoint vpce-1 (SSM) carrying sg-1.
func onInterfaceEndpoint(b *modeltest.Builder) {
	b.InterfaceEndpoint("vpce-1", "com.amazonaws.ap-northeast-1.ssm", ids("subnet-a"), "sg-1")
}

// behindBareNLB puts i-1 (carrying sg-1) behind network load balancer
// "nlb" without security groups, through target group "tg" on port 8080.
func behindBareNLB(b *modeltest.Builder) {
	onInstance(b)
	lb := b.LoadBalancer("nlb", modeltest.Internal, ids("subnet-a"))
	lb.LoadBalancer.Type, lb.LoadBalancer.SecurityGroupIDs, lb.SecurityGroupIDs = model.LBNetwork, nil, nil
	tg := b.TargetGroup("tg", "i-1")
	tg.Port, tg.Protocol, tg.Targets[0].Port = 8080, "TCP", 8080
	tg.LoadBalancerARNs = []string{lb.ARN}
}

// withVPCCIDR adds a CIDR block to vpc-1.
func withVPCCIDR(cidr string, users func(*modeltest.Builder)) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		v := b.Region().VPCs[0]
		v.CIDRs = append(v.CIDRs, netip.MustParsePrefix(cidr))
		users(b)
	}
}

// withEgress replaces sg-1's egress rules (AWS's default, all traffic to
// 0.0.0.0/0) with rules.
func withEgress(users func(*modeltest.Builder), rules ...model.Rule) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		users(b)
		for _, g := range b.Region().SecurityGroups {
			if g.ID == "sg-1" {
				modeltest.SetEgress(g, rules...)
			}
		}
	}
}

// notCollected withholds calls from the region.
func notCollected(users func(*modeltest.Builder), calls ...model.Call) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		users(b)
		b.NotCollected(calls...)
	}
}

// defaultGroupRegion is VPC vpc-1 ("main", 10.0.0.0/16) with subnet-a and
// its default group sg-d holding AWS's default rules: all traffic from
// itself in, all traffic to 0.0.0.0/0 out (AWS-SEMANTICS.md §2). The ENI
// list is collected; add changes the group or adds users.
func defaultGroupRegion(add func(b *modeltest.Builder, d *model.SecurityGroup)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16").Tags["Name"] = "main"
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		d := b.SecurityGroup("sg-d", "vpc-1", fromSG("-1", -1, -1, "sg-d"))
		d.Name = "default"
		b.Collected(model.CallNetworkInterfaces)
		add(b, d)
		return b.Link()
	}
}

// unusedRegion is VPC vpc-1 with subnet-a, its default group sg-d (unused),
// group sg-1 ("app", rules given) and group sg-2 ("web", carried by
// instance i-web, ingress given by webRules). The ENI list is collected;
// add adds the rest.
func unusedRegion(add func(*modeltest.Builder), webRules []model.Rule, rules ...model.Rule) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.SecurityGroup("sg-d", "vpc-1", fromSG("-1", -1, -1, "sg-d")).Name = "default"
		b.SecurityGroup("sg-1", "vpc-1", rules...).Name = "app"
		b.SecurityGroup("sg-2", "vpc-1", webRules...).Name = "web"
		b.Instance("i-web", "subnet-a", "sg-2")
		b.Collected(model.CallNetworkInterfaces, model.CallLambdaFunctions)
		add(b)
		return b.Link()
	}
}

// sharedFrom makes sg-1 a group that account owner shares with the
// region's account (security-group sharing in a shared VPC): the owner's
// interfaces that carry it are not in this account's data.
func sharedFrom(owner string, users func(*modeltest.Builder)) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		users(b)
		for _, g := range b.Region().SecurityGroups {
			if g.ID == "sg-1" {
				g.OwnerID = owner
			}
		}
	}
}
