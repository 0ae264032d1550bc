package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// DBPubliclyAccessible finds RDS and Aurora DB instances with
// PubliclyAccessible set.
var DBPubliclyAccessible = &Check{
	Meta: Meta{
		ID:       "db-publicly-accessible",
		Title:    "Database instance is publicly accessible",
		Severity: High,
		Rationale: "A publicly accessible DB instance gets a public address and its endpoint resolves to it " +
			"from the internet. Only its security group then stands between the database and the world.",
		Remediation: "Turn public access off (aws rds modify-db-instance --db-instance-identifier DB " +
			"--no-publicly-accessible --apply-immediately) and let people reach the database through AWS " +
			"Client VPN or Session Manager port forwarding, with the VPN endpoint's security group as the " +
			"database group's only human source.",
		References: []string{
			"AWS Foundational Security Best Practices RDS.2",
			"CIS AWS Foundations Benchmark 2.3.3",
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
			what := r.DB.Engine + " DB instance " + r.ID
			if r.DB.ClusterID != "" {
				what += " (cluster " + r.DB.ClusterID + ")"
				resources = append(resources, r.DB.ClusterID)
			}
			msg := what + " is publicly accessible"
			if ips := r.PublicIPs(); len(ips) > 0 {
				msg += "; its network interface has the public " + addressWord(len(ips)) + " " + strings.Join(ips, ", ")
			}
			p.Report(resources, []string{r.ID + " PubliclyAccessible=true"}, "%s.", msg)
		}
	},
}
