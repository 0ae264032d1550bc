package check

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Helpers of the placement checks (which subnets, subnet groups and
// addresses a resource has), shared by lambda-in-public-subnet, the subnet
// group checks, elb-internal-in-public-subnet, ec2-instance-public-ip,
// ecs-task-public-ip and resource-in-public-subnet, and the tests that say
// which of them speaks for a resource: resource-in-public-subnet reports
// only what none of the others does (dbSubnetGroupOwned,
// cacheSubnetGroupKnown, isInternalLoadBalancer,
// instancePublicAddressReported, ecsPublicAddressReported).

// publicSubnetsOf returns the subnets among ids that are public
// (AWS-SEMANTICS.md §4), in the order of ids, skipping unknown ones.
func publicSubnetsOf(reg *model.Region, ids []string) []*model.Subnet {
	var out []*model.Subnet
	for _, id := range ids {
		if s := reg.Subnet(id); s != nil && s.Public == model.Yes {
			out = append(out, s)
		}
	}
	return out
}

// publicRouteEvidence is the route that makes each subnet public:
// "subnet-1 route 0.0.0.0/0 -> igw-1 in rtb-1".
func publicRouteEvidence(ss []*model.Subnet) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, s.ID+" route "+s.PublicRoute.DestinationString()+" -> "+s.PublicRoute.TargetID+" in "+s.RouteTable.ID)
	}
	return out
}

// labelsOf lists resources for messages: "db-1, db-2" (IDs with Name tags).
func labelsOf(rs []*model.Resource) any {
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = r.Label()
	}
	return commaList(out)
}

// dbSubnetGroupOwned reports whether rds-subnet-group-public-subnet speaks
// for the DB subnet group of r: r is a DB instance whose group is named.
// resource-in-public-subnet then reports only where r runs now.
func dbSubnetGroupOwned(r *model.Resource) bool {
	return r.Kind == model.KindDBInstance && r.DB != nil && r.DB.SubnetGroup != ""
}

// cacheSubnetGroupKnown reports whether the subnets of r's cache subnet
// group are known: r is a cache cluster and the optional
// elasticache-describe-cache-subnet-groups call was collected and lists its
// group. elasticache-subnet-group-public-subnet then speaks for the group,
// and resource-in-public-subnet reports only where r runs now.
func cacheSubnetGroupKnown(reg *model.Region, r *model.Resource) bool {
	return r.Kind == model.KindCacheCluster && r.Cache != nil && r.Cache.SubnetGroup != "" &&
		len(r.Cache.SubnetGroupSubnetIDs) > 0 && reg.Coverage.Has(model.CallCacheSubnetGroups)
}

// instancePublicAddressReported reports whether ec2-instance-public-ip
// speaks for r: an EC2 instance, not a bastion, with an internet-routable
// address. resource-in-public-subnet then leaves it alone.
func instancePublicAddressReported(r *model.Resource) bool {
	return r.Kind == model.KindInstance && !r.BelongsInPublicSubnet() &&
		(len(publicAddressesOf(r)) > 0 || r.Instance != nil && r.Instance.PublicIP != "")
}

// ecsPublicAddressReported reports whether ecs-task-public-ip speaks for
// r: an ECS service or task that assigns public addresses to its tasks or
// whose interfaces have one. resource-in-public-subnet then leaves it
// alone.
func ecsPublicAddressReported(r *model.Resource) bool {
	return (r.Kind == model.KindECSService || r.Kind == model.KindECSTask) && r.ECS != nil &&
		(strings.EqualFold(r.ECS.AssignPublicIP, "ENABLED") || len(publicAddressesOf(r)) > 0)
}

// publicPlacement names the public subnets (AWS-SEMANTICS.md §4) an
// instance or ECS service runs in (its interfaces' subnets, and a
// service's configured ones), each with the route that makes it public,
// for the address checks' messages.
func publicPlacement(reg *model.Region, r *model.Resource) (phrase any, evidence []string) {
	public := publicSubnetsOf(reg, r.SubnetIDs)
	if len(public) == 0 {
		return nil, nil
	}
	return subnetsPhrase("public", public), publicRouteEvidence(public)
}

// isInternalLoadBalancer reports whether r is a load balancer with scheme
// internal: elb-internal-in-public-subnet speaks for its placement.
func isInternalLoadBalancer(r *model.Resource) bool {
	return r.Kind == model.KindLoadBalancer && r.LoadBalancer != nil && r.LoadBalancer.Scheme == "internal"
}

// publicAddress is one internet-routable address on an interface.
type publicAddress struct {
	eni  *model.ENI
	addr string // an address, or an IPv6 prefix delegated to the interface
	text string // the evidence line
}

// publicAddressesOf lists the internet-routable addresses on r's
// interfaces: public IPv4 addresses (auto-assigned or Elastic IPs), global
// IPv6 addresses and delegated global IPv6 prefixes (AWS-SEMANTICS.md
// §5.1), each with an evidence line naming its interface.
func publicAddressesOf(r *model.Resource) []publicAddress {
	var out []publicAddress
	for _, e := range r.ENIs {
		for _, a := range e.Addresses {
			if a.Public.IsValid() {
				out = append(out, publicAddress{e, a.Public.String(), e.ID + " public IPv4 " + a.Public.String() + " on " + a.Private.String()})
			}
		}
		for _, a := range e.IPv6 {
			if globalIPv6(a) {
				out = append(out, publicAddress{e, a.String(), e.ID + " IPv6 " + a.String()})
			}
		}
		for _, p := range e.Prefixes {
			if p.Addr().Is6() && globalIPv6(p.Addr()) {
				out = append(out, publicAddress{e, p.String(), e.ID + " delegated IPv6 prefix " + p.String()})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].eni.ID < out[j].eni.ID })
	return out
}

// globalIPv6 reports whether a is an IPv6 address the internet can route
// to (not unique-local, link-local or IPv4-mapped).
func globalIPv6(a netip.Addr) bool {
	return a.Is6() && !a.Is4In6() && a.IsGlobalUnicast() && !a.IsPrivate()
}

// addressList prints addresses for a message: "the public address X",
// "the public addresses X, Y".
func addressList(as []publicAddress) i18n.Message {
	seen := map[string]bool{}
	var list []string
	for _, a := range as {
		if !seen[a.addr] {
			seen[a.addr] = true
			list = append(list, a.addr)
		}
	}
	return publicAddresses(list)
}

// publicAddresses is "the public address X", "the public addresses X, Y".
func publicAddresses(list []string) i18n.Message {
	if len(list) == 1 {
		return msg("addresses.public.one", list[0])
	}
	return msg("addresses.public.other", commaList(strs(list)))
}
