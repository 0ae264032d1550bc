package check_test

import (
	"net/netip"
	"sync"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// flowsOf holds the attribution each flow case's region runs with
// (optionsFor); regions built without flow logs have none.
var flowsOf sync.Map // *model.Region → *flows.Attribution

// withFlows builds the region and attributes obs over it, as `vpcdoctor
// scan --flows` does, with the volume of logs of 720 files and 86,400
// records.
func withFlows(build func() *model.Region, obs ...flows.Observation) func() *model.Region {
	return func() *model.Region {
		reg := build()
		flowsOf.Store(reg, flows.Attribute(modeltest.Inventory(reg), obs, flowlog.Stats{Files: 720, Records: 86400}))
		return reg
	}
}

// optionsFor is what evaluate runs a case's region with.
func optionsFor(reg *model.Region) check.Options {
	if a, ok := flowsOf.Load(reg); ok {
		return check.Options{Flows: a.(*flows.Attribution)}
	}
	return check.Options{}
}

// flowRegion is the fixture of sg-rule-unused-in-flows: VPC vpc-1 with
// subnet-a, an internet-facing load balancer whose node eni-lb
// (10.0.1.6) carries sg-lb (tcp/443 from 0.0.0.0/0), and web servers i-1
// (eni-i-1, 10.0.1.4) and i-2 (eni-i-2, 10.0.1.5) carrying sg-web ("web"):
// tcp/80 from sg-lb, tcp/22 from the office 203.0.113.0/24, tcp/8080 from
// 0.0.0.0/0. change adjusts it.
func flowRegion(change func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.SecurityGroup("sg-web", "vpc-1",
			fromSG("tcp", 80, 80, "sg-lb"),
			ingress("tcp", 22, 22, "203.0.113.0/24"),
			ingress("tcp", 8080, 8080, "0.0.0.0/0"),
		).Name = "web"
		b.SecurityGroup("sg-lb", "vpc-1", ingress("tcp", 443, 443, "0.0.0.0/0")).Name = "lb"
		b.Instance("i-1", "subnet-a", "sg-web")
		b.Instance("i-2", "subnet-a", "sg-web")
		b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-lb")
		b.ENI("eni-lb", "subnet-a", "sg-lb").Description = "ELB app/web/0123456789abcdef"
		change(b)
		return b.Link()
	}
}

const day = 24 * 3600

// flow is an accepted TCP connection client → server on port, logged at
// iface from t0+from to t0+to seconds.
func flow(iface, client, server string, port int32, from, to int64) flows.Observation {
	return flows.Observation{
		ObservationKey: flows.ObservationKey{InterfaceID: iface, Client: netip.MustParseAddr(client), Server: netip.MustParseAddr(server),
			Protocol: 6, Port: port, ClientIsSrc: true, Accept: true, Basis: flows.BasisTCPFlags},
		Packets: 10, Bytes: 1000, Records: 1, Connections: 1, Start: t0 + from, End: t0 + to,
	}
}

const t0 = 1_700_000_000 // 2023-11-14 22:13:20 UTC

func rejectedFlow(o flows.Observation) flows.Observation { o.Accept = false; return o }

// Traffic of flowRegion over 30 days: the internet to the load balancer
// on 443, the load balancer to both web servers on 80.
var (
	toLB   = flow("eni-lb", "198.51.100.7", "10.0.1.6", 443, 0, 30*day)
	toWeb1 = flow("eni-i-1", "10.0.1.6", "10.0.1.4", 80, 0, 30*day)
	toWeb2 = flow("eni-i-2", "10.0.1.6", "10.0.1.5", 80, day, 29*day)
)

// The check's rule: an ingress rule that admitted no accepted connection
// (flows.Attribute, AWS-SEMANTICS.md §2: any matching rule admits) while
// the interfaces carrying its group were logged.
var sgRuleUnusedInFlowsCases = []checkCase{
	{"only tcp/80 from the load balancer admitted traffic: 22 and 8080 are listed, never 80",
		withFlows(flowRegion(nothingMore), toLB, toWeb1, toWeb2),
		fires(check.Low, ids("sg-web"), "sg-web (web): 2 of 3 inbound rules admitted no traffic in the flow logs: tcp/22 from 203.0.113.0/24, tcp/8080 from 0.0.0.0/0.",
			"Its interfaces were logged from 2023-11-14 22:13 UTC to 2023-12-14 22:13 UTC (30 days), in 86400 records from 720 files.").
			withEvidence("sg-web ingress tcp/22 from 203.0.113.0/24", "sg-web ingress tcp/8080 from 0.0.0.0/0")},
	{"a period under 14 days is said", withFlows(flowRegion(nothingMore),
		flow("eni-lb", "198.51.100.7", "10.0.1.6", 443, 0, 3*day), flow("eni-i-1", "10.0.1.6", "10.0.1.4", 80, 0, 3*day), flow("eni-i-2", "10.0.1.6", "10.0.1.5", 80, 0, 3*day)),
		fires(check.Low, ids("sg-web"), "(3 days)", "That is less than 14 days: a rule used weekly or monthly")},
	{"REJECTed traffic is no use of a rule", withFlows(flowRegion(nothingMore), toLB, toWeb1, toWeb2,
		rejectedFlow(flow("eni-i-1", "203.0.113.9", "10.0.1.4", 22, day, day+60))),
		fires(check.Low, ids("sg-web"), "2 of 3 inbound rules", "tcp/22 from 203.0.113.0/24")},
	{"only one of the group's two interfaces in the logs: info, said", withFlows(flowRegion(nothingMore), toLB, toWeb1),
		fires(check.Info, ids("sg-web"), "Only 1 of the 2 interfaces carrying the group appear in the logs with accepted traffic: the rules may admit traffic to the others.")},
	{"a group whose interfaces are logged but received nothing: every rule is listed", withFlows(flowRegion(nothingMore),
		toLB, flow("eni-i-1", "10.0.1.4", "52.95.1.1", 443, 0, 30*day), flow("eni-i-2", "10.0.1.5", "52.95.1.1", 443, 0, 30*day)),
		fires(check.Low, ids("sg-web"), "3 of 3 inbound rules", "tcp/80 from sg-lb (lb)")},
	{"every rule admitted traffic", withFlows(flowRegion(nothingMore), toLB, toWeb1, toWeb2,
		flow("eni-i-1", "203.0.113.9", "10.0.1.4", 22, day, day+60), flow("eni-i-2", "192.0.2.1", "10.0.1.5", 8080, day, day+60)), none},
	{"§2 a connection two rules admit uses both: 8080 from the office matches 0.0.0.0/0 too", withFlows(flowRegion(func(b *modeltest.Builder) {
		b.Region().SecurityGroups[0].Ingress[1] = modeltest.Ingress("tcp", 8080, 8080, "203.0.113.0/24")
		b.Region().SecurityGroups[0].Ingress[1].GroupID = "sg-web"
	}), toLB, toWeb1, toWeb2, flow("eni-i-1", "203.0.113.9", "10.0.1.4", 8080, day, day+60)), none},
	{"no interface carrying the group is in the logs: no evidence, nothing said", withFlows(flowRegion(nothingMore), toLB), none},
	{"a group another account shares with this one: its owner's interfaces are not in the data", withFlows(flowRegion(func(b *modeltest.Builder) {
		b.Region().SecurityGroups[0].OwnerID = "999988887777"
	}), toLB, toWeb1, toWeb2), none},
	{"no flow logs given: skipped, and the report says why", flowRegion(nothingMore), skippedFor(check.NoFlowLogs)},
	{"logs with only REJECT records (a flow log capturing REJECT): skipped", withFlows(flowRegion(nothingMore), rejectedFlow(toWeb1)),
		skippedFor(check.NoFlowsInRegion)},
	{"a group whose interfaces have only REJECT records while others have accepted ones (a flow log capturing REJECT on them): no evidence, nothing said",
		withFlows(flowRegion(nothingMore), toLB, rejectedFlow(toWeb1), rejectedFlow(toWeb2)), none},
	{"a rule naming another account's group (a peered VPC): the peer's interfaces are not in the data, so its use cannot be seen; never listed",
		withFlows(flowRegion(func(b *modeltest.Builder) {
			r := modeltest.IngressFromGroup("tcp", 8443, 8443, "sg-peer")
			r.Peer.UserID, r.Peer.VPCID = "999988887777", "vpc-peer"
			g := b.Region().SecurityGroups[0]
			r.GroupID = g.ID
			g.Ingress = append(g.Ingress, r)
		}), toLB, toWeb1, toWeb2,
			flow("eni-i-1", "10.1.0.9", "10.0.1.4", 8443, day, day+60), flow("eni-i-2", "10.1.0.9", "10.0.1.5", 8443, day, day+60)),
		fires(check.Low, ids("sg-web"), "2 of 4 inbound rules admitted no traffic in the flow logs: tcp/22 from 203.0.113.0/24, tcp/8080 from 0.0.0.0/0.",
			"1 rule naming a group whose interfaces are not in the data (999988887777/sg-peer) cannot be judged from the logs").
			withEvidence("sg-web ingress tcp/22 from 203.0.113.0/24", "sg-web ingress tcp/8080 from 0.0.0.0/0")},
	{"ENI list not collected: which interfaces carry a group is unknown, skipped", withFlows(flowRegion(func(b *modeltest.Builder) {
		b.NotCollected(model.CallNetworkInterfaces)
	}), toLB, toWeb1, toWeb2), skipped(model.CallNetworkInterfaces)},
}

func TestSGRuleUnusedInFlows(t *testing.T) {
	runCases(t, check.SGRuleUnusedInFlows, sgRuleUnusedInFlowsCases)
}

// TestRunWithoutFlowLogs: a check that reads flow logs is skipped with the
// reason in every region when none are given, and never runs.
func TestRunWithoutFlowLogs(t *testing.T) {
	ran := false
	c := &check.Check{Meta: check.Meta{ID: "x-flows", Title: "x", Severity: check.Low, NeedsFlowLogs: true}, Run: func(*check.Pass) { ran = true }}
	plain := &check.Check{Meta: check.Meta{ID: "y-plain", Title: "y", Severity: check.Low}, Run: func(p *check.Pass) {
		if p.Flows() != nil {
			t.Error("a check without NeedsFlowLogs sees the flow logs")
		}
	}}
	reg := modeltest.New(account, region).Link()
	res := check.RunWith(modeltest.Inventory(reg), []*check.Check{c, plain}, check.Options{Flows: &flows.Attribution{}})
	if ran || len(res.Skipped) != 1 || res.Skipped[0].Reason != check.NoFlowsInRegion || res.Skipped[0].Missing != nil {
		t.Errorf("ran %v, skipped %+v", ran, res.Skipped)
	}
	res = check.Run(modeltest.Inventory(reg), []*check.Check{c, plain})
	if ran || len(res.Skipped) != 1 || res.Skipped[0].Reason != check.NoFlowLogs {
		t.Errorf("ran %v, skipped %+v", ran, res.Skipped)
	}
}
