package check

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Helpers of the VPC-plumbing checks (routes, gateways, endpoints, flow
// logs): labels for objects the model gives no Label method, and which
// subnets reach the internet through a NAT gateway.

// labelTagged is "ID (Name)" from a Name tag, or the ID alone.
func labelTagged(id string, tags model.Tags) string {
	if n := tags.Name(); n != "" && n != id {
		return id + " (" + n + ")"
	}
	return id
}

// vpcLabelOf is "vpc-… (Name)" when the VPC is in the data, else its ID.
func vpcLabelOf(reg *model.Region, id string) string {
	if v := reg.VPC(id); v != nil {
		return labelTagged(v.ID, v.Tags)
	}
	return id
}

// subnetsByVPC groups the region's subnets by VPC, with the VPC IDs
// sorted. VPCs are taken from the subnets, so that checks conclude even
// when ec2-describe-vpcs was not collected.
func subnetsByVPC(reg *model.Region) (map[string][]*model.Subnet, []string) {
	by := map[string][]*model.Subnet{}
	var ids []string
	for _, s := range reg.Subnets {
		if by[s.VPCID] == nil {
			ids = append(ids, s.VPCID)
		}
		by[s.VPCID] = append(by[s.VPCID], s)
	}
	sort.Strings(ids)
	return by, ids
}

// maxListed is how many items evidence names before it says "and N more".
const maxListed = 10

var anyIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// natEgress is a subnet whose IPv4 default route (0.0.0.0/0) goes to a
// NAT gateway: it reaches the internet through it (AWS-SEMANTICS.md §4).
type natEgress struct {
	Subnet *model.Subnet
	Table  *model.RouteTable
	Route  *model.Route
	// NAT is the gateway as ec2-describe-nat-gateways describes it; nil
	// when that call was not collected or does not list it.
	NAT *model.NATGateway
}

// natEgressByVPC lists, per VPC, the subnets that reach the internet
// through a NAT gateway, in subnet order, with the VPC IDs sorted. A NAT
// gateway known to be private (ConnectivityType private) gives no internet
// access and is left out; one not in the data is taken as public, as
// almost all are.
func natEgressByVPC(reg *model.Region) (map[string][]natEgress, []string) {
	nats := map[string]*model.NATGateway{}
	for _, n := range reg.NATGateways {
		if nats[n.ID] == nil {
			nats[n.ID] = n
		}
	}
	by := map[string][]natEgress{}
	var ids []string
	for _, s := range reg.Subnets {
		rt := s.RouteTable
		if rt == nil {
			continue
		}
		for i := range rt.Routes {
			r := &rt.Routes[i]
			if r.Blackhole || r.TargetKind != model.TargetNATGateway || r.Destination != anyIPv4 {
				continue
			}
			n := nats[r.TargetID]
			if n != nil && strings.EqualFold(n.ConnectivityType, "private") {
				continue
			}
			if by[s.VPCID] == nil {
				ids = append(ids, s.VPCID)
			}
			by[s.VPCID] = append(by[s.VPCID], natEgress{Subnet: s, Table: rt, Route: r, NAT: n})
			break
		}
	}
	sort.Strings(ids)
	return by, ids
}

// routeString prints a route as evidence: "rtb-1 0.0.0.0/0 -> nat-1".
func routeString(rt *model.RouteTable, r *model.Route) string {
	s := rt.ID + " " + r.DestinationString() + " -> " + r.TargetID
	if r.Blackhole {
		s += " (blackhole)"
	}
	return s
}

// listSome lists up to three items as andList does, and says how many more
// there are: "a, b, c and 4 more".
func listSome(items []string) any {
	if len(items) <= 3 {
		return andList(items)
	}
	return msg("more", commaList(strs(items[:3])), len(items)-3)
}

// awsServiceName reports whether name is AWS's endpoint service name for
// service in region: "com.amazonaws.REGION.SERVICE" (with a "cn." in front
// in the China regions).
func awsServiceName(name, region, service string) bool {
	return name == "com.amazonaws."+region+"."+service || name == "cn.com.amazonaws."+region+"."+service
}

// reportMissingGatewayEndpoint reports, one finding per VPC, the route
// tables of subnets that reach the internet through a NAT gateway but
// have no gateway endpoint for service ("s3", "dynamodb"): the service's
// traffic then goes through the NAT gateway. A table has the endpoint when
// the endpoint lists it (RouteTableIds) or the table routes to the
// endpoint (a pl-… destination to vpce-…, AWS-SEMANTICS.md §4). An
// interface endpoint for the service with private DNS in the VPC also
// keeps the traffic off the NAT gateway, and the VPC is then not reported.
func reportMissingGatewayEndpoint(p *Pass, service, product string) {
	reg := p.Region
	endpointIDs := map[string]bool{}    // the service's gateway endpoints
	tablesWith := map[string]bool{}     // route tables an endpoint lists
	privateDNSVPCs := map[string]bool{} // VPCs with an interface endpoint with private DNS
	for _, ep := range reg.VPCEndpoints {
		if !awsServiceName(ep.ServiceName, reg.Name, service) {
			continue
		}
		switch {
		case strings.EqualFold(ep.Type, "Gateway"):
			endpointIDs[ep.ID] = true
			for _, id := range ep.RouteTableIDs {
				tablesWith[id] = true
			}
		case strings.EqualFold(ep.Type, "Interface") && ep.PrivateDNSEnabled:
			privateDNSVPCs[ep.VPCID] = true
		}
	}
	// A route to a vpce- whose prefix list is the service's counts even when
	// the endpoint itself is not in the data.
	servicePL := map[string]bool{}
	for _, pl := range reg.PrefixLists {
		if awsServiceName(pl.Name, reg.Name, service) {
			servicePL[pl.ID] = true
		}
	}
	hasEndpoint := func(rt *model.RouteTable) bool {
		if tablesWith[rt.ID] {
			return true
		}
		for _, r := range rt.Routes {
			if r.TargetKind == model.TargetGatewayEndpoint && !r.Blackhole && (endpointIDs[r.TargetID] || servicePL[r.DestinationPrefixList]) {
				return true
			}
		}
		return false
	}
	name := "com.amazonaws." + reg.Name + "." + service
	by, vpcIDs := natEgressByVPC(reg)
	for _, vpcID := range vpcIDs {
		if privateDNSVPCs[vpcID] {
			continue
		}
		var tables, nats, evidence []string
		subnets := 0
		seen := map[*model.RouteTable]bool{}
		for _, e := range by[vpcID] {
			if hasEndpoint(e.Table) {
				continue
			}
			subnets++
			nats = append(nats, e.Route.TargetID)
			if seen[e.Table] {
				continue
			}
			seen[e.Table] = true
			tables = append(tables, e.Table.ID)
			evidence = append(evidence, p.say(msg("ev.no-gateway-endpoint", routeString(e.Table, e.Route), name)))
		}
		if len(tables) == 0 {
			continue
		}
		nats = dedupe(nats)
		sort.Strings(nats)
		sort.Strings(tables)
		key := "gateway-endpoint.other"
		if subnets == 1 {
			key = "gateway-endpoint.one"
		}
		tablesHave := msg("gateway-endpoint.table", tables[0])
		if len(tables) > 1 {
			tablesHave = msg("gateway-endpoint.tables", andList(tables))
		}
		p.Report(append([]string{vpcID}, tables...), evidence,
			msg(key, vpcLabelOf(reg, vpcID), count(subnets, "subnet"), natsPhrase(nats), tablesHave, product, name, product))
	}
}

// natsPhrase names NAT gateways: "NAT gateway nat-1", "NAT gateways nat-1
// and nat-2".
func natsPhrase(nats []string) i18n.Message {
	if len(nats) == 1 {
		return msg("nats.one", nats[0])
	}
	return msg("nats.other", andList(nats))
}
