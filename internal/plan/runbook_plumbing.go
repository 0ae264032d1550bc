package plan

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// plumbing is stage 1: the new subnets and everything that routes them.
// Existing subnets keep their route tables, so no existing path changes.
func (b *stageBuilder) plumbing() *Stage {
	st := b.newStage(1, "Network plumbing", StageAdditive, RiskLow,
		"Only new objects: no existing subnet changes route table, so no existing path changes. "+
			"Gateway endpoints added to an existing route table do move that table's S3/DynamoDB traffic off the internet gateway: "+
			"a bucket policy that allows only certain public source addresses would then refuse it. "+
			"Public subnets stop assigning public addresses to NEW interfaces: an Auto Scaling group still launching into them "+
			"would get instances without internet access. NAT gateways cost by the hour from now on.")
	b.eachRegion(func() {
		for _, v := range b.rp.VPCs {
			b.vpcPlumbing(v)
		}
	})
	b.eachRegion(func() {
		b.check(i18n.M("plan.check.nat-gateways"), i18n.M("plan.expect.nat-gateways"),
			"ec2", "describe-nat-gateways", "--filter", "Name=tag-key,Values="+TagPlaceholder,
			"--query", "NatGateways[].[Tags[?Key=='"+TagPlaceholder+"']|[0].Value,NatGatewayId,State]", "--output", "text")
		b.check(i18n.M("plan.check.subnets"), i18n.M("plan.expect.subnets"),
			"ec2", "describe-subnets", "--filters", "Name=tag-key,Values="+TagPlaceholder,
			"--query", "Subnets[].[Tags[?Key=='"+TagPlaceholder+"']|[0].Value,SubnetId,CidrBlock,MapPublicIpOnLaunch]", "--output", "text")
	})
	b.check(i18n.M("plan.check.no-reject-0"), i18n.M("plan.expect.no-reject-0"))
	return st
}

// vpcPlumbing adds the steps of one VPC.
func (b *stageBuilder) vpcPlumbing(v *VPCPlan) {
	if v.SecondaryCIDR != "" {
		s := b.step("Add the CIDR block "+v.SecondaryCIDR+" to "+v.VPCID, v.VPCID)
		s.do("ec2", "associate-vpc-cidr-block", "--vpc-id", v.VPCID, "--cidr-block", v.SecondaryCIDR)
		s.manual("Not undone by the rollback: an unused CIDR block harms nothing. To remove it, " +
			"`aws ec2 disassociate-vpc-cidr-block --association-id ID` with the ID `aws ec2 describe-vpcs` shows.")
	}
	for _, rt := range v.RouteTables {
		s := b.step("Create route table "+rt.Name, rt.ID)
		s.create(rt.ID, "ec2", "create-route-table", "--vpc-id", v.VPCID,
			"--tag-specifications", tagSpecs(rt.ID, rt.Name, "route-table"),
			"--query", "RouteTable.RouteTableId", "--output", "text")
		s.undo("ec2", "delete-route-table", "--route-table-id", ref(rt.ID))
	}
	for _, sn := range v.Subnets {
		s := b.step("Create "+sn.Tier+" subnet "+sn.Name+" ("+sn.CIDR+", "+sn.AZ+")", sn.ID)
		s.create(sn.ID, "ec2", "create-subnet", "--vpc-id", v.VPCID, "--cidr-block", sn.CIDR,
			"--availability-zone", sn.AZ, "--tag-specifications", tagSpecs(sn.ID, sn.Name, "subnet"),
			"--query", "Subnet.SubnetId", "--output", "text")
		if sn.RouteTable != "" {
			s.do("ec2", "associate-route-table", "--route-table-id", ref(sn.RouteTable), "--subnet-id", ref(sn.ID))
		}
		// Deleting the subnet removes its association too.
		s.undo("ec2", "delete-subnet", "--subnet-id", ref(sn.ID))
	}
	for _, nat := range v.NATGateways {
		s := b.step("Create NAT gateway "+nat.ID+" in "+nat.Subnet+" ("+nat.AZ+")", nat.ID)
		if IsPlaceholder(nat.AllocationID) {
			s.create(nat.AllocationID, "ec2", "allocate-address", "--domain", "vpc",
				"--tag-specifications", tagSpecs(nat.AllocationID, nat.ID, "elastic-ip"),
				"--query", "AllocationId", "--output", "text")
		}
		s.create(nat.ID, "ec2", "create-nat-gateway", "--subnet-id", ref(nat.Subnet), "--allocation-id", ref(nat.AllocationID),
			"--tag-specifications", tagSpecs(nat.ID, nat.ID, "natgateway"),
			"--query", "NatGateway.NatGatewayId", "--output", "text")
		s.do("ec2", "wait", "nat-gateway-available", "--nat-gateway-ids", ref(nat.ID))
		s.undo("ec2", "delete-nat-gateway", "--nat-gateway-id", ref(nat.ID))
		s.undo("ec2", "wait", "nat-gateway-deleted", "--nat-gateway-ids", ref(nat.ID))
		if IsPlaceholder(nat.AllocationID) {
			s.undo("ec2", "release-address", "--allocation-id", ref(nat.AllocationID))
		}
	}
	for _, rt := range v.RouteTables {
		var routes []Route
		for _, r := range rt.Routes {
			if r.Target != "local" {
				routes = append(routes, r)
			}
		}
		if len(routes) == 0 {
			continue
		}
		s := b.step("Routes of "+rt.Name, rt.ID)
		for _, r := range routes {
			dest := destinationArgs(r.Destination)
			s.do(append(append([]string{"ec2", "create-route", "--route-table-id", ref(rt.ID)}, dest...), routeTargetArgs(r.Target)...)...)
			s.undo(append([]string{"ec2", "delete-route", "--route-table-id", ref(rt.ID)}, dest...)...)
		}
	}
	for _, e := range v.Endpoints {
		b.endpointStep(v, e)
	}
	for _, id := range v.PublicSubnets {
		var was *bool
		if b.reg != nil {
			if sn := b.reg.Subnet(id); sn != nil {
				m := sn.MapPublicIPOnLaunch
				was = &m
			}
		}
		if was != nil && !*was {
			continue // already off: nothing to do
		}
		s := b.step("Stop assigning public addresses in public subnet "+id, id)
		s.do("ec2", "modify-subnet-attribute", "--subnet-id", id, "--no-map-public-ip-on-launch")
		s.undo("ec2", "modify-subnet-attribute", "--subnet-id", id, "--map-public-ip-on-launch")
	}
}

// endpointStep creates a gateway or interface endpoint. Interface
// endpoints start without private DNS, so that nothing resolves AWS's API
// names to them before their security group admits the callers (stage 2
// turns it on).
func (b *stageBuilder) endpointStep(v *VPCPlan, e *Endpoint) {
	s := b.step("Create "+strings.ToLower(e.Type)+" endpoint "+e.ID+" ("+e.Service+")", e.ID)
	args := []string{"ec2", "create-vpc-endpoint", "--vpc-endpoint-type", e.Type, "--vpc-id", v.VPCID, "--service-name", e.Service}
	if strings.EqualFold(e.Type, "Gateway") {
		if len(e.RouteTables) > 0 {
			args = append(args, "--route-table-ids")
			args = append(args, refs(e.RouteTables)...)
		}
	} else {
		if len(e.Subnets) > 0 {
			args = append(args, "--subnet-ids")
			args = append(args, refs(e.Subnets)...)
		}
		args = append(args, "--no-private-dns-enabled")
	}
	args = append(args, "--tag-specifications", tagSpecs(e.ID, e.ID, "vpc-endpoint"),
		"--query", "VpcEndpoint.VpcEndpointId", "--output", "text")
	s.create(e.ID, args...)
	s.undo("ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", ref(e.ID))
}

// destinationArgs are create-route's and delete-route's destination
// options for a route's destination.
func destinationArgs(d string) []string {
	switch {
	case strings.HasPrefix(d, "pl-"):
		return []string{"--destination-prefix-list-id", d}
	case strings.Contains(d, ":"):
		return []string{"--destination-ipv6-cidr-block", d}
	}
	return []string{"--destination-cidr-block", d}
}

// routeTargetArgs are create-route's target options for a target ID.
func routeTargetArgs(t string) []string {
	prefix := t
	if i := strings.IndexByte(t, '-'); i > 0 {
		prefix = t[:i]
	}
	switch prefix {
	case "nat":
		return []string{"--nat-gateway-id", ref(t)}
	case "eigw":
		return []string{"--egress-only-internet-gateway-id", ref(t)}
	case "tgw":
		return []string{"--transit-gateway-id", ref(t)}
	case "pcx":
		return []string{"--vpc-peering-connection-id", ref(t)}
	case "eni":
		return []string{"--network-interface-id", ref(t)}
	case "vgw", "igw", "vpce":
		return []string{"--gateway-id", ref(t)}
	}
	return []string{"--gateway-id", ref(t)}
}
