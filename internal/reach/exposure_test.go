package reach_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// net is the fixture every case varies: one VPC, a public subnet whose main
// route table sends 0.0.0.0/0 and ::/0 to an attached internet gateway, an
// ACL allowing everything both ways, and eni-1 with a public address
// carrying sg-1, which opens tcp/22 to 0.0.0.0/0.
type net struct {
	b   *mt.Builder
	rt  *mt.RouteTable
	eni *model.ENI
	sg  *model.SecurityGroup
}

func fixture(change func(n *net)) *model.Region {
	b := mt.New("111122223333", "ap-northeast-1")
	n := &net{b: b}
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-1", "vpc-1", "10.0.1.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	n.rt = b.RouteTable("rtb-1", "vpc-1").Main().Route("0.0.0.0/0", "igw-1").Route("::/0", "igw-1")
	n.sg = b.SecurityGroup("sg-1", "vpc-1", mt.Ingress("tcp", 22, 22, "0.0.0.0/0"))
	n.eni = b.ENI("eni-1", "subnet-1", "sg-1")
	mt.SetPublicIP(n.eni, "54.250.0.10")
	allowAll := func(num int, dir string) model.NACLEntry { return mt.Entry(num, dir, "allow", "-1", 0, 0, "0.0.0.0/0") }
	denyAll := func(dir string) model.NACLEntry { return mt.Entry(32767, dir, "deny", "-1", 0, 0, "0.0.0.0/0") }
	b.NetworkACL("acl-1", "vpc-1", []string{"subnet-1"}, allowAll(100, "in"), denyAll("in"), allowAll(100, "out"), denyAll("out"),
		mt.Entry(101, "in", "allow", "-1", 0, 0, "::/0"), mt.Entry(101, "out", "allow", "-1", 0, 0, "::/0"))
	if change != nil {
		change(n)
	}
	return b.Link()
}

// reaches reports whether some exposure of the ENI admits (proto, port)
// from src, and returns it.
func reaches(xs []reach.Exposure, eni string, via reach.Via, proto model.Protocol, port uint16, src string) (reach.Exposure, bool) {
	a := netip.MustParseAddr(src)
	for _, x := range xs {
		if x.ENI == nil || x.ENI.ID != eni || x.Via != via {
			continue
		}
		if x.Protocol != model.ProtocolAll && x.Protocol != proto {
			continue
		}
		if x.Protocol == model.ProtocolAll {
			skip := false
			for _, e := range x.Except {
				skip = skip || e == proto
			}
			if skip {
				continue
			}
		}
		if !x.Ports.Contains(port) {
			continue
		}
		for _, p := range x.Sources {
			if p.Contains(a) {
				return x, true
			}
		}
	}
	return reach.Exposure{}, false
}

func setENIPublic(n *net, ip string) {
	n.eni.Addresses[0].Public = netip.Addr{}
	if ip != "" {
		mt.SetPublicIP(n.eni, ip)
	}
}

// TestDirectExposure is the truth table of AWS-SEMANTICS.md §5: a packet
// from the internet reaches an ENI only with a public address, a return
// route to an attached internet gateway, network ACLs both ways, and a
// security-group rule.
func TestDirectExposure(t *testing.T) {
	tests := []struct {
		name   string
		change func(n *net)
		port   uint16
		src    string
		want   bool
		note   string // a note the exposure must carry
	}{
		{"§5 all four hold", nil, 22, "198.51.100.7", true, ""},
		{"§5.4 port the group does not open", nil, 23, "198.51.100.7", false, ""},
		{"§5.1 no public IPv4", func(n *net) { setENIPublic(n, "") }, 22, "198.51.100.7", false, ""},
		{"§5.1 IPv6 address, IPv6 rule, ::/0 route", func(n *net) {
			n.eni.IPv6 = []netip.Addr{netip.MustParseAddr("2406:da14::10")}
			n.sg.Ingress = append(n.sg.Ingress, mt.Ingress("tcp", 443, 443, "::/0"))
		}, 443, "2001:db8::1", true, ""},
		{"§5.1 IPv6 rule but the ENI has no IPv6 address", func(n *net) {
			n.sg.Ingress = append(n.sg.Ingress, mt.Ingress("tcp", 443, 443, "::/0"))
		}, 443, "2001:db8::1", false, ""},
		{"§5.2 default route to a NAT gateway: replies never return", func(n *net) {
			n.rt.Routes = n.rt.Routes[:1]
			n.rt.Route("0.0.0.0/0", "nat-1")
		}, 22, "198.51.100.7", false, ""},
		{"§5.2 route 203.0.113.0/24 -> igw only exposes that /24", func(n *net) {
			n.rt.Routes = n.rt.Routes[:1]
			n.rt.Route("203.0.113.0/24", "igw-1").Route("0.0.0.0/0", "nat-1")
		}, 22, "203.0.113.9", true, ""},
		{"§5.2 ... and not the rest of the internet", func(n *net) {
			n.rt.Routes = n.rt.Routes[:1]
			n.rt.Route("203.0.113.0/24", "igw-1").Route("0.0.0.0/0", "nat-1")
		}, 22, "198.51.100.7", false, ""},
		{"§4 longest prefix: a /24 to a NAT beats 0.0.0.0/0 to the igw", func(n *net) {
			n.rt.Route("198.51.100.0/24", "nat-1")
		}, 22, "198.51.100.7", false, ""},
		{"§4 longest prefix: other sources still return through the igw", func(n *net) {
			n.rt.Route("198.51.100.0/24", "nat-1")
		}, 22, "8.8.8.8", true, ""},
		{"§4 blackhole route to the igw drops", func(n *net) {
			n.rt.Routes = n.rt.Routes[:1]
			n.rt.Blackhole("0.0.0.0/0", "igw-1")
		}, 22, "198.51.100.7", false, ""},
		{"§4 internet gateway attached to another VPC", func(n *net) {
			n.b.Region().InternetGateways[0].Attached = []string{"vpc-other"}
		}, 22, "198.51.100.7", false, ""},
		{"§4 egress-only gateway never lets IPv6 in", func(n *net) {
			n.rt.Routes = n.rt.Routes[:2]
			n.rt.Route("::/0", "eigw-1")
			n.eni.IPv6 = []netip.Addr{netip.MustParseAddr("2406:da14::10")}
			n.sg.Ingress = append(n.sg.Ingress, mt.Ingress("tcp", 443, 443, "::/0"))
		}, 443, "2001:db8::1", false, ""},
		{"§5 the VPC's own addresses are not the internet", nil, 22, "10.0.9.9", false, ""},
		{"§5 private space is not the internet", nil, 22, "192.168.1.1", false, ""},
		{"§3 ingress deny numbered before the allow", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "6", 22, 22, "0.0.0.0/0")}, acl.Entries...)
		}, 22, "198.51.100.7", false, ""},
		{"§3 deny for one /24 leaves the rest", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "-1", 0, 0, "198.51.100.0/24")}, acl.Entries...)
		}, 22, "8.8.8.8", true, ""},
		{"§3 first match: allow 100 before deny 200", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append(acl.Entries, mt.Entry(200, "in", "deny", "6", 22, 22, "0.0.0.0/0"))
			sortACL(acl)
		}, 22, "198.51.100.7", true, ""},
		{"§3 stateless: the egress ACL blocks the reply", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append(acl.Entries, mt.Entry(10, "out", "deny", "6", 1024, 65535, "0.0.0.0/0"))
			sortACL(acl)
		}, 22, "198.51.100.7", false, ""},
		{"§3 reply allowed only to 32768-60999: reachable, with a note", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append(acl.Entries, mt.Entry(10, "out", "allow", "6", 32768, 60999, "0.0.0.0/0"), mt.Entry(20, "out", "deny", "6", 0, 65535, "0.0.0.0/0"))
			sortACL(acl)
		}, 22, "198.51.100.7", true, "lets tcp replies out only to client ports 32768-60999"},
		{"§2 a group reference never matches internet packets", func(n *net) {
			n.sg.Ingress = []model.Rule{mt.IngressFromGroup("tcp", 22, 22, "sg-1")}
		}, 22, "198.51.100.7", false, ""},
		{"§2 rule -1 opens every port", func(n *net) {
			n.sg.Ingress = []model.Rule{mt.Ingress("-1", -1, -1, "0.0.0.0/0")}
		}, 3306, "198.51.100.7", true, ""},
		{"§2 a prefix list matches its entries", func(n *net) {
			n.b.PrefixList("pl-office", "111122223333", "203.0.113.0/28")
			n.sg.Ingress = []model.Rule{mt.IngressFromPrefixList("tcp", 22, 22, "pl-office")}
		}, 22, "203.0.113.5", true, ""},
		{"§2 ... and nothing else", func(n *net) {
			n.b.PrefixList("pl-office", "111122223333", "203.0.113.0/28")
			n.sg.Ingress = []model.Rule{mt.IngressFromPrefixList("tcp", 22, 22, "pl-office")}
		}, 22, "203.0.113.99", false, ""},
		{"§2 a prefix list without its entries is assumed to be every address", func(n *net) {
			n.b.PrefixListWithoutEntries("pl-unknown", "111122223333")
			n.sg.Ingress = []model.Rule{mt.IngressFromPrefixList("tcp", 22, 22, "pl-unknown")}
		}, 22, "198.51.100.7", true, "entries of prefix list pl-unknown were not collected"},
		{"§2 a group not in the data is assumed open", func(n *net) {
			n.eni.SecurityGroupIDs = []string{"sg-missing"}
		}, 5432, "198.51.100.7", true, "security group sg-missing is not in the data"},
		{"§5 a NAT gateway interface never accepts inbound", func(n *net) {
			n.eni.Owner.Kind = model.OwnerNATGateway
			n.eni.InterfaceType = "nat_gateway"
			n.eni.Description = "Interface for NAT Gateway nat-1"
		}, 22, "198.51.100.7", false, ""},
		{"§5 a Lambda interface never accepts inbound", func(n *net) {
			n.eni.InterfaceType = "lambda"
		}, 22, "198.51.100.7", false, ""},
		{"route tables not collected: return route assumed, said", func(n *net) {
			n.b.NotCollected(model.CallRouteTables)
		}, 22, "198.51.100.7", true, "route table unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := fixture(tt.change)
			xs := reach.InternetExposures(reg)
			x, got := reaches(xs, "eni-1", reach.ViaDirect, model.ProtocolTCP, tt.port, tt.src)
			if got != tt.want {
				t.Fatalf("tcp/%d from %s: reachable %v, want %v\nexposures: %s", tt.port, tt.src, got, tt.want, dump(xs))
			}
			if tt.note != "" && !strings.Contains(strings.Join(x.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", x.Notes, tt.note)
			}
			if got && len(x.Path) == 0 {
				t.Errorf("exposure without a path")
			}
		})
	}
}

// TestDirectExposurePath: the path names the exact hops (§ intro).
func TestDirectExposurePath(t *testing.T) {
	xs := reach.InternetExposures(fixture(nil))
	x, ok := reaches(xs, "eni-1", reach.ViaDirect, model.ProtocolTCP, 22, "198.51.100.7")
	if !ok {
		t.Fatal("not exposed")
	}
	var hops []string
	for _, h := range x.Path {
		hops = append(hops, h.String())
	}
	got := strings.Join(hops, "\n")
	for _, want := range []string{
		"public-address eni-1: 54.250.0.10",
		"route rtb-1: 0.0.0.0/0 -> igw-1",
		"network-acl acl-1: ingress rule 100 allow all traffic 0.0.0.0/0",
		"network-acl acl-1: reply: egress rule 100 allow all traffic 0.0.0.0/0",
		"security-group sg-1: ingress tcp/22 from 0.0.0.0/0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("path lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "::/0 -> igw-1") {
		t.Errorf("path names the IPv6 route for IPv4 sources:\n%s", got)
	}
	if x.Ports != model.Port(22) || x.Protocol != model.ProtocolTCP {
		t.Errorf("exposure %s %v, want tcp/22", x.Protocol, x.Ports)
	}
}

func sortACL(acl *model.NetworkACL) {
	for i := 1; i < len(acl.Entries); i++ {
		for j := i; j > 0; j-- {
			a, b := acl.Entries[j-1], acl.Entries[j]
			if a.Egress && !b.Egress || a.Egress == b.Egress && a.RuleNumber > b.RuleNumber {
				acl.Entries[j-1], acl.Entries[j] = b, a
			}
		}
	}
}

func dump(xs []reach.Exposure) string {
	var b strings.Builder
	for _, x := range xs {
		eni := "-"
		if x.ENI != nil {
			eni = x.ENI.ID
		}
		b.WriteString("\n  " + eni + " " + string(x.Via) + " " + x.Protocol.String() + "/" + x.Ports.String() + " from ")
		for _, p := range x.Sources {
			b.WriteString(p.String() + " ")
		}
	}
	return b.String()
}
