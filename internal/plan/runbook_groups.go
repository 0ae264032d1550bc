package plan

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// groups is stage 2: every new group with its rules, attached beside the
// old groups, so that each member is allowed the union of both
// (AWS-SEMANTICS.md §2: groups only add permissions) and nothing that
// worked stops working.
func (b *stageBuilder) groups() *Stage {
	st := b.newStage(2, "New security groups beside the old", StageAdditive, RiskLow,
		"Groups only add permissions, so a member with its old and new groups is allowed at least what it was. "+
			"Changing an ECS service's network configuration starts a new deployment (tasks are replaced, the service waits until stable); "+
			"a Lambda function's next invocations start cold. Interface endpoints start answering for AWS's API names in the VPC "+
			"(private DNS) only at the end of this stage, once their group admits the callers' new groups. "+
			"Who notices: the load balancer's health checks and the services' error rates.")
	b.eachRegion(func() {
		for _, g := range b.rp.Groups {
			s := b.step("Create security group "+g.Name, g.ID)
			s.create(g.ID, "ec2", "create-security-group", "--group-name", g.Name, "--description", g.Description,
				"--vpc-id", g.VPCID, "--tag-specifications", tagSpecs(g.ID, g.Name, "security-group"),
				"--query", "GroupId", "--output", "text")
			s.undo("ec2", "delete-security-group", "--group-id", ref(g.ID))
		}
		for _, g := range b.rp.Groups {
			b.rulesStep(g)
		}
		b.attachSteps()
		for _, v := range b.rp.VPCs {
			for _, e := range v.Endpoints {
				if !strings.EqualFold(e.Type, "Gateway") {
					b.endpointGroupsStep(v, e)
				}
			}
		}
	})
	b.eachRegion(func() {
		var names []string
		for _, g := range b.rp.Groups {
			if len(g.Members) > 0 {
				names = append(names, g.Name)
			}
		}
		if len(names) == 0 {
			return
		}
		b.check(i18n.M("plan.check.groups-attached"), i18n.M("plan.expect.groups-attached"),
			"ec2", "describe-network-interfaces", "--filters", jsonArg([]map[string]any{{"Name": "group-name", "Values": names}}),
			"--query", "NetworkInterfaces[].[NetworkInterfaceId,Description,join(',',Groups[].GroupName)]", "--output", "text")
	})
	b.check(i18n.M("plan.check.no-reject-1"), i18n.M("plan.expect.no-reject-1"))
	return st
}

// rulesStep authorizes a new group's rules. AWS gives every new group an
// egress rule to everything; it is revoked unless the plan keeps it.
func (b *stageBuilder) rulesStep(g *Group) {
	s := b.step("Rules of "+g.Name, g.ID)
	if len(g.Ingress) > 0 {
		perms := ipPermissions(g.Ingress)
		s.do("ec2", "authorize-security-group-ingress", "--group-id", ref(g.ID), "--ip-permissions", perms)
		s.undo("ec2", "revoke-security-group-ingress", "--group-id", ref(g.ID), "--ip-permissions", perms)
	}
	var egress []*Rule
	keepsDefault := false
	for _, r := range g.Egress {
		if isDefaultEgress(r) {
			keepsDefault = true
			continue
		}
		egress = append(egress, r)
	}
	if len(egress) > 0 {
		perms := ipPermissions(egress)
		s.do("ec2", "authorize-security-group-egress", "--group-id", ref(g.ID), "--ip-permissions", perms)
		s.undo("ec2", "revoke-security-group-egress", "--group-id", ref(g.ID), "--ip-permissions", perms)
	}
	if !keepsDefault {
		all := ipPermissions([]*Rule{{Protocol: "-1", CIDR: "0.0.0.0/0"}})
		s.do("ec2", "revoke-security-group-egress", "--group-id", ref(g.ID), "--ip-permissions", all)
		s.undo("ec2", "authorize-security-group-egress", "--group-id", ref(g.ID), "--ip-permissions", all)
	}
	if len(s.Commands) == 0 {
		b.stage.Steps = b.stage.Steps[:len(b.stage.Steps)-1]
		return
	}
	// Undo in reverse: the default egress back before the others go.
	for i, j := 0, len(s.Rollback)-1; i < j; i, j = i+1, j-1 {
		s.Rollback[i], s.Rollback[j] = s.Rollback[j], s.Rollback[i]
	}
}

// isDefaultEgress reports whether r is the rule AWS gives a new group:
// all traffic to 0.0.0.0/0.
func isDefaultEgress(r *Rule) bool {
	return (r.Protocol == "-1" || r.Protocol == "all") && r.CIDR == "0.0.0.0/0"
}

// ipPermission is one entry of EC2's --ip-permissions.
type ipPermission struct {
	IPProtocol       string        `json:"IpProtocol"`
	FromPort         *int          `json:"FromPort,omitempty"`
	ToPort           *int          `json:"ToPort,omitempty"`
	IPRanges         []ipRange     `json:"IpRanges,omitempty"`
	IPv6Ranges       []ipv6Range   `json:"Ipv6Ranges,omitempty"`
	PrefixListIDs    []prefixEntry `json:"PrefixListIds,omitempty"`
	UserIDGroupPairs []groupPair   `json:"UserIdGroupPairs,omitempty"`
}

type ipRange struct {
	CidrIP      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

type ipv6Range struct {
	CidrIPv6    string `json:"CidrIpv6"`
	Description string `json:"Description,omitempty"`
}

type prefixEntry struct {
	PrefixListID string `json:"PrefixListId"`
	Description  string `json:"Description,omitempty"`
}

type groupPair struct {
	GroupID     string `json:"GroupId"`
	Description string `json:"Description,omitempty"`
}

// ipPermissions renders plan rules as one --ip-permissions JSON word, one
// entry per rule, in the plan's order. Group references to new groups are
// their variables.
func ipPermissions(rules []*Rule) string {
	perms := make([]ipPermission, 0, len(rules))
	for _, r := range rules {
		p := ipPermission{IPProtocol: r.Protocol}
		if p.IPProtocol == "all" {
			p.IPProtocol = "-1"
		}
		if p.IPProtocol != "-1" {
			from, to := r.FromPort, r.ToPort
			p.FromPort, p.ToPort = &from, &to
		}
		switch {
		case r.Group != "":
			p.UserIDGroupPairs = []groupPair{{GroupID: ref(r.Group), Description: r.Description}}
		case r.PrefixList != "":
			p.PrefixListIDs = []prefixEntry{{PrefixListID: r.PrefixList, Description: r.Description}}
		case strings.Contains(r.CIDR, ":"):
			p.IPv6Ranges = []ipv6Range{{CidrIPv6: r.CIDR, Description: r.Description}}
		default:
			p.IPRanges = []ipRange{{CidrIP: r.CIDR, Description: r.Description}}
		}
		perms = append(perms, p)
	}
	return jsonArg(perms)
}

// modelPermissions renders an existing group's rules (from the inventory)
// as --ip-permissions, to revoke them or put them back.
func modelPermissions(rules []model.Rule) string {
	perms := make([]ipPermission, 0, len(rules))
	for _, r := range rules {
		p := ipPermission{IPProtocol: "-1"}
		switch {
		case r.Protocol == model.ProtocolAll:
		case r.Protocol.HasPorts():
			p.IPProtocol = r.Protocol.String()
			from, to := int(r.Ports.From), int(r.Ports.To)
			p.FromPort, p.ToPort = &from, &to
		case r.Protocol.IsICMP():
			p.IPProtocol = r.Protocol.String()
			from, to := int(r.ICMP.Type), int(r.ICMP.Code)
			p.FromPort, p.ToPort = &from, &to
		default:
			p.IPProtocol = strconv.Itoa(int(r.Protocol))
		}
		switch r.Peer.Kind {
		case model.PeerGroup:
			p.UserIDGroupPairs = []groupPair{{GroupID: r.Peer.GroupID, Description: r.Description}}
		case model.PeerPrefixList:
			p.PrefixListIDs = []prefixEntry{{PrefixListID: r.Peer.PrefixListID, Description: r.Description}}
		default:
			if r.Peer.CIDR.Addr().Is6() {
				p.IPv6Ranges = []ipv6Range{{CidrIPv6: r.Peer.CIDR.String(), Description: r.Description}}
			} else {
				p.IPRanges = []ipRange{{CidrIP: r.Peer.CIDR.String(), Description: r.Description}}
			}
		}
		perms = append(perms, p)
	}
	return jsonArg(perms)
}

// attachSteps attach each role's new group beside the old ones on every
// member, one step per resource (per DB cluster or replication group for
// their instances and nodes, which share one setting).
func (b *stageBuilder) attachSteps() {
	for _, key := range b.groupTargets() {
		m := key.move
		s := b.step("Attach "+strings.Join(m.NewGroups, ", ")+" beside the old groups on "+key.label, m.Resource)
		add := func(old []string) []string { return union(old, m.NewGroups) }
		keep := func(old []string) []string { return old }
		cmds, manual := b.groupCommands(m, add, m.FromSubnets, b.currentAssignPublicIP(m), "")
		undo, _ := b.groupCommands(m, keep, m.FromSubnets, b.currentAssignPublicIP(m), "")
		for _, c := range cmds {
			s.do(c...)
		}
		for _, c := range undo {
			s.undo(c...)
		}
		if manual != "" {
			s.manual("%s", manual)
		}
	}
}

// groupTarget is one thing whose groups are set in one call: a resource, a
// DB cluster, a replication group.
type groupTarget struct {
	label string
	move  *Move
}

// groupTargets lists the region's moves that change groups, one per
// group-setting target, in the plan's order. ECS tasks follow their
// service; resources without new groups (NLBs without groups) are left.
func (b *stageBuilder) groupTargets() []groupTarget {
	var out []groupTarget
	seen := map[string]bool{}
	for _, m := range b.rp.Moves {
		if len(m.NewGroups) == 0 || m.Kind == string(model.KindECSTask) || m.Kind == string(model.KindNATGateway) {
			continue
		}
		key, label := m.Resource, m.Resource
		if m.Name != "" && m.Name != m.Resource {
			label = m.Resource + " (" + m.Name + ")"
		}
		if r := b.resource(m); r != nil {
			switch {
			case r.DB != nil && r.DB.ClusterID != "":
				key, label = "cluster:"+r.DB.ClusterID, "DB cluster "+r.DB.ClusterID
			case r.Cache != nil && r.Cache.ReplicationGroup != "":
				key, label = "rg:"+r.Cache.ReplicationGroup, "replication group "+r.Cache.ReplicationGroup
			case r.ECS != nil:
				label = "ECS service " + r.Label()
			}
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, groupTarget{label: label, move: m})
	}
	return out
}

// currentAssignPublicIP is an ECS service's assignPublicIp now.
func (b *stageBuilder) currentAssignPublicIP(m *Move) string {
	if r := b.resource(m); r != nil && r.ECS != nil && r.ECS.AssignPublicIP != "" {
		return r.ECS.AssignPublicIP
	}
	if m.DropsPublicIP {
		return "ENABLED"
	}
	return "DISABLED"
}

// groupCommands are the calls that set a resource's groups to
// groupsOf(its groups now) — per interface for instances, whose interfaces
// may carry different groups. Lambda functions and ECS services are given
// their subnets (and ECS its assignPublicIp) too, since their call sets the
// whole network configuration. instance, when set, is the instance to
// change instead of the move's (a replacement). manual is what the CLI
// cannot do for this resource.
func (b *stageBuilder) groupCommands(m *Move, groupsOf func(old []string) []string, subnets []string, assignPublicIP, instance string) (cmds [][]string, manual string) {
	r := b.resource(m)
	switch model.ResourceKind(m.Kind) {
	case model.KindInstance:
		if instance != "" {
			return [][]string{append([]string{"ec2", "modify-instance-attribute", "--instance-id", ref(instance), "--groups"}, refs(groupsOf(m.OldGroups))...)}, ""
		}
		if r != nil && len(r.ENIs) > 0 {
			enis := append([]*model.ENI{}, r.ENIs...)
			sort.Slice(enis, func(i, j int) bool { return enis[i].ID < enis[j].ID })
			for _, e := range enis {
				cmds = append(cmds, append([]string{"ec2", "modify-network-interface-attribute", "--network-interface-id", e.ID, "--groups"}, refs(groupsOf(e.SecurityGroupIDs))...))
			}
			return cmds, ""
		}
		return [][]string{append([]string{"ec2", "modify-instance-attribute", "--instance-id", m.Resource, "--groups"}, refs(groupsOf(m.OldGroups))...)}, ""
	case model.KindDBInstance:
		if r != nil && r.DB != nil && r.DB.ClusterID != "" {
			return [][]string{append(append([]string{"rds", "modify-db-cluster", "--db-cluster-identifier", r.DB.ClusterID, "--vpc-security-group-ids"}, refs(groupsOf(m.OldGroups))...), "--apply-immediately")}, ""
		}
		return [][]string{append(append([]string{"rds", "modify-db-instance", "--db-instance-identifier", m.Resource, "--vpc-security-group-ids"}, refs(groupsOf(m.OldGroups))...), "--apply-immediately")}, ""
	case model.KindCacheCluster:
		if r != nil && r.Cache != nil && r.Cache.ReplicationGroup != "" {
			return [][]string{append(append([]string{"elasticache", "modify-replication-group", "--replication-group-id", r.Cache.ReplicationGroup, "--security-group-ids"}, refs(groupsOf(m.OldGroups))...), "--apply-immediately")}, ""
		}
		return [][]string{append(append([]string{"elasticache", "modify-cache-cluster", "--cache-cluster-id", m.Resource, "--security-group-ids"}, refs(groupsOf(m.OldGroups))...), "--apply-immediately")}, ""
	case model.KindLambda:
		cfg := jsonArg(map[string][]string{"SubnetIds": refs(subnets), "SecurityGroupIds": refs(groupsOf(m.OldGroups))})
		return [][]string{
			{"lambda", "update-function-configuration", "--function-name", m.Resource, "--vpc-config", cfg},
			{"lambda", "wait", "function-updated", "--function-name", m.Resource},
		}, ""
	case model.KindECSService:
		cluster, service := ecsNames(m, r)
		cfg := jsonArg(map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": refs(subnets), "securityGroups": refs(groupsOf(m.OldGroups)), "assignPublicIp": assignPublicIP,
		}})
		return [][]string{
			{"ecs", "update-service", "--cluster", cluster, "--service", service, "--network-configuration", cfg},
			{"ecs", "wait", "services-stable", "--cluster", cluster, "--services", service},
		}, ""
	case model.KindLoadBalancer:
		if r != nil && r.LoadBalancer != nil && r.LoadBalancer.Type == model.LBClassic {
			return [][]string{append([]string{"elb", "apply-security-groups-to-load-balancer", "--load-balancer-name", m.Resource, "--security-groups"}, refs(groupsOf(m.OldGroups))...)}, ""
		}
		if r != nil && r.LoadBalancer != nil && r.LoadBalancer.ARN != "" {
			return [][]string{append([]string{"elbv2", "set-security-groups", "--load-balancer-arn", r.LoadBalancer.ARN, "--security-groups"}, refs(groupsOf(m.OldGroups))...)}, ""
		}
		return nil, "Set the groups of load balancer " + m.Resource + " to " + strings.Join(groupsOf(m.OldGroups), " ") +
			" (aws elbv2 set-security-groups --load-balancer-arn ARN --security-groups ...): the snapshot does not give its ARN."
	case model.KindVPCEndpoint:
		target := groupsOf(m.OldGroups)
		add, remove := difference(target, m.OldGroups), difference(m.OldGroups, target)
		args := []string{"ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", m.Resource}
		if len(add) > 0 {
			args = append(append(args, "--add-security-group-ids"), refs(add)...)
		}
		if len(remove) > 0 {
			args = append(append(args, "--remove-security-group-ids"), refs(remove)...)
		}
		if len(add)+len(remove) == 0 {
			return nil, ""
		}
		return [][]string{args}, ""
	}
	return nil, "Set the security groups of " + m.Kind + " " + m.Resource + " to " + strings.Join(groupsOf(m.OldGroups), " ") + " in its console or API."
}

// difference is the members of a not in b, in a's order.
func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// ecsNames are an ECS service's cluster and service names, from the
// inventory or else from its ARN (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME).
func ecsNames(m *Move, r *model.Resource) (cluster, service string) {
	if r != nil && r.ECS != nil && r.ECS.Cluster != "" && r.ECS.Service != "" {
		return r.ECS.Cluster, r.ECS.Service
	}
	parts := strings.Split(m.Resource, "/")
	if len(parts) == 3 {
		return parts[1], parts[2]
	}
	return "default", m.Resource
}

// endpointGroupsStep gives a new interface endpoint its group (instead of
// the VPC's default group it was created with) and turns on private DNS:
// from then on AWS's API names resolve to it in the whole VPC.
func (b *stageBuilder) endpointGroupsStep(v *VPCPlan, e *Endpoint) {
	def := b.defaultGroupOf(v.VPCID)
	s := b.step("Endpoint "+e.ID+": its group and private DNS", e.ID)
	if e.PrivateDNS {
		s.do("ec2", "modify-vpc-attribute", "--vpc-id", v.VPCID, "--enable-dns-support", `{"Value":true}`)
		s.do("ec2", "modify-vpc-attribute", "--vpc-id", v.VPCID, "--enable-dns-hostnames", `{"Value":true}`)
	}
	args := []string{"ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", ref(e.ID)}
	undo := append([]string{}, args...)
	if len(e.Groups) > 0 {
		args = append(append(args, "--add-security-group-ids"), refs(e.Groups)...)
		if def != "" {
			undo = append(undo, "--add-security-group-ids", def)
			args = append(args, "--remove-security-group-ids", def)
		}
		undo = append(append(undo, "--remove-security-group-ids"), refs(e.Groups)...)
	}
	if e.PrivateDNS {
		args = append(args, "--private-dns-enabled")
		undo = append(undo, "--no-private-dns-enabled")
	}
	if len(args) == 4 {
		b.stage.Steps = b.stage.Steps[:len(b.stage.Steps)-1]
		return
	}
	s.do(args...)
	s.undo(undo...)
}

// defaultGroupOf is the ID of a VPC's default group, or "" when unknown.
func (b *stageBuilder) defaultGroupOf(vpc string) string {
	if b.reg == nil {
		return ""
	}
	for _, g := range b.reg.SecurityGroups {
		if g.VPCID == vpc && g.Name == "default" {
			return g.ID
		}
	}
	return ""
}
