package model

import (
	"sort"
	"strings"
)

// ResourceKind names a kind of thing that talks through ENIs.
type ResourceKind string

// Resource kinds. Their string values appear in JSON output; do not rename.
const (
	KindInstance     ResourceKind = "ec2-instance"
	KindLoadBalancer ResourceKind = "load-balancer"
	KindDBInstance   ResourceKind = "rds-db-instance"
	KindCacheCluster ResourceKind = "elasticache-cluster"
	KindLambda       ResourceKind = "lambda-function"
	KindECSService   ResourceKind = "ecs-service"
	KindECSTask      ResourceKind = "ecs-task"
	KindNATGateway   ResourceKind = "nat-gateway"
	KindVPCEndpoint  ResourceKind = "vpc-endpoint"
)

// kindNouns are the words people use for each kind, for messages.
var kindNouns = map[ResourceKind]string{
	KindInstance:     "EC2 instance",
	KindLoadBalancer: "load balancer",
	KindDBInstance:   "RDS DB instance",
	KindCacheCluster: "ElastiCache cluster",
	KindLambda:       "Lambda function",
	KindECSService:   "ECS service",
	KindECSTask:      "ECS task",
	KindNATGateway:   "NAT gateway",
	KindVPCEndpoint:  "VPC endpoint",
}

// Noun is the kind in words: "EC2 instance", "RDS DB instance".
func (k ResourceKind) Noun() string {
	if n, ok := kindNouns[k]; ok {
		return n
	}
	return string(k)
}

// Resource is anything that sends or receives through ENIs, with the
// subnets and security groups it is configured with and the interfaces it
// was found to use. Kind-specific facts are in the pointer field for its
// kind; the others are nil.
type Resource struct {
	Kind ResourceKind
	// ID is what AWS users call the resource: instance ID, load balancer
	// name, DB instance identifier, cache cluster ID, function name, ECS
	// service or task ARN, NAT gateway ID, endpoint ID.
	ID    string
	Name  string // Name tag or other human name; may equal ID
	ARN   string
	VPCID string

	// SubnetIDs are every subnet the resource runs in or may be placed in
	// (its interfaces' subnets, plus configured subnets such as a DB subnet
	// group or a function's VpcConfig), sorted.
	SubnetIDs []string
	// SecurityGroupIDs are the groups configured on the resource and on its
	// interfaces, sorted.
	SecurityGroupIDs []string
	ENIs             []*ENI
	// MaybeENIs are interfaces that may be this resource's but could not be
	// told apart from a sibling's (e.g. two Aurora instances with the same
	// groups and subnets).
	MaybeENIs []*ENI
	Tags      Tags

	Role *Role // set by Link

	Instance     *InstanceInfo
	LoadBalancer *LoadBalancer
	DB           *DBInstanceInfo
	Cache        *CacheInfo
	Lambda       *LambdaInfo
	ECS          *ECSInfo
}

// Label is "ID (Name)" for messages; ECS services and tasks, whose IDs are
// long ARNs, are "Name (cluster CLUSTER)".
func (r *Resource) Label() string {
	if r.ECS != nil && r.Name != "" {
		cluster := r.ECS.Cluster[strings.LastIndexByte(r.ECS.Cluster, '/')+1:]
		if cluster == "" {
			return r.Name
		}
		return r.Name + " (cluster " + cluster + ")"
	}
	return labelWithName(r.ID, r.Name)
}

// PublicIPs returns the addresses on the resource's interfaces that the
// internet can route to: public IPv4 addresses, and IPv6 addresses, which
// are all globally routable (AWS-SEMANTICS.md §5) except unique-local ones.
func (r *Resource) PublicIPs() []string {
	var out []string
	for _, e := range r.ENIs {
		for _, a := range e.PublicIPs() {
			out = append(out, a.String())
		}
		for _, a := range e.IPv6 {
			if a.IsGlobalUnicast() && !a.IsPrivate() {
				out = append(out, a.String())
			}
		}
	}
	sort.Strings(out)
	return out
}

// IsInternetFacingLoadBalancer reports whether the resource is a load
// balancer with Scheme internet-facing.
func (r *Resource) IsInternetFacingLoadBalancer() bool {
	return r.Kind == KindLoadBalancer && r.LoadBalancer != nil && r.LoadBalancer.Scheme == "internet-facing"
}

// IsBastion reports whether the resource is a deliberate bastion (jump)
// host: an EC2 instance whose Name or Role tag says so.
func (r *Resource) IsBastion() bool {
	if r.Kind != KindInstance {
		return false
	}
	for _, k := range []string{"Name", "Role", "role"} {
		v := strings.ToLower(r.Tags[k])
		if strings.Contains(v, "bastion") || strings.Contains(v, "jump") {
			return true
		}
	}
	return false
}

// BelongsInPublicSubnet reports whether the resource is one of the few that
// are meant to face the internet from a public subnet: internet-facing load
// balancers, NAT gateways and deliberate bastions. Interface endpoints never
// accept traffic from the internet (AWS-SEMANTICS.md §5), so their subnet
// does not matter either.
func (r *Resource) BelongsInPublicSubnet() bool {
	switch {
	case r.IsInternetFacingLoadBalancer(), r.IsBastion():
		return true
	case r.Kind == KindNATGateway, r.Kind == KindVPCEndpoint:
		return true
	}
	return false
}

// InstanceInfo is what an EC2 instance adds.
type InstanceInfo struct {
	State            string // running, stopped, ...
	InstanceType     string
	PublicIP         string
	ImageID          string
	KeyName          string
	InstanceProfile  string
	AutoScalingGroup string // aws:autoscaling:groupName tag
}

// LoadBalancerType is application, network, gateway or classic.
type LoadBalancerType string

const (
	LBApplication LoadBalancerType = "application"
	LBNetwork     LoadBalancerType = "network"
	LBGateway     LoadBalancerType = "gateway"
	LBClassic     LoadBalancerType = "classic"
)

// LoadBalancer is an ALB, NLB, GWLB or Classic Load Balancer.
type LoadBalancer struct {
	Name             string
	ARN              string // empty for classic load balancers
	Type             LoadBalancerType
	Scheme           string // "internet-facing" or "internal"
	IPAddressType    string
	DNSName          string
	VPCID            string
	SubnetIDs        []string
	SecurityGroupIDs []string
	// ListenersKnown is false when the listener call was not collected.
	ListenersKnown bool
	Listeners      []Listener
	// InstanceIDs are a classic load balancer's registered instances.
	InstanceIDs []string
}

// Listener is a port a load balancer accepts connections on.
type Listener struct {
	ARN      string
	Protocol string // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE
	Port     int
	// TargetGroupARNs are the groups its default actions forward to.
	TargetGroupARNs []string
	// InstancePort is a classic listener's back-end port.
	InstancePort     int
	InstanceProtocol string
	Redirect         bool // the default action redirects (typically HTTP→HTTPS)
}

// TargetGroup is an ELBv2 target group with its registered targets.
// IPProtocols are the IP protocols a listener accepts: UDP for UDP, both
// TCP and UDP for TCP_UDP, TCP for everything else (HTTP, HTTPS, TCP, TLS,
// SSL).
func (l Listener) IPProtocols() []Protocol {
	switch strings.ToUpper(l.Protocol) {
	case "UDP":
		return []Protocol{ProtocolUDP}
	case "TCP_UDP":
		return []Protocol{ProtocolTCP, ProtocolUDP}
	}
	return []Protocol{ProtocolTCP}
}

type TargetGroup struct {
	ARN              string
	Name             string
	Protocol         string
	Port             int
	TargetType       string // instance, ip, lambda, alb
	VPCID            string
	LoadBalancerARNs []string
	// TargetsKnown is false when describe-target-health was not collected.
	TargetsKnown bool
	Targets      []Target
	// Attributes are the group's attributes (preserve_client_ip.enabled, ...);
	// nil when not collected.
	Attributes map[string]string
}

// Target is one registered target.
type Target struct {
	ID     string // instance ID, IP address, Lambda ARN or ALB ARN
	Port   int
	AZ     string
	Health string
}

// DBInstanceInfo is what an RDS or Aurora DB instance adds.
type DBInstanceInfo struct {
	Engine             string
	EngineVersion      string
	Class              string
	ClusterID          string
	PubliclyAccessible bool
	SubnetGroup        string
	AZ                 string
	Port               int
	Endpoint           string
}

// DBCluster is an Aurora (or Multi-AZ) DB cluster; its members are DB
// instance resources.
type DBCluster struct {
	ID               string
	ARN              string
	Engine           string
	SubnetGroup      string
	SecurityGroupIDs []string
	MemberIDs        []string
	Port             int
	Endpoint         string
	ReaderEndpoint   string
}

// CacheInfo is what an ElastiCache cluster adds.
type CacheInfo struct {
	Engine           string
	NodeType         string
	ReplicationGroup string
	SubnetGroup      string
	// SubnetGroupSubnetIDs are the subnets of the cache subnet group, as
	// elasticache-describe-cache-subnet-groups lists them (every subnet AWS
	// may place a node in); nil when that call was not collected or does
	// not list the group. Resource.SubnetIDs also holds them, merged with
	// the subnets of the cluster's interfaces.
	SubnetGroupSubnetIDs []string
	Port                 int
}

// LambdaInfo is what a Lambda function in a VPC adds.
type LambdaInfo struct {
	Runtime string
}

// ECSInfo is what an ECS service or task adds.
type ECSInfo struct {
	Cluster        string // cluster ARN
	Service        string // service name; for a task, the service it belongs to
	Family         string // a task's task-definition family
	LaunchType     string
	AssignPublicIP string // ENABLED or DISABLED, from the service's awsvpc configuration
	TaskARNs       []string
}

// ECSService is an ECS service's network configuration as described by
// describe-services, before Link turns it into a resource.
type ECSService struct {
	Cluster          string
	Name             string
	ARN              string
	LaunchType       string
	SubnetIDs        []string
	SecurityGroupIDs []string
	AssignPublicIP   string
	// LoadBalancerTargetGroups are the target groups the service registers into.
	LoadBalancerTargetGroups []string
	Tags                     Tags
}

// Role is a set of resources that do the same job and should share one
// security group (PRODUCT.md, Roles).
type Role struct {
	ID      string // stable key, e.g. "target-group/oyatsu-web-tg"
	Name    string // for people, e.g. "oyatsu-web-tg"
	Kind    ResourceKind
	Basis   string // how members were grouped: "target group", "DB cluster", "Name tag", ...
	Members []*Resource
}

// Label is "name (EC2 instances, target group)".
func (r *Role) Label() string {
	noun := r.Kind.Noun()
	if len(r.Members) != 1 {
		noun += "s"
	}
	return r.Name + " (" + noun + ")"
}
