package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// exposedRegion: a public subnet (0.0.0.0/0 -> attached igw, an ACL that
// allows everything), an instance i-1 with a public IP carrying sg-1 with
// rules, and whatever more adds.
func exposedRegion(public bool, more func(*mt.Builder), rules ...model.Rule) func() *model.Region {
	return func() *model.Region {
		b := mt.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.InternetGateway("igw-1", "vpc-1")
		b.RouteTable("rtb-1", "vpc-1").Main().Route("0.0.0.0/0", "igw-1")
		b.NetworkACL("acl-1", "vpc-1", []string{"subnet-a"},
			mt.Entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"),
			mt.Entry(100, "out", "allow", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"))
		b.SecurityGroup("sg-1", "vpc-1", rules...).Name = "app"
		inst := b.Instance("i-1", "subnet-a", "sg-1")
		if public {
			mt.SetPublicIP(inst.ENIs[0], "54.250.0.10")
		}
		b.Collected(model.CallNetworkInterfaces)
		if more != nil {
			more(b)
		}
		return b.Link()
	}
}

// The check's rule: one finding per resource the reachability engine finds
// reachable from the internet (AWS-SEMANTICS.md §5), graded by what is
// exposed.
var internetExposedCases = []checkCase{
	{"SSH reachable directly: critical, naming the instance and its ENI (§5)", exposedRegion(true, nil, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "EC2 instance i-1 is reachable from the internet on tcp/22.")},
	{"all traffic: critical", exposedRegion(true, nil, mt.Ingress("-1", -1, -1, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on all traffic")},
	{"a web port reached directly: high", exposedRegion(true, nil, mt.Ingress("tcp", 8080, 8080, "0.0.0.0/0")),
		fires(check.High, ids("i-1", "eni-i-1"), "on tcp/8080")},
	{"a stopped instance with an Elastic IP: reachable as soon as it starts, and said so", exposedRegion(true, func(b *mt.Builder) {
		b.Region().Resources[0].Instance.State = "stopped"
	}, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "EC2 instance i-1 (stopped) is reachable from the internet on tcp/22 as soon as it starts.")},
	{"the same rule without a public address: nothing reaches it (§5.1)", exposedRegion(false, nil, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")), none},
	{"an ACL deny before the allow stops it (§3)", exposedRegion(true, func(b *mt.Builder) {
		acl := b.Region().NetworkACLs[0]
		acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "6", 22, 22, "0.0.0.0/0")}, acl.Entries...)
	}, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")), none},
	// Sources the owner chose (an office, a VPN egress, a partner) are not
	// the internet at large: the exposure is still reported, naming them,
	// but at most medium, so that a bastion restricted as CIS asks does not
	// fail a --fail-on high gate.
	{"SSH from the office only (203.0.113.0/24): reachable from it, medium, naming the source", exposedRegion(true, nil, mt.Ingress("tcp", 22, 22, "203.0.113.0/24")),
		fires(check.Medium, ids("i-1", "eni-i-1"), "on tcp/22 from 203.0.113.0/24.")},
	{"all traffic from two small networks: medium", exposedRegion(true, nil, mt.Ingress("-1", -1, -1, "1.1.1.1/32"), mt.Ingress("-1", -1, -1, "2.2.2.0/28")),
		fires(check.Medium, ids("i-1", "eni-i-1"), "on all traffic from 1.1.1.1/32, 2.2.2.0/28.")},
	{"a web port from one partner network: low", exposedRegion(true, nil, mt.Ingress("tcp", 8080, 8080, "198.51.100.0/24")),
		fires(check.Low, ids("i-1", "eni-i-1"), "on tcp/8080 from 198.51.100.0/24.")},
	{"SSH from a /16 (65,536 addresses) is still a chosen network: medium", exposedRegion(true, nil, mt.Ingress("tcp", 22, 22, "100.20.0.0/16")),
		fires(check.Medium, ids("i-1", "eni-i-1"), "on tcp/22 from 100.20.0.0/16.")},
	{"SSH from a /15 is a large slice of the internet: critical", exposedRegion(true, nil, mt.Ingress("tcp", 22, 22, "100.20.0.0/15")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on tcp/22.")},
	{"SSH from half the internet (0.0.0.0/1): critical", exposedRegion(true, nil, mt.Ingress("tcp", 22, 22, "0.0.0.0/1")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on tcp/22.")},
	{"Cassandra reached directly: a data tier, critical", exposedRegion(true, nil, mt.Ingress("tcp", 9042, 9042, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on tcp/9042.")},
	{"OpenSearch Dashboards reached directly: critical", exposedRegion(true, nil, mt.Ingress("tcp", 5601, 5601, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on tcp/5601.")},
	// ICMP (ping, path-MTU messages) reached directly is a fact worth
	// knowing, not an exposed service: low.
	{"ICMP from the whole internet, directly: low", exposedRegion(true, nil, mt.Ingress("icmp", -1, -1, "0.0.0.0/0")),
		fires(check.Low, ids("i-1", "eni-i-1"), "on icmp.")},
	{"ICMP destination unreachable only: low, the type named once", exposedRegion(true, nil, mt.Ingress("icmp", 3, -1, "0.0.0.0/0")),
		fires(check.Low, ids("i-1", "eni-i-1"), "on icmp type 3.")},
	{"ICMP and SSH: the SSH exposure decides, critical", exposedRegion(true, nil, mt.Ingress("icmp", -1, -1, "0.0.0.0/0"), mt.Ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "icmp", "tcp/22")},
	// A load balancer's own listeners (§6): a non-HTTP listener that the
	// whole internet reaches is elb-non-http-listener-world-open's finding;
	// here it is only a fact (info).
	{"NLB whose group opens PostgreSQL to the world: elb-non-http-listener-world-open's, info here", lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-db")),
		fires(check.Info, ids("nlb"), "load balancer nlb is reachable from the internet on tcp/5432.")},
	{"NLB without a group, TCP on 8443: info here", lbRegion(nlb(mt.InternetFacing, ls("TCP", 8443))),
		fires(check.Info, ids("nlb"), "on tcp/8443")},
	{"NLB open to the office only on PostgreSQL: reachable from that network only, medium here", lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-office")),
		fires(check.Medium, ids("nlb"), "on tcp/5432 from 203.0.113.0/24")},
	{"ALB with HTTPS on 8443: a web listener off the usual ports stays medium here", lbRegion(func(b *mt.Builder) {
		b.SecurityGroup("sg-8443", "vpc-1", mt.Ingress("tcp", 8443, 8443, "0.0.0.0/0"))
		alb(mt.InternetFacing, ls("HTTPS", 8443), "sg-8443")(b)
	}), fires(check.Medium, ids("web"), "on tcp/8443")},
	{"ALB with HTTP and HTTPS on 80 and 443: info", lbRegion(alb(mt.InternetFacing, ls("HTTP", 80, "HTTPS", 443), "sg-web")),
		fires(check.Info, ids("web"), "on tcp/80, tcp/443")},
	{"NLB whose listeners were not collected: every port assumed, critical", lbRegion(func(b *mt.Builder) {
		b.NetworkLoadBalancer("nlb", mt.InternetFacing, pubAB)
		b.NotCollected(model.CallListeners)
	}), fires(check.Critical, ids("nlb"), "reachable from the internet")},
	// Without the ENI list the interfaces that resources describe
	// themselves (an instance's, a task's) are still known: what they show
	// exposed is reported, rather than nothing (a missed exposure is the
	// worst error); the coverage says the list is missing.
	{"ENI list not collected: the instance's own description of its interface still shows the exposure", exposedRegion(true, func(b *mt.Builder) { b.NotCollected(model.CallNetworkInterfaces) }, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")),
		fires(check.Critical, ids("i-1", "eni-i-1"), "on tcp/22.")},
	{"security groups not collected: skipped", exposedRegion(true, func(b *mt.Builder) { b.NotCollected(model.CallSecurityGroups) }, mt.Ingress("tcp", 22, 22, "0.0.0.0/0")),
		skipped(model.CallSecurityGroups)},
}

func TestInternetExposed(t *testing.T) {
	runCases(t, check.InternetExposed, internetExposedCases)
}
