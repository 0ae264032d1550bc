package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

var (
	egress    = modeltest.Egress
	egressToG = modeltest.EgressToGroup
)

// The check's rule: a group carried only by RDS DB instances and
// ElastiCache clusters (or interfaces RDS or ElastiCache own) whose
// all-protocol egress rules together reach every public IPv4 or every
// global IPv6 address (AWS-SEMANTICS.md §2: outbound, the same union as
// inbound). groupRegion gives sg-1 AWS's default egress rule.
var sgEgressOpenDataTierCases = []checkCase{
	{"a DB instance with AWS's default egress rule", groupRegion(onPostgres),
		fires(check.Medium, ids("sg-1", "db-1"),
			"sg-1 (app) is carried only by data-tier resources (1 RDS DB instance) and allows all outbound traffic to 0.0.0.0/0: "+
				"nothing stops the data from leaving for any address on the internet.").
			withEvidence("sg-1 egress all traffic to 0.0.0.0/0")},
	{"a cache cluster", groupRegion(onRedis), fires(check.Medium, ids("sg-1", "cache-1"), "(1 ElastiCache cluster)")},
	{"an Aurora cluster and a cache cluster: all data tier", groupRegion(both(onAuroraMySQL, onRedis)),
		fires(check.Medium, ids("sg-1", "cache-1", "db-1", "db-2"), "(1 ElastiCache cluster, 2 RDS DB instances)")},
	{"a DB instance and its RDS interface (§1: RDSNetworkInterface)", groupRegion(func(b *modeltest.Builder) {
		onPostgres(b)
		b.ENI("eni-rds", "subnet-a", "sg-1").Description = "RDSNetworkInterface"
	}), fires(check.Medium, ids("sg-1", "db-1"), "(1 RDS DB instance)")},
	{"all traffic to ::/0 (§5)", groupRegion(withEgress(onPostgres, egress("-1", -1, -1, "::/0"))),
		fires(check.Medium, ids("sg-1", "db-1"), "all outbound traffic to ::/0:").withEvidence("sg-1 egress all traffic to ::/0")},
	{"all traffic to 0.0.0.0/1 + 128.0.0.0/1 (§2: rules add up)", groupRegion(withEgress(onPostgres, egress("-1", -1, -1, "0.0.0.0/1"), egress("-1", -1, -1, "128.0.0.0/1"))),
		fires(check.Medium, ids("sg-1", "db-1"), "all outbound traffic to 0.0.0.0/1 and 128.0.0.0/1:")},
	{"shared with an EC2 instance: sg-shared-across-roles' finding", groupRegion(both(onPostgres, onInstance)), none},
	{"shared with an interface of unknown owner", groupRegion(both(onPostgres, onUnknownENI)), none},
	{"an EC2 instance alone", groupRegion(onInstance), none},
	{"carried by nothing", groupRegion(onNothing), none},
	{"egress only to the S3 prefix list on 443", groupRegion(withEgress(onPostgres, fromListEgress("tcp", 443, 443, "pl-s3"))), none},
	{"no egress rule at all", groupRegion(withEgress(onPostgres)), none},
	{"a group another account shares with this one: its owner may put it on other tiers, not judged", groupRegion(sharedFrom("999988887777", onPostgres)), none},
	{"all traffic to private space", groupRegion(withEgress(onPostgres, egress("-1", -1, -1, "10.0.0.0/8"))), none},
	{"all traffic to the application's group", groupRegion(withEgress(onPostgres, egressToG("-1", -1, -1, "sg-2"))), none},
	{"all TCP ports to 0.0.0.0/0 is not all traffic", groupRegion(withEgress(onPostgres, egress("tcp", 0, 65535, "0.0.0.0/0"))), none},
	{"ENI list not collected: skipped (other carriers may be unseen)", groupRegion(withoutENIList(onPostgres)), skipped(model.CallNetworkInterfaces)},
}

func fromListEgress(protocol string, from, to int, id string) model.Rule {
	r := fromList(protocol, from, to, id)
	r.Direction = model.Egress
	return r
}

func TestSGEgressOpenDataTier(t *testing.T) {
	runCases(t, check.SGEgressOpenDataTier, sgEgressOpenDataTierCases)
}
