package flows

import (
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// BenchmarkObserve folds 1,000,000 records of a 10,000-interface account
// (generated in memory) into observations: the in-process stage 1 without
// the reader. As the reader does, one Record is filled per line and
// reused, so the records' memory stays out of the measure. Each iteration
// is the whole million; ns/record is reported.
//
//	go test ./internal/flows -run '^$' -bench Observe -benchmem
//
// uniform: every host talks to 3 random peers, hosts chosen uniformly
// (nearly every record touches a cold observation: the worst case);
// zipf: hosts chosen with a Zipf law (s=1.1), as real traffic concentrates
// on few busy pairs.
func BenchmarkObserve(b *testing.B) {
	const n = 1_000_000
	for _, dist := range []string{"uniform", "zipf"} {
		b.Run(dist, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			var pick func() int
			if dist == "zipf" {
				z := rand.NewZipf(rng, 1.1, 1, 10_000-1)
				pick = func() int { return int(z.Uint64()) }
			}
			recs := compactRecords(randomRecordsPick(rng, n, 10_000, pick))
			ports := ListeningPorts{6: {443: true, 80: true, 8080: true, 3306: true, 6379: true}}
			b.ReportAllocs()
			var keys int
			var r flowlog.Record
			for b.Loop() {
				o := NewObserver(ports)
				for i := range recs.r {
					recs.fill(&r, i)
					o.Add(&r)
				}
				keys = o.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
			b.ReportMetric(float64(keys), "observations")
		})
	}
}

// compact holds records without pointers, so the benchmark's million
// records cost the garbage collector nothing to scan, and with their
// interfaces and addresses in small tables, as a reader's interned strings
// and parsed addresses are.
type compact struct {
	ifaces []string
	addrs  []netip.Addr
	r      []compactRecord
}

type compactRecord struct {
	iface, src, dst       uint32
	sport, dport          int32
	proto, flags          int16
	action                flowlog.Action
	packets, bytes, start int64
}

func compactRecords(in []flowlog.Record) *compact {
	c := &compact{r: make([]compactRecord, len(in))}
	ifaces := map[string]uint32{}
	addrs := map[netip.Addr]uint32{}
	addr := func(a netip.Addr) uint32 {
		j, ok := addrs[a]
		if !ok {
			j = uint32(len(c.addrs))
			addrs[a] = j
			c.addrs = append(c.addrs, a)
		}
		return j
	}
	for i := range in {
		x := &in[i]
		fi, ok := ifaces[x.InterfaceID]
		if !ok {
			fi = uint32(len(c.ifaces))
			ifaces[x.InterfaceID] = fi
			c.ifaces = append(c.ifaces, x.InterfaceID)
		}
		c.r[i] = compactRecord{fi, addr(x.SrcAddr), addr(x.DstAddr), x.SrcPort, x.DstPort, x.Protocol, x.TCPFlags, x.Action, x.Packets, x.Bytes, x.Start}
	}
	return c
}

// fill sets the fields of r that record i has, as the reader would.
func (c *compact) fill(r *flowlog.Record, i int) {
	x := &c.r[i]
	r.Version = 3
	r.InterfaceID = c.ifaces[x.iface]
	r.SrcAddr, r.DstAddr = c.addrs[x.src], c.addrs[x.dst]
	r.SrcPort, r.DstPort, r.Protocol, r.TCPFlags = x.sport, x.dport, x.proto, x.flags
	r.Packets, r.Bytes, r.Start, r.End = x.packets, x.bytes, x.start, x.start+60
	r.Action = x.action
}
