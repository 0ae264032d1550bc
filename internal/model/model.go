// Package model is vpcdoctor's normalised, read-only inventory of AWS
// networks: accounts, regions, VPCs and everything that decides whether a
// packet gets through (AWS-SEMANTICS.md §1–§6).
//
// Sources (the snapshot loader, later the live collector and the Terraform
// plan reader) fill a Region through its exported fields and then call
// Region.Link once, which joins resources and network interfaces, decides
// which subnets are public and derives roles. After Link a Region must not
// be changed: analyses read it concurrently. The model does no I/O and knows
// no AWS SDK types.
package model

import (
	"net/netip"
)

// Inventory is everything loaded for one scan.
type Inventory struct {
	Accounts []*Account // sorted by ID, then Name
	// Unreached are the accounts a collection meant to read and could not
	// (a role that cannot be assumed, regions that cannot be listed): none
	// of their resources is in Accounts. Sorted by Account.
	Unreached []UnreachedAccount
}

// UnreachedAccount is an account of a multi-account snapshot that was not
// collected, and why (vpcdoctor collect's record).
type UnreachedAccount struct {
	Account string // the account ID, or the profile that should have led to it
	Call    string // the call that failed: "sts-assume-role", ...
	Reason  string // "not collected: AccessDenied (…)"
}

// Regions returns every region of every account, in account order.
func (inv *Inventory) Regions() []*Region {
	var out []*Region
	for _, a := range inv.Accounts {
		out = append(out, a.Regions...)
	}
	return out
}

// Account is one AWS account of a snapshot.
type Account struct {
	ID      string    // the 12-digit account ID; empty when no file names it
	Name    string    // the snapshot folder's name
	Path    string    // the folder it was read from
	Regions []*Region // sorted by Name
}

// Label names the account for people: its ID, else its folder name.
func (a *Account) Label() string {
	if a.ID != "" {
		return a.ID
	}
	return a.Name
}

// Region is one account's resources in one AWS region.
type Region struct {
	Account string // the account's Label
	Name    string // e.g. "ap-northeast-1"

	VPCs                       []*VPC
	Subnets                    []*Subnet
	RouteTables                []*RouteTable
	InternetGateways           []*InternetGateway
	EgressOnlyInternetGateways []*EgressOnlyInternetGateway
	NATGateways                []*NATGateway
	VPCEndpoints               []*VPCEndpoint
	PeeringConnections         []*PeeringConnection
	PrefixLists                []*PrefixList
	NetworkACLs                []*NetworkACL
	SecurityGroups             []*SecurityGroup
	ENIs                       []*ENI
	LoadBalancers              []*LoadBalancer
	TargetGroups               []*TargetGroup
	DBClusters                 []*DBCluster
	ECSServices                []*ECSService
	// FlowLogs are the region's VPC flow logs, on VPCs, subnets,
	// interfaces and transit gateways.
	FlowLogs []*FlowLog

	// Resources are the things behind ENIs: instances, load balancers, DB
	// instances, cache clusters, functions, ECS services and tasks, NAT
	// gateways, interface endpoints. Link fills Roles from them.
	Resources []*Resource
	Roles     []*Role

	// Coverage says which calls were collected; checks ask it before they
	// conclude anything from an empty list.
	Coverage Coverage

	// Notes are oddities met while loading and linking: duplicate IDs,
	// interfaces claimed twice, references to things not in the data.
	Notes []Note

	idx index
}

// Note is an oddity in the input that vpcdoctor tolerated. It is reported,
// never fatal.
type Note struct {
	Subject string // the ID the note is about
	Text    string
}

// Tags are an AWS resource's tags.
type Tags map[string]string

// Name returns the Name tag, or "".
func (t Tags) Name() string { return t["Name"] }

// VPC is a virtual private cloud with every CIDR block associated with it.
type VPC struct {
	ID        string
	OwnerID   string
	IsDefault bool
	CIDRs     []netip.Prefix // IPv4 then IPv6, associated blocks only
	Tags      Tags
}

// Subnet belongs to one VPC and one availability zone (AWS-SEMANTICS.md §1).
type Subnet struct {
	ID                  string
	VPCID               string
	AZ                  string
	CIDR                netip.Prefix   // IPv4 block; invalid for IPv6-only subnets
	IPv6CIDRs           []netip.Prefix // associated IPv6 blocks
	MapPublicIPOnLaunch bool
	Tags                Tags

	// Set by Link.
	RouteTable *RouteTable // explicit association, else the VPC's main table; nil when unknown
	NetworkACL *NetworkACL // nil when unknown
	// Public is Yes when the route table has an active route to an attached
	// internet gateway (AWS-SEMANTICS.md §4), Unknown when route tables were
	// not collected or no table applies.
	Public Tristate
	// PublicRoute is the route that makes the subnet public, for evidence.
	PublicRoute *Route
}

// Label is "subnet-… (Name)".
func (s *Subnet) Label() string { return labelWithName(s.ID, s.Tags.Name()) }

// RouteTable is a VPC route table with its associations.
type RouteTable struct {
	ID         string
	VPCID      string
	Main       bool     // the VPC's main table
	SubnetIDs  []string // explicit subnet associations
	GatewayIDs []string // edge associations (ingress routing, AWS-SEMANTICS.md §4)
	Routes     []Route
	Tags       Tags
}

// RouteTargetKind names what a route sends packets to.
type RouteTargetKind string

// Route target kinds (AWS-SEMANTICS.md §4).
const (
	TargetLocal             RouteTargetKind = "local"
	TargetInternetGateway   RouteTargetKind = "internet-gateway"
	TargetEgressOnlyGateway RouteTargetKind = "egress-only-internet-gateway"
	TargetVirtualPrivateGW  RouteTargetKind = "virtual-private-gateway"
	TargetNATGateway        RouteTargetKind = "nat-gateway"
	TargetTransitGateway    RouteTargetKind = "transit-gateway"
	TargetPeering           RouteTargetKind = "vpc-peering-connection"
	TargetGatewayEndpoint   RouteTargetKind = "vpc-endpoint"
	TargetNetworkInterface  RouteTargetKind = "network-interface"
	TargetInstance          RouteTargetKind = "instance"
	TargetCarrierGateway    RouteTargetKind = "carrier-gateway"
	TargetLocalGateway      RouteTargetKind = "local-gateway"
	TargetCoreNetwork       RouteTargetKind = "core-network"
	TargetUnknown           RouteTargetKind = "unknown"
)

// Route is one entry of a route table. Exactly one of Destination and
// DestinationPrefixList is set.
type Route struct {
	Destination           netip.Prefix
	DestinationPrefixList string
	TargetKind            RouteTargetKind
	TargetID              string // "local" for the local route
	Blackhole             bool   // State "blackhole": the target is gone and packets drop
	Origin                string // CreateRouteTable, CreateRoute, EnableVgwRoutePropagation
}

// DestinationString prints the CIDR or the prefix-list ID.
func (r Route) DestinationString() string {
	if r.DestinationPrefixList != "" {
		return r.DestinationPrefixList
	}
	return r.Destination.String()
}

// InternetGateway is an internet gateway and the VPCs it is attached to.
type InternetGateway struct {
	ID       string
	Attached []string // VPC IDs whose attachment state is "available" (or "attached")
	Tags     Tags
}

// AttachedTo reports whether the gateway is usable by vpcID (AWS-SEMANTICS.md §4).
func (g *InternetGateway) AttachedTo(vpcID string) bool {
	for _, v := range g.Attached {
		if v == vpcID {
			return true
		}
	}
	return false
}

// EgressOnlyInternetGateway lets IPv6 traffic out, never in.
type EgressOnlyInternetGateway struct {
	ID       string
	Attached []string
	Tags     Tags
}

// NATGateway is a public or private NAT gateway.
type NATGateway struct {
	ID               string
	VPCID            string
	SubnetID         string
	ConnectivityType string // "public" or "private"
	State            string
	ENIIDs           []string
	PrivateIPs       []netip.Addr
	PublicIPs        []netip.Addr
	Tags             Tags
}

// VPCEndpoint is a gateway, interface or Gateway Load Balancer endpoint.
type VPCEndpoint struct {
	ID                string
	VPCID             string
	Type              string // "Gateway", "Interface", "GatewayLoadBalancer"
	ServiceName       string
	State             string
	SubnetIDs         []string
	RouteTableIDs     []string
	SecurityGroupIDs  []string
	ENIIDs            []string
	PrivateDNSEnabled bool
	Tags              Tags
}

// PeeringConnection joins two VPCs, possibly across accounts and regions.
type PeeringConnection struct {
	ID                              string
	Status                          string // "active", "pending-acceptance", ...
	RequesterVPC, AccepterVPC       string
	RequesterOwner, AccepterOwner   string
	RequesterRegion, AccepterRegion string
	RequesterCIDRs, AccepterCIDRs   []netip.Prefix
	Tags                            Tags
}

// PrefixList is a managed prefix list. Entries is nil when its entries were
// not collected (EntriesKnown false), which is not the same as empty.
type PrefixList struct {
	ID            string
	Name          string
	OwnerID       string // "AWS" for AWS-managed lists
	AddressFamily string
	Entries       []netip.Prefix
	EntriesKnown  bool
}

// AWSManaged reports whether AWS owns the list (S3, DynamoDB, CloudFront...).
func (p *PrefixList) AWSManaged() bool { return p.OwnerID == "AWS" }

// NetworkACL is a subnet's stateless filter (AWS-SEMANTICS.md §3).
type NetworkACL struct {
	ID        string
	VPCID     string
	IsDefault bool
	SubnetIDs []string
	Entries   []NACLEntry // sorted by Egress, then RuleNumber
	Tags      Tags
}

// NACLEntry is one numbered rule; the lowest matching number decides.
type NACLEntry struct {
	RuleNumber int
	Egress     bool
	Allow      bool
	Protocol   Protocol
	Ports      PortRange // AllPorts unless Protocol is TCP or UDP
	ICMP       ICMPMatch
	CIDR       netip.Prefix // IPv4 or IPv6
}

// SecurityGroup is a stateful allow-list (AWS-SEMANTICS.md §2).
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
	VPCID       string
	OwnerID     string
	Ingress     []Rule
	Egress      []Rule
	Tags        Tags

	// Set by Link: the interfaces and resources that carry the group.
	ENIs      []*ENI
	Resources []*Resource
}

// Label is "sg-… (name)".
func (g *SecurityGroup) Label() string { return labelWithName(g.ID, g.Name) }

// Direction is ingress or egress.
type Direction string

const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// PeerKind says which field of a Peer is set.
type PeerKind string

const (
	PeerCIDR       PeerKind = "cidr"
	PeerPrefixList PeerKind = "prefix-list"
	PeerGroup      PeerKind = "security-group"
)

// Peer is the source (ingress) or destination (egress) of one rule.
type Peer struct {
	Kind         PeerKind
	CIDR         netip.Prefix // PeerCIDR
	PrefixListID string       // PeerPrefixList
	GroupID      string       // PeerGroup
	UserID       string       // PeerGroup: the group's account, when another
	VPCID        string       // PeerGroup: the group's VPC, when peered
	PeeringID    string       // PeerGroup: the peering it crosses
}

// String prints the CIDR, prefix-list ID or group ID.
func (p Peer) String() string {
	switch p.Kind {
	case PeerCIDR:
		return p.CIDR.String()
	case PeerPrefixList:
		return p.PrefixListID
	case PeerGroup:
		if p.UserID != "" {
			return p.UserID + "/" + p.GroupID
		}
		return p.GroupID
	}
	return "?"
}

// Rule is one (protocol, ports, peer) of a security group: AWS rule objects
// with several sources become several Rules (AWS-SEMANTICS.md §2).
type Rule struct {
	GroupID     string
	Direction   Direction
	Protocol    Protocol
	Ports       PortRange // AllPorts unless Protocol is TCP or UDP
	ICMP        ICMPMatch // for ICMP and ICMPv6
	Peer        Peer
	Description string
}

// PortsString prints what the rule selects beyond its protocol:
// "all", "22", "1024-65535", "icmp any".
func (r Rule) PortsString() string {
	switch {
	case r.Protocol == ProtocolAll:
		return "all traffic"
	case r.Protocol.HasPorts():
		return r.Protocol.String() + "/" + r.Ports.String()
	case r.Protocol.IsICMP():
		return r.Protocol.String() + " " + r.ICMP.String()
	}
	return "protocol " + r.Protocol.String()
}

// String prints the rule as evidence: "ingress tcp/22 from 0.0.0.0/0".
func (r Rule) String() string {
	word := "from"
	if r.Direction == Egress {
		word = "to"
	}
	return string(r.Direction) + " " + r.PortsString() + " " + word + " " + r.Peer.String()
}

// AddressPair is a private address and the public address mapped to it.
type AddressPair struct {
	Private netip.Addr
	Public  netip.Addr // invalid when none
}

// ENI is a network interface, the unit of reachability (AWS-SEMANTICS.md §1).
type ENI struct {
	ID               string
	VPCID            string
	SubnetID         string
	AZ               string
	InterfaceType    string // "interface", "lambda", "nat_gateway", "vpc_endpoint", ...
	Description      string
	RequesterID      string
	RequesterManaged bool
	Status           string
	InstanceID       string        // Attachment.InstanceId
	Addresses        []AddressPair // IPv4, primary first
	IPv6             []netip.Addr
	// Prefixes are IPv4 and IPv6 prefixes delegated to the interface
	// (Ipv4Prefixes, Ipv6Prefixes): every address in them is the ENI's.
	Prefixes         []netip.Prefix
	SecurityGroupIDs []string
	SourceDestCheck  bool
	Tags             Tags

	// Origin says where the interface was described: "ec2-describe-network-interfaces",
	// or the resource whose own description supplied it when the ENI list lacked it.
	Origin string

	// Set by Link.
	Owner Owner
}

// PublicIPs returns the interface's public IPv4 addresses.
func (e *ENI) PublicIPs() []netip.Addr {
	var out []netip.Addr
	for _, a := range e.Addresses {
		if a.Public.IsValid() {
			out = append(out, a.Public)
		}
	}
	return out
}

// OwnerKind says what kind of thing sends and receives through an ENI.
type OwnerKind string

// Owner kinds, decided as AWS-SEMANTICS.md §1 describes.
const (
	OwnerInstance     OwnerKind = "ec2-instance"
	OwnerLoadBalancer OwnerKind = "load-balancer"
	OwnerRDS          OwnerKind = "rds"
	OwnerElastiCache  OwnerKind = "elasticache"
	OwnerLambda       OwnerKind = "lambda"
	OwnerECSTask      OwnerKind = "ecs-task"
	OwnerNATGateway   OwnerKind = "nat-gateway"
	OwnerVPCEndpoint  OwnerKind = "vpc-endpoint"
	OwnerOtherAWS     OwnerKind = "aws-service"
	OwnerUnattached   OwnerKind = "unattached"
	OwnerUnknown      OwnerKind = "unknown"
)

// Owner is what an ENI belongs to. Resource is nil when the owner is known
// only by kind (its resource was not collected) or is ambiguous; Candidates
// then lists the resources it may belong to. For a shared Lambda
// (Hyperplane) interface, Resource is the function its description names and
// Candidates the other functions that share it.
type Owner struct {
	Kind       OwnerKind
	ID         string // instance ID, load balancer name, cache cluster ID, function name, ...
	Resource   *Resource
	Candidates []*Resource
	// Basis says how the owner was decided: "Attachment.InstanceId",
	// "Description", "InterfaceType", "security groups and subnet".
	Basis string
}

func labelWithName(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return id + " (" + name + ")"
}
