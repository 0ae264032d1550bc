package flows_test

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

func loadExample(t testing.TB, name string) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// fixtureEdges are the edges of the example's generated flow logs, their
// addresses resolved with the snapshot they were recorded under.
func fixtureEdges(t testing.TB, recordedUnder *model.Inventory) []flows.Edge {
	t.Helper()
	sources, _, err := flowlog.Walk(exampleLogs)
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(recordedUnder))
	if err != nil {
		t.Fatal(err)
	}
	return flows.Edges(obs, flows.NewEndpoints(recordedUnder, flows.EmbeddedIPRanges()))
}

func edgeString(e flows.Edge) string {
	return fmt.Sprintf("%s %s -> %s %s/%d", e.Action, e.Src.ID, e.Dst.ID, e.Protocol, e.Port)
}

// The configuration the traffic was logged under lets every accepted flow
// between its resources through (AWS-SEMANTICS.md §7), and the internet
// reaches the load balancer (§5); the scanner's probes the ALB's group
// rejected are not allowed (§2), and flows to S3 and to an address no
// interface holds are not checked.
func TestVerifyBeforeExampleAllowsWhatItLogged(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	edges := fixtureEdges(t, inv)
	got := flows.Verify(inv, edges)
	if len(got) != len(edges) {
		t.Fatalf("%d verdicts for %d edges", len(got), len(edges))
	}
	var between, toALB, rejected, s3 int
	for i, v := range got {
		e := v.Edge
		if !reflect.DeepEqual(e, edges[i]) {
			t.Fatalf("verdict %d is of %s, want %s (input order)", i, edgeString(e), edgeString(edges[i]))
		}
		switch {
		case e.Action == "ACCEPT" && e.Src.Kind == flows.KindResource && e.Dst.Kind == flows.KindResource:
			between++
			if !v.Checked || !v.Allowed || len(v.Path) == 0 {
				t.Errorf("%s: checked %v, allowed %v, path %v (%s); the configuration it was logged under allows it", edgeString(e), v.Checked, v.Allowed, v.Path, v.Reason)
			}
		case e.Src.Kind == flows.KindInternet && e.Dst.ID == "oyatsu-web-alb" && e.Action == "ACCEPT":
			toALB++
			if !v.Checked || !v.Allowed {
				t.Errorf("%s: not allowed: %s", edgeString(e), v.Reason)
			}
		case e.Action == "REJECT":
			rejected++
			if !v.Checked || v.Allowed || v.BlockedBy == nil || v.BlockedBy.Kind != "security-group" || !strings.Contains(v.Reason, "security-group") {
				t.Errorf("%s: checked %v, allowed %v, reason %q; the ALB's group rejects it", edgeString(e), v.Checked, v.Allowed, v.Reason)
			}
		case e.Dst.Kind == flows.KindAWSService || e.Dst.Kind == flows.KindUnknown:
			s3++
			if v.Checked || v.Allowed || v.Reason == "" {
				t.Errorf("%s: checked %v, allowed %v, reason %q; outbound to AWS services and unknown addresses is not answered", edgeString(e), v.Checked, v.Allowed, v.Reason)
			}
		}
	}
	if between < 10 || toALB < 2 || rejected < 2 || s3 < 2 {
		t.Errorf("edges between resources %d, internet to the ALB %d, rejected %d, not checkable %d: the fixture should have more", between, toALB, rejected, s3)
	}
}

// The rebuilt account still carries every accepted flow between the
// story's resources (its instances were replaced: they are found by their
// Name), and no longer lets the internet reach the database or SSH: those
// interfaces have no public address (§5).
func TestVerifyRebuiltCarriesTheObservedTraffic(t *testing.T) {
	before, after := loadExample(t, "startup-all-public"), loadExample(t, "startup-rebuilt")
	var carried, renamed int
	for _, v := range flows.Verify(after, fixtureEdges(t, before)) {
		e := v.Edge
		switch {
		case e.Action == "ACCEPT" && e.Src.Kind == flows.KindResource && e.Dst.Kind == flows.KindResource:
			carried++
			if !v.Checked || !v.Allowed {
				t.Errorf("%s: checked %v, allowed %v: %s", edgeString(e), v.Checked, v.Allowed, v.Reason)
			}
			for _, n := range v.Notes {
				if strings.Contains(n, "checked as i-") {
					renamed++
				}
			}
		case e.Src.ID == "198.51.100.77" && (e.Port == 22 && e.Dst.ID != "oyatsu-web-alb" || e.Port == 3306):
			if !v.Checked || v.Allowed || v.BlockedBy == nil || v.BlockedBy.Kind != "public-address" {
				t.Errorf("%s: checked %v, allowed %v, reason %q; want blocked: no public address", edgeString(e), v.Checked, v.Allowed, v.Reason)
			}
		}
	}
	if carried < 10 || renamed == 0 {
		t.Errorf("%d edges between resources, %d found by name", carried, renamed)
	}
}

// Hand-made edges against the rebuilt account: the internet cannot reach
// the database on 3306, and the load balancer cannot either, the database's
// group admitting only the application's groups (§2).
func TestVerifyRebuiltBlocksTheDatabase(t *testing.T) {
	inv := loadExample(t, "startup-rebuilt")
	db := flows.Endpoint{Kind: flows.KindResource, ID: "oyatsu-aurora-instance-1", ResourceType: "rds-db-instance", Account: "111122223333", Region: "ap-northeast-1"}
	alb := flows.Endpoint{Kind: flows.KindResource, ID: "oyatsu-web-alb"}
	got := flows.Verify(inv, []flows.Edge{
		{Src: flows.Endpoint{Kind: flows.KindInternet, ID: "198.51.100.77"}, Dst: db, Protocol: "tcp", Port: 3306, Action: "ACCEPT"},
		{Src: alb, Dst: db, Protocol: "tcp", Port: 3306, Action: "ACCEPT"},
	})
	if v := got[0]; !v.Checked || v.Allowed || v.BlockedBy == nil {
		t.Errorf("internet -> database: checked %v, allowed %v, reason %q", v.Checked, v.Allowed, v.Reason)
	}
	if v := got[1]; !v.Checked || v.Allowed || v.BlockedBy == nil || v.BlockedBy.Kind != "security-group" || !strings.HasPrefix(v.Reason, "security-group ") {
		t.Errorf("load balancer -> database: checked %v, allowed %v, reason %q; want the security group", v.Checked, v.Allowed, v.Reason)
	}
}

// Edges the engine cannot answer are not checked, each with its reason.
func TestVerifyNotChecked(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	web := flows.Endpoint{Kind: flows.KindResource, ID: "i-0a1b2c3d4e5f60301"}
	cases := []struct {
		name string
		edge flows.Edge
		want string
	}{
		{"unknown destination ID", flows.Edge{Src: web, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "i-0000000000000dead"}, Protocol: "tcp", Port: 80}, "i-0000000000000dead is not a resource"},
		{"unknown source ID", flows.Edge{Src: flows.Endpoint{Kind: flows.KindResource, ID: "i-0000000000000dead"}, Dst: web, Protocol: "tcp", Port: 80}, "i-0000000000000dead is not a resource"},
		{"another region", flows.Edge{Src: web, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "oyatsu-redis-001", Region: "us-east-1"}, Protocol: "tcp", Port: 6379}, "not a resource"},
		{"another resource type", flows.Edge{Src: web, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "oyatsu-redis-001", ResourceType: "ec2-instance"}, Protocol: "tcp", Port: 6379}, "not a resource"},
		{"to the internet", flows.Edge{Src: web, Dst: flows.Endpoint{Kind: flows.KindInternet, ID: "198.51.100.1"}, Protocol: "tcp", Port: 443}, "outbound"},
		{"to an AWS service", flows.Edge{Src: web, Dst: flows.Endpoint{Kind: flows.KindAWSService, ID: "S3"}, Protocol: "tcp", Port: 443}, "AWS service S3"},
		{"from an AWS service", flows.Edge{Src: flows.Endpoint{Kind: flows.KindAWSService, ID: "ROUTE53_HEALTHCHECKS"}, Dst: web, Protocol: "tcp", Port: 80}, "AWS service ROUTE53_HEALTHCHECKS"},
		{"from an unknown address", flows.Edge{Src: flows.Endpoint{Kind: flows.KindUnknown, ID: "10.0.5.9"}, Dst: web, Protocol: "tcp", Port: 80}, "10.0.5.9"},
		{"no protocol logged", flows.Edge{Src: web, Dst: web, Protocol: "-"}, "protocol"},
		{"a port out of range", flows.Edge{Src: web, Dst: web, Protocol: "tcp", Port: 70000}, "port 70000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := flows.Verify(inv, []flows.Edge{c.edge})[0]
			if v.Checked || v.Allowed || !strings.Contains(v.Reason, c.want) {
				t.Errorf("checked %v, allowed %v, reason %q; want not checked, %q", v.Checked, v.Allowed, v.Reason, c.want)
			}
		})
	}
}

// twoZones is a VPC with subnets a and b, a client instance in a, and an
// internal load balancer with one interface in each subnet. With denyAtB,
// subnet b's network ACL drops what comes from subnet a (§3), so the pair
// (client, node in b) is blocked while (client, node in a) is not (one
// subnet: no ACL between them).
func twoZones(denyAtB bool) *model.Inventory {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
	b.RouteTable("rtb-1", "vpc-1").Main()
	open := []model.NACLEntry{
		modeltest.Entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0"),
		modeltest.Entry(100, "out", "allow", "-1", 0, 0, "0.0.0.0/0"),
		modeltest.Entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"),
		modeltest.Entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"),
	}
	b.NetworkACL("acl-a", "vpc-1", []string{"subnet-a"}, open...)
	atB := open
	if denyAtB {
		atB = append([]model.NACLEntry{modeltest.Entry(90, "in", "deny", "-1", 0, 0, "10.0.1.0/24")}, open...)
	}
	b.NetworkACL("acl-b", "vpc-1", []string{"subnet-b"}, atB...)
	b.SecurityGroup("sg-client", "vpc-1", modeltest.Ingress("tcp", 443, 443, "10.0.0.0/16"))
	b.SecurityGroup("sg-lb", "vpc-1", modeltest.Ingress("tcp", 443, 443, "10.0.0.0/16"))
	b.Instance("i-client", "subnet-a", "sg-client")
	b.LoadBalancer("lb", modeltest.Internal, []string{"subnet-a", "subnet-b"}, "sg-lb")
	for _, s := range []string{"a", "b"} {
		e := b.ENI("eni-lb-"+s, "subnet-"+s, "sg-lb")
		e.Description, e.RequesterID = "ELB app/lb/0123456789abcdef", "amazon-elb"
	}
	return modeltest.Inventory(b.Link())
}

// A resource with several interfaces is allowed only when every pair is:
// one blocked node of the load balancer blocks the edge, and the reason
// names the pair.
func TestVerifyEveryInterfacePair(t *testing.T) {
	edge := flows.Edge{Src: flows.Endpoint{Kind: flows.KindResource, ID: "i-client"}, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "lb"}, Protocol: "tcp", Port: 443, Action: "ACCEPT"}
	open := flows.Verify(twoZones(false), []flows.Edge{edge})[0]
	if !open.Checked || !open.Allowed || len(open.Path) == 0 || open.Reason != "" {
		t.Fatalf("open ACLs: checked %v, allowed %v, path %v, reason %q", open.Checked, open.Allowed, open.Path, open.Reason)
	}
	v := flows.Verify(twoZones(true), []flows.Edge{edge})[0]
	if !v.Checked || v.Allowed || v.BlockedBy == nil || v.BlockedBy.ID != "acl-b" || !strings.Contains(v.Reason, "to eni-lb-b") {
		t.Errorf("subnet b's ACL denies the client: checked %v, allowed %v, reason %q", v.Checked, v.Allowed, v.Reason)
	}
	// Load balancer → client: the reverse direction is decided per pair too.
	back := flows.Edge{Src: edge.Dst, Dst: edge.Src, Protocol: "tcp", Port: 443}
	if v := flows.Verify(twoZones(true), []flows.Edge{back})[0]; !v.Checked || v.Allowed || !strings.Contains(v.Reason, "from eni-lb-b to eni-i-client") {
		t.Errorf("lb -> client: checked %v, allowed %v, reason %q", v.Checked, v.Allowed, v.Reason)
	}
}

// Interfaces in VPCs that are neither the same nor peered cannot talk:
// with no comparable pair, the edge is not checked; an active peering
// makes the pair comparable (§7).
func TestVerifyComparablePairs(t *testing.T) {
	build := func(peered bool) *model.Inventory {
		b := modeltest.New("111122223333", "ap-northeast-1")
		b.VPC("vpc-1", "10.1.0.0/16")
		b.VPC("vpc-2", "10.2.0.0/16")
		b.Subnet("subnet-1", "vpc-1", "10.1.1.0/24")
		b.Subnet("subnet-2", "vpc-2", "10.2.1.0/24")
		rt1, rt2 := b.RouteTable("rtb-1", "vpc-1").Main(), b.RouteTable("rtb-2", "vpc-2").Main()
		if peered {
			b.PeeringConnection("pcx-1", "vpc-1", []string{"10.1.0.0/16"}, "vpc-2", []string{"10.2.0.0/16"})
			rt1.Route("10.2.0.0/16", "pcx-1")
			rt2.Route("10.1.0.0/16", "pcx-1")
		}
		b.SecurityGroup("sg-1", "vpc-1")
		b.SecurityGroup("sg-2", "vpc-2", modeltest.Ingress("tcp", 5432, 5432, "10.1.0.0/16"))
		b.Instance("i-1", "subnet-1", "sg-1")
		b.Instance("i-2", "subnet-2", "sg-2")
		return modeltest.Inventory(b.Link())
	}
	edge := flows.Edge{Src: flows.Endpoint{Kind: flows.KindResource, ID: "i-1"}, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "i-2"}, Protocol: "tcp", Port: 5432, Action: "ACCEPT"}
	if v := flows.Verify(build(false), []flows.Edge{edge})[0]; v.Checked || !strings.Contains(v.Reason, "peered") {
		t.Errorf("unpeered VPCs: checked %v, reason %q; want not checked", v.Checked, v.Reason)
	}
	if v := flows.Verify(build(true), []flows.Edge{edge})[0]; !v.Checked || !v.Allowed {
		t.Errorf("peered VPCs: checked %v, allowed %v, reason %q", v.Checked, v.Allowed, v.Reason)
	}
}

// From the internet, the source address counts: a group admitting only
// 203.0.113.0/24 lets that client in and not another (§2, §5), even
// when the answer for "any internet address" (allowed) is asked first.
func TestVerifyInternetSourceAddress(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-1", "vpc-1").Main().Route("0.0.0.0/0", "igw-1")
	b.SecurityGroup("sg-ssh", "vpc-1", modeltest.Ingress("tcp", 22, 22, "203.0.113.0/24"))
	bastion := b.Instance("i-bastion", "subnet-a", "sg-ssh")
	modeltest.SetPublicIP(bastion.ENIs[0], "198.51.100.10")
	inv := modeltest.Inventory(b.Link())
	dst := flows.Endpoint{Kind: flows.KindResource, ID: "i-bastion"}
	got := flows.Verify(inv, []flows.Edge{
		{Src: flows.Endpoint{Kind: flows.KindInternet, ID: "203.0.113.5"}, Dst: dst, Protocol: "tcp", Port: 22, Action: "ACCEPT"},
		{Src: flows.Endpoint{Kind: flows.KindInternet, ID: "192.0.2.99"}, Dst: dst, Protocol: "tcp", Port: 22, Action: "REJECT"},
		{Src: flows.Endpoint{Kind: flows.KindInternet, ID: "192.0.2.99"}, Dst: dst, Protocol: "tcp", Port: 80, Action: "REJECT"},
	})
	if !got[0].Allowed {
		t.Errorf("from the admitted range: %s", got[0].Reason)
	}
	for _, v := range got[1:] {
		if !v.Checked || v.Allowed || v.BlockedBy == nil || v.BlockedBy.Kind != "security-group" {
			t.Errorf("%s: checked %v, allowed %v, reason %q; want the group", edgeString(v.Edge), v.Checked, v.Allowed, v.Reason)
		}
	}
}

// At most MaxPairs pairs are checked, the first in interface-ID order,
// and the reason says so.
func TestVerifyCapsPairs(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.RouteTable("rtb-1", "vpc-1").Main()
	b.SecurityGroup("sg-1", "vpc-1", modeltest.Ingress("-1", -1, -1, "10.0.0.0/16"))
	for _, lb := range []struct {
		name string
		n    int
	}{{"front", 9}, {"back", 8}} {
		b.LoadBalancer(lb.name, modeltest.Internal, []string{"subnet-a"}, "sg-1")
		for i := range lb.n {
			e := b.ENI(fmt.Sprintf("eni-%s-%d", lb.name, i), "subnet-a", "sg-1")
			e.Description, e.RequesterID = "ELB app/"+lb.name+"/0123456789abcdef", "amazon-elb"
		}
	}
	inv := modeltest.Inventory(b.Link())
	v := flows.Verify(inv, []flows.Edge{{Src: flows.Endpoint{Kind: flows.KindResource, ID: "front"}, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "back"}, Protocol: "tcp", Port: 443}})[0]
	if !v.Checked || !v.Allowed || v.Reason != fmt.Sprintf("checked the first %d of 72 interface pairs, in interface-ID order", flows.MaxPairs) {
		t.Errorf("checked %v, allowed %v, reason %q", v.Checked, v.Allowed, v.Reason)
	}
}

// The same edges give the same verdicts, however often they are asked.
func TestVerifyDeterministic(t *testing.T) {
	inv := loadExample(t, "startup-all-public")
	edges := fixtureEdges(t, inv)
	a, b := flows.Verify(inv, edges), flows.Verify(inv, edges)
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs differ")
	}
}

// BenchmarkVerify verifies the edges of the realistic synthetic account's
// flow logs (internal/synth) against its own configuration:
//
//	go test ./internal/flows -run '^$' -bench Verify -benchmem
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name    string
		size    synth.Size
		records int
	}{
		{"ENIs=1000", synth.Size{VPCs: 4, SecurityGroups: 200, ENIs: 1000}, 100_000},
		{"target=10kENI-2kSG-20VPC", synth.Target, 300_000},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			acct, logs := filepath.Join(dir, "acct"), filepath.Join(dir, "logs")
			if err := synth.WriteAccount(acct, c.size); err != nil {
				b.Fatal(err)
			}
			if _, err := synth.WriteFlowLogs(logs, c.size, synth.FlowLogOptions{Records: c.records, Format: synth.FlowLogsV5, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			inv, err := snapshot.Load(acct)
			if err != nil {
				b.Fatal(err)
			}
			sources, _, err := flowlog.Walk(logs)
			if err != nil {
				b.Fatal(err)
			}
			obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
			if err != nil {
				b.Fatal(err)
			}
			edges := flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
			var checked, allowed int
			for b.Loop() {
				checked, allowed = 0, 0
				for _, v := range flows.Verify(inv, edges) {
					if v.Checked {
						checked++
					}
					if v.Allowed {
						allowed++
					}
				}
			}
			b.ReportMetric(float64(len(edges)), "edges")
			b.ReportMetric(float64(checked), "checked")
			b.ReportMetric(float64(allowed), "allowed")
		})
	}
}

// Verify's shortcuts (answers shared between edges, one region's exposures
// shared between questions, "no internet address gets through" answering
// for every address) change no verdict: on the synthetic account, each
// checked edge is allowed exactly when a fresh reach.Between allows every
// comparable interface pair.
func TestVerifySharingChangesNothing(t *testing.T) {
	dir := t.TempDir()
	size := synth.Size{VPCs: 4, SecurityGroups: 120, ENIs: 600}
	acct, logs := filepath.Join(dir, "acct"), filepath.Join(dir, "logs")
	if err := synth.WriteAccount(acct, size); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteFlowLogs(logs, size, synth.FlowLogOptions{Records: 4_000, Format: synth.FlowLogsV5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(acct)
	if err != nil {
		t.Fatal(err)
	}
	sources, _, err := flowlog.Walk(logs)
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		t.Fatal(err)
	}
	edges := flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
	idx := flows.NewVerifier(inv)
	var fromInternet, between, blocked int
	for _, v := range flows.Verify(inv, edges) {
		if !v.Checked {
			continue
		}
		e := v.Edge
		proto, err := model.ParseProtocol(e.Protocol)
		if err != nil {
			t.Fatalf("%s: %v", edgeString(e), err)
		}
		dsts, reg := idx.Interfaces(e.Dst)
		var froms []reach.Endpoint
		if e.Src.Kind == flows.KindInternet {
			fromInternet++
			addr, _ := netip.ParseAddr(e.Src.ID)
			froms = []reach.Endpoint{{Internet: true, Addr: addr}}
		} else {
			between++
			srcs, _ := idx.Interfaces(e.Src)
			for _, s := range srcs {
				froms = append(froms, reach.Endpoint{ENI: s, Region: reg})
			}
		}
		want := true
		for _, f := range froms {
			for _, d := range dsts {
				if f.ENI != nil && f.ENI.VPCID != d.VPCID {
					continue // the synthetic account has no peering
				}
				ans, err := reach.Between(f, reach.Endpoint{ENI: d, Region: reg}, proto, uint16(e.Port))
				if err != nil {
					t.Fatal(err)
				}
				want = want && ans.Reachable
			}
		}
		if !want {
			blocked++
		}
		if v.Allowed != want {
			t.Errorf("%s: allowed %v, fresh questions say %v (%s)", edgeString(e), v.Allowed, want, v.Reason)
		}
	}
	if fromInternet == 0 || between == 0 || blocked == 0 {
		t.Errorf("checked %d edges from the internet, %d between interfaces, %d blocked: the account should have each", fromInternet, between, blocked)
	}
}

// A load balancer whose network interfaces the data lacks (CloudMapper's
// demo account, say) is checked through stand-ins: one interface in each
// of its subnets with its groups, as the exposure engine assumes, and the
// verdict says so. Its groups still decide: a port they do not admit is
// blocked.
func TestVerifyLoadBalancerWithoutInterfaces(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
	b.RouteTable("rtb-1", "vpc-1").Main()
	b.SecurityGroup("sg-client", "vpc-1", modeltest.Ingress("tcp", 443, 443, "10.0.0.0/16"))
	b.SecurityGroup("sg-lb", "vpc-1", modeltest.Ingress("tcp", 443, 443, "10.0.0.0/16"))
	b.Instance("i-client", "subnet-a", "sg-client")
	b.LoadBalancer("lb", modeltest.Internal, []string{"subnet-a", "subnet-b"}, "sg-lb")
	inv := modeltest.Inventory(b.Link())
	edge := func(port int32) flows.Edge {
		return flows.Edge{Src: flows.Endpoint{Kind: flows.KindResource, ID: "i-client"}, Dst: flows.Endpoint{Kind: flows.KindResource, ID: "lb"}, Protocol: "tcp", Port: port, Action: "ACCEPT"}
	}
	got := flows.Verify(inv, []flows.Edge{edge(443), edge(8080)})
	if !got[0].Checked || !got[0].Allowed {
		t.Fatalf("client → lb tcp/443 through stand-ins: checked %v allowed %v (%s)", got[0].Checked, got[0].Allowed, got[0].Reason)
	}
	if !strings.Contains(strings.Join(got[0].Notes, "\n"), "are not in the data: one is assumed in each of its subnets") {
		t.Errorf("notes %q do not say the interfaces were assumed", got[0].Notes)
	}
	if !got[1].Checked || got[1].Allowed {
		t.Errorf("client → lb tcp/8080: checked %v allowed %v; the load balancer's group does not admit it", got[1].Checked, got[1].Allowed)
	}
}
