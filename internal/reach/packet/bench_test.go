package packet

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// benchSet builds a set shaped like an interface's effective rules at the
// large end: about 50 port segments each on TCP and UDP, each from its own
// few prefixes, a few ICMP types and one all-protocol rule.
func benchSet(seed uint64) Set {
	r := rand.New(rand.NewPCG(seed, 99))
	randAddrs := func() *netipx.IPSet {
		var b netipx.IPSetBuilder
		for n := 1 + r.IntN(4); n > 0; n-- {
			if r.IntN(4) == 0 {
				a := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(r.IntN(256)), byte(r.IntN(256))})
				b.AddPrefix(netip.PrefixFrom(a, 48))
			} else {
				a := netip.AddrFrom4([4]byte{10, byte(r.IntN(256)), byte(r.IntN(256)), 0})
				b.AddPrefix(netip.PrefixFrom(a, 16+r.IntN(13)))
			}
		}
		s, _ := b.IPSet()
		return s
	}
	var s Set
	for _, p := range []model.Protocol{model.ProtocolTCP, model.ProtocolUDP} {
		for i := 0; i < 25; i++ {
			from := uint16(i*2600 + r.IntN(1000))
			s = s.Union(New(p, model.PortRange{From: from, To: from + uint16(r.IntN(500))}, randAddrs()))
		}
	}
	for _, t := range []int16{0, 3, 8, 11} {
		s = s.Union(New(model.ProtocolICMP, ICMPPorts(model.ICMPMatch{Type: t, Code: -1}), randAddrs()))
	}
	return s.Union(New(model.ProtocolAll, model.AllPorts, randAddrs()))
}

func segments(s Set) int {
	n := 1
	for _, pm := range s.ex {
		n += len(pm.m)
	}
	return n
}

func ranges(s Set) int {
	n := len(s.def.v4) + len(s.def.v6)
	for _, pm := range s.ex {
		for _, sg := range pm.m {
			n += len(sg.a.v4) + len(sg.a.v6)
		}
	}
	return n
}

func benchOp(b *testing.B, op func(x, y Set) Set) {
	x, y := benchSet(1), benchSet(2)
	for b.Loop() {
		op(x, y)
	}
	b.ReportMetric(float64(segments(x)+segments(y))/2, "segments")
	b.ReportMetric(float64(ranges(x)+ranges(y))/2, "ranges")
}

func BenchmarkUnion(b *testing.B)     { benchOp(b, Set.Union) }
func BenchmarkIntersect(b *testing.B) { benchOp(b, Set.Intersect) }
func BenchmarkSubtract(b *testing.B)  { benchOp(b, Set.Subtract) }

func BenchmarkEqual(b *testing.B) {
	x, y := benchSet(1), benchSet(1)
	for b.Loop() {
		if !x.Equal(y) {
			b.Fatal("unequal")
		}
	}
}

func BenchmarkContains(b *testing.B) {
	x := benchSet(1)
	a := netip.MustParseAddr("10.20.30.40")
	for b.Loop() {
		x.Contains(model.ProtocolTCP, 31337, a)
	}
}

func BenchmarkEntries(b *testing.B) {
	x := benchSet(1)
	for b.Loop() {
		x.Entries()
	}
}

// BenchmarkBuild times building one benchSet: 55 New and Union calls, as
// when the engine gathers an interface's rules.
func BenchmarkBuild(b *testing.B) {
	for b.Loop() {
		benchSet(1)
	}
}
