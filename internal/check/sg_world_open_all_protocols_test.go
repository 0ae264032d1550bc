package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// "The whole internet" is every public address: 0.0.0.0/0 less private,
// shared, loopback, link-local, multicast and reserved space, and 2000::/3
// (AWS-SEMANTICS.md §5). One rule or several for the same protocol and ports
// together may cover it (§2).
var sgWorldOpenAllProtocolsCases = []checkCase{
	{"-1 from 0.0.0.0/0 opens every port of every protocol (§2 IpProtocol -1), SSH and RDP named", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) accepts all protocols on all ports from 0.0.0.0/0; it is used by 1 EC2 instance. It opens every port, SSH (22) and RDP (3389) among them.").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},

	// The data tiers' resources carrying the group are named, on their own
	// ports (the checks for database and cache ports leave the rule here:
	// one rule, one finding).
	{"on an Aurora MySQL cluster: its instances' port is named, the instances right after the group (the story's oyatsu-common-sg)",
		groupRegion(onAuroraMySQL, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2"), "it is used by 2 RDS DB instances. It opens every port, among them: SSH (22); RDP (3389); MySQL (3306) on RDS DB instances db-1 and db-2.").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},
	{"shared by servers, Aurora and Redis: the DB instances and the cache named first",
		groupRegion(onStoryServers, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2", "cache-1", "i-1"), "MySQL (3306) on RDS DB instances db-1 and db-2; Redis (6379) on ElastiCache cluster cache-1.",
			"used by 1 EC2 instance, 1 ElastiCache cluster, 2 RDS DB instances")},
	{"from ::/0 on a PostgreSQL instance (§5)", groupRegion(onPostgres, ingress("-1", -1, -1, "::/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "PostgreSQL (5432) on RDS DB instance db-1.")},
	{"a DB instance on a custom port: that port", groupRegion(onDB("postgres", 6432), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "PostgreSQL (6432) on RDS DB instance db-1.")},
	{"the instance's port not in the data: the engine's default, said to be assumed",
		groupRegion(onDB("mysql", 0), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "MySQL (3306) on RDS DB instance db-1.",
			"This is assumed: the port of RDS DB instance db-1 is not in the data; assumed mysql's default, 3306.").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/0", "the port of RDS DB instance db-1 is not in the data; assumed mysql's default, 3306")},
	{"neither the port nor the engine known: the instance named without a port",
		groupRegion(onDB("", 0), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "the database port of RDS DB instance db-1, which is not in the data.")},
	{"the instance's port only on its cluster: the cluster's port, no assumption",
		groupRegion(func(b *modeltest.Builder) {
			onAuroraMySQL(b)
			for _, r := range b.Region().Resources {
				r.DB.Port = 0
			}
		}, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2"), "MySQL (3306) on RDS DB instances db-1 and db-2.").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},
	{"a DB cluster whose instances are not in the data, ENI list not collected: the cluster's port",
		groupRegion(withoutENIList(onClusterOnly(3306)), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "old-1"), "it is not seen on anything", "MySQL (3306) on RDS DB cluster old-1.")},
	{"a DB cluster with no interface in the ENI list (no instance runs): low, as for any unattached group",
		groupRegion(onClusterOnly(3306), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1", "old-1"), "it is not attached to anything now.", "MySQL (3306) on RDS DB cluster old-1.")},
	{"a Memcached cluster", groupRegion(onCache("memcached", 11211), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "cache-1"), "Memcached (11211) on ElastiCache cluster cache-1.")},
	{"a Valkey cluster whose port is not in the data: the default, said to be assumed",
		groupRegion(onCache("valkey", 0), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "cache-1"), "Valkey (6379) on ElastiCache cluster cache-1.",
			"This is assumed: the port of ElastiCache cluster cache-1 is not in the data; assumed valkey's default, 6379.")},
	{"a Redis cluster on 6380", groupRegion(onCache("redis", 6380), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "cache-1"), "Redis (6380) on ElastiCache cluster cache-1.")},
	{"-1 from ::/0 opens every port to every IPv6 address (§5)", groupRegion(onInstance, ingress("-1", -1, -1, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from ::/0;")},
	{"-1 from 10.0.0.0/8 is private space, not the internet (§5)", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/8")), none},
	{"-1 from 203.0.113.0/24 is one network, not the internet", groupRegion(onInstance, ingress("-1", -1, -1, "203.0.113.0/24")), none},
	{"-1 from 0.0.0.0/1 alone covers half the internet", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1")), none},
	{"tcp 0-65535 from 0.0.0.0/0 is one protocol: sg-world-open-port's", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")), none},
	{"udp all ports from 0.0.0.0/0 is one protocol", groupRegion(onInstance, ingress("udp", -1, -1, "0.0.0.0/0")), none},
	{"seen on nothing, ENI list not collected: usage unknown, severity kept", groupRegion(withoutENIList(onNothing), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1"), "ec2-describe-network-interfaces was not collected, so what carries it is unknown")},
	{"unattached group: severity low, nothing exposed now", groupRegion(onNothing, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "not attached to anything now")},
	{"0.0.0.0/1 + 128.0.0.0/1 together are the internet (§2: any rule matches)", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1"), ingress("-1", -1, -1, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/1 and 128.0.0.0/1;").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/1", "sg-1 ingress all traffic from 128.0.0.0/1")},
	{"CIDRs covering every public address but 10/8 are the internet (§5)", groupRegion(onInstance,
		ingress("-1", -1, -1, "0.0.0.0/5"), ingress("-1", -1, -1, "8.0.0.0/7"), ingress("-1", -1, -1, "11.0.0.0/8"), ingress("-1", -1, -1, "12.0.0.0/6"),
		ingress("-1", -1, -1, "16.0.0.0/4"), ingress("-1", -1, -1, "32.0.0.0/3"), ingress("-1", -1, -1, "64.0.0.0/2"), ingress("-1", -1, -1, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/5 and 8.0.0.0/7", "and 128.0.0.0/1;")},
	{"a private rule beside 0.0.0.0/0 is not evidence", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/8"), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/0;").withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},
	{"0.0.0.0/0 and ::/0 give one finding naming both", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("-1", -1, -1, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/0 and ::/0;")},
	{"customer prefix list with unknown entries is assumed open (§2, over-approximate)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-cust")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-cust;").
			withEvidence("sg-1 ingress all traffic from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
	{"prefix list absent from the data is assumed open", groupRegion(onInstance, fromList("-1", -1, -1, "pl-gone")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-gone;")},
	{"AWS-managed prefix list with unknown entries is one service's addresses (§2)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-s3")), none},
	{"prefix list whose entries include 0.0.0.0/0 is the internet (§2)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-world")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-world;").withEvidence("sg-1 ingress all traffic from pl-world")},
	{"prefix list of one office network is not the internet", groupRegion(onInstance, fromList("-1", -1, -1, "pl-office")), none},
	{"a group reference never matches internet packets (§2)", groupRegion(onInstance, fromSG("-1", -1, -1, "sg-2")), none},
	{"interface of unknown owner is named by its ID", groupRegion(onUnknownENI, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "eni-x"), "used by 1 other network interface")},
	{"internet-facing load balancer is no exception", groupRegion(onPublicLB, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "web"), "used by 1 load balancer")},
	{"group without rules", groupRegion(onInstance), none},
}

func TestSGWorldOpenAllProtocols(t *testing.T) {
	runCases(t, check.SGWorldOpenAllProtocols, sgWorldOpenAllProtocolsCases)
}
