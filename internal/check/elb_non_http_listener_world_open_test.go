package check_test

import (
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// nlbNodes adds the interfaces of lbRegion's "nlb" as the ENI list shows
// them ("ELB net/NAME/ID", AWS-SEMANTICS.md §1), one per public subnet
// with a public address, carrying groups.
func nlbNodes(groups ...string) func(*mt.Builder) {
	return func(b *mt.Builder) {
		for i, s := range pubAB {
			e := b.ENI("eni-nlb-"+string(rune('a'+i)), s, groups...)
			e.Description, e.InterfaceType = "ELB net/nlb/0123456789abcdef", "network_load_balancer"
			mt.SetPublicIP(e, "198.51.100."+string(rune('1'+i)))
		}
	}
}

// The check's rule: an internet-facing load balancer's listener other
// than HTTP or HTTPS that every internet address (of a family) can reach
// through its security groups, or with none (NLB), its subnets' ACLs and
// routes (AWS-SEMANTICS.md §5, §6); high on an administration or
// data-tier port. Fixture: lbRegion.
var elbNonHTTPListenerWorldOpenCases = []checkCase{
	{"NLB without security group, TCP 443: only network ACLs filter (§6)", lbRegion(nlb(mt.InternetFacing, ls("TCP", 443))),
		fires(check.Medium, ids("nlb"), "Internet-facing network load balancer nlb lets the whole internet reach its non-HTTP listener TCP:443.")},
	{"NLB with its interfaces in the data: the evidence names what lets the internet in", lbRegion(both(nlb(mt.InternetFacing, ls("TCP", 443)), nlbNodes())),
		fires(check.Medium, ids("nlb"), "TCP:443").withEvidence("listener TCP:443 open to the internet: no security group on the load balancer")},
	{"NLB whose group opens PostgreSQL to 0.0.0.0/0: a data tier on the internet, high", lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-db")),
		fires(check.High, ids("nlb"), "its non-HTTP listener TCP:5432 (PostgreSQL).")},
	{"TLS and UDP listeners count; web ports too when not HTTP", lbRegion(nlb(mt.InternetFacing, ls("TLS", 443, "UDP", 53, "TCP_UDP", 1194))),
		fires(check.Medium, ids("nlb"), "its non-HTTP listeners UDP:53, TLS:443, TCP_UDP:1194.")},
	{"one world-open data-tier listener among others makes the finding high", lbRegion(nlb(mt.InternetFacing, ls("TCP", 443, "TCP", 22))),
		fires(check.High, ids("nlb"), "its non-HTTP listeners TCP:22 (SSH), TCP:443.")},
	{"classic TCP listener on 22 open to ::/0 and 0.0.0.0/0: high", lbRegion(classic(mt.InternetFacing, ls("TCP", 22), "sg-ssh")),
		fires(check.High, ids("legacy"), "Internet-facing classic load balancer legacy lets the whole internet reach its non-HTTP listener TCP:22 (SSH).").
			withEvidence("listener TCP:22 open to the internet: sg-ssh tcp/22 from 0.0.0.0/0, sg-ssh tcp/22 from ::/0 (the load balancer's network interfaces are not in the data: its nodes are assumed to have public addresses in each of its subnets)")},
	{"NLB nodes in the data carrying a group: the evidence names the rule on the path (§6)", lbRegion(both(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-db"), nlbNodes("sg-db"))),
		fires(check.High, ids("nlb"), "TCP:5432 (PostgreSQL)").withEvidence("listener TCP:5432 open to the internet: sg-db tcp/5432 from 0.0.0.0/0")},
	{"dual-stack NLB whose group opens SSH to ::/0 only: every IPv6 address is the whole internet too (§5.1)", lbRegion(func(b *mt.Builder) {
		b.SecurityGroup("sg-v6", "vpc-1", ingress("tcp", 22, 22, "::/0"))
		nlb(mt.InternetFacing, ls("TCP", 22), "sg-v6")(b)
		nlbNodes("sg-v6")(b)
		for _, e := range b.Region().ENIs {
			e.Addresses[0].Public = netip.Addr{}
			withIPv6(e, "2001:db8:1::"+e.ID[len(e.ID)-1:])
		}
	}), fires(check.High, ids("nlb"), "TCP:22 (SSH)").withEvidence("listener TCP:22 open to the internet: sg-v6 tcp/22 from ::/0")},
	{"classic SSL listener", lbRegion(classic(mt.InternetFacing, ls("SSL", 443), "sg-web")),
		fires(check.Medium, ids("legacy"), "SSL:443")},
	// Every data tier's port counts, as the sg-*-port-world-open checks
	// list them: Redshift, Cassandra, OpenSearch Dashboards too.
	{"NLB without a group, TCP 5439: Redshift on the internet, high", lbRegion(nlb(mt.InternetFacing, ls("TCP", 5439))),
		fires(check.High, ids("nlb"), "its non-HTTP listener TCP:5439 (Redshift).")},
	{"NLB without a group, TCP 9042: Cassandra, high", lbRegion(nlb(mt.InternetFacing, ls("TCP", 9042))),
		fires(check.High, ids("nlb"), "TCP:9042 (Cassandra)")},
	// The port the listener forwards to is what the target serves: a
	// listener on 15432 in front of PostgreSQL on 5432 puts the database on
	// the internet as surely as one on 5432 (§6).
	{"NLB TCP:15432 forwarding to a target group on 5432: high, naming the target port", lbRegion(func(b *mt.Builder) {
		tg := b.TargetGroup("pg-tg")
		tg.Protocol, tg.Port, tg.TargetType = "TCP", 5432, "ip"
		lb := b.NetworkLoadBalancer("nlb", mt.InternetFacing, pubAB)
		b.Listen(lb, "TCP", 15432).TargetGroupARNs = []string{tg.ARN}
		tg.LoadBalancerARNs = []string{lb.ARN}
	}), fires(check.High, ids("nlb"), "its non-HTTP listener TCP:15432 (to PostgreSQL on 5432).")},
	{"classic TCP:2222 to instance port 22: high", lbRegion(func(b *mt.Builder) {
		b.SecurityGroup("sg-2222", "vpc-1", ingress("tcp", 2222, 2222, "0.0.0.0/0"))
		lb := b.ClassicLoadBalancer("legacy", mt.InternetFacing, pubAB, "sg-2222")
		l := b.Listen(lb, "TCP", 2222)
		l.InstancePort = 22
	}), fires(check.High, ids("legacy"), "TCP:2222 (to SSH on 22)")},
	{"NLB TCP:8443 forwarding to 8443: medium", lbRegion(func(b *mt.Builder) {
		tg := b.TargetGroup("app-tg")
		tg.Protocol, tg.Port, tg.TargetType = "TCP", 8443, "ip"
		lb := b.NetworkLoadBalancer("nlb", mt.InternetFacing, pubAB)
		b.Listen(lb, "TCP", 8443).TargetGroupARNs = []string{tg.ARN}
	}), fires(check.Medium, ids("nlb"), "its non-HTTP listener TCP:8443.")},

	{"only the listeners the group opens to the world", lbRegion(nlb(mt.InternetFacing, ls("TCP", 443, "TCP", 5432), "sg-https")),
		fires(check.Medium, ids("nlb"), "its non-HTTP listener TCP:443.")},
	{"a group open to the office only is not the whole internet", lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-office")), none},
	{"a UDP rule does not open a TCP listener", lbRegion(nlb(mt.InternetFacing, ls("TCP", 53), "sg-udp")), none},
	{"internal NLB: no public addresses (§6)", lbRegion(nlb(mt.Internal, ls("TCP", 5432))), none},
	{"ALB with HTTP and HTTPS listeners", lbRegion(alb(mt.InternetFacing, ls("HTTP", 80, "HTTPS", 443), "sg-web")), none},
	{"classic HTTP listener", lbRegion(classic(mt.InternetFacing, ls("HTTP", 80), "sg-web")), none},
	{"internet-facing NLB in a private subnet: the reply never returns (§5.2)", lbRegion(func(b *mt.Builder) {
		b.Listen(b.NetworkLoadBalancer("nlb", mt.InternetFacing, ids("subnet-priv")), "TCP", 443)
	}), none},
	{"an ACL deny on the port stops it (§3)", lbRegion(func(b *mt.Builder) {
		nlb(mt.InternetFacing, ls("TCP", 443))(b)
		acl := b.Region().NetworkACLs[0]
		acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "6", 443, 443, "0.0.0.0/0")}, acl.Entries...)
	}), none},
	{"listeners not collected: unknown, not reported (internet-exposed assumes every port)", lbRegion(func(b *mt.Builder) {
		b.NetworkLoadBalancer("nlb", mt.InternetFacing, pubAB)
		b.NotCollected(model.CallListeners)
	}), none},
	{"security groups not collected: skipped", lbRegion(func(b *mt.Builder) {
		nlb(mt.InternetFacing, ls("TCP", 443))(b)
		b.NotCollected(model.CallSecurityGroups)
	}), skipped(model.CallSecurityGroups)},
}

func TestELBNonHTTPListenerWorldOpen(t *testing.T) {
	runCases(t, check.ELBNonHTTPListenerWorldOpen, elbNonHTTPListenerWorldOpenCases)
}
