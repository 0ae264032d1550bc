package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: every (protocol, ports) of a group that the whole
// internet may use (AWS-SEMANTICS.md §2, §5), except all-protocol rules
// (sg-world-open-all-protocols), ICMP, tcp/80 and tcp/443 exactly and the
// load balancers' own listener ports on a group carried only by
// internet-facing load balancers, and ports or
// ranges made only of ports that a more specific check reports: SSH and
// RDP (sg-admin-port-world-open), the well-known database, cache and search
// ports, and the port of a DB instance or cache cluster carrying the group
// (sg-database-port-world-open, sg-cache-port-world-open,
// sg-search-port-world-open).
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
	{"two open ports: one finding, sorted", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/0"), ingress("tcp", 25, 25, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/25, tcp/8080 to").
			withEvidence("sg-1 ingress tcp/25 from 0.0.0.0/0", "sg-1 ingress tcp/8080 from 0.0.0.0/0")},
	{"tcp 22 beside tcp 8080: 22 is sg-admin-port-world-open's, only 8080 here", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/0"), ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "sg-1 (app) opens tcp/8080 to the whole internet").withEvidence("sg-1 ingress tcp/8080 from 0.0.0.0/0")},
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
	// A port that is a listener of the internet-facing load balancers
	// carrying the group is the listener's exposure (§6):
	// elb-non-http-listener-world-open or internet-exposed grade it.
	{"8443 on the group of an ALB listening on HTTPS:8443: the listener's exposure, not repeated here", groupRegion(func(b *modeltest.Builder) {
		b.Listen(b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1"), "HTTPS", 8443)
	}, ingress("tcp", 8443, 8443, "0.0.0.0/0")), none},
	{"8443 and 9000 on the group of an ALB listening on 8443 only: 9000 here", groupRegion(func(b *modeltest.Builder) {
		b.Listen(b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1"), "HTTPS", 8443)
	}, ingress("tcp", 8443, 8443, "0.0.0.0/0"), ingress("tcp", 9000, 9000, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens tcp/9000 to").withEvidence("sg-1 ingress tcp/9000 from 0.0.0.0/0")},
	{"udp 53 on the group of an NLB listening on UDP:53", groupRegion(func(b *modeltest.Builder) {
		b.Listen(b.NetworkLoadBalancer("dns", modeltest.InternetFacing, ids("subnet-a"), "sg-1"), "UDP", 53)
	}, ingress("udp", 53, 53, "0.0.0.0/0")), none},
	{"tcp 53 on the group of an NLB listening on UDP:53 only: not its listener", groupRegion(func(b *modeltest.Builder) {
		b.Listen(b.NetworkLoadBalancer("dns", modeltest.InternetFacing, ids("subnet-a"), "sg-1"), "UDP", 53)
	}, ingress("tcp", 53, 53, "0.0.0.0/0")), fires(check.High, ids("sg-1", "dns"), "opens tcp/53")},
	{"8443 on an ALB listening on 8443 whose group an instance carries too", groupRegion(func(b *modeltest.Builder) {
		b.Listen(b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1"), "HTTPS", 8443)
		onInstance(b)
	}, ingress("tcp", 8443, 8443, "0.0.0.0/0")), fires(check.High, ids("sg-1", "i-1", "web"), "opens tcp/8443")},
	{"udp 443 on a load balancer is not the HTTPS exception", groupRegion(onPublicLB, ingress("udp", 443, 443, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens udp/443")},
	{"a group another account shares with this one, seen on nothing here: its owner's resources may carry it, severity kept", groupRegion(sharedFrom("999988887777", onNothing), ingress("tcp", 8080, 8080, "0.0.0.0/0")),
		fires(check.High, ids("sg-1"), "not seen on anything in this account; it belongs to account 999988887777, whose resources may carry it")},
	{"80 and 443 on a shared group carried here by an internet-facing load balancer only: the owner's resources may carry it too",
		groupRegion(sharedFrom("999988887777", onPublicLB), ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "web"), "opens tcp/80 to the whole internet")},
	// Interfaces of Lambda functions and interface endpoints never accept
	// connections from the internet (AWS-SEMANTICS.md §5): a group only
	// they carry exposes nothing to it, and is low, as an unattached one.
	{"8080 on a group only a Lambda function carries: low, and says why", groupRegion(func(b *modeltest.Builder) {
		b.Lambda("fn", ids("subnet-a"), "sg-1")
	}, ingress("tcp", 8080, 8080, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1", "fn"), "used by 1 Lambda function, whose interfaces never accept connections from the internet")},
	{"443 on a group only an interface endpoint carries: low", groupRegion(onInterfaceEndpoint, ingress("tcp", 443, 443, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1", "vpce-1"), "never accept connections from the internet")},
	{"8080 on a group a Lambda function and an instance carry: high", groupRegion(func(b *modeltest.Builder) {
		b.Lambda("fn", ids("subnet-a"), "sg-1")
		onInstance(b)
	}, ingress("tcp", 8080, 8080, "0.0.0.0/0")), fires(check.High, ids("sg-1", "i-1", "fn"), "used by 1 EC2 instance, 1 Lambda function.")},
	{"80 on an unattached group: severity low", groupRegion(onNothing, ingress("tcp", 80, 80, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "opens tcp/80", "not attached to anything now")},
	{"ICMP from the world has no ports (ping, path MTU)", groupRegion(onInstance, ingress("icmp", -1, -1, "0.0.0.0/0"), ingress("icmpv6", -1, -1, "::/0")), none},
	{"-1 from the world is sg-world-open-all-protocols'", groupRegion(onInstance, ingress("-1", -1, -1, "0.0.0.0/0")), none},
	{"tcp 8080 from one network", groupRegion(onInstance, ingress("tcp", 8080, 8080, "203.0.113.0/24")), none},
	{"tcp 8080 from private space (§5)", groupRegion(onInstance, ingress("tcp", 8080, 8080, "10.0.0.0/8"), ingress("tcp", 8080, 8080, "172.16.0.0/12"), ingress("tcp", 8080, 8080, "192.168.0.0/16")), none},
	{"tcp 8080 from another group (§2: never internet packets)", groupRegion(onInstance, fromSG("tcp", 8080, 8080, "sg-2")), none},
	{"tcp 8080 from 0.0.0.0/1 + 128.0.0.0/1 (§2: any rule matches)", groupRegion(onInstance, ingress("tcp", 8080, 8080, "0.0.0.0/1"), ingress("tcp", 8080, 8080, "128.0.0.0/1")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8080")},
	{"prefix list whose known entries include 0.0.0.0/0", groupRegion(onInstance, fromList("tcp", 8443, 8443, "pl-world")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8443").withEvidence("sg-1 ingress tcp/8443 from pl-world")},
	{"customer prefix list with unknown entries is assumed open (§2)", groupRegion(onInstance, fromList("tcp", 8443, 8443, "pl-cust")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/8443", "This is assumed: entries of prefix list pl-cust were not collected; assumed open to the internet.").
			withEvidence("sg-1 ingress tcp/8443 from pl-cust", "entries of prefix list pl-cust were not collected; assumed open to the internet")},
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

	// Ports a more specific check reports leave this one; ranges holding
	// other ports stay whole (both checks report then).
	{"tcp 22 alone is sg-admin-port-world-open's", groupRegion(onInstance, ingress("tcp", 22, 22, "0.0.0.0/0")), none},
	{"tcp 3389 and udp 3389 are sg-admin-port-world-open's", groupRegion(onInstance, ingress("tcp", 3389, 3389, "0.0.0.0/0"), ingress("udp", 3389, 3389, "::/0")), none},
	{"udp 22 is not SSH: reported here", groupRegion(onInstance, ingress("udp", 22, 22, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens udp/22 to")},
	{"database, cache and search ports are their checks'", groupRegion(onInstance,
		ingress("tcp", 3306, 3306, "0.0.0.0/0"), ingress("tcp", 5432, 5432, "::/0"), ingress("tcp", 6379, 6379, "0.0.0.0/0"),
		ingress("tcp", 11211, 11211, "0.0.0.0/0"), ingress("tcp", 9200, 9200, "0.0.0.0/0"), ingress("tcp", 5601, 5601, "0.0.0.0/0")), none},
	{"tcp 20-22 holds FTP's ports too: reported whole", groupRegion(onInstance, ingress("tcp", 20, 22, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/20-22 to").withEvidence("sg-1 ingress tcp/20-22 from 0.0.0.0/0")},
	{"tcp 0-65535 is more than the specific ports: reported whole", groupRegion(onInstance, ingress("tcp", 0, 65535, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/all to")},
	{"tcp 9200-9300 holds 9201-9299: reported whole", groupRegion(onInstance, ingress("tcp", 9200, 9300, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/9200-9300 to")},
	{"tcp 1433-1434: 1434 is no check's", groupRegion(onInstance, ingress("tcp", 1433, 1434, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/1433-1434 to")},
	{"udp 6379 and udp 11211: the cache checks claim TCP only", groupRegion(onInstance, ingress("udp", 6379, 6379, "0.0.0.0/0"), ingress("udp", 11211, 11211, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens udp/6379, udp/11211 to")},
	{"tcp 6432 on an EC2 instance is no check's", groupRegion(onInstance, ingress("tcp", 6432, 6432, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "i-1"), "opens tcp/6432 to")},
	{"tcp 6432 on a DB instance listening there is sg-database-port-world-open's", groupRegion(onDB("postgres", 6432), ingress("tcp", 6432, 6432, "0.0.0.0/0")), none},
	{"tcp 5432-6432 holds more than the DB instance's and the well-known port", groupRegion(onDB("postgres", 6432), ingress("tcp", 5432, 6432, "0.0.0.0/0")),
		fires(check.High, ids("sg-1", "db-1"), "opens tcp/5432-6432 to")},
	{"tcp 3306-3307 with a DB instance on 3307: both ports claimed", groupRegion(onDB("mysql", 3307), ingress("tcp", 3306, 3307, "0.0.0.0/0")), none},
	{"tcp 3307 on a DB cluster listening there is sg-database-port-world-open's", groupRegion(onClusterOnly(3307), ingress("tcp", 3307, 3307, "0.0.0.0/0")), none},
	{"tcp 6380 on a cache cluster listening there is sg-cache-port-world-open's", groupRegion(onCache("redis", 6380), ingress("tcp", 6380, 6380, "0.0.0.0/0")), none},
	{"tcp 6380 on an unattached group is no check's", groupRegion(onNothing, ingress("tcp", 6380, 6380, "0.0.0.0/0")),
		fires(check.Low, ids("sg-1"), "opens tcp/6380 to")},
}

func TestSGWorldOpenPort(t *testing.T) {
	runCases(t, check.SGWorldOpenPort, sgWorldOpenPortCases)
}
