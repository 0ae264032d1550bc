package modeltest_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// TestPlacementBuilders: the load balancers, listeners and ECS tasks the
// placement builders add link as the snapshot loader's would.
func TestPlacementBuilders(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	nlb := b.NetworkLoadBalancer("nlb", modeltest.InternetFacing, []string{"subnet-a"})
	b.Listen(nlb, "TCP", 5432)
	b.Listen(nlb, "TCP", 443)
	elb := b.ClassicLoadBalancer("legacy", modeltest.Internal, []string{"subnet-a"}, "sg-1")
	b.Listen(elb, "HTTP", 80)
	b.ECSService("main", "api", []string{"subnet-a"}, "sg-1")
	task := b.ECSTask("main", "api", "t1", "subnet-a", "sg-1")
	modeltest.SetPublicIP(task.ENIs[0], "198.51.100.20")
	b.ECSTask("main", "", "t9", "subnet-a", "sg-1")
	r := b.Link()

	lb := r.Resource(model.KindLoadBalancer, "nlb").LoadBalancer
	if lb.Type != model.LBNetwork || !lb.ListenersKnown || len(lb.SecurityGroupIDs) != 0 ||
		len(lb.Listeners) != 2 || lb.Listeners[0].Port != 443 || lb.Listeners[1].Port != 5432 {
		t.Errorf("nlb = %+v, want a network load balancer without groups, listeners 443 then 5432", lb)
	}
	for _, call := range []model.Call{model.CallLoadBalancersV2, model.CallListeners, model.CallClassicLoadBalancers, model.CallECSClusters, model.CallECSTasks} {
		if !r.Coverage.Has(call) {
			t.Errorf("%s not marked collected", call)
		}
	}
	if c := r.Resource(model.KindLoadBalancer, "legacy").LoadBalancer; c.Type != model.LBClassic || c.Listeners[0].InstancePort != 80 {
		t.Errorf("legacy = %+v, want a classic load balancer forwarding 80 to 80", c)
	}
	svc := r.Resource(model.KindECSService, "arn:aws:ecs:ap-northeast-1:111122223333:service/main/api")
	if svc == nil || len(svc.ENIs) != 1 || svc.ENIs[0].ID != "eni-t1" || len(svc.PublicIPs()) != 1 {
		t.Fatalf("service api = %+v, want it to hold task t1's interface with its public address", svc)
	}
	if o := svc.ENIs[0].Owner; o.Resource != svc {
		t.Errorf("eni-t1 owner = %+v, want the service", o)
	}
	if r.Resource(model.KindECSTask, "arn:aws:ecs:ap-northeast-1:111122223333:task/main/t9") == nil {
		t.Error("task t9, outside any service, is not a resource of its own")
	}
}
