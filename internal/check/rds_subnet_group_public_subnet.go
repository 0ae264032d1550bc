package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// RDSSubnetGroupPublicSubnet finds DB subnet groups that include public
// subnets (AWS-SEMANTICS.md §4): RDS may place any instance of the group in
// any of its subnets. The finding also names the DB instances running in a
// public subnet now: RDS put them there by their group, and moving them is
// the group's fix, so resource-in-public-subnet leaves them to this check.
var RDSSubnetGroupPublicSubnet = &Check{
	Meta: Meta{
		ID:       "rds-subnet-group-public-subnet",
		Title:    "DB subnet group includes public subnets",
		Severity: Medium,
		Rationale: "RDS places a DB instance in any subnet of its DB subnet group: at creation, on a Multi-AZ " +
			"failover, a restore, a new replica or an Aurora reader. An instance that lands in a public subnet " +
			"is one setting away from the internet: turning on \"publicly accessible\" then gives it a public " +
			"address with a working route, and only its security group remains. A group of private subnets " +
			"makes that impossible whatever the instance's settings.",
		Remediation: "If no instance runs in the public subnets, remove them from the group: aws rds " +
			"modify-db-subnet-group --db-subnet-group-name GROUP --subnet-ids PRIVATE_SUBNET_1 PRIVATE_SUBNET_2 " +
			"(keep two availability zones). Otherwise create a group of private subnets (aws rds " +
			"create-db-subnet-group) and move the databases to it: an Aurora clone or a read replica in the new " +
			"group, binlog replication to catch up, then a short cut-over of the endpoint the applications use.",
		References: []string{
			"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
		},
		Needs: []model.Call{model.CallDBInstances, model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		type group struct {
			name    string
			subnets []string
			dbs     []*model.Resource
		}
		groups := map[string]*group{}
		var keys []string
		for _, r := range p.Region.Resources {
			if !dbSubnetGroupOwned(r) {
				continue
			}
			// Subnet group names are unique in a region; the VPC keeps
			// groups of the same name apart should the data hold two.
			key := r.VPCID + "/" + r.DB.SubnetGroup
			g := groups[key]
			if g == nil {
				g = &group{name: r.DB.SubnetGroup}
				groups[key] = g
				keys = append(keys, key)
			}
			g.subnets = append(g.subnets, r.SubnetIDs...)
			g.dbs = append(g.dbs, r)
		}
		sort.Strings(keys)
		for _, k := range keys {
			g := groups[k]
			reportSubnetGroup(p, msg("subnet-group.db"), g.name, sortedUniqueStrings(g.subnets), g.dbs,
				msg("rds-subnet-group-public-subnet.why"))
		}
	},
}

// reportSubnetGroup reports a subnet group whose subnets include public
// ones, naming the group first and then the resources using it.
func reportSubnetGroup(p *Pass, what i18n.Message, name string, subnets []string, users []*model.Resource, why i18n.Message) {
	public := publicSubnetsOf(p.Region, subnets)
	if len(public) == 0 {
		return
	}
	known := 0
	for _, id := range subnets {
		if p.Region.Subnet(id) != nil {
			known++
		}
	}
	sort.SliceStable(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	resources := []string{name}
	for _, u := range users {
		resources = append(resources, u.ID)
	}
	labels := make([]any, len(public))
	for i, s := range public {
		labels[i] = s.Label()
	}
	var has i18n.Message
	switch {
	case len(public) == len(subnets):
		has = msg("subnet-group.only-public", commaList(labels))
	default:
		form := "other"
		if len(public) == 1 {
			form = "one"
		}
		if known < len(subnets) {
			has = msg("subnet-group.some-public-unknown."+form, len(public), len(subnets), commaList(labels), len(subnets)-known)
		} else {
			has = msg("subnet-group.some-public."+form, len(public), len(subnets), commaList(labels))
		}
	}
	// Where the users run now, when that is a public subnet: the group put
	// them there, and the group's fix moves them (resource-in-public-subnet
	// leaves them to this finding).
	isPublic := map[string]*model.Subnet{}
	for _, s := range public {
		isPublic[s.ID] = s
	}
	var now []any
	for _, u := range users {
		var in []*model.Subnet
		seen := map[string]bool{}
		for _, e := range u.ENIs {
			if s := isPublic[e.SubnetID]; s != nil && !seen[s.ID] {
				seen[s.ID] = true
				in = append(in, s)
			}
		}
		if len(in) > 0 {
			labels := make([]any, len(in))
			for i, s := range in {
				labels[i] = s.Label()
			}
			now = append(now, msg("subnet-group.runs-in", u.Label(), commaList(labels)))
		}
	}
	var running any = ""
	if len(now) > 0 {
		running = msg("subnet-group.running", joined("semi", now))
	}
	use := msg("subnet-group.uses.other", kindNouns(users[0].Kind, len(users)), labelsOf(users))
	if len(users) == 1 {
		use = msg("subnet-group.uses.one", kindNouns(users[0].Kind, 1), labelsOf(users))
	}
	p.Report(resources, publicRouteEvidence(public), msg("subnet-group.msg", what, name, has, use, why, running))
}

func sortedUniqueStrings(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return dedupe(s)
}
