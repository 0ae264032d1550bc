package htmlreport

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

const exampleDir = "../../examples/startup-all-public"

// richReport has a finding of every severity (one suppressed), exposures
// of every shape (whole internet, a few CIDRs, ICMP, all but a protocol,
// through a load balancer) and text that must be escaped.
func richReport() *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Scanned: report.Scanned{
			Accounts: []report.Account{{ID: "111122223333", Name: "prod"}},
			Regions:  []report.Region{{Account: "111122223333", Region: "ap-northeast-1", VPCs: 1, Subnets: 2}},
		},
		Findings: []report.Finding{
			{Rule: "sg-unused", Severity: "low", Title: "Security group attached to nothing", Message: "sg-0unused is attached to nothing.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-0unused"}, Evidence: []string{}, Remediation: "Delete it."},
			{Rule: "internet-exposed", Severity: "critical", Title: "Resource reachable from the internet", Message: "i-0web is reachable from the internet on tcp/22 <script>alert(1)</script>.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"i-0web", "eni-0web"},
				Evidence:    []string{"eni-0web tcp/22 from the internet: public IP 203.0.113.10 > rtb-0pub > acl-0 > sg-0web"},
				Remediation: "Close the path at its cheapest hop."},
			{Rule: "db-publicly-accessible", Severity: "high", Title: "Database instance is publicly accessible", Message: "mydb is publicly accessible.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"mydb"}, Evidence: []string{"PubliclyAccessible: true"}, Remediation: "Turn public access off."},
			{Rule: "resource-in-public-subnet", Severity: "medium", Title: "Resource that should be private sits in a public subnet", Message: "fn-a sits in a public subnet.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"fn-a"}, Evidence: []string{}, Remediation: "Move it."},
			{Rule: "resource-in-public-subnet", Severity: "medium", Title: "Resource that should be private sits in a public subnet", Message: "fn-b sits in a public subnet.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"fn-b"}, Evidence: []string{}, Remediation: "Move it.",
				Suppressed: true, Suppression: &report.Suppression{Reason: "moving in Q3", Expires: "2027-03-31", Source: ".vpcdoctor.yaml:4"}},
			{Rule: "vpc-flow-logs-disabled", Severity: "info", Title: "VPC without flow logs", Message: "vpc-0 has no flow log.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"vpc-0"}, Evidence: []string{}, Remediation: "Turn flow logs on."},
			{Rule: "sg-world-open-port", Severity: "high", Title: "Port open to the world", Message: "sg-0web admits tcp/22 from 0.0.0.0/0.",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-0web", "i-0web"}, Evidence: []string{}, Remediation: "Narrow it."},
		},
		Exposures: []report.Exposure{
			{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-0web", Resource: "i-0web", ResourceType: "ec2-instance",
				Protocol: "tcp", FromPort: 22, ToPort: 22, Sources: []string{"0.0.0.0/1", "128.0.0.0/1"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{
					{Kind: "public-address", ID: "eni-0web", Detail: "203.0.113.10"},
					{Kind: "route", ID: "rtb-0pub", Detail: "0.0.0.0/0 -> igw-0"},
					{Kind: "network-acl", ID: "acl-0", Detail: "ingress rule 100 allow all traffic 0.0.0.0/0"},
					{Kind: "security-group", ID: "sg-0web", Detail: "ingress tcp/22 from 0.0.0.0/0"},
				}, Notes: []string{}},
			{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-0web", Resource: "i-0web", ResourceType: "ec2-instance",
				Protocol: "icmp", FromPort: 8, ToPort: 8, Sources: []string{"198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24", "100.64.0.0/10"}, Via: "direct",
				Path: []report.Hop{{Kind: "security-group", ID: "sg-0web", Detail: "ingress icmp"}}, Notes: []string{"a note"}},
			{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-0db", Resource: "mydb", ResourceType: "rds-db-instance",
				Protocol: "all", ExceptProtocols: []string{"udp"}, FromPort: 0, ToPort: 65535, Sources: []string{"0.0.0.0/0"}, WholeInternet: true, Via: "direct",
				Path: []report.Hop{{Kind: "security-group", ID: "sg-0db", Detail: "ingress all"}}, Notes: []string{}},
			{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-0app", Resource: "i-0app", ResourceType: "ec2-instance",
				Protocol: "tcp", FromPort: 80, ToPort: 80, Sources: []string{"0.0.0.0/0"}, WholeInternet: true, Via: "load-balancer", LoadBalancer: "web-alb",
				Path: []report.Hop{{Kind: "load-balancer", ID: "web-alb", Detail: "listener tcp/80"}, {Kind: "target", ID: "i-0app", Detail: "target group tg-web"}}, Notes: []string{}},
		},
		Coverage: []report.Coverage{},
		Notes:    []report.Note{},
		Warnings: []string{"a warning & more"},
	}
	rep.Summary = report.Summary{Findings: 6, Suppressed: 1, Critical: 1, High: 2, Medium: 1, Low: 1, Info: 1, Complete: true}
	return rep
}

// richPlan has a stage of each kind, a failed proof with a broken flow, a
// dropped flow and an unexpected exposure.
func richPlan() *plan.Plan {
	return &plan.Plan{
		Schema: "vpcdoctor-plan/1",
		Stages: []*plan.Stage{
			{Number: 0, Name: "Prepare", Kind: "additive", Risk: "low", RiskNote: "Nothing changes.",
				Steps: []*plan.Step{{ID: "0.1"}, {ID: "0.2"}}, Checks: []plan.Check{{What: "The flow log is active", Args: []string{"ec2", "describe-flow-logs"}, Expect: "one flow log"}}},
			{Number: 4, Name: "Database cut-over", Kind: "cutover", Risk: "high", RiskNote: "Writes stop.", Steps: []*plan.Step{{ID: "4.1"}}},
			{Number: 5, Name: "Remove the old access", Kind: "subtractive", Risk: "medium", Steps: []*plan.Step{{ID: "5.1"}, {ID: "5.2"}, {ID: "5.3"}},
				Checks: []plan.Check{{What: "No new REJECT", Expect: "the same REJECTs as before"}}},
		},
		Cost: plan.Cost{Currency: "USD", PricesDate: "2026-11-26", Items: []plan.CostItem{{What: "NAT", Monthly: 90.52}}, Monthly: 98.3},
		Proof: &plan.Proof{
			Passed: false, Kept: 12,
			Broken: []plan.FlowCheck{{Flow: plan.NeededFlow{Protocol: "tcp", Port: 5432,
				Src: flowsResource("i-0app", "app-1"), Dst: flowsResource("mydb", "")}, Reason: "no rule admits it"}},
			Dropped: []plan.FlowCheck{{Flow: plan.NeededFlow{Protocol: "tcp", Port: 22, Src: flowsInternet("198.51.100.77"), Dst: flowsResource("i-0web", "web-1"),
				Evidence: "3 connections"}, Reason: "Session Manager replaces SSH."}},
			Exposures:  []plan.Exposure{{Resource: "web-alb", Protocol: "tcp", Ports: "443", Sources: "the whole internet"}, {Resource: "i-0app", Protocol: "tcp", Ports: "80", Sources: "the whole internet", Via: "web-alb"}},
			Unexpected: []plan.Exposure{{Resource: "i-0bastion", Protocol: "tcp", Ports: "22", Sources: "the whole internet"}},
			Findings:   map[string]int{"high": 1, "low": 2},
			High:       []string{"sg-world-open-port: sg-new-bastion admits tcp/22 from 0.0.0.0/0"},
		},
		Warnings: []string{"a plan warning"},
	}
}

// svgDiagram is a small hand-made SVG of the shape a diagram has: an XML
// declaration, IDs, and references to them.
func svgDiagram(label string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">
<defs><marker id="arrow" markerWidth="6" markerHeight="6" refX="3" refY="3" orient="auto"><path d="M0,0 L6,3 L0,6 z"/></marker></defs>
<g id="node1" class="node"><rect x="4" y="20" width="80" height="40" fill="#e8f1fb" stroke="#1d5c99"/><text x="44" y="45" text-anchor="middle">` + label + `</text></g>
<g id="node2" class="node"><rect x="150" y="20" width="80" height="40" fill="#fde8e8" stroke="#8e1111"/><text x="190" y="45" text-anchor="middle">db</text></g>
<path d="M84,40 L150,40" stroke="#333" marker-end="url(#arrow)"/>
</svg>
`)
}

func richInput(l i18n.Lang) Input {
	return Input{
		Lang: l, Report: richReport(), Plan: richPlan(), Generated: "2026-11-26 08:00 UTC",
		Diagrams: []Diagram{{Title: "Before", SVG: svgDiagram("web")}, {Title: "After", SVG: svgDiagram("web")}},
	}
}

// render writes in and fails the test on an error.
func render(t testing.TB, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	exampleOnce sync.Once
	exampleIn   Input
	exampleErr  error
)

// exampleInput is the bundled "before" example: its scan, and its plan
// designed, proved on its written target and staged as `vpcdoctor plan`
// does (without flow logs: the needed flows are inferred).
func exampleInput(t testing.TB) Input {
	t.Helper()
	exampleOnce.Do(func() {
		inv, err := snapshot.Load(exampleDir)
		if err != nil {
			exampleErr = err
			return
		}
		rep := report.Build(inv, check.RunWith(inv, check.All, check.Options{}), check.All)
		p, err := plan.Design(inv, nil, plan.Options{})
		if err != nil {
			exampleErr = err
			return
		}
		dir, err := tempDir()
		if err != nil {
			exampleErr = err
			return
		}
		targetDir := filepath.Join(dir, "target")
		if err := plan.WriteTarget(p, inv, targetDir); err != nil {
			exampleErr = err
			return
		}
		target, err := snapshot.Load(targetDir)
		if err != nil {
			exampleErr = err
			return
		}
		p.Proof = plan.Prove(p, target, nil)
		p.Stages = plan.BuildStages(p, inv)
		exampleIn = Input{Lang: i18n.English, Report: rep, Plan: p, Generated: "2026-11-26",
			Diagrams: []Diagram{{Title: "Before", SVG: svgDiagram("web")}, {Title: "After", SVG: svgDiagram("web")}}}
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return exampleIn
}

func flowsResource(id, name string) flows.Endpoint {
	return flows.Endpoint{Kind: flows.KindResource, ID: id, Name: name}
}

func flowsInternet(addr string) flows.Endpoint {
	return flows.Endpoint{Kind: flows.KindInternet, ID: addr}
}

var update = flag.Bool("update", false, "rewrite docs/img/report-example.png from the browser test")

// scratch is the package's temporary folder (the example's target), removed
// by TestMain.
var scratch string

func tempDir() (string, error) {
	if scratch == "" {
		return "", fmt.Errorf("no temporary folder: TestMain did not run")
	}
	return scratch, nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "htmlreport-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
