package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// designAndProve runs the planner's pipeline on the bundled example:
// Design, WriteTarget, the target read back by the snapshot loader, Prove.
func designAndProve(t *testing.T, edges []flows.Edge, opts Options) (*Plan, *model.Inventory) {
	t.Helper()
	inv := loadExample(t)
	p, err := Design(inv, edges, opts)
	if err != nil {
		t.Fatal(err)
	}
	var target *model.Inventory
	p.Proof, target = proveWritten(t, p, inv, edges)
	return p, target
}

// proveWritten writes p's target, reads it back with the snapshot loader
// and proves p on it.
func proveWritten(t *testing.T, p *Plan, inv *model.Inventory, edges []flows.Edge) (*Proof, *model.Inventory) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "target")
	if err := WriteTarget(p, inv, dir); err != nil {
		t.Fatal(err)
	}
	target, err := snapshot.Load(dir)
	if err != nil {
		t.Fatalf("the target does not load: %v", err)
	}
	return Prove(p, target, edges), target
}

// dropWebToDatabase takes out of p's new groups the rules that admit the
// web servers on 3306 (MySQL) and returns how many it took.
func dropWebToDatabase(p *Plan) int {
	removed := 0
	for _, rp := range p.Regions {
		for _, g := range rp.Groups {
			var keep []*Rule
			for _, r := range g.Ingress {
				if r.FromPort <= 3306 && 3306 <= r.ToPort && r.Group != "" && strings.Contains(r.Group, "web") && !strings.Contains(r.Group, "alb") {
					removed++
					continue
				}
				keep = append(keep, r)
			}
			g.Ingress = keep
		}
	}
	return removed
}

func proofReport(pr *Proof) string {
	var b strings.Builder
	for _, fc := range pr.Broken {
		b.WriteString("\n  broken: " + flowLabel(fc.Flow) + ": " + fc.Reason)
	}
	for _, x := range pr.Unexpected {
		b.WriteString("\n  unexpected: " + x.Resource + " " + x.Protocol + "/" + x.Ports + " from " + x.Sources)
	}
	for _, h := range pr.High {
		b.WriteString("\n  high: " + h)
	}
	return b.String()
}

// The "done when": on the bundled "before" example with its
// generated flow logs, the target scans with no finding at high or above,
// exposes only the load balancer and keeps every needed flow.
func TestPlanExampleWithFlowLogsIsProved(t *testing.T) {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	p, _ := designAndProve(t, edges, Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
	pr := p.Proof
	if !pr.Passed {
		t.Fatalf("the proof failed:%s", proofReport(pr))
	}
	if pr.Kept == 0 {
		t.Fatal("no needed flow was checked")
	}
	for _, x := range pr.Exposures {
		if x.Resource != "oyatsu-web-alb" && x.Via != "oyatsu-web-alb" {
			t.Errorf("the target exposes %s %s/%s", x.Resource, x.Protocol, x.Ports)
		}
	}
	// The scanner's SSH and the direct MySQL from the internet are dropped
	// on purpose, and said so.
	dropped := map[int32]bool{}
	for _, fc := range pr.Dropped {
		if fc.Flow.Src.Kind == flows.KindInternet {
			dropped[fc.Flow.Port] = true
		}
	}
	if !dropped[22] || !dropped[3306] {
		t.Errorf("dropped on purpose: %v; want the internet's SSH and MySQL", dropped)
	}
}

// Without flow logs, the needed flows come from the wiring, and the proof
// holds for them too.
func TestPlanExampleWithoutFlowLogsIsProved(t *testing.T) {
	p, _ := designAndProve(t, nil, Options{NAT: "single", ClientVPN: true})
	if !p.Proof.Passed {
		t.Fatalf("the proof failed:%s", proofReport(p.Proof))
	}
	if p.Proof.Kept == 0 {
		t.Fatal("no needed flow was checked")
	}
}

// The proof fails when a needed flow is removed by hand from the target:
// take the rule that admits the web servers' MySQL out of the database's
// new group, write the target, and prove again.
func TestProofFailsWhenANeededFlowIsRemoved(t *testing.T) {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	p, err := Design(inv, edges, Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	if dropWebToDatabase(p) == 0 {
		t.Fatal("found no rule admitting the web servers on 3306 to remove")
	}
	pr, _ := proveWritten(t, p, inv, edges)
	if pr.Passed {
		t.Fatal("the proof passed without the web servers' rule to the database")
	}
	found := false
	for _, fc := range pr.Broken {
		if fc.Flow.Port == 3306 && fc.Flow.Src.Kind == flows.KindResource && strings.HasPrefix(fc.Flow.Src.Name, "web") {
			found = true
			if !strings.Contains(fc.Reason, "security group") && !strings.Contains(fc.Reason, "sg-") {
				t.Errorf("broken flow's reason does not name the group: %s", fc.Reason)
			}
		}
	}
	if !found {
		t.Errorf("broken flows do not include web → database on 3306:%s", proofReport(pr))
	}
}

// The same, with the rule taken out of the written target's files, as a
// person editing target/ would: the proof reads the target, not the plan.
func TestProofFailsWhenARuleIsRemovedFromTheTargetFiles(t *testing.T) {
	inv := loadExample(t)
	edges := exampleEdges(t, inv)
	p, err := Design(inv, edges, Options{NAT: NATPerAZ, FlowLogs: true, ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "target")
	if err := WriteTarget(p, inv, dir); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "ap-northeast-1", "ec2-describe-security-groups.json")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SecurityGroups []map[string]any
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// Redis's new group: drop every ingress rule on 6379.
	removed := 0
	for _, g := range doc.SecurityGroups {
		if g["GroupId"] != "sg-new-oyatsu-redis" {
			continue
		}
		var keep []any
		for _, perm := range g["IpPermissions"].([]any) {
			if m := perm.(map[string]any); m["FromPort"] == float64(6379) {
				removed++
				continue
			}
			keep = append(keep, perm)
		}
		g["IpPermissions"] = keep
	}
	if removed == 0 {
		t.Fatal("no 6379 rule in sg-new-oyatsu-redis to remove")
	}
	raw, _ = json.MarshalIndent(doc, "", "    ")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	target, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pr := Prove(p, target, edges)
	if pr.Passed {
		t.Fatal("the proof passed with Redis's rules removed from the target")
	}
	broken := 0
	for _, fc := range pr.Broken {
		if fc.Flow.Port != 6379 {
			t.Errorf("broken flow on another port: %s: %s", flowLabel(fc.Flow), fc.Reason)
		}
		broken++
	}
	if broken == 0 {
		t.Error("no broken flow to Redis")
	}
}
