package diagram

import (
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// TestTierOf: public by Subnet.Public (AWS-SEMANTICS.md §4), private with
// any way out (NAT, egress-only, a default route to anything), isolated
// with none; a tier given wins.
func TestTierOf(t *testing.T) {
	local := model.Route{Destination: netip.MustParsePrefix("10.0.0.0/16"), TargetKind: model.TargetLocal, TargetID: "local"}
	s3 := model.Route{DestinationPrefixList: "pl-61a54008", TargetKind: model.TargetGatewayEndpoint, TargetID: "vpce-1"}
	def := func(kind model.RouteTargetKind, blackhole bool) model.Route {
		return model.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), TargetKind: kind, TargetID: "x", Blackhole: blackhole}
	}
	cases := []struct {
		name   string
		subnet model.Subnet
		tiers  map[string]string
		want   string
	}{
		{"public", model.Subnet{ID: "s", Public: model.Yes}, nil, TierPublic},
		{"NAT", model.Subnet{ID: "s", Public: model.No, RouteTable: &model.RouteTable{Routes: []model.Route{local, def(model.TargetNATGateway, false)}}}, nil, TierPrivate},
		{"transit gateway default route", model.Subnet{ID: "s", Public: model.No, RouteTable: &model.RouteTable{Routes: []model.Route{local, def(model.TargetTransitGateway, false)}}}, nil, TierPrivate},
		{"local and S3 endpoint only", model.Subnet{ID: "s", Public: model.No, RouteTable: &model.RouteTable{Routes: []model.Route{local, s3}}}, nil, TierIsolated},
		{"blackholed NAT", model.Subnet{ID: "s", Public: model.No, RouteTable: &model.RouteTable{Routes: []model.Route{local, def(model.TargetNATGateway, true)}}}, nil, TierIsolated},
		{"unknown routes", model.Subnet{ID: "s"}, nil, TierPrivate},
		{"given", model.Subnet{ID: "s", Public: model.Yes}, map[string]string{"s": TierIsolated}, TierIsolated},
	}
	for _, c := range cases {
		if got := TierOf(&c.subnet, c.tiers); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestPortText: ports merged per protocol, all traffic wins, long lists cut.
func TestPortText(t *testing.T) {
	tcp, udp := model.ProtocolTCP, model.ProtocolUDP
	cases := []struct {
		ps   []portLabel
		want string
	}{
		{[]portLabel{{tcp, 443, 443}, {tcp, 80, 80}, {tcp, 80, 80}}, "tcp/80,443"},
		{[]portLabel{{udp, 53, 53}, {tcp, 3306, 3306}}, "tcp/3306 udp/53"},
		{[]portLabel{{tcp, 22, 22}, {model.ProtocolAll, 0, 0}}, "all traffic"},
		{[]portLabel{{tcp, 0, 65535}}, "tcp/any port"},
		{[]portLabel{{tcp, 8000, 8080}, {model.ProtocolICMP, 0, 0}}, "icmp tcp/8000-8080"},
		{[]portLabel{{tcp, 1, 1}, {tcp, 2, 2}, {tcp, 3, 3}, {tcp, 4, 4}, {tcp, 5, 5}, {tcp, 6, 6}, {tcp, 7, 7}, {tcp, 8, 8}}, "tcp/1,2,3,4,5,6 +2"},
	}
	for _, c := range cases {
		if got := portText(i18n.English, c.ps); got != c.want {
			t.Errorf("%v: %q, want %q", c.ps, got, c.want)
		}
	}
}
