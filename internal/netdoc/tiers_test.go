package netdoc

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// The tier of a subnet comes from its route table (AWS-SEMANTICS.md §4):
// a route to an attached internet gateway makes it public, another
// default route out (NAT gateway) private, none isolated; a blackholed
// default route carries nothing, and a gateway endpoint's prefix-list
// route does not leave AWS.
func TestTierOf(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.InternetGateway("igw-1", "vpc-1")
	b.Subnet("subnet-pub", "vpc-1", "10.0.0.0/24")
	b.Subnet("subnet-nat", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-iso", "vpc-1", "10.0.2.0/24")
	b.Subnet("subnet-hole", "vpc-1", "10.0.3.0/24")
	b.RouteTable("rtb-main", "vpc-1").Main().Route("10.0.0.0/16", "local")
	b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub").Route("10.0.0.0/16", "local").Route("0.0.0.0/0", "igw-1")
	b.RouteTable("rtb-nat", "vpc-1").Associate("subnet-nat").Route("10.0.0.0/16", "local").Route("0.0.0.0/0", "nat-1")
	b.RouteTable("rtb-hole", "vpc-1").Associate("subnet-hole").Route("10.0.0.0/16", "local").Blackhole("0.0.0.0/0", "nat-gone")
	reg := b.Link()
	g := &gen{inv: modeltest.Inventory(reg), t: i18n.English.T}
	want := map[string]string{
		"subnet-pub":  plan.TierPublic,
		"subnet-nat":  plan.TierPrivate,
		"subnet-iso":  plan.TierIsolated,
		"subnet-hole": plan.TierIsolated,
	}
	for id, tier := range want {
		if got := g.tierOf(reg, reg.Subnet(id)); got != tier {
			t.Errorf("%s: tier %s, want %s", id, got, tier)
		}
	}

	// A plan's own tiers win for the subnets it creates or keeps public.
	g.p = &plan.Plan{Regions: []*plan.RegionPlan{{Account: reg.Account, Region: reg.Name, VPCs: []*plan.VPCPlan{{
		VPCID:         "vpc-1",
		PublicSubnets: []string{"subnet-iso"},
		Subnets:       []*plan.Subnet{{ID: "subnet-nat", Tier: plan.TierIsolated}},
	}}}}}
	if got := g.tierOf(reg, reg.Subnet("subnet-nat")); got != plan.TierIsolated {
		t.Errorf("planned subnet: tier %s, want the plan's isolated", got)
	}
	if got := g.tierOf(reg, reg.Subnet("subnet-iso")); got != plan.TierPublic {
		t.Errorf("kept public: tier %s, want public", got)
	}
}

// A world-open rule is allowed only on a listener port of the
// internet-facing load balancer the group is attached to (the first rule
// of the house); a rule from an address range or a prefix list breaks
// "groups reference groups".
func TestWorldOpenAndAddressSources(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-1", "vpc-1", "10.0.0.0/24")
	lbg := b.SecurityGroup("sg-lb", "vpc-1",
		modeltest.Ingress("tcp", 443, 443, "0.0.0.0/0"),
		modeltest.Ingress("tcp", 8443, 8443, "0.0.0.0/0"))
	lbg.Name = "lb"
	app := b.SecurityGroup("sg-app", "vpc-1",
		modeltest.IngressFromGroup("tcp", 8080, 8080, "sg-lb"),
		modeltest.Ingress("tcp", 8080, 8080, "10.0.5.0/24"),
		modeltest.IngressFromPrefixList("tcp", 8080, 8080, "pl-1"))
	app.Name = "app"
	b.PrefixList("pl-1", "111122223333", "192.0.2.0/24") // the office
	lb := b.NetworkLoadBalancer("nlb", "internet-facing", []string{"subnet-1"}, "sg-lb")
	b.Listen(lb, "TCP", 443)
	reg := b.Link()
	g := &gen{inv: modeltest.Inventory(reg), t: i18n.English.T}

	var world, addr []string
	g.worldOpen(reg, func(s string) { world = append(world, s) })
	g.addressSources(reg, func(s string) { addr = append(addr, s) })
	if len(world) != 1 || !strings.Contains(world[0], "`tcp/8443`") {
		t.Errorf("world-open offenders: %q; want only tcp/8443 (443 is the listener's)", world)
	}
	if len(addr) != 2 || !strings.Contains(addr[0], "`10.0.5.0/24`") || !strings.Contains(addr[1], "`pl-1`") {
		t.Errorf("address sources: %q; want the /24 and the prefix list", addr)
	}
}
