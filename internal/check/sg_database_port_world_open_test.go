package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: a database port that the whole internet may reach
// through a group's TCP rules (AWS-SEMANTICS.md §2, §5): a well-known
// database port, or the port of an RDS DB instance carrying the group. An
// all-protocol rule open to the whole internet is
// sg-world-open-all-protocols' finding.
var sgDatabasePortWorldOpenCases = []checkCase{
	{"tcp 3306 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) lets the whole internet reach MySQL (3306); it is used by 1 EC2 instance.").
			withEvidence("sg-1 ingress tcp/3306 from 0.0.0.0/0")},
	{"tcp 5432 from ::/0 (§5: every IPv6 address is global)", groupRegion(onInstance, ingress("tcp", 5432, 5432, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach PostgreSQL (5432);")},
	{"tcp 1433 is SQL Server", groupRegion(onInstance, ingress("tcp", 1433, 1433, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach SQL Server (1433);")},
	{"tcp 1521 is Oracle", groupRegion(onInstance, ingress("tcp", 1521, 1521, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach Oracle (1521);")},
	{"tcp 27017 is MongoDB", groupRegion(onInstance, ingress("tcp", 27017, 27017, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach MongoDB (27017);")},
	{"tcp 9042 is Cassandra", groupRegion(onInstance, ingress("tcp", 9042, 9042, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach Cassandra (9042);")},
	{"tcp 5439 is Redshift", groupRegion(onInstance, ingress("tcp", 5439, 5439, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach Redshift (5439);")},
	{"tcp 3306 and tcp 5432 by two rules: one finding, both named and both as evidence",
		groupRegion(onInstance, ingress("tcp", 5432, 5432, "0.0.0.0/0"), ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach MySQL (3306) and PostgreSQL (5432);").
			withEvidence("sg-1 ingress tcp/3306 from 0.0.0.0/0", "sg-1 ingress tcp/5432 from 0.0.0.0/0")},
	{"tcp 0-65535 from 0.0.0.0/0 holds every database port: each named, one evidence line",
		groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"),
			"reach SQL Server (1433), Oracle (1521), MySQL (3306), PostgreSQL (5432), Redshift (5439), Cassandra (9042) and MongoDB (27017);").
			withEvidence("sg-1 ingress tcp/all from 0.0.0.0/0")},
	{"tcp 3300-3310 holds 3306", groupRegion(onInstance, ingress("tcp", 3300, 3310, "0.0.0.0/0")), fires(check.Critical, ids("sg-1", "i-1"), "reach MySQL (3306);")},

	// All-protocol rules open to the whole internet are one problem,
	// sg-world-open-all-protocols', which names the DB instances' ports
	// (its table holds the cases that were here).
	{"-1 from 0.0.0.0/0 on an Aurora MySQL cluster: sg-world-open-all-protocols' finding, not repeated here",
		groupRegion(onAuroraMySQL, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"-1 from 0.0.0.0/0 on a DB cluster whose instances are not in the data: not repeated here either",
		groupRegion(withoutENIList(onClusterOnly(3306)), ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"-1 from 0.0.0.0/0 and tcp 5432 from 0.0.0.0/0 on a MySQL instance: the TCP rule's well-known port only",
		groupRegion(onAuroraMySQL, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("tcp", 5432, 5432, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2"), "reach PostgreSQL (5432);").
			withEvidence("sg-1 ingress tcp/5432 from 0.0.0.0/0")},
	{"tcp 0-65535 from 0.0.0.0/0 on a DB instance whose port and engine are unknown: still reported, without a port",
		groupRegion(onDB("", 0), ingress("tcp", 0, 65535, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "reach the database port of RDS DB instance db-1, which is not in the data, SQL Server (1433)")},
	{"tcp 3306 from 0.0.0.0/0, the instance's port not in the data: the engine's default, said to be assumed",
		groupRegion(onDB("mysql", 0), ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "reach MySQL (3306) on RDS DB instance db-1;",
			"This is assumed: the port of RDS DB instance db-1 is not in the data; assumed mysql's default, 3306.")},

	// TCP rules and the instances' own ports.
	{"tcp 3306 from 0.0.0.0/0 on the MySQL instances that listen there: named with them",
		groupRegion(onAuroraMySQL, ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2"), "reach MySQL (3306) on RDS DB instances db-1 and db-2;").
			withEvidence("sg-1 ingress tcp/3306 from 0.0.0.0/0")},
	{"tcp 6432 from 0.0.0.0/0 on a DB instance listening there: not a well-known port, still the database's",
		groupRegion(onDB("postgres", 6432), ingress("tcp", 6432, 6432, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1"), "reach PostgreSQL (6432) on RDS DB instance db-1;")},
	{"tcp 6432 from 0.0.0.0/0 on an EC2 instance: not a database port", groupRegion(onInstance, ingress("tcp", 6432, 6432, "0.0.0.0/0")), none},
	{"tcp 5432 from 0.0.0.0/0 on a MySQL instance on 3306: the well-known port only",
		groupRegion(onAuroraMySQL, ingress("tcp", 5432, 5432, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "db-1", "db-2"), "reach PostgreSQL (5432);")},

	// Sources (§2).
	{"tcp 3306 from 0.0.0.0/1 + 128.0.0.0/1 (§2: any rule matches)", groupRegion(onInstance, ingress("tcp", 3306, 3306, "0.0.0.0/1"), ingress("tcp", 3306, 3306, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach MySQL (3306);")},
	{"-1 from 0.0.0.0/1 + tcp 3306 from 128.0.0.0/1 (§2: union of rules)", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1"), ingress("tcp", 3306, 3306, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach MySQL (3306);").
			withEvidence("sg-1 ingress tcp/3306 from 128.0.0.0/1", "sg-1 ingress all traffic from 0.0.0.0/1")},
	{"prefix list whose known entries include 0.0.0.0/0", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-world")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach PostgreSQL (5432);").withEvidence("sg-1 ingress tcp/5432 from pl-world")},
	{"customer prefix list with unknown entries is assumed open (§2)", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-cust")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach PostgreSQL (5432);", "This is assumed: entries of prefix list pl-cust were not collected").
			withEvidence("sg-1 ingress tcp/5432 from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
	{"AWS-managed prefix list with unknown entries (§2)", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-s3")), none},
	{"prefix list of one office network", groupRegion(onInstance, fromList("tcp", 3306, 3306, "pl-office")), none},
	{"tcp 3306 from one network", groupRegion(onAuroraMySQL, ingress("tcp", 3306, 3306, "203.0.113.0/24")), none},
	{"tcp 3306 from private space (§5)", groupRegion(onAuroraMySQL, ingress("tcp", 3306, 3306, "10.0.0.0/8")), none},
	{"tcp 3306 from another group (§2: never internet packets)", groupRegion(onAuroraMySQL, fromSG("tcp", 3306, 3306, "sg-2")), none},
	{"-1 from private space on a DB instance", groupRegion(onAuroraMySQL, ingress("-1", -1, -1, "10.0.0.0/8")), none},
	{"udp 3306 from 0.0.0.0/0: the engines listen on TCP", groupRegion(onAuroraMySQL, ingress("udp", 3306, 3306, "0.0.0.0/0")), none},
	{"ICMP from 0.0.0.0/0 on a DB instance", groupRegion(onAuroraMySQL, ingress("icmp", -1, -1, "0.0.0.0/0")), none},

	// Who carries the group.
	{"tcp 3306 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "reach MySQL (3306);", "not attached to anything now")},
	{"tcp 3306, ENI list not collected: not lowered, unseen users may carry it", groupRegion(withoutENIList(onNothing), ingress("tcp", 3306, 3306, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1"), "not seen on anything, but ec2-describe-network-interfaces was not collected")},
}

func TestSGDatabasePortWorldOpen(t *testing.T) {
	runCases(t, check.SGDatabasePortWorldOpen, sgDatabasePortWorldOpenCases)
}
