package plan

import (
	"strings"
	"testing"
)

func summaryOf(t *testing.T, p *Plan) string {
	t.Helper()
	var b strings.Builder
	if err := WriteSummary(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// section is the lines of out from the one starting with start up to the
// next empty line.
func section(out, start string) []string {
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, start):
			in = true
		case in && l == "":
			return lines
		}
		if in {
			lines = append(lines, l)
		}
	}
	return lines
}

// With two regions, each region's cost items come under one heading
// naming its account and region (not repeated on every line), and every
// amount ends in the same column.
func TestSummaryCostGroupedAndAligned(t *testing.T) {
	p := &Plan{
		Options: Options{NAT: NATPerAZ},
		Regions: []*RegionPlan{{Account: "111122223333", Region: "ap-northeast-1"}, {Account: "111122223333", Region: "us-east-1"}},
		Cost: Cost{Currency: "USD", Monthly: 111.82, PricesDate: "2026-01-01", PricesFrom: "embedded",
			Items: []CostItem{
				{What: "111122223333 ap-northeast-1: NAT gateway hours (2 new)", Monthly: 90.52},
				{What: "111122223333 ap-northeast-1: public IPv4 addresses the moves remove (6)", Monthly: -21.9},
				{What: "111122223333 us-east-1: interface endpoint AZ-hours", Monthly: 43.2},
			},
			Comparisons: []string{"111122223333 us-east-1: per-az NAT (2 gateways) costs 32.85 USD a month more than single (1)"},
		},
	}
	lines := section(summaryOf(t, p), "Cost")
	want := []string{
		"Cost  about USD 111.82 a month (prices of 2026-01-01, embedded)",
		"  111122223333 ap-northeast-1",
		"     90.52  NAT gateway hours (2 new)",
		"    -21.90  public IPv4 addresses the moves remove (6)",
		"  111122223333 us-east-1",
		"     43.20  interface endpoint AZ-hours",
		"            per-az NAT (2 gateways) costs 32.85 USD a month more than single (1)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("cost lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// With one region the account and region are already the summary's
// heading: the cost lines drop them.
func TestSummaryCostOneRegion(t *testing.T) {
	p := &Plan{
		Regions: []*RegionPlan{{Account: "111122223333", Region: "ap-northeast-1"}},
		Cost: Cost{Currency: "USD", Monthly: 90.52, Items: []CostItem{
			{What: "111122223333 ap-northeast-1: NAT gateway hours (2 new)", Monthly: 90.52},
			{What: "111122223333 ap-northeast-1: Elastic IPs of the new NAT gateways (2 public IPv4 addresses)", Monthly: 7.3},
		}},
	}
	lines := section(summaryOf(t, p), "Cost")
	want := []string{"Cost  about USD 90.52 a month", "  90.52  NAT gateway hours (2 new)", "   7.30  Elastic IPs of the new NAT gateways (2 public IPv4 addresses)"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("cost lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// The internet's reach is summarised per load balancer: its listener
// ports, then how many targets it reaches through it and on which ports,
// not every target; a lone target is named; a direct exposure stands on
// its own.
func TestSummaryExposures(t *testing.T) {
	var xs []Exposure
	for _, id := range []string{"i-3", "i-1", "i-2"} {
		xs = append(xs, Exposure{Resource: id, Protocol: "tcp", Ports: "8080", Via: "web-alb"})
	}
	xs = append(xs,
		Exposure{Resource: "web-alb", Protocol: "tcp", Ports: "443"},
		Exposure{Resource: "web-alb", Protocol: "tcp", Ports: "80"},
		Exposure{Resource: "i-9", Protocol: "tcp", Ports: "80", Via: "api-alb"},
		Exposure{Resource: "api-alb", Protocol: "tcp", Ports: "443"},
		Exposure{Resource: "i-4", Protocol: "tcp", Ports: "8443", Via: "nlb"},
		Exposure{Resource: "i-5", Protocol: "tcp", Ports: "8443", Via: "nlb"},
		Exposure{Resource: "i-bastion", Protocol: "tcp", Ports: "22"},
	)
	got := exposureSummary(xs)
	want := "api-alb on tcp/443, and its target i-9 on tcp/80 through it; " +
		"i-bastion on tcp/22; " +
		"2 targets of nlb on tcp/8443 through it; " +
		"web-alb on tcp/80, tcp/443, and its 3 targets on tcp/8080 through it"
	if got != want {
		t.Errorf("exposureSummary:\n got %s\nwant %s", got, want)
	}
	if got := exposureSummary(nil); got != "nothing" {
		t.Errorf("no exposure: %q, want nothing", got)
	}
}
