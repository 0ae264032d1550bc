package diagram

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// TestSmallNetwork: a hand-built region with one subnet per tier, the
// empty ones drawn and said to be empty, a VPC without subnets drawn,
// and an SSH exposure labelled tcp/22.
func TestSmallNetwork(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.VPC("vpc-2", "10.1.0.0/16")
	b.Subnet("subnet-pub", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-priv", "vpc-1", "10.0.2.0/24")
	b.Subnet("subnet-iso", "vpc-1", "10.0.3.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub").Route("0.0.0.0/0", "igw-1")
	b.NATGateway("nat-1", "subnet-pub", "203.0.113.5")
	b.RouteTable("rtb-priv", "vpc-1").Associate("subnet-priv").Route("0.0.0.0/0", "nat-1")
	b.RouteTable("rtb-iso", "vpc-1").Associate("subnet-iso")
	b.SecurityGroup("sg-ssh", "vpc-1", modeltest.Ingress("tcp", 22, 22, "0.0.0.0/0"))
	inst := b.Instance("i-1", "subnet-pub", "sg-ssh")
	inst.ENIs[0].Addresses[0].Public = netip.MustParseAddr("203.0.113.10")
	inv := &model.Inventory{Accounts: []*model.Account{{ID: "111122223333", Name: "test", Regions: []*model.Region{b.Link()}}}}

	svg, err := SVG(inv, Options{Title: "small <network> & \"quotes\""})
	if err != nil {
		t.Fatal(err)
	}
	root := parseSVG(t, svg)
	if got := len(root.all("vpc")); got != 2 {
		t.Errorf("%d VPCs drawn, want 2", got)
	}
	want := map[string]string{"subnet-pub": TierPublic, "subnet-priv": TierPrivate, "subnet-iso": TierIsolated}
	for _, c := range root.all("subnet") {
		for id, tier := range want {
			if strings.Contains(c.text(), id) {
				if !c.hasClass(tier) {
					t.Errorf("%s: class %q, want %s", id, c.attr("class"), tier)
				}
				delete(want, id)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("subnets not drawn: %v", want)
	}
	empty := 0
	for _, n := range root.all("empty") {
		if n.text() == "no resources" {
			empty++
		}
	}
	if empty != 2 {
		t.Errorf("%d subnets said empty, want 2", empty)
	}
	if !strings.Contains(root.text(), "no subnets") {
		t.Error("the VPC without subnets is not said to be empty")
	}
	if !strings.Contains(root.text(), `small <network> & "quotes"`) {
		t.Error("the title is not drawn as given")
	}
	if len(root.Children) == 0 || root.Children[0].title() != `small <network> & "quotes"` {
		t.Error("the SVG's <title> (its accessible name) is not the diagram's title")
	}
	if !strings.HasPrefix(string(svg), "<svg ") {
		t.Errorf("the SVG starts %.20q, want <svg (to be put inline in HTML)", svg)
	}
	exps := root.all("exposure")
	if len(exps) != 1 || exps[0].text() != "tcp/22" {
		t.Fatalf("exposures: %d, want one labelled tcp/22", len(exps))
	}
	if len(root.all("nat")) != 1 || len(root.all("gateway")) != 1 {
		t.Error("want one NAT gateway and one internet gateway")
	}
}

// TestZeroLimitIsNoLimit: a zero field of Limits collapses nothing.
func TestZeroLimitIsNoLimit(t *testing.T) {
	inv := loadExample(t, "startup-rebuilt")
	sc := buildScene(inv, Options{Lang: "en", Limits: Limits{Arrows: 5}})
	if len(sc.notes) != 0 {
		t.Errorf("notes %v, want nothing collapsed", sc.notes)
	}
	for _, v := range sc.vpcs {
		for _, az := range v.azs {
			for _, s := range az.subnets {
				for _, bx := range s.boxes {
					if bx.kind == boxMore {
						t.Errorf("subnet %v collapsed", s.label)
					}
				}
			}
		}
	}
}

// An interface endpoint in a subnet the snapshot lacks (CloudMapper's demo
// account has such data) is drawn nowhere and does not crash the drawing.
func TestEndpointInMissingSubnet(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.SecurityGroup("sg-e", "vpc-1")
	b.InterfaceEndpoint("vpce-1", "com.amazonaws.ap-northeast-1.ssm", []string{"subnet-a", "subnet-gone"}, "sg-e")
	inv := &model.Inventory{Accounts: []*model.Account{{ID: "111122223333", Name: "test", Regions: []*model.Region{b.Link()}}}}
	svg, err := SVG(inv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), "ssm") {
		t.Error("the endpoint's box in subnet-a lacks its service")
	}
}
