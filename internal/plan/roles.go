package plan

import (
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/config"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// role is one role of the plan within one VPC: the model's role
// (model.Role), or the one the configuration names (Options.Roles), with
// the new group its members get. A model role whose members sit in two
// VPCs becomes two roles, since a security group belongs to one VPC.
type role struct {
	key     string // id + "|" + VPC ID
	id      string // the model role's ID, or "config:" + the configured name
	name    string
	vpc     *vpcDesign
	members []*model.Resource // sorted by ID
	// group is the new group of the members; nil for NAT gateways and for
	// network load balancers without groups, which cannot get one.
	group *Group
}

// kind is the kind of the role's first member.
func (r *role) kind() model.ResourceKind { return r.members[0].Kind }

// isCompute reports whether the role's members start connections of
// their own (instances, functions, ECS): they call AWS APIs, databases
// and each other.
func (r *role) isCompute() bool { return isCompute(r.kind()) }

// isData reports whether the role is a data tier (RDS, ElastiCache).
func (r *role) isData() bool { return tierOfKind(r.kind()) == TierIsolated }

func isCompute(k model.ResourceKind) bool {
	switch k {
	case model.KindInstance, model.KindLambda, model.KindECSService, model.KindECSTask:
		return true
	}
	return false
}

// tierOfKind is the tier a kind of resource belongs in; internet-facing
// load balancers and NAT gateways are decided by tierOf.
func tierOfKind(k model.ResourceKind) string {
	switch k {
	case model.KindDBInstance, model.KindCacheCluster:
		return TierIsolated
	case model.KindNATGateway:
		return TierPublic
	}
	return TierPrivate
}

// tierOf is the tier res belongs in (see Tiers in the package brief).
func tierOf(res *model.Resource) string {
	if res.IsInternetFacingLoadBalancer() {
		return TierPublic
	}
	return tierOfKind(res.Kind)
}

// configuredRole is the role name the configuration gives res: an entry
// naming its ID (or Name) exactly wins over globs, and globs are tried in
// sorted order; "" when none applies.
func configuredRole(roles map[string]string, res *model.Resource) string {
	if n, ok := roles[res.ID]; ok {
		return n
	}
	if n, ok := roles[res.Name]; ok && res.Name != "" {
		return n
	}
	patterns := make([]string, 0, len(roles))
	for p := range roles {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	for _, p := range patterns {
		if config.GlobMatch(p, res.ID) || (res.Name != "" && config.GlobMatch(p, res.Name)) {
			return roles[p]
		}
	}
	return ""
}

// pinned reports whether the configuration pins res (by ID, Name or glob).
func pinned(pins []string, res *model.Resource) bool {
	for _, p := range pins {
		if config.GlobMatch(p, res.ID) || (res.Name != "" && config.GlobMatch(p, res.Name)) {
			return true
		}
	}
	return false
}

// buildRoles groups the planned resources of d into roles: the configured
// role, else the model's, except that ECS tasks of a service follow the
// service's role (they are moved with it).
func (d *regionDesign) buildRoles() {
	services := map[string]*model.Resource{} // cluster ARN + "/" + service name
	for _, res := range d.reg.Resources {
		if res.Kind == model.KindECSService && res.ECS != nil {
			services[res.ECS.Cluster+"/"+res.Name] = res
		}
	}
	byKey := map[string]*role{}
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			id, name := "", ""
			if n := configuredRole(d.opts.Roles, res); n != "" {
				id, name = "config:"+n, n
			} else {
				owner := res
				if res.Kind == model.KindECSTask && res.ECS != nil {
					if svc := services[res.ECS.Cluster+"/"+res.ECS.Service]; svc != nil {
						owner = svc
					}
				}
				if owner.Role != nil {
					id, name = owner.Role.ID, owner.Role.Name
				} else {
					id, name = string(res.Kind)+"/self:"+res.ID, res.ID
				}
			}
			key := id + "|" + v.vpc.ID
			r := byKey[key]
			if r == nil {
				r = &role{key: key, id: id, name: name, vpc: v}
				byKey[key] = r
				v.roles = append(v.roles, r)
			}
			r.members = append(r.members, res)
			d.roleOf[res] = r
		}
	}
	for _, v := range d.vpcs {
		for _, r := range v.roles {
			sort.Slice(r.members, func(i, j int) bool { return lessResource(r.members[i], r.members[j]) })
		}
		sort.Slice(v.roles, func(i, j int) bool { return v.roles[i].key < v.roles[j].key })
	}
}

func lessResource(a, b *model.Resource) bool {
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Kind < b.Kind
}

// roleNamed finds the role a configured flow names: a resource's ID or
// Name (its role), else a role's name or ID. It returns nil when nothing
// in the region matches.
func (d *regionDesign) roleNamed(name string) *role {
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			if res.ID == name {
				return d.roleOf[res]
			}
		}
	}
	for _, v := range d.vpcs {
		for _, r := range v.roles {
			if r.name == name || r.id == name || strings.TrimPrefix(r.id, string(r.kind())+"/") == name {
				return r
			}
		}
	}
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			if res.Name == name {
				return d.roleOf[res]
			}
		}
	}
	return nil
}
