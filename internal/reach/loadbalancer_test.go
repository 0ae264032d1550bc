package reach_test

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// lbNet: the fixture's public subnet with an internet-facing load balancer
// "web" (sg-lb: tcp/443 from the world) whose listener 443 forwards to a
// target group holding instance i-1 on port 80; i-1 has no public address
// and carries sg-app.
type lbNet struct {
	b     *mt.Builder
	lb    *model.Resource
	tg    *model.TargetGroup
	app   *model.SecurityGroup
	lbENI *model.ENI
}

func lbFixture(change func(n *lbNet)) *model.Region {
	return fixture(func(f *net) {
		b := f.b
		n := &lbNet{b: b}
		b.SecurityGroup("sg-lb", "vpc-1", mt.Ingress("tcp", 443, 443, "0.0.0.0/0"))
		n.app = b.SecurityGroup("sg-app", "vpc-1", mt.IngressFromGroup("tcp", 80, 80, "sg-lb"))
		inst := b.Instance("i-1", "subnet-1", "sg-app")
		_ = inst
		n.lb = b.LoadBalancer("web", "internet-facing", []string{"subnet-1"}, "sg-lb")
		n.tg = b.TargetGroup("web-tg", "i-1")
		n.tg.LoadBalancerARNs = []string{n.lb.ARN}
		n.lb.LoadBalancer.ListenersKnown = true
		n.lb.LoadBalancer.Listeners = []model.Listener{{Protocol: "HTTPS", Port: 443, TargetGroupARNs: []string{n.tg.ARN}}}
		n.lbENI = b.ENI("eni-lb", "subnet-1", "sg-lb")
		n.lbENI.Description = "ELB app/web/0123456789abcdef"
		n.lbENI.RequesterID = "amazon-elb"
		mt.SetPublicIP(n.lbENI, "54.250.0.20")
		if change != nil {
			change(n)
		}
	})
}

// TestLoadBalancerExposure is the truth table of AWS-SEMANTICS.md §6.
func TestLoadBalancerExposure(t *testing.T) {
	tests := []struct {
		name     string
		change   func(n *lbNet)
		eni      string
		via      reach.Via
		port     uint16
		want     bool
		wantNote string
	}{
		{"§6 the load balancer is exposed on its listener", nil, "eni-lb", reach.ViaDirect, 443, true, ""},
		{"§6 ... and only there, whatever its group opens", func(n *lbNet) {
			n.b.Region().SecurityGroups[len(n.b.Region().SecurityGroups)-2].Ingress = append(n.b.Region().SecurityGroups[len(n.b.Region().SecurityGroups)-2].Ingress, mt.Ingress("tcp", 8443, 8443, "0.0.0.0/0"))
		}, "eni-lb", reach.ViaDirect, 8443, false, ""},
		{"§6 the target is exposed via the load balancer on its target port", nil, "eni-i-1", reach.ViaLoadBalancer, 80, true, ""},
		{"§6 a target whose group does not admit the load balancer is not", func(n *lbNet) {
			n.app.Ingress = nil
		}, "eni-i-1", reach.ViaLoadBalancer, 80, false, ""},
		{"§6 a target admitting the load balancer's subnet by CIDR", func(n *lbNet) {
			n.app.Ingress = []model.Rule{mt.Ingress("tcp", 80, 80, "10.0.1.0/24")}
		}, "eni-i-1", reach.ViaLoadBalancer, 80, true, ""},
		{"§6 an internal load balancer exposes nothing", func(n *lbNet) {
			n.lb.LoadBalancer.Scheme = "internal"
		}, "eni-i-1", reach.ViaLoadBalancer, 80, false, ""},
		{"§6 NLB with client IP preservation: the target must admit the internet itself", func(n *lbNet) {
			n.lb.LoadBalancer.Type = model.LBNetwork
			n.lb.LoadBalancer.Listeners[0].Protocol = "TCP"
		}, "eni-i-1", reach.ViaLoadBalancer, 80, false, ""},
		{"§6 NLB with client IP preservation and a world-open target rule", func(n *lbNet) {
			n.lb.LoadBalancer.Type = model.LBNetwork
			n.lb.LoadBalancer.Listeners[0].Protocol = "TCP"
			n.app.Ingress = []model.Rule{mt.Ingress("tcp", 80, 80, "0.0.0.0/0")}
		}, "eni-i-1", reach.ViaLoadBalancer, 80, true, "client IP preservation"},
		{"§6 NLB with preservation turned off behaves like an ALB", func(n *lbNet) {
			n.lb.LoadBalancer.Type = model.LBNetwork
			n.lb.LoadBalancer.Listeners[0].Protocol = "TCP"
			n.tg.Attributes = map[string]string{"preserve_client_ip.enabled": "false"}
		}, "eni-i-1", reach.ViaLoadBalancer, 80, true, ""},
		{"§6 NLB without security groups: only ACLs filter", func(n *lbNet) {
			n.lb.LoadBalancer.Type = model.LBNetwork
			n.lb.LoadBalancer.SecurityGroupIDs = nil
			n.lbENI.SecurityGroupIDs = nil
			n.lb.LoadBalancer.Listeners[0].Protocol = "TCP"
		}, "eni-lb", reach.ViaDirect, 443, true, "only network ACLs filter"},
		{"listeners not collected: every port assumed, said", func(n *lbNet) {
			n.lb.LoadBalancer.ListenersKnown = false
			n.lb.LoadBalancer.Listeners = nil
			n.b.Region().SecurityGroups[len(n.b.Region().SecurityGroups)-2].Ingress = append(n.b.Region().SecurityGroups[len(n.b.Region().SecurityGroups)-2].Ingress, mt.Ingress("tcp", 8443, 8443, "0.0.0.0/0"))
		}, "eni-lb", reach.ViaDirect, 8443, true, "listeners of web were not collected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := reach.InternetExposures(lbFixture(tt.change))
			x, got := reaches(xs, tt.eni, tt.via, model.ProtocolTCP, tt.port, "198.51.100.7")
			if got != tt.want {
				t.Fatalf("%s via %s tcp/%d: %v, want %v%s", tt.eni, tt.via, tt.port, got, tt.want, dump(xs))
			}
			if tt.wantNote != "" && !strings.Contains(strings.Join(x.Notes, "\n"), tt.wantNote) {
				t.Errorf("notes %q lack %q", x.Notes, tt.wantNote)
			}
			if got && tt.via == reach.ViaLoadBalancer && (x.LoadBalancer == nil || x.LoadBalancer.ID != "web") {
				t.Errorf("load balancer = %v", x.LoadBalancer)
			}
		})
	}
}

// TestLoadBalancerWithoutInterfaces: a snapshot lacking the load
// balancer's ENIs still yields its exposure, with the resource set and no
// ENI.
func TestLoadBalancerWithoutInterfaces(t *testing.T) {
	reg := lbFixture(func(n *lbNet) {
		r := n.b.Region()
		r.ENIs = r.ENIs[:len(r.ENIs)-1]
	})
	var found bool
	for _, x := range reach.InternetExposures(reg) {
		if x.Via == reach.ViaDirect && x.ENI == nil && x.Resource != nil && x.Resource.ID == "web" && x.Ports.Contains(443) {
			found = true
			if !strings.Contains(strings.Join(x.Notes, " "), "network interfaces are not in the data") {
				t.Errorf("notes = %v", x.Notes)
			}
		}
	}
	if !found {
		t.Fatal("no exposure for the load balancer without interfaces")
	}
}

// Between agrees with the exposures for a network load balancer without
// security groups (§6: only network ACLs filter its nodes): the internet
// reaches its listener, and its nodes reach the targets, although its
// interfaces carry no group. Before, Between answered "no ingress rule of
// []" for both: a missed exposure.
func TestBetweenGrouplessNLB(t *testing.T) {
	reg := lbFixture(func(n *lbNet) {
		n.lb.LoadBalancer.Type = model.LBNetwork
		n.lb.LoadBalancer.SecurityGroupIDs = nil
		n.lbENI.SecurityGroupIDs = nil
		n.lb.LoadBalancer.Listeners[0].Protocol = "TCP"
		n.tg.Attributes = map[string]string{"preserve_client_ip.enabled": "false"}
		n.app.Ingress = []model.Rule{mt.Ingress("tcp", 80, 80, "10.0.1.0/24")}
	})
	lbENI, app := reg.ENI("eni-lb"), reg.ENI("eni-i-1")
	v, err := reach.Between(reach.Endpoint{Internet: true}, reach.Endpoint{ENI: lbENI, Region: reg}, model.ProtocolTCP, 443)
	if err != nil || !v.Reachable {
		t.Errorf("internet → groupless NLB on its listener: %+v, %v; want reachable", v, err)
	}
	v, err = reach.Between(reach.Endpoint{ENI: lbENI, Region: reg}, reach.Endpoint{ENI: app, Region: reg}, model.ProtocolTCP, 80)
	if err != nil || !v.Reachable {
		t.Fatalf("groupless NLB → target: %+v (blocked by %+v), %v; want reachable", v, v.BlockedBy, err)
	}
	if !strings.Contains(v.Path[0].Detail, "only network ACLs filter") {
		t.Errorf("first hop %+v does not say the load balancer has no groups", v.Path[0])
	}
	v, _ = reach.Between(reach.Endpoint{ENI: app, Region: reg}, reach.Endpoint{ENI: lbENI, Region: reg}, model.ProtocolTCP, 9999)
	if !v.Reachable {
		t.Errorf("target → groupless NLB: blocked by %+v; want reachable (nothing filters it but ACLs)", v.BlockedBy)
	}
}
