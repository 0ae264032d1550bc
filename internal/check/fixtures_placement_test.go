package check_test

import (
	"net/netip"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// Fixtures of the placement checks (ec2-instance-public-ip,
// lambda-in-public-subnet, ecs-task-public-ip, the subnet group checks)
// and of the load-balancer checks. The placement checks also use
// subnetRegion (fixtures_test.go).

// withIPv6 gives e the IPv6 address addr (AWS-SEMANTICS.md §5.1: every
// global IPv6 address is routable from the internet).
func withIPv6(e *model.ENI, addr string) { e.IPv6 = append(e.IPv6, netip.MustParseAddr(addr)) }

// lbRegion is the fixture of the load-balancer checks: VPC vpc-1
// (10.0.0.0/16) with igw-1 attached; subnet-pub-a and subnet-pub-b on
// rtb-pub (0.0.0.0/0 and ::/0 -> igw-1); subnet-priv on the main table
// rtb-main (0.0.0.0/0 -> nat-1); network ACL acl-1 on every subnet
// allowing all IPv4 and IPv6 traffic both ways; and security groups
//
//	sg-web     tcp/80 and tcp/443 from 0.0.0.0/0
//	sg-https   tcp/443 from 0.0.0.0/0 only
//	sg-db      tcp/5432 from 0.0.0.0/0
//	sg-ssh     tcp/22 from 0.0.0.0/0 and ::/0
//	sg-office  tcp/5432 from 203.0.113.0/24
//	sg-udp     udp/53 from 0.0.0.0/0
//
// The ENI list is collected (empty unless add adds interfaces: the engine
// then stands in a node with a public address per subnet, §6). add places
// the load balancers under test.
func lbRegion(add func(*mt.Builder)) func() *model.Region {
	return func() *model.Region {
		b := mt.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.InternetGateway("igw-1", "vpc-1")
		b.Subnet("subnet-pub-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-pub-b", "vpc-1", "10.0.2.0/24")
		b.Subnet("subnet-priv", "vpc-1", "10.0.3.0/24")
		b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub-a", "subnet-pub-b").Route("0.0.0.0/0", "igw-1").Route("::/0", "igw-1")
		b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "nat-1")
		b.NetworkACL("acl-1", "vpc-1", ids("subnet-pub-a", "subnet-pub-b", "subnet-priv"),
			mt.Entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(101, "in", "allow", "-1", 0, 0, "::/0"),
			mt.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(32767, "in", "deny", "-1", 0, 0, "::/0"),
			mt.Entry(100, "out", "allow", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(101, "out", "allow", "-1", 0, 0, "::/0"),
			mt.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(32767, "out", "deny", "-1", 0, 0, "::/0"))
		b.SecurityGroup("sg-web", "vpc-1", ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 443, 443, "0.0.0.0/0"))
		b.SecurityGroup("sg-https", "vpc-1", ingress("tcp", 443, 443, "0.0.0.0/0"))
		b.SecurityGroup("sg-db", "vpc-1", ingress("tcp", 5432, 5432, "0.0.0.0/0"))
		b.SecurityGroup("sg-ssh", "vpc-1", ingress("tcp", 22, 22, "0.0.0.0/0"), ingress("tcp", 22, 22, "::/0"))
		b.SecurityGroup("sg-office", "vpc-1", ingress("tcp", 5432, 5432, "203.0.113.0/24"))
		b.SecurityGroup("sg-udp", "vpc-1", ingress("udp", 53, 53, "0.0.0.0/0"))
		b.Collected(model.CallNetworkInterfaces, model.CallLoadBalancersV2, model.CallClassicLoadBalancers)
		add(b)
		return b.Link()
	}
}

// pubAB is the two public subnets of lbRegion.
var pubAB = ids("subnet-pub-a", "subnet-pub-b")

// nlb adds network load balancer "nlb" with scheme in lbRegion's public
// subnets carrying groups, with a listener per (protocol, port) pair.
func nlb(scheme string, listeners []listener, groups ...string) func(*mt.Builder) {
	return func(b *mt.Builder) {
		lb := b.NetworkLoadBalancer("nlb", scheme, pubAB, groups...)
		for _, l := range listeners {
			b.Listen(lb, l.protocol, l.port)
		}
	}
}

// alb adds application load balancer "web" with scheme in lbRegion's
// public subnets carrying groups, with listeners; a listener whose
// protocol is "HTTP>HTTPS" is an HTTP listener that redirects.
func alb(scheme string, listeners []listener, groups ...string) func(*mt.Builder) {
	return func(b *mt.Builder) {
		lb := b.LoadBalancer("web", scheme, pubAB, groups...)
		for _, l := range listeners {
			if l.protocol == "HTTP>HTTPS" {
				b.Listen(lb, "HTTP", l.port).Redirect = true
				continue
			}
			b.Listen(lb, l.protocol, l.port).TargetGroupARNs = []string{"arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/web-tg/0123456789abcdef"}
		}
	}
}

// classic adds Classic Load Balancer "legacy" with scheme in lbRegion's
// public subnets carrying groups, with listeners.
func classic(scheme string, listeners []listener, groups ...string) func(*mt.Builder) {
	return func(b *mt.Builder) {
		lb := b.ClassicLoadBalancer("legacy", scheme, pubAB, groups...)
		for _, l := range listeners {
			b.Listen(lb, l.protocol, l.port)
		}
	}
}

// listener is a (protocol, port) for the load-balancer fixtures.
type listener struct {
	protocol string
	port     int
}

// ls is a terse []listener: ls("TCP", 443, "UDP", 53).
func ls(pairs ...any) []listener {
	var out []listener
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, listener{pairs[i].(string), pairs[i+1].(int)})
	}
	return out
}
