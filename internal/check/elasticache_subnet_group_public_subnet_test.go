package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// cacheIn adds cache cluster id whose cache subnet group, group, holds
// subnets (as elasticache-describe-cache-subnet-groups lists them).
func cacheIn(id, group string, subnets ...string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) { b.CacheCluster(id, subnets, "sg-1").Cache.SubnetGroup = group }
}

// The check's rule: a cache subnet group, as the optional
// elasticache-describe-cache-subnet-groups call lists it, with a subnet
// whose route table has an active route to an attached internet gateway
// (AWS-SEMANTICS.md §4); one finding per group naming its clusters, and
// those whose nodes run in a public subnet now. Without that call the
// group is unknown and nothing is said. Fixture: subnetRegion.
var elastiCacheSubnetGroupPublicSubnetCases = []checkCase{
	{"one public subnet of two", subnetRegion(cacheIn("sessions-001", "cache-subnets", "subnet-priv", "subnet-pub2")),
		fires(check.Medium, ids("cache-subnets", "sessions-001"), "Cache subnet group cache-subnets includes 1 public subnet of 2: subnet-pub2. ElastiCache cluster sessions-001 uses it: ElastiCache places new and replacement nodes").
			withEvidence("subnet-pub2 route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"the clusters of a replication group share the group: one finding", subnetRegion(both(
		cacheIn("sessions-002", "cache-subnets", "subnet-pub", "subnet-pub2"), cacheIn("sessions-001", "cache-subnets", "subnet-pub", "subnet-pub2"))),
		fires(check.Medium, ids("cache-subnets", "sessions-001", "sessions-002"), "has only public subnets: subnet-pub (public-a), subnet-pub2. ElastiCache clusters sessions-001, sessions-002 use it")},
	{"a node running in a public subnet now is named with its cluster (resource-in-public-subnet leaves it here)", subnetRegion(func(b *modeltest.Builder) {
		cacheIn("sessions-001", "cache-subnets", "subnet-priv", "subnet-pub2")(b)
		b.ENI("eni-cache", "subnet-pub2", "sg-1").Description = "ElastiCache sessions-001"
	}), fires(check.Medium, ids("cache-subnets", "sessions-001"), "a place beside internet-facing resources. Running in public subnets now: sessions-001 in subnet-pub2.")},
	{"::/0 to the igw makes the subnet public (§4)", subnetRegion(cacheIn("sessions-001", "cache-subnets", "subnet-priv", "subnet-v6")),
		fires(check.Medium, ids("cache-subnets", "sessions-001"), "subnet-v6")},

	{"private subnets only", subnetRegion(cacheIn("sessions-001", "cache-subnets", "subnet-priv", "subnet-eigw")), none},
	{"subnet groups not collected: the group is unknown, nothing is said", subnetRegion(func(b *modeltest.Builder) {
		cacheIn("sessions-001", "cache-subnets", "subnet-pub")(b)
		b.NotCollected(model.CallCacheSubnetGroups)
	}), none},
	{"the call does not list the cluster's group: unknown", subnetRegion(func(b *modeltest.Builder) {
		b.CacheCluster("sessions-001", ids("subnet-pub"), "sg-1").Cache.SubnetGroupSubnetIDs = nil
	}), none},
	{"cache clusters not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallCacheClusters) }), skipped(model.CallCacheClusters)},
}

func TestElastiCacheSubnetGroupPublicSubnet(t *testing.T) {
	runCases(t, check.ElastiCacheSubnetGroupPublicSubnet, elastiCacheSubnetGroupPublicSubnetCases)
}
