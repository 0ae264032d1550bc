package diagram

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
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

// TestEveryExposureDrawn: every internet exposure the reachability engine
// finds has an arrow from the internet to the box of its interface's
// subnet (or, through a load balancer, to the load balancer's), and an
// arrow into a collapsed box comes with the note that says what was
// collapsed: on both examples, and on a synthetic account collapsed hard.
func TestEveryExposureDrawn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Size{VPCs: 2, SecurityGroups: 40, ENIs: 400}); err != nil {
		t.Fatal(err)
	}
	synthetic, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		inv  *model.Inventory
		lim  Limits
	}{
		{"before", loadExample(t, "startup-all-public"), DefaultLimits},
		{"before-collapsed", loadExample(t, "startup-all-public"), Limits{RolesPerSubnet: 1, SubnetsPerTier: 1, Boxes: 2, Arrows: 1}},
		{"rebuilt", loadExample(t, "startup-rebuilt"), DefaultLimits},
		{"synthetic", synthetic, Limits{RolesPerSubnet: 2, SubnetsPerTier: 1, Boxes: 20, Arrows: 5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sb := sceneBuilder(c.inv, Options{Lang: i18n.English, Limits: c.lim})
			sc := sb.sc
			kind := map[string]string{}
			for _, v := range sc.vpcs {
				for _, az := range v.azs {
					for _, s := range az.subnets {
						for _, bx := range s.boxes {
							kind[bx.name] = bx.kind
						}
					}
				}
			}
			arrows := map[string]bool{}
			for _, a := range sc.exposures {
				if a.from != internetNode {
					t.Errorf("exposure arrow from %s", a.from)
				}
				arrows[a.to] = true
			}
			n := 0
			for _, reg := range c.inv.Regions() {
				for _, e := range reach.InternetExposures(reg) {
					n++
					x := e
					if x.Via == reach.ViaLoadBalancer {
						x = reach.Exposure{Resource: e.LoadBalancer}
						if len(e.LoadBalancer.ENIs) > 0 {
							x.ENI = e.LoadBalancer.ENIs[0]
						}
					}
					bx := sb.exposedBox(reg, x)
					if bx == nil {
						t.Errorf("%s %v: no box drawn", resourceOf(e), e.Protocol)
						continue
					}
					if !arrows[bx.name] {
						t.Errorf("%s %v: no arrow to its box %s", resourceOf(e), e.Protocol, bx.name)
					}
					if kind[bx.name] == boxMore && len(sc.notes) == 0 {
						t.Errorf("%s: drawn into a collapsed box, and no note says so", resourceOf(e))
					}
				}
			}
			if n == 0 && c.name != "rebuilt" {
				t.Error("no exposure to check")
			}
		})
	}
}

func resourceOf(e reach.Exposure) string {
	switch {
	case e.Resource != nil:
		return e.Resource.ID
	case e.ENI != nil:
		return e.ENI.ID
	}
	return "?"
}
