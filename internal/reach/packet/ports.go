package packet

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// seg is one segment of a portMap: the addresses allowed on every port from
// `from` up to the next segment's from minus one (or 65535 for the last).
type seg struct {
	from uint16
	a    addrs
}

// portMap maps every port 0–65535 to an address set, as a partition of
// the ports into segments. Invariants: the first segment starts at 0,
// froms strictly increase, and adjacent segments have different address
// sets (possibly one of them empty). So two portMaps are the same function
// exactly when they are equal segment by segment. A portMap is never
// modified once built.
type portMap []seg

// constMap is the portMap giving a on every port.
func constMap(a addrs) portMap { return portMap{{0, a}} }

// rangeMap is the portMap giving a on the ports of r and nothing elsewhere.
// An invalid range (From > To) selects no port.
func rangeMap(r model.PortRange, a addrs) portMap {
	if r.From > r.To || a.isEmpty() {
		return constMap(addrs{})
	}
	if r.IsAll() {
		return constMap(a)
	}
	m := make(portMap, 0, 3)
	if r.From > 0 {
		m = append(m, seg{0, addrs{}})
	}
	m = append(m, seg{r.From, a})
	if r.To < 65535 {
		m = append(m, seg{r.To + 1, addrs{}})
	}
	return m
}

// end returns the last port of segment i.
func (m portMap) end(i int) int {
	if i+1 < len(m) {
		return int(m[i+1].from) - 1
	}
	return 65535
}

// isConst reports whether m gives the same addresses on every port.
func (m portMap) isConst() bool { return len(m) == 1 }

// isConstOf reports whether m gives a on every port.
func (m portMap) isConstOf(a addrs) bool { return len(m) == 1 && m[0].a.equal(a) }

func (m portMap) equal(o portMap) bool {
	if len(m) != len(o) {
		return false
	}
	for i := range m {
		if m[i].from != o[i].from || !m[i].a.equal(o[i].a) {
			return false
		}
	}
	return true
}

// at returns the addresses of port p.
func (m portMap) at(p uint16) addrs {
	i := sort.Search(len(m), func(i int) bool { return m[i].from > p }) - 1
	return m[i].a
}

// combine applies op port by port in one sweep over both partitions, and
// merges adjacent segments whose results are equal. Work is linear in the
// number of segments (times the cost of op).
func combine(x, y portMap, op func(a, b addrs) addrs) portMap {
	if x.isConst() && y.isConst() {
		return constMap(op(x[0].a, y[0].a))
	}
	out := make(portMap, 0, len(x)+len(y))
	i, j := 0, 0
	for pos := 0; pos <= 65535; {
		ex, ey := x.end(i), y.end(j)
		e := min(ex, ey)
		a := op(x[i].a, y[j].a)
		if n := len(out) - 1; n < 0 || !out[n].a.equal(a) {
			out = append(out, seg{uint16(pos), a})
		}
		pos = e + 1
		if ex == e {
			i++
		}
		if ey == e {
			j++
		}
	}
	return out
}
