package plan

import (
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// groupOfMember is the new group that has the member id.
func groupOfMember(t *testing.T, rp *RegionPlan, id string) *Group {
	t.Helper()
	for _, g := range rp.Groups {
		if slices.Contains(g.Members, id) {
			return g
		}
	}
	t.Fatalf("no new group has %s", id)
	return nil
}

// hasRule reports whether rules has one on (proto, port) with peer as its
// group or CIDR, and returns its basis.
func hasRule(rules []*Rule, proto string, port int, peer string) (string, bool) {
	for _, r := range rules {
		if r.Protocol == proto && r.FromPort == port && r.ToPort == port && (r.Group == peer || r.CIDR == peer) {
			return r.Basis, true
		}
	}
	return "", false
}

// AWS-SEMANTICS.md §8: Aurora moves by a copy-on-write clone in the new
// group only, kept in sync by replication until the cut-over; the copy
// opens the replication connection to the old cluster, which carries the
// new group beside its old ones. The data tier's group has no egress
// otherwise, so without a rule to itself the replication cannot start.
// An RDS read replica replicates inside AWS and needs no such rule.
func TestSection8AuroraCloneReplicatesThroughItsNewGroup(t *testing.T) {
	b := twoAZ()
	b.DBInstance("aurora-1", "cl-1", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.DBInstance("pg-1", "", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	_, rp := design(t, b.Link(), nil, Options{NAT: NATPerAZ})
	if m := moveOf(t, rp, "aurora-1"); m.Method != MoveAuroraClone {
		t.Fatalf("aurora-1 moves by %s, want %s", m.Method, MoveAuroraClone)
	}
	aurora := groupOfMember(t, rp, "aurora-1")
	if basis, ok := hasRule(aurora.Egress, "tcp", 5432, aurora.ID); !ok || basis != BasisReplication {
		t.Errorf("aurora egress %s: want tcp/5432 to itself, basis %s (got %q)", rulesString(aurora.Egress), BasisReplication, basis)
	}
	if basis, ok := hasRule(aurora.Ingress, "tcp", 5432, aurora.ID); !ok || basis != BasisReplication {
		t.Errorf("aurora ingress %s: want tcp/5432 from itself, basis %s (got %q)", rulesString(aurora.Ingress), BasisReplication, basis)
	}
	if m := moveOf(t, rp, "pg-1"); m.Method != MoveRDSReplica {
		t.Fatalf("pg-1 moves by %s, want %s", m.Method, MoveRDSReplica)
	}
	pg := groupOfMember(t, rp, "pg-1")
	if len(pg.Egress) != 0 {
		t.Errorf("pg-1's group has egress %s: a read replica needs none", rulesString(pg.Egress))
	}
	if _, ok := hasRule(pg.Ingress, "tcp", 5432, pg.ID); ok {
		t.Errorf("pg-1's group admits itself %s: a read replica needs no such rule", rulesString(pg.Ingress))
	}
}

// Accepted connections from private addresses that no interface of the
// snapshot holds (a peered VPC of another account, a network over VPN or
// Direct Connect) are needed too: the group keeps each such address,
// as a /32, on the port it used; a rejected one and the internet's
// scanners open nothing.
func TestCallersOutsideTheSnapshotKeepTheirAccess(t *testing.T) {
	b := twoAZ()
	b.Instance("i-app", "subnet-pub-a", "sg-old")
	b.DBInstance("pg-1", "", []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	onPrem := flows.Endpoint{Kind: flows.KindUnknown, ID: "172.16.5.9"}
	edges := []flows.Edge{
		{Src: onPrem, Dst: resEP("i-app", model.KindInstance), Protocol: "tcp", Port: 8080, Action: "ACCEPT", Connections: 4},
		{Src: onPrem, Dst: resEP("pg-1", model.KindDBInstance), Protocol: "tcp", Port: 5432, Action: "ACCEPT", Connections: 2},
		{Src: flows.Endpoint{Kind: flows.KindUnknown, ID: "172.16.5.10"}, Dst: resEP("i-app", model.KindInstance), Protocol: "tcp", Port: 9090, Action: "REJECT", Connections: 1},
		{Src: flows.Endpoint{Kind: flows.KindInternet, ID: "198.51.100.77"}, Dst: resEP("i-app", model.KindInstance), Protocol: "tcp", Port: 22, Action: "ACCEPT", Connections: 1},
	}
	_, rp := design(t, b.Link(), edges, Options{FlowLogs: true, NAT: NATPerAZ})
	app := groupOfMember(t, rp, "i-app")
	if basis, ok := hasRule(app.Ingress, "tcp", 8080, "172.16.5.9/32"); !ok || basis != BasisFlowLogs {
		t.Errorf("app ingress %s: want tcp/8080 from 172.16.5.9/32, basis flow-logs", rulesString(app.Ingress))
	}
	if len(app.Ingress) != 1 {
		t.Errorf("app ingress %s: want only the outside caller's accepted port (no rejected port, no SSH)", rulesString(app.Ingress))
	}
	db := groupOfMember(t, rp, "pg-1")
	if _, ok := hasRule(db.Ingress, "tcp", 5432, "172.16.5.9/32"); !ok {
		t.Errorf("database ingress %s: want tcp/5432 from 172.16.5.9/32", rulesString(db.Ingress))
	}
	for _, g := range rp.Groups {
		for _, r := range g.Ingress {
			if r.CIDR == "0.0.0.0/0" {
				t.Errorf("%s admits the whole internet on %s", g.Name, ruleString(r))
			}
		}
	}
}
