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
// one finding per group naming its DB instances, and those running in a
// public subnet now (resource-in-public-subnet leaves them to this check).
// Fixture: subnetRegion.
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
	{"reported whether or not the instance runs in the public subnet now; running in a private one, nothing more said", subnetRegion(func(b *modeltest.Builder) {
		dbIn("db-1", "db-subnets", "subnet-priv", "subnet-pub")(b)
		b.ENI("eni-db", "subnet-priv", "sg-1").Description = "RDSNetworkInterface"
	}), fires(check.Medium, ids("db-subnets", "db-1"), "subnet-pub (public-a)", "can route to.")},
	// Where an instance runs now is the group's doing, and the group's fix
	// moves it: named here, not by resource-in-public-subnet.
	{"an instance running in a public subnet now is named with it", subnetRegion(func(b *modeltest.Builder) {
		dbIn("db-1", "db-subnets", "subnet-priv", "subnet-pub")(b)
		b.ENI("eni-db", "subnet-pub", "sg-1").Description = "RDSNetworkInterface"
	}), fires(check.Medium, ids("db-subnets", "db-1"), "can route to. Running in public subnets now: db-1 in subnet-pub (public-a).")},
	{"Aurora instances each in their own public subnet", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("aurora-1", "aurora", ids("subnet-pub", "subnet-pub2"), "sg-1")
		b.DBInstance("aurora-2", "aurora", ids("subnet-pub", "subnet-pub2"), "sg-1")
		e1 := b.ENI("eni-db1", "subnet-pub", "sg-1")
		e1.Description, e1.AZ = "RDSNetworkInterface", "ap-northeast-1a"
		e2 := b.ENI("eni-db2", "subnet-pub2", "sg-1")
		e2.Description, e2.AZ = "RDSNetworkInterface", "ap-northeast-1c"
		for _, r := range b.Region().Resources {
			if r.ID == "aurora-2" {
				r.DB.AZ = "ap-northeast-1c"
			} else if r.DB != nil {
				r.DB.AZ = "ap-northeast-1a"
			}
		}
	}), fires(check.Medium, ids("db-subnets", "aurora-1", "aurora-2"), "Running in public subnets now: aurora-1 in subnet-pub (public-a); aurora-2 in subnet-pub2.")},
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
