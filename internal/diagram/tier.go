package diagram

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// TierOf decides a subnet's tier when tiers does not name it: public when
// it routes to an internet gateway (Subnet.Public), isolated when it has
// no route to the internet at all (no internet, egress-only or NAT
// gateway, and no default route), else private. A subnet whose route
// table is unknown is private: nothing says it is cut off.
func TierOf(s *model.Subnet, tiers map[string]string) string {
	if t, ok := tiers[s.ID]; ok {
		return t
	}
	if s.Public == model.Yes {
		return TierPublic
	}
	if s.RouteTable == nil {
		return TierPrivate
	}
	for _, r := range s.RouteTable.Routes {
		if r.Blackhole {
			continue
		}
		switch r.TargetKind {
		case model.TargetInternetGateway, model.TargetEgressOnlyGateway, model.TargetNATGateway:
			return TierPrivate
		case model.TargetLocal, model.TargetGatewayEndpoint:
			continue
		}
		if r.Destination.IsValid() && r.Destination.Bits() == 0 {
			return TierPrivate
		}
	}
	return TierIsolated
}
