package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// The check's rule: every (protocol, ports) of a group that the whole
// internet may use (AWS-SEMANTICS.md §2, §5), except all-protocol rules
// (sg-world-open-all-protocols), ICMP, and tcp/80 and tcp/443 exactly on a
// group carried only by internet-facing load balancers.
var sgWorldOpenPortCases = []checkCase{
	{"tcp 8080 from 0.0.0.0/0", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "sg-1 (app) opens tcp/8080 to the whole internet", "used by 1 EC2 instance").
			withEvidence("sg-1 ingress tcp/8080 from 0.0.0.0/0")},
	{"tcp 8080 from ::/0 (§5: every IPv6 address is global)", groupRegion(onInstance, ingress("tcp", 8080, 8080, "::/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8080").withEvidence("sg-1 ingress tcp/8080 from ::/0")},
	{"udp 53 from 0.0.0.0/0", groupRegion(onInstance, ingress("udp", 53, 53, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens udp/53")},
	{"protocol 50 (ESP) has no ports and opens the whole protocol (§2)", groupRegion(onInstance, ingress("50", -1, -1, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens protocol 50")},
	{"two open ports: one finding, sorted", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/0"), ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/22, tcp/8080 to").
			withEvidence("sg-1 ingress tcp/22 from 0.0.0.0/0", "sg-1 ingress tcp/8080 from 0.0.0.0/0")},
	{"80 on a load balancer's group, ENI list not collected: unseen users may carry it, no exemption", groupRegion(withoutENIList(onPublicLB), ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens tcp/80")},
	{"80 and 443 on a group only internet-facing load balancers carry", groupRegion(onPublicLB, ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 443, 443, "0.0.0.0/0"), ingress("tcp", 443, 443, "::/0")), none},
	{"80 on an internet-facing load balancer whose node interface is listed (§1)", groupRegion(onPublicLBWithENI, ingress("tcp", 80, 80, "0.0.0.0/0")), none},
	{"80 on a group a load balancer and an instance carry", groupRegion(onPublicLBAndInstance, ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1", "web"), "opens tcp/80", "used by 1 EC2 instance, 1 load balancer")},
	{"443 on a load balancer's group that an unknown interface also carries", groupRegion(onPublicLBAndUnknownENI, ingress("tcp", 443, 443, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web", "eni-x"), "opens tcp/443", "1 load balancer, 1 other network interface")},
	{"80 on an internal load balancer", groupRegion(onInternalLB, ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "api"), "opens tcp/80")},
	{"tcp 80-443 on a load balancer is more than HTTP and HTTPS", groupRegion(onPublicLB, ingress("tcp", 80, 443, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens tcp/80-443")},
	{"8080 beside 80 on a load balancer: only 8080", groupRegion(onPublicLB, ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 8080, 8080, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens tcp/8080 to").withEvidence("sg-1 ingress tcp/8080 from 0.0.0.0/0")},
	{"udp 443 on a load balancer is not the HTTPS exception", groupRegion(onPublicLB, ingress("udp", 443, 443, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens udp/443")},
	{"80 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "opens tcp/80", "not attached to anything now")},
	{"ICMP from the world has no ports (ping, path MTU)", groupRegion(onInstance, ingress("icmp", -1, -1, "0.0.0.0/0"), ingress("icmpv6", -1, -1, "::/0")), none},
	{"-1 from the world is sg-world-open-all-protocols'", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"tcp 8080 from one network", groupRegion(onInstance, ingress("tcp", 8080, 8080, "203.0.113.0/24")), none},
	{"tcp 8080 from private space (§5)", groupRegion(onInstance, ingress("tcp", 8080, 8080, "10.0.0.0/8"), ingress("tcp", 8080, 8080, "172.16.0.0/12"), ingress("tcp", 8080, 8080, "192.168.0.0/16")), none},
	{"tcp 8080 from another group (§2: never internet packets)", groupRegion(onInstance, fromSG("tcp", 8080, 8080, "sg-2")), none},
	{"tcp 8080 from 0.0.0.0/1 + 128.0.0.0/1 (§2: any rule matches)", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/1"), ingress("tcp", 8080, 8080, "128.0.0.0/1")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8080")},
	{"prefix list whose known entries include 0.0.0.0/0", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-world")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/5432").withEvidence("sg-1 ingress tcp/5432 from pl-world")},
	{"customer prefix list with unknown entries is assumed open (§2)", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-cust")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/5432", "This is assumed: entries of prefix list pl-cust were not collected; assumed open to the internet.").
			withEvidence("sg-1 ingress tcp/5432 from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
	{"AWS-managed prefix list with unknown entries (§2)", groupRegion(onInstance, fromList("tcp", 443, 443, "pl-s3")), none},
	{"prefix list of one office network", groupRegion(onInstance, fromList("tcp", 5432, 5432, "pl-office")), none},
	{"all ports of tcp 0-65535 from 0.0.0.0/1 + tcp 8080 from 128.0.0.0/1: 8080 is open to the internet (§2: union of rules)",
		groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/1"), ingress("tcp", 8080, 8080, "128.0.0.0/1")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8080 to the whole internet").
			withEvidence("sg-1 ingress tcp/all from 0.0.0.0/1", "sg-1 ingress tcp/8080 from 128.0.0.0/1")},
	{"-1 from 0.0.0.0/0 and tcp 80 from 0.0.0.0/0: the tcp rule is reported itself, the rest is the all-protocols check's",
		groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/80 to the whole internet").withEvidence("sg-1 ingress tcp/80 from 0.0.0.0/0")},
	{"-1 from 0.0.0.0/0 and tcp 80 from 10.0.0.0/8: only the all-protocols check speaks",
		groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0"), ingress("tcp", 80, 80, "10.0.0.0/8")), none},
}

func TestSGWorldOpenPort(t *testing.T) {
	runCases(t, check.SGWorldOpenPort, sgWorldOpenPortCases)
}
