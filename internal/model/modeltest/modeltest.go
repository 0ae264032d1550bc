// Package modeltest builds small linked model.Region values for tests, the
// way the snapshot loader would have filled them: each object added marks
// the call that would have described it as collected, interfaces a resource
// describes itself are attached to it, and Link joins everything.
//
//	b := modeltest.New("111122223333", "ap-northeast-1")
//	b.VPC("vpc-1", "10.0.0.0/16")
//	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
//	b.InternetGateway("igw-1", "vpc-1")
//	b.RouteTable("rtb-1", "vpc-1").Associate("subnet-a").Route("0.0.0.0/0", "igw-1")
//	b.SecurityGroup("sg-1", "vpc-1", modeltest.Ingress("tcp", 22, 22, "0.0.0.0/0"))
//	b.Instance("i-1", "subnet-a", "sg-1")
//	reg := b.Link()
//
// Builders panic on malformed input (a bad CIDR, an unknown protocol): they
// are for tests, whose literals are fixed.
package modeltest

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Load-balancer schemes, as elbv2-describe-load-balancers spells them.
const (
	InternetFacing = "internet-facing"
	Internal       = "internal"
)

// AWSOwner is the OwnerId of AWS-managed prefix lists.
const AWSOwner = "AWS"

// Builder accumulates one region's objects until Link.
type Builder struct {
	r        *model.Region
	collect  map[model.Call]bool
	withhold map[model.Call]bool
	subnets  map[string]*model.Subnet
	vpcs     map[string]*model.VPC
	hosts    map[string]int // next host number per subnet
}

// New starts an empty region of account in region. No call is collected
// until something is added or Collected names it.
func New(account, region string) *Builder {
	return &Builder{
		r:        &model.Region{Account: account, Name: region},
		collect:  map[model.Call]bool{},
		withhold: map[model.Call]bool{},
		subnets:  map[string]*model.Subnet{},
		vpcs:     map[string]*model.VPC{},
		hosts:    map[string]int{},
	}
}

// Collected marks calls as collected even though nothing was added for them:
// their result was an empty list.
func (b *Builder) Collected(calls ...model.Call) *Builder {
	for _, c := range calls {
		b.collect[c] = true
	}
	return b
}

// NotCollected withholds calls from the coverage even when objects were
// added for them, as if their snapshot files were missing. Link records them
// as missing.
func (b *Builder) NotCollected(calls ...model.Call) *Builder {
	for _, c := range calls {
		b.withhold[c] = true
	}
	return b
}

// Region is the region being built, for adjustments the builder has no
// method for. Change it only before Link.
func (b *Builder) Region() *model.Region { return b.r }

// Link records coverage, names each resource without a Name after its Name
// tag (as the loader does for instances and NAT gateways), links the region
// (model.Region.Link) and returns it. Call it once.
func (b *Builder) Link() *model.Region {
	for _, r := range b.r.Resources {
		if r.Name == "" {
			r.Name = r.Tags.Name()
		}
	}
	for _, ci := range model.Calls {
		switch {
		case b.withhold[ci.Call]:
			b.r.Coverage.MarkMissing(ci.Call, "", "not collected")
		case b.collect[ci.Call]:
			b.r.Coverage.MarkCollected(ci.Call)
		}
	}
	b.r.Link()
	return b.r
}

// Inventory puts linked regions into an inventory, one account per distinct
// Region.Account, for check.Run.
func Inventory(regions ...*model.Region) *model.Inventory {
	inv := &model.Inventory{}
	byID := map[string]*model.Account{}
	for _, r := range regions {
		a := byID[r.Account]
		if a == nil {
			a = &model.Account{ID: r.Account, Name: r.Account}
			byID[r.Account] = a
			inv.Accounts = append(inv.Accounts, a)
		}
		a.Regions = append(a.Regions, r)
	}
	return inv
}

func (b *Builder) mark(calls ...model.Call) { b.Collected(calls...) }

// VPC adds a VPC with one IPv4 CIDR block.
func (b *Builder) VPC(id, cidr string) *model.VPC {
	b.mark(model.CallVPCs)
	v := &model.VPC{ID: id, OwnerID: b.r.Account, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, Tags: model.Tags{}}
	b.r.VPCs = append(b.r.VPCs, v)
	b.vpcs[id] = v
	return v
}

// Subnet adds a subnet of vpcID in the region's first AZ ("…a").
func (b *Builder) Subnet(id, vpcID, cidr string) *model.Subnet {
	b.mark(model.CallSubnets)
	s := &model.Subnet{ID: id, VPCID: vpcID, AZ: b.r.Name + "a", CIDR: netip.MustParsePrefix(cidr), Tags: model.Tags{}}
	b.r.Subnets = append(b.r.Subnets, s)
	b.subnets[id] = s
	return s
}

// InternetGateway adds an internet gateway attached (state "available") to
// each of attachedTo; with none it is detached (AWS-SEMANTICS.md §4).
func (b *Builder) InternetGateway(id string, attachedTo ...string) *model.InternetGateway {
	b.mark(model.CallInternetGateways)
	g := &model.InternetGateway{ID: id, Attached: attachedTo, Tags: model.Tags{}}
	b.r.InternetGateways = append(b.r.InternetGateways, g)
	return g
}

// RouteTable is a route table being built; its methods chain.
type RouteTable struct{ *model.RouteTable }

// RouteTable adds a route table of vpcID holding the local route for each
// CIDR of the VPC (add the VPC first), with no association yet.
func (b *Builder) RouteTable(id, vpcID string) *RouteTable {
	b.mark(model.CallRouteTables)
	rt := &model.RouteTable{ID: id, VPCID: vpcID, Tags: model.Tags{}}
	if v := b.vpcs[vpcID]; v != nil {
		for _, c := range v.CIDRs {
			rt.Routes = append(rt.Routes, model.Route{Destination: c, TargetKind: model.TargetLocal, TargetID: "local", Origin: "CreateRouteTable"})
		}
	}
	b.r.RouteTables = append(b.r.RouteTables, rt)
	return &RouteTable{rt}
}

// Main makes the table its VPC's main table: subnets without an explicit
// association use it (AWS-SEMANTICS.md §1).
func (t *RouteTable) Main() *RouteTable {
	t.RouteTable.Main = true
	return t
}

// Associate associates subnets with the table explicitly.
func (t *RouteTable) Associate(subnetIDs ...string) *RouteTable {
	t.SubnetIDs = append(t.SubnetIDs, subnetIDs...)
	return t
}

// Route adds an active route. dest is a CIDR or a prefix-list ID ("pl-…");
// the target's kind follows from its ID prefix (igw-, nat-, eigw-, vgw-,
// tgw-, pcx-, vpce-, eni-, i-).
func (t *RouteTable) Route(dest, target string) *RouteTable {
	t.Routes = append(t.Routes, route(dest, target, false))
	return t
}

// Blackhole adds a route in state blackhole: its target is gone and packets
// drop (AWS-SEMANTICS.md §4).
func (t *RouteTable) Blackhole(dest, target string) *RouteTable {
	t.Routes = append(t.Routes, route(dest, target, true))
	return t
}

func route(dest, target string, blackhole bool) model.Route {
	r := model.Route{TargetKind: targetKind(target), TargetID: target, Blackhole: blackhole, Origin: "CreateRoute"}
	if strings.HasPrefix(dest, "pl-") {
		r.DestinationPrefixList = dest
	} else {
		r.Destination = netip.MustParsePrefix(dest)
	}
	return r
}

func targetKind(id string) model.RouteTargetKind {
	for _, k := range []struct {
		prefix string
		kind   model.RouteTargetKind
	}{
		{"igw-", model.TargetInternetGateway}, {"nat-", model.TargetNATGateway},
		{"eigw-", model.TargetEgressOnlyGateway}, {"vgw-", model.TargetVirtualPrivateGW},
		{"tgw-", model.TargetTransitGateway}, {"pcx-", model.TargetPeering},
		{"vpce-", model.TargetGatewayEndpoint}, {"eni-", model.TargetNetworkInterface},
		{"i-", model.TargetInstance},
	} {
		if strings.HasPrefix(id, k.prefix) {
			return k.kind
		}
	}
	if id == "local" {
		return model.TargetLocal
	}
	return model.TargetUnknown
}

// SecurityGroup adds a group with the given ingress rules and AWS's default
// egress rule (all traffic to 0.0.0.0/0, AWS-SEMANTICS.md §2). Set Name on
// the result to give it a name.
func (b *Builder) SecurityGroup(id, vpcID string, ingress ...model.Rule) *model.SecurityGroup {
	b.mark(model.CallSecurityGroups)
	g := &model.SecurityGroup{ID: id, VPCID: vpcID, OwnerID: b.r.Account, Tags: model.Tags{}}
	for _, r := range ingress {
		r.GroupID, r.Direction = id, model.Ingress
		g.Ingress = append(g.Ingress, r)
	}
	out := Ingress("-1", -1, -1, "0.0.0.0/0")
	out.GroupID, out.Direction = id, model.Egress
	g.Egress = []model.Rule{out}
	b.r.SecurityGroups = append(b.r.SecurityGroups, g)
	return g
}

// Ingress is a rule for protocol ("tcp", "udp", "icmp", "-1", "50", ...)
// from a CIDR. from and to are the AWS FromPort and ToPort: ports for TCP
// and UDP (-1 for all), type and code for ICMP (-1 for any), ignored
// otherwise (AWS-SEMANTICS.md §2).
func Ingress(protocol string, from, to int, cidr string) model.Rule {
	return rule(protocol, from, to, model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix(cidr)})
}

// IngressFromGroup is a rule whose source is another security group.
func IngressFromGroup(protocol string, from, to int, groupID string) model.Rule {
	return rule(protocol, from, to, model.Peer{Kind: model.PeerGroup, GroupID: groupID})
}

// IngressFromPrefixList is a rule whose source is a managed prefix list.
func IngressFromPrefixList(protocol string, from, to int, prefixListID string) model.Rule {
	return rule(protocol, from, to, model.Peer{Kind: model.PeerPrefixList, PrefixListID: prefixListID})
}

func rule(protocol string, from, to int, peer model.Peer) model.Rule {
	p, err := model.ParseProtocol(protocol)
	if err != nil {
		panic(err)
	}
	r := model.Rule{Direction: model.Ingress, Protocol: p, Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}, Peer: peer}
	switch {
	case p.HasPorts():
		f, t := int64(from), int64(to)
		r.Ports, err = model.PortRangeFromAWS(&f, &t)
		if err != nil {
			panic(err)
		}
	case p.IsICMP():
		r.ICMP = model.ICMPMatch{Type: int16(from), Code: int16(to)}
	}
	return r
}

// PrefixList adds a managed prefix list owned by ownerID (AWSOwner for an
// AWS-managed list) whose entries were collected.
func (b *Builder) PrefixList(id, ownerID string, cidrs ...string) *model.PrefixList {
	b.mark(model.CallManagedPrefixLists, model.CallPrefixListEntries)
	pl := &model.PrefixList{ID: id, Name: id, OwnerID: ownerID, AddressFamily: "IPv4", EntriesKnown: true}
	for _, c := range cidrs {
		pl.Entries = append(pl.Entries, netip.MustParsePrefix(c))
	}
	b.r.PrefixLists = append(b.r.PrefixLists, pl)
	return pl
}

// PrefixListWithoutEntries adds a managed prefix list whose entries were not
// collected (ec2-get-managed-prefix-list-entries missing for it).
func (b *Builder) PrefixListWithoutEntries(id, ownerID string) *model.PrefixList {
	b.mark(model.CallManagedPrefixLists)
	pl := &model.PrefixList{ID: id, Name: id, OwnerID: ownerID, AddressFamily: "IPv4"}
	b.r.Coverage.MarkMissing(model.CallPrefixListEntries, id, "not collected")
	b.r.PrefixLists = append(b.r.PrefixLists, pl)
	return pl
}

// ENI adds an interface as ec2-describe-network-interfaces describes it,
// with the next private address of its subnet and status in-use. Link
// decides its owner from the fields the test sets (Description,
// InterfaceType, RequesterID, InstanceID; AWS-SEMANTICS.md §1); with none
// set its owner is unknown.
func (b *Builder) ENI(id, subnetID string, groups ...string) *model.ENI {
	b.mark(model.CallNetworkInterfaces)
	e := b.eni(id, subnetID, groups, model.CallNetworkInterfaces)
	b.r.ENIs = append(b.r.ENIs, e)
	return e
}

func (b *Builder) eni(id, subnetID string, groups []string, origin model.Call) *model.ENI {
	e := &model.ENI{ID: id, SubnetID: subnetID, InterfaceType: "interface", Status: "in-use", SecurityGroupIDs: groups, SourceDestCheck: true, Origin: string(origin)}
	if s := b.subnets[subnetID]; s != nil {
		e.VPCID, e.AZ = s.VPCID, s.AZ
		if s.CIDR.IsValid() {
			b.hosts[subnetID]++
			a := s.CIDR.Masked().Addr()
			for range 3 + b.hosts[subnetID] { // AWS reserves the first four addresses
				a = a.Next()
			}
			e.Addresses = []model.AddressPair{{Private: a}}
		}
	}
	return e
}

// SetPublicIP maps a public IPv4 address to e's primary private address
// (an auto-assigned public IP or an Elastic IP).
func SetPublicIP(e *model.ENI, ip string) {
	pub := netip.MustParseAddr(ip)
	if len(e.Addresses) == 0 {
		e.Addresses = []model.AddressPair{{}}
	}
	e.Addresses[0].Public = pub
}

func (b *Builder) vpcOf(subnetIDs []string) string {
	for _, id := range subnetIDs {
		if s := b.subnets[id]; s != nil {
			return s.VPCID
		}
	}
	return ""
}

func (b *Builder) add(r *model.Resource) *model.Resource {
	if r.VPCID == "" {
		r.VPCID = b.vpcOf(r.SubnetIDs)
	}
	if r.Tags == nil {
		r.Tags = model.Tags{}
	}
	b.r.Resources = append(b.r.Resources, r)
	return r
}

func (b *Builder) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, b.r.Name, b.r.Account, resource)
}

// Instance adds a running EC2 instance in subnetID carrying groups, with its
// primary interface as ec2-describe-instances describes it (ID "eni-"
// followed by the instance ID, e.g. "eni-i-1"). Set Tags on the result for
// Name or Role tags.
func (b *Builder) Instance(id, subnetID string, groups ...string) *model.Resource {
	b.mark(model.CallInstances)
	e := b.eni("eni-"+id, subnetID, groups, model.CallInstances)
	e.InstanceID = id
	return b.add(&model.Resource{
		Kind: model.KindInstance, ID: id, SubnetIDs: []string{subnetID}, SecurityGroupIDs: groups,
		ENIs: []*model.ENI{e}, Instance: &model.InstanceInfo{State: "running", InstanceType: "t3.micro"},
	})
}

// LoadBalancer adds an application load balancer with scheme
// (InternetFacing or Internal) in subnetIDs carrying groups. Its ARN ends in
// "app/NAME/0123456789abcdef".
func (b *Builder) LoadBalancer(name, scheme string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallLoadBalancersV2)
	arn := b.arn("elasticloadbalancing", "loadbalancer/app/"+name+"/0123456789abcdef")
	lb := &model.LoadBalancer{
		Name: name, ARN: arn, Type: model.LBApplication, Scheme: scheme, IPAddressType: "ipv4",
		DNSName: name + ".elb.amazonaws.com", VPCID: b.vpcOf(subnetIDs), SubnetIDs: subnetIDs, SecurityGroupIDs: groups,
	}
	return b.add(&model.Resource{Kind: model.KindLoadBalancer, ID: name, Name: name, ARN: arn, SubnetIDs: subnetIDs, SecurityGroupIDs: groups, LoadBalancer: lb})
}

// TargetGroup adds an instance target group with the instances registered
// in it; instances behind one target group share a role.
func (b *Builder) TargetGroup(name string, instanceIDs ...string) *model.TargetGroup {
	b.mark(model.CallTargetGroups, model.CallTargetHealth)
	tg := &model.TargetGroup{ARN: b.arn("elasticloadbalancing", "targetgroup/"+name+"/0123456789abcdef"), Name: name, Protocol: "HTTP", Port: 80, TargetType: "instance", TargetsKnown: true}
	for _, id := range instanceIDs {
		tg.Targets = append(tg.Targets, model.Target{ID: id, Port: 80, Health: "healthy"})
	}
	b.r.TargetGroups = append(b.r.TargetGroups, tg)
	return tg
}

// DBInstance adds an RDS DB instance whose DB subnet group holds subnetIDs,
// carrying groups. With a clusterID it is an aurora-postgresql member of
// that cluster (added to DBClusters), else a postgres instance. Set
// DB.PubliclyAccessible on the result to make it public.
func (b *Builder) DBInstance(id, clusterID string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallDBInstances)
	info := &model.DBInstanceInfo{Engine: "postgres", Class: "db.t4g.medium", ClusterID: clusterID, SubnetGroup: "db-subnets", Port: 5432}
	if s := b.subnets[firstOf(subnetIDs)]; s != nil {
		info.AZ = s.AZ
	}
	if clusterID != "" {
		info.Engine = "aurora-postgresql"
		b.mark(model.CallDBClusters)
		var cl *model.DBCluster
		for _, c := range b.r.DBClusters {
			if c.ID == clusterID {
				cl = c
			}
		}
		if cl == nil {
			cl = &model.DBCluster{ID: clusterID, ARN: b.arn("rds", "cluster:"+clusterID), Engine: info.Engine, SubnetGroup: info.SubnetGroup, SecurityGroupIDs: groups, Port: 5432}
			b.r.DBClusters = append(b.r.DBClusters, cl)
		}
		cl.MemberIDs = append(cl.MemberIDs, id)
	}
	return b.add(&model.Resource{Kind: model.KindDBInstance, ID: id, Name: id, ARN: b.arn("rds", "db:"+id), SubnetIDs: subnetIDs, SecurityGroupIDs: groups, DB: info})
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// CacheCluster adds a Redis ElastiCache cluster whose cache subnet group
// holds subnetIDs, carrying groups.
func (b *Builder) CacheCluster(id string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallCacheClusters, model.CallCacheSubnetGroups)
	return b.add(&model.Resource{
		Kind: model.KindCacheCluster, ID: id, Name: id, ARN: b.arn("elasticache", "cluster:"+id), SubnetIDs: subnetIDs, SecurityGroupIDs: groups,
		Cache: &model.CacheInfo{Engine: "redis", NodeType: "cache.t4g.small", SubnetGroup: "cache-subnets", SubnetGroupSubnetIDs: subnetIDs, Port: 6379},
	})
}

// Lambda adds a function attached to the VPC through subnetIDs and groups.
func (b *Builder) Lambda(name string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallLambdaFunctions)
	return b.add(&model.Resource{
		Kind: model.KindLambda, ID: name, Name: name, ARN: b.arn("lambda", "function:"+name),
		SubnetIDs: subnetIDs, SecurityGroupIDs: groups, Lambda: &model.LambdaInfo{Runtime: "python3.12"},
	})
}

// ECSService adds a Fargate service of cluster (a cluster name) with an
// awsvpc configuration in subnetIDs carrying groups; Link turns it into a
// resource whose ID is its ARN and whose label is "NAME (cluster CLUSTER)".
func (b *Builder) ECSService(cluster, name string, subnetIDs []string, groups ...string) *model.ECSService {
	b.mark(model.CallECSClusters, model.CallECSServicesList, model.CallECSServices)
	svc := &model.ECSService{
		Cluster: b.arn("ecs", "cluster/"+cluster), Name: name, ARN: b.arn("ecs", "service/"+cluster+"/"+name),
		LaunchType: "FARGATE", SubnetIDs: subnetIDs, SecurityGroupIDs: groups, AssignPublicIP: "DISABLED",
	}
	b.r.ECSServices = append(b.r.ECSServices, svc)
	return svc
}

// NATGateway adds a public NAT gateway in subnetID with publicIP ("" for
// none) on its interface ("eni-" followed by the gateway's ID), as
// ec2-describe-nat-gateways describes it.
func (b *Builder) NATGateway(id, subnetID, publicIP string) *model.Resource {
	b.mark(model.CallNATGateways)
	e := b.eni("eni-"+id, subnetID, nil, model.CallNATGateways)
	e.InterfaceType = "nat_gateway"
	ng := &model.NATGateway{ID: id, VPCID: b.vpcOf([]string{subnetID}), SubnetID: subnetID, ConnectivityType: "public", State: "available", ENIIDs: []string{e.ID}, Tags: model.Tags{}}
	if len(e.Addresses) > 0 {
		ng.PrivateIPs = []netip.Addr{e.Addresses[0].Private}
	}
	if publicIP != "" {
		SetPublicIP(e, publicIP)
		ng.PublicIPs = []netip.Addr{e.Addresses[0].Public}
	}
	b.r.NATGateways = append(b.r.NATGateways, ng)
	return b.add(&model.Resource{Kind: model.KindNATGateway, ID: id, SubnetIDs: []string{subnetID}, ENIs: []*model.ENI{e}})
}

// InterfaceEndpoint adds an interface VPC endpoint for service (e.g.
// "com.amazonaws.ap-northeast-1.ssm") in subnetIDs carrying groups.
func (b *Builder) InterfaceEndpoint(id, service string, subnetIDs []string, groups ...string) *model.Resource {
	b.mark(model.CallVPCEndpoints)
	vpc := b.vpcOf(subnetIDs)
	b.r.VPCEndpoints = append(b.r.VPCEndpoints, &model.VPCEndpoint{
		ID: id, VPCID: vpc, Type: "Interface", ServiceName: service, State: "available",
		SubnetIDs: subnetIDs, SecurityGroupIDs: groups, PrivateDNSEnabled: true, Tags: model.Tags{},
	})
	return b.add(&model.Resource{Kind: model.KindVPCEndpoint, ID: id, Name: service, SubnetIDs: subnetIDs, SecurityGroupIDs: groups})
}

// NetworkACL adds a network ACL for vpcID associated with subnetIDs, with
// entries (see Entry). Without entries it holds only AWS's final denies,
// rule 32767 (*) both ways; add them yourself in any case: they are in
// every real ACL.
func (b *Builder) NetworkACL(id, vpcID string, subnetIDs []string, entries ...model.NACLEntry) *model.NetworkACL {
	b.mark(model.CallNetworkACLs)
	n := &model.NetworkACL{ID: id, VPCID: vpcID, SubnetIDs: subnetIDs, Entries: entries}
	sort.SliceStable(n.Entries, func(i, j int) bool {
		x, y := n.Entries[i], n.Entries[j]
		if x.Egress != y.Egress {
			return !x.Egress
		}
		return x.RuleNumber < y.RuleNumber
	})
	b.r.NetworkACLs = append(b.r.NetworkACLs, n)
	return n
}

// Entry is a network ACL entry: rule number, direction ("in" or "out"),
// action ("allow" or "deny"), protocol as AWS prints it ("-1", "6", "tcp"),
// port range (ignored unless TCP or UDP) and CIDR.
func Entry(number int, direction, action, protocol string, from, to int, cidr string) model.NACLEntry {
	p, err := model.ParseProtocol(protocol)
	if err != nil {
		panic(err)
	}
	e := model.NACLEntry{RuleNumber: number, Egress: direction == "out", Allow: action == "allow", Protocol: p, Ports: model.AllPorts,
		ICMP: model.ICMPMatch{Type: -1, Code: -1}, CIDR: netip.MustParsePrefix(cidr)}
	if p.HasPorts() {
		e.Ports = model.PortRange{From: uint16(from), To: uint16(to)}
	}
	return e
}
