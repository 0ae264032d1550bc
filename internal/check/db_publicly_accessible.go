package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// DBPubliclyAccessible finds RDS and Aurora DB instances with
// PubliclyAccessible set: high, or medium when every subnet RDS may place
// the instance in (its subnet group's and its interfaces') is known to be
// private, so that the setting exposes nothing yet.
var DBPubliclyAccessible = &Check{
	Meta: Meta{
		ID:       "db-publicly-accessible",
		Title:    "Database instance is publicly accessible",
		Severity: High,
		Rationale: "A publicly accessible DB instance gets a public address and its endpoint resolves to it " +
			"from the internet. Only its security group then stands between the database and the world. When " +
			"every subnet of its subnet group is private, no route from the internet reaches it yet, and the " +
			"finding is medium: the setting exposes it the day one of them gets a route to an internet gateway.",
		Remediation: "Turn public access off (aws rds modify-db-instance --db-instance-identifier DB " +
			"--no-publicly-accessible --apply-immediately) and let people reach the database through AWS " +
			"Client VPN or Session Manager port forwarding, with the VPN endpoint's security group as the " +
			"database group's only human source.",
		References: []string{
			"AWS Foundational Security Best Practices RDS.2",
			"CIS AWS Foundations Benchmark v3.0.0 2.3.3",
			"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
		},
		Needs: []model.Call{model.CallDBInstances},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if r.Kind != model.KindDBInstance || r.DB == nil || !r.DB.PubliclyAccessible {
				continue
			}
			resources := []string{r.ID}
			what := msg("db-publicly-accessible.what", r.DB.Engine, r.ID)
			if r.DB.ClusterID != "" {
				what = msg("db-publicly-accessible.what-cluster", r.DB.Engine, r.ID, r.DB.ClusterID)
				resources = append(resources, r.DB.ClusterID)
			}
			var ips any = ""
			if list := r.PublicIPs(); len(list) > 0 {
				ips = msg("db-publicly-accessible.ips", publicAddresses(list))
			}
			if onlyPrivateSubnets(p.Region, r.SubnetIDs) {
				// No route from the internet reaches any subnet RDS may
				// place it in (AWS-SEMANTICS.md §4, §5): the setting waits.
				p.ReportAt(Medium, resources, []string{r.ID + " PubliclyAccessible=true"},
					msg("db-publicly-accessible.private", what, ips))
				continue
			}
			p.Report(resources, []string{r.ID + " PubliclyAccessible=true"}, msg("db-publicly-accessible.msg", what, ips))
		}
	},
}

// onlyPrivateSubnets reports whether ids name at least one subnet and
// every one is in the data and known to be private (AWS-SEMANTICS.md §4).
func onlyPrivateSubnets(reg *model.Region, ids []string) bool {
	for _, id := range ids {
		if s := reg.Subnet(id); s == nil || s.Public != model.No {
			return false
		}
	}
	return len(ids) > 0
}
