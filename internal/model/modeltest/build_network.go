package modeltest

import (
	"net/netip"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// GatewayEndpoint adds a gateway VPC endpoint for service (e.g.
// "com.amazonaws.ap-northeast-1.s3") in vpcID, associated with
// routeTableIDs, as ec2-describe-vpc-endpoints describes it. Add the
// pl-… -> vpce-… routes to the tables yourself when the test needs them.
func (b *Builder) GatewayEndpoint(id, vpcID, service string, routeTableIDs ...string) *model.VPCEndpoint {
	b.mark(model.CallVPCEndpoints)
	ep := &model.VPCEndpoint{ID: id, VPCID: vpcID, Type: "Gateway", ServiceName: service, State: "available", RouteTableIDs: routeTableIDs, Tags: model.Tags{}}
	b.r.VPCEndpoints = append(b.r.VPCEndpoints, ep)
	return ep
}

// VPCEndpoint returns the endpoint added with id, for adjustments
// (PrivateDNSEnabled, State), or nil.
func (b *Builder) VPCEndpoint(id string) *model.VPCEndpoint {
	for _, ep := range b.r.VPCEndpoints {
		if ep.ID == id {
			return ep
		}
	}
	return nil
}

// PeeringConnection adds an active peering connection between two VPCs of
// the account in the region, with each side's CIDR blocks as
// ec2-describe-vpc-peering-connections prints them.
func (b *Builder) PeeringConnection(id, requesterVPC string, requesterCIDRs []string, accepterVPC string, accepterCIDRs []string) *model.PeeringConnection {
	b.mark(model.CallPeeringConnections)
	parse := func(cidrs []string) []netip.Prefix {
		var out []netip.Prefix
		for _, c := range cidrs {
			out = append(out, netip.MustParsePrefix(c))
		}
		return out
	}
	pc := &model.PeeringConnection{
		ID: id, Status: "active",
		RequesterVPC: requesterVPC, RequesterOwner: b.r.Account, RequesterRegion: b.r.Name, RequesterCIDRs: parse(requesterCIDRs),
		AccepterVPC: accepterVPC, AccepterOwner: b.r.Account, AccepterRegion: b.r.Name, AccepterCIDRs: parse(accepterCIDRs),
		Tags: model.Tags{},
	}
	b.r.PeeringConnections = append(b.r.PeeringConnections, pc)
	return pc
}

// FlowLog adds an active flow log capturing traffic ("ALL", "ACCEPT",
// "REJECT") of resourceID (a vpc-, subnet- or eni- ID), delivered to S3
// with status SUCCESS, as ec2-describe-flow-logs describes it. Set Status
// or DeliverLogsStatus on the result for the other cases.
func (b *Builder) FlowLog(id, resourceID, traffic string) *model.FlowLog {
	b.mark(model.CallFlowLogs)
	f := &model.FlowLog{
		ID: id, ResourceID: resourceID, ResourceType: model.FlowLogResourceTypeOf(resourceID), TrafficType: traffic,
		Status: "ACTIVE", DeliverLogsStatus: "SUCCESS", LogDestinationType: "s3", LogDestination: "arn:aws:s3:::flow-logs/" + resourceID,
		LogFormat:              "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
		MaxAggregationInterval: 600, Tags: model.Tags{},
	}
	b.r.FlowLogs = append(b.r.FlowLogs, f)
	return f
}
