package plan

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

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

// An exposure on a listener's port counts as the listener's only on the
// listener's protocol: UDP/443 on an HTTPS listener's port is unexpected
// (AWS-SEMANTICS.md §6: the internet reaches a load balancer on its
// listeners, each of one protocol).
func TestSection6ListenerExposureNeedsTheListenersProtocol(t *testing.T) {
	b := twoAZ()
	lb := b.LoadBalancer("lb", modeltest.InternetFacing, []string{"subnet-pub-a", "subnet-pub-c"}, "sg-old")
	b.Listen(lb, "HTTPS", 443)
	b.Link()
	for _, tc := range []struct {
		proto model.Protocol
		want  bool
	}{{model.ProtocolTCP, true}, {model.ProtocolUDP, false}} {
		x := reach.Exposure{Resource: lb, Protocol: tc.proto, Ports: model.PortRange{From: 443, To: 443}, WholeInternet: true}
		if got := listenerExposure(x); got != tc.want {
			t.Errorf("%s/443 on an HTTPS:443 listener: listener exposure %v, want %v", tc.proto, got, tc.want)
		}
	}
}
