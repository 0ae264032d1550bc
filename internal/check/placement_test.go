package check_test

import (
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// TestPlacementFindingsAreNotLost pins the split of resource-in-public-subnet:
// every resource in (or placeable in) a public subnet that it no longer
// reports is named by the check that now speaks for it.
func TestPlacementFindingsAreNotLost(t *testing.T) {
	checks := []*check.Check{check.ResourceInPublicSubnet, check.LambdaInPublicSubnet, check.ELBInternalInPublicSubnet,
		check.RDSSubnetGroupPublicSubnet, check.ElastiCacheSubnetGroupPublicSubnet}
	cases := []struct {
		name string
		add  func(*mt.Builder)
		want string // a resource every scan must name
	}{
		{"Lambda function", fnIn("subnet-pub"), "fn"},
		{"Lambda function beside a NAT default", fnIn("subnet-part"), "fn"},
		{"internal load balancer", func(b *mt.Builder) { b.LoadBalancer("internal-api", mt.Internal, ids("subnet-pub"), "sg-1") }, "internal-api"},
		{"DB placeable in a public subnet", func(b *mt.Builder) { b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1") }, "db-1"},
		{"DB running in a private subnet of a group with a public one", func(b *mt.Builder) {
			b.DBInstance("db-1", "", ids("subnet-priv", "subnet-pub"), "sg-1")
			b.ENI("eni-db", "subnet-priv", "sg-1").Description = "RDSNetworkInterface"
		}, "db-1"},
		{"DB without a named group", func(b *mt.Builder) { b.DBInstance("db-1", "", ids("subnet-pub"), "sg-1").DB.SubnetGroup = "" }, "db-1"},
		{"cache cluster placeable in a public subnet", func(b *mt.Builder) { b.CacheCluster("c-001", ids("subnet-priv", "subnet-pub"), "sg-1") }, "c-001"},
		{"cache cluster, subnet groups not collected", func(b *mt.Builder) {
			b.CacheCluster("c-001", ids("subnet-priv", "subnet-pub"), "sg-1")
			b.NotCollected(model.CallCacheSubnetGroups)
		}, "c-001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := check.Run(mt.Inventory(subnetRegion(tc.add)()), checks)
			for _, f := range res.Findings {
				if slices.Contains(f.Resources, tc.want) {
					return
				}
			}
			t.Errorf("no finding names %s; got %+v", tc.want, res.Findings)
		})
	}
}

// TestNonHTTPListenerFindingsAreNotLost pins the split of internet-exposed's
// grading: an internet-facing load balancer's exposure that it grades info
// although a non-HTTP listener carries it is reported by
// elb-non-http-listener-world-open, at medium or above.
func TestNonHTTPListenerFindingsAreNotLost(t *testing.T) {
	regions := map[string]func() *model.Region{
		"NLB no group TCP 443":       lbRegion(nlb(mt.InternetFacing, ls("TCP", 443))),
		"NLB world 5432":             lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-db")),
		"NLB office 5432":            lbRegion(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-office")),
		"NLB no group TCP 80 and 81": lbRegion(nlb(mt.InternetFacing, ls("TCP", 80, "TCP", 81))),
		"classic HTTP 80 and TCP 81": lbRegion(classic(mt.InternetFacing, ls("HTTP", 80, "TCP", 81), "sg-web")),
		"classic HTTP 80 and TCP 81 open": lbRegion(func(b *mt.Builder) {
			b.SecurityGroup("sg-80-81", "vpc-1", mt.Ingress("tcp", 80, 81, "0.0.0.0/0"))
			classic(mt.InternetFacing, ls("HTTP", 80, "TCP", 81), "sg-80-81")(b)
		}),
		"NLB UDP 53":                  lbRegion(nlb(mt.InternetFacing, ls("UDP", 53), "sg-udp")),
		"NLB nodes in the data":       lbRegion(both(nlb(mt.InternetFacing, ls("TCP", 5432), "sg-db"), nlbNodes("sg-db"))),
		"classic world SSH":           lbRegion(classic(mt.InternetFacing, ls("TCP", 22), "sg-ssh")),
		"ALB web only":                lbRegion(alb(mt.InternetFacing, ls("HTTP", 80, "HTTPS", 443), "sg-web")),
		"NLB TCP 443 with web group":  lbRegion(nlb(mt.InternetFacing, ls("TCP", 443, "TCP", 80), "sg-web")),
		"NLB internal TCP 5432 world": lbRegion(nlb(mt.Internal, ls("TCP", 5432), "sg-db")),
	}
	for name, build := range regions {
		t.Run(name, func(t *testing.T) {
			reg := build()
			res := check.Run(mt.Inventory(reg), []*check.Check{check.InternetExposed, check.ELBNonHTTPListenerWorldOpen})
			reported := map[string]bool{}
			for _, f := range res.Findings {
				if f.Rule == check.ELBNonHTTPListenerWorldOpen.ID {
					reported[f.Resources[0]] = true
					if f.Severity < check.Medium {
						t.Errorf("%s: %s at %s", f.Rule, f.Resources, f.Severity)
					}
				}
			}
			for _, f := range res.Findings {
				if f.Rule != check.InternetExposed.ID || f.Severity != check.Info {
					continue
				}
				lb := reg.Resource(model.KindLoadBalancer, f.Resources[0])
				if lb == nil {
					continue
				}
				for _, x := range reach.InternetExposures(reg) {
					if x.Resource != lb || x.Via != reach.ViaDirect {
						continue
					}
					for _, l := range lb.LoadBalancer.Listeners {
						web := l.Protocol == "HTTP" || l.Protocol == "HTTPS"
						if !web && x.Ports.Contains(uint16(l.Port)) && !reported[lb.ID] {
							t.Errorf("internet-exposed grades %s info, but its reachable %s:%d listener is reported by no check", lb.ID, l.Protocol, l.Port)
						}
					}
				}
			}
		})
	}
}
