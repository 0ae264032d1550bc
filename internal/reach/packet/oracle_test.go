package packet

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The oracle: a set is an expression over lists of boxes, and membership
// is decided by scanning. It shares no code with the package.

type box struct {
	p      model.Protocol // -1: every protocol
	lo, hi uint16
	pfx    []netip.Prefix
}

func (b box) has(p model.Protocol, port uint16, a netip.Addr) bool {
	if b.p != -1 && b.p != p {
		return false
	}
	switch p {
	case 1, 6, 17, 58: // protocols that select by port, type or code
		if port < b.lo || port > b.hi {
			return false
		}
	}
	for _, x := range b.pfx {
		if x.Contains(a) {
			return true
		}
	}
	return false
}

type expr struct {
	op    byte // 'b' boxes, 'u' union, 'i' intersect, 's' subtract
	boxes []box
	l, r  *expr
}

func (e *expr) has(p model.Protocol, port uint16, a netip.Addr) bool {
	switch e.op {
	case 'u':
		return e.l.has(p, port, a) || e.r.has(p, port, a)
	case 'i':
		return e.l.has(p, port, a) && e.r.has(p, port, a)
	case 's':
		return e.l.has(p, port, a) && !e.r.has(p, port, a)
	}
	for _, b := range e.boxes {
		if b.has(p, port, a) {
			return true
		}
	}
	return false
}

func (e *expr) String() string {
	switch e.op {
	case 'u':
		return "(" + e.l.String() + " ∪ " + e.r.String() + ")"
	case 'i':
		return "(" + e.l.String() + " ∩ " + e.r.String() + ")"
	case 's':
		return "(" + e.l.String() + " − " + e.r.String() + ")"
	}
	var parts []string
	for _, b := range e.boxes {
		parts = append(parts, fmt.Sprintf("%d/%d-%d%v", b.p, b.lo, b.hi, b.pfx))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// set builds the package's Set for e.
func (e *expr) set(t testing.TB) Set {
	switch e.op {
	case 'u':
		return e.l.set(t).Union(e.r.set(t))
	case 'i':
		return e.l.set(t).Intersect(e.r.set(t))
	case 's':
		return e.l.set(t).Subtract(e.r.set(t))
	}
	var s Set
	for _, b := range e.boxes {
		var sb netipx.IPSetBuilder
		for _, x := range b.pfx {
			sb.AddPrefix(x)
		}
		a, err := sb.IPSet()
		if err != nil {
			t.Fatal(err)
		}
		s = s.Union(New(b.p, model.PortRange{From: b.lo, To: b.hi}, a))
	}
	return s
}

var (
	genProtocols = []model.Protocol{-1, 6, 17, 1, 58, 50}
	// portPool holds the ends of generated port ranges, among them the
	// ICMP ports of type 3 code 4 (772) and type 8 (2048-2303).
	portPool = []uint16{0, 1, 21, 22, 23, 79, 80, 443, 772, 1023, 1024, 2048, 2303, 3389, 65534, 65535}
	pfxPool  = func() []netip.Prefix {
		var out []netip.Prefix
		for _, s := range []string{
			"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "10.255.255.255/32",
			"11.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "255.255.255.255/32", "0.0.0.0/32",
			"::/0", "::/128", "2001:db8::/32", "2001:db8:1::/48", "fd00::/8", "ffff::/16",
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
		} {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}()
	icmpPool = []model.ICMPMatch{{Type: -1, Code: -1}, {Type: 8, Code: -1}, {Type: 3, Code: 4}}
)

// The grid of test packets. Every generated set is constant between
// neighbouring grid points: ports change membership only at a range's
// start or one past its end, addresses at a prefix's first address or one
// past its last, and protocols other than those generated behave alike.
// So agreeing on the grid is agreeing everywhere, and the property tests
// decide Equal and IsEmpty exactly.
var (
	gridProtocols = []model.Protocol{0, 1, 6, 17, 50, 58, 99, 255}
	gridPorts     = func() []uint16 {
		var out []uint16
		for _, p := range portPool {
			out = append(out, p)
			if p < 65535 {
				out = append(out, p+1)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}()
	gridAddrs = func() []netip.Addr {
		var out []netip.Addr
		for _, x := range pfxPool {
			first, last := x.Masked().Addr(), netipx.PrefixLastIP(x)
			out = append(out, first, last)
			if n := last.Next(); n.IsValid() {
				out = append(out, n)
			}
			if p := first.Prev(); p.IsValid() {
				out = append(out, p)
			}
		}
		slices.SortFunc(out, netip.Addr.Compare)
		return slices.Compact(out)
	}()
	gridSize = len(gridProtocols) * len(gridPorts) * len(gridAddrs)
)

func forGrid(f func(i int, p model.Protocol, port uint16, a netip.Addr)) {
	i := 0
	for _, p := range gridProtocols {
		for _, port := range gridPorts {
			for _, a := range gridAddrs {
				f(i, p, port, a)
				i++
			}
		}
	}
}

// truth evaluates the oracle on the grid.
func truth(e *expr) []bool {
	out := make([]bool, gridSize)
	forGrid(func(i int, p model.Protocol, port uint16, a netip.Addr) { out[i] = e.has(p, port, a) })
	return out
}

func randBox(r *rand.Rand) box {
	b := box{p: genProtocols[r.IntN(len(genProtocols))], lo: 0, hi: 65535}
	switch {
	case b.p.IsICMP() && r.IntN(2) == 0:
		pr := ICMPPorts(icmpPool[r.IntN(len(icmpPool))])
		b.lo, b.hi = pr.From, pr.To
	case r.IntN(5) > 0:
		x, y := portPool[r.IntN(len(portPool))], portPool[r.IntN(len(portPool))]
		b.lo, b.hi = min(x, y), max(x, y)
	}
	for n := 1 + r.IntN(3); n > 0; n-- {
		b.pfx = append(b.pfx, pfxPool[r.IntN(len(pfxPool))])
	}
	return b
}

func randExpr(r *rand.Rand, depth int) *expr {
	if depth == 0 || r.IntN(3) == 0 {
		e := &expr{op: 'b'}
		for n := r.IntN(4); n > 0; n-- { // may be empty
			e.boxes = append(e.boxes, randBox(r))
		}
		return e
	}
	return &expr{op: "uis"[r.IntN(3)], l: randExpr(r, depth-1), r: randExpr(r, depth-1)}
}

// checkAgainst compares s with the oracle's truth on the whole grid.
func checkAgainst(t *testing.T, what string, s Set, want []bool) bool {
	t.Helper()
	bad := 0
	empty := true
	forGrid(func(i int, p model.Protocol, port uint16, a netip.Addr) {
		empty = empty && !want[i]
		if got := s.Contains(p, port, a); got != want[i] && bad < 3 {
			bad++
			t.Errorf("%s: Contains(%v, %d, %v) = %v, want %v\nset: %v", what, p, port, a, got, want[i], s)
		}
	})
	if s.IsEmpty() != empty {
		t.Errorf("%s: IsEmpty() = %v, want %v\nset: %v", what, s.IsEmpty(), empty, s)
		bad++
	}
	return bad == 0
}

func combineTruth(x, y []bool, f func(a, b bool) bool) []bool {
	out := make([]bool, len(x))
	for i := range x {
		out[i] = f(x[i], y[i])
	}
	return out
}

// checkAddrs compares s.Addrs(p, ports) with the oracle: an address is in
// the answer when some grid packet of protocol p (any grid protocol for
// ProtocolAll) with a port of ports is in the set. Between grid ports
// nothing changes, and ports' own ends are grid points.
func checkAddrs(t *testing.T, what string, s Set, e *expr, p model.Protocol, ports model.PortRange) {
	t.Helper()
	got := s.Addrs(p, ports)
	cand := []uint16{ports.From, ports.To}
	for _, x := range gridPorts {
		if ports.Contains(x) {
			cand = append(cand, x)
		}
	}
	for _, a := range gridAddrs {
		want := false
		for _, q := range gridProtocols {
			if !p.Matches(q) {
				continue
			}
			for _, port := range cand {
				want = want || e.has(q, port, a)
			}
		}
		if got.Contains(a) != want {
			t.Errorf("%s: Addrs(%v, %v).Contains(%v) = %v, want %v\nset: %v", what, p, ports, a, !want, want, s)
			return
		}
	}
}

func TestAgainstOracle(t *testing.T) {
	cases := 1500
	if testing.Short() {
		cases = 200
	}
	r := rand.New(rand.NewPCG(1, 2))
	checked, nonEmpty, equal := 0, 0, 0
	for c := 0; c < cases; c++ {
		ea, eb := randExpr(r, 3), randExpr(r, 3)
		if r.IntN(8) == 0 {
			// An expression for the same set as ea, built differently:
			// Equal must see through the construction.
			eb = &expr{op: 'u', l: &expr{op: 's', l: ea, r: eb}, r: &expr{op: 'i', l: ea, r: eb}}
		}
		a, b := ea.set(t), eb.set(t)
		ta, tb := truth(ea), truth(eb)
		name := fmt.Sprintf("case %d: A=%v B=%v", c, ea, eb)
		if !checkAgainst(t, name+" A", a, ta) || !checkAgainst(t, name+" B", b, tb) {
			t.FailNow()
		}
		if got, want := a.Equal(b), slices.Equal(ta, tb); got != want {
			t.Fatalf("%s: Equal = %v, want %v\nA: %v\nB: %v", name, got, want, a, b)
		} else if got {
			equal++
		}
		if !a.IsEmpty() {
			nonEmpty++
		}
		ops := []struct {
			name string
			got  Set
			want []bool
		}{
			{"A∪B", a.Union(b), combineTruth(ta, tb, func(x, y bool) bool { return x || y })},
			{"A∩B", a.Intersect(b), combineTruth(ta, tb, func(x, y bool) bool { return x && y })},
			{"A−B", a.Subtract(b), combineTruth(ta, tb, func(x, y bool) bool { return x && !y })},
			{"B−A", b.Subtract(a), combineTruth(ta, tb, func(x, y bool) bool { return y && !x })},
		}
		for _, op := range ops {
			if !checkAgainst(t, name+" "+op.name, op.got, op.want) {
				t.FailNow()
			}
			checkEntries(t, op.got)
		}
		checkEntries(t, a)
		p := append([]model.Protocol{99}, genProtocols...)[r.IntN(len(genProtocols)+1)]
		x, y := portPool[r.IntN(len(portPool))], portPool[r.IntN(len(portPool))]
		checkAddrs(t, name, a, ea, p, model.PortRange{From: min(x, y), To: max(x, y)})
		checkAddrs(t, name, a, ea, p, model.AllPorts)
		if t.Failed() {
			t.FailNow()
		}
		checked++
	}
	t.Logf("%d cases (%d with A non-empty, %d with A = B), %d packets each", checked, nonEmpty, equal, gridSize)
}

// TestRestrictAddrsOracle checks RestrictAddrs against the oracle: it is
// intersection with every protocol and port on those addresses.
func TestRestrictAddrsOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for c := 0; c < 300; c++ {
		e := randExpr(r, 2)
		pfx := []netip.Prefix{pfxPool[r.IntN(len(pfxPool))], pfxPool[r.IntN(len(pfxPool))]}
		var b netipx.IPSetBuilder
		for _, x := range pfx {
			b.AddPrefix(x)
		}
		ipset, _ := b.IPSet()
		want := truth(&expr{op: 'i', l: e, r: &expr{op: 'b', boxes: []box{{p: -1, lo: 0, hi: 65535, pfx: pfx}}}})
		if !checkAgainst(t, fmt.Sprintf("case %d: %v restricted to %v", c, e, pfx), e.set(t).RestrictAddrs(ipset), want) {
			t.FailNow()
		}
	}
}

// TestLaws checks algebraic laws on random sets.
func TestLaws(t *testing.T) {
	cases := 2000
	if testing.Short() {
		cases = 300
	}
	r := rand.New(rand.NewPCG(5, 6))
	for c := 0; c < cases; c++ {
		a, b, cc := randExpr(r, 2).set(t), randExpr(r, 2).set(t), randExpr(r, 2).set(t)
		laws := []struct {
			name string
			l, r Set
		}{
			{"A∪B = B∪A", a.Union(b), b.Union(a)},
			{"A∩B = B∩A", a.Intersect(b), b.Intersect(a)},
			{"A∩(B∪C) = (A∩B)∪(A∩C)", a.Intersect(b.Union(cc)), a.Intersect(b).Union(a.Intersect(cc))},
			{"A∪(B∩C) = (A∪B)∩(A∪C)", a.Union(b.Intersect(cc)), a.Union(b).Intersect(a.Union(cc))},
			{"(A∪B)∪C = A∪(B∪C)", a.Union(b).Union(cc), a.Union(b.Union(cc))},
			{"A−A = ∅", a.Subtract(a), Set{}},
			{"(A−B)∩B = ∅", a.Subtract(b).Intersect(b), Set{}},
			{"(A−B)∪(A∩B) = A", a.Subtract(b).Union(a.Intersect(b)), a},
			{"A−(B∪C) = (A−B)−C", a.Subtract(b.Union(cc)), a.Subtract(b).Subtract(cc)},
			{"All−(All−A) = A", All().Subtract(All().Subtract(a)), a},
			{"A∩All = A", a.Intersect(All()), a},
			{"A∪∅ = A", a.Union(Set{}), a},
		}
		for _, law := range laws {
			if !law.l.Equal(law.r) {
				t.Fatalf("case %d: %s fails\nA: %v\nB: %v\nC: %v\nleft:  %v\nright: %v", c, law.name, a, b, cc, law.l, law.r)
			}
		}
	}
}

// TestManyProtocolsOracle builds sets protocol by protocol over all 256
// protocols, where the representation must choose its default by majority
// (see Set), and checks membership, equality across construction orders,
// and the listing.
func TestManyProtocolsOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pool := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/9"), netip.MustParsePrefix("2001:db8::/32")}
	addrs := []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.200.0.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("11.0.0.1")}
	for c := 0; c < 60; c++ {
		var boxes []box
		for n := 100 + r.IntN(300); n > 0; n-- {
			b := box{p: model.Protocol(r.IntN(256)), lo: 0, hi: 65535, pfx: []netip.Prefix{pool[r.IntN(len(pool))]}}
			if r.IntN(40) == 0 {
				b.p = -1
			}
			if b.p == 6 && r.IntN(2) == 0 {
				b.lo, b.hi = 22, 443
			}
			boxes = append(boxes, b)
		}
		e := &expr{op: 'b', boxes: boxes}
		if r.IntN(2) == 0 {
			e = &expr{op: 's', l: e, r: &expr{op: 'b', boxes: boxes[:len(boxes)/3]}}
		}
		s := e.set(t)
		rev := &expr{op: 'b', boxes: slices.Clone(boxes)}
		slices.Reverse(rev.boxes)
		if e.op == 's' {
			rev = &expr{op: 's', l: rev, r: e.r}
		}
		if sr := rev.set(t); !sr.Equal(s) {
			t.Fatalf("case %d: order of construction changes the set:\n%v\n%v", c, s, sr)
		}
		// The same set protocol by protocol in a random order, and as
		// the complement of its complement.
		var byProto Set
		for _, p := range r.Perm(256) {
			byProto = byProto.Union(s.Intersect(New(model.Protocol(p), model.AllPorts, everyAddr.ipset())))
		}
		if !byProto.Equal(s) {
			t.Fatalf("case %d: set rebuilt protocol by protocol differs:\n%v\n%v", c, s, byProto)
		}
		if cc := All().Subtract(All().Subtract(s)); !cc.Equal(s) {
			t.Fatalf("case %d: complement of complement differs:\n%v\n%v", c, s, cc)
		}
		for p := 0; p < 256; p++ {
			for _, port := range []uint16{0, 21, 22, 443, 444} {
				for _, a := range addrs {
					if got, want := s.Contains(model.Protocol(p), port, a), e.has(model.Protocol(p), port, a); got != want {
						t.Fatalf("case %d: Contains(%d, %d, %v) = %v, want %v\nset: %v", c, p, port, a, got, want, s)
					}
				}
			}
		}
		if len(s.ex) > 255 {
			t.Errorf("case %d: %d protocols listed; the default must be some protocol's", c, len(s.ex))
		}
		checkEntries(t, s)
		if !s.Subtract(All()).IsEmpty() || !All().Subtract(All().Subtract(s)).Equal(s) {
			t.Fatalf("case %d: complement laws fail for %v", c, s)
		}
	}
}
