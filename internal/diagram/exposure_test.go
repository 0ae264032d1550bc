package diagram

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// TestExposurePointsAtExposedSubnet: a role whose members sit in two
// subnets, most of them in the private one and one exposed in the public
// one. The exposure arrow must point at the box in the public subnet (the
// exposed interface's), not at the role's largest box (AWS-SEMANTICS.md
// §4: only the public subnet's member is reachable).
func TestExposurePointsAtExposedSubnet(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-pub", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-priv", "vpc-1", "10.0.2.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub").Route("0.0.0.0/0", "igw-1")
	b.RouteTable("rtb-priv", "vpc-1").Associate("subnet-priv")
	b.SecurityGroup("sg-web", "vpc-1", modeltest.Ingress("tcp", 22, 22, "0.0.0.0/0"))
	pub := b.Instance("i-pub", "subnet-pub", "sg-web")
	pub.Tags = model.Tags{"Role": "web"}
	modeltest.SetPublicIP(pub.ENIs[0], "203.0.113.10")
	for _, id := range []string{"i-priv-1", "i-priv-2", "i-priv-3"} {
		b.Instance(id, "subnet-priv", "sg-web").Tags = model.Tags{"Role": "web"}
	}
	inv := &model.Inventory{Accounts: []*model.Account{{ID: "111122223333", Name: "test", Regions: []*model.Region{b.Link()}}}}

	sc := buildScene(inv, Options{Lang: i18n.English, Limits: DefaultLimits})
	boxSubnet := map[string]string{}
	for _, v := range sc.vpcs {
		for _, az := range v.azs {
			for _, s := range az.subnets {
				for _, bx := range s.boxes {
					boxSubnet[bx.name] = s.id
				}
			}
		}
	}
	if len(sc.exposures) != 1 {
		t.Fatalf("%d exposure arrows, want 1", len(sc.exposures))
	}
	if got := boxSubnet[sc.exposures[0].to]; got != "subnet-pub" {
		t.Errorf("the exposure points at a box in %q, want subnet-pub (the exposed interface's)", got)
	}
}

// TestControlCharactersInNames: a NUL in a name ended Graphviz's string
// early and the whole drawing failed (and with it `vpcdoctor plan`);
// control characters become spaces, bytes that are not UTF-8 U+FFFD.
func TestControlCharactersInNames(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16").Tags = model.Tags{"Name": "nul\x00tab\tcr\rbad\xff"}
	b.Subnet("subnet-1", "vpc-1", "10.0.1.0/24").Tags = model.Tags{"Name": "line\nbreak\x1b[31m"}
	b.SecurityGroup("sg-1", "vpc-1")
	b.Instance("i-1", "subnet-1", "sg-1").Tags = model.Tags{"Role": "r\x00ole"}
	inv := &model.Inventory{Accounts: []*model.Account{{ID: "111122223333", Name: "t\x00", Regions: []*model.Region{b.Link()}}}}
	svg, err := SVG(inv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := parseSVG(t, svg).text()
	for _, want := range []string{"nul tab cr bad\uFFFD", "r ole"} {
		if !strings.Contains(text, want) {
			t.Errorf("the SVG does not show %q", want)
		}
	}
	if got := printable("plain 日本語", ""); got != "plain 日本語" {
		t.Errorf("printable changed clean text: %q", got)
	}
}
