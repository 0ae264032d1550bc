package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: an ingress TCP or UDP rule for more than 1024 ports,
// except from the group itself, from the whole internet by itself
// (sg-world-open-port's), and 30000-65535 sub-ranges from a group or from
// private addresses (container platforms behind a load balancer).
var sgWidePortRangeCases = []checkCase{
	{"tcp 1024-65535 from the VPC: a network-ACL habit", groupRegion(onInstance, ingress("tcp", 1024, 65535, "10.0.0.0/16")),
		fires(check.Medium, ids("sg-1", "i-1"), "sg-1 (app) accepts tcp/1024-65535 (64512 ports) from 10.0.0.0/16; it is used by 1 EC2 instance.",
			"Security groups are stateful: replies to connections the resource opens pass without a rule").
			withEvidence("sg-1 ingress tcp/1024-65535 from 10.0.0.0/16")},
	{"tcp 0-65535 from an office network", groupRegion(onInstance, ingress("tcp", 0, 65535, "203.0.113.0/24")),
		fires(check.Medium, ids("sg-1", "i-1"), "accepts tcp/all (65536 ports) from 203.0.113.0/24;")},
	{"udp 10000-20000 from an office network", groupRegion(onInstance, ingress("udp", 10000, 20000, "203.0.113.0/24")),
		fires(check.Medium, ids("sg-1", "i-1"), "accepts udp/10000-20000 (10001 ports) from 203.0.113.0/24;")},
	{"tcp 0-65535 from another group, named by its label", groupRegion(onInstance, fromSG("tcp", 0, 65535, "sg-2")),
		fires(check.Medium, ids("sg-1", "i-1"), "accepts tcp/all (65536 ports) from sg-2 (other);").withEvidence("sg-1 ingress tcp/all from sg-2")},
	{"two wide rules: one finding, both listed", groupRegion(onInstance, ingress("tcp", 1024, 65535, "10.0.0.0/16"), ingress("udp", 0, 65535, "10.0.0.0/16")),
		fires(check.Medium, ids("sg-1", "i-1"), "accepts tcp/1024-65535 (64512 ports) from 10.0.0.0/16, udp/all (65536 ports) from 10.0.0.0/16;")},
	{"1025 ports is over the threshold", groupRegion(onInstance, ingress("tcp", 8000, 9024, "10.0.0.0/16")),
		fires(check.Medium, ids("sg-1", "i-1"), "tcp/8000-9024 (1025 ports)")},
	{"1024 ports is not", groupRegion(onInstance, ingress("tcp", 8000, 9023, "10.0.0.0/16")), none},
	{"Elasticsearch's 9200-9300 is a service's own range", groupRegion(onInstance, ingress("tcp", 9200, 9300, "10.0.0.0/16")), none},
	{"tcp 0-65535 from half the internet is not reported elsewhere", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/1")),
		fires(check.Medium, ids("sg-1", "i-1"), "tcp/all (65536 ports) from 0.0.0.0/1")},
	{"tcp 1024-65535 from an AWS-managed prefix list (§2: not the internet)", groupRegion(onInstance, fromList("tcp", 1024, 65535, "pl-s3")),
		fires(check.Medium, ids("sg-1", "i-1"), "tcp/1024-65535 (64512 ports) from pl-s3")},
	{"tcp 1024-65535 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 1024, 65535, "10.0.0.0/16")),
		fires(check.Low, ids("sg-1"), "not attached to anything now")},
	{"tcp 0-65535 from 0.0.0.0/0 is sg-world-open-port's", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")), none},
	{"tcp 1024-65535 from ::/0 is sg-world-open-port's (§5)", groupRegion(onInstance, ingress("tcp", 1024, 65535, "::/0")), none},
	{"tcp 1024-65535 from a customer prefix list with unknown entries: assumed the internet, sg-world-open-port's", groupRegion(onInstance, fromList("tcp", 1024, 65535, "pl-cust")), none},
	{"tcp 0-65535 from the group itself (cluster members)", groupRegion(onInstance, fromSG("tcp", 0, 65535, "sg-1")), none},
	{"tcp 32768-65535 from the load balancer's group: ECS dynamic host ports", groupRegion(onInstance, fromSG("tcp", 32768, 65535, "sg-2")), none},
	{"tcp 32768-65535 from the VPC: ECS dynamic ports behind a network load balancer", groupRegion(onInstance, ingress("tcp", 32768, 65535, "10.0.0.0/16")), none},
	{"tcp 30000-32767 from the VPC: Kubernetes NodePorts", groupRegion(onInstance, ingress("tcp", 30000, 32767, "10.0.0.0/16")), none},
	{"tcp 32768-65535 from an outside network is not a load balancer's", groupRegion(onInstance, ingress("tcp", 32768, 65535, "203.0.113.0/24")),
		fires(check.Medium, ids("sg-1", "i-1"), "tcp/32768-65535 (32768 ports) from 203.0.113.0/24")},
	{"all traffic from the VPC is not a port range", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/16")), none},
	{"ICMP has no ports", groupRegion(onInstance, ingress("icmp", -1, -1, "10.0.0.0/16")), none},
	{"narrow rules", groupRegion(onInstance, ingress("tcp", 443, 443, "10.0.0.0/16"), ingress("udp", 53, 53, "10.0.0.0/16")), none},
}

func TestSGWidePortRange(t *testing.T) {
	runCases(t, check.SGWidePortRange, sgWidePortRangeCases)
}
