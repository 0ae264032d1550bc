package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: SSH (tcp/22) or RDP (tcp and udp/3389) reachable from
// the whole internet through TCP or UDP rules of a group, alone or together
// with all-protocol rules (AWS-SEMANTICS.md §2, §5); an all-protocol rule
// open to the whole internet by itself is sg-world-open-all-protocols'.
var sgAdminPortWorldOpenCases = []checkCase{
	{"tcp 22 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) lets the whole internet reach SSH (22);", "used by 1 EC2 instance").
			withEvidence("sg-1 ingress tcp/22 from 0.0.0.0/0")},
	{"tcp 3389 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 3389, 3389, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach RDP (3389);")},
	{"tcp 22 from ::/0 (§5)", groupRegion(onInstance, ingress("tcp", 22, 22, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22);")},
	{"-1 from 0.0.0.0/0 opens both (§2 IpProtocol -1), but the rule is sg-world-open-all-protocols' finding, which names them",
		groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"-1 from 0.0.0.0/0 and tcp 22 from 0.0.0.0/0: the TCP rule is a problem of its own",
		groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22);").withEvidence("sg-1 ingress tcp/22 from 0.0.0.0/0")},
	{"tcp 0-65535 from 0.0.0.0/0 opens both", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22) and RDP (3389);").withEvidence("sg-1 ingress tcp/all from 0.0.0.0/0")},
	{"tcp 1-1024 from 0.0.0.0/0 holds 22", groupRegion(onInstance, ingress("tcp", 1, 1024, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22);")},
	{"tcp 22 and tcp 3389 by two rules: both named, both as evidence", groupRegion(onInstance, ingress("tcp", 3389, 3389, "0.0.0.0/0"), ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22) and RDP (3389);").
			withEvidence("sg-1 ingress tcp/22 from 0.0.0.0/0", "sg-1 ingress tcp/3389 from 0.0.0.0/0")},
	{"tcp 22 from 0.0.0.0/1 + 128.0.0.0/1 (§2: any rule matches)", groupRegion(onInstance, ingress("tcp", 22, 22, "0.0.0.0/1"), ingress("tcp", 22, 22, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22);")},
	{"tcp 22 from a customer prefix list with unknown entries is assumed open (§2)", groupRegion(onInstance, fromList("tcp", 22, 22, "pl-cust")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22);").
			withEvidence("sg-1 ingress tcp/22 from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
	{"tcp 22 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "not attached to anything now")},
	{"tcp 22 on an interface of unknown owner", groupRegion(onUnknownENI, ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "eni-x"), "used by 1 other network interface")},
	{"tcp 20-21 (FTP) is not an admin port", groupRegion(onInstance, ingress("tcp", 20, 21, "0.0.0.0/0")), none},
	{"tcp 23-3388 lies between the admin ports", groupRegion(onInstance, ingress("tcp", 23, 3388, "0.0.0.0/0")), none},
	{"tcp 22 from 203.0.113.0/24 is one network", groupRegion(onInstance, ingress("tcp", 22, 22, "203.0.113.0/24")), none},
	{"tcp 22 from 10.0.0.0/8 is private space (§5)", groupRegion(onInstance, ingress("tcp", 22, 22, "10.0.0.0/8")), none},
	{"tcp 22 from another group (§2: never internet packets)", groupRegion(onInstance, fromSG("tcp", 22, 22, "sg-2")), none},
	{"tcp 22 from an AWS-managed prefix list with unknown entries (§2)", groupRegion(onInstance, fromList("tcp", 22, 22, "pl-s3")), none},
	{"ICMP from the world is no admin port", groupRegion(onInstance, ingress("icmp", -1, -1, "0.0.0.0/0")), none},
	{"udp 22 from 0.0.0.0/0 is not SSH, which is TCP", groupRegion(onInstance, ingress("udp", 22, 22, "0.0.0.0/0")), none},
	{"udp 0-65535 from 0.0.0.0/0 holds RDP's UDP transport, not SSH", groupRegion(onInstance, ingress("udp", 0, 65535, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach RDP (3389);")},
	{"udp 3389 from 0.0.0.0/0 is RDP", groupRegion(onInstance, ingress("udp", 3389, 3389, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach RDP (3389);")},
	{"-1 from 0.0.0.0/1 + tcp 22 from 128.0.0.0/1: SSH is open to the internet (§2: union of rules)",
		groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1"), ingress("tcp", 22, 22, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22)").
			withEvidence("sg-1 ingress tcp/22 from 128.0.0.0/1", "sg-1 ingress all traffic from 0.0.0.0/1")},
	{"tcp 0-100 from 0.0.0.0/1 + tcp 20-200 from 128.0.0.0/1: 20-100 together (§2)",
		groupRegion(onInstance, ingress("tcp", 0, 100, "0.0.0.0/1"), ingress("tcp", 20, 200, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "reach SSH (22)")},
}

func TestSGAdminPortWorldOpen(t *testing.T) {
	runCases(t, check.SGAdminPortWorldOpen, sgAdminPortWorldOpenCases)
}
