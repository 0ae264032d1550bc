package synth

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Target is the account of the scale target: 10,000 network interfaces,
// 2,000 security groups and 20 VPCs in one region.
var Target = Size{VPCs: 20, SecurityGroups: 2000, ENIs: 10000}

// Times returns s with its VPCs, security groups and interfaces multiplied
// by n.
func (s Size) Times(n int) Size {
	s.VPCs *= n
	s.SecurityGroups *= n
	s.ENIs *= n
	s.Instances *= n
	return s
}

// writeRealistic writes the account a Size with ENIs > 0 asks for, shaped
// like a real one:
//
//   - every VPC has nine subnets over three AZs (public, private, data),
//     an internet gateway, one NAT gateway per AZ, a main route table
//     (local only), a public one (internet gateway), one private one per
//     AZ (NAT gateway, S3 gateway endpoint by prefix list, and in some VPCs
//     a transit gateway, a peering and a blackhole route) and a data one;
//     every fourth VPC also has IPv6 (blocks, ::/0 routes, an egress-only
//     gateway and addresses on some interfaces);
//   - network ACLs: the default (allow all) on private subnets and, in
//     three VPCs of four, custom ACLs on public subnets (web, SSH from the
//     office, ephemeral ports, denies) and on data subnets (VPC only);
//   - security groups: per VPC a default group, bastion, bastion-access,
//     monitoring, load balancer, endpoint and VPN groups, then application
//     groups of varied kinds: internal (referring to load balancer and
//     other groups), databases, public web, world-open SSH/RDP, open high
//     ports, all traffic from anywhere, office prefix lists;
//   - interfaces: mostly EC2 instances (full describe-instances records,
//     one interface each, a few with a second), grouped into applications
//     of very unequal size placed on one to three AZs, each with its own
//     group and some shared ones; instances of public applications have
//     public IPv4 addresses; plus NAT gateways, interface endpoints,
//     Lambda (Hyperplane) interfaces, RDS instances and load balancers
//     (internet-facing and internal ALBs, NLBs without groups) with
//     listeners, target groups, targets and attributes.
//
// The writer draws from a generator seeded by the size, so the bytes depend
// only on s.
func writeRealistic(dir string, s Size) error {
	g, err := planRealistic(dir, s)
	if err != nil {
		return err
	}
	return writeFiles(g.files)
}

// planRealistic builds the account writeRealistic writes (its files under
// dir, not yet written), keeping what the flow-log generator needs to
// know of it.
func planRealistic(dir string, s Size) (*gen, error) {
	if s.VPCs < 1 {
		s.VPCs = 1
	}
	if s.SecurityGroups < 12*s.VPCs {
		s.SecurityGroups = 12 * s.VPCs
	}
	g := &gen{
		s:         s,
		r:         rand.New(rand.NewPCG(uint64(s.VPCs)<<40|uint64(s.SecurityGroups)<<20|uint64(s.ENIs), 0x5eed)),
		files:     map[string]any{},
		regionDir: filepath.Join(dir, s.Region),
	}
	g.files[filepath.Join(dir, "sts-get-caller-identity.json")] = map[string]any{"Account": s.AccountID, "Arn": "arn:aws:iam::" + s.AccountID + ":user/bench", "UserId": "AIDABENCHBENCHBENCH00"}
	g.prefixLists()
	for v := 0; v < s.VPCs; v++ {
		g.vpc(v)
	}
	g.put("ec2-describe-vpcs", map[string]any{"Vpcs": g.vpcsOut})
	g.put("ec2-describe-subnets", map[string]any{"Subnets": g.subnetsOut})
	g.put("ec2-describe-route-tables", map[string]any{"RouteTables": g.rtsOut})
	g.put("ec2-describe-internet-gateways", map[string]any{"InternetGateways": g.igwsOut})
	g.put("ec2-describe-egress-only-internet-gateways", map[string]any{"EgressOnlyInternetGateways": g.eigwsOut})
	g.put("ec2-describe-nat-gateways", map[string]any{"NatGateways": g.natsOut})
	g.put("ec2-describe-network-acls", map[string]any{"NetworkAcls": g.aclsOut})
	g.put("ec2-describe-security-groups", map[string]any{"SecurityGroups": g.groupsOut})
	g.put("ec2-describe-instances", map[string]any{"Reservations": g.reservations})
	g.put("ec2-describe-network-interfaces", map[string]any{"NetworkInterfaces": g.enis})
	g.put("ec2-describe-vpc-endpoints", map[string]any{"VpcEndpoints": g.endpointsOut})
	g.put("ec2-describe-vpc-peering-connections", map[string]any{"VpcPeeringConnections": g.peeringsOut})
	g.put("ec2-describe-flow-logs", map[string]any{"FlowLogs": g.flowLogsOut})
	g.put("elbv2-describe-load-balancers", map[string]any{"LoadBalancers": g.lbsOut})
	g.put("elbv2-describe-target-groups", map[string]any{"TargetGroups": g.tgsOut})
	g.put("rds-describe-db-instances", map[string]any{"DBInstances": g.dbsOut})
	g.put("lambda-list-functions", map[string]any{"Functions": g.fnsOut})
	for _, empty := range []struct{ name, key string }{
		{"elb-describe-load-balancers", "LoadBalancerDescriptions"}, {"rds-describe-db-clusters", "DBClusters"},
		{"elasticache-describe-cache-clusters", "CacheClusters"}, {"elasticache-describe-cache-subnet-groups", "CacheSubnetGroups"},
		{"ecs-list-clusters", "clusterArns"},
	} {
		g.put(empty.name, map[string]any{empty.key: []any{}})
	}
	if g.enisWritten != s.ENIs {
		return nil, fmt.Errorf("synth: wrote %d interfaces, want %d", g.enisWritten, s.ENIs)
	}
	return g, nil
}

// writeFiles writes each value as the AWS CLI prints it (four-space indent),
// in a fixed order.
func writeFiles(files map[string]any) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		data, err := json.MarshalIndent(files[path], "", "    ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			return err
		}
		files[path] = nil // let the collector have it
	}
	return nil
}

// gen accumulates one account's files.
type gen struct {
	s         Size
	r         *rand.Rand
	files     map[string]any
	regionDir string

	vpcsOut, subnetsOut, rtsOut, igwsOut, eigwsOut, natsOut, aclsOut, groupsOut []any
	endpointsOut, peeringsOut, lbsOut, tgsOut, dbsOut, fnsOut, flowLogsOut      []any
	reservations                                                                []any
	enis                                                                        []netIface
	enisWritten                                                                 int

	nGroups   int // groups allotted so far
	nEnis     int // interfaces allotted so far
	nPublic   uint32
	nInstance int
	vpcs      []*vpcPlan // kept for the flow-log generator
	nENI      int
	nMisc     int
	plOffice  string
	plS3      string
}

func (g *gen) put(name string, v any) { g.files[filepath.Join(g.regionDir, name+".json")] = v }

// perResource stores one file of a per-resource call, named after the
// URL-encoded resource ID as scripts/snapshot.sh names it.
func (g *gen) perResource(call, id string, v any) {
	g.files[filepath.Join(g.regionDir, call, url.PathEscape(id))] = v
}

func (g *gen) hex(prefix string, n int) string { return fmt.Sprintf("%s-%017x", prefix, n) }

func (g *gen) misc(prefix string) string {
	g.nMisc++
	return fmt.Sprintf("%s-%017x", prefix, 0xa000000+g.nMisc)
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) arn(service, resource string) string {
	return "arn:aws:" + service + ":" + g.s.Region + ":" + g.s.AccountID + ":" + resource
}

func (g *gen) prefixLists() {
	g.plOffice, g.plS3 = "pl-0a1b2c3d4e5f60001", "pl-61a54008"
	g.put("ec2-describe-managed-prefix-lists", map[string]any{"PrefixLists": []any{
		map[string]any{"PrefixListId": g.plOffice, "AddressFamily": "IPv4", "State": "create-complete", "PrefixListArn": g.arn("ec2", "prefix-list/"+g.plOffice),
			"PrefixListName": "office-networks", "MaxEntries": 10, "Version": 3, "Tags": []any{}, "OwnerId": g.s.AccountID},
		map[string]any{"PrefixListId": g.plS3, "AddressFamily": "IPv4", "State": "create-complete", "PrefixListArn": "arn:aws:ec2:" + g.s.Region + ":aws:prefix-list/" + g.plS3,
			"PrefixListName": "com.amazonaws." + g.s.Region + ".s3", "Tags": []any{}, "OwnerId": "AWS"},
	}})
	g.perResource("ec2-get-managed-prefix-list-entries", g.plOffice, map[string]any{"Entries": []any{
		map[string]any{"Cidr": "198.51.100.16/28", "Description": "HQ"},
		map[string]any{"Cidr": "203.0.113.0/24", "Description": "branch offices"},
		map[string]any{"Cidr": "192.0.2.64/26", "Description": "VPN egress"},
	}})
	g.perResource("ec2-get-managed-prefix-list-entries", g.plS3, map[string]any{"Entries": []any{
		map[string]any{"Cidr": "3.5.152.0/21"}, map[string]any{"Cidr": "52.219.0.0/20"}, map[string]any{"Cidr": "52.219.16.0/22"},
		map[string]any{"Cidr": "52.219.68.0/22"}, map[string]any{"Cidr": "52.219.136.0/22"},
	}})
}

// Subnet tiers.
const (
	tierPublic = iota
	tierPrivate
	tierData
)

type subnetPlan struct {
	id       string
	vpc      *vpcPlan
	tier, az int
	base     uint32 // first address of the /20
	next     int
	ipv6     string // "2600:…:xx00:" prefix of its /64, "" without IPv6
	next6    int

	nextPrefix, nextPrefix6 int
}

func (sn *subnetPlan) privateIP() string {
	a := sn.base + 10 + uint32(sn.next%2000)
	sn.next++
	return ipString(a)
}

// prefix4 delegates a /28 of the subnet's upper half.
func (sn *subnetPlan) prefix4() string {
	a := sn.base + 2048 + 16*uint32(sn.nextPrefix%128)
	sn.nextPrefix++
	return ipString(a) + "/28"
}

// prefix6 delegates a /80 of the subnet's /64.
func (sn *subnetPlan) prefix6() string {
	sn.nextPrefix6++
	return fmt.Sprintf("%s:%x::/80", sn.ipv6, 0x2000+sn.nextPrefix6)
}

func (sn *subnetPlan) ipv6Addr() string {
	sn.next6++
	return fmt.Sprintf("%s::%x:%x", sn.ipv6, 0x1000+sn.next6/65536, sn.next6%65536)
}

func ipString(a uint32) string {
	return fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&0xff, a>>8&0xff, a&0xff)
}

// Security-group kinds.
const (
	sgDefault = iota
	sgBastion
	sgBastionAccess
	sgMonitoring
	sgALBPublic
	sgALBInternal
	sgEndpoints
	sgVPN
	sgInternal
	sgDB
	sgPublicWeb
	sgWorldAdmin
	sgWorldHigh
	sgAllOpen
	sgOffice
)

type sgPlan struct {
	id, name string
	kind     int
	port     int

	// What the flow-log generator needs of its rules.
	peers     []*sgPlan // sgDB: the application groups allowed on port
	peer8443  *sgPlan   // sgInternal: the group allowed on 8443, if any
	icmp      bool      // sgInternal: echo from 10.0.0.0/8
	adminPort int       // sgWorldAdmin: 22 or 3389, open to the world
}

type appPlan struct {
	name    string
	group   *sgPlan
	shared  []*sgPlan
	tier    int
	azs     []int
	asg     bool
	ipv6    bool
	weight  float64
	insts   []string // instance IDs, for load-balancer targets
	keyName string
	// prefixes: its instances' interfaces have delegated prefixes (a /28,
	// and a /80 in IPv6 VPCs), as container hosts do.
	prefixes bool
	ifaces   []*iface // its instances' primary interfaces
}

type vpcPlan struct {
	idx       int
	id, cidr  string
	octet     uint32
	ipv6      string // the VPC's /56, "" without IPv6
	subnets   []*subnetPlan
	groups    []*sgPlan
	fixed     map[int]*sgPlan
	apps      []*appPlan
	igw, eigw string
	nats      []string
	s3        string // gateway endpoint

	natENIs, albPublic, nlb, albInternal bool // within the interface budget

	// What the flow-log generator needs.
	allIfaces, natIfaces, endpointIfaces, lambdaIfaces []*iface
	lbs                                                []*lbPlan
	dbs                                                []*dbPlan
}

// lbPlan is a load balancer as the flow-log generator sees it: its
// nodes' interfaces, listener ports and the application it targets.
type lbPlan struct {
	kind, scheme string
	nodes        []*iface
	listeners    []int
	target       *appPlan
	port         int
}

// dbPlan is a database interface and its port.
type dbPlan struct {
	iface *iface
	group *sgPlan
}

func (v *vpcPlan) subnet(tier, az int) *subnetPlan { return v.subnets[tier*3+az] }

// share splits total over n parts, the first ones one larger.
func share(total, n, i int) int {
	q := total / n
	if i < total%n {
		q++
	}
	return q
}

func (g *gen) vpc(vi int) {
	s := g.s
	v := &vpcPlan{idx: vi, id: g.hex("vpc", vi+1), octet: uint32(vi % 256), fixed: map[int]*sgPlan{}}
	g.vpcs = append(g.vpcs, v)
	v.cidr = fmt.Sprintf("10.%d.0.0/16", v.octet)
	if vi%4 == 1 {
		v.ipv6 = fmt.Sprintf("2600:1f18:%x:%x00::/56", 0x4000+vi/256, vi%256)
	}
	vpc := map[string]any{"CidrBlock": v.cidr, "DhcpOptionsId": "dopt-0a1b2c3d4e5f60718", "State": "available", "VpcId": v.id, "OwnerId": s.AccountID,
		"InstanceTenancy": "default", "IsDefault": false,
		"CidrBlockAssociationSet": []any{map[string]any{"AssociationId": g.misc("vpc-cidr-assoc"), "CidrBlock": v.cidr, "CidrBlockState": map[string]any{"State": "associated"}}},
		"Tags":                    []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("vpc-%02d", vi)}, map[string]any{"Key": "Environment", "Value": envOf(vi)}}}
	if v.ipv6 != "" {
		vpc["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"AssociationId": g.misc("vpc-cidr-assoc"), "Ipv6CidrBlock": v.ipv6,
			"Ipv6CidrBlockState": map[string]any{"State": "associated"}, "NetworkBorderGroup": s.Region, "Ipv6Pool": "Amazon"}}
	}
	g.vpcsOut = append(g.vpcsOut, vpc)
	tierNames := []string{"public", "private", "data"}
	for tier := 0; tier < 3; tier++ {
		for az := 0; az < 3; az++ {
			n := len(g.subnetsOut) + 1
			sn := &subnetPlan{id: g.hex("subnet", n), vpc: v, tier: tier, az: az, base: 10<<24 | v.octet<<16 | uint32(tier*3+az)<<12}
			cidr := ipString(sn.base) + "/20"
			out := map[string]any{"AvailabilityZone": s.Region + string(rune('a'+az)), "AvailabilityZoneId": fmt.Sprintf("apne1-az%d", az+1),
				"AvailableIpAddressCount": 4000, "CidrBlock": cidr, "DefaultForAz": false, "MapPublicIpOnLaunch": tier == tierPublic,
				"State": "available", "SubnetId": sn.id, "VpcId": v.id, "OwnerId": s.AccountID, "AssignIpv6AddressOnCreation": false,
				"Ipv6CidrBlockAssociationSet": []any{}, "SubnetArn": g.arn("ec2", "subnet/"+sn.id), "EnableDns64": false, "Ipv6Native": false,
				"Tags": []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("vpc-%02d-%s-%c", vi, tierNames[tier], 'a'+az)}, map[string]any{"Key": "Tier", "Value": tierNames[tier]}}}
			if v.ipv6 != "" {
				sn.ipv6 = fmt.Sprintf("2600:1f18:%x:%x%02x", 0x4000+vi/256, vi%256, tier*3+az)
				out["Ipv6CidrBlockAssociationSet"] = []any{map[string]any{"AssociationId": g.misc("subnet-cidr-assoc"), "Ipv6CidrBlock": sn.ipv6 + "::/64",
					"Ipv6CidrBlockState": map[string]any{"State": "associated"}}}
			}
			v.subnets = append(v.subnets, sn)
			g.subnetsOut = append(g.subnetsOut, out)
		}
	}
	g.gateways(v)
	g.routeTables(v)
	g.networkACLs(v)
	g.securityGroups(v)
	enis := share(s.ENIs, s.VPCs, vi)
	used := g.services(v, enis)
	g.instances(v, enis-used)
	g.loadBalancers(v)
	g.flowLogs(v)
}

// flowLogs gives production and shared VPCs a flow log of all traffic to
// S3, staging VPCs rejected-traffic logs on their data subnets only, and
// development VPCs none. It draws no random numbers and no misc IDs, so
// the rest of the account is the same with or without it.
func (g *gen) flowLogs(v *vpcPlan) {
	add := func(resource, traffic string) {
		id := g.hex("fl", len(g.flowLogsOut)+1)
		g.flowLogsOut = append(g.flowLogsOut, map[string]any{"CreationTime": "2024-01-01T00:00:00+00:00", "DeliverLogsStatus": "SUCCESS",
			"FlowLogId": id, "FlowLogStatus": "ACTIVE", "ResourceId": resource, "TrafficType": traffic, "LogDestinationType": "s3",
			"LogDestination": "arn:aws:s3:::flow-logs-" + g.s.AccountID + "/" + v.id,
			"LogFormat":      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
			"Tags":           []any{}, "MaxAggregationInterval": 600})
	}
	switch envOf(v.idx) {
	case "production", "shared":
		add(v.id, "ALL")
	case "staging":
		for az := 0; az < 3; az++ {
			add(v.subnet(tierData, az).id, "REJECT")
		}
	}
}

func envOf(vi int) string {
	return []string{"production", "staging", "development", "shared"}[vi%4]
}

func (g *gen) gateways(v *vpcPlan) {
	v.igw = g.hex("igw", v.idx+1)
	g.igwsOut = append(g.igwsOut, map[string]any{"Attachments": []any{map[string]any{"State": "available", "VpcId": v.id}}, "InternetGatewayId": v.igw,
		"OwnerId": g.s.AccountID, "Tags": []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("igw-vpc-%02d", v.idx)}}})
	if v.ipv6 != "" {
		v.eigw = g.hex("eigw", v.idx+1)
		g.eigwsOut = append(g.eigwsOut, map[string]any{"Attachments": []any{map[string]any{"State": "attached", "VpcId": v.id}}, "EgressOnlyInternetGatewayId": v.eigw, "Tags": []any{}})
	}
	v.s3 = g.misc("vpce")
	for az := 0; az < 3; az++ {
		v.nats = append(v.nats, g.misc("nat"))
	}
}

func route(dst, key, target string) map[string]any {
	r := map[string]any{key: target, "Origin": "CreateRoute", "State": "active"}
	if strings.Contains(dst, ":") {
		r["DestinationIpv6CidrBlock"] = dst
	} else if strings.HasPrefix(dst, "pl-") {
		r["DestinationPrefixListId"] = dst
	} else {
		r["DestinationCidrBlock"] = dst
	}
	return r
}

func (g *gen) routeTables(v *vpcPlan) {
	local := func() []any {
		rs := []any{map[string]any{"DestinationCidrBlock": v.cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}}
		if v.ipv6 != "" {
			rs = append(rs, map[string]any{"DestinationIpv6CidrBlock": v.ipv6, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"})
		}
		return rs
	}
	assoc := func(rt string, subnets ...*subnetPlan) []any {
		var out []any
		for _, sn := range subnets {
			out = append(out, map[string]any{"Main": false, "RouteTableAssociationId": g.misc("rtbassoc"), "RouteTableId": rt, "SubnetId": sn.id,
				"AssociationState": map[string]any{"State": "associated"}})
		}
		return out
	}
	table := func(name string, assocs func(string) []any, routes []any) {
		id := g.misc("rtb")
		g.rtsOut = append(g.rtsOut, map[string]any{"Associations": assocs(id), "PropagatingVgws": []any{}, "RouteTableId": id, "Routes": routes,
			"Tags": []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("vpc-%02d-%s", v.idx, name)}}, "VpcId": v.id, "OwnerId": g.s.AccountID})
	}
	table("main", func(id string) []any {
		return []any{map[string]any{"Main": true, "RouteTableAssociationId": g.misc("rtbassoc"), "RouteTableId": id, "AssociationState": map[string]any{"State": "associated"}}}
	}, local())
	pub := append(local(), route("0.0.0.0/0", "GatewayId", v.igw), route(g.plS3, "GatewayId", v.s3))
	if v.ipv6 != "" {
		pub = append(pub, route("::/0", "GatewayId", v.igw))
	}
	table("public", func(id string) []any {
		return assoc(id, v.subnet(tierPublic, 0), v.subnet(tierPublic, 1), v.subnet(tierPublic, 2))
	}, pub)
	for az := 0; az < 3; az++ {
		priv := append(local(), route("0.0.0.0/0", "NatGatewayId", v.nats[az]), route(g.plS3, "GatewayId", v.s3))
		if v.ipv6 != "" {
			priv = append(priv, route("::/0", "EgressOnlyInternetGatewayId", v.eigw))
		}
		if v.idx%3 == 0 {
			priv = append(priv, route("10.0.0.0/8", "TransitGatewayId", "tgw-0a1b2c3d4e5f60789"), route("172.16.0.0/12", "TransitGatewayId", "tgw-0a1b2c3d4e5f60789"))
		}
		if v.idx%5 == 0 && g.s.VPCs > 1 {
			other := (v.idx + 1) % g.s.VPCs
			priv = append(priv, route(fmt.Sprintf("10.%d.0.0/16", other%256), "VpcPeeringConnectionId", g.hex("pcx", v.idx+1)))
		}
		if v.idx%7 == 3 {
			bh := route("198.51.100.0/24", "NatGatewayId", "nat-0deadbeefdeadbeef")
			bh["State"] = "blackhole"
			priv = append(priv, bh)
		}
		table(fmt.Sprintf("private-%c", 'a'+az), func(id string) []any { return assoc(id, v.subnet(tierPrivate, az)) }, priv)
	}
	table("data", func(id string) []any {
		return assoc(id, v.subnet(tierData, 0), v.subnet(tierData, 1), v.subnet(tierData, 2))
	},
		append(local(), route(g.plS3, "GatewayId", v.s3)))
	if v.idx%5 == 0 && g.s.VPCs > 1 {
		other := (v.idx + 1) % g.s.VPCs
		info := func(vpc int) map[string]any {
			c := fmt.Sprintf("10.%d.0.0/16", vpc%256)
			return map[string]any{"CidrBlock": c, "CidrBlockSet": []any{map[string]any{"CidrBlock": c}}, "OwnerId": g.s.AccountID,
				"PeeringOptions": map[string]any{"AllowDnsResolutionFromRemoteVpc": false}, "VpcId": g.hex("vpc", vpc+1), "Region": g.s.Region}
		}
		g.peeringsOut = append(g.peeringsOut, map[string]any{"AccepterVpcInfo": info(other), "RequesterVpcInfo": info(v.idx),
			"Status": map[string]any{"Code": "active", "Message": "Active"}, "Tags": []any{}, "VpcPeeringConnectionId": g.hex("pcx", v.idx+1)})
	}
}

// aclEntry is one network ACL entry as the CLI prints it. proto is the
// protocol number as a string; from < 0 means no port range.
func aclEntry(rule int, egress bool, action, proto, cidr string, from, to int) map[string]any {
	e := map[string]any{"Egress": egress, "Protocol": proto, "RuleAction": action, "RuleNumber": rule}
	if strings.Contains(cidr, ":") {
		e["Ipv6CidrBlock"] = cidr
	} else {
		e["CidrBlock"] = cidr
	}
	switch {
	case proto == "1" || proto == "58":
		e["IcmpTypeCode"] = map[string]any{"Code": to, "Type": from}
	case from >= 0:
		e["PortRange"] = map[string]any{"From": from, "To": to}
	}
	return e
}

func (g *gen) networkACLs(v *vpcPlan) {
	acl := func(name string, def bool, subnets []*subnetPlan, entries []any) {
		id := g.misc("acl")
		var as []any
		for _, sn := range subnets {
			as = append(as, map[string]any{"NetworkAclAssociationId": g.misc("aclassoc"), "NetworkAclId": id, "SubnetId": sn.id})
		}
		if as == nil {
			as = []any{}
		}
		g.aclsOut = append(g.aclsOut, map[string]any{"Associations": as, "Entries": entries, "IsDefault": def, "NetworkAclId": id,
			"Tags": []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("vpc-%02d-%s", v.idx, name)}}, "VpcId": v.id, "OwnerId": g.s.AccountID})
	}
	defaults := func(entries []any) []any {
		for _, eg := range []bool{false, true} {
			entries = append(entries, aclEntry(32767, eg, "deny", "-1", "0.0.0.0/0", -1, -1))
			if v.ipv6 != "" {
				entries = append(entries, aclEntry(32768, eg, "deny", "-1", "::/0", -1, -1))
			}
		}
		return entries
	}
	var open []any
	for _, eg := range []bool{false, true} {
		open = append(open, aclEntry(100, eg, "allow", "-1", "0.0.0.0/0", -1, -1))
		if v.ipv6 != "" {
			open = append(open, aclEntry(101, eg, "allow", "-1", "::/0", -1, -1))
		}
	}
	custom := v.idx%4 != 0
	var onDefault []*subnetPlan
	for _, sn := range v.subnets {
		if !custom || sn.tier == tierPrivate {
			onDefault = append(onDefault, sn)
		}
	}
	acl("default", true, onDefault, defaults(open))
	if !custom {
		return
	}
	in := []any{
		aclEntry(100, false, "allow", "6", "0.0.0.0/0", 443, 443),
		aclEntry(110, false, "allow", "6", "0.0.0.0/0", 80, 80),
		aclEntry(120, false, "allow", "6", "203.0.113.0/24", 22, 22),
		aclEntry(130, false, "deny", "6", "0.0.0.0/0", 22, 22),
		aclEntry(140, false, "deny", "6", "0.0.0.0/0", 3389, 3389),
		aclEntry(150, false, "allow", "6", "0.0.0.0/0", 1024, 65535),
		aclEntry(160, false, "allow", "17", "0.0.0.0/0", 1024, 65535),
		aclEntry(170, false, "allow", "1", "0.0.0.0/0", 3, -1),
		aclEntry(180, false, "allow", "-1", "10.0.0.0/8", -1, -1),
	}
	if v.idx%4 == 3 {
		in = append(in, aclEntry(90, false, "allow", "6", "0.0.0.0/0", 8080, 8090))
	}
	if v.ipv6 != "" {
		in = append(in, aclEntry(105, false, "allow", "6", "::/0", 443, 443), aclEntry(155, false, "allow", "6", "::/0", 1024, 65535))
	}
	out := []any{aclEntry(100, true, "allow", "-1", "0.0.0.0/0", -1, -1)}
	if v.idx%4 == 2 {
		// Replies only to TCP client ports: UDP and ICMP replies are dropped.
		out = []any{
			aclEntry(100, true, "allow", "6", "0.0.0.0/0", 1024, 65535),
			aclEntry(110, true, "allow", "6", "0.0.0.0/0", 443, 443),
			aclEntry(120, true, "allow", "6", "0.0.0.0/0", 80, 80),
			aclEntry(130, true, "allow", "-1", "10.0.0.0/8", -1, -1),
		}
	}
	if v.ipv6 != "" {
		out = append(out, aclEntry(101, true, "allow", "-1", "::/0", -1, -1))
	}
	acl("public", false, v.subnets[0:3], defaults(append(in, out...)))
	data := []any{
		aclEntry(100, false, "allow", "-1", v.cidr, -1, -1),
		aclEntry(110, false, "allow", "6", "172.16.0.0/12", 5432, 5432),
		aclEntry(200, false, "deny", "-1", "0.0.0.0/0", -1, -1),
		aclEntry(100, true, "allow", "-1", v.cidr, -1, -1),
		aclEntry(110, true, "allow", "6", "0.0.0.0/0", 443, 443),
		aclEntry(120, true, "allow", "6", "172.16.0.0/12", 1024, 65535),
	}
	acl("data", false, v.subnets[6:9], defaults(data))
}

// Rule pieces as the CLI prints them.
type ipRange struct {
	CidrIp      string
	Description string `json:",omitempty"`
}

type ipv6Range struct {
	CidrIpv6    string
	Description string `json:",omitempty"`
}

type prefixListID struct {
	Description  string `json:",omitempty"`
	PrefixListId string
}

type groupPair struct {
	Description string `json:",omitempty"`
	GroupId     string
	UserId      string
}

type ipPerm struct {
	FromPort         *int `json:",omitempty"`
	IpProtocol       string
	IpRanges         []ipRange
	Ipv6Ranges       []ipv6Range
	PrefixListIds    []prefixListID
	ToPort           *int `json:",omitempty"`
	UserIdGroupPairs []groupPair
}

func newPerm(proto string, from, to int) *ipPerm {
	p := &ipPerm{IpProtocol: proto, IpRanges: []ipRange{}, Ipv6Ranges: []ipv6Range{}, PrefixListIds: []prefixListID{}, UserIdGroupPairs: []groupPair{}}
	if proto != "-1" {
		p.FromPort, p.ToPort = &from, &to
	}
	return p
}

func (p *ipPerm) cidr(cidrs ...string) *ipPerm {
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			p.Ipv6Ranges = append(p.Ipv6Ranges, ipv6Range{CidrIpv6: c})
		} else {
			p.IpRanges = append(p.IpRanges, ipRange{CidrIp: c})
		}
	}
	return p
}

func (p *ipPerm) group(acct string, gs ...*sgPlan) *ipPerm {
	for _, x := range gs {
		p.UserIdGroupPairs = append(p.UserIdGroupPairs, groupPair{GroupId: x.id, UserId: acct})
	}
	return p
}

func (p *ipPerm) prefixList(id string) *ipPerm {
	p.PrefixListIds = append(p.PrefixListIds, prefixListID{PrefixListId: id})
	return p
}

var appPorts = []int{8080, 8443, 3000, 9000, 5000, 8000, 7070, 4000}

func (g *gen) securityGroups(v *vpcPlan) {
	n := share(g.s.SecurityGroups, g.s.VPCs, v.idx)
	fixedKinds := []int{sgDefault, sgBastion, sgBastionAccess, sgMonitoring, sgALBPublic, sgALBInternal, sgEndpoints, sgVPN}
	fixedNames := []string{"default", "bastion", "bastion-access", "monitoring", "alb-public", "alb-internal", "vpc-endpoints", "corp-vpn"}
	for i := 0; i < n; i++ {
		g.nGroups++
		sg := &sgPlan{id: g.hex("sg", g.nGroups)}
		if i < len(fixedKinds) {
			sg.kind, sg.name = fixedKinds[i], fixedNames[i]
		} else {
			x := g.r.Float64()
			switch {
			case x < 0.62:
				sg.kind = sgInternal
			case x < 0.72:
				sg.kind = sgDB
			case x < 0.84:
				sg.kind = sgPublicWeb
			case x < 0.89:
				sg.kind = sgWorldAdmin
			case x < 0.93:
				sg.kind = sgWorldHigh
			case x < 0.94:
				sg.kind = sgAllOpen
			default:
				sg.kind = sgOffice
			}
			if i == len(fixedKinds) && v.idx%4 == 0 {
				sg.kind = sgAllOpen // every fourth VPC has at least one
			}
			sg.port = appPorts[g.r.IntN(len(appPorts))]
			sg.name = fmt.Sprintf("app-%02d-%03d", v.idx, i)
			if sg.kind == sgDB {
				sg.name = fmt.Sprintf("db-%02d-%03d", v.idx, i)
				sg.port = []int{5432, 3306}[g.r.IntN(2)]
			}
			v.fixed[sg.kind] = sg
		}
		if i < len(fixedKinds) {
			v.fixed[sg.kind] = sg
		}
		v.groups = append(v.groups, sg)
	}
	acct := g.s.AccountID
	world := []string{"0.0.0.0/0"}
	if v.ipv6 != "" {
		world = append(world, "::/0")
	}
	f := v.fixed
	var apps []*sgPlan
	for _, sg := range v.groups {
		if sg.kind >= sgInternal && sg.kind != sgDB {
			apps = append(apps, sg)
		}
	}
	anyApp := func() *sgPlan {
		if len(apps) == 0 {
			return f[sgDefault]
		}
		return apps[g.r.IntN(len(apps))]
	}
	for _, sg := range v.groups {
		var in []*ipPerm
		switch sg.kind {
		case sgDefault:
			in = append(in, newPerm("-1", 0, 0).group(acct, sg))
		case sgBastion:
			in = append(in, newPerm("tcp", 22, 22).prefixList(g.plOffice))
			if v.idx%5 == 0 {
				in = append(in, newPerm("tcp", 22, 22).cidr("0.0.0.0/0"))
			}
		case sgBastionAccess:
			in = append(in, newPerm("tcp", 22, 22).group(acct, f[sgBastion]))
		case sgMonitoring:
			in = append(in, newPerm("tcp", 9100, 9101).cidr("10.0.0.0/8"), newPerm("tcp", 9100, 9100).group(acct, sg))
		case sgALBPublic:
			in = append(in, newPerm("tcp", 80, 80).cidr(world...), newPerm("tcp", 443, 443).cidr(world...))
		case sgALBInternal:
			in = append(in, newPerm("tcp", 443, 443).cidr("10.0.0.0/8", "172.16.0.0/12"), newPerm("tcp", 80, 80).cidr("10.0.0.0/8"))
		case sgEndpoints:
			in = append(in, newPerm("tcp", 443, 443).cidr(v.cidr))
		case sgVPN:
			in = append(in, newPerm("-1", 0, 0).cidr("172.16.0.0/12"), newPerm("tcp", 3389, 3389).cidr("10.0.0.0/8"))
		case sgInternal:
			lb := f[sgALBInternal]
			if g.chance(0.4) {
				lb = f[sgALBPublic]
			}
			in = append(in, newPerm("tcp", sg.port, sg.port).group(acct, lb), newPerm("tcp", sg.port, sg.port).cidr(v.cidr))
			if g.chance(0.5) {
				sg.peer8443 = anyApp()
				in = append(in, newPerm("tcp", 8443, 8443).group(acct, sg.peer8443))
			}
			if g.chance(0.3) {
				sg.icmp = true
				in = append(in, newPerm("icmp", 8, -1).cidr("10.0.0.0/8"))
			}
			if g.chance(0.2) {
				in = append(in, newPerm("udp", 8125, 8125).cidr("10.0.0.0/8"))
			}
			if g.chance(0.3) {
				in = append(in, newPerm("tcp", 22, 22).cidr("198.51.100.17/32", "198.51.100.18/32", "203.0.113.40/32"))
			}
		case sgDB:
			sg.peers = []*sgPlan{anyApp(), anyApp()}
			in = append(in, newPerm("tcp", sg.port, sg.port).group(acct, sg.peers...), newPerm("tcp", sg.port, sg.port).cidr("172.16.0.0/12"))
		case sgPublicWeb:
			in = append(in, newPerm("tcp", 80, 80).cidr(world...), newPerm("tcp", 443, 443).cidr(world...), newPerm("tcp", 22, 22).group(acct, f[sgBastion]))
			if g.chance(0.3) {
				in = append(in, newPerm("tcp", sg.port, sg.port).cidr("10.0.0.0/8"))
			}
		case sgWorldAdmin:
			port := 22
			if g.chance(0.3) {
				port = 3389
			}
			sg.adminPort = port
			in = append(in, newPerm("tcp", port, port).cidr("0.0.0.0/0"), newPerm("tcp", 443, 443).cidr(world...))
		case sgWorldHigh:
			in = append(in, newPerm("tcp", 8000, 8999).cidr("0.0.0.0/0"), newPerm("udp", 51820, 51820).cidr("0.0.0.0/0"), newPerm("tcp", sg.port, sg.port).group(acct, f[sgALBPublic]))
		case sgAllOpen:
			in = append(in, newPerm("-1", 0, 0).cidr("0.0.0.0/0"))
		case sgOffice:
			in = append(in, newPerm("tcp", 443, 443).prefixList(g.plOffice), newPerm("tcp", 3389, 3389).cidr("198.51.100.16/28", "203.0.113.0/24"), newPerm("icmp", -1, -1).cidr("0.0.0.0/0"))
		}
		out := []*ipPerm{newPerm("-1", 0, 0).cidr(world...)}
		if sg.kind == sgDB || (sg.kind == sgInternal && g.chance(0.15)) {
			out = []*ipPerm{newPerm("tcp", 443, 443).cidr("0.0.0.0/0"), newPerm("tcp", 5432, 5432).cidr(v.cidr)}
		}
		desc := "managed by terraform"
		if sg.kind == sgDefault {
			desc = "default VPC security group"
		}
		g.groupsOut = append(g.groupsOut, map[string]any{"Description": desc, "GroupName": sg.name, "IpPermissions": in, "OwnerId": acct, "GroupId": sg.id,
			"IpPermissionsEgress": out, "Tags": []any{map[string]any{"Key": "Name", "Value": sg.name}}, "VpcId": v.id, "SecurityGroupArn": g.arn("ec2", "security-group/"+sg.id)})
	}
	// Applications: one per application group, of very unequal size.
	for _, sg := range apps {
		a := &appPlan{name: strings.TrimPrefix(sg.name, "app-"), group: sg, tier: tierPrivate, ipv6: v.ipv6 != "" && g.chance(0.5)}
		switch sg.kind {
		case sgPublicWeb, sgWorldAdmin, sgWorldHigh, sgAllOpen:
			a.tier = tierPublic
		default:
			if g.chance(0.05) {
				a.tier = tierPublic
			}
		}
		if g.chance(0.5) {
			a.shared = append(a.shared, f[sgBastionAccess])
		}
		if g.chance(0.4) {
			a.shared = append(a.shared, f[sgMonitoring])
		}
		if g.chance(0.1) {
			a.shared = append(a.shared, f[sgVPN])
		}
		a.asg = g.chance(0.6)
		nAZ := 3
		if !a.asg {
			nAZ = 1 + g.r.IntN(2)
		}
		for _, az := range g.r.Perm(3)[:nAZ] {
			a.azs = append(a.azs, az)
		}
		sort.Ints(a.azs)
		if g.chance(0.7) {
			a.keyName = "deploy-" + envOf(v.idx)
		}
		a.prefixes = g.chance(0.08)
		a.weight = 1 / float64(len(v.apps)+1)
		v.apps = append(v.apps, a)
	}
}

// netIface is a describe-network-interfaces record, fields in the CLI's
// order.
type netIface struct {
	Association        *association `json:",omitempty"`
	Attachment         *eniAttachment
	AvailabilityZone   string
	Description        string
	Groups             []groupIdent
	InterfaceType      string
	Ipv6Addresses      []ipv6Addr
	MacAddress         string
	NetworkInterfaceId string
	OwnerId            string
	PrivateDnsName     string
	PrivateIpAddress   string
	PrivateIpAddresses []privateAddr
	Ipv4Prefixes       []ipv4Prefix `json:",omitempty"`
	Ipv6Prefixes       []ipv6Prefix `json:",omitempty"`
	RequesterId        string       `json:",omitempty"`
	RequesterManaged   bool
	SourceDestCheck    bool
	Status             string
	SubnetId           string
	TagSet             []tagKV
	VpcId              string
}

type association struct {
	IpOwnerId     string
	PublicDnsName string
	PublicIp      string
}

type eniAttachment struct {
	AttachTime          string `json:",omitempty"`
	AttachmentId        string `json:",omitempty"`
	DeleteOnTermination bool
	DeviceIndex         int
	NetworkCardIndex    int
	InstanceId          string `json:",omitempty"`
	InstanceOwnerId     string
	Status              string
}

type ipv4Prefix struct{ Ipv4Prefix string }

type ipv6Prefix struct{ Ipv6Prefix string }

type groupIdent struct {
	GroupName string
	GroupId   string
}

type ipv6Addr struct {
	Ipv6Address   string
	IsPrimaryIpv6 bool
}

type privateAddr struct {
	Association      *association `json:",omitempty"`
	Primary          bool
	PrivateDnsName   string
	PrivateIpAddress string
}

type tagKV struct {
	Key   string
	Value string
}

// iface is what the generator knows of one interface.
type iface struct {
	id, desc, kind, requester string
	sn                        *subnetPlan
	groups                    []*sgPlan
	public                    bool
	ipv6                      bool
	instance                  string
	deviceIndex               int
	prefixes                  bool
	// filled by addIface
	private, publicIP, v6 string
}

func (g *gen) publicIP() string {
	g.nPublic++
	return ipString(3<<24 | 112<<16 + g.nPublic)
}

func (g *gen) dnsName(ip string) string {
	return "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + g.s.Region + ".compute.internal"
}

func (g *gen) publicDNS(ip string) string {
	return "ec2-" + strings.ReplaceAll(ip, ".", "-") + "." + g.s.Region + ".compute.amazonaws.com"
}

func groupIdents(gs []*sgPlan) []groupIdent {
	out := make([]groupIdent, len(gs))
	for i, x := range gs {
		out[i] = groupIdent{GroupName: x.name, GroupId: x.id}
	}
	return out
}

// addIface assigns addresses to f and lists it in describe-network-interfaces.
func (g *gen) addIface(f *iface) {
	g.nENI++
	g.enisWritten++
	if f.id == "" {
		f.id = g.hex("eni", g.nENI)
	}
	f.private = f.sn.privateIP()
	f.sn.vpc.allIfaces = append(f.sn.vpc.allIfaces, f)
	var assoc *association
	if f.public {
		f.publicIP = g.publicIP()
		assoc = &association{IpOwnerId: "amazon", PublicDnsName: g.publicDNS(f.publicIP), PublicIp: f.publicIP}
	}
	n := netIface{
		Association: assoc, AvailabilityZone: g.s.Region + string(rune('a'+f.sn.az)), Description: f.desc, Groups: groupIdents(f.groups),
		InterfaceType: f.kind, Ipv6Addresses: []ipv6Addr{}, MacAddress: fmt.Sprintf("06:%02x:%02x:%02x:%02x:%02x", g.nENI>>24&0xff, g.nENI>>16&0xff, g.nENI>>8&0xff, g.nENI&0xff, f.sn.az),
		NetworkInterfaceId: f.id, OwnerId: g.s.AccountID, PrivateDnsName: g.dnsName(f.private), PrivateIpAddress: f.private,
		PrivateIpAddresses: []privateAddr{{Association: assoc, Primary: true, PrivateDnsName: g.dnsName(f.private), PrivateIpAddress: f.private}},
		RequesterId:        f.requester, RequesterManaged: f.requester != "", SourceDestCheck: f.kind != "nat_gateway", Status: "in-use",
		SubnetId: f.sn.id, TagSet: []tagKV{}, VpcId: f.sn.vpc.id,
	}
	if f.ipv6 && f.sn.ipv6 != "" {
		f.v6 = f.sn.ipv6Addr()
		n.Ipv6Addresses = append(n.Ipv6Addresses, ipv6Addr{Ipv6Address: f.v6})
	}
	if f.prefixes {
		n.Ipv4Prefixes = []ipv4Prefix{{f.sn.prefix4()}}
		if f.sn.ipv6 != "" {
			n.Ipv6Prefixes = []ipv6Prefix{{f.sn.prefix6()}}
		}
	}
	att := &eniAttachment{AttachTime: "2024-03-11T08:15:02+00:00", AttachmentId: g.misc("eni-attach"), DeviceIndex: f.deviceIndex, InstanceOwnerId: g.s.AccountID, Status: "attached"}
	switch {
	case f.instance != "":
		att.InstanceId, att.DeleteOnTermination = f.instance, f.deviceIndex == 0
	case f.requester != "":
		att.InstanceOwnerId = f.requester
		att.DeviceIndex = 1
	}
	n.Attachment = att
	g.enis = append(g.enis, n)
}

// services adds the VPC's non-instance interfaces (NAT gateways, interface
// endpoints, Lambda, RDS) within a fifth of its interface budget, and
// returns how many it used; load balancers are counted here and written
// after the instances they target.
func (g *gen) services(v *vpcPlan, budget int) int {
	limit := budget / 5
	used := 0
	fits := func(n int) bool {
		if used+n > limit {
			return false
		}
		used += n
		return true
	}
	// NAT gateways: one per AZ (the private route tables need them, so
	// they are written even without budget; their interfaces count).
	v.natENIs = fits(3)
	// Load balancers, written later.
	v.albPublic = v.idx%2 == 0 && fits(3)
	v.nlb = v.idx%5 == 1 && fits(3)
	v.albInternal = v.idx%4 == 3 && fits(3)
	// Interface endpoints.
	for _, svc := range []string{"ssm", "ecr.api"} {
		if !fits(3) {
			break
		}
		id := g.misc("vpce")
		var ids, subnets []string
		for az := 0; az < 3; az++ {
			sn := v.subnet(tierPrivate, az)
			f := &iface{desc: "VPC Endpoint Interface " + id, kind: "vpc_endpoint", requester: "727180483921", sn: sn, groups: []*sgPlan{v.fixed[sgEndpoints]}}
			g.addIface(f)
			v.endpointIfaces = append(v.endpointIfaces, f)
			ids, subnets = append(ids, f.id), append(subnets, sn.id)
		}
		g.endpointsOut = append(g.endpointsOut, map[string]any{"VpcEndpointId": id, "VpcEndpointType": "Interface", "VpcId": v.id, "ServiceName": "com.amazonaws." + g.s.Region + "." + svc,
			"State": "available", "RouteTableIds": []any{}, "SubnetIds": subnets, "Groups": []any{map[string]any{"GroupId": v.fixed[sgEndpoints].id, "GroupName": v.fixed[sgEndpoints].name}},
			"IpAddressType": "ipv4", "PrivateDnsEnabled": true, "RequesterManaged": false, "NetworkInterfaceIds": ids, "CreationTimestamp": "2023-06-01T00:00:00+00:00", "Tags": []any{}, "OwnerId": g.s.AccountID})
	}
	// The S3 gateway endpoint of the route tables.
	g.endpointsOut = append(g.endpointsOut, map[string]any{"VpcEndpointId": v.s3, "VpcEndpointType": "Gateway", "VpcId": v.id, "ServiceName": "com.amazonaws." + g.s.Region + ".s3",
		"State": "available", "RouteTableIds": []any{}, "SubnetIds": []any{}, "Groups": []any{}, "PrivateDnsEnabled": false, "RequesterManaged": false,
		"NetworkInterfaceIds": []any{}, "CreationTimestamp": "2023-06-01T00:00:00+00:00", "Tags": []any{}, "OwnerId": g.s.AccountID})
	// Lambda: two functions sharing one subnet-and-groups configuration,
	// hence one Hyperplane interface per subnet.
	if len(v.apps) > 0 && fits(3) {
		grp := v.apps[0].group
		var subnets []string
		for az := 0; az < 3; az++ {
			subnets = append(subnets, v.subnet(tierPrivate, az).id)
		}
		for k, name := range []string{fmt.Sprintf("ingest-%02d", v.idx), fmt.Sprintf("thumbnail-%02d", v.idx)} {
			g.fnsOut = append(g.fnsOut, map[string]any{"FunctionName": name, "FunctionArn": g.arn("lambda", "function:"+name), "Runtime": "python3.12",
				"Role": "arn:aws:iam::" + g.s.AccountID + ":role/lambda-" + name, "Handler": "app.handler", "CodeSize": 48213 + k, "Description": "", "Timeout": 30, "MemorySize": 512,
				"LastModified": "2024-05-02T10:11:12.000+0000", "CodeSha256": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=", "Version": "$LATEST",
				"VpcConfig":     map[string]any{"SubnetIds": subnets, "SecurityGroupIds": []string{grp.id}, "VpcId": v.id, "Ipv6AllowedForDualStack": false},
				"TracingConfig": map[string]any{"Mode": "PassThrough"}, "PackageType": "Zip", "Architectures": []any{"arm64"}, "EphemeralStorage": map[string]any{"Size": 512}})
		}
		for az := 0; az < 3; az++ {
			f := &iface{desc: fmt.Sprintf("AWS Lambda VPC ENI-ingest-%02d-%08x-1111-2222-3333-%012x", v.idx, v.idx, az), kind: "lambda",
				requester: "AROAEXAMPLEEXAMPLE:ingest", sn: v.subnet(tierPrivate, az), groups: []*sgPlan{grp}}
			g.addIface(f)
			v.lambdaIfaces = append(v.lambdaIfaces, f)
		}
	}
	// RDS: a database in the data subnets, and in some VPCs a publicly
	// accessible one in the public subnets.
	db := v.fixed[sgDB]
	if db == nil {
		db = v.fixed[sgDefault]
	}
	for k := 0; k < 2; k++ {
		public := k == 1
		if public && v.idx%10 != 4 || !fits(1) {
			break
		}
		tier := tierData
		if public {
			tier = tierPublic
		}
		name := fmt.Sprintf("orders-%02d-%d", v.idx, k)
		az := k % 3
		f := &iface{desc: "RDSNetworkInterface", kind: "interface", requester: "amazon-rds", sn: v.subnet(tier, az), groups: []*sgPlan{db}, public: public}
		g.addIface(f)
		v.dbs = append(v.dbs, &dbPlan{iface: f, group: db})
		var sns []any
		for z := 0; z < 3; z++ {
			sns = append(sns, map[string]any{"SubnetIdentifier": v.subnet(tier, z).id, "SubnetAvailabilityZone": map[string]any{"Name": g.s.Region + string(rune('a'+z))}, "SubnetStatus": "Active"})
		}
		g.dbsOut = append(g.dbsOut, map[string]any{"DBInstanceIdentifier": name, "DBInstanceClass": "db.r6g.large", "Engine": "postgres", "DBInstanceStatus": "available",
			"MasterUsername": "app", "Endpoint": map[string]any{"Address": name + ".abcdefghijkl." + g.s.Region + ".rds.amazonaws.com", "Port": db.port, "HostedZoneId": "Z24O6O9L7SGTNB"},
			"AllocatedStorage": 100, "AvailabilityZone": g.s.Region + string(rune('a'+az)), "PubliclyAccessible": public, "MultiAZ": false, "EngineVersion": "15.4",
			"DBSubnetGroup":     map[string]any{"DBSubnetGroupName": fmt.Sprintf("vpc-%02d-%d", v.idx, tier), "DBSubnetGroupDescription": "db", "VpcId": v.id, "SubnetGroupStatus": "Complete", "Subnets": sns},
			"VpcSecurityGroups": []any{map[string]any{"VpcSecurityGroupId": db.id, "Status": "active"}}, "DBInstanceArn": g.arn("rds", "db:"+name),
			"StorageEncrypted": true, "TagList": []any{map[string]any{"Key": "Team", "Value": "orders"}}})
	}
	// The NAT gateways themselves.
	for az, id := range v.nats {
		sn := v.subnet(tierPublic, az)
		addr := map[string]any{"AllocationId": g.misc("eipalloc"), "IsPrimary": true, "Status": "succeeded"}
		if v.natENIs {
			f := &iface{desc: "Interface for NAT Gateway " + id, kind: "nat_gateway", requester: "amazon", sn: sn, public: true}
			g.addIface(f)
			v.natIfaces = append(v.natIfaces, f)
			addr["NetworkInterfaceId"], addr["PrivateIp"], addr["PublicIp"] = f.id, f.private, f.publicIP
		}
		g.natsOut = append(g.natsOut, map[string]any{"CreateTime": "2023-06-01T00:00:00+00:00", "NatGatewayAddresses": []any{addr}, "NatGatewayId": id,
			"State": "available", "SubnetId": sn.id, "VpcId": v.id, "Tags": []any{}, "ConnectivityType": "public"})
	}
	return used
}

// instance is a describe-instances record with the fields the CLI prints
// for a typical instance, in its order.
type instance struct {
	AmiLaunchIndex                   int
	ImageId                          string
	InstanceId                       string
	InstanceType                     string
	KeyName                          string `json:",omitempty"`
	LaunchTime                       string
	Monitoring                       struct{ State string }
	Placement                        placement
	PrivateDnsName                   string
	PrivateIpAddress                 string
	ProductCodes                     []any
	PublicDnsName                    string
	PublicIpAddress                  string `json:",omitempty"`
	State                            instanceState
	StateTransitionReason            string
	SubnetId                         string
	VpcId                            string
	Architecture                     string
	BlockDeviceMappings              []blockDevice
	ClientToken                      string
	EbsOptimized                     bool
	EnaSupport                       bool
	Hypervisor                       string
	IamInstanceProfile               *instanceProfile `json:",omitempty"`
	NetworkInterfaces                []instanceIface
	RootDeviceName                   string
	RootDeviceType                   string
	SecurityGroups                   []groupIdent
	SourceDestCheck                  bool
	Tags                             []tagKV
	VirtualizationType               string
	CpuOptions                       struct{ CoreCount, ThreadsPerCore int }
	CapacityReservationSpecification struct{ CapacityReservationPreference string }
	HibernationOptions               struct{ Configured bool }
	MetadataOptions                  metadataOptions
	EnclaveOptions                   struct{ Enabled bool }
	BootMode                         string `json:",omitempty"`
	PlatformDetails                  string
	UsageOperation                   string
	UsageOperationUpdateTime         string
	PrivateDnsNameOptions            dnsNameOptions
	MaintenanceOptions               struct{ AutoRecovery string }
	CurrentInstanceBootMode          string
}

type placement struct {
	AvailabilityZone string
	GroupName        string
	Tenancy          string
}

type instanceState struct {
	Code int
	Name string
}

type blockDevice struct {
	DeviceName string
	Ebs        struct {
		AttachTime          string
		DeleteOnTermination bool
		Status              string
		VolumeId            string
	}
}

type instanceProfile struct {
	Arn string
	Id  string
}

type metadataOptions struct {
	State                   string
	HttpTokens              string
	HttpPutResponseHopLimit int
	HttpEndpoint            string
	HttpProtocolIpv6        string
	InstanceMetadataTags    string
}

type dnsNameOptions struct {
	HostnameType                    string
	EnableResourceNameDnsARecord    bool
	EnableResourceNameDnsAAAARecord bool
}

type instanceIface struct {
	Association        *association `json:",omitempty"`
	Attachment         eniAttachment
	Description        string
	Groups             []groupIdent
	Ipv6Addresses      []ipv6Addr
	MacAddress         string
	NetworkInterfaceId string
	OwnerId            string
	PrivateDnsName     string
	PrivateIpAddress   string
	PrivateIpAddresses []privateAddr
	SourceDestCheck    bool
	Status             string
	SubnetId           string
	VpcId              string
	InterfaceType      string
}

var instanceTypes = []string{"t3.small", "t3.medium", "m6i.large", "m6i.xlarge", "c6g.large", "r6i.large", "m7g.xlarge"}

// instances adds EC2 instances with n interfaces in all to the VPC.
func (g *gen) instances(v *vpcPlan, n int) {
	if len(v.apps) == 0 {
		v.apps = append(v.apps, &appPlan{name: "misc", group: v.fixed[sgDefault], tier: tierPrivate, azs: []int{0}, weight: 1})
	}
	// Shuffle the weights so that size does not follow group order.
	perm := g.r.Perm(len(v.apps))
	cum := make([]float64, len(v.apps))
	total := 0.0
	for i, a := range v.apps {
		total += 1 / float64(perm[i]+1)
		cum[i] = total
		_ = a
	}
	for n > 0 {
		x := g.r.Float64() * total
		a := v.apps[sort.SearchFloat64s(cum, x)]
		g.nInstance++
		id := g.hex("i", g.nInstance)
		sn := v.subnet(a.tier, a.azs[g.r.IntN(len(a.azs))])
		stopped := g.chance(0.03)
		groups := append([]*sgPlan{a.group}, a.shared...)
		primary := &iface{desc: "", kind: "interface", sn: sn, groups: groups, public: a.tier == tierPublic && !stopped, ipv6: a.ipv6, instance: id, prefixes: a.prefixes}
		ifs := []*iface{primary}
		if n >= 2 && g.chance(0.05) {
			ifs = append(ifs, &iface{desc: "secondary", kind: "interface", sn: sn, groups: []*sgPlan{v.fixed[sgVPN], a.group}, instance: id, deviceIndex: 1})
		}
		for _, f := range ifs {
			g.addIface(f)
		}
		a.ifaces = append(a.ifaces, primary)
		n -= len(ifs)
		a.insts = append(a.insts, id)
		g.reservations = append(g.reservations, g.instanceRecord(v, a, id, ifs, stopped))
	}
}

func (g *gen) instanceRecord(v *vpcPlan, a *appPlan, id string, ifs []*iface, stopped bool) map[string]any {
	p := ifs[0]
	in := instance{
		ImageId: fmt.Sprintf("ami-%017x", 0xabc000+len(a.name)), InstanceId: id, InstanceType: instanceTypes[g.r.IntN(len(instanceTypes))],
		KeyName: a.keyName, LaunchTime: fmt.Sprintf("2024-%02d-%02dT%02d:%02d:00+00:00", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60)),
		Placement:      placement{AvailabilityZone: g.s.Region + string(rune('a'+p.sn.az)), Tenancy: "default"},
		PrivateDnsName: g.dnsName(p.private), PrivateIpAddress: p.private, ProductCodes: []any{}, State: instanceState{16, "running"},
		SubnetId: p.sn.id, VpcId: v.id, Architecture: "x86_64", ClientToken: fmt.Sprintf("terraform-%020d", g.nInstance),
		EbsOptimized: true, EnaSupport: true, Hypervisor: "xen", RootDeviceName: "/dev/xvda", RootDeviceType: "ebs", SourceDestCheck: true,
		VirtualizationType: "hvm", MetadataOptions: metadataOptions{"applied", "required", 2, "enabled", "disabled", "disabled"},
		PlatformDetails: "Linux/UNIX", UsageOperation: "RunInstances", UsageOperationUpdateTime: "2024-01-01T00:00:00+00:00",
		PrivateDnsNameOptions: dnsNameOptions{HostnameType: "ip-name", EnableResourceNameDnsARecord: true}, CurrentInstanceBootMode: "legacy-bios",
	}
	in.Monitoring.State = "disabled"
	in.CpuOptions.CoreCount, in.CpuOptions.ThreadsPerCore = 1, 2
	in.CapacityReservationSpecification.CapacityReservationPreference = "open"
	in.MaintenanceOptions.AutoRecovery = "default"
	if stopped {
		in.State = instanceState{80, "stopped"}
		in.StateTransitionReason = "User initiated (2024-06-01 10:00:00 GMT)"
	}
	if p.publicIP != "" {
		in.PublicIpAddress, in.PublicDnsName = p.publicIP, g.publicDNS(p.publicIP)
	}
	bd := blockDevice{DeviceName: "/dev/xvda"}
	bd.Ebs.AttachTime, bd.Ebs.DeleteOnTermination, bd.Ebs.Status, bd.Ebs.VolumeId = in.LaunchTime, true, "attached", fmt.Sprintf("vol-%017x", g.nInstance)
	in.BlockDeviceMappings = []blockDevice{bd}
	if g.chance(0.8) {
		in.IamInstanceProfile = &instanceProfile{Arn: "arn:aws:iam::" + g.s.AccountID + ":instance-profile/" + a.name, Id: fmt.Sprintf("AIPA%017X", g.nInstance)}
	}
	seen := map[string]bool{}
	for _, f := range ifs {
		for _, x := range f.groups {
			if !seen[x.id] {
				seen[x.id] = true
				in.SecurityGroups = append(in.SecurityGroups, groupIdent{GroupName: x.name, GroupId: x.id})
			}
		}
		var assoc *association
		if f.publicIP != "" {
			assoc = &association{IpOwnerId: "amazon", PublicDnsName: g.publicDNS(f.publicIP), PublicIp: f.publicIP}
		}
		ni := instanceIface{Association: assoc, Attachment: eniAttachment{AttachTime: in.LaunchTime, AttachmentId: g.misc("eni-attach"), DeleteOnTermination: f.deviceIndex == 0, DeviceIndex: f.deviceIndex, Status: "attached"},
			Description: f.desc, Groups: groupIdents(f.groups), Ipv6Addresses: []ipv6Addr{}, MacAddress: "06:00:00:00:00:00", NetworkInterfaceId: f.id, OwnerId: g.s.AccountID,
			PrivateDnsName: g.dnsName(f.private), PrivateIpAddress: f.private, PrivateIpAddresses: []privateAddr{{Association: assoc, Primary: true, PrivateDnsName: g.dnsName(f.private), PrivateIpAddress: f.private}},
			SourceDestCheck: true, Status: "in-use", SubnetId: f.sn.id, VpcId: v.id, InterfaceType: "interface"}
		if f.v6 != "" {
			ni.Ipv6Addresses = append(ni.Ipv6Addresses, ipv6Addr{Ipv6Address: f.v6})
		}
		in.NetworkInterfaces = append(in.NetworkInterfaces, ni)
	}
	in.Tags = []tagKV{{"Name", a.name}, {"Environment", envOf(v.idx)}, {"Team", fmt.Sprintf("team-%d", len(a.name)%7)}}
	if a.asg {
		in.Tags = append(in.Tags, tagKV{"aws:autoscaling:groupName", "asg-" + a.name})
	}
	return map[string]any{"Groups": []any{}, "Instances": []instance{in}, "OwnerId": g.s.AccountID, "ReservationId": fmt.Sprintf("r-%017x", g.nInstance)}
}

// loadBalancers writes the VPC's load balancers (their interface budget was
// set aside by services), with listeners, target groups, targets and
// attributes.
func (g *gen) loadBalancers(v *vpcPlan) {
	type lbSpec struct {
		on                  bool
		kind, scheme, iface string
		tier                int
		groups              []*sgPlan
		listeners           [][2]any // protocol, port
	}
	specs := []lbSpec{
		{v.albPublic, "application", "internet-facing", "interface", tierPublic, []*sgPlan{v.fixed[sgALBPublic]}, [][2]any{{"HTTP", 80}, {"HTTPS", 443}}},
		{v.nlb, "network", "internet-facing", "network_load_balancer", tierPublic, nil, [][2]any{{"TCP", 443}}},
		{v.albInternal, "application", "internal", "interface", tierPrivate, []*sgPlan{v.fixed[sgALBInternal]}, [][2]any{{"HTTPS", 443}}},
	}
	short := map[string]string{"application": "app", "network": "net"}
	for k, sp := range specs {
		if !sp.on {
			continue
		}
		// Target the largest application.
		var target *appPlan
		for _, a := range v.apps {
			if target == nil || len(a.insts) > len(target.insts) {
				target = a
			}
		}
		name := fmt.Sprintf("%s-%02d-%d", sp.scheme, v.idx, k)
		suffix := short[sp.kind] + "/" + name + fmt.Sprintf("/%016x", 0x5eed0000+v.idx*8+k)
		arn := g.arn("elasticloadbalancing", "loadbalancer/"+suffix)
		var azs []any
		lp := &lbPlan{kind: sp.kind, scheme: sp.scheme, target: target, port: target.group.port}
		for _, l := range sp.listeners {
			lp.listeners = append(lp.listeners, l[1].(int))
		}
		v.lbs = append(v.lbs, lp)
		for az := 0; az < 3; az++ {
			sn := v.subnet(sp.tier, az)
			node := &iface{desc: "ELB " + suffix, kind: sp.iface, requester: "amazon-elb", sn: sn, groups: sp.groups, public: sp.scheme == "internet-facing"}
			g.addIface(node)
			lp.nodes = append(lp.nodes, node)
			azs = append(azs, map[string]any{"ZoneName": g.s.Region + string(rune('a'+az)), "SubnetId": sn.id, "LoadBalancerAddresses": []any{}})
		}
		lb := map[string]any{"LoadBalancerArn": arn, "DNSName": name + "-1234567890." + g.s.Region + ".elb.amazonaws.com", "CanonicalHostedZoneId": "Z14GRHDCWA56QT",
			"CreatedTime": "2023-06-01T00:00:00+00:00", "LoadBalancerName": name, "Scheme": sp.scheme, "VpcId": v.id, "State": map[string]any{"Code": "active"},
			"Type": sp.kind, "AvailabilityZones": azs, "IpAddressType": "ipv4"}
		var sgIDs []string
		for _, x := range sp.groups {
			sgIDs = append(sgIDs, x.id)
		}
		if sgIDs != nil {
			lb["SecurityGroups"] = sgIDs
		}
		g.lbsOut = append(g.lbsOut, lb)
		tgName := fmt.Sprintf("tg-%02d-%d", v.idx, k)
		tgARN := g.arn("elasticloadbalancing", fmt.Sprintf("targetgroup/%s/%016x", tgName, 0x7a7a0000+v.idx*8+k))
		proto := "HTTP"
		if sp.kind == "network" {
			proto = "TCP"
		}
		g.tgsOut = append(g.tgsOut, map[string]any{"TargetGroupArn": tgARN, "TargetGroupName": tgName, "Protocol": proto, "Port": target.group.port, "VpcId": v.id,
			"HealthCheckProtocol": proto, "HealthCheckPort": "traffic-port", "HealthCheckEnabled": true, "HealthCheckIntervalSeconds": 30, "HealthCheckTimeoutSeconds": 5,
			"HealthyThresholdCount": 5, "UnhealthyThresholdCount": 2, "TargetType": "instance", "LoadBalancerArns": []string{arn}, "IpAddressType": "ipv4"})
		var listeners []any
		for j, l := range sp.listeners {
			action := map[string]any{"Type": "forward", "TargetGroupArn": tgARN, "ForwardConfig": map[string]any{"TargetGroups": []any{map[string]any{"TargetGroupArn": tgARN, "Weight": 1}}}}
			if l[0] == "HTTP" && sp.kind == "application" && len(sp.listeners) > 1 {
				action = map[string]any{"Type": "redirect", "Order": 1, "RedirectConfig": map[string]any{"Protocol": "HTTPS", "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}", "StatusCode": "HTTP_301"}}
			}
			listeners = append(listeners, map[string]any{"ListenerArn": g.arn("elasticloadbalancing", fmt.Sprintf("listener/%s/%016x", suffix, j+1)), "LoadBalancerArn": arn,
				"Port": l[1], "Protocol": l[0], "DefaultActions": []any{action}})
		}
		g.perResource("elbv2-describe-listeners", arn, map[string]any{"Listeners": listeners})
		var targets []any
		for i, id := range target.insts {
			if i == 20 {
				break
			}
			targets = append(targets, map[string]any{"Target": map[string]any{"Id": id, "Port": target.group.port}, "HealthCheckPort": fmt.Sprint(target.group.port),
				"TargetHealth": map[string]any{"State": "healthy"}})
		}
		if targets == nil {
			targets = []any{}
		}
		g.perResource("elbv2-describe-target-health", tgARN, map[string]any{"TargetHealthDescriptions": targets})
		g.perResource("elbv2-describe-target-group-attributes", tgARN, map[string]any{"Attributes": []any{
			map[string]any{"Key": "stickiness.enabled", "Value": "false"}, map[string]any{"Key": "deregistration_delay.timeout_seconds", "Value": "300"},
		}})
	}
}
