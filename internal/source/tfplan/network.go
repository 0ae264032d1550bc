package tfplan

import (
	"fmt"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

var (
	vpcTypes    = []string{"aws_vpc", "aws_default_vpc"}
	subnetTypes = []string{"aws_subnet", "aws_default_subnet"}
	rtTypes     = []string{"aws_route_table", "aws_default_route_table"}
	aclTypes    = []string{"aws_network_acl", "aws_default_network_acl"}
	sgTypes     = []string{"aws_security_group", "aws_default_security_group"}
)

// ownID is the resource's own ID: its planned id, else its address.
func ownID(r *res, attr string) string {
	if s, ok := r.str(attr); ok {
		return s
	}
	return placeholder(r, attr)
}

func (t *translator) vpc(r *res) {
	id := ownID(r, "id")
	v := map[string]any{"VpcId": id, "IsDefault": r.typ == "aws_default_vpc", "Tags": tags(r), "CidrBlockAssociationSet": []any{}, "Ipv6CidrBlockAssociationSet": []any{}}
	if c, ok := r.str("cidr_block"); ok {
		v["CidrBlock"] = c
		v["CidrBlockAssociationSet"] = []any{map[string]any{"CidrBlock": c, "CidrBlockState": map[string]any{"State": "associated"}}}
	} else {
		t.note(r, "its CIDR block is known only after apply (IPAM?): the VPC has no address range here")
	}
	if c, ok := r.str("ipv6_cidr_block"); ok {
		v["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"Ipv6CidrBlock": c, "Ipv6CidrBlockState": map[string]any{"State": "associated"}}}
	}
	t.docs(r).put(model.CallVPCs, v)
}

func (t *translator) subnet(r *res) {
	s := map[string]any{
		"SubnetId": ownID(r, "id"), "VpcId": t.ref1(r, "vpc_id", vpcTypes...), "AvailabilityZone": r.strOr("availability_zone", ""),
		"CidrBlock": r.strOr("cidr_block", ""), "Tags": tags(r), "Ipv6CidrBlockAssociationSet": []any{},
	}
	if b, ok := r.flag("map_public_ip_on_launch"); ok {
		s["MapPublicIpOnLaunch"] = b
	} else if isUnknown(r.unknown, "map_public_ip_on_launch") {
		s["MapPublicIpOnLaunch"] = true
		t.note(r, "map_public_ip_on_launch is known only after apply: assumed true, instances launched in it get a public address (an over-approximation)")
	} else {
		s["MapPublicIpOnLaunch"] = r.typ == "aws_default_subnet"
	}
	if c, ok := r.str("ipv6_cidr_block"); ok {
		s["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"Ipv6CidrBlock": c, "Ipv6CidrBlockState": map[string]any{"State": "associated"}}}
	}
	t.docs(r).put(model.CallSubnets, s)
}

// routeTargets maps the route arguments of Terraform to the CLI's members.
var routeTargets = []struct {
	attr, member string
	types        []string
}{
	{"gateway_id", "GatewayId", []string{"aws_internet_gateway", "aws_vpn_gateway"}},
	{"egress_only_gateway_id", "EgressOnlyInternetGatewayId", []string{"aws_egress_only_internet_gateway"}},
	{"nat_gateway_id", "NatGatewayId", []string{"aws_nat_gateway"}},
	{"transit_gateway_id", "TransitGatewayId", []string{"aws_ec2_transit_gateway"}},
	{"vpc_peering_connection_id", "VpcPeeringConnectionId", []string{"aws_vpc_peering_connection"}},
	{"network_interface_id", "NetworkInterfaceId", []string{"aws_network_interface"}},
	{"vpc_endpoint_id", "GatewayId", []string{"aws_vpc_endpoint"}},
	{"local_gateway_id", "LocalGatewayId", nil},
	{"carrier_gateway_id", "CarrierGatewayId", nil},
	{"core_network_arn", "CoreNetworkArn", nil},
}

// routeOf is one route as the CLI prints it; get reads a route argument.
func routeOf(get func(attr string, types []string) string, dest func(attr string) string) map[string]any {
	rt := map[string]any{"Origin": "CreateRoute", "State": "active"}
	if s := dest("cidr_block"); s != "" {
		rt["DestinationCidrBlock"] = s
	}
	if s := dest("ipv6_cidr_block"); s != "" {
		rt["DestinationIpv6CidrBlock"] = s
	}
	if s := dest("destination_prefix_list_id"); s != "" {
		rt["DestinationPrefixListId"] = s
	}
	for _, x := range routeTargets {
		if s := get(x.attr, x.types); s != "" {
			rt[x.member] = s
		}
	}
	return rt
}

func (t *translator) routeTable(r *res) {
	id := ownID(r, "id")
	vpc := t.ref1(r, "vpc_id", vpcTypes...)
	if r.typ == "aws_default_route_table" {
		id = t.ref1(r, "default_route_table_id", "aws_vpc", "aws_default_vpc")
		if id == "" {
			id = ownID(r, "id")
		}
	}
	routes := t.localRoutes(r, vpc)
	if open, why := t.blocksUnknown(r, "route", "route_table_id", "aws_route"); open {
		// Dynamic route blocks over unknown values: any of them may go to
		// an internet gateway.
		gw := unresolved(r, "route", []string{"aws_internet_gateway"})
		t.note(r, "its routes are known only after apply (%s; dynamic blocks over unknown values?): read as 0.0.0.0/0 and ::/0 to %s, an internet gateway not in the data (an over-approximation)", why, gw)
		for _, dest := range []string{"DestinationCidrBlock", "DestinationIpv6CidrBlock"} {
			wide := anyIPv4
			if dest == "DestinationIpv6CidrBlock" {
				wide = anyIPv6
			}
			routes = append(routes, map[string]any{dest: wide, "GatewayId": gw, "Origin": "CreateRoute", "State": "active"})
		}
	}
	blocks := blocksOf(r.vals["route"])
	for i, b := range blocks {
		routes = append(routes, routeOf(func(attr string, types []string) string {
			return t.blockRef1(r, "route", i, len(blocks), b, attr, types...)
		}, func(attr string) string {
			s, _ := b[attr].(string)
			return t.routeDest(r, attr, s, isUnknown(r.unknown, "route", i, attr))
		}))
	}
	rt := map[string]any{"RouteTableId": id, "VpcId": vpc, "Routes": routes, "Associations": []any{}, "Tags": tags(r)}
	d := t.docs(r)
	if old := d.find(model.CallRouteTables, id); old != nil {
		rt["Associations"] = old["Associations"] // kept: associations are resources of their own
		if vpc == "" {
			rt["VpcId"] = old["VpcId"]
		}
	}
	if r.typ == "aws_default_route_table" && len(anyList(rt["Associations"])) == 0 {
		rt["Associations"] = []any{map[string]any{"Main": true, "AssociationState": map[string]any{"State": "associated"}}}
	}
	d.put(model.CallRouteTables, rt)
}

// localRoutes are the routes AWS puts in every table of the VPC.
func (t *translator) localRoutes(r *res, vpcID string) []any {
	v := t.docs(r).find(model.CallVPCs, vpcID)
	var out []any
	if v == nil {
		return []any{}
	}
	if c, _ := v["CidrBlock"].(string); c != "" {
		out = append(out, map[string]any{"DestinationCidrBlock": c, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})
	}
	for _, a := range anyList(v["Ipv6CidrBlockAssociationSet"]) {
		if m, ok := a.(map[string]any); ok {
			if c, _ := m["Ipv6CidrBlock"].(string); c != "" {
				out = append(out, map[string]any{"DestinationIpv6CidrBlock": c, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})
			}
		}
	}
	if out == nil {
		out = []any{}
	}
	return out
}

func anyList(v any) []any { l, _ := v.([]any); return l }

func (t *translator) route(r *res) {
	rtID := t.ref1(r, "route_table_id", rtTypes...)
	d := t.docs(r)
	table := d.find(model.CallRouteTables, rtID)
	if table == nil {
		t.note(r, "its route table %s is neither in the plan nor in the base; the route is not read", orUnknown(rtID))
		return
	}
	rt := routeOf(func(attr string, types []string) string { return t.ref1(r, attr, types...) }, func(attr string) string {
		if attr == "cidr_block" || attr == "ipv6_cidr_block" {
			attr = "destination_" + attr
		}
		return t.routeDest(r, attr, r.strOr(attr, ""), isUnknown(r.unknown, attr))
	})
	table["Routes"] = append(anyList(table["Routes"]), rt)
}

func (t *translator) delRoute(r *res) {
	rtID, _ := r.before["route_table_id"].(string)
	table := t.docs(r).find(model.CallRouteTables, rtID)
	if table == nil {
		return
	}
	dest := ""
	for _, k := range []string{"destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"} {
		if s, _ := r.before[k].(string); s != "" {
			dest = s
		}
	}
	var keep []any
	for _, x := range anyList(table["Routes"]) {
		m, _ := x.(map[string]any)
		if m != nil && (m["DestinationCidrBlock"] == dest || m["DestinationIpv6CidrBlock"] == dest || m["DestinationPrefixListId"] == dest) {
			continue
		}
		keep = append(keep, x)
	}
	if keep == nil {
		keep = []any{}
	}
	table["Routes"] = keep
}

// routeDest is a route's destination argument: its value, or, unknown
// until apply, the widest destination (0.0.0.0/0, ::/0; a prefix list
// not in the data, which the exposure engine reads as every address
// outside the VPC), with a note.
func (t *translator) routeDest(r *res, attr, known string, unknown bool) string {
	if known != "" || !unknown {
		return known
	}
	var wide string
	switch {
	case strings.Contains(attr, "prefix_list"):
		wide = unresolved(r, attr, []string{"aws_ec2_managed_prefix_list"})
		wide = "pl-" + wide
	case strings.Contains(attr, "ipv6"):
		wide = anyIPv6
	default:
		wide = anyIPv4
	}
	t.note(r, "the route's %s is known only after apply: read as %s, the widest (an over-approximation)", attr, wide)
	return wide
}

func orUnknown(id string) string {
	if id == "" {
		return "(unknown)"
	}
	return id
}

func (t *translator) routeTableAssociation(r *res) {
	rtID := t.ref1(r, "route_table_id", rtTypes...)
	d := t.docs(r)
	table := d.find(model.CallRouteTables, rtID)
	if table == nil {
		t.note(r, "its route table %s is neither in the plan nor in the base; the association is not read", orUnknown(rtID))
		return
	}
	a := map[string]any{"Main": false, "AssociationState": map[string]any{"State": "associated"}}
	subnet := t.ref1(r, "subnet_id", subnetTypes...)
	if subnet != "" {
		a["SubnetId"] = subnet
		// A subnet has one route table: the association moves it.
		for _, other := range d.items(model.CallRouteTables) {
			other["Associations"] = dropAssoc(anyList(other["Associations"]), "SubnetId", subnet)
		}
	} else if gw := t.ref1(r, "gateway_id", "aws_internet_gateway", "aws_vpn_gateway"); gw != "" {
		a["GatewayId"] = gw
	}
	table["Associations"] = append(anyList(table["Associations"]), a)
}

func dropAssoc(list []any, key, value string) []any {
	out := []any{}
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && m[key] == value {
			continue
		}
		out = append(out, x)
	}
	return out
}

func (t *translator) mainRouteTableAssociation(r *res) {
	rtID := t.ref1(r, "route_table_id", rtTypes...)
	vpc := t.ref1(r, "vpc_id", vpcTypes...)
	d := t.docs(r)
	table := d.find(model.CallRouteTables, rtID)
	if table == nil {
		t.note(r, "its route table %s is neither in the plan nor in the base; the main association is not read", orUnknown(rtID))
		return
	}
	for _, other := range d.items(model.CallRouteTables) {
		if other["VpcId"] == vpc {
			var keep []any
			for _, x := range anyList(other["Associations"]) {
				if m, ok := x.(map[string]any); ok && m["Main"] == true {
					continue
				}
				keep = append(keep, x)
			}
			if keep == nil {
				keep = []any{}
			}
			other["Associations"] = keep
		}
	}
	table["Associations"] = append(anyList(table["Associations"]), map[string]any{"Main": true, "AssociationState": map[string]any{"State": "associated"}})
}

func (t *translator) internetGateway(r *res) {
	g := map[string]any{"InternetGatewayId": ownID(r, "id"), "Attachments": []any{}, "Tags": tags(r)}
	if vpc := t.ref1(r, "vpc_id", vpcTypes...); vpc != "" {
		g["Attachments"] = []any{map[string]any{"State": "available", "VpcId": vpc}}
	}
	t.docs(r).put(model.CallInternetGateways, g)
}

func (t *translator) egressOnlyGateway(r *res) {
	g := map[string]any{"EgressOnlyInternetGatewayId": ownID(r, "id"), "Attachments": []any{}, "Tags": tags(r)}
	if vpc := t.ref1(r, "vpc_id", vpcTypes...); vpc != "" {
		g["Attachments"] = []any{map[string]any{"State": "attached", "VpcId": vpc}}
	}
	t.docs(r).put(model.CallEgressOnlyIGWs, g)
}

func (t *translator) natGateway(r *res) {
	subnet := t.ref1(r, "subnet_id", subnetTypes...)
	d := t.docs(r)
	eniID := ownID(r, "network_interface_id")
	addr := map[string]any{"NetworkInterfaceId": eniID, "PrivateIp": r.strOr("private_ip", t.privateIP(d, subnet))}
	kind := r.strOr("connectivity_type", "public")
	if kind == "public" {
		if ip, ok := r.str("public_ip"); ok {
			addr["PublicIp"] = ip
		} else if alloc := t.ref1(r, "allocation_id", "aws_eip"); alloc != "" {
			addr["PublicIp"] = t.eipAddress(alloc)
		}
	}
	g := map[string]any{"NatGatewayId": ownID(r, "id"), "SubnetId": subnet, "VpcId": t.vpcOfSubnet(d, subnet), "State": "available",
		"ConnectivityType": kind, "NatGatewayAddresses": []any{addr}, "Tags": tags(r)}
	d.put(model.CallNATGateways, g)
	eni := map[string]any{
		"NetworkInterfaceId": eniID, "SubnetId": subnet, "VpcId": g["VpcId"], "AvailabilityZone": t.azOfSubnet(d, subnet), "InterfaceType": "nat_gateway",
		"Description": "Interface for NAT Gateway " + str(g, "NatGatewayId"), "RequesterManaged": true, "Status": "in-use", "SourceDestCheck": false,
		"Groups": []any{}, "PrivateIpAddress": addr["PrivateIp"], "Ipv6Addresses": []any{}, "TagSet": []any{},
		"PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": addr["PrivateIp"]}},
	}
	if ip, ok := addr["PublicIp"].(string); ok {
		setAssociation(eni, ip)
	}
	d.put(model.CallNetworkInterfaces, eni)
}

// vpcOfSubnet is the VPC of a subnet of the plan or the base.
func (t *translator) vpcOfSubnet(d *regionDocs, subnet string) string {
	if s := d.find(model.CallSubnets, subnet); s != nil {
		v, _ := s["VpcId"].(string)
		return v
	}
	return ""
}

// protocolNumbers maps Terraform's protocol names to the numbers
// describe-network-acls prints.
var protocolNumbers = map[string]string{"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}

func aclProtocol(p string) string {
	if n, ok := protocolNumbers[strings.ToLower(p)]; ok {
		return n
	}
	return p
}

// aclEntry is one entry as describe-network-acls prints it.
func aclEntry(egress bool, get func(string) (any, bool)) map[string]any {
	str := func(k string) string { v, _ := get(k); s, _ := v.(string); return s }
	n := func(k string) (int64, bool) { v, _ := get(k); return numOf(v) }
	e := map[string]any{"Egress": egress}
	if rn, ok := n("rule_no"); ok {
		e["RuleNumber"] = rn
	} else if rn, ok := n("rule_number"); ok {
		e["RuleNumber"] = rn
	}
	action := str("action")
	if action == "" {
		action = str("rule_action")
	}
	e["RuleAction"] = strings.ToLower(action)
	proto := aclProtocol(str("protocol"))
	e["Protocol"] = proto
	if c := str("cidr_block"); c != "" {
		e["CidrBlock"] = c
	}
	if c := str("ipv6_cidr_block"); c != "" {
		e["Ipv6CidrBlock"] = c
	}
	switch proto {
	case "6", "17":
		from, _ := n("from_port")
		to, _ := n("to_port")
		e["PortRange"] = map[string]any{"From": from, "To": to}
	case "1", "58":
		typ, _ := n("icmp_type")
		code, _ := n("icmp_code")
		e["IcmpTypeCode"] = map[string]any{"Type": typ, "Code": code}
	}
	return e
}

// defaultDeny is the entry every network ACL ends with.
func defaultDeny(egress bool) map[string]any {
	return map[string]any{"RuleNumber": int64(32767), "Egress": egress, "RuleAction": "deny", "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}
}

func (t *translator) networkACL(r *res) {
	id := ownID(r, "id")
	vpc := t.ref1(r, "vpc_id", vpcTypes...)
	if r.typ == "aws_default_network_acl" {
		if s := t.ref1(r, "default_network_acl_id", "aws_vpc", "aws_default_vpc"); s != "" {
			id = s
		}
	}
	d := t.docs(r)
	entries := []any{}
	for _, dir := range []string{"ingress", "egress"} {
		if open, why := t.blocksUnknown(r, dir, "network_acl_id", "aws_network_acl_rule"); open {
			t.note(r, "its %s entries are known only after apply (%s; dynamic blocks over unknown values?): assumed to allow everything before every other entry (an over-approximation)", dir, why)
			entries = append(entries, openACLEntries(dir == "egress")...)
		}
		blocks := blocksOf(r.vals[dir])
		for i, b := range blocks {
			e := aclEntry(dir == "egress", func(k string) (any, bool) { v, ok := b[k]; return v, ok })
			for _, w := range t.widenACLEntry(r, e, func(attr string) bool { return isUnknown(r.unknown, dir, i, attr) }, fmt.Sprintf("%s entry %d of %d", dir, i+1, len(blocks))) {
				entries = append(entries, w)
			}
		}
	}
	entries = append(entries, defaultDeny(false), defaultDeny(true))
	acl := map[string]any{"NetworkAclId": id, "VpcId": vpc, "IsDefault": r.typ == "aws_default_network_acl", "Entries": entries, "Associations": []any{}, "Tags": tags(r)}
	if old := d.find(model.CallNetworkACLs, id); old != nil {
		acl["Associations"] = old["Associations"]
		acl["IsDefault"] = old["IsDefault"]
		if vpc == "" {
			acl["VpcId"] = old["VpcId"]
		}
	}
	d.put(model.CallNetworkACLs, acl)
	for _, s := range t.refN(r, "subnet_ids", subnetTypes...) {
		t.associateACL(d, acl, s)
	}
}

// associateACL moves subnet to acl: a subnet has exactly one network ACL.
func (t *translator) associateACL(d *regionDocs, acl map[string]any, subnet string) {
	for _, other := range d.items(model.CallNetworkACLs) {
		other["Associations"] = dropAssoc(anyList(other["Associations"]), "SubnetId", subnet)
	}
	acl["Associations"] = append(anyList(acl["Associations"]), map[string]any{"SubnetId": subnet})
}

func (t *translator) networkACLRule(r *res) {
	id := t.ref1(r, "network_acl_id", aclTypes...)
	acl := t.docs(r).find(model.CallNetworkACLs, id)
	if acl == nil {
		t.note(r, "its network ACL %s is neither in the plan nor in the base; the rule is not read", orUnknown(id))
		return
	}
	dirs := []bool{false}
	if egress, ok := r.flag("egress"); ok {
		dirs[0] = egress
	} else if isUnknown(r.unknown, "egress") {
		// Either direction: an allow counts in both, a deny in neither.
		t.note(r, "egress is known only after apply: the entry is read in both directions")
		dirs = []bool{false, true}
	}
	for _, egress := range dirs {
		e := aclEntry(egress, func(k string) (any, bool) { v, ok := r.vals[k]; return v, ok })
		for _, w := range t.widenACLEntry(r, e, func(attr string) bool { return isUnknown(r.unknown, attr) }, "the entry") {
			acl["Entries"] = append(anyList(acl["Entries"]), w)
		}
	}
}

func (t *translator) networkACLAssociation(r *res) {
	id := t.ref1(r, "network_acl_id", aclTypes...)
	d := t.docs(r)
	acl := d.find(model.CallNetworkACLs, id)
	if acl == nil {
		t.note(r, "its network ACL %s is neither in the plan nor in the base; the association is not read", orUnknown(id))
		return
	}
	if s := t.ref1(r, "subnet_id", subnetTypes...); s != "" {
		t.associateACL(d, acl, s)
	}
}

// implicit adds what AWS creates by itself with a VPC the plan creates (its
// main route table, default network ACL and default security group, unless
// the plan manages them with aws_default_*) and gives every subnet without
// a network ACL its VPC's default one.
func (t *translator) implicit() {
	for _, r := range t.all {
		if (r.typ != "aws_vpc") || !r.exists() || (t.base && r.unchanged()) || r.vals == nil {
			continue
		}
		d := t.docs(r)
		vpc := ownID(r, "id")
		rtID := t.idOf(target{r.addr, "default_route_table_id"})
		if d.find(model.CallRouteTables, rtID) == nil {
			d.put(model.CallRouteTables, map[string]any{"RouteTableId": rtID, "VpcId": vpc, "Routes": t.localRoutes(r, vpc),
				"Associations": []any{map[string]any{"Main": true, "AssociationState": map[string]any{"State": "associated"}}}, "Tags": []any{}})
		}
		aclID := t.idOf(target{r.addr, "default_network_acl_id"})
		if d.find(model.CallNetworkACLs, aclID) == nil {
			allow := func(egress bool) map[string]any {
				return map[string]any{"RuleNumber": int64(100), "Egress": egress, "RuleAction": "allow", "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}
			}
			d.put(model.CallNetworkACLs, map[string]any{"NetworkAclId": aclID, "VpcId": vpc, "IsDefault": true, "Associations": []any{}, "Tags": []any{},
				"Entries": []any{allow(false), defaultDeny(false), allow(true), defaultDeny(true)}})
		}
		sgID := t.idOf(target{r.addr, "default_security_group_id"})
		if d.find(model.CallSecurityGroups, sgID) == nil {
			self := map[string]any{"IpProtocol": "-1", "UserIdGroupPairs": []any{map[string]any{"GroupId": sgID}}, "IpRanges": []any{}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}}
			all := map[string]any{"IpProtocol": "-1", "IpRanges": []any{map[string]any{"CidrIp": "0.0.0.0/0"}}, "Ipv6Ranges": []any{}, "PrefixListIds": []any{}, "UserIdGroupPairs": []any{}}
			d.put(model.CallSecurityGroups, map[string]any{"GroupId": sgID, "GroupName": "default", "Description": "default VPC security group", "VpcId": vpc,
				"IpPermissions": []any{self}, "IpPermissionsEgress": []any{all}, "Tags": []any{}})
		}
	}
	for _, d := range t.regions {
		associated := map[string]bool{}
		defaults := map[string]map[string]any{}
		for _, acl := range d.items(model.CallNetworkACLs) {
			for _, a := range anyList(acl["Associations"]) {
				if m, ok := a.(map[string]any); ok {
					s, _ := m["SubnetId"].(string)
					associated[s] = true
				}
			}
			if acl["IsDefault"] == true {
				v, _ := acl["VpcId"].(string)
				defaults[v] = acl
			}
		}
		for _, s := range d.items(model.CallSubnets) {
			id, _ := s["SubnetId"].(string)
			v, _ := s["VpcId"].(string)
			if acl := defaults[v]; acl != nil && !associated[id] {
				acl["Associations"] = append(anyList(acl["Associations"]), map[string]any{"SubnetId": id})
			}
		}
		t.finishRegion(d)
	}
}

// delNetworkACLRule removes, from a base, the entry an aws_network_acl_rule
// was (its ACL, rule number and direction before the plan): left in, a
// deleted deny would hide what the plan opens.
func (t *translator) delNetworkACLRule(r *res) {
	id, _ := r.before["network_acl_id"].(string)
	acl := t.docs(r).find(model.CallNetworkACLs, id)
	n, ok := numOf(r.before["rule_number"])
	if acl == nil || !ok {
		return
	}
	egress, _ := r.before["egress"].(bool)
	kept := []any{}
	for _, x := range anyList(acl["Entries"]) {
		if m, ok := x.(map[string]any); ok && m["Egress"] == egress {
			if rn, ok := numOf(m["RuleNumber"]); ok && rn == n {
				continue
			}
		}
		kept = append(kept, x)
	}
	acl["Entries"] = kept
}

// delRouteTableAssociation removes, from a base, the association an
// aws_route_table_association was: the subnet goes back to its VPC's main
// route table, as in AWS.
func (t *translator) delRouteTableAssociation(r *res) {
	subnet, _ := r.before["subnet_id"].(string)
	gw, _ := r.before["gateway_id"].(string)
	for _, table := range t.docs(r).items(model.CallRouteTables) {
		if subnet != "" {
			table["Associations"] = dropAssoc(anyList(table["Associations"]), "SubnetId", subnet)
		} else if gw != "" {
			table["Associations"] = dropAssoc(anyList(table["Associations"]), "GatewayId", gw)
		}
	}
}

// delNetworkACLAssociation removes, from a base, the association an
// aws_network_acl_association was: the subnet goes back to its VPC's
// default network ACL (Terraform re-associates it so), as implicit does.
func (t *translator) delNetworkACLAssociation(r *res) {
	subnet, _ := r.before["subnet_id"].(string)
	if subnet == "" {
		return
	}
	for _, acl := range t.docs(r).items(model.CallNetworkACLs) {
		acl["Associations"] = dropAssoc(anyList(acl["Associations"]), "SubnetId", subnet)
	}
}
