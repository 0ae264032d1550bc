package plan

import (
	"fmt"
	"net/netip"
	"strings"
)

// writeVPCData writes, in imports.tf, the data sources of what the
// configuration only reads: the VPCs and the existing NAT gateways new
// route tables send traffic to. The plan changes neither, so Terraform
// does not take them over.
func (w *tfWriter) writeVPCData(rg *tfRegion) {
	for _, id := range sortedKeys(rg.vpcData) {
		b := w.data(w.imports, rg, []string{"VPC " + w.vpcName(rg, id) + ": read, never changed."}, "aws_vpc", rg.vpcData[id])
		setString(b, "id", id)
	}
	var nats []string
	for id := range rg.ids {
		if !IsPlaceholder(id) && awsPrefix(id) == "nat" {
			nats = append(nats, id)
		}
	}
	for _, id := range sortedUnique(nats) {
		b := w.data(w.imports, rg, []string{"Existing NAT gateway the new route tables reuse: read, never changed."}, "aws_nat_gateway", rg.names[id])
		setString(b, "id", id)
	}
}

// writeNetwork writes network.tf's part for one region.
func (w *tfWriter) writeNetwork(rg *tfRegion) error {
	f := w.network
	for _, v := range rg.plan.VPCs {
		f.note(fmt.Sprintf("VPC %s (%s), %s.", w.vpcName(rg, v.VPCID), v.VPCID, rg.plan.Region))
		for _, r := range v.Reasons {
			comment(f.body(), r)
		}
		vpcID := rg.vpcRef(v.VPCID)
		var secondary netip.Prefix
		subnetVPC := func(cidr string) tfRef { return vpcID }
		if v.SecondaryCIDR != "" {
			p, err := netip.ParsePrefix(v.SecondaryCIDR)
			if err != nil {
				return fmt.Errorf("terraform: VPC %s: secondary CIDR %q: %w", v.VPCID, v.SecondaryCIDR, err)
			}
			secondary = p
			name := w.names.claim("aws_vpc_ipv4_cidr_block_association", "", rg.vpcData[v.VPCID]+"_secondary", "secondary")
			b := w.resource(f, rg, []string{"The VPC's blocks have no room left for the new subnets."}, "aws_vpc_ipv4_cidr_block_association", name)
			setRef(b, "vpc_id", vpcID)
			setString(b, "cidr_block", v.SecondaryCIDR)
			w.additive = append(w.additive, address("aws_vpc_ipv4_cidr_block_association", name))
			// Subnets in the new block take the VPC ID from the association,
			// so that Terraform creates them after it.
			assoc := tfPath("aws_vpc_ipv4_cidr_block_association", name, "vpc_id")
			subnetVPC = func(cidr string) tfRef {
				if p, err := netip.ParsePrefix(cidr); err == nil && secondary.Overlaps(p) {
					return assoc
				}
				return vpcID
			}
		}
		for _, s := range v.Subnets {
			name := rg.names[s.ID]
			b := w.resource(f, rg, []string{s.ID + ": " + tierPurpose(s.Tier)}, "aws_subnet", name)
			setRef(b, "vpc_id", subnetVPC(s.CIDR))
			setString(b, "cidr_block", s.CIDR)
			setString(b, "availability_zone", s.AZ)
			setBool(b, "map_public_ip_on_launch", false)
			setTags(b, newObjectTags(s.ID, nameOr(s.Name, s.ID)))
			w.additive = append(w.additive, address("aws_subnet", name))
		}
		for _, t := range v.RouteTables {
			if err := w.writeRouteTable(rg, v, t); err != nil {
				return err
			}
		}
		for _, n := range v.NATGateways {
			name := rg.names[n.ID]
			eip := rg.names[n.AllocationID]
			b := w.resource(f, rg, []string{"Elastic IP of " + n.ID + "."}, "aws_eip", eip)
			setString(b, "domain", "vpc")
			setTags(b, newObjectTags(n.AllocationID, n.AllocationID))
			b = w.resource(f, rg, []string{n.ID + ": the way out for the private subnets of " + strings.Join(n.Serves, ", ") + "."}, "aws_nat_gateway", name)
			setRef(b, "allocation_id", rg.tfPath(n.AllocationID))
			setRef(b, "subnet_id", rg.tfPath(n.Subnet))
			setString(b, "connectivity_type", "public")
			setTags(b, newObjectTags(n.ID, n.ID))
			w.additive = append(w.additive, address("aws_eip", eip), address("aws_nat_gateway", name))
		}
		for _, e := range v.Endpoints {
			w.writeEndpoint(rg, v, e)
		}
		if v.FlowLog != nil {
			w.writeFlowLog(rg, v)
		}
		for _, g := range rg.plan.Groups {
			if g.VPCID == v.VPCID && isClientVPNGroup(g) {
				w.writeClientVPN(rg, v, g)
			}
		}
	}
	return nil
}

// tierPurpose says what a tier's subnets hold.
func tierPurpose(tier string) string {
	switch tier {
	case TierPrivate:
		return "private: compute, interface endpoints and internal load balancers; out through NAT."
	case TierIsolated:
		return "isolated: databases and caches; no route out."
	case TierPublic:
		return "public: internet-facing load balancers and NAT gateways."
	}
	return tier + "."
}

// writeRouteTable writes a route table, its routes (the local route is
// implicit) and its subnet associations.
func (w *tfWriter) writeRouteTable(rg *tfRegion, v *VPCPlan, t *RouteTable) error {
	f := w.network
	name := rg.names[t.ID]
	b := w.resource(f, rg, []string{t.ID + "."}, "aws_route_table", name)
	setRef(b, "vpc_id", rg.vpcRef(v.VPCID))
	setTags(b, newObjectTags(t.ID, nameOr(t.Name, t.ID)))
	w.additive = append(w.additive, address("aws_route_table", name))
	for _, r := range t.Routes {
		if r.Target == "local" {
			continue
		}
		attr, err := routeTargetAttr(r.Target)
		if err != nil {
			return fmt.Errorf("terraform: route table %s: %w", t.ID, err)
		}
		rn := w.names.claim("aws_route", "", name+"_"+routeDestName(r.Destination), name+"_route")
		b := w.resource(f, rg, nil, "aws_route", rn)
		setRef(b, "route_table_id", rg.tfPath(t.ID))
		switch {
		case strings.HasPrefix(r.Destination, "pl-"):
			setString(b, "destination_prefix_list_id", r.Destination)
		case strings.Contains(r.Destination, ":"):
			setString(b, "destination_ipv6_cidr_block", r.Destination)
		default:
			setString(b, "destination_cidr_block", r.Destination)
		}
		setRef(b, attr, rg.tfPath(r.Target))
		w.additive = append(w.additive, address("aws_route", rn))
	}
	subnets := append([]string{}, t.Subnets...)
	for _, s := range v.Subnets {
		if s.RouteTable == t.ID {
			subnets = append(subnets, s.ID)
		}
	}
	for _, s := range sortedUnique(subnets) {
		an := w.names.claim("aws_route_table_association", "", rg.refName(s), "subnet")
		b := w.resource(f, rg, nil, "aws_route_table_association", an)
		setRef(b, "subnet_id", rg.tfPath(s))
		setRef(b, "route_table_id", rg.tfPath(t.ID))
		w.additive = append(w.additive, address("aws_route_table_association", an))
	}
	return nil
}

// refName is the Terraform name of an ID's block (which carries the
// region's prefix), or the prefixed ID.
func (rg *tfRegion) refName(id string) string {
	if n, ok := rg.names[id]; ok {
		return n
	}
	return rg.prefix + id
}

// routeTargetAttr is the aws_route attribute for a target ID.
func routeTargetAttr(target string) (string, error) {
	switch awsPrefix(target) {
	case "nat":
		return "nat_gateway_id", nil
	case "igw", "vgw":
		return "gateway_id", nil
	case "vpce":
		return "vpc_endpoint_id", nil
	case "pcx":
		return "vpc_peering_connection_id", nil
	case "tgw":
		return "transit_gateway_id", nil
	case "eni":
		return "network_interface_id", nil
	case "eigw":
		return "egress_only_gateway_id", nil
	}
	return "", fmt.Errorf("route target %q: unknown kind of target", target)
}

// routeDestName names a route by its destination.
func routeDestName(dest string) string {
	switch dest {
	case "0.0.0.0/0":
		return "default"
	case "::/0":
		return "default_ipv6"
	}
	return dest
}

// writeEndpoint writes a new VPC endpoint; a gateway endpoint lists its
// route tables (AWS adds the prefix-list routes itself).
func (w *tfWriter) writeEndpoint(rg *tfRegion, v *VPCPlan, e *Endpoint) {
	name := rg.names[e.ID]
	comments := []string{e.ID + ": " + e.Reason}
	if e.Type == "Interface" && e.PrivateDNS {
		comments = append(comments, "Private DNS needs the VPC's enableDnsSupport and enableDnsHostnames.")
	}
	b := w.resource(w.network, rg, comments, "aws_vpc_endpoint", name)
	setRef(b, "vpc_id", rg.vpcRef(v.VPCID))
	setString(b, "service_name", e.Service)
	setString(b, "vpc_endpoint_type", e.Type)
	if len(e.RouteTables) > 0 {
		setRefs(b, "route_table_ids", rg.refs(e.RouteTables))
	}
	if len(e.Subnets) > 0 {
		setRefs(b, "subnet_ids", rg.refs(e.Subnets))
	}
	if len(e.Groups) > 0 {
		setRefs(b, "security_group_ids", rg.refs(e.Groups))
	}
	if e.Type == "Interface" {
		setBool(b, "private_dns_enabled", e.PrivateDNS)
	}
	setTags(b, newObjectTags(e.ID, e.ID))
	w.additive = append(w.additive, address("aws_vpc_endpoint", name))
}

// writeFlowLog writes the VPC's flow log; its destination is a variable
// whose default is the plan's destination.
func (w *tfWriter) writeFlowLog(rg *tfRegion, v *VPCPlan) {
	fl := v.FlowLog
	vpcName := strings.TrimPrefix(rg.vpcData[v.VPCID], rg.prefix)
	destType, arn := flowLogDestination(fl.Destination, rg.plan)
	desc := "ARN of the S3 bucket (and optional folder) that receives the flow logs of " + v.VPCID +
		". The bucket policy must let delivery.logs.amazonaws.com write to it."
	if destType == "cloud-watch-logs" {
		desc = "ARN of the CloudWatch Logs log group that receives the flow logs of " + v.VPCID + "."
	}
	dest := w.variable(rg, "flow_log_destination_"+vpcName, desc, arn, arn != "")
	name := w.names.claim("aws_flow_log", "", rg.vpcData[v.VPCID], "flow_log")
	b := w.resource(w.network, rg, []string{fl.ID + ": the subtractive steps are checked against these logs (no new REJECT for a needed flow)."}, "aws_flow_log", name)
	setRef(b, "vpc_id", rg.vpcRef(v.VPCID))
	setString(b, "traffic_type", "ALL")
	setString(b, "log_destination_type", destType)
	setRef(b, "log_destination", dest)
	if destType == "cloud-watch-logs" {
		role := w.variable(rg, "flow_log_role_"+vpcName, "ARN of the IAM role that lets VPC Flow Logs write to the log group of "+v.VPCID+".", "", false)
		setRef(b, "iam_role_arn", role)
	}
	if fl.Format != "" {
		setString(b, "log_format", fl.Format)
	}
	setInt(b, "max_aggregation_interval", 60)
	setTags(b, newObjectTags(fl.ID, fl.ID))
	w.additive = append(w.additive, address("aws_flow_log", name))
}

// isClientVPNGroup reports whether g is the Client VPN endpoint's group
// (sg-new-client-vpn, sg-new-v2-client-vpn).
func isClientVPNGroup(g *Group) bool {
	return g.Role == "" && strings.HasSuffix(placeholderBase(g.ID), "client-vpn")
}

// writeClientVPN writes the Client VPN endpoint that carries the group g:
// the only human path to the data tiers. Its certificates are variables;
// it is associated with one private subnet (each association is billed by
// the hour; add one per AZ for redundancy).
func (w *tfWriter) writeClientVPN(rg *tfRegion, v *VPCPlan, g *Group) {
	f := w.network
	gname := strings.TrimPrefix(rg.names[g.ID], rg.prefix)
	server := w.variable(rg, gname+"_server_certificate_arn",
		"ARN of the ACM server certificate of the Client VPN endpoint in "+v.VPCID+" (import one into ACM first, e.g. made with easy-rsa).", "", false)
	root := w.variable(rg, gname+"_client_root_certificate_arn",
		"ARN of the ACM certificate of the CA that signs the Client VPN users' certificates (mutual TLS) for "+v.VPCID+".", "", false)
	cidr := clientVPNCIDR(rg, v)
	clientCIDR := w.variable(rg, gname+"_client_cidr_block",
		"Addresses given to Client VPN users: a /22 or larger that overlaps neither the VPC nor the users' own networks.", cidr, cidr != "")
	name := w.names.claim("aws_ec2_client_vpn_endpoint", "", rg.names[g.ID], "client_vpn")
	b := w.resource(f, rg, []string{
		"Client VPN: the only human path to the databases and caches (" + g.ID + ").",
		"Connection logging is off: turn it on with a CloudWatch Logs group if you need an audit trail.",
	}, "aws_ec2_client_vpn_endpoint", name)
	setString(b, "description", "vpcdoctor plan: human access to the data tier of "+v.VPCID)
	setRef(b, "server_certificate_arn", server)
	setRef(b, "client_cidr_block", clientCIDR)
	setRef(b, "vpc_id", rg.vpcRef(v.VPCID))
	setRefs(b, "security_group_ids", []tfRef{rg.tfPath(g.ID)})
	setBool(b, "split_tunnel", true)
	auth := b.AppendNewBlock("authentication_options", nil).Body()
	setString(auth, "type", "certificate-authentication")
	setRef(auth, "root_certificate_chain_arn", root)
	logs := b.AppendNewBlock("connection_log_options", nil).Body()
	setBool(logs, "enabled", false)
	setTags(b, map[string]string{"Name": placeholderBase(g.ID)})
	w.additive = append(w.additive, address("aws_ec2_client_vpn_endpoint", name))

	if subnet := clientVPNSubnet(v); subnet != "" {
		an := w.names.claim("aws_ec2_client_vpn_network_association", "", name+"_"+strings.TrimPrefix(rg.refName(subnet), rg.prefix), "association")
		b := w.resource(f, rg, []string{"One association (billed by the hour); add one per AZ for redundancy."}, "aws_ec2_client_vpn_network_association", an)
		setRef(b, "client_vpn_endpoint_id", tfPath("aws_ec2_client_vpn_endpoint", name, "id"))
		setRef(b, "subnet_id", rg.tfPath(subnet))
		w.additive = append(w.additive, address("aws_ec2_client_vpn_network_association", an))
	}
	rn := w.names.claim("aws_ec2_client_vpn_authorization_rule", "", name+"_vpc", "vpc")
	b = w.resource(f, rg, []string{"Users may reach the VPC; the data tiers' groups decide what exactly."}, "aws_ec2_client_vpn_authorization_rule", rn)
	setRef(b, "client_vpn_endpoint_id", tfPath("aws_ec2_client_vpn_endpoint", name, "id"))
	setRef(b, "target_network_cidr", tfPath("data", "aws_vpc", rg.vpcData[v.VPCID], "cidr_block"))
	setBool(b, "authorize_all_groups", true)
	w.additive = append(w.additive, address("aws_ec2_client_vpn_authorization_rule", rn))
}

// clientVPNSubnet is the private subnet the Client VPN endpoint is
// associated with: the first of the VPC's new private subnets.
func clientVPNSubnet(v *VPCPlan) string {
	best := ""
	for _, s := range v.Subnets {
		if s.Tier == TierPrivate && (best == "" || s.ID < best) {
			best = s.ID
		}
	}
	return best
}

// clientVPNCIDR picks the default client address block: the first of a few
// /22s that overlaps none of the region's VPC blocks, nor the planned
// secondary block.
func clientVPNCIDR(rg *tfRegion, v *VPCPlan) string {
	var taken []netip.Prefix
	add := func(s string) {
		if p, err := netip.ParsePrefix(s); err == nil {
			taken = append(taken, p)
		}
	}
	for _, c := range v.CIDRs {
		add(c)
	}
	add(v.SecondaryCIDR)
	if rg.model != nil {
		for _, vpc := range rg.model.VPCs {
			taken = append(taken, vpc.CIDRs...)
		}
	}
	for _, c := range []string{"10.255.252.0/22", "172.31.252.0/22", "192.168.252.0/22", "100.127.252.0/22"} {
		p := netip.MustParsePrefix(c)
		free := true
		for _, t := range taken {
			if t.Addr().Is4() && t.Overlaps(p) {
				free = false
			}
		}
		if free {
			return c
		}
	}
	return ""
}
