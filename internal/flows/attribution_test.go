package flows_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// attrRegion is the attribution fixture: VPC vpc-1 (10.0.0.0/16) with
//
//	subnet-web 10.0.1.0/24: web (i-web, eni-i-web 10.0.1.4, public 54.250.0.4,
//	  IPv6 2600:1f18::4) carrying sg-web; the load balancer's node eni-lb
//	  (10.0.1.5) carrying sg-lb
//	subnet-db 10.0.2.0/24: db (i-db, eni-i-db 10.0.2.4) carrying sg-db
//
// sg-web admits tcp/80 from 0.0.0.0/0 and from 10.0.0.0/16 (overlapping),
// tcp/443 from ::/0, tcp/22 from pl-office (192.0.2.0/24) and tcp/8080
// from sg-lb; sg-db admits tcp/5432 from sg-web and from 10.0.1.0/24
// (overlapping) and tcp/6379 from 10.0.0.0/16; every group has AWS's
// default egress rule. acl-web (subnet-web) and acl-db (subnet-db) are
// listed below.
func attrRegion() *model.Region {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-web", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-db", "vpc-1", "10.0.2.0/24")
	b.PrefixList("pl-office", "111122223333", "192.0.2.0/24")
	b.SecurityGroup("sg-web", "vpc-1",
		mt.Ingress("tcp", 80, 80, "0.0.0.0/0"),
		mt.Ingress("tcp", 80, 80, "10.0.0.0/16"),
		mt.Ingress("tcp", 443, 443, "::/0"),
		mt.IngressFromPrefixList("tcp", 22, 22, "pl-office"),
		mt.IngressFromGroup("tcp", 8080, 8080, "sg-lb"),
	)
	b.SecurityGroup("sg-db", "vpc-1",
		mt.IngressFromGroup("tcp", 5432, 5432, "sg-web"),
		mt.Ingress("tcp", 5432, 5432, "10.0.1.0/24"),
		mt.Ingress("tcp", 6379, 6379, "10.0.0.0/16"),
	)
	b.SecurityGroup("sg-lb", "vpc-1", mt.Ingress("tcp", 443, 443, "0.0.0.0/0"))
	b.NetworkACL("acl-web", "vpc-1", []string{"subnet-web"},
		mt.Entry(100, "in", "allow", "6", 80, 80, "0.0.0.0/0"),
		mt.Entry(105, "in", "allow", "6", 22, 22, "192.0.2.0/24"),
		mt.Entry(110, "in", "allow", "6", 1024, 65535, "10.0.0.0/16"),
		mt.Entry(120, "in", "allow", "-1", 0, 0, "::/0"),
		mt.Entry(130, "in", "allow", "6", 1024, 65535, "0.0.0.0/0"),
		mt.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"),
		mt.Entry(100, "out", "allow", "-1", 0, 0, "0.0.0.0/0"),
		mt.Entry(101, "out", "allow", "-1", 0, 0, "::/0"),
		mt.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"),
	)
	b.NetworkACL("acl-db", "vpc-1", []string{"subnet-db"},
		mt.Entry(50, "in", "deny", "6", 6379, 6379, "10.0.9.0/24"),
		mt.Entry(100, "in", "allow", "-1", 0, 0, "10.0.0.0/16"),
		mt.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"),
		mt.Entry(90, "out", "allow", "6", 80, 80, "10.0.0.0/16"),
		mt.Entry(100, "out", "allow", "6", 1024, 65535, "10.0.0.0/16"),
		mt.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"),
	)
	web := b.Instance("i-web", "subnet-web", "sg-web")
	mt.SetPublicIP(web.ENIs[0], "54.250.0.4")
	web.ENIs[0].IPv6 = []netip.Addr{netip.MustParseAddr("2600:1f18::4")}
	b.Instance("i-db", "subnet-db", "sg-db")
	b.ENI("eni-lb", "subnet-web", "sg-lb").Description = "ELB app/web/0123456789abcdef"
	return b.Link()
}

// Addresses of attrRegion.
const (
	webIP = "10.0.1.4"
	lbIP  = "10.0.1.5"
	dbIP  = "10.0.2.4"
)

// ob is one accepted observation of a TCP connection, client → server,
// logged at iface, carrying 10 packets, 1000 bytes and one connection
// between t0+start and t0+end.
func ob(iface, client, server string, port int32, start, end int64) flows.Observation {
	return flows.Observation{
		ObservationKey: flows.ObservationKey{InterfaceID: iface, Client: netip.MustParseAddr(client), Server: netip.MustParseAddr(server),
			Protocol: 6, Port: port, ClientIsSrc: true, Accept: true, Basis: flows.BasisTCPFlags},
		Packets: 10, Bytes: 1000, Records: 1, Connections: 1, Start: t0 + start, End: t0 + end,
	}
}

const t0 = 1_700_000_000

func rejected(o flows.Observation) flows.Observation { o.Accept = false; return o }

// reply is the server → client half of o's connection, as logged at the
// same interface (no connection counted).
func reply(o flows.Observation) flows.Observation {
	o.ClientIsSrc, o.Connections = false, 0
	return o
}

// summary lists what an attribution counted, one line per rule and entry
// ("sg-web ingress tcp/80 from 0.0.0.0/0: 1 conn, alone 1": connections,
// and observations it admitted alone), then the totals that are not zero.
func summary(a *flows.Attribution) []string {
	var out []string
	for _, r := range a.Rules {
		out = append(out, fmt.Sprintf("%s %s: %d conn, alone %d", r.GroupID, r.Rule, r.Connections, r.Alone))
	}
	for _, e := range a.NACLEntries {
		out = append(out, fmt.Sprintf("%s %s %d: %d conn", e.ACLID, e.Direction, e.RuleNumber, e.Connections))
	}
	for _, t := range []struct {
		name string
		t    flows.Tally
	}{
		{"rejected", a.Totals.Rejected}, {"duplicate", a.Totals.Duplicate}, {"transit", a.Totals.Transit},
		{"unknown-interface", a.Totals.UnknownInterface}, {"unattributed", a.Totals.Unattributed}, {"unexplained", a.Totals.Unexplained},
	} {
		if t.t.Observations > 0 {
			out = append(out, fmt.Sprintf("%s: %d obs", t.name, t.t.Observations))
		}
	}
	return out
}

func TestAttribute(t *testing.T) {
	webToDB := ob("eni-i-db", webIP, dbIP, 5432, 0, 60)
	tests := []struct {
		name string
		obs  []flows.Observation
		want []string
	}{
		{"§2 a CIDR rule admits an internet client; §3 the server's ACL lets the request in (100) and the reply out (100)",
			[]flows.Observation{ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60)},
			[]string{
				"sg-web ingress tcp/80 from 0.0.0.0/0: 1 conn, alone 1",
				"acl-web egress 100: 1 conn", "acl-web ingress 100: 1 conn",
			}},
		{"both halves of a connection count as one connection, packets from both",
			[]flows.Observation{ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60), reply(ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60))},
			[]string{
				"sg-web ingress tcp/80 from 0.0.0.0/0: 1 conn, alone 2",
				"acl-web egress 100: 1 conn", "acl-web ingress 100: 1 conn",
			}},
		{"§2 overlapping rules: a client inside 10.0.0.0/16 matches both tcp/80 rules, each counted, neither alone",
			[]flows.Observation{ob("eni-i-web", dbIP, webIP, 80, 0, 60)},
			[]string{
				"sg-db egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"sg-web ingress tcp/80 from 0.0.0.0/0: 1 conn, alone 0",
				"sg-web ingress tcp/80 from 10.0.0.0/16: 1 conn, alone 0",
				"acl-db egress 90: 1 conn", "acl-db ingress 100: 1 conn",
				"acl-web egress 100: 1 conn", "acl-web ingress 100: 1 conn",
			}},
		{"§2 a group reference admits the client's interface carrying the group, beside an overlapping CIDR rule; §3 both subnets' ACLs, both ways (the reply into subnet-web at 110)",
			[]flows.Observation{webToDB},
			[]string{
				"sg-db ingress tcp/5432 from 10.0.1.0/24: 1 conn, alone 0",
				"sg-db ingress tcp/5432 from sg-web: 1 conn, alone 0",
				"sg-web egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"acl-db egress 100: 1 conn", "acl-db ingress 100: 1 conn",
				"acl-web egress 100: 1 conn", "acl-web ingress 110: 1 conn",
			}},
		{"§9 logged on both interfaces: counted once, from the server's side; the client's view is a duplicate",
			[]flows.Observation{webToDB, ob("eni-i-web", webIP, dbIP, 5432, 0, 60)},
			[]string{
				"sg-db ingress tcp/5432 from 10.0.1.0/24: 1 conn, alone 0",
				"sg-db ingress tcp/5432 from sg-web: 1 conn, alone 0",
				"sg-web egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"acl-db egress 100: 1 conn", "acl-db ingress 100: 1 conn",
				"acl-web egress 100: 1 conn", "acl-web ingress 110: 1 conn",
				"duplicate: 1 obs",
			}},
		{"§9 the server's interface not logged: counted from the client's side, the server's ingress rules too",
			[]flows.Observation{ob("eni-i-web", webIP, dbIP, 6379, 0, 60)},
			[]string{
				"sg-db ingress tcp/6379 from 10.0.0.0/16: 1 conn, alone 1",
				"sg-web egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"acl-db egress 100: 1 conn", "acl-db ingress 100: 1 conn",
				"acl-web egress 100: 1 conn", "acl-web ingress 110: 1 conn",
			}},
		{"§2 a prefix list admits its entries' addresses",
			[]flows.Observation{ob("eni-i-web", "192.0.2.10", webIP, 22, 0, 60)},
			[]string{
				"sg-web ingress tcp/22 from pl-office: 1 conn, alone 1",
				"acl-web egress 100: 1 conn", "acl-web ingress 105: 1 conn",
			}},
		{"§2 IPv6: ::/0 admits an IPv6 client; §3 the IPv6 entries (120 in, 101 out)",
			[]flows.Observation{ob("eni-i-web", "2001:db8::5", "2600:1f18::4", 443, 0, 60)},
			[]string{
				"sg-web ingress tcp/443 from ::/0: 1 conn, alone 1",
				"acl-web egress 101: 1 conn", "acl-web ingress 120: 1 conn",
			}},
		{"§5 traffic to the public address is logged at the private one's interface: the same rule",
			[]flows.Observation{ob("eni-i-web", "203.0.113.9", "54.250.0.4", 80, 0, 60)},
			[]string{
				"sg-web ingress tcp/80 from 0.0.0.0/0: 1 conn, alone 1",
				"acl-web egress 100: 1 conn", "acl-web ingress 100: 1 conn",
			}},
		{"§3 two interfaces in one subnet: no ACL entry counts; a group reference admits the load balancer",
			[]flows.Observation{ob("eni-i-web", lbIP, webIP, 8080, 0, 60)},
			[]string{
				"sg-lb egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"sg-web ingress tcp/8080 from sg-lb: 1 conn, alone 1",
			}},
		{"REJECTed flows are never attributed",
			[]flows.Observation{rejected(ob("eni-i-web", "198.51.100.7", webIP, 3389, 0, 60)), rejected(ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60))},
			[]string{"rejected: 2 obs"}},
		{"a server outside the snapshot (the internet): unattributed, but the client's egress rule and ACL entries count",
			[]flows.Observation{ob("eni-i-web", webIP, "52.95.1.1", 443, 0, 60)},
			[]string{
				"sg-web egress all traffic to 0.0.0.0/0: 1 conn, alone 1",
				"acl-web egress 100: 1 conn", "acl-web ingress 130: 1 conn",
				"unattributed: 1 obs",
			}},
		{"an interface the snapshot lacks",
			[]flows.Observation{ob("eni-gone", "203.0.113.9", "10.9.9.9", 80, 0, 60)},
			[]string{"unknown-interface: 1 obs"}},
		{"an interface that is neither end (a NAT gateway forwarding)",
			[]flows.Observation{ob("eni-i-web", "10.0.3.3", "52.95.1.1", 443, 0, 60)},
			[]string{"transit: 1 obs"}},
		{"accepted traffic no rule of the snapshot admits: unexplained (the groups changed since)",
			[]flows.Observation{ob("eni-i-web", "203.0.113.9", webIP, 9999, 0, 60)},
			[]string{"acl-web egress 100: 1 conn", "acl-web ingress 130: 1 conn", "unexplained: 1 obs"}},
		{"§3 an ACL entry that denies accepted traffic: unexplained, the rule and the reply's entry still count",
			[]flows.Observation{ob("eni-i-db", "10.0.9.9", dbIP, 6379, 0, 60)},
			[]string{
				"sg-db ingress tcp/6379 from 10.0.0.0/16: 1 conn, alone 1",
				"acl-db egress 100: 1 conn",
				"unexplained: 1 obs",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := mt.Inventory(attrRegion())
			got := summary(flows.Attribute(inv, tt.obs, flowlog.Stats{}))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n\t%s\nwant\n\t%s", join(got), join(tt.want))
			}
		})
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "\n\t"
		}
		out += x
	}
	return out
}

// TestAttributeCounts pins what a rule's usage sums: packets and bytes of
// both directions, connections from the client's records, the earliest
// start and latest end; and the period, the volume of logs and the
// interfaces seen.
func TestAttributeCounts(t *testing.T) {
	obs := []flows.Observation{
		ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60),
		reply(ob("eni-i-web", "203.0.113.9", webIP, 80, 30, 90)),
		ob("eni-i-web", "203.0.113.10", webIP, 80, 3600, 3660),
		rejected(ob("eni-i-web", "198.51.100.7", webIP, 3389, -100, 10)),
		ob("eni-gone", "203.0.113.9", "10.9.9.9", 80, 7200, 7300),
	}
	a := flows.Attribute(mt.Inventory(attrRegion()), obs, flowlog.Stats{Files: 3, Records: 1234, Bytes: 5678})
	u, ok := a.Rule(flows.RuleKey{Account: "111122223333", Region: "ap-northeast-1", GroupID: "sg-web", Rule: "ingress tcp/80 from 0.0.0.0/0"})
	if !ok {
		t.Fatal("the tcp/80 rule admitted nothing")
	}
	want := flows.Tally{Observations: 3, Records: 3, Packets: 30, Bytes: 3000, Connections: 2}
	if u.Tally != want || u.Direction != "ingress" || u.Alone != 3 {
		t.Errorf("usage %+v, want %+v, ingress, alone 3", u, want)
	}
	if u.FirstSeen != time.Unix(t0, 0).UTC() || u.LastSeen != time.Unix(t0+3660, 0).UTC() {
		t.Errorf("seen %v – %v", u.FirstSeen, u.LastSeen)
	}
	if _, ok := a.Rule(flows.RuleKey{Account: "111122223333", Region: "ap-northeast-1", GroupID: "sg-web", Rule: "ingress tcp/22 from pl-office"}); ok {
		t.Error("the tcp/22 rule admitted something")
	}
	if p := a.Period; p.First != time.Unix(t0-100, 0).UTC() || p.Last != time.Unix(t0+7300, 0).UTC() {
		t.Errorf("period %v – %v: want every observation's, rejected and unknown interfaces included", p.First, p.Last)
	}
	if a.Logs != (flows.LogVolume{Files: 3, Records: 1234, Bytes: 5678}) {
		t.Errorf("logs %+v", a.Logs)
	}
	if a.Totals.Accepted.Observations != 4 || a.Totals.Rejected.Observations != 1 || a.Totals.Counted.Observations != 3 {
		t.Errorf("totals %+v", a.Totals)
	}
	web, ok := a.Interface("eni-i-web")
	if !ok || web.Account != "111122223333" || web.Records != 4 || web.Accepted != 3 || web.First != time.Unix(t0-100, 0).UTC() {
		t.Errorf("eni-i-web seen %+v, %v", web, ok)
	}
	if gone, ok := a.Interface("eni-gone"); !ok || gone.Account != "" {
		t.Errorf("eni-gone seen %+v, %v: want listed without an account", gone, ok)
	}
	if _, ok := a.Interface("eni-i-db"); ok {
		t.Error("eni-i-db is in no record")
	}
	if !a.CoversRegion("111122223333", "ap-northeast-1") || a.CoversRegion("111122223333", "us-east-1") {
		t.Error("CoversRegion")
	}
}

// TestAttributeRejectOnlyLogs: logs holding only REJECT records (a flow
// log capturing REJECT traffic) cover no region: they cannot show a rule
// unused.
func TestAttributeRejectOnlyLogs(t *testing.T) {
	a := flows.Attribute(mt.Inventory(attrRegion()), []flows.Observation{rejected(ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60))}, flowlog.Stats{})
	if a.CoversRegion("111122223333", "ap-northeast-1") {
		t.Error("REJECT-only logs cover the region")
	}
	if _, ok := a.Interface("eni-i-web"); !ok {
		t.Error("the interface is still seen")
	}
}

// TestAttributeIsDeterministic: the same observations in any order give
// the same attribution.
func TestAttributeIsDeterministic(t *testing.T) {
	obs := []flows.Observation{
		ob("eni-i-web", "203.0.113.9", webIP, 80, 0, 60), ob("eni-i-db", webIP, dbIP, 5432, 10, 20),
		ob("eni-i-web", "192.0.2.10", webIP, 22, 5, 6), ob("eni-i-web", webIP, "52.95.1.1", 443, 1, 2),
	}
	first := fmt.Sprintf("%+v", *flows.Attribute(mt.Inventory(attrRegion()), obs, flowlog.Stats{}))
	for range 10 {
		slices.Reverse(obs)
		obs[0], obs[2] = obs[2], obs[0]
		if got := fmt.Sprintf("%+v", *flows.Attribute(mt.Inventory(attrRegion()), obs, flowlog.Stats{})); got != first {
			t.Fatalf("order changed the attribution:\n%s\n%s", got, first)
		}
	}
}

// BenchmarkAttribute attributes 100,000 observations: internet clients of
// the web server, the web server's database connections (logged on both
// interfaces) and its calls out to the internet.
func BenchmarkAttribute(b *testing.B) {
	inv := mt.Inventory(attrRegion())
	var obs []flows.Observation
	for i := range 100_000 {
		ip := netip.AddrFrom4([4]byte{203, byte(i >> 16), byte(i >> 8), byte(i)}).String()
		switch i % 4 {
		case 0, 1:
			obs = append(obs, ob("eni-i-web", ip, webIP, 80, int64(i), int64(i+60)))
		case 2:
			obs = append(obs, ob("eni-i-db", webIP, dbIP, int32(5432+i%2*947), int64(i), int64(i+60)), ob("eni-i-web", webIP, dbIP, 5432, int64(i), int64(i+60)))
		default:
			obs = append(obs, ob("eni-i-web", webIP, ip, 443, int64(i), int64(i+60)))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		flows.Attribute(inv, obs, flowlog.Stats{})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(obs)), "ns/observation")
}
