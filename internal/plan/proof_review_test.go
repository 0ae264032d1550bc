package plan

import "testing"

// The example's load balancer has an interface in each of its two
// subnets; the proof lists each exposure once, not once per interface.
func TestProofListsEachExposureOnce(t *testing.T) {
	p, _ := designAndProve(t, nil, Options{NAT: NATSingle, ClientVPN: true})
	seen := map[Exposure]bool{}
	lbPorts := 0
	for _, x := range p.Proof.Exposures {
		if seen[x] {
			t.Errorf("exposure listed twice: %+v", x)
		}
		seen[x] = true
		if x.Resource == "oyatsu-web-alb" && x.Via == "" {
			lbPorts++
		}
	}
	if lbPorts != 2 {
		t.Errorf("the load balancer is exposed on %d ports, want its 2 listeners (tcp/80, tcp/443)", lbPorts)
	}
}
