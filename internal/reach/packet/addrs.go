package packet

import (
	"net/netip"
	"sort"
	"strings"

	"go4.org/netipx"
)

// addrs is a set of addresses as the minimal sorted list of IP ranges that
// covers it: ranges are disjoint and never adjacent, IPv4 ranges come
// before IPv6 ranges (netip.Addr order), and an IPv4 range never merges
// with an IPv6 one. This is the form netipx.IPSet keeps internally, so two
// addrs are the same set exactly when their slices are equal. nil is the
// empty set.
//
// An addrs is never modified once built: operations return new slices or
// one of their arguments, so slices are freely shared between Sets.
type addrs []netipx.IPRange

// everyAddr is every IPv4 and every IPv6 address.
var everyAddr = addrs{
	netipx.IPRangeFrom(netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255})),
	netipx.IPRangeFrom(netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	})),
}

// addrsOf converts an IPSet; nil is the empty set.
func addrsOf(s *netipx.IPSet) addrs {
	if s == nil {
		return nil
	}
	r := s.Ranges()
	if len(r) == 0 {
		return nil
	}
	return r
}

// ipset converts a back to an IPSet (never nil).
func (a addrs) ipset() *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, r := range a {
		b.AddRange(r)
	}
	s, _ := b.IPSet() // the ranges are valid: no error is possible
	return s
}

// String lists the prefixes of a, separated by commas.
func (a addrs) String() string {
	if len(a) == 0 {
		return "nothing"
	}
	var b strings.Builder
	var buf []netip.Prefix
	for _, r := range a {
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

func (a addrs) equal(b addrs) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// same reports whether a and b are the very same slice, a cheap sufficient
// test for equality used to skip work.
func (a addrs) same(b addrs) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (a addrs) contains(ip netip.Addr) bool {
	if ip.Zone() != "" {
		return false // as netipx.IPSet: sets do not track zones
	}
	i := sort.Search(len(a), func(i int) bool { return ip.Compare(a[i].To()) <= 0 })
	return i < len(a) && a[i].From().Compare(ip) <= 0
}

// covers reports whether every address of b is in a.
func (a addrs) covers(b addrs) bool {
	return len(subtract(b, a)) == 0
}

// union returns a ∪ b in one merge pass.
func union(a, b addrs) addrs {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0 || a.same(b):
		return a
	}
	out := make(addrs, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var r netipx.IPRange
		if j == len(b) || (i < len(a) && a[i].From().Less(b[j].From())) {
			r, i = a[i], i+1
		} else {
			r, j = b[j], j+1
		}
		if n := len(out) - 1; n >= 0 {
			last := out[n].To()
			// r starts at or after out[n]; merge when it overlaps or
			// touches. Next of the last IPv4 address is invalid, so the
			// families never merge.
			if r.From().Compare(last) <= 0 || last.Next() == r.From() {
				if last.Less(r.To()) {
					out[n] = netipx.IPRangeFrom(out[n].From(), r.To())
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// intersect returns a ∩ b in one merge pass.
func intersect(a, b addrs) addrs {
	switch {
	case len(a) == 0 || len(b) == 0:
		return nil
	case a.same(b):
		return a
	}
	var out addrs
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := a[i].From(), a[i].To()
		if f := b[j].From(); lo.Less(f) {
			lo = f
		}
		if t := b[j].To(); t.Less(hi) {
			hi = t
		}
		if lo.Compare(hi) <= 0 {
			out = append(out, netipx.IPRangeFrom(lo, hi))
		}
		if a[i].To().Less(b[j].To()) {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract returns a − b in one merge pass.
func subtract(a, b addrs) addrs {
	switch {
	case len(a) == 0 || a.same(b):
		return nil
	case len(b) == 0:
		return a
	}
	var out addrs
	j := 0
	for _, r := range a {
		for j < len(b) && b[j].To().Less(r.From()) {
			j++
		}
		cur, end, done := r.From(), r.To(), false
		for k := j; k < len(b) && b[k].From().Compare(end) <= 0; k++ {
			if cur.Less(b[k].From()) {
				out = append(out, netipx.IPRangeFrom(cur, b[k].From().Prev()))
			}
			if end.Compare(b[k].To()) <= 0 {
				done = true
				break
			}
			cur = b[k].To().Next()
		}
		if !done {
			out = append(out, netipx.IPRangeFrom(cur, end))
		}
	}
	return out
}

// normalize turns any list of valid ranges into an addrs. It may reorder
// rr.
func normalize(rr []netipx.IPRange) addrs {
	if len(rr) == 0 {
		return nil
	}
	sort.Slice(rr, func(i, j int) bool { return rr[i].From().Less(rr[j].From()) })
	out := make(addrs, 0, len(rr))
	for _, r := range rr {
		if n := len(out) - 1; n >= 0 {
			last := out[n].To()
			if r.From().Compare(last) <= 0 || last.Next() == r.From() {
				if last.Less(r.To()) {
					out[n] = netipx.IPRangeFrom(out[n].From(), r.To())
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out
}
