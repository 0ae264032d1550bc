package model

import "sort"

// Call names one AWS API call in the AWS CLI's spelling,
// "<service>-<operation>", the same name the snapshot file has.
type Call string

// The calls vpcdoctor reads, per region. The snapshot loader reads a file of
// each name; the collector makes the same calls.
const (
	CallVPCs                  Call = "ec2-describe-vpcs"
	CallSubnets               Call = "ec2-describe-subnets"
	CallRouteTables           Call = "ec2-describe-route-tables"
	CallInternetGateways      Call = "ec2-describe-internet-gateways"
	CallEgressOnlyIGWs        Call = "ec2-describe-egress-only-internet-gateways"
	CallNATGateways           Call = "ec2-describe-nat-gateways"
	CallNetworkACLs           Call = "ec2-describe-network-acls"
	CallSecurityGroups        Call = "ec2-describe-security-groups"
	CallNetworkInterfaces     Call = "ec2-describe-network-interfaces"
	CallInstances             Call = "ec2-describe-instances"
	CallVPCEndpoints          Call = "ec2-describe-vpc-endpoints"
	CallPeeringConnections    Call = "ec2-describe-vpc-peering-connections"
	CallManagedPrefixLists    Call = "ec2-describe-managed-prefix-lists"
	CallPrefixListEntries     Call = "ec2-get-managed-prefix-list-entries"
	CallFlowLogs              Call = "ec2-describe-flow-logs"
	CallLoadBalancersV2       Call = "elbv2-describe-load-balancers"
	CallListeners             Call = "elbv2-describe-listeners"
	CallTargetGroups          Call = "elbv2-describe-target-groups"
	CallTargetHealth          Call = "elbv2-describe-target-health"
	CallTargetGroupAttributes Call = "elbv2-describe-target-group-attributes"
	CallClassicLoadBalancers  Call = "elb-describe-load-balancers"
	CallDBInstances           Call = "rds-describe-db-instances"
	CallDBClusters            Call = "rds-describe-db-clusters"
	CallCacheClusters         Call = "elasticache-describe-cache-clusters"
	CallCacheSubnetGroups     Call = "elasticache-describe-cache-subnet-groups"
	CallLambdaFunctions       Call = "lambda-list-functions"
	CallECSClusters           Call = "ecs-list-clusters"
	CallECSServicesList       Call = "ecs-list-services"
	CallECSServices           Call = "ecs-describe-services"
	CallECSTasksList          Call = "ecs-list-tasks"
	CallECSTasks              Call = "ecs-describe-tasks"
	CallCallerIdentity        Call = "sts-get-caller-identity"
)

// CallInfo describes one call: whether it is made once per region or once
// per resource, and what vpcdoctor cannot conclude without it.
type CallInfo struct {
	Call Call
	// Per is empty for a regional call, else the kind of resource it is made
	// for ("load balancer ARN", "prefix list ID", ...).
	Per string
	// Optional calls are read when present and never reported missing.
	Optional bool
	// Weakens says which conclusions a missing call leaves undecided.
	Weakens string
}

// Calls is every call vpcdoctor reads per region, in the order they are
// reported.
var Calls = []CallInfo{
	{Call: CallVPCs, Weakens: "VPC CIDR blocks unknown; VPC-level checks skipped"},
	{Call: CallSubnets, Weakens: "subnet placement unknown; public-subnet checks cannot run"},
	{Call: CallRouteTables, Weakens: "which subnets are public is unknown; public-subnet checks cannot run"},
	{Call: CallInternetGateways, Weakens: "internet gateways assumed attached wherever a route names one"},
	{Call: CallEgressOnlyIGWs, Weakens: "egress-only gateways unknown"},
	{Call: CallNATGateways, Weakens: "NAT gateways unknown"},
	{Call: CallNetworkACLs, Weakens: "network ACLs unknown: reachability assumes they allow everything"},
	{Call: CallSecurityGroups, Weakens: "security-group checks cannot run"},
	{Call: CallNetworkInterfaces, Weakens: "interfaces known only from the resources that describe them; owners of other interfaces unknown"},
	{Call: CallInstances, Weakens: "EC2 instances unknown"},
	{Call: CallVPCEndpoints, Weakens: "VPC endpoints unknown"},
	{Call: CallPeeringConnections, Weakens: "VPC peerings unknown"},
	{Call: CallManagedPrefixLists, Weakens: "prefix lists in rules and routes cannot be resolved"},
	{Call: CallPrefixListEntries, Per: "prefix list ID", Weakens: "the list's addresses are unknown; rules naming it are treated as open to the internet"},
	{Call: CallFlowLogs, Weakens: "VPC flow logs unknown; whether VPCs log their traffic cannot be checked"},
	{Call: CallLoadBalancersV2, Weakens: "application, network and gateway load balancers unknown"},
	{Call: CallListeners, Per: "load balancer ARN", Weakens: "the load balancer's listener ports are unknown"},
	{Call: CallTargetGroups, Weakens: "target groups unknown; roles of instances behind load balancers cannot be derived"},
	{Call: CallTargetHealth, Per: "target group ARN", Weakens: "the group's registered targets are unknown"},
	{Call: CallTargetGroupAttributes, Per: "target group ARN", Weakens: "client IP preservation assumed AWS's default"},
	{Call: CallClassicLoadBalancers, Weakens: "classic load balancers unknown"},
	{Call: CallDBInstances, Weakens: "RDS and Aurora DB instances unknown"},
	{Call: CallDBClusters, Weakens: "Aurora clusters unknown; DB instances grouped by their own cluster identifier"},
	{Call: CallCacheClusters, Weakens: "ElastiCache clusters unknown"},
	{Call: CallCacheSubnetGroups, Optional: true, Weakens: "cache subnet groups unknown; cache placement taken from its interfaces"},
	{Call: CallLambdaFunctions, Weakens: "Lambda functions unknown"},
	{Call: CallECSClusters, Weakens: "ECS clusters unknown"},
	{Call: CallECSServicesList, Per: "ECS cluster ARN", Optional: true, Weakens: "ECS services unknown"},
	{Call: CallECSServices, Per: "ECS cluster ARN", Weakens: "ECS services' network configuration unknown"},
	{Call: CallECSTasksList, Per: "ECS cluster ARN", Optional: true, Weakens: "ECS tasks unknown"},
	{Call: CallECSTasks, Per: "ECS cluster ARN", Weakens: "ECS tasks and their interfaces unknown"},
}

// CallInfoFor returns the description of c; ok is false for calls vpcdoctor
// does not read.
func CallInfoFor(c Call) (CallInfo, bool) {
	for _, ci := range Calls {
		if ci.Call == c {
			return ci, true
		}
	}
	return CallInfo{}, false
}

// Coverage records which calls a region's data holds.
type Coverage struct {
	collected  map[Call]bool
	incomplete map[Call]bool
	Missing    []MissingCall
}

// MissingCall is one call whose result is absent or incomplete.
type MissingCall struct {
	Call     Call
	Resource string // for per-resource calls: the resource it was not collected for
	Reason   string // "not collected", "incomplete: NextToken present", ...
}

// MarkCollected records that c's result is present (perhaps empty).
func (c *Coverage) MarkCollected(call Call) {
	if c.collected == nil {
		c.collected = map[Call]bool{}
	}
	c.collected[call] = true
}

// MarkMissing records that call (for resource, when per-resource) is absent
// or incomplete.
func (c *Coverage) MarkMissing(call Call, resource, reason string) {
	c.Missing = append(c.Missing, MissingCall{Call: call, Resource: resource, Reason: reason})
}

// MarkIncomplete records that a regional call's result holds only some of
// its pages: what it holds is used, but nothing may be concluded from what
// it lacks.
func (c *Coverage) MarkIncomplete(call Call, reason string) {
	if c.incomplete == nil {
		c.incomplete = map[Call]bool{}
	}
	c.incomplete[call] = true
	c.MarkMissing(call, "", reason)
}

// Has reports whether call's whole result is present for the region: it
// was collected, and not cut short. A missing or incomplete call means "not
// known", never "no resources"; analyses conclude nothing from its absence.
func (c *Coverage) Has(call Call) bool { return c.collected[call] && !c.incomplete[call] }

// Sort orders Missing by call, then resource, for deterministic output.
func (c *Coverage) Sort() {
	sort.SliceStable(c.Missing, func(i, j int) bool {
		a, b := c.Missing[i], c.Missing[j]
		if a.Call != b.Call {
			return callOrder(a.Call) < callOrder(b.Call)
		}
		return a.Resource < b.Resource
	})
}

func callOrder(c Call) int {
	for i, ci := range Calls {
		if ci.Call == c {
			return i
		}
	}
	return len(Calls)
}
