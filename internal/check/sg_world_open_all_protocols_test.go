package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// "The whole internet" is every public address: 0.0.0.0/0 less private,
// shared, loopback, link-local, multicast and reserved space, and 2000::/3
// (AWS-SEMANTICS.md §5). One rule or several for the same protocol and ports
// together may cover it (§2).
var sgWorldOpenAllProtocolsCases = []checkCase{
	{"-1 from 0.0.0.0/0 opens every port of every protocol (§2 IpProtocol -1)", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "sg-1 (app) accepts all protocols on all ports from 0.0.0.0/0;", "used by 1 EC2 instance").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},
	{"-1 from ::/0 opens every port to every IPv6 address (§5)", groupRegion(onInstance, ingress("-1", -1, -1, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from ::/0;")},
	{"-1 from 10.0.0.0/8 is private space, not the internet (§5)", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/8")), none},
	{"-1 from 203.0.113.0/24 is one network, not the internet", groupRegion(onInstance, ingress("-1", -1, -1, "203.0.113.0/24")), none},
	{"-1 from 0.0.0.0/1 alone covers half the internet", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1")), none},
	{"tcp 0-65535 from 0.0.0.0/0 is one protocol: sg-world-open-port's", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")), none},
	{"udp all ports from 0.0.0.0/0 is one protocol", groupRegion(onInstance, ingress("udp", -1, -1, "0.0.0.0/0")), none},
	{"seen on nothing, ENI list not collected: usage unknown, severity kept", groupRegion(withoutENIList(onNothing), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1"), "ec2-describe-network-interfaces was not collected, so what carries it is unknown")},
	{"unattached group: severity low, nothing exposed now", groupRegion(onNothing, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "not attached to anything now")},
	{"0.0.0.0/1 + 128.0.0.0/1 together are the internet (§2: any rule matches)", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/1"), ingress("-1", -1, -1, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/1 and 128.0.0.0/1;").
			withEvidence("sg-1 ingress all traffic from 0.0.0.0/1", "sg-1 ingress all traffic from 128.0.0.0/1")},
	{"CIDRs covering every public address but 10/8 are the internet (§5)", groupRegion(onInstance,
		ingress("-1", -1, -1, "0.0.0.0/5"), ingress("-1", -1, -1, "8.0.0.0/7"), ingress("-1", -1, -1, "11.0.0.0/8"), ingress("-1", -1, -1, "12.0.0.0/6"),
		ingress("-1", -1, -1, "16.0.0.0/4"), ingress("-1", -1, -1, "32.0.0.0/3"), ingress("-1", -1, -1, "64.0.0.0/2"), ingress("-1", -1, -1, "128.0.0.0/1")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/5 and 8.0.0.0/7", "and 128.0.0.0/1;")},
	{"a private rule beside 0.0.0.0/0 is not evidence", groupRegion(onInstance, ingress("-1", -1, -1, "10.0.0.0/8"), ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/0;").withEvidence("sg-1 ingress all traffic from 0.0.0.0/0")},
	{"0.0.0.0/0 and ::/0 give one finding naming both", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("-1", -1, -1, "::/0")),
		fires(check.Critical, ids("sg-1", "i-1"), "from 0.0.0.0/0 and ::/0;")},
	{"customer prefix list with unknown entries is assumed open (§2, over-approximate)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-cust")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-cust;").
			withEvidence("sg-1 ingress all traffic from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
	{"prefix list absent from the data is assumed open", groupRegion(onInstance, fromList("-1", -1, -1, "pl-gone")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-gone;")},
	{"AWS-managed prefix list with unknown entries is one service's addresses (§2)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-s3")), none},
	{"prefix list whose entries include 0.0.0.0/0 is the internet (§2)", groupRegion(onInstance, fromList("-1", -1, -1, "pl-world")),
		fires(check.Critical, ids("sg-1", "i-1"), "from pl-world;").withEvidence("sg-1 ingress all traffic from pl-world")},
	{"prefix list of one office network is not the internet", groupRegion(onInstance, fromList("-1", -1, -1, "pl-office")), none},
	{"a group reference never matches internet packets (§2)", groupRegion(onInstance, fromSG("-1", -1, -1, "sg-2")), none},
	{"interface of unknown owner is named by its ID", groupRegion(onUnknownENI, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "eni-x"), "used by 1 other network interface")},
	{"internet-facing load balancer is no exception", groupRegion(onPublicLB, ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("sg-1", "web"), "used by 1 load balancer")},
	{"group without rules", groupRegion(onInstance), none},
}

func TestSGWorldOpenAllProtocols(t *testing.T) {
	runCases(t, check.SGWorldOpenAllProtocols, sgWorldOpenAllProtocolsCases)
}
