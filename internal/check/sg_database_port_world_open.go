package check

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// SGDatabasePortWorldOpen finds database ports that the whole internet may
// reach through a group's TCP rules: the well-known ports of MySQL/Aurora,
// PostgreSQL, SQL Server, Oracle, MongoDB, Cassandra and Redshift, and the
// port of each RDS DB instance carrying the group (or DB cluster naming it
// whose instances are not in the data). An all-protocol rule open to the
// whole internet is sg-world-open-all-protocols' finding, which names the
// DB instances (see dataTier.worldReachable).
var SGDatabasePortWorldOpen = &Check{
	Meta: Meta{
		ID:       "sg-database-port-world-open",
		Title:    "Database port open to the whole internet",
		Severity: Critical,
		Rationale: "Database ports open to 0.0.0.0/0 or ::/0 are found by internet-wide scanners within hours and " +
			"then brute-forced or hit with the engine's latest vulnerability; a leaked or weak password becomes " +
			"a copy of the data. Databases are reached by application servers in the same VPC and by people " +
			"through a VPN, never by the internet at large.",
		Remediation: "Allow only the callers' security group, then revoke the world-open rule: " +
			"aws ec2 authorize-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=APP_GROUP}] and " +
			"aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}] (use the port and the source " +
			"that the evidence shows). Let people reach the database through AWS " +
			"Client VPN or Session Manager port forwarding, with that endpoint's security group as the only human " +
			"source, and turn public access off (aws rds modify-db-instance --db-instance-identifier DB " +
			"--no-publicly-accessible).",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
			"https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) { reportDataTier(p, databaseTier) },
}
