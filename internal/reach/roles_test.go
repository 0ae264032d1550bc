package reach_test

import (
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// TestRoleReachabilityAgreesWithBetween checks the set computation against
// the one-packet engine on the bundled examples: a role reaches another on
// a port exactly when Between lets some pair of their interfaces connect
// on it (AWS-SEMANTICS.md §7). The examples route only inside their VPC,
// where the two treat routes alike.
func TestRoleReachabilityAgreesWithBetween(t *testing.T) {
	ports := []uint16{22, 80, 443, 3306, 5432, 6379, 8080, 11211}
	for _, ex := range []string{"startup-all-public", "startup-rebuilt"} {
		inv, err := snapshot.Load("../../examples/" + ex)
		if err != nil {
			t.Fatal(err)
		}
		reg := inv.Regions()[0]
		got := map[[2]string]reach.RolePorts{}
		for _, rp := range reach.RoleReachability(reg) {
			got[[2]string{rp.From.ID, rp.To.ID}] = rp
		}
		if len(got) == 0 {
			t.Fatalf("%s: no reach between roles", ex)
		}
		members := map[*model.Role][]*model.ENI{}
		for _, e := range reg.ENIs {
			if r := e.Owner.Resource; r != nil && r.Role != nil && e.Owner.Kind != model.OwnerNATGateway {
				members[r.Role] = append(members[r.Role], e)
			}
		}
		ask := reach.NewAsker()
		checked := 0
		for from, fs := range members {
			for to, ts := range members {
				if from == to || ts[0].Owner.Kind == model.OwnerLambda {
					continue
				}
				for _, p := range ports {
					want := false
					for _, a := range fs {
						for _, b := range ts {
							v, err := ask.Between(reach.Endpoint{ENI: a, Region: reg}, reach.Endpoint{ENI: b, Region: reg}, model.ProtocolTCP, p)
							if err != nil {
								t.Fatal(err)
							}
							want = want || v.Reachable
						}
					}
					rp, ok := got[[2]string{from.ID, to.ID}]
					has := ok && rp.Allowed.Contains(model.ProtocolTCP, p, netip.MustParseAddr("10.0.0.1"))
					if has != want {
						t.Errorf("%s: %s -> %s tcp/%d: RoleReachability says %v, Between %v", ex, from.ID, to.ID, p, has, want)
					}
					checked++
				}
			}
		}
		if checked < 100 {
			t.Errorf("%s: only %d questions compared", ex, checked)
		}
	}
}
