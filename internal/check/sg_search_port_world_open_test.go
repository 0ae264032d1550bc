package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: OpenSearch/Elasticsearch (9200, 9300) or Dashboards/
// Kibana (5601) opened to the whole internet by TCP rules
// (AWS-SEMANTICS.md §2, §5). No resource kind of vpcdoctor runs a search
// engine, so an all-protocol rule alone is never reported here.
var sgSearchPortWorldOpenCases = []checkCase{
	{"tcp 9200 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 9200, 9200, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) lets the whole internet reach OpenSearch/Elasticsearch (9200); it is used by 1 EC2 instance.").
			withEvidence("sg-1 ingress tcp/9200 from 0.0.0.0/0")},
	{"tcp 9300 from ::/0 (§5)", groupRegion(onInstance, ingress("tcp", 9300, 9300, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach OpenSearch/Elasticsearch transport (9300);")},
	{"tcp 5601 is Kibana / OpenSearch Dashboards", groupRegion(onInstance, ingress("tcp", 5601, 5601, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach OpenSearch Dashboards/Kibana (5601);")},
	{"tcp 9200-9300 (Elasticsearch's default range) holds both", groupRegion(onInstance, ingress("tcp", 9200, 9300, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach OpenSearch/Elasticsearch (9200) and OpenSearch/Elasticsearch transport (9300);").
			withEvidence("sg-1 ingress tcp/9200-9300 from 0.0.0.0/0")},
	{"tcp 0-65535 from 0.0.0.0/0 holds all three", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach OpenSearch Dashboards/Kibana (5601), OpenSearch/Elasticsearch (9200) and OpenSearch/Elasticsearch transport (9300);")},
	{"-1 from 0.0.0.0/0: no search resource is known, sg-world-open-all-protocols reports the rule", groupRegion(onStoryServers, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"tcp 9201-9299 lies between the ports", groupRegion(onInstance, ingress("tcp", 9201, 9299, "0.0.0.0/0")), none},
	{"tcp 9200 from 10.0.0.0/16 (§5: private space)", groupRegion(onInstance, ingress("tcp", 9200, 9200, "10.0.0.0/16")), none},
	{"tcp 9200 from one office network", groupRegion(onInstance, fromList("tcp", 9200, 9200, "pl-office")), none},
	{"udp 9200 from 0.0.0.0/0", groupRegion(onInstance, ingress("udp", 9200, 9200, "0.0.0.0/0")), none},
	{"tcp 5601 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 5601, 5601, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "not attached to anything now")},
}

func TestSGSearchPortWorldOpen(t *testing.T) {
	runCases(t, check.SGSearchPortWorldOpen, sgSearchPortWorldOpenCases)
}
