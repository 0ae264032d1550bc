package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: a cache port that the whole internet may reach through
// a group's TCP rules (AWS-SEMANTICS.md §2, §5): Redis/Valkey (6379),
// Memcached (11211), or the port of an ElastiCache cluster carrying the
// group. An all-protocol rule open to the whole internet is
// sg-world-open-all-protocols' finding.
var sgCachePortWorldOpenCases = []checkCase{
	{"tcp 6379 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 6379, 6379, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) lets the whole internet reach Redis/Valkey (6379); it is used by 1 EC2 instance.").
			withEvidence("sg-1 ingress tcp/6379 from 0.0.0.0/0")},
	{"tcp 11211 from ::/0 (§5)", groupRegion(onInstance, ingress("tcp", 11211, 11211, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach Memcached (11211);")},
	{"tcp 6000-12000 holds both", groupRegion(onInstance, ingress("tcp", 6000, 12000, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach Redis/Valkey (6379) and Memcached (11211);").withEvidence("sg-1 ingress tcp/6000-12000 from 0.0.0.0/0")},
	{"-1 from 0.0.0.0/0 on a Redis cluster: sg-world-open-all-protocols' finding, which names it", groupRegion(onRedis, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"-1 from 0.0.0.0/1 + tcp 6380 from 128.0.0.0/1 on a Redis cluster on 6380: open by the two together (§2)",
		groupRegion(onCache("redis", 6380), ingress("-1", -1, -1, "0.0.0.0/1"), ingress("tcp", 6380, 6380, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "cache-1"), "reach Redis (6380) on ElastiCache cluster cache-1;").
			withEvidence("sg-1 ingress tcp/6380 from 128.0.0.0/1", "sg-1 ingress all traffic from 0.0.0.0/1")},
	{"tcp 6380 from 0.0.0.0/0 on a Redis cluster listening there", groupRegion(onCache("redis", 6380), ingress("tcp", 6380, 6380, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "cache-1"), "reach Redis (6380) on ElastiCache cluster cache-1;").withEvidence("sg-1 ingress tcp/6380 from 0.0.0.0/0")},
	{"-1 from 0.0.0.0/0 on an EC2 instance alone: no cache port named", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"udp 11211 from 0.0.0.0/0: not claimed here (sg-world-open-port reports it)", groupRegion(onInstance, ingress("udp", 11211, 11211, "0.0.0.0/0")), none},
	{"tcp 6379 from 10.0.0.0/8 (§5: private space)", groupRegion(onRedis, ingress("tcp", 6379, 6379, "10.0.0.0/8")), none},
	{"tcp 6379 from another group (§2)", groupRegion(onRedis, fromSG("tcp", 6379, 6379, "sg-2")), none},
	{"tcp 6379 from a customer prefix list with unknown entries is assumed open (§2)", groupRegion(onRedis, fromList("tcp", 6379, 6379, "pl-cust")),
		fires(check.Critical, ids("sg-1", "cache-1"), "reach Redis (6379) on ElastiCache cluster cache-1;", "This is assumed: entries of prefix list pl-cust")},
	{"tcp 6379 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 6379, 6379, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "reach Redis/Valkey (6379);", "not attached to anything now")},
}

func TestSGCachePortWorldOpen(t *testing.T) {
	runCases(t, check.SGCachePortWorldOpen, sgCachePortWorldOpenCases)
}
