package check

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// SGCachePortWorldOpen finds cache ports that the whole internet may reach
// through a group's TCP rules: Redis/Valkey and Memcached, and the port of
// each ElastiCache cluster carrying the group. An all-protocol rule open to
// the whole internet is sg-world-open-all-protocols' finding, which names
// the clusters (see dataTier.worldReachable).
var SGCachePortWorldOpen = &Check{
	Meta: Meta{
		ID:       "sg-cache-port-world-open",
		Title:    "Cache port open to the whole internet",
		Severity: Critical,
		Rationale: "Redis, Valkey and Memcached trust the network: without AUTH or TLS, anyone who reaches the " +
			"port reads and rewrites every key, and an open Redis is a well-known way to write files onto its " +
			"host. Open to 0.0.0.0/0 or ::/0, the port is found by internet-wide scanners within hours. Caches " +
			"are reached by application servers in the same VPC only.",
		Remediation: "Allow only the application's security group, then revoke the world-open rule: " +
			"aws ec2 authorize-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=6379,ToPort=6379,UserIdGroupPairs=[{GroupId=APP_GROUP}] and " +
			"aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=6379,ToPort=6379,IpRanges=[{CidrIp=0.0.0.0/0}] (use the port and the source " +
			"that the evidence shows). Turn on in-transit encryption and AUTH " +
			"or RBAC users as well.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18",
			"https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SecurityPillar.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) { reportDataTier(p, cacheTier) },
}
