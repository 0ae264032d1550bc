package reach_test

// The differential test the reachability issue demands: random networks
// (subnets, routes, network ACLs, security groups, interfaces, load
// balancers) and random packets, the engine's exposure sets against the
// naive per-packet evaluator of naive_test.go, with zero disagreements.
//
// By default it runs 200 networks × 10,000 packets (every interface of a
// network is asked about every packet), a few seconds on two cores. With
// -short it runs 50 × 2,000; -reach.full forces the full size even then.
// Other flags:
//
//	-reach.seed=N      only the network of seed N (to reproduce a failure)
//	-reach.networks=N  number of networks
//	-reach.packets=N   packets per network
//	-reach.strict      compare answers through load balancers with the
//	                   naive evaluator's strict per-node reading, which
//	                   the engine over-approximates (see viaLoadBalancer):
//	                   the run then fails
//
//	go test ./internal/reach/ -run 'TestDifferential$' -v -reach.seed=115
//
// A disagreement is shrunk (routes, entries, rules, interfaces, load
// balancers... removed while it persists) and reported with the network's
// seed, a dump of the shrunk network, the packet, the naive evaluator's
// reasons (with the sections of AWS-SEMANTICS.md that decide) and the
// engine's exposures of the interface.

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

var (
	diffFull     = flag.Bool("reach.full", false, "differential test at full size (200 networks × 10,000 packets) even with -short")
	diffSeed     = flag.Uint64("reach.seed", 0, "differential test: run only the network of this seed (0: all)")
	diffNetworks = flag.Int("reach.networks", 0, "differential test: number of networks (0: default)")
	diffPackets  = flag.Int("reach.packets", 0, "differential test: packets per network (0: default)")
	diffStrict   = flag.Bool("reach.strict", false, "differential test: compare load-balancer answers with the strict per-node reading")
)

const (
	fullNetworks = 200
	fullPackets  = 10000
	baseSeed     = 1 // network i has seed baseSeed+i
)

// genFlags turn on generator features. Both once triggered engine bugs
// (see TestDifferentialRegressions); both are fixed and always on.
type genFlags struct {
	v6Prefixes bool // ENIs with a delegated IPv6 prefix (and no other IPv6 address, sometimes)
	tcpUDP     bool // network load balancer listeners of protocol TCP_UDP
}

func TestDifferential(t *testing.T) {
	networks, packets := fullNetworks, fullPackets
	if testing.Short() && !*diffFull {
		networks, packets = 50, 2000
	}
	if *diffNetworks > 0 {
		networks = *diffNetworks
	}
	if *diffPackets > 0 {
		packets = *diffPackets
	}
	seeds := make([]uint64, networks)
	for i := range seeds {
		seeds[i] = baseSeed + uint64(i)
	}
	if *diffSeed != 0 {
		seeds = []uint64{*diffSeed}
	}
	// Both features once triggered engine bugs, now fixed; they stay on.
	flags := genFlags{v6Prefixes: true, tcpUDP: true}
	start := time.Now()
	var (
		mu       sync.Mutex
		total    diffStats
		failures []string
	)
	work := make(chan uint64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range work {
				st, fail := runNetwork(seed, packets, flags, *diffStrict)
				mu.Lock()
				total.add(st)
				if fail != "" {
					failures = append(failures, fail)
				}
				mu.Unlock()
			}
		}()
	}
	for _, s := range seeds {
		work <- s
	}
	close(work)
	wg.Wait()
	sort.Strings(failures)
	for i, f := range failures {
		if i == 3 {
			t.Errorf("... and %d more networks disagree", len(failures)-3)
			break
		}
		t.Error(f)
	}
	t.Logf("%d networks × %d packets in %v: %s", len(seeds), packets, time.Since(start).Round(time.Millisecond), total)
	// The test means nothing if almost every answer is "no".
	if len(seeds) >= 50 && packets >= 2000 && (total.direct < total.evals/200 || total.viaLB == 0) {
		t.Errorf("too few positive answers to be a test: %s", total)
	}
}

type diffStats struct {
	evals, direct, viaLB, lbStrictNarrower int
}

func (s *diffStats) add(o diffStats) {
	s.evals += o.evals
	s.direct += o.direct
	s.viaLB += o.viaLB
	s.lbStrictNarrower += o.lbStrictNarrower
}

func (s diffStats) String() string {
	return fmt.Sprintf("%d (ENI, packet) pairs, %d reachable directly, %d through a load balancer; %d of those through a load balancer fail the strict per-node reading (engine over-approximation, not compared)",
		s.evals, s.direct, s.viaLB, s.lbStrictNarrower)
}

// runNetwork generates network seed and compares engine and naive on
// packets random packets for every interface. It returns the report of the
// first disagreement, shrunk, or "". With strict, answers through load
// balancers are compared with the naive evaluator's strict reading.
func runNetwork(seed uint64, packets int, f genFlags, strict bool) (diffStats, string) {
	spec := genNetwork(seed, f)
	reg := spec.build(nil)
	eng := indexExposures(reach.InternetExposures(reg))
	nv := newNaive(reg)
	var st diffStats
	for _, p := range genPackets(seed, reg, packets) {
		for _, e := range reg.ENIs {
			st.evals++
			nd := nv.direct(e, p, nil)
			if nd != eng.reaches(e.ID, reach.ViaDirect, p) {
				return st, diffReport(spec, seed, f, question{e.ID, reach.ViaDirect, p, false})
			}
			nl := nv.viaLoadBalancer(e, p, nil)
			el := eng.reaches(e.ID, reach.ViaLoadBalancer, p)
			if nl.documented != el || (strict && nl.strict != el) {
				return st, diffReport(spec, seed, f, question{e.ID, reach.ViaLoadBalancer, p, strict})
			}
			if nd {
				st.direct++
			}
			if nl.documented {
				st.viaLB++
				if !nl.strict {
					st.lbStrictNarrower++
				}
			}
		}
	}
	return st, ""
}

// question is one comparison: does packet p reach interface eni via
// direct or load-balancer paths; strict selects the naive evaluator's
// strict reading for load balancers.
type question struct {
	eni    string
	via    reach.Via
	p      pkt
	strict bool
}

// naiveAnswer is the naive evaluator's answer to q.
func naiveAnswer(nv *naive, e *model.ENI, q question, w *why) bool {
	if q.via == reach.ViaDirect {
		return nv.direct(e, q.p, w)
	}
	v := nv.viaLoadBalancer(e, q.p, w)
	if q.strict {
		return v.strict
	}
	return v.documented
}

// diffDisagrees builds spec without the skipped parts and reports whether
// engine and naive still disagree on q.
func diffDisagrees(spec *netSpec, skip map[string]bool, q question) bool {
	reg := spec.build(skip)
	e := reg.ENI(q.eni)
	if e == nil {
		return false
	}
	eng := indexExposures(reach.InternetExposures(reg))
	return naiveAnswer(newNaive(reg), e, q, nil) != eng.reaches(q.eni, q.via, q.p)
}

// diffShrink removes parts of the network while the disagreement persists.
func diffShrink(spec *netSpec, q question) map[string]bool {
	skip := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, k := range spec.parts() {
			if skip[k] {
				continue
			}
			skip[k] = true
			if diffDisagrees(spec, skip, q) {
				changed = true
			} else {
				delete(skip, k)
			}
		}
	}
	return skip
}

// diffReport describes a disagreement: what each side says, why the naive
// evaluator says it (with the sections of AWS-SEMANTICS.md that decide),
// the engine's exposures of the interface, and the shrunk network.
func diffReport(spec *netSpec, seed uint64, f genFlags, q question) string {
	skip := diffShrink(spec, q)
	reg := spec.build(skip)
	xs := reach.InternetExposures(reg)
	var w why
	naiveSays := naiveAnswer(newNaive(reg), reg.ENI(q.eni), q, &w)
	var b strings.Builder
	repro := fmt.Sprintf("-reach.seed=%d", seed)
	if q.strict {
		repro += " -reach.strict"
	}
	fmt.Fprintf(&b, "DISAGREEMENT (seed %d; reproduce with -run 'TestDifferential$' %s)\n", seed, repro)
	fmt.Fprintf(&b, "packet: %s to %s (via %s)\n", q.p, q.eni, q.via)
	fmt.Fprintf(&b, "naive: reachable=%v because:\n", naiveSays)
	for _, s := range w {
		fmt.Fprintf(&b, "    %s\n", s)
	}
	fmt.Fprintf(&b, "engine: reachable=%v; its exposures of %s:\n", indexExposures(xs).reaches(q.eni, q.via, q.p), q.eni)
	for _, x := range xs {
		if x.ENI != nil && x.ENI.ID == q.eni {
			fmt.Fprintf(&b, "    %s %s except %v ports %s from %v\n", x.Via, x.Protocol, x.Except, x.Ports, x.Sources)
			for _, h := range x.Path {
				fmt.Fprintf(&b, "        %s\n", h)
			}
		}
	}
	fmt.Fprintf(&b, "shrunk network (%d parts removed):\n%s", len(skip), dumpRegion(reg))
	return b.String()
}

// ---- the engine's answer ----

type engineExposure struct {
	proto  model.Protocol
	except []model.Protocol
	ports  model.PortRange
	srcs   *netipx.IPSet
}

type engineIndex map[string][]engineExposure // key: ENI ID + "\x00" + via

func indexExposures(xs []reach.Exposure) engineIndex {
	idx := engineIndex{}
	for _, x := range xs {
		if x.ENI == nil {
			continue
		}
		var b netipx.IPSetBuilder
		for _, p := range x.Sources {
			b.AddPrefix(p)
		}
		s, _ := b.IPSet()
		k := x.ENI.ID + "\x00" + string(x.Via)
		idx[k] = append(idx[k], engineExposure{x.Protocol, x.Except, x.Ports, s})
	}
	return idx
}

// reaches is exposure_test.go's reaches helper on the index: some exposure
// of the interface, arriving via, admits the packet.
func (idx engineIndex) reaches(eni string, via reach.Via, p pkt) bool {
	for _, x := range idx[eni+"\x00"+string(via)] {
		if x.proto != model.ProtocolAll && x.proto != p.proto {
			continue
		}
		if x.proto == model.ProtocolAll && slices.Contains(x.except, p.proto) {
			continue
		}
		if !x.ports.Contains(p.port) {
			continue
		}
		if x.srcs.Contains(p.src) {
			return true
		}
	}
	return false
}

// ---- random networks ----

// netSpec is a generated network as plain data; build turns it into a
// linked region, leaving out the parts shrink removed.
type netSpec struct {
	vpcCIDRs    []string // IPv4 primary first
	igwAttached bool
	subnets     []subnetSpec
	pls         []plSpec
	rts         []rtSpec
	acls        []aclSpec
	sgs         []sgSpec
	enis        []eniSpec
	lbs         []lbSpec
	tgs         []tgSpec
}

type subnetSpec struct {
	id, cidr, v6 string // v6 "" when none
	rt           string // explicit route table, "" for the main one
	acl          string
}

type plSpec struct {
	id      string
	entries []string
	known   bool
}

type rtSpec struct {
	id     string
	main   bool
	routes []routeSpec
}

type routeSpec struct {
	dest, target string
	blackhole    bool
}

type aclSpec struct {
	id      string
	entries []model.NACLEntry
}

type sgSpec struct {
	id    string
	rules []model.Rule
}

type eniSpec struct {
	id, subnet string
	groups     []string
	kind       string // "interface", "instance", "nat_gateway", "lambda", "vpc_endpoint", "lb"
	lb         int    // for kind "lb": index into lbs
	private    string
	public     string // "" for none
	ipv6       string // "" for none
	v6prefix   string // "" for none
}

type lbSpec struct {
	name, typ, scheme string // typ: app, net, classic
	subnets           []string
	groups            []string
	listenersKnown    bool
	listeners         []listenerSpec
	instances         []string // classic
}

type listenerSpec struct {
	proto        string
	port         int
	tgs          []string
	instancePort int
}

type tgSpec struct {
	name, proto, targetType string
	port                    int
	targets                 []targetSpec
	preserve                string // "", "true", "false"
}

type targetSpec struct {
	id   string
	port int
}

const (
	diffAccount = "111122223333"
	diffRegion  = "ap-northeast-1"
)

// pools from which prefixes are drawn: bases that nest and overlap at
// random lengths, public and private, inside and outside the VPC.
var (
	v4Bases = []string{"203.0.113.77", "198.51.100.200", "52.95.245.1", "54.250.3.10", "8.8.8.8", "10.0.1.5", "100.64.3.3", "172.31.5.5", "198.19.7.7", "52.95.0.9"}
	v6Bases = []string{"2001:db8:1234:5678::9", "2600:1f18:abcd:ee01::5", "2a05:d000::1", "fd12:3456::1", "2406:da14:100::1", "2001:db8:1234:9999::1"}
	v6Bits  = []int{16, 24, 32, 40, 48, 56, 60, 64, 80, 96, 127, 128}

	poolPorts = [][2]int{{22, 22}, {80, 80}, {443, 443}, {0, 1023}, {1024, 65535}, {32768, 60999}, {49152, 65535},
		{0, 65535}, {1000, 2000}, {80, 443}, {1023, 1024}, {53, 53}, {8080, 8080}, {3389, 3389}, {65535, 65535}, {0, 0}, {1024, 1024}}
	poolICMP    = [][2]int{{-1, -1}, {8, -1}, {0, -1}, {3, 4}, {8, 0}, {11, 0}, {3, -1}, {255, 255}}
	poolLBPorts = []int{80, 443, 22, 8080, 53, 3389, 25}
	poolTGPorts = []int{80, 8080, 443, 22, 3306, 53}
)

type rnd struct{ r *rand.Rand }

func (g rnd) p(prob float64) bool    { return g.r.Float64() < prob }
func (g rnd) n(k int) int            { return g.r.IntN(k) }
func pickOne[T any](g rnd, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g rnd) v4Prefix() string {
	if g.p(0.1) {
		return netip.PrefixFrom(netip.MustParseAddr(pickOne(g, v4Bases)), 32).String()
	}
	p, _ := netip.MustParseAddr(pickOne(g, v4Bases)).Prefix(8 + g.n(21))
	return p.String()
}

func (g rnd) v6Prefix() string {
	p, _ := netip.MustParseAddr(pickOne(g, v6Bases)).Prefix(pickOne(g, v6Bits))
	return p.String()
}

// cidr draws a rule or entry CIDR: often everything, else from the pools.
func (g rnd) cidr() string {
	switch x := g.r.Float64(); {
	case x < 0.3:
		return "0.0.0.0/0"
	case x < 0.42:
		return "::/0"
	case x < 0.48:
		return pickOne(g, []string{"10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.1.192/26", "10.0.2.200/29"})
	case x < 0.87:
		return g.v4Prefix()
	}
	return g.v6Prefix()
}

func (g rnd) protocol() model.Protocol {
	switch x := g.r.Float64(); {
	case x < 0.22:
		return model.ProtocolAll
	case x < 0.52:
		return model.ProtocolTCP
	case x < 0.67:
		return model.ProtocolUDP
	case x < 0.80:
		return model.ProtocolICMP
	case x < 0.88:
		return 50
	}
	return model.ProtocolICMPv6
}

// selector draws ports or ICMP type/code for protocol p.
func (g rnd) selector(p model.Protocol) (model.PortRange, model.ICMPMatch) {
	ports, icmp := model.AllPorts, model.ICMPMatch{Type: -1, Code: -1}
	switch {
	case p.HasPorts():
		if g.p(0.15) {
			a, b := g.n(65536), g.n(65536)
			ports = model.PortRange{From: uint16(min(a, b)), To: uint16(max(a, b))}
		} else {
			pr := pickOne(g, poolPorts)
			ports = model.PortRange{From: uint16(pr[0]), To: uint16(pr[1])}
		}
	case p.IsICMP():
		ic := pickOne(g, poolICMP)
		icmp = model.ICMPMatch{Type: int16(ic[0]), Code: int16(ic[1])}
	}
	return ports, icmp
}

func naivePrivateContains(a netip.Addr) bool {
	return slices.ContainsFunc(naivePrivate, func(p netip.Prefix) bool { return p.Contains(a) })
}

func genNetwork(seed uint64, f genFlags) *netSpec {
	g := rnd{rand.New(rand.NewPCG(seed, 0xd1ff))}
	s := &netSpec{vpcCIDRs: []string{"10.0.0.0/16"}, igwAttached: g.p(0.8)}
	if g.p(0.3) {
		s.vpcCIDRs = append(s.vpcCIDRs, pickOne(g, []string{"198.19.0.0/16", "100.64.0.0/16", "203.0.113.0/24", "52.95.0.0/16"}))
	}
	hasV6 := g.p(0.6)
	if hasV6 {
		s.vpcCIDRs = append(s.vpcCIDRs, "2600:1f18:abcd:ee00::/56")
	}

	// Prefix lists: known IPv4 and IPv6 lists, sometimes one whose entries
	// were not collected (used by security groups only).
	for i, v6 := range []bool{false, false, true} {
		pl := plSpec{id: fmt.Sprintf("pl-%d", i+1), known: true}
		for range 1 + g.n(3) {
			if v6 {
				pl.entries = append(pl.entries, g.v6Prefix())
			} else {
				pl.entries = append(pl.entries, g.v4Prefix())
			}
		}
		s.pls = append(s.pls, pl)
	}
	if g.p(0.3) {
		s.pls = append(s.pls, plSpec{id: "pl-unknown"})
	}

	// Route tables: the main one and up to two others.
	nrt := 1 + g.n(3)
	for i := range nrt {
		rt := rtSpec{id: fmt.Sprintf("rtb-%d", i+1), main: i == 0}
		seen := map[string]bool{}
		for _, c := range s.vpcCIDRs {
			seen[netip.MustParsePrefix(c).String()] = true // the local routes
		}
		plUsed := false
		// Most networks have a public table: defaults to the gateway.
		if g.p(0.7) {
			rt.routes = append(rt.routes, routeSpec{dest: "0.0.0.0/0", target: "igw-1"})
			seen["0.0.0.0/0"] = true
		}
		if g.p(0.6) {
			rt.routes = append(rt.routes, routeSpec{dest: "::/0", target: pickOne(g, []string{"igw-1", "igw-1", "eigw-1"})})
			seen["::/0"] = true
		}
		for range g.n(7) {
			var dest string
			switch x := g.r.Float64(); {
			case x < 0.25:
				dest = "0.0.0.0/0"
			case x < 0.40:
				dest = "::/0"
			case x < 0.72:
				dest = g.v4Prefix()
			case x < 0.85:
				dest = g.v6Prefix()
			default:
				if plUsed { // one prefix-list route per table: two could tie
					continue
				}
				plUsed = true
				dest = pickOne(g, []string{"pl-1", "pl-2", "pl-3"})
			}
			if seen[dest] {
				continue // AWS refuses a second route to one destination
			}
			// A prefix-list route often has a CIDR route of equal length
			// beside it: the CIDR route must win (§4).
			if pi := slices.IndexFunc(s.pls, func(p plSpec) bool { return p.id == dest }); pi >= 0 && g.p(0.5) {
				if c := pickOne(g, s.pls[pi].entries); !seen[c] {
					seen[c] = true
					rt.routes = append(rt.routes, routeSpec{dest: c, target: pickOne(g, []string{"igw-1", "nat-1", "pcx-1"})})
				}
			}
			seen[dest] = true
			rs := routeSpec{dest: dest}
			switch x := g.r.Float64(); {
			case x < 0.45:
				rs.target = "igw-1"
			case x < 0.50:
				rs.target = "igw-2" // attached to another VPC
			case x < 0.65:
				rs.target = "nat-1"
			case x < 0.75:
				rs.target = "pcx-1"
			case x < 0.85:
				rs.target = "eigw-1"
			case x < 0.90:
				rs.target = "tgw-1"
			default:
				rs.target = "vgw-1"
			}
			rs.blackhole = g.p(0.1)
			rt.routes = append(rt.routes, rs)
		}
		// A route into a public secondary VPC block, so that the VPC's own
		// addresses are excluded from the internet by §5 and not only by
		// the local route.
		p := netip.MustParsePrefix(s.vpcCIDRs[0])
		if len(s.vpcCIDRs) > 1 {
			p = netip.MustParsePrefix(s.vpcCIDRs[1])
		}
		if p.Addr().Is4() && !naivePrivateContains(p.Addr()) && g.p(0.5) {
			sub := netip.PrefixFrom(p.Addr(), p.Bits()+1+g.n(4)).String()
			if !seen[sub] {
				seen[sub] = true
				rt.routes = append(rt.routes, routeSpec{dest: sub, target: "igw-1"})
			}
		}
		s.rts = append(s.rts, rt)
	}

	// Network ACLs: random entries both ways, then the final denies.
	nacl := 1 + g.n(2)
	for i := range nacl {
		a := aclSpec{id: fmt.Sprintf("acl-%d", i+1)}
		for _, egress := range []bool{false, true} {
			used := map[int]bool{32767: true}
			// Usually an allow-all entry that random entries may precede.
			for _, c := range []string{"0.0.0.0/0", "::/0"} {
				if g.p(0.7) {
					num := 100 + g.n(101)
					for used[num] {
						num++
					}
					used[num] = true
					a.entries = append(a.entries, model.NACLEntry{RuleNumber: num, Egress: egress, Allow: true, Protocol: model.ProtocolAll,
						Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}, CIDR: netip.MustParsePrefix(c)})
				}
			}
			// Sometimes a narrow allow with a deny right after it, before
			// everything else: only part of a protocol's ports pass (the
			// ephemeral-port boundaries of §3 for egress).
			if g.p(0.2) {
				p := pickOne(g, []model.Protocol{model.ProtocolTCP, model.ProtocolUDP})
				ports, _ := g.selector(p)
				c := netip.MustParsePrefix(pickOne(g, []string{"0.0.0.0/0", "::/0", g.v4Prefix()}))
				num := 1 + g.n(50)
				used[num], used[num+1] = true, true
				a.entries = append(a.entries,
					model.NACLEntry{RuleNumber: num, Egress: egress, Allow: true, Protocol: p, Ports: ports, ICMP: model.ICMPMatch{Type: -1, Code: -1}, CIDR: c},
					model.NACLEntry{RuleNumber: num + 1, Egress: egress, Protocol: p, Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}, CIDR: c})
			}
			for range g.n(8) {
				num := 1 + g.n(300)
				if used[num] {
					continue
				}
				used[num] = true
				p := g.protocol()
				ports, icmp := g.selector(p)
				a.entries = append(a.entries, model.NACLEntry{RuleNumber: num, Egress: egress, Allow: g.p(0.65), Protocol: p,
					Ports: ports, ICMP: icmp, CIDR: netip.MustParsePrefix(g.cidr())})
			}
			for _, c := range []string{"0.0.0.0/0", "::/0"} {
				a.entries = append(a.entries, model.NACLEntry{RuleNumber: 32767, Egress: egress, Protocol: model.ProtocolAll,
					Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}, CIDR: netip.MustParsePrefix(c)})
			}
		}
		s.acls = append(s.acls, a)
	}

	// Subnets.
	for i := range 1 + g.n(3) {
		sn := subnetSpec{id: fmt.Sprintf("subnet-%d", i+1), cidr: fmt.Sprintf("10.0.%d.0/24", i+1), acl: pickOne(g, s.acls).id}
		if hasV6 {
			sn.v6 = fmt.Sprintf("2600:1f18:abcd:ee0%d::/64", i+1)
		}
		if g.p(0.5) {
			sn.rt = pickOne(g, s.rts).id
		}
		s.subnets = append(s.subnets, sn)
	}

	// Security groups.
	nsg := 1 + g.n(4)
	for i := range nsg {
		sg := sgSpec{id: fmt.Sprintf("sg-%d", i+1)}
		for range g.n(6) {
			p := g.protocol()
			ports, icmp := g.selector(p)
			r := model.Rule{Protocol: p, Ports: ports, ICMP: icmp}
			switch x := g.r.Float64(); {
			case x < 0.7:
				r.Peer = model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix(g.cidr())}
			case x < 0.85:
				r.Peer = model.Peer{Kind: model.PeerPrefixList, PrefixListID: pickOne(g, s.pls).id}
			default:
				r.Peer = model.Peer{Kind: model.PeerGroup, GroupID: fmt.Sprintf("sg-%d", 1+g.n(nsg))}
			}
			sg.rules = append(sg.rules, r)
		}
		s.sgs = append(s.sgs, sg)
	}
	groups := func() []string {
		var out []string
		for range 1 + g.n(3) {
			id := pickOne(g, s.sgs).id
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}

	// Interfaces.
	var instances []string
	for i := range 1 + g.n(6) {
		sn := pickOne(g, s.subnets)
		si := slices.IndexFunc(s.subnets, func(x subnetSpec) bool { return x.id == sn.id }) + 1
		e := eniSpec{id: fmt.Sprintf("eni-%d", i+1), subnet: sn.id, groups: groups(), kind: "interface",
			private: fmt.Sprintf("10.0.%d.%d", si, 10+i)}
		switch x := g.r.Float64(); {
		case x < 0.45:
			e.kind = "instance"
			e.id = fmt.Sprintf("i-%d", i+1)
			instances = append(instances, e.id)
		case x < 0.5:
			e.kind = "nat_gateway"
		case x < 0.55:
			e.kind = "lambda"
		case x < 0.6:
			e.kind = "vpc_endpoint"
		}
		if g.p(0.6) {
			e.public = fmt.Sprintf("54.250.0.%d", 10+i)
		}
		if sn.v6 != "" && g.p(0.5) {
			e.ipv6 = fmt.Sprintf("2600:1f18:abcd:ee0%d::%x", si, 0x10+i)
		}
		if f.v6Prefixes && sn.v6 != "" && g.p(0.2) {
			e.v6prefix = fmt.Sprintf("2600:1f18:abcd:ee0%d:%x::/80", si, 0x1000+i)
		}
		s.enis = append(s.enis, e)
	}

	// Load balancers.
	nlb := 0
	switch x := g.r.Float64(); {
	case x < 0.35:
		nlb = 1
	case x < 0.5:
		nlb = 2
	}
	for k := range nlb {
		lb := lbSpec{name: fmt.Sprintf("lb%d", k+1), typ: pickOne(g, []string{"app", "app", "net", "net", "classic"}),
			scheme: "internet-facing", listenersKnown: g.p(0.9)}
		if g.p(0.2) {
			lb.scheme = "internal"
		}
		for _, sn := range s.subnets {
			if len(lb.subnets) == 0 || g.p(0.5) {
				lb.subnets = append(lb.subnets, sn.id)
			}
		}
		if lb.typ != "net" || g.p(0.5) {
			lb.groups = groups()
		}
		var lprotos []string
		switch lb.typ {
		case "app":
			lprotos = []string{"HTTP", "HTTPS"}
		case "net":
			lprotos = []string{"TCP", "TLS", "UDP"}
			if f.tcpUDP {
				lprotos = append(lprotos, "TCP_UDP", "TCP_UDP")
			}
		default:
			lprotos = []string{"HTTP", "TCP"}
		}
		var lbTGs []string
		usedPorts := map[int]bool{}
		for j := range 1 + g.n(3) {
			if !lb.listenersKnown {
				break
			}
			l := listenerSpec{proto: pickOne(g, lprotos), port: pickOne(g, poolLBPorts)}
			if usedPorts[l.port] {
				continue
			}
			usedPorts[l.port] = true
			if lb.typ == "classic" {
				l.instancePort = pickOne(g, poolTGPorts)
				lb.listeners = append(lb.listeners, l)
				continue
			}
			if len(lbTGs) > 0 && g.p(0.2) {
				l.tgs = append(l.tgs, pickOne(g, lbTGs)) // share a group with another listener
			} else if g.p(0.9) {
				tg := tgSpec{name: fmt.Sprintf("tg-%d-%d", k+1, j+1), port: pickOne(g, poolTGPorts), proto: l.proto}
				switch {
				case lb.typ == "app":
					tg.proto = "HTTP"
				case l.proto == "TLS" && g.p(0.5):
					tg.proto = "TCP"
				}
				switch x := g.r.Float64(); {
				case x < 0.5:
					tg.targetType = "instance"
				case x < 0.9:
					tg.targetType = "ip"
				default:
					tg.targetType = "lambda"
				}
				if lb.typ == "net" {
					tg.preserve = pickOne(g, []string{"", "", "true", "false"})
				}
				for range g.n(4) {
					ts := targetSpec{}
					if g.p(0.4) {
						ts.port = pickOne(g, poolTGPorts)
					}
					switch tg.targetType {
					case "instance":
						if len(instances) == 0 {
							continue
						}
						ts.id = pickOne(g, instances)
					case "ip":
						ts.id = pickOne(g, s.enis).private
					default:
						ts.id = "arn:aws:lambda:" + diffRegion + ":" + diffAccount + ":function:f"
					}
					tg.targets = append(tg.targets, ts)
					// Often the target's first group admits the load
					// balancer (or, for client IP preservation, clients).
					ei := slices.IndexFunc(s.enis, func(e eniSpec) bool { return e.id == ts.id || e.private == ts.id })
					if ei < 0 || len(s.enis[ei].groups) == 0 || !g.p(0.6) {
						continue
					}
					port := ts.port
					if port == 0 {
						port = tg.port
					}
					r := model.Rule{Protocol: pickOne(g, []model.Protocol{model.ProtocolTCP, model.ProtocolUDP, model.ProtocolAll}),
						Ports: model.Port(uint16(port)), ICMP: model.ICMPMatch{Type: -1, Code: -1}}
					if r.Protocol == model.ProtocolAll {
						r.Ports = model.AllPorts
					}
					switch x := g.r.Float64(); {
					case x < 0.35 && len(lb.groups) > 0:
						r.Peer = model.Peer{Kind: model.PeerGroup, GroupID: pickOne(g, lb.groups)}
					case x < 0.7:
						r.Peer = model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix(pickOne(g, []string{"10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}))}
					default:
						r.Peer = model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix(g.cidr())}
					}
					gi := slices.IndexFunc(s.sgs, func(x sgSpec) bool { return x.id == s.enis[ei].groups[0] })
					s.sgs[gi].rules = append(s.sgs[gi].rules, r)
				}
				s.tgs = append(s.tgs, tg)
				lbTGs = append(lbTGs, tg.name)
				l.tgs = append(l.tgs, tg.name)
			}
			lb.listeners = append(lb.listeners, l)
		}
		// Usually the load balancer's first group opens its listeners.
		if len(lb.groups) > 0 {
			gi := slices.IndexFunc(s.sgs, func(x sgSpec) bool { return x.id == lb.groups[0] })
			for _, l := range lb.listeners {
				if g.p(0.6) {
					p := model.ProtocolTCP
					if l.proto == "UDP" || (l.proto == "TCP_UDP" && g.p(0.5)) {
						p = model.ProtocolUDP
					}
					s.sgs[gi].rules = append(s.sgs[gi].rules, model.Rule{Protocol: p, Ports: model.Port(uint16(l.port)),
						ICMP: model.ICMPMatch{Type: -1, Code: -1}, Peer: model.Peer{Kind: model.PeerCIDR, CIDR: netip.MustParsePrefix(g.cidr())}})
				}
			}
		}
		if lb.typ == "classic" {
			for range g.n(3) {
				if len(instances) > 0 {
					lb.instances = append(lb.instances, pickOne(g, instances))
				}
			}
		}
		s.lbs = append(s.lbs, lb)
		// One interface per subnet.
		for j, sid := range lb.subnets {
			si := slices.IndexFunc(s.subnets, func(x subnetSpec) bool { return x.id == sid }) + 1
			e := eniSpec{id: fmt.Sprintf("eni-lb%d-%d", k+1, j+1), subnet: sid, groups: lb.groups, kind: "lb", lb: k,
				private: fmt.Sprintf("10.0.%d.%d", si, 200+10*k+j)}
			if lb.scheme == "internet-facing" {
				if g.p(0.95) {
					e.public = fmt.Sprintf("54.250.1.%d", 10*k+j)
				}
				if s.subnets[si-1].v6 != "" && g.p(0.3) {
					e.ipv6 = fmt.Sprintf("2600:1f18:abcd:ee0%d::%x", si, 0x200+10*k+j)
				}
			}
			s.enis = append(s.enis, e)
		}
	}
	return s
}

// parts names every part shrink may remove.
func (s *netSpec) parts() []string {
	var out []string
	for i := range s.lbs {
		out = append(out, fmt.Sprintf("lb %d", i))
	}
	for i, e := range s.enis {
		if e.kind != "lb" {
			out = append(out, fmt.Sprintf("eni %d", i))
		}
	}
	for _, rt := range s.rts {
		for i := range rt.routes {
			out = append(out, fmt.Sprintf("route %s %d", rt.id, i))
		}
	}
	for _, a := range s.acls {
		for i := range a.entries {
			out = append(out, fmt.Sprintf("entry %s %d", a.id, i))
		}
	}
	for _, sg := range s.sgs {
		for i := range sg.rules {
			out = append(out, fmt.Sprintf("rule %s %d", sg.id, i))
		}
	}
	for i, lb := range s.lbs {
		for j := range lb.listeners {
			out = append(out, fmt.Sprintf("listener %d %d", i, j))
		}
	}
	for _, tg := range s.tgs {
		for i := range tg.targets {
			out = append(out, fmt.Sprintf("target %s %d", tg.name, i))
		}
	}
	for _, pl := range s.pls {
		for i := range pl.entries {
			out = append(out, fmt.Sprintf("plentry %s %d", pl.id, i))
		}
	}
	for i := range s.enis {
		out = append(out, fmt.Sprintf("public %d", i), fmt.Sprintf("ipv6 %d", i), fmt.Sprintf("v6prefix %d", i))
	}
	return out
}

// build makes the linked region, without the parts in skip.
func (s *netSpec) build(skip map[string]bool) *model.Region {
	sk := func(format string, args ...any) bool { return skip[fmt.Sprintf(format, args...)] }
	b := mt.New(diffAccount, diffRegion)
	v := b.VPC("vpc-1", s.vpcCIDRs[0])
	for _, c := range s.vpcCIDRs[1:] {
		v.CIDRs = append(v.CIDRs, netip.MustParsePrefix(c))
	}
	for _, sn := range s.subnets {
		x := b.Subnet(sn.id, "vpc-1", sn.cidr)
		if sn.v6 != "" {
			x.IPv6CIDRs = []netip.Prefix{netip.MustParsePrefix(sn.v6)}
		}
	}
	if s.igwAttached {
		b.InternetGateway("igw-1", "vpc-1")
	} else {
		b.InternetGateway("igw-1")
	}
	b.InternetGateway("igw-2", "vpc-other")
	for _, pl := range s.pls {
		if !pl.known {
			b.PrefixListWithoutEntries(pl.id, diffAccount)
			continue
		}
		var es []string
		for i, e := range pl.entries {
			if !sk("plentry %s %d", pl.id, i) {
				es = append(es, e)
			}
		}
		x := b.PrefixList(pl.id, diffAccount, es...)
		if len(es) > 0 && netip.MustParsePrefix(es[0]).Addr().Is6() {
			x.AddressFamily = "IPv6"
		}
	}
	for _, rs := range s.rts {
		rt := b.RouteTable(rs.id, "vpc-1")
		if rs.main {
			rt.Main()
		}
		for _, sn := range s.subnets {
			if sn.rt == rs.id {
				rt.Associate(sn.id)
			}
		}
		for i, r := range rs.routes {
			switch {
			case sk("route %s %d", rs.id, i):
			case r.blackhole:
				rt.Blackhole(r.dest, r.target)
			default:
				rt.Route(r.dest, r.target)
			}
		}
	}
	for _, a := range s.acls {
		var subnets []string
		for _, sn := range s.subnets {
			if sn.acl == a.id {
				subnets = append(subnets, sn.id)
			}
		}
		var es []model.NACLEntry
		for i, e := range a.entries {
			if !sk("entry %s %d", a.id, i) {
				es = append(es, e)
			}
		}
		b.NetworkACL(a.id, "vpc-1", subnets, es...)
	}
	for _, sg := range s.sgs {
		var rules []model.Rule
		for i, r := range sg.rules {
			if !sk("rule %s %d", sg.id, i) {
				rules = append(rules, r)
			}
		}
		b.SecurityGroup(sg.id, "vpc-1", rules...)
	}
	for i, es := range s.enis {
		if sk("eni %d", i) || (es.kind == "lb" && sk("lb %d", es.lb)) {
			continue
		}
		var e *model.ENI
		switch es.kind {
		case "instance":
			e = b.Instance(es.id, es.subnet, es.groups...).ENIs[0]
		default:
			e = b.ENI(es.id, es.subnet, es.groups...)
			if es.kind != "interface" && es.kind != "lb" {
				e.InterfaceType = es.kind
			}
		}
		e.Addresses = []model.AddressPair{{Private: netip.MustParseAddr(es.private)}}
		if es.public != "" && !sk("public %d", i) {
			e.Addresses[0].Public = netip.MustParseAddr(es.public)
		}
		if es.ipv6 != "" && !sk("ipv6 %d", i) {
			e.IPv6 = []netip.Addr{netip.MustParseAddr(es.ipv6)}
		}
		if es.v6prefix != "" && !sk("v6prefix %d", i) {
			e.Prefixes = []netip.Prefix{netip.MustParsePrefix(es.v6prefix)}
		}
		if es.kind == "lb" {
			lb := s.lbs[es.lb]
			switch lb.typ {
			case "app":
				e.Description = "ELB app/" + lb.name + "/0123456789abcdef"
			case "net":
				e.Description = "ELB net/" + lb.name + "/0123456789abcdef"
				e.InterfaceType = "network_load_balancer"
			default:
				e.Description = "ELB " + lb.name
			}
			e.RequesterID, e.RequesterManaged = "amazon-elb", true
		}
	}
	tgARN := func(name string) string {
		return "arn:aws:elasticloadbalancing:" + diffRegion + ":" + diffAccount + ":targetgroup/" + name + "/0123456789abcdef"
	}
	reg := b.Region()
	if len(s.lbs) > 0 {
		b.Collected(model.CallLoadBalancersV2, model.CallListeners, model.CallTargetGroups, model.CallTargetHealth,
			model.CallTargetGroupAttributes, model.CallClassicLoadBalancers)
	}
	for _, ts := range s.tgs {
		tg := &model.TargetGroup{ARN: tgARN(ts.name), Name: ts.name, Protocol: ts.proto, Port: ts.port, TargetType: ts.targetType, VPCID: "vpc-1", TargetsKnown: true}
		if ts.preserve != "" {
			tg.Attributes = map[string]string{"preserve_client_ip.enabled": ts.preserve}
		}
		for i, t := range ts.targets {
			if !sk("target %s %d", ts.name, i) {
				tg.Targets = append(tg.Targets, model.Target{ID: t.id, Port: t.port, Health: "healthy"})
			}
		}
		reg.TargetGroups = append(reg.TargetGroups, tg)
	}
	for i, ls := range s.lbs {
		if sk("lb %d", i) {
			continue
		}
		info := &model.LoadBalancer{Name: ls.name, Scheme: ls.scheme, IPAddressType: "ipv4", VPCID: "vpc-1",
			SubnetIDs: ls.subnets, SecurityGroupIDs: ls.groups, ListenersKnown: ls.listenersKnown}
		res := &model.Resource{Kind: model.KindLoadBalancer, ID: ls.name, Name: ls.name, VPCID: "vpc-1",
			SubnetIDs: ls.subnets, SecurityGroupIDs: ls.groups, LoadBalancer: info}
		switch ls.typ {
		case "app", "net":
			info.Type = model.LBApplication
			if ls.typ == "net" {
				info.Type = model.LBNetwork
			}
			info.ARN = "arn:aws:elasticloadbalancing:" + diffRegion + ":" + diffAccount + ":loadbalancer/" + ls.typ + "/" + ls.name + "/0123456789abcdef"
			res.ARN = info.ARN
		default:
			info.Type = model.LBClassic
			info.InstanceIDs = ls.instances
		}
		for j, l := range ls.listeners {
			if sk("listener %d %d", i, j) {
				continue
			}
			ml := model.Listener{Protocol: l.proto, Port: l.port, InstancePort: l.instancePort, InstanceProtocol: l.proto}
			for _, tg := range l.tgs {
				ml.TargetGroupARNs = append(ml.TargetGroupARNs, tgARN(tg))
			}
			info.Listeners = append(info.Listeners, ml)
		}
		reg.Resources = append(reg.Resources, res)
	}
	return b.Link()
}

// dumpRegion prints everything the verdicts depend on.
func dumpRegion(reg *model.Region) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	for _, v := range reg.VPCs {
		w("  vpc %s %v", v.ID, v.CIDRs)
	}
	for _, g := range reg.InternetGateways {
		w("  internet gateway %s attached to %v", g.ID, g.Attached)
	}
	for _, pl := range reg.PrefixLists {
		w("  prefix list %s entries %v (known %v)", pl.ID, pl.Entries, pl.EntriesKnown)
	}
	for _, s := range reg.Subnets {
		rt, acl := "-", "-"
		if s.RouteTable != nil {
			rt = s.RouteTable.ID
		}
		if s.NetworkACL != nil {
			acl = s.NetworkACL.ID
		}
		w("  subnet %s %s %v route table %s acl %s", s.ID, s.CIDR, s.IPv6CIDRs, rt, acl)
	}
	for _, rt := range reg.RouteTables {
		w("  route table %s main=%v subnets %v", rt.ID, rt.Main, rt.SubnetIDs)
		for _, r := range rt.Routes {
			bh := ""
			if r.Blackhole {
				bh = " (blackhole)"
			}
			w("    %s -> %s%s", r.DestinationString(), r.TargetID, bh)
		}
	}
	for _, a := range reg.NetworkACLs {
		w("  network acl %s subnets %v", a.ID, a.SubnetIDs)
		for _, e := range a.Entries {
			action := "deny"
			if e.Allow {
				action = "allow"
			}
			r := model.Rule{Protocol: e.Protocol, Ports: e.Ports, ICMP: e.ICMP}
			w("    %s %5d %s %s %s", dirWord(e.Egress), e.RuleNumber, action, r.PortsString(), e.CIDR)
		}
	}
	for _, g := range reg.SecurityGroups {
		w("  security group %s", g.ID)
		for _, r := range g.Ingress {
			w("    %s", r)
		}
	}
	for _, e := range reg.ENIs {
		w("  eni %s subnet %s type %q desc %q addresses %v ipv6 %v prefixes %v groups %v owner %s",
			e.ID, e.SubnetID, e.InterfaceType, e.Description, e.Addresses, e.IPv6, e.Prefixes, e.SecurityGroupIDs, e.Owner.Kind)
	}
	for _, res := range reg.Resources {
		if res.Kind != model.KindLoadBalancer {
			continue
		}
		lb := res.LoadBalancer
		var enis []string
		for _, e := range res.ENIs {
			enis = append(enis, e.ID)
		}
		w("  load balancer %s %s %s subnets %v groups %v interfaces %v listeners known %v instances %v",
			res.ID, lb.Type, lb.Scheme, lb.SubnetIDs, lb.SecurityGroupIDs, enis, lb.ListenersKnown, lb.InstanceIDs)
		for _, l := range lb.Listeners {
			w("    listener %s:%d instance port %d -> %v", l.Protocol, l.Port, l.InstancePort, l.TargetGroupARNs)
		}
	}
	for _, tg := range reg.TargetGroups {
		w("  target group %s %s:%d type %s attributes %v targets %v", tg.Name, tg.Protocol, tg.Port, tg.TargetType, tg.Attributes, tg.Targets)
	}
	return b.String()
}

// ---- random packets ----

// genPackets draws packets biased towards the network's boundaries: the
// first and last address of every prefix it names and their neighbours,
// addresses inside them, public and private addresses elsewhere; the ends
// of every port range and their neighbours, and the usual ports.
func genPackets(seed uint64, reg *model.Region, count int) []pkt {
	g := rnd{rand.New(rand.NewPCG(seed, 0xbac7))}
	var prefixes []netip.Prefix
	for _, v := range reg.VPCs {
		prefixes = append(prefixes, v.CIDRs...)
	}
	for _, rt := range reg.RouteTables {
		for _, r := range rt.Routes {
			if r.Destination.IsValid() {
				prefixes = append(prefixes, r.Destination)
			}
		}
	}
	for _, pl := range reg.PrefixLists {
		prefixes = append(prefixes, pl.Entries...)
	}
	var ports, icmps []int
	addRange := func(f, t int) {
		ports = append(ports, f, t, f-1, t+1)
	}
	addICMP := func(m model.ICMPMatch) {
		f, t := icmpInterval(m)
		icmps = append(icmps, f, t, f-1, t+1)
	}
	for _, a := range reg.NetworkACLs {
		for _, e := range a.Entries {
			prefixes = append(prefixes, e.CIDR)
			addRange(int(e.Ports.From), int(e.Ports.To))
			addICMP(e.ICMP)
		}
	}
	for _, sg := range reg.SecurityGroups {
		for _, r := range sg.Ingress {
			if r.Peer.Kind == model.PeerCIDR {
				prefixes = append(prefixes, r.Peer.CIDR)
			}
			addRange(int(r.Ports.From), int(r.Ports.To))
			addICMP(r.ICMP)
		}
	}
	for _, res := range reg.Resources {
		if res.LoadBalancer != nil {
			for _, l := range res.LoadBalancer.Listeners {
				ports = append(ports, l.Port, l.InstancePort)
			}
		}
	}
	for _, tg := range reg.TargetGroups {
		ports = append(ports, tg.Port)
		for _, t := range tg.Targets {
			ports = append(ports, t.Port)
		}
	}
	ports = append(ports, 0, 22, 80, 443, 1023, 1024, 65535, 32767, 32768, 60999, 61000, 49151, 49152)
	icmps = append(icmps, 0, 0x0800, 0x0300, 0x0304, 0x0b00)
	prefixes = append(prefixes, naivePrivate...)
	var addrs []netip.Addr
	for _, p := range prefixes {
		r := netipx.RangeOfPrefix(p.Masked())
		addrs = append(addrs, r.From(), r.To(), r.From().Prev(), r.To().Next())
	}
	addrs = slices.DeleteFunc(addrs, func(a netip.Addr) bool { return !a.IsValid() })
	fixed := []netip.Addr{netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("198.51.100.7"),
		netip.MustParseAddr("2001:4860:4860::8888"), netip.MustParseAddr("2a00:1450:4001::1"), netip.MustParseAddr("2001:db8::1")}
	inside := func(p netip.Prefix) netip.Addr {
		b := p.Masked().Addr().AsSlice()
		for i := range b {
			bit := i * 8
			if bit+8 <= p.Bits() {
				continue
			}
			rnd := byte(g.n(256))
			if bit < p.Bits() {
				keep := byte(0xff) << (8 - (p.Bits() - bit))
				b[i] = b[i]&keep | rnd&^keep
			} else {
				b[i] = rnd
			}
		}
		a, _ := netip.AddrFromSlice(b)
		return a
	}
	src := func() netip.Addr {
		switch x := g.r.Float64(); {
		case x < 0.4:
			return pickOne(g, addrs)
		case x < 0.75:
			return inside(pickOne(g, prefixes))
		case x < 0.8:
			return pickOne(g, fixed)
		case x < 0.93:
			var b [4]byte
			for i := range b {
				b[i] = byte(g.n(256))
			}
			return netip.AddrFrom4(b)
		}
		var b [16]byte
		for i := range b {
			b[i] = byte(g.n(256))
		}
		b[0] = 0x20 | byte(g.n(16)) // mostly global unicast
		return netip.AddrFrom16(b)
	}
	port := func(pool []int) uint16 {
		if g.p(0.15) {
			return uint16(g.n(65536))
		}
		for {
			if p := pickOne(g, pool); p >= 0 && p <= 65535 {
				return uint16(p)
			}
		}
	}
	var lbp []int // listener and target ports
	for _, res := range reg.Resources {
		if res.LoadBalancer != nil {
			for _, l := range res.LoadBalancer.Listeners {
				lbp = append(lbp, l.Port, l.InstancePort)
			}
		}
	}
	for _, tg := range reg.TargetGroups {
		lbp = append(lbp, tg.Port)
		for _, t := range tg.Targets {
			lbp = append(lbp, t.Port)
		}
	}
	out := make([]pkt, count)
	for i := range out {
		p := pkt{src: src()}
		if len(lbp) > 0 && g.p(0.15) {
			p.proto, p.port = pickOne(g, []model.Protocol{model.ProtocolTCP, model.ProtocolTCP, model.ProtocolUDP}), port(lbp)
			out[i] = p
			continue
		}
		switch x := g.r.Float64(); {
		case x < 0.4:
			p.proto, p.port = model.ProtocolTCP, port(ports)
		case x < 0.6:
			p.proto, p.port = model.ProtocolUDP, port(ports)
		case x < 0.75:
			p.proto, p.port = model.ProtocolICMP, port(icmps)
		case x < 0.82:
			p.proto, p.port = model.ProtocolICMPv6, port(icmps)
		case x < 0.92:
			p.proto = 50
		default:
			p.proto = model.Protocol(pickOne(g, []int{0, 2, 4, 41, 47, 51, 132, 255}))
		}
		out[i] = p
	}
	return out
}

// ---- known engine bugs ----

// TestDifferentialRegressions holds the minimal cases of the two
// disagreements the differential test found where the engine was wrong
// (both missed exposures, both fixed): they must keep agreeing.
func TestDifferentialRegressions(t *testing.T) {
	// open builds one VPC with IPv6, one subnet whose main table sends
	// 0.0.0.0/0 and ::/0 to an attached gateway, and an ACL allowing
	// everything both ways.
	open := func() *mt.Builder {
		b := mt.New(diffAccount, diffRegion)
		v := b.VPC("vpc-1", "10.0.0.0/16")
		v.CIDRs = append(v.CIDRs, netip.MustParsePrefix("2600:1f18:abcd:ee00::/56"))
		b.Subnet("subnet-1", "vpc-1", "10.0.1.0/24").IPv6CIDRs = []netip.Prefix{netip.MustParsePrefix("2600:1f18:abcd:ee01::/64")}
		b.InternetGateway("igw-1", "vpc-1")
		b.RouteTable("rtb-1", "vpc-1").Main().Route("0.0.0.0/0", "igw-1").Route("::/0", "igw-1")
		var es []model.NACLEntry
		for _, dir := range []string{"in", "out"} {
			es = append(es, mt.Entry(100, dir, "allow", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(101, dir, "allow", "-1", 0, 0, "::/0"),
				mt.Entry(32767, dir, "deny", "-1", 0, 0, "0.0.0.0/0"), mt.Entry(32767, dir, "deny", "-1", 0, 0, "::/0"))
		}
		b.NetworkACL("acl-1", "vpc-1", []string{"subnet-1"}, es...)
		return b
	}
	check := func(t *testing.T, reg *model.Region, eni string, via reach.Via, p pkt, feature, bug string) {
		t.Helper()
		e := reg.ENI(eni)
		nv := newNaive(reg)
		var w why
		var naiveSays bool
		if via == reach.ViaDirect {
			naiveSays = nv.direct(e, p, &w)
		} else {
			naiveSays = nv.viaLoadBalancer(e, p, &w).documented
		}
		engineSays := indexExposures(reach.InternetExposures(reg)).reaches(eni, via, p)
		if !naiveSays {
			t.Fatalf("the naive evaluator no longer says %s reaches %s: %v", p, eni, w)
		}
		if engineSays != naiveSays {
			t.Errorf("regression of %s (generator feature %s)\n  packet %s to %s via %s: naive %v, engine %v\n  naive: %s", bug, feature, p, eni, via, naiveSays, engineSays, strings.Join(w, "; "))
		}
	}

	// AWS-SEMANTICS.md §5.1: "IPv6: the ENI has an IPv6 address (all are
	// globally routable)". Every address of a delegated IPv6 prefix
	// (ENI.Prefixes, Ipv6Prefixes) is the ENI's, yet the engine looks only
	// at ENI.IPv6: an interface whose IPv6 addresses come from a prefix is
	// never reported exposed over IPv6 (a missed exposure). The
	// differential test found it (seed 149 when written).
	t.Run("delegated IPv6 prefix", func(t *testing.T) {
		b := open()
		b.SecurityGroup("sg-1", "vpc-1", mt.Ingress("tcp", 443, 443, "::/0"))
		e := b.ENI("eni-1", "subnet-1", "sg-1")
		e.Prefixes = []netip.Prefix{netip.MustParsePrefix("2600:1f18:abcd:ee01:1000::/80")}
		check(t, b.Link(), "eni-1", reach.ViaDirect, pkt{model.ProtocolTCP, 443, netip.MustParseAddr("2001:db8::1")}, "v6Prefixes",
			"§5.1: an ENI whose IPv6 addresses are a delegated prefix (ENI.Prefixes) is not exposed over IPv6 (engine reads only ENI.IPv6)")
	})

	// AWS-SEMANTICS.md §6: a network load balancer's TCP_UDP listener
	// forwards TCP and UDP to its targets (client IP preservation is on
	// for TCP_UDP groups). The engine's target() narrows the listener's
	// protocol to TCP ("proto == ProtocolAll -> TCP"), so UDP through a
	// TCP_UDP listener never reaches the target (a missed exposure). The
	// differential test found it (seed 42 when written).
	t.Run("TCP_UDP listener forwards UDP", func(t *testing.T) {
		b := open()
		b.SecurityGroup("sg-1", "vpc-1", mt.Ingress("udp", 53, 53, "0.0.0.0/0"))
		b.Instance("i-1", "subnet-1", "sg-1")
		lbENI := b.ENI("eni-lb", "subnet-1")
		lbENI.Description, lbENI.InterfaceType, lbENI.RequesterID, lbENI.RequesterManaged = "ELB net/nlb/0123456789abcdef", "network_load_balancer", "amazon-elb", true
		mt.SetPublicIP(lbENI, "54.250.1.1")
		tg := &model.TargetGroup{ARN: "arn:aws:elasticloadbalancing:" + diffRegion + ":" + diffAccount + ":targetgroup/dns/0123456789abcdef", Name: "dns",
			Protocol: "TCP_UDP", Port: 53, TargetType: "instance", VPCID: "vpc-1", TargetsKnown: true, Targets: []model.Target{{ID: "i-1", Health: "healthy"}}}
		arn := "arn:aws:elasticloadbalancing:" + diffRegion + ":" + diffAccount + ":loadbalancer/net/nlb/0123456789abcdef"
		reg := b.Region()
		reg.TargetGroups = append(reg.TargetGroups, tg)
		reg.Resources = append(reg.Resources, &model.Resource{Kind: model.KindLoadBalancer, ID: "nlb", Name: "nlb", ARN: arn, VPCID: "vpc-1", SubnetIDs: []string{"subnet-1"},
			LoadBalancer: &model.LoadBalancer{Name: "nlb", ARN: arn, Type: model.LBNetwork, Scheme: "internet-facing", VPCID: "vpc-1", SubnetIDs: []string{"subnet-1"},
				ListenersKnown: true, Listeners: []model.Listener{{Protocol: "TCP_UDP", Port: 53, TargetGroupARNs: []string{tg.ARN}}}}})
		b.Collected(model.CallLoadBalancersV2, model.CallListeners, model.CallTargetGroups, model.CallTargetHealth)
		check(t, b.Link(), "eni-i-1", reach.ViaLoadBalancer, pkt{model.ProtocolUDP, 53, netip.MustParseAddr("198.51.100.7")}, "tcpUDP",
			"§6: UDP through a network load balancer's TCP_UDP listener is not reported reaching the target (engine narrows TCP_UDP to TCP)")
	})
}
