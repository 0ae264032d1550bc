package netdoc

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// TestWorldOpenTogether: rules that open a port to the whole internet
// together break the first rule of the house as one 0.0.0.0/0 does
// (AWS-SEMANTICS.md §2: any matching rule admits a packet, so sources add
// up; the scan's world-open checks add them up too). The document used to
// say "followed" for them. A private range or an office's prefix list
// beside them is not named, nor are halves on different ports.
func TestWorldOpenTogether(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-1", "vpc-1", "10.0.0.0/24")
	b.PrefixList("pl-world", "111122223333", "0.0.0.0/0")
	b.PrefixList("pl-office", "111122223333", "192.0.2.0/24")
	b.SecurityGroup("sg-halves", "vpc-1",
		modeltest.Ingress("tcp", 5432, 5432, "0.0.0.0/1"),
		modeltest.Ingress("tcp", 5000, 6000, "128.0.0.0/1"),
		modeltest.Ingress("tcp", 5432, 5432, "10.0.0.0/16"),
		modeltest.IngressFromPrefixList("tcp", 5432, 5432, "pl-office"))
	b.SecurityGroup("sg-split-ports", "vpc-1",
		modeltest.Ingress("tcp", 80, 80, "0.0.0.0/1"),
		modeltest.Ingress("tcp", 81, 81, "128.0.0.0/1"))
	b.SecurityGroup("sg-list", "vpc-1", modeltest.IngressFromPrefixList("tcp", 22, 22, "pl-world"))
	b.SecurityGroup("sg-v6", "vpc-1",
		modeltest.Ingress("-1", 0, 0, "2000::/4"),
		modeltest.Ingress("udp", 53, 53, "3000::/4"))
	b.SecurityGroup("sg-public-minus", "vpc-1", // all public IPv4, in pieces
		modeltest.Ingress("tcp", 443, 443, "0.0.0.0/5"), modeltest.Ingress("tcp", 443, 443, "8.0.0.0/7"),
		modeltest.Ingress("tcp", 443, 443, "11.0.0.0/8"), modeltest.Ingress("tcp", 443, 443, "12.0.0.0/6"),
		modeltest.Ingress("tcp", 443, 443, "16.0.0.0/4"), modeltest.Ingress("tcp", 443, 443, "32.0.0.0/3"),
		modeltest.Ingress("tcp", 443, 443, "64.0.0.0/2"), modeltest.Ingress("tcp", 443, 443, "128.0.0.0/2"),
		modeltest.Ingress("tcp", 443, 443, "192.0.0.0/3"))
	b.SecurityGroup("sg-almost", "vpc-1", // 1.2.3.4 is missing
		modeltest.Ingress("tcp", 443, 443, "0.0.0.0/8"), modeltest.Ingress("tcp", 443, 443, "1.0.0.0/15"),
		modeltest.Ingress("tcp", 443, 443, "1.2.0.0/23"), modeltest.Ingress("tcp", 443, 443, "1.2.2.0/24"),
		modeltest.Ingress("tcp", 443, 443, "1.2.3.0/30"), modeltest.Ingress("tcp", 443, 443, "1.2.3.5/32"),
		modeltest.Ingress("tcp", 443, 443, "1.2.3.6/31"), modeltest.Ingress("tcp", 443, 443, "1.2.3.8/29"),
		modeltest.Ingress("tcp", 443, 443, "1.2.3.16/28"), modeltest.Ingress("tcp", 443, 443, "1.2.3.32/27"),
		modeltest.Ingress("tcp", 443, 443, "1.2.3.64/26"), modeltest.Ingress("tcp", 443, 443, "1.2.3.128/25"),
		modeltest.Ingress("tcp", 443, 443, "1.2.4.0/22"), modeltest.Ingress("tcp", 443, 443, "1.2.8.0/21"),
		modeltest.Ingress("tcp", 443, 443, "1.2.16.0/20"), modeltest.Ingress("tcp", 443, 443, "1.2.32.0/19"),
		modeltest.Ingress("tcp", 443, 443, "1.2.64.0/18"), modeltest.Ingress("tcp", 443, 443, "1.2.128.0/17"),
		modeltest.Ingress("tcp", 443, 443, "1.3.0.0/16"), modeltest.Ingress("tcp", 443, 443, "1.4.0.0/14"),
		modeltest.Ingress("tcp", 443, 443, "1.8.0.0/13"), modeltest.Ingress("tcp", 443, 443, "1.16.0.0/12"),
		modeltest.Ingress("tcp", 443, 443, "1.32.0.0/11"), modeltest.Ingress("tcp", 443, 443, "1.64.0.0/10"),
		modeltest.Ingress("tcp", 443, 443, "1.128.0.0/9"), modeltest.Ingress("tcp", 443, 443, "2.0.0.0/7"),
		modeltest.Ingress("tcp", 443, 443, "4.0.0.0/6"), modeltest.Ingress("tcp", 443, 443, "8.0.0.0/5"),
		modeltest.Ingress("tcp", 443, 443, "16.0.0.0/4"), modeltest.Ingress("tcp", 443, 443, "32.0.0.0/3"),
		modeltest.Ingress("tcp", 443, 443, "64.0.0.0/2"), modeltest.Ingress("tcp", 443, 443, "128.0.0.0/1"))
	reg := b.Link()

	got := map[string][]string{}
	for _, sg := range reg.SecurityGroups {
		for _, r := range worldRules(reg, sg) {
			got[sg.ID] = append(got[sg.ID], r.PortsString()+" "+r.Peer.String())
		}
	}
	want := map[string][]string{
		"sg-halves":       {"tcp/5432 0.0.0.0/1", "tcp/5000-6000 128.0.0.0/1"},
		"sg-list":         {"tcp/22 pl-world"},
		"sg-v6":           {"all traffic 2000::/4", "udp/53 3000::/4"},
		"sg-public-minus": nil, // filled below: every rule
	}
	for _, sg := range reg.SecurityGroups {
		if sg.ID == "sg-public-minus" {
			for _, r := range sg.Ingress {
				want[sg.ID] = append(want[sg.ID], r.PortsString()+" "+r.Peer.String())
			}
		}
	}
	for _, id := range []string{"sg-halves", "sg-split-ports", "sg-list", "sg-v6", "sg-public-minus", "sg-almost"} {
		if g, w := strings.Join(got[id], "; "), strings.Join(want[id], "; "); g != w {
			t.Errorf("%s: world-open rules %q, want %q", id, g, w)
		}
	}

	// In the document: the first rule is not followed.
	g := &gen{inv: &model.Inventory{Accounts: []*model.Account{{ID: "111122223333", Regions: []*model.Region{reg}}}}, t: i18n.English.T}
	var items []string
	g.worldOpen(reg, func(s string) { items = append(items, s) })
	if len(items) != 14 || !strings.Contains(strings.Join(items, "\n"), "`0.0.0.0/1`") {
		t.Errorf("world-open items:\n%s", strings.Join(items, "\n"))
	}
}
