package synth

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// FlowLogFormat is the record format of generated flow logs.
type FlowLogFormat int

// Formats.
const (
	// FlowLogsDefault is AWS's default format: the 14 fields of version 2.
	FlowLogsDefault FlowLogFormat = iota
	// FlowLogsV5 is a custom format of all 29 fields of versions 2–5, in
	// the User Guide's order.
	FlowLogsV5
)

// Fields returns the format's fields.
func (f FlowLogFormat) Fields() []flowlog.Field {
	if f == FlowLogsV5 {
		return flowlog.AllFields
	}
	return flowlog.DefaultFormat
}

// FlowLogOptions say what flow logs to generate.
type FlowLogOptions struct {
	// Records is how many record lines to write in all, NODATA and
	// SKIPDATA rows included, header lines not.
	Records int
	Format  FlowLogFormat
	Gzip    bool
	// Files is how many files WriteFlowLogs spreads the records over,
	// one per 5-minute delivery window, as S3 delivery does; 0 means one
	// per 100,000 records (at least one). WriteFlowLog writes one stream.
	Files int
	// Seed chooses the traffic; the same seed, size and options give the
	// same bytes.
	Seed uint64
	// Start is the beginning of the first window; zero means
	// 2024-06-03T00:00:00Z.
	Start time.Time
}

func (o FlowLogOptions) files() int {
	if o.Files > 0 {
		return o.Files
	}
	return max(1, o.Records/100000)
}

func (o FlowLogOptions) start() time.Time {
	if o.Start.IsZero() {
		return time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	}
	return o.Start.UTC()
}

// FlowLogID is the flow log the generated files are delivered for.
const FlowLogID = "fl-0f10f10f10f10f10f"

// WriteFlowLogs writes flow logs of the traffic of the account WriteAccount
// writes for s (which must have ENIs set: the realistic account) under dir
// in S3's delivery layout,
// AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/<account>_vpcflowlogs_<region>_<flow log>_<YYYYMMDDTHHmmZ>_<hash>.log[.gz],
// each file starting with the header line, and returns the files' paths
// in order. Every interface of the account is logged, as though each VPC
// had a flow log of all traffic (the heaviest case for a reader).
//
// The traffic, per VPC, in the proportions of kindWeights (kinds a VPC
// lacks the resources for are left out): clients on the internet →
// internet-facing load balancer nodes on 443 (and 80); load balancer nodes
// → the instances of the application they target, on its port; instances
// → internal load balancers on 443; instances of the applications a
// database group admits → the RDS interface on 5432 or 3306; instances →
// instances of the application whose group admits theirs on 8443;
// instances → the internet on 443 through the NAT gateway of their zone
// (the NAT's four records as the User Guide's NAT example shows them) or
// directly from public subnets; instances → S3 on 443 through the gateway
// endpoint; instances and Lambda interfaces → interface endpoints on 443;
// a monitoring instance → node exporters on 9100; ICMP echo where groups
// admit it; the internet → public instances on 22 or 3389, REJECTed unless
// their group opens the port to the world; the internet → network load
// balancer nodes on 443; IPv6 instances → the internet on 443. The
// synthetic account has no cache tier, so there is no traffic to 6379.
// Clients use ephemeral ports 32768–60999. Each accepted connection is
// logged by each of its interfaces in the account, in both directions,
// with tcp-flags of one of the patterns of AWS's examples (2 / 18 opening,
// 3 / 19 opened and closed in the interval, 0 in the middle, 1 closing, 4
// reset). About 1.5% of the lines are NODATA and 0.1% SKIPDATA.
func WriteFlowLogs(dir string, s Size, opt FlowLogOptions) ([]string, error) {
	fg, err := newFlowGen(s, opt)
	if err != nil {
		return nil, err
	}
	n := opt.files()
	var paths []string
	for i := range n {
		records := share(opt.Records, n, i)
		t := fg.start.Add(time.Duration(i) * 5 * time.Minute)
		ext := ".log"
		if opt.Gzip {
			ext = ".log.gz"
		}
		name := fmt.Sprintf("%s_vpcflowlogs_%s_%s_%s_%08x%s", fg.s.AccountID, fg.s.Region, FlowLogID, t.Format("20060102T1504Z"), uint32(opt.Seed*2654435761+uint64(i)*40503), ext)
		path := filepath.Join(dir, "AWSLogs", fg.s.AccountID, "vpcflowlogs", fg.s.Region, t.Format("2006/01/02"), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		err = fg.writeFile(f, records, t)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// WriteFlowLog writes the same traffic as WriteFlowLogs as one file to w
// (a header line, then opt.Records records of one 5-minute window,
// gzip-compressed when opt.Gzip): what benchmarks read.
func WriteFlowLog(w io.Writer, s Size, opt FlowLogOptions) error {
	fg, err := newFlowGen(s, opt)
	if err != nil {
		return err
	}
	return fg.writeFile(w, opt.Records, fg.start)
}

// conversation kinds and their weights.
const (
	kWeb = iota
	kLBToApp
	kToInternalLB
	kAppToDB
	kAppToApp
	kNAT
	kDirect
	kS3
	kEndpoint
	kMonitor
	kICMP
	kScan
	kNLB
	kIPv6
	nKinds
)

var kindWeights = [nKinds]float64{
	kWeb: 28, kLBToApp: 24, kToInternalLB: 4, kAppToDB: 12, kAppToApp: 8, kNAT: 5, kDirect: 2,
	kS3: 4, kEndpoint: 3, kMonitor: 3, kICMP: 1, kScan: 3, kNLB: 2, kIPv6: 1,
}

// flowIface is what records say of one interface.
type flowIface struct {
	id, vpc, subnet, instance, azID string
	private, public, v6             netip.Addr
}

// flowVPC is one VPC's traffic plan.
type flowVPC struct {
	ifaces    []*flowIface
	kinds     [nKinds]float64 // cumulative weights of the kinds it has
	apps      []*flowApp
	public    []*flowIface // instances with a public address
	v6        []*flowIface
	lbs       []flowLB
	dbs       []flowDB
	peers8443 [][2]*flowApp // client app, server app
	icmp      []*flowApp
	monitored []*flowIface
	monitor   *flowIface
	nats      []*flowIface // in zone order
	endpoints []*flowIface
	lambdas   []*flowIface
	admin     map[*flowIface]int32 // public instances whose group opens this port to the world
	private   []*flowIface         // instances in private subnets
}

type flowApp struct {
	ifaces []*flowIface
	port   int32
}

type flowLB struct {
	public    bool
	network   bool
	nodes     []*flowIface
	listeners []int32
	target    *flowApp
	port      int32
}

type flowDB struct {
	iface   *flowIface
	port    int32
	clients []*flowApp
}

// flowNet is the account's traffic plan, built once per Size.
type flowNet struct {
	vpcs    []*flowVPC
	weights []float64 // cumulative, by interfaces per VPC
	all     []*flowIface
}

var flowNets sync.Map // Size → *flowNet

func planFlows(s Size) (*flowNet, error) {
	if n, ok := flowNets.Load(s); ok {
		return n.(*flowNet), nil
	}
	g, err := planRealistic("", s)
	if err != nil {
		return nil, err
	}
	net := &flowNet{}
	infos := map[*iface]*flowIface{}
	info := func(f *iface) *flowIface {
		if x := infos[f]; x != nil {
			return x
		}
		x := &flowIface{id: f.id, vpc: f.sn.vpc.id, subnet: f.sn.id, instance: f.instance, azID: fmt.Sprintf("apne1-az%d", f.sn.az+1),
			private: netip.MustParseAddr(f.private)}
		if f.publicIP != "" {
			x.public = netip.MustParseAddr(f.publicIP)
		}
		if f.v6 != "" {
			x.v6 = netip.MustParseAddr(f.v6)
		}
		infos[f] = x
		return x
	}
	total := 0.0
	for _, v := range g.vpcs {
		fv := &flowVPC{admin: map[*flowIface]int32{}}
		apps := map[*sgPlan]*flowApp{}
		for _, a := range v.apps {
			if len(a.ifaces) == 0 {
				continue
			}
			fa := &flowApp{port: int32(a.group.port)}
			for _, f := range a.ifaces {
				x := info(f)
				fa.ifaces = append(fa.ifaces, x)
				if x.public.IsValid() {
					fv.public = append(fv.public, x)
					if a.group.kind == sgWorldAdmin {
						fv.admin[x] = int32(a.group.adminPort)
					}
				} else {
					fv.private = append(fv.private, x)
				}
				if x.v6.IsValid() {
					fv.v6 = append(fv.v6, x)
				}
				for _, sh := range a.shared {
					if sh.kind == sgMonitoring {
						fv.monitored = append(fv.monitored, x)
					}
				}
			}
			apps[a.group] = fa
			fv.apps = append(fv.apps, fa)
			if a.group.icmp {
				fv.icmp = append(fv.icmp, fa)
			}
		}
		for _, a := range v.apps {
			if srv, cl := apps[a.group], apps[a.group.peer8443]; srv != nil && cl != nil {
				fv.peers8443 = append(fv.peers8443, [2]*flowApp{cl, srv})
			}
		}
		if len(fv.apps) > 0 {
			fv.monitor = fv.apps[0].ifaces[0]
		}
		for _, lb := range v.lbs {
			fl := flowLB{public: lb.scheme == "internet-facing", network: lb.kind == "network", target: apps[lb.target.group], port: int32(lb.port)}
			for _, n := range lb.nodes {
				fl.nodes = append(fl.nodes, info(n))
			}
			for _, p := range lb.listeners {
				fl.listeners = append(fl.listeners, int32(p))
			}
			fv.lbs = append(fv.lbs, fl)
		}
		for _, db := range v.dbs {
			fd := flowDB{iface: info(db.iface), port: int32(db.group.port)}
			for _, p := range db.group.peers {
				if a := apps[p]; a != nil {
					fd.clients = append(fd.clients, a)
				}
			}
			if len(fd.clients) > 0 {
				fv.dbs = append(fv.dbs, fd)
			}
		}
		for _, n := range v.natIfaces {
			fv.nats = append(fv.nats, info(n))
		}
		for _, e := range v.endpointIfaces {
			fv.endpoints = append(fv.endpoints, info(e))
		}
		for _, l := range v.lambdaIfaces {
			fv.lambdas = append(fv.lambdas, info(l))
		}
		for _, f := range v.allIfaces {
			fv.ifaces = append(fv.ifaces, info(f))
		}
		var lbPublic, lbInternal, lbApp, nlb bool
		for _, lb := range fv.lbs {
			lbPublic = lbPublic || lb.public && !lb.network
			lbInternal = lbInternal || !lb.public
			lbApp = lbApp || lb.target != nil && !lb.network
			nlb = nlb || lb.network
		}
		has := [nKinds]bool{
			kWeb: lbPublic, kLBToApp: lbApp, kToInternalLB: lbInternal && len(fv.apps) > 0, kAppToDB: len(fv.dbs) > 0,
			kAppToApp: len(fv.peers8443) > 0, kNAT: len(fv.nats) > 0 && len(fv.private) > 0, kDirect: len(fv.public) > 0,
			kS3: len(fv.apps) > 0, kEndpoint: len(fv.endpoints) > 0 && len(fv.apps) > 0, kMonitor: fv.monitor != nil && len(fv.monitored) > 0,
			kICMP: len(fv.icmp) > 0, kScan: len(fv.public) > 0, kNLB: nlb, kIPv6: len(fv.v6) > 0,
		}
		cum := 0.0
		for k := range nKinds {
			if has[k] {
				cum += kindWeights[k]
			}
			fv.kinds[k] = cum
		}
		if cum == 0 || len(fv.ifaces) == 0 {
			continue
		}
		net.vpcs = append(net.vpcs, fv)
		total += float64(len(fv.ifaces))
		net.weights = append(net.weights, total)
		net.all = append(net.all, fv.ifaces...)
	}
	if len(net.vpcs) == 0 {
		return nil, fmt.Errorf("synth: the account of %+v has no traffic to log", s)
	}
	flowNets.Store(s, net)
	return net, nil
}

// flowGen writes records.
type flowGen struct {
	s      Size
	opt    FlowLogOptions
	net    *flowNet
	r      *rand.Rand
	start  time.Time
	fields []flowlog.Field

	recs   []flowlog.Record // the current connection's records
	window int64            // Unix seconds of the current file's window
}

func newFlowGen(s Size, opt FlowLogOptions) (*flowGen, error) {
	if s.ENIs <= 0 {
		return nil, fmt.Errorf("synth: flow logs are generated for the realistic account only (Size.ENIs > 0)")
	}
	if s.Region == "" {
		s.Region = "ap-northeast-1"
	}
	if s.AccountID == "" {
		s.AccountID = "111122223333"
	}
	net, err := planFlows(s)
	if err != nil {
		return nil, err
	}
	return &flowGen{s: s, opt: opt, net: net, r: rand.New(rand.NewPCG(opt.Seed, 0xf10f)), start: opt.start(), fields: opt.Format.Fields()}, nil
}

// writeFile writes one file: the header line and n records of the window
// starting at t.
func (fg *flowGen) writeFile(w io.Writer, n int, t time.Time) error {
	var zw *gzip.Writer
	out := w
	if fg.opt.Gzip {
		zw = gzip.NewWriter(w)
		out = zw
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	fg.window = t.Unix()
	line := []byte(flowlog.HeaderLine(fg.fields))
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return err
	}
	for n > 0 {
		fg.next()
		for i := range fg.recs {
			if n == 0 {
				break
			}
			line = flowlog.AppendLine(line[:0], &fg.recs[i], fg.fields)
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
			n--
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func search(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Addresses outside the account: clients on the internet (MaxMind's test
// networks, as Elastic's samples use), servers on the internet, S3 (the
// prefix list the account's routes name) and IPv6 hosts.
var (
	internetClients = [][3]byte{{81, 2, 69}, {89, 160, 20}, {175, 16, 199}, {216, 160, 83}, {67, 43, 156}, {1, 128, 0}, {2, 125, 160}}
	internetServers = [][3]byte{{151, 101, 1}, {104, 16, 132}, {142, 250, 196}, {140, 82, 112}}
	s3Nets          = [][3]byte{{52, 219, 0}, {52, 219, 4}, {52, 219, 16}, {3, 5, 152}}
)

func (fg *flowGen) addr(nets [][3]byte) netip.Addr {
	n := pick(fg.r, nets)
	return netip.AddrFrom4([4]byte{n[0], n[1], n[2], byte(1 + fg.r.IntN(254))})
}

func (fg *flowGen) addr6() netip.Addr {
	b := [16]byte{0x2a, 0x02, 0xcf, 0x40}
	b[15] = byte(1 + fg.r.IntN(254))
	b[14] = byte(fg.r.IntN(4))
	return netip.AddrFrom16(b)
}

func (fg *flowGen) ephemeral() int32 { return int32(32768 + fg.r.IntN(60999-32768+1)) }

// next fills fg.recs with the records of one conversation (or one NODATA
// or SKIPDATA row).
func (fg *flowGen) next() {
	fg.recs = fg.recs[:0]
	r := fg.r
	// A conversation is about 3.5 lines: NODATA rows are 1.5% of the lines,
	// SKIPDATA 0.1%.
	if x := r.Float64(); x < 0.05 {
		f := pick(r, fg.net.all)
		rec := fg.base(f)
		rec.LogStatus = flowlog.StatusNoData
		if x < 0.0035 {
			rec.LogStatus = flowlog.StatusSkipData
		}
		rec.Start = fg.window + int64(r.IntN(240))
		rec.End = rec.Start + 60
		fg.recs = append(fg.recs, rec)
		return
	}
	v := fg.net.vpcs[search(fg.net.weights, r.Float64()*fg.net.weights[len(fg.net.weights)-1])]
	k := search(v.kinds[:], r.Float64()*v.kinds[nKinds-1])
	const tcp, icmp = 6, 1
	switch k {
	case kWeb:
		lb := fg.lb(v, true, false)
		port := lb.listeners[len(lb.listeners)-1]
		if len(lb.listeners) > 1 && r.IntN(10) == 0 {
			port = lb.listeners[0]
		}
		fg.conn(end{addr: fg.addr(internetClients)}, fg.at(pick(r, lb.nodes)), tcp, port, false, 8)
	case kLBToApp:
		var lb *flowLB
		for lb == nil || lb.target == nil || lb.network {
			lb = &v.lbs[r.IntN(len(v.lbs))]
		}
		fg.conn(fg.at(pick(r, lb.nodes)), fg.at(pick(r, lb.target.ifaces)), tcp, lb.port, false, 1)
	case kToInternalLB:
		lb := fg.lb(v, false, false)
		fg.conn(fg.at(pick(r, pick(r, v.apps).ifaces)), fg.at(pick(r, lb.nodes)), tcp, lb.listeners[0], false, 1)
	case kAppToDB:
		db := pick(r, v.dbs)
		fg.conn(fg.at(pick(r, pick(r, db.clients).ifaces)), fg.at(db.iface), tcp, db.port, false, 1)
	case kAppToApp:
		p := pick(r, v.peers8443)
		fg.conn(fg.at(pick(r, p[0].ifaces)), fg.at(pick(r, p[1].ifaces)), tcp, 8443, false, 1)
	case kNAT:
		inst := pick(r, v.private)
		nat := v.nats[0] // the NAT gateway of the instance's zone, else the first
		for _, n := range v.nats {
			if n.azID == inst.azID {
				nat = n
			}
		}
		fg.natConn(inst, nat, fg.addr(internetServers))
	case kDirect:
		fg.conn(fg.at(pick(r, v.public)), end{addr: fg.addr(internetServers)}, tcp, 443, false, 8)
	case kS3:
		fg.conn(fg.at(pick(r, pick(r, v.apps).ifaces)), end{addr: fg.addr(s3Nets), service: "S3"}, tcp, 443, false, 7)
	case kEndpoint:
		var c *flowIface
		if len(v.lambdas) > 0 && r.IntN(3) == 0 {
			c = pick(r, v.lambdas)
		} else {
			c = pick(r, pick(r, v.apps).ifaces)
		}
		fg.conn(fg.at(c), fg.at(pick(r, v.endpoints)), tcp, 443, false, 1)
	case kMonitor:
		fg.conn(fg.at(v.monitor), fg.at(pick(r, v.monitored)), tcp, 9100, false, 1)
	case kICMP:
		fg.conn(fg.at(pick(r, pick(r, v.apps).ifaces)), fg.at(pick(r, pick(r, v.icmp).ifaces)), icmp, 0, false, 1)
	case kScan:
		f := pick(r, v.public)
		port := int32(22)
		if r.IntN(3) == 0 {
			port = 3389
		}
		open := v.admin[f] == port
		fg.conn(end{addr: fg.addr(internetClients)}, fg.at(f), tcp, port, !open, 8)
	case kNLB:
		lb := fg.lb(v, true, true)
		fg.conn(end{addr: fg.addr(internetClients)}, fg.at(pick(r, lb.nodes)), tcp, lb.listeners[0], false, 8)
	case kIPv6:
		f := pick(r, v.v6)
		fg.conn(end{addr: f.v6, f: f}, end{addr: fg.addr6()}, tcp, 443, false, 8)
	}
}

func (fg *flowGen) lb(v *flowVPC, public, network bool) *flowLB {
	for {
		lb := &v.lbs[fg.r.IntN(len(v.lbs))]
		if lb.public == public && (!public || lb.network == network) {
			return lb
		}
	}
}

// end is one side of a conversation: an address, and the interface that
// logs it when it is in the account.
type end struct {
	addr    netip.Addr
	f       *flowIface
	service string // pkt-*-aws-service
}

func (fg *flowGen) at(f *flowIface) end { return end{addr: f.private, f: f} }

// base is a record logged at f, without its traffic.
func (fg *flowGen) base(f *flowIface) flowlog.Record {
	v := int8(2)
	if fg.opt.Format == FlowLogsV5 {
		v = 5
	}
	return flowlog.Record{
		Version: v, AccountID: fg.s.AccountID, InterfaceID: f.id, VPCID: f.vpc, SubnetID: f.subnet, InstanceID: f.instance,
		SrcPort: -1, DstPort: -1, Protocol: -1, Packets: -1, Bytes: -1, TCPFlags: -1, TrafficPath: -1,
		Region: fg.s.Region, AZID: f.azID,
	}
}

// flagPatterns are (client → server, server → client) tcp-flags of one
// interval of a connection.
var flagPatterns = [][2]int16{{3, 19}, {3, 19}, {3, 19}, {2, 18}, {2, 18}, {0, 0}, {1, 1}, {2, 4}}

// conn appends the records of one connection from c to s: on each side's
// interface, the record going out and the one coming in. A rejected
// connection is logged once, coming in at the server. path is the
// traffic-path of records leaving the account's side toward the other.
func (fg *flowGen) conn(c, s end, proto int16, port int32, reject bool, path int8) {
	r := fg.r
	cport := fg.ephemeral()
	if proto != 6 && proto != 17 {
		cport, port = 0, 0
	}
	flags := flagPatterns[r.IntN(len(flagPatterns))]
	if proto != 6 {
		flags = [2]int16{0, 0}
	}
	start := fg.window + int64(r.IntN(240))
	stop := start + 1 + int64(r.IntN(60))
	p1 := int64(1 + r.IntN(30))
	b1 := p1 * int64(52+r.IntN(600))
	p2 := p1 + int64(r.IntN(20))
	b2 := p2 * int64(52+r.IntN(1400))
	if reject {
		packets := 1 + int64(r.IntN(2))
		fg.add(s.f, c, s, cport, port, proto, packets, packets*int64(40+r.IntN(24)), start, stop, flowlog.ActionReject, 2, flowlog.DirectionIngress, -1)
		return
	}
	if c.f != nil {
		fg.add(c.f, c, s, cport, port, proto, p1, b1, start, stop, flowlog.ActionAccept, flags[0], flowlog.DirectionEgress, path)
		fg.add(c.f, s, c, port, cport, proto, p2, b2, start, stop, flowlog.ActionAccept, flags[1], flowlog.DirectionIngress, -1)
	}
	if s.f != nil {
		fg.add(s.f, c, s, cport, port, proto, p1, b1, start, stop, flowlog.ActionAccept, flags[0], flowlog.DirectionIngress, -1)
		fg.add(s.f, s, c, port, cport, proto, p2, b2, start, stop, flowlog.ActionAccept, flags[1], flowlog.DirectionEgress, path)
	}
}

// natConn appends the records of an instance's connection to an internet
// server through a NAT gateway, as the User Guide's NAT example shows
// them: the instance's interface sees the server; the NAT gateway's sees
// the instance's packets addressed to it (pkt-dstaddr the server) and
// its own to the server.
func (fg *flowGen) natConn(inst, nat *flowIface, server netip.Addr) {
	r := fg.r
	cport, nport := fg.ephemeral(), int32(1024+r.IntN(64000))
	flags := flagPatterns[r.IntN(len(flagPatterns))]
	start := fg.window + int64(r.IntN(240))
	stop := start + 1 + int64(r.IntN(60))
	p1 := int64(1 + r.IntN(30))
	b1 := p1 * int64(52+r.IntN(600))
	p2 := p1 + int64(r.IntN(20))
	b2 := p2 * int64(52+r.IntN(1400))
	i, n, s := fg.at(inst), fg.at(nat), endAt(server)
	acc := flowlog.ActionAccept
	fg.add(inst, i, s, cport, 443, 6, p1, b1, start, stop, acc, flags[0], flowlog.DirectionEgress, 1)
	fg.add(inst, s, i, 443, cport, 6, p2, b2, start, stop, acc, flags[1], flowlog.DirectionIngress, -1)
	fg.addPkt(nat, i, n, i, s, cport, 443, p1, b1, start, stop, flags[0], flowlog.DirectionIngress, -1)
	fg.addPkt(nat, n, s, n, s, nport, 443, p1, b1, start, stop, flags[0], flowlog.DirectionEgress, 8)
	fg.addPkt(nat, s, n, s, n, 443, nport, p2, b2, start, stop, flags[1], flowlog.DirectionIngress, -1)
	fg.addPkt(nat, n, i, s, i, 443, cport, p2, b2, start, stop, flags[1], flowlog.DirectionEgress, 1)
}

func endAt(a netip.Addr) end { return end{addr: a} }

func (fg *flowGen) add(at *flowIface, src, dst end, sport, dport int32, proto int16, packets, bytes, start, endT int64,
	action flowlog.Action, flags int16, dir flowlog.Direction, path int8) {
	rec := fg.base(at)
	rec.SrcAddr, rec.DstAddr, rec.PktSrcAddr, rec.PktDstAddr = src.addr, dst.addr, src.addr, dst.addr
	rec.SrcPort, rec.DstPort, rec.Protocol = sport, dport, proto
	rec.Packets, rec.Bytes, rec.Start, rec.End = packets, bytes, start, endT
	rec.Action, rec.TCPFlags, rec.FlowDirection, rec.TrafficPath = action, flags, dir, path
	rec.PktSrcAWSService, rec.PktDstAWSService = src.service, dst.service
	rec.Type = "IPv4"
	if src.addr.Is6() {
		rec.Type = "IPv6"
	}
	fg.recs = append(fg.recs, rec)
}

func (fg *flowGen) addPkt(at *flowIface, src, dst, pktSrc, pktDst end, sport, dport int32, packets, bytes, start, endT int64,
	flags int16, dir flowlog.Direction, path int8) {
	fg.add(at, src, dst, sport, dport, 6, packets, bytes, start, endT, flowlog.ActionAccept, flags, dir, path)
	rec := &fg.recs[len(fg.recs)-1]
	rec.PktSrcAddr, rec.PktDstAddr = pktSrc.addr, pktDst.addr
}
