package modeltest_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

func TestIngress(t *testing.T) {
	any := model.ICMPMatch{Type: -1, Code: -1}
	tests := []struct {
		got  model.Rule
		want model.Rule
	}{
		{modeltest.Ingress("tcp", 22, 22, "0.0.0.0/0"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolTCP, Ports: model.Port(22), ICMP: any,
			Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}},
		{modeltest.Ingress("udp", -1, -1, "::/0"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolUDP, Ports: model.AllPorts, ICMP: any,
			Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("::/0")}}},
		{modeltest.Ingress("-1", 0, 0, "10.0.0.0/8"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolAll, Ports: model.AllPorts, ICMP: any,
			Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("10.0.0.0/8")}}},
		{modeltest.Ingress("icmp", 8, -1, "0.0.0.0/0"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolICMP, Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: 8, Code: -1},
			Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}},
		{modeltest.IngressFromGroup("tcp", 5432, 5432, "sg-app"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolTCP, Ports: model.Port(5432), ICMP: any,
			Peer: model.Peer{Kind: model.PeerGroup, GroupID: "sg-app"}}},
		{modeltest.IngressFromPrefixList("tcp", 443, 443, "pl-1"), model.Rule{Direction: model.Ingress, Protocol: model.ProtocolTCP, Ports: model.Port(443), ICMP: any,
			Peer: model.Peer{Kind: model.PeerPrefixList, PrefixListID: "pl-1"}}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %+v, want %+v", tt.got, tt.want)
		}
	}
}

func TestBuilderLinksLikeTheLoader(t *testing.T) {
	b := modeltest.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-pub", "vpc-1", "10.0.1.0/24")
	b.Subnet("subnet-priv", "vpc-1", "10.0.2.0/24")
	b.InternetGateway("igw-1", "vpc-1")
	b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub").Route("0.0.0.0/0", "igw-1")
	b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "nat-1")
	b.SecurityGroup("sg-1", "vpc-1", modeltest.Ingress("tcp", 443, 443, "0.0.0.0/0"))
	b.NATGateway("nat-1", "subnet-pub", "198.51.100.1")
	b.Instance("i-1", "subnet-priv", "sg-1").Tags["Name"] = "web-1"
	b.LoadBalancer("web", modeltest.InternetFacing, []string{"subnet-pub"}, "sg-1")
	b.ENI("eni-lb", "subnet-pub", "sg-1").Description = "ELB app/web/0123456789abcdef"
	b.DBInstance("db-1", "aurora-main", []string{"subnet-priv"}, "sg-1")
	rds := b.ENI("eni-rds", "subnet-priv", "sg-1")
	rds.Description = "RDSNetworkInterface"
	b.ECSService("main", "api", []string{"subnet-priv"}, "sg-1")
	b.NotCollected(model.CallNetworkACLs)
	reg := b.Link()

	for _, c := range []model.Call{model.CallVPCs, model.CallSubnets, model.CallRouteTables, model.CallInternetGateways, model.CallSecurityGroups,
		model.CallNATGateways, model.CallInstances, model.CallLoadBalancersV2, model.CallNetworkInterfaces, model.CallDBInstances, model.CallDBClusters,
		model.CallECSClusters, model.CallECSServices} {
		if !reg.Coverage.Has(c) {
			t.Errorf("%s not marked collected", c)
		}
	}
	if reg.Coverage.Has(model.CallNetworkACLs) || len(reg.Coverage.Missing) != 1 || reg.Coverage.Missing[0].Call != model.CallNetworkACLs {
		t.Errorf("NotCollected: Missing = %+v", reg.Coverage.Missing)
	}
	if reg.Coverage.Has(model.CallLambdaFunctions) {
		t.Error("a call nothing was added for is marked collected")
	}

	if s := reg.Subnet("subnet-pub"); s.Public != model.Yes || s.PublicRoute.TargetID != "igw-1" {
		t.Errorf("subnet-pub: public %v via %+v, want yes via igw-1", s.Public, s.PublicRoute)
	}
	if s := reg.Subnet("subnet-priv"); s.Public != model.No || s.RouteTable.ID != "rtb-main" {
		t.Errorf("subnet-priv: public %v on %v, want no on the main table", s.Public, s.RouteTable)
	}
	if rt := reg.Subnet("subnet-priv").RouteTable; rt.Routes[0].TargetKind != model.TargetLocal || rt.Routes[0].Destination.String() != "10.0.0.0/16" {
		t.Errorf("first route %+v, want the local route", rt.Routes[0])
	}

	inst := reg.Resource(model.KindInstance, "i-1")
	if inst.Name != "web-1" || inst.VPCID != "vpc-1" || len(inst.ENIs) != 1 || inst.ENIs[0].Owner.Resource != inst {
		t.Errorf("instance %+v", inst)
	}
	if inst.ENIs[0].ID != "eni-i-1" {
		t.Errorf("instance interface %s, want eni-i-1", inst.ENIs[0].ID)
	}
	if a := inst.ENIs[0].Addresses; len(a) != 1 || a[0].Private.String() != "10.0.2.4" {
		t.Errorf("instance addresses %+v, want 10.0.2.4 (the first address AWS hands out)", a)
	}
	if e := reg.ENI("eni-lb"); e.Owner.Resource != reg.Resource(model.KindLoadBalancer, "web") {
		t.Errorf("eni-lb owner %+v, want the load balancer", e.Owner)
	}
	if e := reg.ENI("eni-rds"); e.Owner.Resource != reg.Resource(model.KindDBInstance, "db-1") {
		t.Errorf("eni-rds owner %+v, want db-1", e.Owner)
	}
	if nat := reg.Resource(model.KindNATGateway, "nat-1"); len(nat.PublicIPs()) != 1 || nat.PublicIPs()[0] != "198.51.100.1" {
		t.Errorf("NAT gateway public IPs %v", nat.PublicIPs())
	}
	svc := reg.Resource(model.KindECSService, "arn:aws:ecs:ap-northeast-1:111122223333:service/main/api")
	if svc == nil || svc.Label() != "api (cluster main)" || svc.VPCID != "vpc-1" {
		t.Errorf("ECS service %+v", svc)
	}
	if len(reg.DBClusters) != 1 || !slices.Equal(reg.DBClusters[0].MemberIDs, []string{"db-1"}) {
		t.Errorf("DB clusters %+v", reg.DBClusters)
	}
	g := reg.SecurityGroup("sg-1")
	var users []string
	for _, r := range g.Resources {
		users = append(users, r.ID)
	}
	if want := []string{"i-1", "arn:aws:ecs:ap-northeast-1:111122223333:service/main/api", "web", "db-1"}; !slices.Equal(users, want) {
		t.Errorf("sg-1 carried by %v, want %v", users, want)
	}
	for _, n := range reg.Notes {
		if strings.Contains(n.Text, "claimed by") {
			t.Errorf("builder gave two resources one interface: %s", n.Text)
		}
	}

	inv := modeltest.Inventory(reg)
	if len(inv.Accounts) != 1 || inv.Accounts[0].Label() != "111122223333" || len(inv.Regions()) != 1 {
		t.Errorf("inventory %+v", inv)
	}
}
