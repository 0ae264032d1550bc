package diagram

import (
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
