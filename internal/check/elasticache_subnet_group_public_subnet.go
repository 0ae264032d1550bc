package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ElastiCacheSubnetGroupPublicSubnet finds cache subnet groups that
// include public subnets (AWS-SEMANTICS.md §4). The group's subnets come
// from elasticache-describe-cache-subnet-groups, an optional call: without
// it (or when it does not list a cluster's group) the group is unknown and
// the check says nothing about it, and resource-in-public-subnet reports
// the nodes' interfaces found in public subnets. When the group is known,
// the finding names the clusters whose nodes run in a public subnet now,
// and resource-in-public-subnet leaves them to it.
var ElastiCacheSubnetGroupPublicSubnet = &Check{
	Meta: Meta{
		ID:       "elasticache-subnet-group-public-subnet",
		Title:    "Cache subnet group includes public subnets",
		Severity: Medium,
		Rationale: "ElastiCache places nodes in any subnet of the cluster's cache subnet group: at creation, " +
			"when a node is added or replaced, and on a failover. Nodes never get a public address, so a public " +
			"subnet gains a cache nothing; it only puts the data tier in the same subnets, route table and " +
			"network ACL as internet-facing resources, where the network itself no longer separates them and " +
			"one route or address change is all that keeps the cache off the internet.",
		Remediation: "Give the group private subnets only: add private subnets in each availability zone in " +
			"use (aws elasticache modify-cache-subnet-group --cache-subnet-group-name GROUP --subnet-ids " +
			"PRIVATE_SUBNET_1 PRIVATE_SUBNET_2 ...), move the nodes into them (replace or re-create the nodes; " +
			"a subnet that holds a node cannot be removed), then remove the public subnets; or create a new " +
			"group of private subnets and migrate the data to a new cluster in it.",
		References: []string{
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html",
		},
		Needs: []model.Call{model.CallCacheClusters, model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		type group struct {
			name    string
			subnets []string
			caches  []*model.Resource
		}
		groups := map[string]*group{}
		var keys []string
		for _, r := range p.Region.Resources {
			if !cacheSubnetGroupKnown(p.Region, r) {
				continue
			}
			key := r.VPCID + "/" + r.Cache.SubnetGroup
			g := groups[key]
			if g == nil {
				g = &group{name: r.Cache.SubnetGroup}
				groups[key] = g
				keys = append(keys, key)
			}
			g.subnets = append(g.subnets, r.Cache.SubnetGroupSubnetIDs...)
			g.caches = append(g.caches, r)
		}
		sort.Strings(keys)
		for _, k := range keys {
			g := groups[k]
			reportSubnetGroup(p, msg("subnet-group.cache"), g.name, sortedUniqueStrings(g.subnets), g.caches,
				msg("elasticache-subnet-group-public-subnet.why"))
		}
	},
}
