package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ResourceInPublicSubnet finds resources that should not face the internet
// placed in a public subnet (AWS-SEMANTICS.md §4).
var ResourceInPublicSubnet = &Check{
	Meta: Meta{
		ID:       "resource-in-public-subnet",
		Title:    "Resource that should be private sits in a public subnet",
		Severity: Medium,
		Rationale: "A public subnet routes to an internet gateway, so anything in it that has or later gets " +
			"a public address is one security-group rule away from the internet. Only internet-facing load " +
			"balancers, NAT gateways and deliberate bastions belong there; servers, databases, caches, " +
			"functions and containers belong in private subnets that reach out through a NAT gateway or VPC " +
			"endpoints.",
		Remediation: "Add private subnets (route 0.0.0.0/0 to a NAT gateway, add gateway endpoints for S3 " +
			"and DynamoDB) and move the resource: a new EC2 instance from its AMI registered behind the load " +
			"balancer; Lambda and ECS through their VPC configuration; RDS/Aurora through a new DB subnet " +
			"group and a clone or replica with binlog replication, then a short cut-over.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.9, RDS.2",
			"https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Scenario2.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if r.BelongsInPublicSubnet() {
				continue
			}
			var public []*model.Subnet
			for _, id := range r.SubnetIDs {
				if s := p.Region.Subnet(id); s != nil && s.Public == model.Yes {
					public = append(public, s)
				}
			}
			if len(public) == 0 {
				continue
			}
			var labels, evidence []string
			for _, s := range public {
				labels = append(labels, s.Label())
				evidence = append(evidence, s.ID+" route "+s.PublicRoute.DestinationString()+" -> "+s.PublicRoute.TargetID+" in "+s.RouteTable.ID)
			}
			where := "public subnet " + labels[0]
			if len(labels) > 1 {
				where = "public subnets " + strings.Join(labels, ", ")
			}
			verb := "sits in"
			if r.Kind == model.KindDBInstance || r.Kind == model.KindCacheCluster || r.Kind == model.KindLambda || r.Kind == model.KindECSService {
				verb = "is placed in"
			}
			msg := r.Kind.Noun() + " " + r.Label() + " " + verb + " " + where
			if ips := r.PublicIPs(); len(ips) > 0 {
				msg += " and has the public " + addressWord(len(ips)) + " " + strings.Join(ips, ", ")
			}
			msg += "."
			if r.Kind == model.KindLambda {
				msg += " A Lambda function never gets a public address, so in a public subnet without a NAT route it has no internet access at all."
			}
			p.Report([]string{r.ID}, evidence, "%s", msg)
		}
	},
}

func addressWord(n int) string {
	if n == 1 {
		return "address"
	}
	return "addresses"
}
