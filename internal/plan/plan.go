// Package plan designs the least-privilege network for an account
// (PRODUCT.md, "The plan"; issue 6): private subnets with NAT gateways and
// VPC endpoints, one security group per role with rules only for the flows
// that are needed, every resource placed the way its service allows
// (AWS-SEMANTICS.md §8), a proof on the target by the reachability engine,
// and the staged migration.
//
// The pipeline:
//
//	Design(inv, needed, opts)      decisions: subnets, NAT, endpoints, groups, moves (design.go)
//	WriteTarget(plan, src, dir)    the account after the migration, in the snapshot layout (target.go)
//	Prove(plan, target, observed)  the reachability engine on the target (proof.go)
//	Stages(plan)                   the staged migration (stages.go)
//	runbook.sh, rollback.sh        AWS CLI (runbook.go)
//	terraform/                     hclwrite (terraform.go)
//
// Plan is also plan.json; its schema is documented in docs/plan.md. The
// package never changes an account: it writes files a person reviews.
package plan

import (
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// Schema names the plan.json format; bump it on incompatible changes.
const Schema = "vpcdoctor-plan/1"

// Placeholder IDs of new objects start with their AWS prefix and "new-",
// e.g. "subnet-new-private-1a", "sg-new-web", "nat-new-1a",
// "vpce-new-s3", "rtb-new-private-1a", "eipalloc-new-1a". They are
// deterministic: the same input gives the same IDs. The runbook tags every
// object it creates with TagPlaceholder = the placeholder ID, and finds it
// again by that tag, which makes re-running a step safe.
const TagPlaceholder = "vpcdoctor:placeholder"

// IsPlaceholder reports whether id names an object the plan creates.
func IsPlaceholder(id string) bool {
	i := strings.IndexByte(id, '-')
	return i > 0 && strings.HasPrefix(id[i:], "-new-")
}

// Options are the planner's choices (flags and the config file's plan
// section).
type Options struct {
	// NAT is "per-az" (one NAT gateway per AZ in use: an AZ outage does not
	// cut the others off) or "single" (one, cheaper).
	NAT string `json:"nat"`
	// FlowLogs says whether flow logs were given: without them, rules are
	// inferred from the wiring and marked "inferred: confirm with flow logs".
	FlowLogs bool `json:"flow_logs"`
	// ClientVPN adds a group for an AWS Client VPN endpoint as the only
	// human path to the databases (default true).
	ClientVPN bool `json:"client_vpn"`
	// Roles renames roles or groups resources into roles: resource ID
	// (or glob) → role name. From the config file.
	Roles map[string]string `json:"roles,omitempty"`
	// Pinned resources stay where they are (subnet and public address);
	// their groups are still replaced. From the config file.
	Pinned []string `json:"pinned,omitempty"`
	// ExtraFlows are needed flows the logs do not show. From the config
	// file.
	ExtraFlows []ExtraFlow `json:"extra_flows,omitempty"`
	// Prices overrides the embedded price table (a file path), "" for the
	// embedded one.
	Prices string `json:"prices,omitempty"`
}

// ExtraFlow is a needed flow named in the config file: from a role or
// resource (or "internet", or "client-vpn") to a role or resource.
type ExtraFlow struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Protocol string `json:"protocol"`
	Port     int    `json:"port"`
	Reason   string `json:"reason"`
}

// Plan is the whole plan: plan.json.
type Plan struct {
	Schema   string        `json:"schema"`
	Options  Options       `json:"options"`
	Regions  []*RegionPlan `json:"regions"`
	Cost     Cost          `json:"cost"`
	Proof    *Proof        `json:"proof,omitempty"`
	Stages   []*Stage      `json:"stages"`
	Warnings []string      `json:"warnings"`
	// WarningMsgs are the Warnings as catalogue messages, in the same
	// order (one per warning), for a reader in another language.
	WarningMsgs []i18n.Message `json:"warning_msgs,omitempty"`
}

// setWarnings sets Warnings and WarningMsgs to ws, sorted by their
// English text, without repeats.
func (p *Plan) setWarnings(ws []i18n.Message) {
	type warning struct {
		text string
		msg  i18n.Message
	}
	all := make([]warning, len(ws))
	for i, m := range ws {
		all[i] = warning{i18n.English.Render(m), m}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].text < all[j].text })
	p.Warnings, p.WarningMsgs = []string{}, nil
	for i, w := range all {
		if i > 0 && w.text == all[i-1].text {
			continue
		}
		p.Warnings = append(p.Warnings, w.text)
		p.WarningMsgs = append(p.WarningMsgs, w.msg)
	}
}

// RegionPlan is the plan for one account and region.
type RegionPlan struct {
	Account string     `json:"account"`
	Region  string     `json:"region"`
	VPCs    []*VPCPlan `json:"vpcs"`
	// Groups are the new security groups, one per role (plus the interface
	// endpoints' and the Client VPN endpoint's), sorted by ID.
	Groups []*Group `json:"groups"`
	// Moves say, for every resource, where it goes and how (also "stay").
	Moves []*Move `json:"moves"`
	// Needed are the flows the target must keep: the accepted flows between
	// roles and from the internet to load-balancer listeners, or, without
	// flow logs, the ones the wiring implies.
	Needed []*NeededFlow `json:"needed"`
	// RetiredGroups are the existing groups the migration deletes once
	// nothing uses them; DefaultGroups are emptied (AWS does not delete a
	// VPC's default group).
	RetiredGroups []string `json:"retired_groups"`
	DefaultGroups []string `json:"default_groups"`
}

// VPCPlan is the new plumbing of one VPC.
type VPCPlan struct {
	VPCID string `json:"vpc_id"`
	Name  string `json:"name,omitempty"`
	// CIDRs are the VPC's IPv4 blocks now; SecondaryCIDR is a block the
	// plan adds because the existing ones have no room ("" when not).
	CIDRs         []string `json:"cidrs"`
	SecondaryCIDR string   `json:"secondary_cidr,omitempty"`
	AZs           []string `json:"azs"`
	// PublicSubnets are the existing subnets kept public (internet-facing
	// load balancers, NAT gateways); they stop assigning public addresses.
	PublicSubnets []string      `json:"public_subnets"`
	Subnets       []*Subnet     `json:"subnets"`
	RouteTables   []*RouteTable `json:"route_tables"`
	NATGateways   []*NATGateway `json:"nat_gateways"`
	Endpoints     []*Endpoint   `json:"endpoints"`
	FlowLog       *FlowLog      `json:"flow_log,omitempty"`
	Reasons       []string      `json:"reasons"`
}

// Subnet tiers.
const (
	TierPublic   = "public"   // route to an internet gateway: load balancers, NAT gateways
	TierPrivate  = "private"  // route out through NAT: compute, interface endpoints
	TierIsolated = "isolated" // no route out: databases, caches
)

// Subnet is a new subnet.
type Subnet struct {
	ID         string `json:"id"` // subnet-new-private-1a
	Name       string `json:"name"`
	VPCID      string `json:"vpc_id"`
	AZ         string `json:"az"`
	CIDR       string `json:"cidr"`
	Tier       string `json:"tier"`
	RouteTable string `json:"route_table"`
}

// RouteTable is a new route table.
type RouteTable struct {
	ID      string   `json:"id"` // rtb-new-private-1a
	Name    string   `json:"name"`
	VPCID   string   `json:"vpc_id"`
	Subnets []string `json:"subnets"`
	Routes  []Route  `json:"routes"`
}

// Route is one route of a new route table. Exactly one of the
// destinations is set; Target is a NAT gateway (placeholder or existing)
// or "local". Gateway endpoints add their prefix-list routes themselves
// (Endpoint.RouteTables), as AWS does.
type Route struct {
	Destination string `json:"destination"`
	Target      string `json:"target"`
}

// NATGateway is a new NAT gateway in a public subnet, with its new
// Elastic IP.
type NATGateway struct {
	ID           string   `json:"id"` // nat-new-1a
	Subnet       string   `json:"subnet"`
	AZ           string   `json:"az"`
	AllocationID string   `json:"allocation_id"` // eipalloc-new-1a
	Serves       []string `json:"serves"`        // the AZs whose private subnets route through it
}

// Endpoint is a new VPC endpoint.
type Endpoint struct {
	ID          string   `json:"id"`      // vpce-new-s3, vpce-new-ssm
	Service     string   `json:"service"` // com.amazonaws.ap-northeast-1.s3
	Type        string   `json:"type"`    // Gateway or Interface
	RouteTables []string `json:"route_tables,omitempty"`
	Subnets     []string `json:"subnets,omitempty"`
	Groups      []string `json:"groups,omitempty"`
	PrivateDNS  bool     `json:"private_dns"`
	Reason      string   `json:"reason"`
}

// FlowLog is a VPC flow log the plan turns on, because the subtractive
// steps are checked against it.
type FlowLog struct {
	ID          string `json:"id"` // fl-new-vpc
	Destination string `json:"destination"`
	Format      string `json:"format"`
}

// Group is a new security group for one role.
type Group struct {
	ID          string   `json:"id"` // sg-new-web
	Name        string   `json:"name"`
	VPCID       string   `json:"vpc_id"`
	Role        string   `json:"role,omitempty"` // model.Role ID; "" for the endpoints' and Client VPN's groups
	Description string   `json:"description"`
	Members     []string `json:"members"` // resource IDs
	Ingress     []*Rule  `json:"ingress"`
	Egress      []*Rule  `json:"egress"`
}

// Rule is one rule of a new group. Exactly one of SourceGroup, CIDR and
// PrefixList is set (for egress, the destination).
type Rule struct {
	Protocol    string `json:"protocol"` // tcp, udp, icmp, -1
	FromPort    int    `json:"from_port"`
	ToPort      int    `json:"to_port"`
	Group       string `json:"group,omitempty"`       // sg-new-lb, or an existing group
	CIDR        string `json:"cidr,omitempty"`        // only the internet on load-balancer listener ports, and egress
	PrefixList  string `json:"prefix_list,omitempty"` // e.g. the S3 prefix list
	Description string `json:"description"`
	// Basis says why the rule exists: "flow-logs", "inferred" (from the
	// wiring: confirm with flow logs), "listener", "config", "client-vpn",
	// "endpoint", "replication" (an Aurora copy replicating from its old
	// cluster).
	Basis    string `json:"basis"`
	Evidence string `json:"evidence"`
	// EvidenceMsg is Evidence as a catalogue message (area "plan"), zero
	// when the evidence is the configuration's own words.
	EvidenceMsg i18n.Message `json:"evidence_msg,omitzero"`
}

// setEvidence sets the rule's evidence: m and its English text.
func (r *Rule) setEvidence(m i18n.Message) {
	r.Evidence, r.EvidenceMsg = i18n.English.Render(m), m
}

// Move methods (AWS-SEMANTICS.md §8).
const (
	MoveStay            = "stay"             // stays where it is (internet-facing load balancer, NAT gateway, pinned, already private)
	MoveReplaceInstance = "replace-instance" // a new instance in the private subnet, registered before the old one drains
	MoveLambdaConfig    = "lambda-vpc-config"
	MoveECSConfig       = "ecs-network-config"
	MoveAuroraClone     = "aurora-clone"     // new DB subnet group, copy-on-write clone, binlog replication, cut-over
	MoveRDSReplica      = "rds-read-replica" // non-Aurora RDS: a read replica in the new subnet group, promoted at cut-over
	MoveCacheSnapshot   = "elasticache-snapshot-restore"
	MoveLBSubnets       = "lb-set-subnets"   // internal load balancer to private subnets
	MoveEndpointSubnets = "endpoint-subnets" // interface endpoint to private subnets
)

// Move is what happens to one resource.
type Move struct {
	Resource    string   `json:"resource"`
	Kind        string   `json:"kind"` // model.ResourceKind
	Name        string   `json:"name,omitempty"`
	Role        string   `json:"role"`
	Method      string   `json:"method"`
	FromSubnets []string `json:"from_subnets"`
	ToSubnets   []string `json:"to_subnets"`
	OldGroups   []string `json:"old_groups"`
	NewGroups   []string `json:"new_groups"`
	// DropsPublicIP: the resource loses its public address.
	DropsPublicIP bool `json:"drops_public_ip"`
	// SubnetGroup is the new DB or cache subnet group's name, for
	// databases and caches.
	SubnetGroup string `json:"subnet_group,omitempty"`
	Reason      string `json:"reason"`
}

// NeededFlow is a flow the target must keep.
type NeededFlow struct {
	Src      flows.Endpoint `json:"src"`
	Dst      flows.Endpoint `json:"dst"`
	Protocol string         `json:"protocol"`
	Port     int32          `json:"port"`
	// Basis: "flow-logs", "inferred", "config".
	Basis    string `json:"basis"`
	Evidence string `json:"evidence"`
	// EvidenceMsg is Evidence as a catalogue message (area "plan").
	EvidenceMsg i18n.Message `json:"evidence_msg,omitzero"`
}

// setEvidence sets the flow's evidence: m and its English text.
func (n *NeededFlow) setEvidence(m i18n.Message) {
	n.Evidence, n.EvidenceMsg = i18n.English.Render(m), m
}

// Edge returns the flow as a flow-log edge (ACCEPT), for flows.Verify.
func (n *NeededFlow) Edge() flows.Edge {
	return flows.Edge{Src: n.Src, Dst: n.Dst, Protocol: n.Protocol, Port: n.Port, Action: "ACCEPT"}
}

// Proof is what the reachability engine says about the target.
type Proof struct {
	// Passed is true when every needed flow is allowed, the internet
	// reaches nothing but load-balancer listener ports, and the target
	// scans with no finding at high or above.
	Passed bool `json:"passed"`
	// Kept counts the needed flows (RegionPlan.Needed) the target allows;
	// Broken are those it would drop, or that the engine cannot answer
	// (each fails the plan).
	Kept   int         `json:"kept"`
	Broken []FlowCheck `json:"broken"`
	// Dropped are observed accepted flows the target no longer allows, on
	// purpose (an internet scanner on SSH, for instance), with why.
	Dropped []FlowCheck `json:"dropped"`
	// Exposures are the target's internet exposures; Unexpected those
	// that are not a load balancer's listener port (each fails the plan).
	Exposures  []Exposure `json:"exposures"`
	Unexpected []Exposure `json:"unexpected"`
	// Findings counts the target scan's findings by severity; High lists
	// those at high or above (each fails the plan).
	Findings map[string]int `json:"findings"`
	High     []string       `json:"high"`
}

// FlowCheck is one flow and what the engine said.
type FlowCheck struct {
	Flow    NeededFlow `json:"flow"`
	Allowed bool       `json:"allowed"`
	Reason  string     `json:"reason"`
	// ReasonMsg is Reason as a catalogue message (area "plan"), zero when
	// part of the reason has no message (then Reason is all there is).
	ReasonMsg i18n.Message `json:"reason_msg,omitzero"`
}

// Exposure is one internet exposure of the target.
type Exposure struct {
	Resource string `json:"resource"`
	Protocol string `json:"protocol"`
	Ports    string `json:"ports"`
	Sources  string `json:"sources"`
	// Via is the load balancer the internet passes to reach a target,
	// "" for a direct exposure.
	Via string `json:"via,omitempty"`
}

// Cost is the monthly estimate.
type Cost struct {
	Currency    string     `json:"currency"`
	PricesDate  string     `json:"prices_date"`
	PricesFrom  string     `json:"prices_from"` // "embedded" or the file
	Items       []CostItem `json:"items"`
	Monthly     float64    `json:"monthly"`
	Comparisons []string   `json:"comparisons"` // e.g. NAT data versus the S3 gateway endpoint
}

// CostItem is one line of the estimate.
type CostItem struct {
	What     string  `json:"what"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	Monthly  float64 `json:"monthly"`
}

// Stage is one stage of the migration.
type Stage struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
	// Kind: "additive", "subtractive", "cutover".
	Kind string `json:"kind"`
	Risk string `json:"risk"` // low, medium, high
	// RiskNote says what can go wrong and who notices.
	RiskNote string  `json:"risk_note"`
	Steps    []*Step `json:"steps"`
	// Checks are what to run before going on to the next stage.
	Checks []Check `json:"checks"`
}

// Step is one step of a stage: commands, its rollback, and the decision
// it carries out.
type Step struct {
	ID       string    `json:"id"` // "2.3"
	Title    string    `json:"title"`
	Decision string    `json:"decision"` // the ID of what it creates or changes
	Commands []Command `json:"commands"`
	Rollback []Command `json:"rollback"`
	// Manual is work the AWS CLI cannot do (bake an AMI, change the
	// application's configuration), said in sentences.
	Manual string `json:"manual,omitempty"`

	// Account and Region say where the step's commands run (added by the
	// runbook writer: the runbook switches region, and checks the account,
	// per block of steps).
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

// Command is one AWS CLI call (or a shell line the runbook needs).
type Command struct {
	// Args are the words after "aws"; a word "$NAME" is a shell variable
	// set by an earlier step's Sets.
	Args []string `json:"args"`
	// Sets names the shell variable that receives the call's --query
	// result (e.g. the real ID of a created subnet).
	Sets string `json:"sets,omitempty"`
	// Idempotent says how re-running is safe ("looks up by tag first",
	// "AWS ignores a repeat"), or "" when it is not.
	Idempotent string `json:"idempotent,omitempty"`
}

// Check is a check between stages.
type Check struct {
	What   string   `json:"what"`
	Args   []string `json:"args,omitempty"` // an AWS CLI call, as Command.Args
	Expect string   `json:"expect"`
	// WhatMsg and ExpectMsg are What and Expect as catalogue messages
	// (area "plan"), for a reader in another language.
	WhatMsg   i18n.Message `json:"what_msg,omitzero"`
	ExpectMsg i18n.Message `json:"expect_msg,omitzero"`
}
