package model

import (
	"regexp"
	"sort"
	"strings"
)

// deriveRoles groups resources into roles (PRODUCT.md, Roles). For each
// resource the first rule that applies decides:
//
//   - a Role tag ("Role" or "role") names the role, per resource kind;
//   - EC2 instances: the target groups (or classic load balancers) they are
//     registered in, then their Auto Scaling group, then their
//     CloudFormation stack and logical ID, then their Name tag with a
//     trailing number or AZ letter removed ("web-01" and "web-02" are "web");
//   - RDS DB instances: their DB cluster; ElastiCache clusters: their
//     replication group; ECS: the service; tasks outside a service: their
//     task-definition family;
//   - interface endpoints of AWS services ("com.amazonaws.REGION.ssm",
//     ...): all those of one VPC are one role. They do one job, accepting
//     HTTPS from the VPC's workloads for AWS APIs, so one group for all
//     of them opens nothing any of them does not need;
//   - anything else is a role of its own.
func (r *Region) deriveRoles() {
	behind := r.instancesBehindLoadBalancers()
	roles := map[string]*Role{}
	for _, res := range r.Resources {
		id, name, basis := roleOf(res, behind)
		key := string(res.Kind) + "/" + id
		role := roles[key]
		if role == nil {
			role = &Role{ID: key, Name: name, Kind: res.Kind, Basis: basis}
			roles[key] = role
		}
		role.Members = append(role.Members, res)
		res.Role = role
	}
	r.Roles = make([]*Role, 0, len(roles))
	for _, role := range roles {
		sort.Slice(role.Members, func(i, j int) bool { return role.Members[i].ID < role.Members[j].ID })
		r.Roles = append(r.Roles, role)
	}
	sort.Slice(r.Roles, func(i, j int) bool { return r.Roles[i].ID < r.Roles[j].ID })
}

// instancesBehindLoadBalancers maps an instance ID to the sorted names of
// the target groups and classic load balancers it is registered in.
func (r *Region) instancesBehindLoadBalancers() map[string][]string {
	out := map[string][]string{}
	for _, tg := range r.TargetGroups {
		if tg.TargetType != "" && tg.TargetType != "instance" {
			continue
		}
		for _, t := range tg.Targets {
			out[t.ID] = append(out[t.ID], tg.Name)
		}
	}
	for _, res := range r.Resources {
		if res.LoadBalancer == nil || res.LoadBalancer.Type != LBClassic {
			continue
		}
		for _, id := range res.LoadBalancer.InstanceIDs {
			out[id] = append(out[id], res.LoadBalancer.Name)
		}
	}
	for id, names := range out {
		out[id] = sortedUnique(names)
	}
	return out
}

// trailingOrdinal matches what tells apart members of one role in a Name
// tag: "-01", "_2", "3", "-1a", "-c".
var trailingOrdinal = regexp.MustCompile(`([-_]?[0-9]+[a-z]?|[-_][a-z])$`)

func roleOf(res *Resource, behind map[string][]string) (id, name, basis string) {
	for _, k := range []string{"Role", "role"} {
		if v := strings.TrimSpace(res.Tags[k]); v != "" {
			return "tag:" + v, v, k + " tag"
		}
	}
	switch res.Kind {
	case KindInstance:
		if lbs := behind[res.ID]; len(lbs) > 0 {
			n := strings.Join(lbs, "+")
			return "lb:" + n, n, "load-balancer target"
		}
		if res.Instance != nil && res.Instance.AutoScalingGroup != "" {
			n := res.Instance.AutoScalingGroup
			return "asg:" + n, n, "Auto Scaling group"
		}
		if stack, lid := res.Tags["aws:cloudformation:stack-name"], res.Tags["aws:cloudformation:logical-id"]; stack != "" && lid != "" {
			n := stack + "/" + lid
			return "cfn:" + n, n, "CloudFormation stack"
		}
		if n := res.Tags.Name(); n != "" {
			base := trailingOrdinal.ReplaceAllString(n, "")
			if base == "" {
				base = n
			}
			return "name:" + base, base, "Name tag"
		}
	case KindDBInstance:
		if res.DB != nil && res.DB.ClusterID != "" {
			return "cluster:" + res.DB.ClusterID, res.DB.ClusterID, "DB cluster"
		}
	case KindCacheCluster:
		if res.Cache != nil && res.Cache.ReplicationGroup != "" {
			return "rg:" + res.Cache.ReplicationGroup, res.Cache.ReplicationGroup, "replication group"
		}
	case KindECSService:
		return "service:" + res.ID, res.Name, "ECS service"
	case KindVPCEndpoint:
		// Interface endpoints of AWS services serve HTTPS (443) to the same
		// callers; endpoints of other endpoint services (PrivateLink to a
		// partner or to another VPC, named
		// "com.amazonaws.vpce.REGION.vpce-svc-...") may serve other ports
		// and stay roles of their own.
		if strings.HasPrefix(res.Name, "com.amazonaws.") && !strings.HasPrefix(res.Name, "com.amazonaws.vpce.") && res.VPCID != "" {
			return "aws-endpoints:" + res.VPCID, "AWS service endpoints in " + res.VPCID, "interface endpoints of AWS services in one VPC"
		}
	case KindECSTask:
		if res.ECS != nil && res.ECS.Service != "" {
			return "service:" + res.ECS.Service, res.ECS.Service, "ECS service"
		}
		if res.ECS != nil && res.ECS.Family != "" {
			return "family:" + res.ECS.Family, res.ECS.Family, "task-definition family"
		}
	}
	n := res.Name
	if n == "" {
		n = res.ID
	}
	return "self:" + res.ID, n, "itself"
}
