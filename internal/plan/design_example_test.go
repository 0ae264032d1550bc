package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

const (
	exampleBefore = "../../examples/startup-all-public"
	exampleLogs   = "../flows/testdata/startup-all-public-flowlogs"
)

// loadExample loads the bundled "before" account.
func loadExample(t testing.TB) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load(exampleBefore)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// exampleEdges reads the example's generated flow logs as scan --flows
// does, into edges.
func exampleEdges(t testing.TB, inv *model.Inventory) []flows.Edge {
	t.Helper()
	sources, err := flowlog.Files(exampleLogs)
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		t.Fatal(err)
	}
	return flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
}

// groupByRole finds the new group of the role whose name is name.
func groupByName(t *testing.T, rp *RegionPlan, name string) *Group {
	t.Helper()
	for _, g := range rp.Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group named %q", name)
	return nil
}

// exampleChecks are the properties the plan of the bundled example has
// with and without flow logs.
func exampleChecks(t *testing.T, p *Plan) {
	t.Helper()
	if len(p.Regions) != 1 {
		t.Fatalf("%d region plans, want 1", len(p.Regions))
	}
	rp := p.Regions[0]
	alb, web := groupByName(t, rp, "oyatsu-web-alb"), groupByName(t, rp, "web")
	// §6: the web servers accept HTTP only from the load balancer's group.
	if len(web.Ingress) != 1 || web.Ingress[0].Group != alb.ID || web.Ingress[0].FromPort != 80 || web.Ingress[0].ToPort != 80 || web.Ingress[0].Protocol != "tcp" {
		t.Errorf("web ingress = %s; want only tcp/80 from %s", rulesString(web.Ingress), alb.ID)
	}
	// Aurora accepts 3306 from the roles that use it, the Client VPN, and
	// itself: its copy replicates from it until the cut-over (§8).
	aurora := groupByName(t, rp, "oyatsu-aurora")
	want := map[string]bool{}
	for _, n := range []string{"web", "batch", "oyatsu-api", "oyatsu-order-notifier", "client-vpn", "oyatsu-aurora"} {
		want[groupByName(t, rp, n).ID] = true
	}
	got := map[string]bool{}
	for _, r := range aurora.Ingress {
		if r.Group == "" || r.Protocol != "tcp" || r.FromPort != 3306 || r.ToPort != 3306 {
			t.Errorf("aurora ingress %s: want only tcp/3306 from groups", ruleString(r))
		}
		got[r.Group] = true
	}
	if fmt.Sprint(sortedKeys(got)) != fmt.Sprint(sortedKeys(want)) {
		t.Errorf("aurora accepts 3306 from %v, want %v", sortedKeys(got), sortedKeys(want))
	}
	for _, g := range rp.Groups {
		if g.Role != "" && !strings.HasPrefix(g.Role, "rds-") && !strings.HasPrefix(g.Role, "elasticache-") && len(g.Egress) == 0 && g.ID != alb.ID {
			t.Errorf("compute group %s has no egress", g.ID)
		}
		for _, r := range g.Ingress {
			// §5: the internet only on the load balancer's listeners.
			if r.CIDR == "0.0.0.0/0" || r.CIDR == "::/0" {
				if g.ID != alb.ID || (r.FromPort != 80 && r.FromPort != 443) || r.FromPort != r.ToPort {
					t.Errorf("%s: world-open ingress %s", g.ID, ruleString(r))
				}
			}
			// §8: Session Manager replaces SSH; no admin port at all.
			if r.Protocol == "-1" || (r.FromPort <= 22 && r.ToPort >= 22) || (r.FromPort <= 3389 && r.ToPort >= 3389) {
				t.Errorf("%s: admin or all-traffic ingress %s", g.ID, ruleString(r))
			}
			if r.Description == "" || r.Basis == "" {
				t.Errorf("%s: rule %s lacks a description or basis", g.ID, ruleString(r))
			}
		}
		for _, r := range g.Egress {
			if r.Description == "" || r.Basis == "" {
				t.Errorf("%s: egress %s lacks a description or basis", g.ID, ruleString(r))
			}
		}
		if g.Role != "" && (strings.HasPrefix(g.Role, "rds-") || strings.HasPrefix(g.Role, "elasticache-")) {
			// Data tiers start no connections: no egress but the
			// replication of a copy to its old cluster, in the group (§8).
			for _, r := range g.Egress {
				if r.Basis != BasisReplication || r.Group != g.ID {
					t.Errorf("data tier %s has egress %s", g.ID, ruleString(r))
				}
			}
		}
	}
	checkMovesLand(t, p)
}

// checkMovesLand: every moved resource lands, in each AZ it uses, in a
// subnet of its tier in that AZ; databases and caches in isolated
// subnets, the rest in private ones.
func checkMovesLand(t *testing.T, p *Plan) {
	t.Helper()
	inv := loadExample(t)
	reg := inv.Regions()[0]
	for _, rp := range p.Regions {
		subnets := map[string]*Subnet{}
		for _, v := range rp.VPCs {
			for _, s := range v.Subnets {
				subnets[s.ID] = s
			}
		}
		for _, m := range rp.Moves {
			res := reg.Resource(model.ResourceKind(m.Kind), m.Resource)
			if res == nil {
				t.Fatalf("move of unknown %s %s", m.Kind, m.Resource)
			}
			if m.Method == MoveStay {
				if res.Kind != model.KindLoadBalancer && res.Kind != model.KindNATGateway {
					t.Errorf("%s stays; everything but the load balancer moves in the example", m.Resource)
				}
				continue
			}
			want := TierPrivate
			if res.Kind == model.KindDBInstance || res.Kind == model.KindCacheCluster {
				want = TierIsolated
			}
			for _, e := range res.ENIs {
				ok := false
				for _, id := range m.ToSubnets {
					if s := subnets[id]; s != nil && s.AZ == e.AZ && s.Tier == want {
						ok = true
					}
				}
				if !ok {
					t.Errorf("%s (%s): no %s subnet in %s among %v", m.Resource, m.Method, want, e.AZ, m.ToSubnets)
				}
			}
			if len(m.NewGroups) != 1 || !IsPlaceholder(m.NewGroups[0]) {
				t.Errorf("%s: new groups %v, want its role's new group", m.Resource, m.NewGroups)
			}
		}
	}
}

func ruleString(r *Rule) string {
	peer := r.Group + r.CIDR + r.PrefixList
	return fmt.Sprintf("%s %d-%d %s", r.Protocol, r.FromPort, r.ToPort, peer)
}

func rulesString(rs []*Rule) string {
	var out []string
	for _, r := range rs {
		out = append(out, ruleString(r))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func TestExampleWithFlowLogs(t *testing.T) {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	p, err := Design(inv, edges, Options{ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	exampleChecks(t, p)
	if !p.Options.FlowLogs || p.Options.NAT != NATPerAZ {
		t.Errorf("options %+v: flow logs given, NAT per-az by default", p.Options)
	}
	rp := p.Regions[0]
	// The scanner's flows are not needed: the internet reaches only the
	// load balancer.
	for _, n := range rp.Needed {
		if n.Src.Kind == flows.KindInternet && n.Dst.ID != "oyatsu-web-alb" {
			t.Errorf("needed flow from the internet to %s", n.Dst.ID)
		}
		if n.Basis == BasisFlowLogs && n.Evidence == "" {
			t.Errorf("needed flow %+v without evidence", n)
		}
	}
	// Web calls the API on 8080 (seen only in the flow logs).
	api := groupByName(t, rp, "oyatsu-api")
	if rulesString(api.Ingress) != "[tcp 8080-8080 "+groupByName(t, rp, "web").ID+"]" {
		t.Errorf("api ingress %s", rulesString(api.Ingress))
	}
	// Compute egress is narrowed to HTTPS and the roles it calls.
	for _, r := range groupByName(t, rp, "web").Egress {
		if r.CIDR != "" && (r.Protocol != "tcp" || r.FromPort != 443) {
			t.Errorf("web egress %s: only HTTPS goes to addresses with flow logs", ruleString(r))
		}
	}
}

func TestExampleWithoutFlowLogs(t *testing.T) {
	p, err := Design(loadExample(t), nil, Options{ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	exampleChecks(t, p)
	rp := p.Regions[0]
	for _, n := range rp.Needed {
		if n.Basis != BasisInferred {
			t.Errorf("needed flow %s -> %s basis %s, want inferred", n.Src.ID, n.Dst.ID, n.Basis)
		}
	}
	web := groupByName(t, rp, "web")
	if web.Ingress[0].Basis != BasisInferred {
		t.Errorf("web ingress basis %q, want inferred", web.Ingress[0].Basis)
	}
	found := false
	for _, r := range web.Egress {
		found = found || (r.Protocol == "-1" && r.CIDR == "0.0.0.0/0" && r.Basis == BasisInferred)
	}
	if !found {
		t.Errorf("web egress %s: without flow logs compute keeps all outbound, inferred", rulesString(web.Egress))
	}
}

// Same input, same bytes.
func TestDesignIsDeterministic(t *testing.T) {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	var first []byte
	for i := range 3 {
		p, err := Design(loadExample(t), edges, Options{ClientVPN: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatal("two designs of the same input differ")
		}
	}
}
