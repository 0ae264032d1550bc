package plan

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/diagram"
	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/netdoc"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// hostile are names that must come out escaped and whole (or cut with an
// ellipsis): markup, quotes, Japanese, a very long name, Markdown's own
// characters, control characters and invalid UTF-8.
var hostile = []string{
	`<script>alert("x")</script>`,
	`a&b "c" 'd' <e>`,
	"本番ウェブサーバー（東京）",
	strings.Repeat("very-long-name-", 40),
	"| pipe | `tick` *star* [link](x) \\ back",
	"tab\tnew\nline\x00nul",
	"bad\xffutf8",
	"",
}

// robustRegion is a small account region whose names are hostile[n...]:
// a VPC with a public and a private subnet, an exposed instance with a
// role named by a tag, a database, a load balancer.
func robustRegion(account, region string, n int) *model.Region {
	name := func(i int) string { return hostile[(n+i)%len(hostile)] }
	b := modeltest.New(account, region)
	b.VPC("vpc-1", "10.0.0.0/16").Tags = model.Tags{"Name": name(0)}
	b.Subnet("subnet-pub", "vpc-1", "10.0.1.0/24").Tags = model.Tags{"Name": name(1)}
	b.Subnet("subnet-priv", "vpc-1", "10.0.2.0/24").Tags = model.Tags{"Name": name(2)}
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub").Route("0.0.0.0/0", "igw-1")
	b.RouteTable("rtb-priv", "vpc-1").Associate("subnet-priv")
	sg := b.SecurityGroup("sg-web", "vpc-1", modeltest.Ingress("tcp", 22, 22, "0.0.0.0/0"), modeltest.Ingress("-1", 0, 0, "0.0.0.0/0"))
	sg.Name = name(3)
	b.SecurityGroup("sg-db", "vpc-1", modeltest.IngressFromGroup("tcp", 5432, 5432, "sg-web")).Name = name(4)
	web := b.Instance("i-web", "subnet-pub", "sg-web")
	web.Tags = model.Tags{"Role": name(5), "Name": name(6)}
	modeltest.SetPublicIP(web.ENIs[0], "203.0.113.10")
	b.Instance("i-app", "subnet-priv", "sg-web", "sg-db").Tags = model.Tags{"Name": name(7)}
	lb := b.LoadBalancer(fmt.Sprintf("lb-%d", n), "internet-facing", []string{"subnet-pub"}, "sg-web")
	b.Listen(lb, "HTTP", 80)
	return b.Link()
}

// robustInventories are accounts with hostile names, an account with
// only an empty region (no VPC), several accounts and regions.
func robustInventories() map[string]func() *model.Inventory {
	empty := func() *model.Region { return modeltest.New("999988887777", "us-east-1").Link() }
	return map[string]func() *model.Inventory{
		"one":   func() *model.Inventory { return modeltest.Inventory(robustRegion("111122223333", "ap-northeast-1", 0)) },
		"empty": func() *model.Inventory { return modeltest.Inventory(empty()) },
		"none":  func() *model.Inventory { return &model.Inventory{} },
		"several": func() *model.Inventory {
			return modeltest.Inventory(robustRegion("111122223333", "ap-northeast-1", 1), robustRegion("111122223333", "ap-northeast-3", 2),
				robustRegion("444455556666", "ap-northeast-1", 3), empty())
		},
	}
}

// renderAll draws, documents and reports inv as `plan` does, in lang, and
// returns every output.
func renderAll(t *testing.T, inv *model.Inventory, lang i18n.Lang) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var p *plan.Plan
	if len(inv.Accounts) > 0 {
		var err error
		p, err = plan.Design(inv, nil, plan.Options{NAT: "per-az", ClientVPN: true})
		if err != nil {
			t.Logf("Design: %v (drawing without a plan)", err)
			p = nil
		}
	}
	svg, err := diagram.SVG(inv, diagram.Options{Lang: lang})
	if err != nil {
		t.Fatalf("diagram: %v", err)
	}
	out["diagram.svg"] = svg
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Errorf("the diagram is not well-formed XML: %v", err)
	}
	var doc bytes.Buffer
	if err := netdoc.Write(&doc, inv, nil, lang); err != nil {
		t.Fatalf("netdoc: %v", err)
	}
	out["rules.md"] = doc.Bytes()
	if p != nil {
		doc.Reset()
		if err := netdoc.Write(&doc, inv, p, lang); err != nil {
			t.Fatalf("netdoc with the plan: %v", err)
		}
		out["rules-plan.md"] = bytes.Clone(doc.Bytes())
	}
	rep := report.Build(inv, check.RunWith(inv, check.All, check.Options{}), check.All)
	var page bytes.Buffer
	if err := htmlreport.Write(&page, htmlreport.Input{Lang: lang, Report: rep, Plan: p, Diagrams: []htmlreport.Diagram{{Title: hostile[0], SVG: svg}}, Generated: hostile[1]}); err != nil {
		t.Fatalf("htmlreport: %v", err)
	}
	out["report.html"] = page.Bytes()
	return out
}

// TestShowRobust: hostile names, an empty account, no account at all,
// several accounts and regions: the diagram, the network-rule document
// and the report are written without a panic, twice the same bytes, and
// no name's markup gets through unescaped.
func TestShowRobust(t *testing.T) {
	for name, mk := range robustInventories() {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Japanese} {
			t.Run(name+"/"+string(lang), func(t *testing.T) {
				first := renderAll(t, mk(), lang)
				second := renderAll(t, mk(), lang)
				for file, data := range first {
					if !bytes.Equal(data, second[file]) {
						t.Errorf("%s: two renderings differ", file)
					}
				}
				for _, file := range []string{"diagram.svg", "report.html"} {
					if bytes.Contains(first[file], []byte(`<script>alert(`)) {
						t.Errorf("%s: a name's <script> got through unescaped", file)
					}
				}
				if !bytes.Contains(first["report.html"], []byte("&lt;script&gt;alert(")) {
					t.Error("report.html does not show the diagram's title, escaped")
				}
				if name == "one" && !bytes.Contains(first["diagram.svg"], []byte("本番ウェブサーバー（東京）")) {
					t.Error("the diagram does not show the Japanese name")
				}
				for file, data := range first {
					if strings.Contains(string(data), "%!") {
						t.Errorf("%s: a bad format verb: %q", file, excerpt(string(data), "%!"))
					}
				}
			})
		}
	}
}

func excerpt(s, at string) string {
	i := strings.Index(s, at)
	return s[max(i-60, 0):min(i+60, len(s))]
}
