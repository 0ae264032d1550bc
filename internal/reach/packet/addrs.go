package packet

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strings"

	"go4.org/netipx"
)

// addrs is a set of IPv4 and IPv6 addresses: for each family, the minimal
// sorted list of spans covering it (spans disjoint and never adjacent, the
// form netipx.IPSet keeps), so two addrs are the same set exactly when
// their lists are equal. The zero value is the empty set.
//
// Addresses are 128-bit numbers (IPv4 in the low 32 bits) rather than
// netip.Addr: the lists hold no pointers, so building and comparing them
// costs the garbage collector nothing, which is most of the engine's work.
//
// An addrs is never modified once built: operations return new lists or
// one of their arguments, so lists are freely shared between Sets.
type addrs struct {
	v4, v6 spans
}

// spans is a sorted list of disjoint, non-adjacent inclusive spans of one
// family; nil is empty.
type spans []span

type span struct{ lo, hi u128 }

// u128 is an address as a 128-bit number.
type u128 struct{ hi, lo uint64 }

func (x u128) less(y u128) bool { return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo) }

// next returns x+1, wrapping at 2^128−1.
func (x u128) next() u128 {
	if x.lo == ^uint64(0) {
		return u128{x.hi + 1, 0}
	}
	return u128{x.hi, x.lo + 1}
}

// prev returns x−1; x must not be 0.
func (x u128) prev() u128 {
	if x.lo == 0 {
		return u128{x.hi - 1, ^uint64(0)}
	}
	return u128{x.hi, x.lo - 1}
}

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func toAddr(x u128, v4 bool) netip.Addr {
	if v4 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(x.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], x.hi)
	binary.BigEndian.PutUint64(b[8:], x.lo)
	return netip.AddrFrom16(b)
}

// everyAddr is every IPv4 and every IPv6 address.
var everyAddr = addrs{
	v4: spans{{u128{}, u128{0, 1<<32 - 1}}},
	v6: spans{{u128{}, u128{^uint64(0), ^uint64(0)}}},
}

// addrsOf converts an IPSet; nil is the empty set.
func addrsOf(s *netipx.IPSet) addrs {
	if s == nil {
		return addrs{}
	}
	var a addrs
	for _, r := range s.Ranges() { // sorted, IPv4 first, minimal
		sp := span{fromAddr(r.From()), fromAddr(r.To())}
		if r.From().Is4() {
			a.v4 = append(a.v4, sp)
		} else {
			a.v6 = append(a.v6, sp)
		}
	}
	return a
}

// ranges returns a as netipx ranges, IPv4 first.
func (a addrs) ranges() []netipx.IPRange {
	out := make([]netipx.IPRange, 0, len(a.v4)+len(a.v6))
	for _, s := range a.v4 {
		out = append(out, netipx.IPRangeFrom(toAddr(s.lo, true), toAddr(s.hi, true)))
	}
	for _, s := range a.v6 {
		out = append(out, netipx.IPRangeFrom(toAddr(s.lo, false), toAddr(s.hi, false)))
	}
	return out
}

// ipset converts a back to an IPSet (never nil).
func (a addrs) ipset() *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, r := range a.ranges() {
		b.AddRange(r)
	}
	s, _ := b.IPSet() // the ranges are valid: no error is possible
	return s
}

// String lists the prefixes of a, separated by commas.
func (a addrs) String() string {
	if a.isEmpty() {
		return "nothing"
	}
	var b strings.Builder
	var buf []netip.Prefix
	for _, r := range a.ranges() {
		buf = r.AppendPrefixes(buf[:0])
		for _, p := range buf {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(p.String())
		}
	}
	return b.String()
}

func (a addrs) isEmpty() bool { return len(a.v4) == 0 && len(a.v6) == 0 }

func (a addrs) equal(b addrs) bool { return a.v4.equal(b.v4) && a.v6.equal(b.v6) }

func (a addrs) contains(ip netip.Addr) bool {
	switch {
	case ip.Zone() != "":
		return false // as netipx.IPSet: sets do not track zones
	case ip.Is4():
		return a.v4.contains(fromAddr(ip))
	case ip.Is6():
		return a.v6.contains(fromAddr(ip))
	}
	return false
}

// covers reports whether every address of b is in a.
func (a addrs) covers(b addrs) bool { return subtract(b, a).isEmpty() }

func union(a, b addrs) addrs     { return addrs{a.v4.union(b.v4), a.v6.union(b.v6)} }
func intersect(a, b addrs) addrs { return addrs{a.v4.intersect(b.v4), a.v6.intersect(b.v6)} }
func subtract(a, b addrs) addrs  { return addrs{a.v4.subtract(b.v4), a.v6.subtract(b.v6)} }

func (a spans) equal(b spans) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// same reports whether a and b are the very same list, a cheap sufficient
// test for equality used to skip work.
func (a spans) same(b spans) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (a spans) contains(x u128) bool {
	i := sort.Search(len(a), func(i int) bool { return !a[i].hi.less(x) })
	return i < len(a) && !x.less(a[i].lo)
}

// touches reports whether s, which starts at or after last's start, must
// merge with last: it overlaps or follows it directly. At the top of the
// family last.hi.next() wraps to 0, which no later span starts at.
func touches(last, s span) bool { return !last.hi.less(s.lo) || last.hi.next() == s.lo }

// union returns a ∪ b in one merge pass.
func (a spans) union(b spans) spans {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0 || a.same(b):
		return a
	}
	out := make(spans, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var s span
		if j == len(b) || (i < len(a) && a[i].lo.less(b[j].lo)) {
			s, i = a[i], i+1
		} else {
			s, j = b[j], j+1
		}
		if n := len(out) - 1; n >= 0 && touches(out[n], s) {
			if out[n].hi.less(s.hi) {
				out[n].hi = s.hi
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// intersect returns a ∩ b in one merge pass.
func (a spans) intersect(b spans) spans {
	switch {
	case len(a) == 0 || len(b) == 0:
		return nil
	case a.same(b):
		return a
	}
	var out spans
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := a[i].lo, a[i].hi
		if lo.less(b[j].lo) {
			lo = b[j].lo
		}
		if b[j].hi.less(hi) {
			hi = b[j].hi
		}
		if !hi.less(lo) {
			out = out.add(span{lo, hi}, len(a)+len(b)-1)
		}
		if a[i].hi.less(b[j].hi) {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract returns a − b in one merge pass.
func (a spans) subtract(b spans) spans {
	switch {
	case len(a) == 0 || a.same(b):
		return nil
	case len(b) == 0:
		return a
	}
	var out spans
	j := 0
	for _, s := range a {
		for j < len(b) && b[j].hi.less(s.lo) {
			j++
		}
		cur, done := s.lo, false
		for k := j; k < len(b) && !s.hi.less(b[k].lo); k++ {
			if cur.less(b[k].lo) {
				out = out.add(span{cur, b[k].lo.prev()}, len(a)+len(b))
			}
			if !b[k].hi.less(s.hi) {
				done = true
				break
			}
			cur = b[k].hi.next()
		}
		if !done {
			out = out.add(span{cur, s.hi}, len(a)+len(b))
		}
	}
	return out
}

// add appends s, allocating room for max spans on the first call: one
// allocation for the result, none when it is empty.
func (a spans) add(s span, max int) spans {
	if a == nil {
		a = make(spans, 0, max)
	}
	return append(a, s)
}

// normalize sorts and merges a in place.
func (a spans) normalize() spans {
	if len(a) == 0 {
		return nil
	}
	sort.Slice(a, func(i, j int) bool { return a[i].lo.less(a[j].lo) })
	out := a[:1]
	for _, s := range a[1:] {
		if n := len(out) - 1; touches(out[n], s) {
			if out[n].hi.less(s.hi) {
				out[n].hi = s.hi
			}
			continue
		}
		out = append(out, s)
	}
	return out
}
