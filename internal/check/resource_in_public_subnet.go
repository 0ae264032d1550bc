package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ResourceInPublicSubnet finds resources that should not face the internet
// placed in a public subnet (AWS-SEMANTICS.md §4). More specific checks
// speak for some of them, and this one then says nothing (one problem, one
// finding): lambda-in-public-subnet for Lambda functions,
// elb-internal-in-public-subnet for internal load balancers,
// ec2-instance-public-ip and ecs-task-public-ip for instances and ECS
// services with public addresses (in a public subnet, the address and the
// placement are one problem: removing the address leaves the resource no
// way out, so the fix is the move to a private subnet either way), and the
// subnet group checks for databases and caches whose subnet group is known
// (RDS and ElastiCache place them by their group: where they run now and
// where they may run are fixed together, by the group).
var ResourceInPublicSubnet = &Check{
	Meta: Meta{
		ID:       "resource-in-public-subnet",
		Title:    "Resource that should be private sits in a public subnet",
		Severity: Medium,
		Rationale: "A public subnet routes to an internet gateway, so anything in it that has or later gets " +
			"a public address is one security-group rule away from the internet. Only internet-facing load " +
			"balancers, NAT gateways and deliberate bastions belong there; servers, databases, caches and " +
			"containers belong in private subnets that reach out through a NAT gateway or VPC endpoints. " +
			"Instances and ECS services with public addresses, Lambda functions, internal load balancers and " +
			"databases and caches whose subnet group is known are reported by their own checks instead.",
		Remediation: "Add private subnets (aws ec2 create-subnet, with a route table whose 0.0.0.0/0 goes to " +
			"a NAT gateway: aws ec2 create-route --route-table-id RTB --destination-cidr-block 0.0.0.0/0 " +
			"--nat-gateway-id NAT; add gateway endpoints for S3 and DynamoDB) and move the resource: a new EC2 " +
			"instance from its AMI registered behind the load balancer; ECS services through their network " +
			"configuration (aws ecs update-service --network-configuration ...); RDS/Aurora through a new DB " +
			"subnet group and a clone or replica with binlog replication, then a short cut-over.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-example-private-subnets-nat.html",
			"https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			switch {
			case r.BelongsInPublicSubnet(), r.Kind == model.KindLambda, isInternalLoadBalancer(r):
				continue // lambda-in-public-subnet, elb-internal-in-public-subnet
			case instancePublicAddressReported(r), ecsPublicAddressReported(r):
				continue // ec2-instance-public-ip, ecs-task-public-ip
			case dbSubnetGroupOwned(r), cacheSubnetGroupKnown(p.Region, r):
				continue // rds-subnet-group-public-subnet, elasticache-subnet-group-public-subnet
			}
			// For databases and caches, where they run now (their
			// interfaces' subnets) and where their subnet group lets AWS
			// place them (failover, restore, a new node) are told apart.
			running := map[string]bool{}
			for _, e := range r.ENIs {
				running[e.SubnetID] = true
			}
			if r.Kind != model.KindDBInstance && r.Kind != model.KindCacheCluster {
				// Load balancer nodes, function and task interfaces go into
				// every configured subnet: those are where it runs.
				for _, id := range r.SubnetIDs {
					running[id] = true
				}
			}
			var publicNow, publicConfigured, privateNow []*model.Subnet
			for _, id := range r.SubnetIDs {
				s := p.Region.Subnet(id)
				switch {
				case s == nil:
				case s.Public == model.Yes && running[id]:
					publicNow = append(publicNow, s)
				case s.Public == model.Yes:
					publicConfigured = append(publicConfigured, s)
				case running[id]:
					privateNow = append(privateNow, s)
				}
			}
			if len(publicNow)+len(publicConfigured) == 0 {
				continue
			}
			var evidence []string
			for _, s := range append(append([]*model.Subnet{}, publicNow...), publicConfigured...) {
				evidence = append(evidence, s.ID+" route "+s.PublicRoute.DestinationString()+" -> "+s.PublicRoute.TargetID+" in "+s.RouteTable.ID)
			}
			var where i18n.Message
			switch {
			case len(publicNow) > 0 && len(publicConfigured) > 0:
				where = msg("resource-in-public-subnet.sits-may", subnetsPhrase("public", publicNow), subnetsPhrase("public", publicConfigured))
			case len(publicNow) > 0:
				where = msg("resource-in-public-subnet.sits", subnetsPhrase("public", publicNow))
			case len(privateNow) > 0:
				where = msg("resource-in-public-subnet.may-runs", subnetsPhrase("public", publicConfigured), placementSource(r), subnetsPhrase("private", privateNow))
			default:
				where = msg("resource-in-public-subnet.may", subnetsPhrase("public", publicConfigured), placementSource(r))
			}
			var addrs any = ""
			if ips := r.PublicIPs(); len(ips) > 0 {
				addrs = msg("resource-in-public-subnet.has", publicAddresses(ips))
			}
			p.Report([]string{r.ID}, evidence, msg("resource-in-public-subnet.msg", kindNoun(r.Kind), resourceLabel(r), where, addrs))
		}
	},
}

func subnetsPhrase(adj string, ss []*model.Subnet) i18n.Message {
	labels := make([]any, len(ss))
	for i, s := range ss {
		labels[i] = s.Label()
	}
	if len(labels) == 1 {
		return msg("subnets."+adj+".one", labels[0])
	}
	return msg("subnets."+adj+".other", commaList(labels))
}

// placementSource names the setting that lists where a resource may run.
func placementSource(r *model.Resource) i18n.Message {
	switch r.Kind {
	case model.KindDBInstance:
		if r.DB != nil && r.DB.SubnetGroup != "" {
			return msg("placed-by.db-subnet-group-named", r.DB.SubnetGroup)
		}
		return msg("placed-by.db-subnet-group")
	case model.KindCacheCluster:
		return msg("placed-by.cache-subnet-group")
	}
	return msg("placed-by.configuration")
}
