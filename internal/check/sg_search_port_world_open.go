package check

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// SGSearchPortWorldOpen finds OpenSearch/Elasticsearch (9200, 9300) and
// Dashboards/Kibana (5601) ports that TCP rules open to the whole
// internet. An all-protocol rule is left to sg-world-open-all-protocols
// (see dataTier.worldReachable).
var SGSearchPortWorldOpen = &Check{
	Meta: Meta{
		ID:       "sg-search-port-world-open",
		Title:    "Search engine port open to the whole internet",
		Severity: Critical,
		Rationale: "Elasticsearch and OpenSearch clusters reachable from 0.0.0.0/0 or ::/0 are among the most " +
			"common sources of data leaks: scanners index open clusters within hours, and clusters without " +
			"authentication hand out, delete or ransom every index. Kibana and OpenSearch Dashboards give the " +
			"same access through a browser.",
		Remediation: "Allow only the callers' security group (or the VPN's), then revoke the world-open rule: " +
			"aws ec2 authorize-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=9200,ToPort=9200,UserIdGroupPairs=[{GroupId=APP_GROUP}] and " +
			"aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=9200,ToPort=9200,IpRanges=[{CidrIp=0.0.0.0/0}] (use the ports the evidence " +
			"shows). Run Amazon OpenSearch Service domains with VPC access and fine-grained access control.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) { reportDataTier(p, searchTier) },
}
