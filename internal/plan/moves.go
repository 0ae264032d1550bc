package plan

import (
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// placement is where one resource goes and how, decided before the
// subnets exist (the subnets are then made for the AZs that need them).
type placement struct {
	tier   string
	method string
	// moves is false for resources that stay where they are.
	moves       bool
	dropsPublic bool
	reason      string
}

// place decides res's tier and the way its service lets it move
// (AWS-SEMANTICS.md §8).
func (d *regionDesign) place(res *model.Resource) *placement {
	pl := &placement{tier: tierOf(res), method: MoveStay}
	public := d.inPublicSubnet(res)
	hasPublicIP := len(publicIPv4(res)) > 0
	switch {
	case res.Kind == model.KindNATGateway:
		pl.reason = "NAT gateways stay in their public subnet: they are the way out of the private subnets"
		return pl
	case res.IsInternetFacingLoadBalancer():
		pl.reason = "internet-facing load balancers stay in the public subnets; only their security groups change"
		return pl
	case nlbWithoutGroups(res):
		pl.reason = "a network load balancer without security groups cannot get one (AWS adds groups only at creation) and stays where it is; its targets' rules admit its addresses"
		d.warn("plan.warning.groupless-lb", res.ID)
		return pl
	case pinned(d.opts.Pinned, res):
		pl.reason = "pinned by the configuration: it stays where it is; its security groups are still replaced"
		return pl
	}
	needsMove := public || hasPublicIP
	if res.DB != nil && res.DB.PubliclyAccessible {
		needsMove = true
	}
	if res.ECS != nil && strings.EqualFold(res.ECS.AssignPublicIP, "ENABLED") {
		needsMove = true
	}
	if !needsMove {
		pl.reason = "already in a private subnet without a public address: it stays; its security groups are replaced"
		return pl
	}
	pl.moves = true
	pl.dropsPublic = hasPublicIP || (res.DB != nil && res.DB.PubliclyAccessible) || (res.ECS != nil && strings.EqualFold(res.ECS.AssignPublicIP, "ENABLED"))
	switch res.Kind {
	case model.KindInstance:
		pl.method = MoveReplaceInstance
		pl.reason = "an instance's primary interface cannot change subnet (AWS-SEMANTICS.md §8): a replacement from an AMI of it is launched in the private subnet of its AZ without a public address, registered before the old one drains; Session Manager replaces SSH"
	case model.KindLambda:
		pl.method = MoveLambdaConfig
		pl.reason = "update-function-configuration --vpc-config moves the function to the private subnets of its AZs; it reaches AWS APIs through the NAT gateway and endpoints"
	case model.KindECSService, model.KindECSTask:
		pl.method = MoveECSConfig
		pl.reason = "update-service --network-configuration with assignPublicIp DISABLED starts its tasks in the private subnets of its AZs; image pulls and logs go through the ECR and CloudWatch Logs endpoints"
	case model.KindDBInstance:
		if res.DB != nil && strings.HasPrefix(res.DB.Engine, "aurora") {
			pl.method = MoveAuroraClone
			pl.reason = "Aurora cannot switch subnets in place: a copy-on-write clone in a new DB subnet group of isolated subnets, kept in sync by binlog replication, then a short cut-over (AWS-SEMANTICS.md §8)"
		} else {
			pl.method = MoveRDSReplica
			pl.reason = "RDS cannot switch to private subnets of the same VPC in place: a read replica in a new DB subnet group of isolated subnets, promoted at a short cut-over (AWS-SEMANTICS.md §8)"
		}
	case model.KindCacheCluster:
		pl.method = MoveCacheSnapshot
		pl.reason = "an ElastiCache cluster cannot change subnet group: a new cluster restored from a snapshot in a cache subnet group of isolated subnets, then the application's endpoint is switched"
	case model.KindLoadBalancer:
		pl.method = MoveLBSubnets
		pl.reason = "an internal load balancer belongs in the private subnets: set-subnets moves it"
	case model.KindVPCEndpoint:
		pl.method = MoveEndpointSubnets
		pl.reason = "interface endpoints belong in the private subnets: modify-vpc-endpoint adds the private subnets and removes the public ones"
	default:
		pl.moves = false
		pl.method = MoveStay
		pl.reason = "no way to move this kind of resource is known: it stays"
	}
	return pl
}

// nlbWithoutGroups reports whether res is a network load balancer created
// without security groups: AWS lets groups be added only at creation.
func nlbWithoutGroups(res *model.Resource) bool {
	return res.LoadBalancer != nil && res.LoadBalancer.Type == model.LBNetwork && len(res.SecurityGroupIDs) == 0
}

// inPublicSubnet reports whether any subnet res is configured with routes
// to an internet gateway (AWS-SEMANTICS.md §4).
func (d *regionDesign) inPublicSubnet(res *model.Resource) bool {
	for _, id := range res.SubnetIDs {
		if s := d.reg.Subnet(id); s != nil && s.Public == model.Yes {
			return true
		}
	}
	for _, e := range res.ENIs {
		if s := d.reg.Subnet(e.SubnetID); s != nil && s.Public == model.Yes {
			return true
		}
	}
	return false
}

// publicIPv4 are the public IPv4 addresses of res's interfaces, sorted.
func publicIPv4(res *model.Resource) []string {
	var out []string
	for _, e := range res.ENIs {
		for _, a := range e.PublicIPs() {
			out = append(out, a.String())
		}
	}
	sort.Strings(out)
	return out
}

// moves says, for every planned resource, where it goes and how.
func (d *regionDesign) moves() []*Move {
	var out []*Move
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			out = append(out, d.move(v, res))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Resource != out[j].Resource {
			return out[i].Resource < out[j].Resource
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

func (d *regionDesign) move(v *vpcDesign, res *model.Resource) *Move {
	pl := d.placement[res]
	r := d.roleOf[res]
	m := &Move{
		Resource: res.ID, Kind: string(res.Kind), Role: r.id, Method: pl.method,
		FromSubnets: nonNil(res.SubnetIDs), OldGroups: nonNil(res.SecurityGroupIDs), NewGroups: []string{},
		DropsPublicIP: pl.moves && pl.dropsPublic, Reason: pl.reason,
	}
	if res.Name != res.ID {
		m.Name = res.Name
	}
	if r.group != nil {
		m.NewGroups = []string{r.group.ID}
	}
	m.ToSubnets = m.FromSubnets
	if pl.moves {
		m.ToSubnets = d.destination(v, res, pl.tier)
		switch res.Kind {
		case model.KindDBInstance:
			name := res.ID
			if res.DB != nil && res.DB.ClusterID != "" {
				name = res.DB.ClusterID
			}
			m.SubnetGroup = name + "-private"
		case model.KindCacheCluster:
			name := res.ID
			if res.Cache != nil && res.Cache.ReplicationGroup != "" {
				name = res.Cache.ReplicationGroup
			}
			m.SubnetGroup = name + "-private"
		}
	}
	return m
}

// destination is where a moving resource goes: the subnet of tier in
// each of its AZs; for databases and caches, every isolated subnet of the
// VPC (the new subnet group, which AWS needs in two AZs at least).
func (d *regionDesign) destination(v *vpcDesign, res *model.Resource, tier string) []string {
	var out []string
	if tier == TierIsolated {
		for _, az := range sortedKeys(v.isolatedSubnet) {
			out = append(out, v.isolatedSubnet[az])
		}
		return out
	}
	azs := d.azsOf(res)
	if res.Kind == model.KindInstance && len(res.ENIs) > 0 && res.ENIs[0].AZ != "" {
		azs = []string{res.ENIs[0].AZ}
	}
	for _, az := range azs {
		if id := v.privateSubnet[az]; id != "" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return nonNil(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}
