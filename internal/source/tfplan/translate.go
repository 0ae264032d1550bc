package tfplan

import (
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// translator turns a plan's resources into the AWS CLI's outputs, region
// by region, on top of a base snapshot's when there is one.
type translator struct {
	plan      *tfjson.Plan
	file      string
	all       []*res
	byAddr    map[string]*res
	byConfig  map[string][]*res // "modulepath|type.name" → instances
	root      *moduleCtx
	regions   map[string]*regionDocs
	newDir    func(region string) *regionDocs // a region only the plan has
	base      bool
	notes     []planNote
	publicN   int // placeholder public addresses handed out
	publicIPs map[string]string
	privates  map[string]int             // private addresses handed out per subnet
	steps     int                        // references followed (refTargets)
	named     map[string]map[string]bool // namedBy's sets
}

// planNote is something the translation could not do exactly.
type planNote struct {
	region, subject, text string
}

func (t *translator) note(r *res, format string, args ...any) {
	t.notes = append(t.notes, planNote{region: r.region, subject: r.addr, text: fmt.Sprintf(format, args...)})
}

func newTranslator(plan *tfjson.Plan, file string) *translator {
	t := &translator{plan: plan, file: file, byAddr: map[string]*res{}, byConfig: map[string][]*res{}, regions: map[string]*regionDocs{}}
	var rootCfg *tfjson.ConfigModule
	if plan.Config != nil {
		rootCfg = plan.Config.RootModule
	}
	t.root = newModuleCtx("", rootCfg, nil, nil, 0)
	t.all = collect(plan)
	for _, r := range t.all {
		t.byAddr[r.addr] = r
		path := configPath(r.module)
		t.byConfig[path+"|"+r.config] = append(t.byConfig[path+"|"+r.config], r)
		r.modCfg = t.root.find(path)
		if r.modCfg == nil {
			r.modCfg = &moduleCtx{path: path, children: map[string]*moduleCtx{}, byAddr: map[string]*tfjson.ConfigResource{}}
		}
		r.cfg = r.modCfg.byAddr[r.config]
	}
	return t
}

// defaultRegion is the region of the plan's default AWS provider.
func (t *translator) providerRegion(key string) string {
	if t.plan.Config == nil || t.plan.Config.ProviderConfigs == nil {
		return ""
	}
	pc := t.plan.Config.ProviderConfigs[key]
	if pc == nil || pc.Expressions == nil {
		return ""
	}
	e := pc.Expressions["region"]
	if e == nil {
		return ""
	}
	if s, ok := e.ConstantValue.(string); ok {
		return s
	}
	// region = var.region: the plan records the variable's value.
	for _, ref := range e.References {
		if name, ok := strings.CutPrefix(ref, "var."); ok && t.plan.Variables != nil {
			if v := t.plan.Variables[name]; v != nil {
				if s, ok := v.Value.(string); ok {
					return s
				}
			}
		}
	}
	return ""
}

// assignRegions gives each resource its region: the resource's own region
// argument (AWS provider 6), else its provider configuration's, else the
// default provider's, else def.
func (t *translator) assignRegions(def string) {
	fallback := t.providerRegion("aws")
	if fallback == "" {
		fallback = def
	}
	for _, r := range t.all {
		if s, ok := r.str("region"); ok && isRegion(s) {
			r.region = s
			continue
		}
		if r.cfg != nil && r.cfg.ProviderConfigKey != "" {
			if s := t.providerRegion(r.cfg.ProviderConfigKey); isRegion(s) {
				r.region = s
				continue
			}
		}
		r.region = fallback
	}
}

// isRegion reports whether s is spelled as an AWS region.
func isRegion(s string) bool { return regionName.MatchString(s) }

// docs is the outputs of r's region.
func (t *translator) docs(r *res) *regionDocs {
	d := t.regions[r.region]
	if d == nil {
		d = t.newDir(r.region)
		t.regions[r.region] = d
	}
	return d
}

// handler translates one resource type.
type handler struct {
	phase int // 1: objects, 2: what attaches to them
	add   func(t *translator, r *res)
	// del removes what the resource was (its values before the plan) from
	// a base; nil when deleting it from a base is not modelled.
	del func(t *translator, r *res)
}

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"aws_vpc":                           {1, (*translator).vpc, delByID(model.CallVPCs, "id")},
		"aws_default_vpc":                   {1, (*translator).vpc, nil},
		"aws_subnet":                        {1, (*translator).subnet, delByID(model.CallSubnets, "id")},
		"aws_default_subnet":                {1, (*translator).subnet, nil},
		"aws_route_table":                   {1, (*translator).routeTable, delByID(model.CallRouteTables, "id")},
		"aws_default_route_table":           {1, (*translator).routeTable, nil},
		"aws_internet_gateway":              {1, (*translator).internetGateway, delByID(model.CallInternetGateways, "id")},
		"aws_egress_only_internet_gateway":  {1, (*translator).egressOnlyGateway, delByID(model.CallEgressOnlyIGWs, "id")},
		"aws_nat_gateway":                   {1, (*translator).natGateway, delByID(model.CallNATGateways, "id")},
		"aws_network_acl":                   {1, (*translator).networkACL, delByID(model.CallNetworkACLs, "id")},
		"aws_default_network_acl":           {1, (*translator).networkACL, nil},
		"aws_security_group":                {1, (*translator).securityGroup, delByID(model.CallSecurityGroups, "id")},
		"aws_default_security_group":        {1, (*translator).securityGroup, nil},
		"aws_network_interface":             {1, (*translator).networkInterface, delByID(model.CallNetworkInterfaces, "id")},
		"aws_instance":                      {1, (*translator).instance, delByID(model.CallInstances, "id")},
		"aws_vpc_endpoint":                  {1, (*translator).vpcEndpoint, delByID(model.CallVPCEndpoints, "id")},
		"aws_lb":                            {1, (*translator).loadBalancer, delByID(model.CallLoadBalancersV2, "arn")},
		"aws_alb":                           {1, (*translator).loadBalancer, delByID(model.CallLoadBalancersV2, "arn")},
		"aws_lb_target_group":               {1, (*translator).targetGroup, delByID(model.CallTargetGroups, "arn")},
		"aws_alb_target_group":              {1, (*translator).targetGroup, delByID(model.CallTargetGroups, "arn")},
		"aws_db_instance":                   {1, (*translator).dbInstance, delByID(model.CallDBInstances, "identifier")},
		"aws_rds_cluster_instance":          {1, (*translator).dbInstance, delByID(model.CallDBInstances, "identifier")},
		"aws_rds_cluster":                   {1, (*translator).dbCluster, delByID(model.CallDBClusters, "cluster_identifier")},
		"aws_elasticache_cluster":           {1, (*translator).cacheCluster, delByID(model.CallCacheClusters, "cluster_id")},
		"aws_elasticache_replication_group": {1, (*translator).replicationGroup, nil},
		"aws_elasticache_subnet_group":      {1, (*translator).cacheSubnetGroup, delByID(model.CallCacheSubnetGroups, "name")},
		"aws_lambda_function":               {1, (*translator).lambda, delByID(model.CallLambdaFunctions, "function_name")},
		"aws_ecs_service":                   {1, (*translator).ecsService, nil},
		"aws_eip":                           {1, (*translator).eip, nil},
		"aws_db_subnet_group":               {1, nil, nil},

		"aws_route":                           {2, (*translator).route, (*translator).delRoute},
		"aws_route_table_association":         {2, (*translator).routeTableAssociation, (*translator).delRouteTableAssociation},
		"aws_main_route_table_association":    {2, (*translator).mainRouteTableAssociation, nil},
		"aws_network_acl_rule":                {2, (*translator).networkACLRule, (*translator).delNetworkACLRule},
		"aws_network_acl_association":         {2, (*translator).networkACLAssociation, (*translator).delNetworkACLAssociation},
		"aws_security_group_rule":             {2, (*translator).securityGroupRule, (*translator).delSecurityGroupRule},
		"aws_vpc_security_group_ingress_rule": {2, (*translator).vpcSecurityGroupRule, (*translator).delVPCSecurityGroupRule},
		"aws_vpc_security_group_egress_rule":  {2, (*translator).vpcSecurityGroupRule, (*translator).delVPCSecurityGroupRule},
		"aws_lb_listener":                     {2, (*translator).listener, nil},
		"aws_alb_listener":                    {2, (*translator).listener, nil},
		"aws_lb_target_group_attachment":      {2, (*translator).targetGroupAttachment, nil},
		"aws_alb_target_group_attachment":     {2, (*translator).targetGroupAttachment, nil},
		"aws_eip_association":                 {2, (*translator).eipAssociation, nil},
	}
}

// Types lists the resource types a plan is read for, sorted.
func Types() []string {
	out := make([]string, 0, len(handlers))
	for k := range handlers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// delByID removes, from a base, the item the resource was (its ID in its
// values before the plan, attr).
func delByID(call model.Call, attr string) func(t *translator, r *res) {
	return func(t *translator, r *res) {
		id, _ := r.before[attr].(string)
		if id == "" {
			return
		}
		d := t.docs(r)
		if call == model.CallInstances || call == model.CallDBInstances {
			t.removeENIsOf(d, call, id)
		}
		d.remove(call, id)
	}
}

// run translates every resource: deletions from the base first, then the
// objects, then what attaches to them, then what AWS creates by itself.
func (t *translator) run() {
	for _, r := range t.all {
		h, ok := handlers[r.typ]
		if ok && t.base && r.actions.Update() && h.phase == 2 && h.del != nil {
			// A rule or route updated in place: what it was goes, what it
			// becomes comes below.
			h.del(t, r)
			continue
		}
		if ok && t.base && r.actions.Update() && h.phase == 2 {
			t.note(r, "updated in place; removing what it was from the base is not modelled, so both count")
			continue
		}
		if !ok || !t.base || !r.deletes() {
			continue
		}
		if h.del == nil {
			t.note(r, "the plan deletes or replaces it; removing a %s from the base snapshot is not modelled, so what it was still counts", r.typ)
			continue
		}
		h.del(t, r)
	}
	ordered := append([]*res(nil), t.all...)
	sort.SliceStable(ordered, func(i, j int) bool { return rank(ordered[i].typ) < rank(ordered[j].typ) })
	for phase := 1; phase <= 2; phase++ {
		for _, r := range ordered {
			h, ok := handlers[r.typ]
			if !ok || h.phase != phase || h.add == nil || !r.exists() || (t.base && r.unchanged()) || r.vals == nil {
				continue
			}
			d := t.docs(r)
			d.cur = r.addr
			h.add(t, r)
			d.cur = ""
		}
	}
	for _, r := range t.all {
		if r.typ == "aws_eip" && r.exists() && !(t.base && r.unchanged()) && r.vals != nil {
			t.eipAttach(r)
		}
	}
	t.implicit()
}

// rank orders the objects so that what others read comes first: VPCs (their
// CIDR blocks make the local routes), subnets (their VPCs), addresses.
func rank(typ string) int {
	switch typ {
	case "aws_vpc", "aws_default_vpc":
		return 0
	case "aws_subnet", "aws_default_subnet":
		return 1
	case "aws_eip", "aws_db_subnet_group", "aws_elasticache_subnet_group":
		return 2
	}
	return 3
}

// tags turns a tags map into the CLI's [{Key, Value}], sorted by key.
func tags(r *res) []any {
	m, _ := r.vals["tags_all"].(map[string]any)
	if len(m) == 0 {
		m, _ = r.vals["tags"].(map[string]any)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []any{}
	for _, k := range keys {
		if v, ok := m[k].(string); ok {
			out = append(out, map[string]any{"Key": k, "Value": v})
		}
	}
	return out
}

func groupRefs(ids []string) []any {
	out := []any{}
	for _, id := range ids {
		out = append(out, map[string]any{"GroupId": id})
	}
	return out
}

func strList(s []string) []any {
	out := []any{}
	for _, x := range s {
		out = append(out, x)
	}
	return out
}
