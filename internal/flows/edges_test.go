package flows

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// twoVPCs: the same private addresses in two VPCs (they do not peer), an
// instance with a public IP, an interface of unknown owner, a NAT gateway
// known only from describe-nat-gateways, and S3's AWS-managed prefix list.
func twoVPCs(t *testing.T) (*Endpoints, map[string]*model.ENI) {
	t.Helper()
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-a", "10.0.0.0/16")
	b.VPC("vpc-b", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-a", "10.0.1.0/24")
	b.Subnet("subnet-b", "vpc-b", "10.0.1.0/24")
	web := b.Instance("i-web", "subnet-a")
	web.Tags["Name"] = "web-1"
	mt.SetPublicIP(web.ENIs[0], "13.230.41.17")
	b.Instance("i-db", "subnet-b")          // 10.0.1.4 too, in vpc-b
	stray := b.ENI("eni-stray", "subnet-a") // 10.0.1.5, owner unknown
	stray.Description = "left over"
	b.Region().NATGateways = append(b.Region().NATGateways, &model.NATGateway{ID: "nat-1", VPCID: "vpc-a",
		PrivateIPs: []netip.Addr{netip.MustParseAddr("10.0.1.200")}, PublicIPs: []netip.Addr{netip.MustParseAddr("54.250.1.1")}})
	b.PrefixList("pl-61a54008", "AWS", "52.219.0.0/20").Name = "com.amazonaws.ap-northeast-1.s3"
	reg := b.Link()
	enis := map[string]*model.ENI{}
	for _, e := range reg.ENIs {
		enis[e.ID] = e
	}
	return NewEndpoints(mt.Inventory(reg), EmbeddedIPRanges()), enis
}

// TestResolve pins how addresses become endpoints (docs/flows.md, stage 2).
func TestResolve(t *testing.T) {
	x, _ := twoVPCs(t)
	web := Endpoint{Kind: KindResource, ID: "i-web", Name: "web-1", ResourceType: "ec2-instance", Role: "ec2-instance/name:web", Account: "111122223333", Region: "ap-northeast-1"}
	db := Endpoint{Kind: KindResource, ID: "i-db", ResourceType: "ec2-instance", Role: "ec2-instance/self:i-db", Account: "111122223333", Region: "ap-northeast-1"}
	for _, tt := range []struct {
		addr, iface string
		want        Endpoint
	}{
		// One private address in two VPCs: the logging interface's VPC decides.
		{"10.0.1.4", "eni-i-web", web},
		{"10.0.1.4", "eni-i-db", db},
		{"10.0.1.4", "eni-unknown", db}, // else the first by interface ID
		// A public address of an instance is the instance.
		{"13.230.41.17", "", web},
		// An interface of unknown owner is itself.
		{"10.0.1.5", "eni-i-web", Endpoint{Kind: KindResource, ID: "eni-stray", Name: "left over", ResourceType: "network-interface", Account: "111122223333", Region: "ap-northeast-1"}},
		// A NAT gateway whose interface is not in the data.
		{"54.250.1.1", "", Endpoint{Kind: KindResource, ID: "nat-1", ResourceType: "nat-gateway", Account: "111122223333", Region: "ap-northeast-1"}},
		// AWS services: the snapshot's prefix list and the embedded ranges.
		{"52.219.3.3", "", Endpoint{Kind: KindAWSService, ID: "S3", Region: "ap-northeast-1"}},
		{"13.32.0.1", "", Endpoint{Kind: KindAWSService, ID: "CLOUDFRONT", Region: "GLOBAL"}},
		// The rest.
		{"8.8.8.8", "", Endpoint{Kind: KindInternet, ID: "8.8.8.8"}},
		{"2001:4860::8888", "", Endpoint{Kind: KindInternet, ID: "2001:4860::8888"}},
		{"203.0.113.9", "", Endpoint{Kind: KindInternet, ID: "203.0.113.9"}}, // documentation addresses stand for the internet
		{"10.9.9.9", "", Endpoint{Kind: KindUnknown, ID: "10.9.9.9"}},
		{"100.64.1.1", "", Endpoint{Kind: KindUnknown, ID: "100.64.1.1"}}, // carrier-grade NAT
		{"169.254.169.254", "", Endpoint{Kind: KindUnknown, ID: "169.254.169.254"}},
		{"fd00::1", "", Endpoint{Kind: KindUnknown, ID: "fd00::1"}},
	} {
		if got := x.Resolve(netip.MustParseAddr(tt.addr), tt.iface); got != tt.want {
			t.Errorf("Resolve(%s, %s) =\n %+v\nwant\n %+v", tt.addr, tt.iface, got, tt.want)
		}
	}
	if got := x.Resolve(netip.Addr{}, ""); got != (Endpoint{Kind: KindUnknown, ID: "-"}) {
		t.Errorf("Resolve(no address) = %+v", got)
	}
}

func ob(iface, client, server string, port int32, clientIsSrc, accept bool, packets, bytes int64) Observation {
	return Observation{
		ObservationKey: ObservationKey{InterfaceID: iface, Client: netip.MustParseAddr(client), Server: netip.MustParseAddr(server),
			Protocol: 6, Port: port, ClientIsSrc: clientIsSrc, Accept: accept, Basis: BasisListeningPort},
		Packets: packets, Bytes: bytes, Records: 1, Connections: map[bool]int64{true: 1}[clientIsSrc], Start: 100, End: 160,
	}
}

// TestEdgesCountEachConnectionOnce pins docs/flows.md's choice of the
// interface whose observations count (AWS-SEMANTICS.md §9: one connection
// is logged at both interfaces, in both directions).
func TestEdgesCountEachConnectionOnce(t *testing.T) {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-a", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-a", "10.0.1.0/24")
	b.Instance("i-web", "subnet-a") // 10.0.1.4
	b.Instance("i-db", "subnet-a")  // 10.0.1.5
	x := NewEndpoints(mt.Inventory(b.Link()), nil)
	const web, dbA = "10.0.1.4", "10.0.1.5"
	obs := []Observation{
		// web → db:5432 seen at both: the server's (db's) count.
		ob("eni-i-web", web, dbA, 5432, true, true, 10, 1000),
		ob("eni-i-web", web, dbA, 5432, false, true, 8, 5000),
		ob("eni-i-db", web, dbA, 5432, true, true, 11, 1100),
		ob("eni-i-db", web, dbA, 5432, false, true, 9, 5100),
		// web → db:22 rejected by web's own egress rule: only web logged it.
		ob("eni-i-web", web, dbA, 22, true, false, 3, 180),
		// web → the internet: the client's.
		ob("eni-i-web", web, "8.8.8.8", 443, true, true, 4, 400),
		ob("eni-i-web", web, "8.8.8.8", 443, false, true, 4, 4000),
		// Neither side in the snapshot: the smallest interface ID.
		ob("eni-zz", "10.0.9.1", "10.0.9.2", 80, true, true, 1, 10),
		ob("eni-aa", "10.0.9.1", "10.0.9.2", 80, true, true, 2, 20),
	}
	edges := Edges(obs, x)
	got := map[string]Edge{}
	for _, e := range edges {
		got[e.Src.ID+">"+e.Dst.ID+":"+ProtocolName(6)+"/"+itoa(e.Port)+" "+e.Action] = e
	}
	for _, tt := range []struct {
		key                   string
		packets, bytes, conns int64
	}{
		{"i-web>i-db:tcp/5432 ACCEPT", 20, 6200, 1},
		{"i-web>i-db:tcp/22 REJECT", 3, 180, 1},
		{"i-web>8.8.8.8:tcp/443 ACCEPT", 8, 4400, 1},
		{"10.0.9.1>10.0.9.2:tcp/80 ACCEPT", 2, 20, 1},
	} {
		e, ok := got[tt.key]
		if !ok {
			t.Errorf("no edge %s in %v", tt.key, edges)
			continue
		}
		if e.Packets != tt.packets || e.Bytes != tt.bytes || e.Connections != tt.conns {
			t.Errorf("%s: %d packets, %d bytes, %d connections; want %d, %d, %d", tt.key, e.Packets, e.Bytes, e.Connections, tt.packets, tt.bytes, tt.conns)
		}
	}
	if len(edges) != 4 {
		t.Errorf("%d edges, want 4", len(edges))
	}
	// Largest first.
	if edges[0].Bytes != 6200 || edges[len(edges)-1].Bytes != 20 {
		t.Errorf("order: %v", edges)
	}
	if e := got["i-web>i-db:tcp/5432 ACCEPT"]; e.FirstSeen.Unix() != 100 || e.LastSeen.Unix() != 160 || len(e.Direction) != 1 || e.Direction[0] != BasisListeningPort {
		t.Errorf("times and direction: %+v", e)
	}
}

// TestEdgesAggregateAddressesOfOneEndpoint: two addresses of one AWS
// service make one edge (the example test has two interfaces of one load
// balancer and of one ECS service).
func TestEdgesAggregateAddressesOfOneEndpoint(t *testing.T) {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-a", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-a", "10.0.1.0/24")
	b.Instance("i-web", "subnet-a")
	b.PrefixList("pl-1", "AWS", "52.219.0.0/20").Name = "com.amazonaws.ap-northeast-1.s3"
	reg := b.Link()
	x := NewEndpoints(mt.Inventory(reg), nil)
	webAddr := reg.Resource(model.KindInstance, "i-web").ENIs[0].Addresses[0].Private.String()
	obs := []Observation{
		ob("eni-i-web", webAddr, "52.219.1.1", 443, true, true, 1, 100),
		ob("eni-i-web", webAddr, "52.219.2.2", 443, true, true, 1, 200),
	}
	edges := Edges(obs, x)
	if len(edges) != 1 || edges[0].Dst != (Endpoint{Kind: KindAWSService, ID: "S3", Region: "ap-northeast-1"}) || edges[0].Bytes != 300 {
		t.Errorf("edges %+v, want one to S3 with 300 bytes", edges)
	}
}

func itoa(p int32) string { return strconv.Itoa(int(p)) }

// TestEdgesOverlappingVPCs: two VPCs reuse one private range (no peering);
// web → db in each is logged at both ends. Each VPC's connection counts,
// once, at its own server: none is dropped because the addresses agree.
func TestEdgesOverlappingVPCs(t *testing.T) {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-a", "10.0.0.0/16")
	b.VPC("vpc-b", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-a", "10.0.1.0/24")
	b.Subnet("subnet-b", "vpc-b", "10.0.1.0/24")
	b.Instance("i-web-a", "subnet-a") // 10.0.1.4
	b.Instance("i-db-a", "subnet-a")  // 10.0.1.5
	b.Instance("i-web-b", "subnet-b") // 10.0.1.4
	b.Instance("i-db-b", "subnet-b")  // 10.0.1.5
	x := NewEndpoints(mt.Inventory(b.Link()), nil)
	const web, db = "10.0.1.4", "10.0.1.5"
	obs := []Observation{
		ob("eni-i-web-a", web, db, 5432, true, true, 10, 1000),
		ob("eni-i-db-a", web, db, 5432, true, true, 11, 1100),
		ob("eni-i-web-b", web, db, 5432, true, true, 20, 2000),
		ob("eni-i-db-b", web, db, 5432, true, true, 21, 2100),
	}
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}} {
		var in []Observation
		for _, i := range order {
			in = append(in, obs[i])
		}
		got := map[string]Edge{}
		for _, e := range Edges(in, x) {
			got[e.Src.ID+">"+e.Dst.ID] = e
		}
		if e := got["i-web-a>i-db-a"]; e.Bytes != 1100 || e.Connections != 1 {
			t.Errorf("order %v: vpc-a edge %+v, want 1100 bytes, 1 connection (at i-db-a)", order, e)
		}
		if e := got["i-web-b>i-db-b"]; e.Bytes != 2100 || e.Connections != 1 {
			t.Errorf("order %v: vpc-b edge %+v, want 2100 bytes, 1 connection (at i-db-b)", order, e)
		}
		if len(got) != 2 {
			t.Errorf("order %v: edges %v, want 2", order, got)
		}
	}
}
