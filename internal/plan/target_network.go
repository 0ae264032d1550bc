package plan

import (
	"math/big"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The VPC plumbing of the target: CIDR blocks, subnets, route tables,
// network ACL associations, NAT gateways, VPC endpoints, prefix lists and
// flow logs, as the AWS CLI prints them.

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (t *regionTarget) arn(service, resource string) string {
	return "arn:" + partition(t.reg.Name) + ":" + service + ":" + t.reg.Name + ":" + t.owner + ":" + resource
}

func (t *regionTarget) editVPCs() error {
	vpcs, _, err := t.result("ec2-describe-vpcs.json", "Vpcs")
	if err != nil {
		return err
	}
	for _, v := range t.rp.VPCs {
		if v.SecondaryCIDR == "" {
			continue
		}
		for _, o := range vpcs {
			if str(o, "VpcId") != v.VPCID || t.hasCIDR(o, v.SecondaryCIDR) {
				continue
			}
			appendTo(o, "CidrBlockAssociationSet", map[string]any{
				"AssociationId":  "vpc-cidr-assoc-new-" + strings.TrimPrefix(v.VPCID, "vpc-"),
				"CidrBlock":      v.SecondaryCIDR,
				"CidrBlockState": map[string]any{"State": "associated"},
			})
		}
	}
	return nil
}

func (t *regionTarget) hasCIDR(vpc map[string]any, cidr string) bool {
	if str(vpc, "CidrBlock") == cidr {
		return true
	}
	for _, a := range objects(vpc, "CidrBlockAssociationSet") {
		if str(a, "CidrBlock") == cidr {
			return true
		}
	}
	return false
}

// prefixListOf returns the ID of the AWS-managed prefix list of a gateway
// endpoint's service (com.amazonaws.REGION.s3), as the snapshot names it,
// else the placeholder pl-new-s3.
func (t *regionTarget) prefixListOf(service string) string {
	for _, pl := range t.reg.PrefixLists {
		if pl.Name == service {
			return pl.ID
		}
	}
	short := service[strings.LastIndexByte(service, '.')+1:]
	return "pl-new-" + short
}

// editPrefixLists adds the placeholder prefix lists of gateway endpoints
// whose service's list the snapshot does not name.
func (t *regionTarget) editPrefixLists() error {
	lists, root, err := t.result("ec2-describe-managed-prefix-lists.json", "PrefixLists")
	if err != nil || root == nil {
		return err
	}
	have := map[string]bool{}
	for _, o := range lists {
		have[str(o, "PrefixListId")] = true
	}
	var add []map[string]any
	for _, ep := range t.gatewayEndpoints() {
		id := t.prefixListOf(ep.Service)
		if have[id] {
			continue
		}
		have[id] = true
		add = append(add, map[string]any{
			"PrefixListId":   id,
			"AddressFamily":  "IPv4",
			"State":          "create-complete",
			"PrefixListArn":  "arn:" + partition(t.reg.Name) + ":ec2:" + t.reg.Name + ":aws:prefix-list/" + id,
			"PrefixListName": ep.Service,
			"Tags":           []any{},
			"OwnerId":        "AWS",
		})
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "PrefixListId") < str(add[j], "PrefixListId") })
	appendTo(root, "PrefixLists", anyObjects(add)...)
	return nil
}

// gatewayEndpoints returns the new gateway endpoints, by ID.
func (t *regionTarget) gatewayEndpoints() []*Endpoint {
	var out []*Endpoint
	for _, v := range t.rp.VPCs {
		for _, ep := range v.Endpoints {
			if strings.EqualFold(ep.Type, "Gateway") {
				out = append(out, ep)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (t *regionTarget) editSubnets() error {
	subnets, root, err := t.result("ec2-describe-subnets.json", "Subnets")
	if err != nil || root == nil {
		return err
	}
	public := map[string]bool{}
	for _, v := range t.rp.VPCs {
		for _, id := range v.PublicSubnets {
			public[id] = true
		}
	}
	azID := map[string]string{}
	for _, o := range subnets {
		id := str(o, "SubnetId")
		if public[id] {
			o["MapPublicIpOnLaunch"] = false
		}
		if s := t.subnets[id]; s != nil && s.arrivals != s.departures {
			if n, ok := numOf(o, "AvailableIpAddressCount"); ok {
				o["AvailableIpAddressCount"] = num(n + s.departures - s.arrivals)
			}
		}
		if az, zid := str(o, "AvailabilityZone"), str(o, "AvailabilityZoneId"); az != "" && zid != "" && azID[az] == "" {
			azID[az] = zid
		}
	}
	var add []map[string]any
	for _, v := range t.rp.VPCs {
		for _, s := range v.Subnets {
			info := t.subnets[s.ID]
			o := map[string]any{
				"AvailabilityZone":            s.AZ,
				"AvailableIpAddressCount":     num(available(info.CIDR) - info.arrivals),
				"CidrBlock":                   info.CIDR.String(),
				"DefaultForAz":                false,
				"MapPublicIpOnLaunch":         false,
				"MapCustomerOwnedIpOnLaunch":  false,
				"State":                       "available",
				"SubnetId":                    s.ID,
				"VpcId":                       info.VPCID,
				"OwnerId":                     t.owner,
				"AssignIpv6AddressOnCreation": false,
				"Ipv6CidrBlockAssociationSet": []any{},
				"Tags":                        tagList(newObjectTags(s.ID, s.Name)),
				"SubnetArn":                   t.arn("ec2", "subnet/"+s.ID),
				"EnableDns64":                 false,
				"Ipv6Native":                  false,
				"PrivateDnsNameOptionsOnLaunch": map[string]any{
					"HostnameType":                    "ip-name",
					"EnableResourceNameDnsARecord":    false,
					"EnableResourceNameDnsAAAARecord": false,
				},
			}
			if zid := azID[s.AZ]; zid != "" {
				o["AvailabilityZoneId"] = zid
			}
			add = append(add, o)
		}
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "SubnetId") < str(add[j], "SubnetId") })
	appendTo(root, "Subnets", anyObjects(add)...)
	return nil
}

// available is the number of addresses AWS lets interfaces use in a
// subnet: all but the first four and the last.
func available(p netip.Prefix) int {
	n := new(big.Int).Lsh(big.NewInt(1), uint(32-p.Bits()))
	return int(n.Int64()) - 5
}

// routeEntry is one route as the CLI prints it.
func routeEntry(dest, target, origin string) map[string]any {
	o := map[string]any{"Origin": origin, "State": "active"}
	switch {
	case strings.HasPrefix(dest, "pl-"):
		o["DestinationPrefixListId"] = dest
	case strings.Contains(dest, ":"):
		o["DestinationIpv6CidrBlock"] = dest
	default:
		o["DestinationCidrBlock"] = dest
	}
	switch {
	case strings.HasPrefix(target, "nat-"):
		o["NatGatewayId"] = target
	case strings.HasPrefix(target, "tgw-"):
		o["TransitGatewayId"] = target
	case strings.HasPrefix(target, "pcx-"):
		o["VpcPeeringConnectionId"] = target
	case strings.HasPrefix(target, "eigw-"):
		o["EgressOnlyInternetGatewayId"] = target
	case strings.HasPrefix(target, "eni-"):
		o["NetworkInterfaceId"] = target
	case strings.HasPrefix(target, "i-"):
		o["InstanceId"] = target
	default: // local, igw-, vgw-, vpce-
		o["GatewayId"] = target
	}
	return o
}

func routeDest(o map[string]any) string {
	for _, k := range []string{"DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"} {
		if s := str(o, k); s != "" {
			return s
		}
	}
	return ""
}

// localCIDRs are the VPC's blocks after the migration: each gets a local
// route in every route table of the VPC (AWS adds them itself).
func (t *regionTarget) localCIDRs(vpcID string) []string {
	var out []string
	if v := t.reg.VPC(vpcID); v != nil {
		for _, c := range v.CIDRs {
			out = append(out, c.String())
		}
	}
	for _, v := range t.rp.VPCs {
		if v.VPCID == vpcID && v.SecondaryCIDR != "" && !slices.Contains(out, v.SecondaryCIDR) {
			out = append(out, v.SecondaryCIDR)
		}
	}
	return out
}

func associationID(prefix, subnet string) string {
	return prefix + "-new-" + strings.TrimPrefix(strings.TrimPrefix(subnet, "subnet-"), "new-")
}

func (t *regionTarget) editRouteTables() error {
	tables, root, err := t.result("ec2-describe-route-tables.json", "RouteTables")
	if err != nil || root == nil {
		return err
	}
	// Which table each new subnet is associated with.
	assoc := map[string][]string{}
	for _, v := range t.rp.VPCs {
		for _, rt := range v.RouteTables {
			assoc[rt.ID] = append(assoc[rt.ID], rt.Subnets...)
		}
		for _, s := range v.Subnets {
			if s.RouteTable != "" {
				assoc[s.RouteTable] = append(assoc[s.RouteTable], s.ID)
			}
		}
	}
	// The gateway endpoints' routes, by table.
	epRoutes := map[string][]*Endpoint{}
	for _, ep := range t.gatewayEndpoints() {
		for _, id := range ep.RouteTables {
			epRoutes[id] = append(epRoutes[id], ep)
		}
	}
	addRoutes := func(o map[string]any, vpcID, table string) {
		have := map[string]bool{}
		for _, r := range objects(o, "Routes") {
			have[routeDest(r)] = true
		}
		for _, c := range t.localCIDRs(vpcID) {
			if !have[c] {
				have[c] = true
				appendTo(o, "Routes", routeEntry(c, "local", "CreateRouteTable"))
			}
		}
		for _, ep := range epRoutes[table] {
			pl := t.prefixListOf(ep.Service)
			if !have[pl] {
				have[pl] = true
				appendTo(o, "Routes", routeEntry(pl, ep.ID, "CreateRoute"))
			}
		}
	}
	addAssociations := func(o map[string]any, table string) {
		have := map[string]bool{}
		for _, a := range objects(o, "Associations") {
			have[str(a, "SubnetId")] = true
		}
		for _, s := range sortedUnique(assoc[table]) {
			if have[s] {
				continue
			}
			appendTo(o, "Associations", map[string]any{
				"Main":                    false,
				"RouteTableAssociationId": associationID("rtbassoc", s),
				"RouteTableId":            table,
				"SubnetId":                s,
				"AssociationState":        map[string]any{"State": "associated"},
			})
		}
	}
	for _, o := range tables {
		id := str(o, "RouteTableId")
		addRoutes(o, str(o, "VpcId"), id)
		addAssociations(o, id)
	}
	var add []map[string]any
	for _, v := range t.rp.VPCs {
		for _, rt := range v.RouteTables {
			vpc := rt.VPCID
			if vpc == "" {
				vpc = v.VPCID
			}
			o := map[string]any{
				"Associations":    []any{},
				"PropagatingVgws": []any{},
				"RouteTableId":    rt.ID,
				"Routes":          []any{},
				"Tags":            tagList(newObjectTags(rt.ID, rt.Name)),
				"VpcId":           vpc,
				"OwnerId":         t.owner,
			}
			addRoutes(o, vpc, "") // local routes first, as AWS lists them
			have := map[string]bool{}
			for _, r := range objects(o, "Routes") {
				have[routeDest(r)] = true
			}
			for _, r := range rt.Routes {
				if r.Target == "local" || have[r.Destination] {
					continue
				}
				have[r.Destination] = true
				appendTo(o, "Routes", routeEntry(r.Destination, r.Target, "CreateRoute"))
			}
			addRoutes(o, vpc, rt.ID)
			addAssociations(o, rt.ID)
			add = append(add, o)
		}
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "RouteTableId") < str(add[j], "RouteTableId") })
	appendTo(root, "RouteTables", anyObjects(add)...)
	return nil
}

// editNetworkACLs associates every new subnet with its VPC's default
// network ACL, as AWS does for a subnet created without one.
func (t *regionTarget) editNetworkACLs() error {
	acls, root, err := t.result("ec2-describe-network-acls.json", "NetworkAcls")
	if err != nil || root == nil {
		return err
	}
	for _, v := range t.rp.VPCs {
		for _, o := range acls {
			if str(o, "VpcId") != v.VPCID || o["IsDefault"] != true {
				continue
			}
			have := map[string]bool{}
			for _, a := range objects(o, "Associations") {
				have[str(a, "SubnetId")] = true
			}
			subnets := slices.Clone(v.Subnets)
			sort.Slice(subnets, func(i, j int) bool { return subnets[i].ID < subnets[j].ID })
			for _, s := range subnets {
				if have[s.ID] {
					continue
				}
				appendTo(o, "Associations", map[string]any{
					"NetworkAclAssociationId": associationID("aclassoc", s.ID),
					"NetworkAclId":            str(o, "NetworkAclId"),
					"SubnetId":                s.ID,
				})
			}
			break
		}
	}
	return nil
}

// newENIsOf returns the new interfaces of a new object, in ID order.
func (t *regionTarget) newENIsOf(owner string) []*newENI {
	var out []*newENI
	for _, n := range t.newENIs {
		if n.owner == owner {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].eniID < out[j].eniID })
	return out
}

func (t *regionTarget) editNATGateways() error {
	_, root, err := t.result("ec2-describe-nat-gateways.json", "NatGateways")
	if err != nil || root == nil {
		return err
	}
	var add []map[string]any
	for _, v := range t.rp.VPCs {
		for _, n := range v.NATGateways {
			var addrs []any
			for _, e := range t.newENIsOf(n.ID) {
				// No PublicIp: AWS assigns the Elastic IP at creation
				// (see WriteTarget).
				addrs = append(addrs, map[string]any{
					"AllocationId":       n.AllocationID,
					"NetworkInterfaceId": e.eniID,
					"PrivateIp":          e.addrs[0].String(),
					"IsPrimary":          true,
					"Status":             "succeeded",
				})
			}
			add = append(add, map[string]any{
				"NatGatewayAddresses": addrs,
				"NatGatewayId":        n.ID,
				"State":               "available",
				"SubnetId":            n.Subnet,
				"VpcId":               v.VPCID,
				"Tags":                tagList(newObjectTags(n.ID, n.ID)),
				"ConnectivityType":    "public",
			})
		}
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "NatGatewayId") < str(add[j], "NatGatewayId") })
	appendTo(root, "NatGateways", anyObjects(add)...)
	return nil
}

func (t *regionTarget) editVPCEndpoints() error {
	eps, root, err := t.result("ec2-describe-vpc-endpoints.json", "VpcEndpoints")
	if err != nil || root == nil {
		return err
	}
	have := map[string]bool{}
	for _, o := range eps {
		id := str(o, "VpcEndpointId")
		have[id] = true
		m := t.move(model.KindVPCEndpoint, id)
		if m == nil {
			continue
		}
		if m.relocates() {
			subnets := slices.Clone(m.ToSubnets)
			sort.Strings(subnets)
			o["SubnetIds"] = anyStrings(subnets)
		}
		if len(m.NewGroups) > 0 {
			o["Groups"] = t.groupRefs(m.NewGroups)
		}
	}
	var add []map[string]any
	for _, v := range t.rp.VPCs {
		for _, ep := range v.Endpoints {
			if have[ep.ID] {
				continue
			}
			gateway := strings.EqualFold(ep.Type, "Gateway")
			o := map[string]any{
				"VpcEndpointId":       ep.ID,
				"VpcEndpointType":     map[bool]string{true: "Gateway", false: "Interface"}[gateway],
				"VpcId":               v.VPCID,
				"ServiceName":         ep.Service,
				"State":               "available",
				"RouteTableIds":       []any{},
				"SubnetIds":           []any{},
				"Groups":              []any{},
				"PrivateDnsEnabled":   ep.PrivateDNS && !gateway,
				"RequesterManaged":    false,
				"NetworkInterfaceIds": []any{},
				"DnsEntries":          []any{},
				"Tags":                tagList(newObjectTags(ep.ID, ep.ID)),
				"OwnerId":             t.owner,
			}
			if gateway {
				o["RouteTableIds"] = anyStrings(sortedUnique(ep.RouteTables))
			} else {
				o["SubnetIds"] = anyStrings(sortedUnique(ep.Subnets))
				o["Groups"] = t.groupRefs(ep.Groups)
				var enis []string
				for _, e := range t.newENIsOf(ep.ID) {
					enis = append(enis, e.eniID)
				}
				o["NetworkInterfaceIds"] = anyStrings(enis)
				o["IpAddressType"] = "ipv4"
				o["DnsOptions"] = map[string]any{"DnsRecordIpType": "ipv4"}
			}
			add = append(add, o)
		}
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "VpcEndpointId") < str(add[j], "VpcEndpointId") })
	appendTo(root, "VpcEndpoints", anyObjects(add)...)
	return nil
}

// editFlowLogs adds the flow logs the plan turns on.
func (t *regionTarget) editFlowLogs() error {
	logs, root, err := t.result("ec2-describe-flow-logs.json", "FlowLogs")
	if err != nil || root == nil {
		return err
	}
	have := map[string]bool{}
	for _, o := range logs {
		have[str(o, "FlowLogId")] = true
	}
	var add []map[string]any
	for _, v := range t.rp.VPCs {
		fl := v.FlowLog
		if fl == nil || have[fl.ID] {
			continue
		}
		o := map[string]any{
			"FlowLogId":              fl.ID,
			"FlowLogStatus":          "ACTIVE",
			"DeliverLogsStatus":      "SUCCESS",
			"ResourceId":             v.VPCID,
			"TrafficType":            "ALL",
			"LogDestinationType":     destinationType(fl.Destination),
			"LogDestination":         fl.Destination,
			"MaxAggregationInterval": num(600),
			"Tags":                   tagList(newObjectTags(fl.ID, fl.ID)),
		}
		o["LogFormat"] = fl.Format
		if fl.Format == "" {
			o["LogFormat"] = defaultFlowLogFormat
		}
		if o["LogDestinationType"] == "cloud-watch-logs" {
			if _, group, ok := strings.Cut(fl.Destination, ":log-group:"); ok {
				o["LogGroupName"] = strings.TrimSuffix(group, ":*")
			}
		}
		add = append(add, o)
	}
	sort.Slice(add, func(i, j int) bool { return str(add[i], "FlowLogId") < str(add[j], "FlowLogId") })
	appendTo(root, "FlowLogs", anyObjects(add)...)
	return nil
}

// defaultFlowLogFormat is the format AWS prints for a flow log made
// without one (version 2's fields).
const defaultFlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

// destinationType is a flow log's LogDestinationType from its
// destination's ARN (an S3 bucket unless it names CloudWatch Logs or
// Kinesis Data Firehose).
func destinationType(dest string) string {
	switch {
	case strings.Contains(dest, ":logs:"):
		return "cloud-watch-logs"
	case strings.Contains(dest, ":firehose:"):
		return "kinesis-data-firehose"
	}
	return "s3"
}
