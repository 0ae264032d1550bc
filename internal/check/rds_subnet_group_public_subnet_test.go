package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// dbIn adds DB instance id whose DB subnet group, group, holds subnets.
func dbIn(id, group string, subnets ...string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) { b.DBInstance(id, "", subnets, "sg-1").DB.SubnetGroup = group }
}

// The check's rule: a DB subnet group with a subnet whose route table has
// an active route to an attached internet gateway (AWS-SEMANTICS.md §4),
// one finding per group naming its DB instances. Where an instance runs
// now is resource-in-public-subnet's. Fixture: subnetRegion.
var rdsSubnetGroupPublicSubnetCases = []checkCase{
	{"one public subnet of two", subnetRegion(dbIn("db-1", "db-subnets", "subnet-priv", "subnet-pub")),
		fires(check.Medium, ids("db-subnets", "db-1"), "DB subnet group db-subnets includes 1 public subnet of 2: subnet-pub (public-a). RDS DB instance db-1 uses it: RDS may place").
			withEvidence("subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"only public subnets", subnetRegion(dbIn("db-1", "db-subnets", "subnet-pub", "subnet-pub2")),
		fires(check.Medium, ids("db-subnets", "db-1"), "DB subnet group db-subnets has only public subnets: subnet-pub (public-a), subnet-pub2.")},
	{"the instances of a group are one finding, as an Aurora cluster's are", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("aurora-2", "aurora", ids("subnet-priv", "subnet-pub"), "sg-1")
		b.DBInstance("aurora-1", "aurora", ids("subnet-priv", "subnet-pub"), "sg-1")
	}), fires(check.Medium, ids("db-subnets", "aurora-1", "aurora-2"), "RDS DB instances aurora-1, aurora-2 use it")},
	{"two groups are two findings", subnetRegion(both(dbIn("db-1", "group-a", "subnet-pub"), dbIn("db-2", "group-b", "subnet-priv", "subnet-pub2"))),
		fires(check.Medium, ids("group-a", "db-1"), "group-a has only public subnets").and(fires(check.Medium, ids("group-b", "db-2"), "group-b includes 1 public subnet of 2: subnet-pub2"))},
	{"a subnet of the group missing from the data is counted and said", subnetRegion(dbIn("db-1", "db-subnets", "subnet-pub", "subnet-gone")),
		fires(check.Medium, ids("db-subnets", "db-1"), "includes 1 public subnet of 2: subnet-pub (public-a) (1 not in the data).")},
	{"reported whether or not the instance runs in the public subnet now", subnetRegion(func(b *modeltest.Builder) {
		dbIn("db-1", "db-subnets", "subnet-priv", "subnet-pub")(b)
		b.ENI("eni-db", "subnet-priv", "sg-1").Description = "RDSNetworkInterface"
	}), fires(check.Medium, ids("db-subnets", "db-1"), "subnet-pub (public-a)")},
	{"a prefix-list route to the igw makes the subnet public (§4)", subnetRegion(dbIn("db-1", "db-subnets", "subnet-priv", "subnet-pl")),
		fires(check.Medium, ids("db-subnets", "db-1"), "subnet-pl").withEvidence("subnet-pl route pl-office -> igw-1 in rtb-pl")},

	{"private subnets only", subnetRegion(dbIn("db-1", "db-subnets", "subnet-priv", "subnet-eigw")), none},
	{"a blackhole route to the igw drops (§4)", subnetRegion(dbIn("db-1", "db-subnets", "subnet-priv", "subnet-bh")), none},
	{"a DB without a named subnet group is resource-in-public-subnet's", subnetRegion(dbIn("db-1", "", "subnet-pub")), none},
	{"DB instances not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallDBInstances) }), skipped(model.CallDBInstances)},
	{"route tables not collected: skipped", subnetRegion(func(b *modeltest.Builder) {
		b.NotCollected(model.CallRouteTables)
		dbIn("db-1", "db-subnets", "subnet-pub")(b)
	}), skipped(model.CallRouteTables)},
}

func TestRDSSubnetGroupPublicSubnet(t *testing.T) {
	runCases(t, check.RDSSubnetGroupPublicSubnet, rdsSubnetGroupPublicSubnetCases)
}
