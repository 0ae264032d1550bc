package modeltest

import (
	"slices"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// NetworkLoadBalancer adds a network load balancer with scheme
// (InternetFacing or Internal) in subnetIDs carrying groups (none is
// allowed: an NLB may have no security group, AWS-SEMANTICS.md §6). Its ARN
// ends in "net/NAME/0123456789abcdef"; it has no listeners until Listen.
func (b *Builder) NetworkLoadBalancer(name, scheme string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallLoadBalancersV2)
	arn := b.arn("elasticloadbalancing", "loadbalancer/net/"+name+"/0123456789abcdef")
	lb := &model.LoadBalancer{
		Name: name, ARN: arn, Type: model.LBNetwork, Scheme: scheme, IPAddressType: "ipv4",
		DNSName: name + ".elb.amazonaws.com", VPCID: b.vpcOf(subnetIDs), SubnetIDs: subnetIDs, SecurityGroupIDs: groups,
	}
	return b.add(&model.Resource{Kind: model.KindLoadBalancer, ID: name, Name: name, ARN: arn, SubnetIDs: subnetIDs, SecurityGroupIDs: groups, LoadBalancer: lb})
}

// ClassicLoadBalancer adds a Classic Load Balancer with scheme in subnetIDs
// carrying groups. elb-describe-load-balancers describes its listeners
// with it, so they are known (and none) until Listen adds some.
func (b *Builder) ClassicLoadBalancer(name, scheme string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallClassicLoadBalancers)
	lb := &model.LoadBalancer{
		Name: name, Type: model.LBClassic, Scheme: scheme, DNSName: name + ".elb.amazonaws.com",
		VPCID: b.vpcOf(subnetIDs), SubnetIDs: subnetIDs, SecurityGroupIDs: groups, ListenersKnown: true,
	}
	return b.add(&model.Resource{Kind: model.KindLoadBalancer, ID: name, Name: name, SubnetIDs: subnetIDs, SecurityGroupIDs: groups, LoadBalancer: lb})
}

// Listen adds a listener on port with protocol (as AWS spells it: HTTP,
// HTTPS, TCP, TLS, UDP, TCP_UDP; SSL for a classic load balancer) to lb, a
// resource made by LoadBalancer, NetworkLoadBalancer or
// ClassicLoadBalancer, and marks its listeners known. Its default action
// forwards (a classic listener, to the same port on the instances); set
// Redirect on the result for a redirect. Listeners are kept in port order;
// the result is valid until the next Listen on lb.
func (b *Builder) Listen(lb *model.Resource, protocol string, port int) *model.Listener {
	info := lb.LoadBalancer
	l := model.Listener{Protocol: protocol, Port: port}
	if info.Type == model.LBClassic {
		l.InstanceProtocol, l.InstancePort = protocol, port
	} else {
		b.mark(model.CallListeners)
		l.ARN = info.ARN + "/listener"
	}
	info.ListenersKnown = true
	// Kept in port order, as the snapshot loader keeps them.
	i := sort.Search(len(info.Listeners), func(i int) bool { return info.Listeners[i].Port > port })
	info.Listeners = slices.Insert(info.Listeners, i, l)
	return &info.Listeners[i]
}

// ECSTask adds a running Fargate task of service (a service name; "" for a
// task outside any service) in cluster (a cluster name), with its
// interface eni-ID in subnetID as ecs-describe-tasks describes it. Link
// folds a service's tasks into the service's resource: add the service
// with ECSService. Set a public address on the result's ENIs[0] with
// SetPublicIP, as the ENI list would show it.
func (b *Builder) ECSTask(cluster, service, id, subnetID string, groups ...string) *model.Resource {
	b.mark(model.CallECSClusters, model.CallECSTasksList, model.CallECSTasks)
	arn := b.arn("ecs", "task/"+cluster+"/"+id)
	e := b.eni("eni-"+id, subnetID, groups, model.CallECSTasks)
	name := id
	if service != "" {
		name = "service:" + service + "/" + id
	}
	return b.add(&model.Resource{
		Kind: model.KindECSTask, ID: arn, Name: name, ARN: arn, SubnetIDs: []string{subnetID}, SecurityGroupIDs: groups,
		ENIs: []*model.ENI{e},
		ECS:  &model.ECSInfo{Cluster: b.arn("ecs", "cluster/"+cluster), Service: service, LaunchType: "FARGATE"},
	})
}
