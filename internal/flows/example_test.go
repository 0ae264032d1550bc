package flows_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

var update = flag.Bool("update", false, "rewrite the generated flow logs in testdata")

// The bundled example account (examples/startup-all-public) and the
// traffic its story implies. Addresses and interfaces are the snapshot's.
const (
	exampleAccount = "111122223333"
	exampleRegion  = "ap-northeast-1"
	exampleLogs    = "testdata/startup-all-public-flowlogs"
)

type host struct {
	addr  string
	eni   string // "" for hosts outside the snapshot
	id    string // the endpoint ID edges must show
	flows string // "a", "b", "c": the flow log of the interface's subnet
}

var (
	alb1    = host{"10.0.0.137", "eni-0a1b2c3d4e5f60411", "oyatsu-web-alb", "a"}
	alb2    = host{"10.0.1.244", "eni-0a1b2c3d4e5f60412", "oyatsu-web-alb", "b"}
	web1    = host{"10.0.0.21", "eni-0a1b2c3d4e5f60401", "i-0a1b2c3d4e5f60301", "a"}
	web2    = host{"10.0.1.34", "eni-0a1b2c3d4e5f60402", "i-0a1b2c3d4e5f60302", "b"}
	batch   = host{"10.0.0.45", "eni-0a1b2c3d4e5f60403", "i-0a1b2c3d4e5f60303", "a"}
	aurora1 = host{"10.0.0.88", "eni-0a1b2c3d4e5f60421", "oyatsu-aurora-instance-1", "a"}
	aurora2 = host{"10.0.1.97", "eni-0a1b2c3d4e5f60422", "oyatsu-aurora-instance-2", "b"}
	redis   = host{"10.0.2.72", "eni-0a1b2c3d4e5f60431", "oyatsu-redis-001", "c"}
	lambda1 = host{"10.0.0.201", "eni-0a1b2c3d4e5f60441", "oyatsu-order-notifier", "a"}
	api1    = host{"10.0.0.162", "eni-0a1b2c3d4e5f60451", "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api", "a"}
	api2    = host{"10.0.1.179", "eni-0a1b2c3d4e5f60452", "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api", "b"}
	// Outside the snapshot.
	shopper1 = host{"203.0.113.10", "", "203.0.113.10", ""}
	shopper2 = host{"198.51.100.23", "", "198.51.100.23", ""}
	scanner  = host{"198.51.100.77", "", "198.51.100.77", ""}
	s3a      = host{"52.219.4.10", "", "S3", ""} // in the snapshot's com.amazonaws.ap-northeast-1.s3 prefix list
	s3b      = host{"52.219.16.5", "", "S3", ""}
	gone     = host{"10.0.5.9", "", "10.0.5.9", ""} // a VPC address no snapshot interface holds
)

// conn is connections of one kind: n connections from client to server's
// port, each lasting intervals aggregation intervals.
type conn struct {
	client, server host
	port           int32
	proto          int16
	n, intervals   int
	reject         bool // rejected at the server: one record, client → server, no answer
}

// exampleTraffic is what the story's account does in an hour: shoppers
// reach the ALB on 443, the ALB forwards to the web servers on 80 (across
// zones too), the web servers use Aurora, Redis and the API service on
// 8080, the API uses Aurora and Redis, the Lambda function and the batch
// server use Aurora, the web and batch servers fetch from S3 through the
// internet gateway, and a scanner probes: SSH is open on the web and batch
// servers (oyatsu-common-sg allows all traffic; oyatsu-ops-ssh port 22),
// MySQL on the publicly accessible Aurora writer, while the ALB's group
// (80 and 443 only) rejects its probes on 22 and 23.
var exampleTraffic = []conn{
	{client: shopper1, server: alb1, port: 443, proto: 6, n: 40, intervals: 1},
	{client: shopper2, server: alb2, port: 443, proto: 6, n: 25, intervals: 2},
	{client: alb1, server: web1, port: 80, proto: 6, n: 30, intervals: 1},
	{client: alb1, server: web2, port: 80, proto: 6, n: 10, intervals: 1},
	{client: alb2, server: web2, port: 80, proto: 6, n: 20, intervals: 1},
	{client: alb2, server: web1, port: 80, proto: 6, n: 5, intervals: 1},
	{client: web1, server: aurora1, port: 3306, proto: 6, n: 6, intervals: 3},
	{client: web2, server: aurora1, port: 3306, proto: 6, n: 4, intervals: 3},
	{client: web1, server: redis, port: 6379, proto: 6, n: 3, intervals: 3},
	{client: web2, server: redis, port: 6379, proto: 6, n: 3, intervals: 3},
	{client: web1, server: api1, port: 8080, proto: 6, n: 12, intervals: 1},
	{client: web2, server: api2, port: 8080, proto: 6, n: 12, intervals: 1},
	{client: api1, server: aurora1, port: 3306, proto: 6, n: 5, intervals: 2},
	{client: api2, server: aurora1, port: 3306, proto: 6, n: 5, intervals: 2},
	{client: api2, server: redis, port: 6379, proto: 6, n: 4, intervals: 2},
	{client: lambda1, server: aurora1, port: 3306, proto: 6, n: 8, intervals: 1},
	{client: batch, server: aurora1, port: 3306, proto: 6, n: 2, intervals: 4},
	{client: batch, server: aurora2, port: 3306, proto: 6, n: 2, intervals: 4},
	{client: web1, server: s3a, port: 443, proto: 6, n: 7, intervals: 1},
	{client: batch, server: s3b, port: 443, proto: 6, n: 3, intervals: 2},
	{client: web1, server: gone, port: 443, proto: 6, n: 2, intervals: 1},
	{client: scanner, server: web1, port: 22, proto: 6, n: 3, intervals: 1},
	{client: scanner, server: batch, port: 22, proto: 6, n: 3, intervals: 1},
	{client: scanner, server: aurora1, port: 3306, proto: 6, n: 2, intervals: 1},
	{client: scanner, server: alb1, port: 22, proto: 6, n: 4, intervals: 1, reject: true},
	{client: scanner, server: alb2, port: 23, proto: 6, n: 2, intervals: 1, reject: true},
}

// The three flow logs: subnet public-1a in AWS's default format (version
// 2: no TCP flags), public-1c and public-1d in a custom version-3 format
// with tcp-flags, as `aws ec2 create-flow-logs --log-format` writes them.
var exampleFormats = map[string]string{
	"a": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
	"b": "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
	"c": "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
}

var exampleFlowLogIDs = map[string]string{"a": "fl-0a1b2c3d4e5f60a01", "b": "fl-0a1b2c3d4e5f60b01", "c": "fl-0a1b2c3d4e5f60c01"}

const exampleStart = 1763596800 // 2025-11-20T00:00:00Z

// expectedEdge is what the traffic must sum to on one edge.
type expectedEdge struct {
	packets, bytes, connections int64
}

// generateExample writes the traffic as each logged interface sees it:
// both directions of every connection at both ends (AWS-SEMANTICS.md §9),
// with the client's ephemeral port, and returns the files' contents by
// flow log and what each edge must sum to.
func generateExample() (map[string][]byte, map[string]expectedEdge) {
	rng := rand.New(rand.NewPCG(5, 11))
	lines := map[string][]string{}
	want := map[string]expectedEdge{}
	for _, c := range exampleTraffic {
		key := edgeKey(c.client.id, c.server.id, c.port, !c.reject)
		w := want[key]
		for range c.n {
			eph := int32(32768 + rng.IntN(28232))
			start := int64(exampleStart + rng.IntN(3000))
			w.connections++
			for iv := range c.intervals {
				s, e := start+int64(iv)*60, start+int64(iv+1)*60
				last := iv == c.intervals-1
				reqPk := int64(2 + rng.IntN(20))
				reqB := reqPk*60 + int64(rng.IntN(2000))
				respPk := int64(1 + rng.IntN(30))
				respB := respPk*60 + int64(rng.IntN(30000))
				// Flags as AWS logs them: the OR of the interval's SYN, FIN,
				// RST and SYN-ACK (ACK alone is not logged).
				var reqF, respF int16
				if iv == 0 {
					reqF, respF = 2, 18
				}
				if last {
					reqF, respF = reqF|1, respF|1
				}
				if c.reject {
					reqPk, reqB, reqF = 1, 60, 2
				}
				w.packets += reqPk
				w.bytes += reqB
				if !c.reject {
					w.packets += respPk
					w.bytes += respB
				}
				req := record{c.client.addr, c.server.addr, eph, c.port, c.proto, reqPk, reqB, s, e, !c.reject, reqF}
				resp := record{c.server.addr, c.client.addr, c.port, eph, c.proto, respPk, respB, s, e, true, respF}
				for _, end := range []host{c.client, c.server} {
					if end.eni == "" || (c.reject && end == c.client) {
						continue
					}
					lines[end.flows] = append(lines[end.flows], req.line(end, c, exampleFormats[end.flows]))
					if !c.reject {
						lines[end.flows] = append(lines[end.flows], resp.line(end, c, exampleFormats[end.flows]))
					}
				}
			}
		}
		want[key] = w
	}
	files := map[string][]byte{}
	for fl, ls := range lines {
		format, err := flowlog.ParseFormat(exampleFormats[fl])
		if err != nil {
			panic(err)
		}
		// AWS writes each file's records in no particular order; sort by
		// start time, as files of consecutive intervals are.
		slices.SortStableFunc(ls, func(a, b string) int { return strings.Compare(startOf(a, format), startOf(b, format)) })
		var b strings.Builder
		b.WriteString(flowlog.HeaderLine(format) + "\n")
		for _, l := range ls {
			b.WriteString(l + "\n")
		}
		files[fl] = []byte(b.String())
	}
	return files, want
}

func startOf(line string, format []flowlog.Field) string {
	f := strings.Fields(line)
	for i, x := range format {
		if x == flowlog.FieldStart {
			return f[i]
		}
	}
	return ""
}

type record struct {
	src, dst       string
	sport, dport   int32
	proto          int16
	packets, bytes int64
	start, end     int64
	accept         bool
	flags          int16
}

// line writes r as logged at end's interface in format.
func (r record) line(end host, c conn, format string) string {
	fields, err := flowlog.ParseFormat(format)
	if err != nil {
		panic(err)
	}
	subnets := map[string]string{"a": "subnet-0a1b2c3d4e5f60011", "b": "subnet-0a1b2c3d4e5f60012", "c": "subnet-0a1b2c3d4e5f60013"}
	instances := map[string]string{web1.eni: "i-0a1b2c3d4e5f60301", web2.eni: "i-0a1b2c3d4e5f60302", batch.eni: "i-0a1b2c3d4e5f60303"}
	rec := flowlog.Record{
		Version: 2, AccountID: exampleAccount, InterfaceID: end.eni,
		SrcAddr: netip.MustParseAddr(r.src), DstAddr: netip.MustParseAddr(r.dst),
		SrcPort: r.sport, DstPort: r.dport, Protocol: r.proto,
		Packets: r.packets, Bytes: r.bytes, Start: r.start, End: r.end,
		Action: flowlog.ActionReject, TCPFlags: -1, TrafficPath: -1,
	}
	if r.accept {
		rec.Action = flowlog.ActionAccept
	}
	if end.flows != "a" {
		rec.Version, rec.VPCID, rec.SubnetID, rec.InstanceID, rec.Type = 3, "vpc-0a1b2c3d4e5f60001", subnets[end.flows], instances[end.eni], "IPv4"
		rec.PktSrcAddr, rec.PktDstAddr, rec.TCPFlags = rec.SrcAddr, rec.DstAddr, r.flags
	}
	return string(flowlog.AppendLine(nil, &rec, fields))
}

func edgeKey(src, dst string, port int32, accept bool) string {
	a := "ACCEPT"
	if !accept {
		a = "REJECT"
	}
	return fmt.Sprintf("%s -> %s tcp/%d %s", src, dst, port, a)
}

func exampleLogPath(fl string) string {
	return filepath.Join(exampleLogs, "AWSLogs", exampleAccount, "vpcflowlogs", exampleRegion, "2025", "11", "20",
		fmt.Sprintf("%s_vpcflowlogs_%s_%s_20251120T0000Z_%s.log", exampleAccount, exampleRegion, exampleFlowLogIDs[fl], "3f2a9c1e"))
}

// TestExampleFlowLogsAreGenerated: the stored fixture is what the
// generator writes (go test ./internal/flows -run ExampleFlowLogs -update
// rewrites it).
func TestExampleFlowLogsAreGenerated(t *testing.T) {
	files, _ := generateExample()
	for fl, data := range files {
		path := exampleLogPath(fl)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to generate)", err)
		}
		if string(got) != string(data) {
			t.Errorf("%s differs from what the generator writes; run with -update", path)
		}
	}
}

// TestExampleEdges reads the generated flow logs of the bundled example
// account with the reader, observes and aggregates them with the snapshot,
// and checks the edges the story's traffic must give: the load balancer to
// the web servers on 80, the web servers to Aurora on 3306 and Redis on
// 6379, ..., each with its service port (never a client's ephemeral port),
// its endpoints named by resource ID and role, and each connection counted
// once though both of its interfaces logged it.
func TestExampleEdges(t *testing.T) {
	inv, err := snapshot.Load("../../examples/startup-all-public")
	if err != nil {
		t.Fatal(err)
	}
	sources, err := flowlog.Files(exampleLogs)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 3 {
		t.Fatalf("%d flow-log files, want 3 (run with -update to generate)", len(sources))
	}
	ports := flows.ListeningPortsOf(inv)
	var observers []*flows.Observer
	stats, err := flowlog.Read(context.Background(), sources, flowlog.Options{}, func() flowlog.Sink {
		o := flows.NewObserver(ports)
		observers = append(observers, o)
		return o
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.BadLines != 0 || stats.Files != 3 {
		t.Fatalf("stats %+v: want 3 files, no bad line", stats)
	}
	all := flows.NewObserver(ports)
	for _, o := range observers {
		all.Merge(o)
	}
	obs := all.Observations()
	edges := flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))

	_, want := generateExample()
	got := map[string]flows.Edge{}
	for _, e := range edges {
		if e.Protocol != "tcp" {
			t.Errorf("edge %+v: protocol %s, want tcp", e, e.Protocol)
		}
		k := edgeKey(e.Src.ID, e.Dst.ID, e.Port, e.Action == "ACCEPT")
		if _, dup := got[k]; dup {
			t.Errorf("two edges %s", k)
		}
		got[k] = e
		if e.Port >= 32768 {
			t.Errorf("edge %s: port %d is a client's ephemeral port", k, e.Port)
		}
	}
	for k, w := range want {
		e, ok := got[k]
		if !ok {
			t.Errorf("no edge %s", k)
			continue
		}
		if e.Packets != w.packets || e.Bytes != w.bytes {
			t.Errorf("edge %s: %d packets, %d bytes; want %d, %d (each connection once, both directions)", k, e.Packets, e.Bytes, w.packets, w.bytes)
		}
		// Connections: TCP flags count SYNs exactly; without them each
		// client → server record counts, so long connections count more.
		if e.Connections < w.connections {
			t.Errorf("edge %s: %d connections, want at least %d", k, e.Connections, w.connections)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected edge %s", k)
		}
	}

	// Endpoints: resources by ID with their role, kind and place; the rest
	// by kind.
	check := func(k string, src, dst flows.Endpoint, direction []flows.Basis, connections int64) {
		t.Helper()
		e := got[k]
		if e.Src != src || e.Dst != dst {
			t.Errorf("edge %s:\n src %+v\n dst %+v\nwant\n src %+v\n dst %+v", k, e.Src, e.Dst, src, dst)
		}
		if !slices.Equal(e.Direction, direction) {
			t.Errorf("edge %s: direction %v, want %v", k, e.Direction, direction)
		}
		if connections >= 0 && e.Connections != connections {
			t.Errorf("edge %s: %d connections, want %d", k, e.Connections, connections)
		}
	}
	res := func(id, typ, role, name string) flows.Endpoint {
		return flows.Endpoint{Kind: flows.KindResource, ID: id, Name: name, ResourceType: typ, Role: role, Account: exampleAccount, Region: exampleRegion}
	}
	alb := res("oyatsu-web-alb", "load-balancer", "load-balancer/self:oyatsu-web-alb", "")
	w1 := res(web1.id, "ec2-instance", "ec2-instance/tag:web", "web-1")
	w2 := res(web2.id, "ec2-instance", "ec2-instance/tag:web", "web-2")
	b1 := res(batch.id, "ec2-instance", "ec2-instance/tag:batch", "batch-1")
	a1 := res(aurora1.id, "rds-db-instance", "rds-db-instance/cluster:oyatsu-aurora", "")
	rd := res(redis.id, "elasticache-cluster", "elasticache-cluster/rg:oyatsu-redis", "")
	api := res(api1.id, "ecs-service", "ecs-service/service:"+api1.id, "oyatsu-api")
	fn := res(lambda1.id, "lambda-function", "lambda-function/self:oyatsu-order-notifier", "")
	flags := []flows.Basis{flows.BasisTCPFlags}
	listening := []flows.Basis{flows.BasisListeningPort}
	// Intervals after a connection's first carry no SYN: their FIN (or
	// nothing) does not decide, the listening port does.
	flagsThenListening := []flows.Basis{flows.BasisTCPFlags, flows.BasisListeningPort}

	// Counted at the server's interface: subnet 1a logs no flags, so the
	// listening ports decide; 1c and 1d log flags, which count SYNs.
	check(edgeKey(shopper1.id, alb.ID, 443, true), flows.Endpoint{Kind: flows.KindInternet, ID: shopper1.id}, alb, listening, 40)
	check(edgeKey(shopper2.id, alb.ID, 443, true), flows.Endpoint{Kind: flows.KindInternet, ID: shopper2.id}, alb, flagsThenListening, 25)
	check(edgeKey(alb.ID, w1.ID, 80, true), alb, w1, listening, 35)
	check(edgeKey(alb.ID, w2.ID, 80, true), alb, w2, flags, 30)
	check(edgeKey(w1.ID, a1.ID, 3306, true), w1, a1, listening, 6*3)
	check(edgeKey(w1.ID, rd.ID, 6379, true), w1, rd, flagsThenListening, 3)
	check(edgeKey(w2.ID, api.ID, 8080, true), w2, api, flags, 12)
	check(edgeKey(api.ID, a1.ID, 3306, true), api, a1, listening, 5*2+5*2)
	check(edgeKey(fn.ID, a1.ID, 3306, true), fn, a1, listening, 8)
	check(edgeKey(b1.ID, a1.ID, 3306, true), b1, a1, listening, 2*4)
	// Counted at the client's interface: the server is not in the snapshot.
	check(edgeKey(w1.ID, "S3", 443, true), w1, flows.Endpoint{Kind: flows.KindAWSService, ID: "S3", Region: exampleRegion}, listening, 7)
	check(edgeKey(b1.ID, "S3", 443, true), b1, flows.Endpoint{Kind: flows.KindAWSService, ID: "S3", Region: exampleRegion}, listening, 3*2)
	check(edgeKey(w1.ID, gone.id, 443, true), w1, flows.Endpoint{Kind: flows.KindUnknown, ID: gone.id}, listening, 2)
	// The scanner: accepted on SSH and MySQL (all traffic is open), rejected
	// by the ALB's group.
	sc := flows.Endpoint{Kind: flows.KindInternet, ID: scanner.id}
	check(edgeKey(scanner.id, w1.ID, 22, true), sc, w1, listening, 3)
	check(edgeKey(scanner.id, a1.ID, 3306, true), sc, a1, listening, 2)
	check(edgeKey(scanner.id, alb.ID, 22, false), sc, alb, listening, 4)
	check(edgeKey(scanner.id, alb.ID, 23, false), sc, alb, flags, 2)

	// The largest first.
	for i := 1; i < len(edges); i++ {
		if edges[i-1].Bytes < edges[i].Bytes {
			t.Fatalf("edges not largest first at %d", i)
		}
	}
}
