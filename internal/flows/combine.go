package flows

import (
	"runtime"
	"sync"
)

// combined returns the observations of observers (each of a part of the
// records: Read's workers') with each key once and its sums added, in no
// particular order: what merging them into one Observer and calling
// Unsorted gives. The last two observers are combined without a serial
// merge: the smaller's IPv4 keys are looked up in the larger's table in
// parallel, read-only, their sums added in place, and the keys the larger
// does not have are listed; then both are written out in parallel. On 1M
// records of the 10,000-interface account (about 200,000 keys per worker)
// the serial merge was a tenth of the read.
func combined(observers []*Observer) []Observation {
	if len(observers) == 0 {
		return nil
	}
	// More than two (more than two processors): pairs merged in parallel
	// until two are left.
	for len(observers) > 2 {
		var wg sync.WaitGroup
		var next []*Observer
		for i := 0; i < len(observers); i += 2 {
			if i+1 == len(observers) {
				next = append(next, observers[i])
				continue
			}
			a, b := observers[i], observers[i+1]
			wg.Go(func() { a.Merge(b) })
			next = append(next, a)
		}
		wg.Wait()
		observers = next
	}
	if len(observers) == 1 {
		return observers[0].Unsorted()
	}
	a, b := observers[0], observers[1]
	if b.t4.len() > a.t4.len() {
		a, b = b, a
	}
	// b's interfaces as a's; keys with an address that is not IPv4 (few)
	// merged as Merge does.
	remap := a.remap(b)
	a.mergeGeneral(b, remap)
	a.table.flush()
	a.t4.flush()
	b.t4.flush()

	// b's IPv4 keys: found in a, added there; else listed.
	parts := runtime.GOMAXPROCS(0)
	ranges := split(len(b.t4.slots), parts)
	misses := make([][]int32, len(ranges))
	var wg sync.WaitGroup
	for r, rg := range ranges {
		wg.Go(func() {
			var miss []int32
			for i := rg[0]; i < rg[1]; i++ {
				s := &b.t4.slots[i]
				k := s.k
				k.iface = remap[k.iface]
				if sums := a.t4.lookup(&k, k.hash(a.t4.seed)); sums != nil {
					sums.add(&s.slotSums)
				} else {
					miss = append(miss, int32(i))
				}
			}
			misses[r] = miss
		})
	}
	wg.Wait()

	// Written out: a's general keys, a's IPv4 keys, b's IPv4 keys a does
	// not have.
	n := len(a.table.slots)
	n4 := len(a.t4.slots)
	total := n + n4
	for _, m := range misses {
		total += len(m)
	}
	out := make([]Observation, total)
	for i := range a.table.slots {
		s := &a.table.slots[i]
		out[i] = observation(&s.k, &s.slotSums, a.ifaces[s.k.iface])
	}
	for _, rg := range split(n4, parts) {
		wg.Go(func() {
			for i := rg[0]; i < rg[1]; i++ {
				s := &a.t4.slots[i]
				k := s.k.slotKey()
				out[n+i] = observation(&k, &s.slotSums, a.ifaces[k.iface])
			}
		})
	}
	at := n + n4
	for _, m := range misses {
		dst := out[at : at+len(m)]
		at += len(m)
		wg.Go(func() {
			for j, i := range m {
				s := &b.t4.slots[i]
				k := s.k.slotKey()
				k.iface = remap[k.iface]
				dst[j] = observation(&k, &s.slotSums, a.ifaces[k.iface])
			}
		})
	}
	wg.Wait()
	return out
}

// split cuts [0, n) into at most parts ranges of about equal size.
func split(n, parts int) [][2]int {
	var out [][2]int
	size := (n + parts - 1) / max(parts, 1)
	for lo := 0; lo < n; lo += size {
		out = append(out, [2]int{lo, min(lo+size, n)})
	}
	return out
}
