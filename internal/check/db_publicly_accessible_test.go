package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// dbRegion is VPC vpc-1 with subnet-a, subnet-b and group sg-db; add puts
// DB instances there. DB instances are collected even when add adds none.
func dbRegion(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
		b.SecurityGroup("sg-db", "vpc-1", fromSG("tcp", 5432, 5432, "sg-app"))
		b.Collected(model.CallDBInstances)
		add(b)
		return b.Link()
	}
}

// db adds DB instance id of clusterID ("" for none), publicly accessible or
// not.
func db(id, clusterID string, public bool) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		b.DBInstance(id, clusterID, ids("subnet-a", "subnet-b"), "sg-db").DB.PubliclyAccessible = public
	}
}

// The check's rule: an RDS or Aurora DB instance with PubliclyAccessible
// true; its endpoint then resolves to a public address (RDS User Guide,
// "Working with a DB instance in a VPC"). High unless every subnet of its
// subnet group is known to be private (dbRegion's subnets have no route
// tables: unknown).
var dbPubliclyAccessibleCases = []checkCase{
	{"public Aurora instance names itself and its cluster", dbRegion(db("db-1", "aurora-main", true)),
		fires(check.High, ids("db-1", "aurora-main"), "aurora-postgresql DB instance db-1 (cluster aurora-main) is publicly accessible.").
			withEvidence("db-1 PubliclyAccessible=true")},
	{"public instance outside a cluster names itself only", dbRegion(db("db-solo", "", true)),
		fires(check.High, ids("db-solo"), "postgres DB instance db-solo is publicly accessible.")},
	{"public instance whose RDSNetworkInterface has a public address (§1) shows it", dbRegion(func(b *modeltest.Builder) {
		db("db-solo", "", true)(b)
		e := b.ENI("eni-rds", "subnet-a", "sg-db")
		e.Description, e.RequesterID, e.RequesterManaged = "RDSNetworkInterface", "amazon-rds", true
		modeltest.SetPublicIP(e, "198.51.100.7")
	}), fires(check.High, ids("db-solo"), "db-solo is publicly accessible; its network interface has the public address 198.51.100.7.")},
	{"each public member of a cluster is a finding", dbRegion(both(db("db-1", "aurora-main", true), db("db-2", "aurora-main", true))),
		fires(check.High, ids("db-1", "aurora-main"), "db-1").and(fires(check.High, ids("db-2", "aurora-main"), "db-2"))},
	{"only the public member of a cluster", dbRegion(both(db("db-1", "aurora-main", false), db("db-2", "aurora-main", true))),
		fires(check.High, ids("db-2", "aurora-main"), "db-2 (cluster aurora-main)")},
	// The setting exposes the database only where a route from the
	// internet can reach it (§4, §5): in private subnets only, it waits for
	// a route to be added, and is medium.
	{"public instance whose subnet group holds a public subnet: high", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1").DB.PubliclyAccessible = true
	}), fires(check.High, ids("db-1"), "postgres DB instance db-1 is publicly accessible.")},
	{"public instance whose subnet group has private subnets only: medium, and says why", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-eigw"), "sg-1").DB.PubliclyAccessible = true
	}), fires(check.Medium, ids("db-1"), "postgres DB instance db-1 is publicly accessible, but every subnet of its subnet group is private",
		"a route to an internet gateway added to one of them")},
	{"public instance whose subnets are not in the data: not known to be private, high", subnetRegion(func(b *modeltest.Builder) {
		b.DBInstance("db-1", "", ids("subnet-priv", "subnet-gone"), "sg-1").DB.PubliclyAccessible = true
	}), fires(check.High, ids("db-1"), "is publicly accessible.")},
	{"private instance", dbRegion(db("db-1", "aurora-main", false)), none},
	{"no DB instances", dbRegion(func(*modeltest.Builder) {}), none},
	{"an instance with a public address is not a database", dbRegion(func(b *modeltest.Builder) {
		modeltest.SetPublicIP(b.Instance("i-1", "subnet-a", "sg-db").ENIs[0], "198.51.100.8")
	}), none},
	{"DB instances not collected: skipped", func() *model.Region {
		return modeltest.New(account, region).Collected(model.CallSecurityGroups).Link()
	}, skipped(model.CallDBInstances)},
}

func TestDBPubliclyAccessible(t *testing.T) {
	runCases(t, check.DBPubliclyAccessible, dbPubliclyAccessibleCases)
}
