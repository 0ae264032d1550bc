package snapshot

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// byteSource draws choices from fuzz bytes; when they run out every choice
// is the first.
type byteSource struct {
	data []byte
	i    int
}

func (s *byteSource) n(max int) int {
	if s.i >= len(s.data) || max <= 0 {
		return 0
	}
	b := s.data[s.i]
	s.i++
	return int(b) % max
}

func (s *byteSource) pick(xs ...string) string { return xs[s.n(len(xs))] }
func (s *byteSource) yes() bool                { return s.n(2) == 1 }

// some picks up to max of xs, perhaps repeating one.
func (s *byteSource) some(max int, xs ...string) []string {
	var out []string
	for k := s.n(max + 1); k > 0; k-- {
		out = append(out, s.pick(xs...))
	}
	return out
}

var (
	fzVPCs    = []string{"vpc-a", "vpc-b"}
	fzSubnets = []string{"subnet-a", "subnet-b", "subnet-c", ""}
	fzGroups  = []string{"sg-a", "sg-b", "sg-c"}
	fzENIs    = []string{"eni-a", "eni-b", "eni-c", "eni-d", ""}
	fzIDs     = []string{"r-a", "r-b", "nat-a", "vpce-a", "lb-a", ""}
	fzAZs     = []string{"az-1", "az-2", ""}
	fzDescs   = []string{"", "RDSNetworkInterface", "ELB app/lb-a/0123abcd", "ELB net/lb-b/0123abcd", "ELB lb-a", "ElastiCache r-a",
		"AWS Lambda VPC ENI-r-a-01234567-89ab-cdef-0123-456789abcdef", "AWS Lambda VPC ENI", "Interface for NAT Gateway nat-a",
		"VPC Endpoint Interface vpce-a", "arn:aws:ecs:us-east-1:123456789012:attachment/x"}
	fzTypes   = []string{"", "interface", "lambda", "nat_gateway", "vpc_endpoint", "network_load_balancer", "gateway_load_balancer"}
	fzKinds   = []model.ResourceKind{model.KindInstance, model.KindLoadBalancer, model.KindDBInstance, model.KindCacheCluster, model.KindLambda, model.KindECSService, model.KindECSTask, model.KindNATGateway, model.KindVPCEndpoint}
	fzTargets = []string{"igw-a", "igw-b", "local", "nat-a", "vpce-a", "pcx-a", "eni-a"}
)

// genRegion builds a region the way a source fills one before Link: every
// field a source sets, with IDs drawn from small pools so that they
// collide, and kind-specific details set for each resource as the snapshot
// loader sets them.
func genRegion(s *byteSource) *model.Region {
	r := &model.Region{Account: "123456789012", Name: "us-east-1"}
	for _, ci := range model.Calls {
		if s.yes() {
			r.Coverage.MarkCollected(ci.Call)
		}
	}
	for k := s.n(3); k > 0; k-- {
		r.VPCs = append(r.VPCs, &model.VPC{ID: s.pick(fzVPCs...), CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}})
	}
	for k := s.n(4); k > 0; k-- {
		r.Subnets = append(r.Subnets, &model.Subnet{ID: s.pick(fzSubnets...), VPCID: s.pick(fzVPCs...), AZ: s.pick(fzAZs...), CIDR: netip.MustParsePrefix("10.0.1.0/24")})
	}
	for k := s.n(3); k > 0; k-- {
		rt := &model.RouteTable{ID: s.pick("rtb-a", "rtb-b"), VPCID: s.pick(fzVPCs...), Main: s.yes(), SubnetIDs: s.some(2, fzSubnets...)}
		for j := s.n(3); j > 0; j-- {
			target := s.pick(fzTargets...)
			kind := model.TargetUnknown
			switch target[:3] {
			case "igw":
				kind = model.TargetInternetGateway
			case "loc":
				kind = model.TargetLocal
			case "nat":
				kind = model.TargetNATGateway
			}
			rt.Routes = append(rt.Routes, model.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: kind, TargetID: target, Blackhole: s.yes()})
		}
		r.RouteTables = append(r.RouteTables, rt)
	}
	for k := s.n(3); k > 0; k-- {
		r.InternetGateways = append(r.InternetGateways, &model.InternetGateway{ID: s.pick("igw-a", "igw-b"), Attached: s.some(2, fzVPCs...)})
	}
	for k := s.n(3); k > 0; k-- {
		r.NetworkACLs = append(r.NetworkACLs, &model.NetworkACL{ID: s.pick("acl-a", "acl-b"), VPCID: s.pick(fzVPCs...), SubnetIDs: s.some(2, fzSubnets...)})
	}
	for k := s.n(4); k > 0; k-- {
		r.SecurityGroups = append(r.SecurityGroups, &model.SecurityGroup{ID: s.pick(fzGroups...), VPCID: s.pick(fzVPCs...)})
	}
	eni := func(origin string) *model.ENI {
		e := &model.ENI{
			ID: s.pick(fzENIs...), VPCID: s.pick(fzVPCs...), SubnetID: s.pick(fzSubnets...), AZ: s.pick(fzAZs...),
			InterfaceType: s.pick(fzTypes...), Description: s.pick(fzDescs...), RequesterID: s.pick("", "amazon-rds", "amazon-elb"),
			RequesterManaged: s.yes(), Status: s.pick("in-use", "available"), InstanceID: s.pick("", "r-a", "r-b"),
			SecurityGroupIDs: s.some(2, fzGroups...), Origin: origin,
		}
		if s.yes() {
			e.Addresses = []model.AddressPair{{Private: netip.MustParseAddr("10.0.1.5"), Public: netip.MustParseAddr("198.51.100.5")}}
		}
		return e
	}
	for k := s.n(6); k > 0; k-- {
		r.ENIs = append(r.ENIs, eni(string(model.CallNetworkInterfaces)))
	}
	for k := s.n(3); k > 0; k-- {
		tg := &model.TargetGroup{ARN: s.pick("arn:tg-a", "arn:tg-b"), Name: s.pick("tg-a", "tg-b"), TargetType: s.pick("", "instance", "ip"), TargetsKnown: true}
		for j := s.n(3); j > 0; j-- {
			tg.Targets = append(tg.Targets, model.Target{ID: s.pick(fzIDs...)})
		}
		r.TargetGroups = append(r.TargetGroups, tg)
	}
	for k := s.n(3); k > 0; k-- {
		r.ECSServices = append(r.ECSServices, &model.ECSService{Cluster: s.pick("arn:c", ""), Name: s.pick("api", "web", ""), ARN: s.pick("arn:svc-a", ""),
			SubnetIDs: s.some(2, fzSubnets...), SecurityGroupIDs: s.some(2, fzGroups...)})
	}
	for k := s.n(8); k > 0; k-- {
		kind := fzKinds[s.n(len(fzKinds))]
		res := &model.Resource{Kind: kind, ID: s.pick(fzIDs...), Name: s.pick("", "web-01", "web-02", "bastion"), VPCID: s.pick(fzVPCs...),
			SubnetIDs: s.some(2, fzSubnets...), SecurityGroupIDs: s.some(2, fzGroups...)}
		if s.yes() {
			res.Tags = model.Tags{"Name": s.pick("web-1", "web-2", "jump"), "Role": s.pick("", "api")}
		}
		switch kind {
		case model.KindInstance:
			res.Instance = &model.InstanceInfo{State: "running", AutoScalingGroup: s.pick("", "asg")}
		case model.KindLoadBalancer:
			typ := model.LoadBalancerType(s.pick("application", "network", "classic"))
			res.ARN = s.pick("", "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb-a/0123abcd")
			res.LoadBalancer = &model.LoadBalancer{Name: res.ID, ARN: res.ARN, Type: typ, Scheme: s.pick("internal", "internet-facing"), InstanceIDs: s.some(2, fzIDs...)}
		case model.KindDBInstance:
			res.DB = &model.DBInstanceInfo{AZ: s.pick(fzAZs...), PubliclyAccessible: s.yes(), ClusterID: s.pick("", "c-a")}
		case model.KindCacheCluster:
			res.Cache = &model.CacheInfo{ReplicationGroup: s.pick("", "rg")}
		case model.KindLambda:
			res.Lambda = &model.LambdaInfo{Runtime: "python3.12"}
		case model.KindECSService, model.KindECSTask:
			res.ECS = &model.ECSInfo{Cluster: s.pick("arn:c", ""), Service: s.pick("", "api", "web")}
		}
		for j := s.n(3); j > 0; j-- {
			res.ENIs = append(res.ENIs, eni(s.pick(string(model.CallInstances), string(model.CallECSTasks), string(model.CallNATGateways))))
		}
		r.Resources = append(r.Resources, res)
	}
	return r
}

// FuzzLink builds regions directly (genRegion) and links them: Link must
// not panic, and the linked region must keep Link's promises
// (linkedInvariant). It reaches joins the snapshot files make hard to
// reach by mutation: interface IDs shared across kinds, services and tasks
// with colliding names, routes to gateways that are and are not there.
func FuzzLink(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x01\x01\x01\x01\x01\x02\x01\x03\x01\x00\x02\x01\x01\x05\x04\x03\x02\x01\x00"))
	for i := 0; i < 16; i++ {
		seed := make([]byte, 256)
		for j := range seed {
			seed[j] = byte((i*131 + j*31 + j*j) % 251)
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := genRegion(&byteSource{data: data})
		r.Link()
		if msg := linkedInvariant(r); msg != "" {
			t.Fatalf("after Link: %s", msg)
		}
		_ = summary(&model.Inventory{Accounts: []*model.Account{{ID: r.Account, Regions: []*model.Region{r}}}})
	})
}

func TestGenRegionUsesInput(t *testing.T) {
	a := genRegion(&byteSource{data: []byte("abcdefghijklmnopqrstuvwxyz0123456789")})
	b := genRegion(&byteSource{data: []byte("zyxwvutsrqponmlkjihgfedcba9876543210")})
	if fmt.Sprint(len(a.Resources), len(a.ENIs), len(a.Subnets)) == fmt.Sprint(len(b.Resources), len(b.ENIs), len(b.Subnets)) &&
		fmt.Sprint(a.Coverage) == fmt.Sprint(b.Coverage) {
		t.Error("different inputs built the same region; the generator ignores its input")
	}
}
