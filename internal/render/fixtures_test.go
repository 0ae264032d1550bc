package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./internal/render -update and review the diff.\ngot:\n%s", path, got)
	}
}

// catalogue is a small catalogue with one rule of each severity, in the
// order report.Rules keeps.
func catalogue() []report.Rule {
	return []report.Rule{
		{ID: "db-publicly-accessible", Title: "Database instance is publicly accessible", Severity: "high",
			Rationale:   "A publicly accessible DB instance gets a public address.",
			Remediation: "Turn public access off (aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately).",
			References:  []string{"AWS Foundational Security Best Practices RDS.2", "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html"},
			Needs:       []string{"rds-describe-db-instances"}},
		{ID: "internet-exposed", Title: "Resource reachable from the internet", Severity: "critical",
			Rationale:   "Exposed administration and database ports are found and attacked within minutes.",
			Remediation: "Close the path at its cheapest hop: remove the security-group rule, the public address, or move the resource to a private subnet.",
			References:  []string{"https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html"},
			Needs:       []string{"ec2-describe-network-interfaces", "ec2-describe-route-tables"}},
		{ID: "resource-in-public-subnet", Title: "Resource that should be private sits in a public subnet", Severity: "medium",
			Rationale:   "One rule change away from the internet.",
			Remediation: "Move it to a private subnet with a NAT gateway.",
			References:  []string{"https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html"},
			Needs:       []string{"ec2-describe-route-tables"}},
		{ID: "sg-unused", Title: "Security group attached to nothing", Severity: "low",
			Rationale:   "Unused groups get reused by accident, rules and all.",
			Remediation: "Delete it: aws ec2 delete-security-group --group-id SG.",
			References:  []string{"AWS Foundational Security Best Practices EC2.22", "https://docs.aws.amazon.com/vpc/latest/userguide/security-groups.html"},
			Needs:       []string{"ec2-describe-security-groups"}},
		{ID: "vpc-flow-logs-off", Title: "VPC has no flow logs", Severity: "info",
			Rationale:   "Without flow logs nobody can tell which flows a change would break.",
			Remediation: "Turn flow logs on for the VPC.",
			References:  []string{"CIS AWS Foundations Benchmark v3.0.0 3.7", "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"},
			Needs:       []string{}},
	}
}

// richReport holds every kind of thing a renderer must handle: findings of
// every severity, suppressed and not, with and without resources, in two
// accounts and three regions; text that needs escaping; exposures of every
// shape; an incomplete region; a warning and a note.
func richReport() *report.Report {
	const prod, staging = "111122223333", "444455556666"
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Scanned: report.Scanned{
			Accounts: []report.Account{{ID: prod, Name: "prod"}, {ID: staging, Name: "staging"}},
			Regions: []report.Region{
				{Account: prod, Region: "ap-northeast-1", VPCs: 2, Subnets: 6, SecurityGroups: 5, NetworkInterfaces: 9, Resources: 7, Roles: 4},
				{Account: prod, Region: "us-east-1", VPCs: 1, Subnets: 2, SecurityGroups: 1, NetworkInterfaces: 1, Resources: 1, Roles: 1},
				{Account: staging, Region: "ap-northeast-1", VPCs: 1, Subnets: 3, SecurityGroups: 2, NetworkInterfaces: 2, Resources: 2, Roles: 2},
			},
		},
		Summary: report.Summary{Findings: 7, Suppressed: 2, Critical: 2, High: 1, Medium: 2, Low: 1, Info: 1, Complete: false},
		Findings: []report.Finding{
			{Rule: "internet-exposed", Severity: "critical", Title: "Resource reachable from the internet",
				Message: "RDS DB instance orders-db is reachable from the internet on all traffic.",
				Account: prod, Region: "ap-northeast-1", Resources: []string{"orders-db", "eni-0a1"},
				Evidence:    []string{"route rtb-1: 0.0.0.0/0 -> igw-1", "sg-1 ingress all traffic from 0.0.0.0/0"},
				Remediation: "Close the path at its cheapest hop: remove the security-group rule, the public address, or move the resource to a private subnet."},
			{Rule: "internet-exposed", Severity: "critical", Title: "Resource reachable from the internet",
				Message: "ECS service api | <script>alert(1)</script> (cluster main) is reachable from the internet on tcp/8080; ask @platform-team about `it` *now*.",
				Account: staging, Region: "ap-northeast-1", Resources: []string{"arn:aws:ecs:ap-northeast-1:444455556666:service/main/api", "eni-0b2"},
				Evidence:    []string{"sg-9 ingress tcp/8080 from 0.0.0.0/0"},
				Remediation: "Close the path at its cheapest hop: remove the security-group rule, the public address, or move the resource to a private subnet."},
			{Rule: "db-publicly-accessible", Severity: "high", Title: "Database instance is publicly accessible",
				Message: "postgres DB instance orders-db is publicly accessible.",
				Account: prod, Region: "ap-northeast-1", Resources: []string{"orders-db"}, Evidence: []string{"PubliclyAccessible: true"},
				Remediation: "Turn public access off (aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately)."},
			{Rule: "db-publicly-accessible", Severity: "high", Title: "Database instance is publicly accessible",
				Message: "mysql DB instance legacy-db is publicly accessible.",
				Account: prod, Region: "us-east-1", Resources: []string{"legacy-db"}, Evidence: []string{"PubliclyAccessible: true"},
				Remediation: "Turn public access off (aws rds modify-db-instance --db-instance-identifier DB --no-publicly-accessible --apply-immediately).",
				Suppressed:  true, Suppression: &report.Suppression{Reason: "Read replica for the | BI vendor until the <VPN> is up", Expires: "2099-12-31", Source: ".vpcdoctor.yaml:7"}},
			{Rule: "resource-in-public-subnet", Severity: "medium", Title: "Resource that should be private sits in a public subnet",
				Message: "EC2 instance i-0c3 (batch_worker) sits in public subnet subnet-1 (public-1a).",
				Account: prod, Region: "ap-northeast-1", Resources: []string{"i-0c3"}, Evidence: []string{},
				Remediation: "Move it to a private subnet with a NAT gateway."},
			{Rule: "resource-in-public-subnet", Severity: "medium", Title: "Resource that should be private sits in a public subnet",
				Message: "Lambda function notifier sits in public subnet subnet-7 (public-1c).",
				Account: staging, Region: "ap-northeast-1", Resources: []string{"notifier"}, Evidence: []string{},
				Remediation: "Move it to a private subnet with a NAT gateway."},
			{Rule: "resource-in-public-subnet", Severity: "medium", Title: "Resource that should be private sits in a public subnet",
				Message: "Lambda function reporter sits in public subnet subnet-7 (public-1c).",
				Account: staging, Region: "ap-northeast-1", Resources: []string{"reporter"}, Evidence: []string{},
				Remediation: "Move it to a private subnet with a NAT gateway.",
				Suppressed:  true, Suppression: &report.Suppression{Reason: "Moves with the Q3 network migration", Expires: "2099-09-30", Source: ".vpcdoctor.yaml:12"}},
			{Rule: "sg-unused", Severity: "low", Title: "Security group attached to nothing",
				Message: "sg-0d4 (old_web) is attached to nothing.",
				Account: prod, Region: "ap-northeast-1", Resources: []string{"sg-0d4"}, Evidence: []string{},
				Remediation: "Delete it: aws ec2 delete-security-group --group-id SG."},
			{Rule: "vpc-flow-logs-off", Severity: "info", Title: "VPC has no flow logs",
				Message: "No VPC of the region has flow logs.",
				Account: prod, Region: "us-east-1", Resources: []string{}, Evidence: []string{},
				Remediation: "Turn flow logs on for the VPC."},
		},
		Exposures: []report.Exposure{
			{Account: prod, Region: "ap-northeast-1", ENI: "eni-0a1", Resource: "orders-db", ResourceType: "rds-db-instance",
				Protocol: "all", FromPort: 0, ToPort: 65535, Sources: []string{"0.0.0.0/5", "8.0.0.0/7"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{{Kind: "security-group", ID: "sg-1", Detail: "ingress all traffic from 0.0.0.0/0"}}, Notes: []string{}},
			{Account: prod, Region: "ap-northeast-1", ENI: "eni-0e5", Resource: "i-0e5", ResourceType: "ec2-instance",
				Protocol: "tcp", FromPort: 80, ToPort: 80, Sources: []string{"0.0.0.0/5"}, WholeInternet: true, Via: "load-balancer", LoadBalancer: "web-alb",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: prod, Region: "ap-northeast-1", ENI: "eni-0e5", Resource: "i-0e5", ResourceType: "ec2-instance",
				Protocol: "tcp", FromPort: 22, ToPort: 22, Sources: []string{"203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "100.64.0.0/10"}, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: prod, Region: "ap-northeast-1", ENI: "eni-0f6", Resource: "web-alb", ResourceType: "load-balancer",
				Protocol: "tcp", FromPort: 443, ToPort: 443, Sources: []string{"0.0.0.0/5"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: prod, Region: "ap-northeast-1", ENI: "eni-0f7", Resource: "web-alb", ResourceType: "load-balancer",
				Protocol: "tcp", FromPort: 443, ToPort: 443, Sources: []string{"0.0.0.0/5"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: staging, Region: "ap-northeast-1", ENI: "eni-0b2", Resource: "arn:aws:ecs:ap-northeast-1:444455556666:service/main/api", ResourceType: "ecs-service",
				Protocol: "tcp", FromPort: 8000, ToPort: 8080, Sources: []string{"::/0"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: staging, Region: "ap-northeast-1", ENI: "eni-0b2", Resource: "arn:aws:ecs:ap-northeast-1:444455556666:service/main/api", ResourceType: "ecs-service",
				Protocol: "udp", FromPort: 5000, ToPort: 5001, Sources: []string{"::/0"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: staging, Region: "ap-northeast-1", ENI: "eni-0c9", ResourceType: "nat_gateway",
				Protocol: "icmp", FromPort: 8, ToPort: 8, Sources: []string{"0.0.0.0/5"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
			{Account: staging, Region: "ap-northeast-1", ENI: "eni-0c9", ResourceType: "nat_gateway",
				Protocol: "all", ExceptProtocols: []string{"tcp"}, FromPort: 0, ToPort: 65535, Sources: []string{"198.51.100.7/32"}, Via: "direct",
				Path: []report.Hop{}, Notes: []string{}},
		},
		Coverage: []report.Coverage{
			{Account: prod, Region: "ap-northeast-1", Complete: true, Missing: []report.MissingCall{}, SkippedChecks: []report.SkippedRule{}},
			{Account: prod, Region: "us-east-1", Missing: []report.MissingCall{
				{Call: "ec2-describe-route-tables", Reason: "not collected", Weakens: "which subnets are public is unknown; public-subnet checks cannot run"},
				{Call: "elbv2-describe-listeners", Resource: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/1", Reason: "not collected", Weakens: "the load balancer's listener ports are unknown"},
				{Call: "elbv2-describe-listeners", Resource: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/b/2", Reason: "not collected", Weakens: "the load balancer's listener ports are unknown"},
			}, SkippedChecks: []report.SkippedRule{
				{Rule: "internet-exposed", MissingCalls: []string{"ec2-describe-route-tables"}},
				{Rule: "resource-in-public-subnet", MissingCalls: []string{"ec2-describe-route-tables"}},
			}},
			{Account: staging, Region: "ap-northeast-1", Complete: true, Missing: []report.MissingCall{}, SkippedChecks: []report.SkippedRule{}},
		},
		Notes:    []report.Note{{Account: staging, Region: "ap-northeast-1", Subject: "eni-0c9", Text: "network interface eni-0c9 is claimed by 2 resources"}},
		Warnings: []string{".vpcdoctor.yaml:20: the suppression of sg-unused for sg-0d4 expired on 2024-01-31; its findings are reported again. Fix them, or renew the entry with a new reason and date."},
		Rules:    catalogue(),
	}
}

// emptyReport is a scan of one complete region that found nothing.
func emptyReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Scanned: report.Scanned{
			Accounts: []report.Account{{ID: "111122223333", Name: "prod"}},
			Regions:  []report.Region{{Account: "111122223333", Region: "ap-northeast-1", VPCs: 1}},
		},
		Summary:   report.Summary{Complete: true},
		Findings:  []report.Finding{},
		Exposures: []report.Exposure{},
		Coverage:  []report.Coverage{{Account: "111122223333", Region: "ap-northeast-1", Complete: true, Missing: []report.MissingCall{}, SkippedChecks: []report.SkippedRule{}}},
		Notes:     []report.Note{},
		Warnings:  []string{},
		Rules:     catalogue(),
	}
}
