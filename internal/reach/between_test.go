package reach_test

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// pair: app (eni-a, sg-app) in subnet-a and db (eni-b, sg-db) in subnet-b
// of one VPC; sg-db admits tcp/5432 from sg-app; ACLs allow everything.
func pair(change func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup)) (*model.Region, *model.ENI, *model.ENI) {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
	rt := b.RouteTable("rtb-1", "vpc-1").Main()
	app := b.SecurityGroup("sg-app", "vpc-1")
	db := b.SecurityGroup("sg-db", "vpc-1", mt.IngressFromGroup("tcp", 5432, 5432, "sg-app"))
	allow := func(dir string) model.NACLEntry { return mt.Entry(100, dir, "allow", "-1", 0, 0, "0.0.0.0/0") }
	b.NetworkACL("acl-1", "vpc-1", []string{"subnet-a", "subnet-b"}, allow("in"), allow("out"))
	a := b.ENI("eni-a", "subnet-a", "sg-app")
	d := b.ENI("eni-b", "subnet-b", "sg-db")
	if change != nil {
		change(b, rt, app, db)
	}
	reg := b.Link()
	return reg, a, d
}

// TestBetween is the truth table of AWS-SEMANTICS.md §7.
func TestBetween(t *testing.T) {
	tests := []struct {
		name    string
		change  func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup)
		port    uint16
		want    bool
		blocked string // words of the drop's reason
	}{
		{"§7 group reference admits the caller's group", nil, 5432, true, ""},
		{"§7.3 the port the target does not open", nil, 5433, false, "no ingress rule"},
		{"§7.1 the caller's egress rules must allow it", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			app.Egress = []model.Rule{mt.Ingress("tcp", 443, 443, "0.0.0.0/0")}
		}, 5432, false, "no egress rule"},
		{"§7.1 an egress rule to the target's group", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			r := mt.IngressFromGroup("tcp", 5432, 5432, "sg-db")
			r.Direction = model.Egress
			app.Egress = []model.Rule{r}
		}, 5432, true, ""},
		{"§7.3 a CIDR rule for the caller's subnet", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			db.Ingress = []model.Rule{mt.Ingress("tcp", 5432, 5432, "10.0.1.0/24")}
		}, 5432, true, ""},
		{"§7.2 the target's ACL denies it", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			acl := b.Region().NetworkACLs[0]
			acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "6", 5432, 5432, "10.0.1.0/24")}, acl.Entries...)
		}, 5432, false, "ingress: rule 50 deny"},
		{"§7.2 stateless: the reply cannot leave the target's subnet", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			acl := b.Region().NetworkACLs[0]
			acl.Entries = append(acl.Entries, mt.Entry(50, "out", "deny", "6", 1024, 65535, "10.0.1.0/24"))
			sortACL(acl)
		}, 5432, false, "the reply cannot"},
		{"§7.2 a more specific route into a blackhole", func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
			rt.Blackhole("10.0.2.0/24", "eni-gone")
		}, 5432, false, "blackhole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, a, d := pair(tt.change)
			v, err := reach.Between(reach.Endpoint{ENI: a, Region: reg}, reach.Endpoint{ENI: d, Region: reg}, model.ProtocolTCP, tt.port)
			if err != nil {
				t.Fatal(err)
			}
			if v.Reachable != tt.want {
				t.Fatalf("reachable %v, want %v (blocked by %+v, path %v)", v.Reachable, tt.want, v.BlockedBy, v.Path)
			}
			if !tt.want && (v.BlockedBy == nil || !strings.Contains(v.BlockedBy.Detail, tt.blocked)) {
				t.Errorf("blocked by %+v, want %q", v.BlockedBy, tt.blocked)
			}
			if tt.want && len(v.Path) < 3 {
				t.Errorf("path %v too short", v.Path)
			}
		})
	}
}

// TestBetweenSameSubnet: traffic within one subnet is not filtered by its
// ACL (§3).
func TestBetweenSameSubnet(t *testing.T) {
	reg, a, _ := pair(func(b *mt.Builder, rt *mt.RouteTable, app, db *model.SecurityGroup) {
		acl := b.Region().NetworkACLs[0]
		acl.Entries = []model.NACLEntry{mt.Entry(1, "in", "deny", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(1, "out", "deny", "-1", 0, 0, "0.0.0.0/0")}
		b.ENI("eni-c", "subnet-a", "sg-db")
	})
	v, _ := reach.Between(reach.Endpoint{ENI: a, Region: reg}, reach.Endpoint{ENI: reg.ENI("eni-c"), Region: reg}, model.ProtocolTCP, 5432)
	if !v.Reachable {
		t.Fatalf("blocked by %+v", v.BlockedBy)
	}
}

// TestFromInternetBlockedBy names the first hop that drops (§5).
func TestFromInternetBlockedBy(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(n *net)
		kind   string
	}{
		{"no public address", func(n *net) { setENIPublic(n, "") }, "public-address"},
		{"route to NAT", func(n *net) { n.rt.Routes = n.rt.Routes[:1]; n.rt.Route("0.0.0.0/0", "nat-1") }, "route"},
		{"ACL deny", func(n *net) {
			acl := n.b.Region().NetworkACLs[0]
			acl.Entries = append([]model.NACLEntry{mt.Entry(50, "in", "deny", "6", 22, 22, "0.0.0.0/0")}, acl.Entries...)
		}, "network-acl"},
		{"group", func(n *net) { n.sg.Ingress = nil }, "security-group"},
	} {
		reg := fixture(tt.change)
		v, err := reach.Between(reach.Endpoint{Internet: true}, reach.Endpoint{ENI: reg.ENI("eni-1"), Region: reg}, model.ProtocolTCP, 22)
		if err != nil || v.Reachable || v.BlockedBy == nil || v.BlockedBy.Kind != tt.kind {
			t.Errorf("%s: %+v %v, want blocked by %s", tt.name, v, err, tt.kind)
		}
	}
}

// A NAT gateway's interface has no security groups (AWS lets none be
// attached): only network ACLs filter what reaches it, so an instance
// reaches it on any port its own egress allows (§7 with step 3 skipped).
func TestBetweenToNATGateway(t *testing.T) {
	var nat *model.Resource
	reg, a, _ := pair(func(b *mt.Builder, _ *mt.RouteTable, _, _ *model.SecurityGroup) {
		nat = b.NATGateway("nat-1", "subnet-b", "")
	})
	natENI := reg.ENI(nat.ENIs[0].ID)
	if natENI == nil || natENI.Owner.Kind != model.OwnerNATGateway {
		t.Fatalf("the NAT gateway's interface is not known as one: %+v", natENI)
	}
	v, err := reach.Between(reach.Endpoint{ENI: a, Region: reg}, reach.Endpoint{ENI: natENI, Region: reg}, model.ProtocolTCP, 443)
	if err != nil || !v.Reachable {
		t.Fatalf("instance → NAT gateway tcp/443: blocked by %+v, %v; want reachable", v.BlockedBy, err)
	}
	last := v.Path[len(v.Path)-1]
	if last.Kind != "nat-gateway" || !strings.Contains(last.Detail, "no security groups") {
		t.Errorf("last hop %+v does not say the NAT gateway has no groups", last)
	}
}
