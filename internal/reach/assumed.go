package reach

import (
	"net/netip"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// AssumedInterfaces are the interfaces a load balancer must have when the
// data lacks them (a snapshot without its network interfaces, such as
// CloudMapper's demo account): one in each of its subnets, with its
// security groups, at the subnet's first usable address, with a public
// address when it is internet-facing. Their IDs start with "assumed:".
// Other resources, and load balancers whose interfaces are known, get
// none. Whoever answers through them must say they were assumed.
func AssumedInterfaces(reg *model.Region, res *model.Resource) []*model.ENI {
	lb := res.LoadBalancer
	if res.Kind != model.KindLoadBalancer || lb == nil || len(res.ENIs) > 0 {
		return nil
	}
	var out []*model.ENI
	for _, id := range lb.SubnetIDs {
		s := reg.Subnet(id)
		if s == nil || !s.CIDR.IsValid() {
			continue
		}
		addr := s.CIDR.Masked().Addr()
		for range 4 { // AWS reserves the first four addresses
			addr = addr.Next()
		}
		pair := model.AddressPair{Private: addr}
		if lb.Scheme == "internet-facing" {
			pair.Public = netip.MustParseAddr("0.0.0.1") // some public address
		}
		out = append(out, &model.ENI{ID: "assumed:" + res.ID + "@" + id, SubnetID: id, VPCID: s.VPCID, AZ: s.AZ,
			SecurityGroupIDs: lb.SecurityGroupIDs, Addresses: []model.AddressPair{pair},
			Owner: model.Owner{Kind: model.OwnerLoadBalancer, ID: res.ID, Resource: res, Basis: "assumed"}})
	}
	return out
}
