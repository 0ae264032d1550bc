package flows

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/synth"
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
//
// synth: the records the flow-log generator writes for the 10,000-interface
// target account (internal/synth, version 5), as the reader gives them.
func BenchmarkObserve(b *testing.B) {
	const n = 1_000_000
	for _, dist := range []string{"uniform", "zipf", "synth"} {
		b.Run(dist, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			var recs *compact
			switch dist {
			case "uniform":
				recs = compactRecords(randomRecordsPick(rng, n, 10_000, nil))
			case "zipf":
				z := rand.NewZipf(rng, 1.1, 1, 10_000-1)
				recs = compactRecords(randomRecordsPick(rng, n, 10_000, func() int { return int(z.Uint64()) }))
			case "synth":
				recs = compactRecords(synthRecords(b, n))
			}
			ports := ListeningPorts{6: {443: true, 80: true, 8080: true, 3306: true, 6379: true}}
			b.ReportAllocs()
			var keys int
			var r flowlog.Record
			cpu := cpuTime()
			for b.Loop() {
				o := NewObserver(ports)
				for i := range recs.r {
					recs.fill(&r, i)
					o.Add(&r)
				}
				keys = o.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(recs.r)), "ns/record")
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/float64(len(recs.r)), "cpu-ns/record")
			b.ReportMetric(float64(keys), "observations")
		})
	}
}

// synthRecords reads n records of the generator's target account.
func synthRecords(b *testing.B, n int) []flowlog.Record {
	var buf bytes.Buffer
	if err := synth.WriteFlowLog(&buf, synth.Target, synth.FlowLogOptions{Records: n, Format: synth.FlowLogsV5, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	src := flowlog.Source{Name: "synth", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil }}
	var mu sync.Mutex
	var out []flowlog.Record
	_, err := flowlog.Read(context.Background(), []flowlog.Source{src}, flowlog.Options{Workers: 1}, func() flowlog.Sink {
		return sinkFunc(func(r *flowlog.Record) {
			mu.Lock()
			out = append(out, *r)
			mu.Unlock()
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

type sinkFunc func(*flowlog.Record)

func (f sinkFunc) Add(r *flowlog.Record) { f(r) }

// BenchmarkReadObserve is stage 1 end to end in process: 1,000,000
// records of the target account read (plain and gzip, version 2 and 5) by
// flowlog.Read with one Observer per worker, merged into the first.
//
//	go test ./internal/flows -run '^$' -bench ReadObserve -benchmem -benchtime 5x
func BenchmarkReadObserve(b *testing.B) {
	const n = 1_000_000
	for _, c := range []struct {
		name   string
		format synth.FlowLogFormat
		gz     bool
	}{
		{"v2/plain", synth.FlowLogsDefault, false},
		{"v2/gzip", synth.FlowLogsDefault, true},
		{"v5/plain", synth.FlowLogsV5, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			if err := synth.WriteFlowLog(&buf, synth.Target, synth.FlowLogOptions{Records: n, Format: c.format, Gzip: c.gz, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			src := flowlog.Source{Name: "synth", Size: int64(buf.Len()), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil }}
			ports := ListeningPorts{6: {443: true, 80: true, 8080: true, 3306: true, 5432: true, 6379: true}}
			b.ReportAllocs()
			var keys int
			cpu := cpuTime()
			for b.Loop() {
				var mu sync.Mutex
				var obs []*Observer
				st, err := flowlog.Read(context.Background(), []flowlog.Source{src}, flowlog.Options{}, func() flowlog.Sink {
					o := NewObserver(ports)
					mu.Lock()
					obs = append(obs, o)
					mu.Unlock()
					return o
				})
				if err != nil || st.BadLines != 0 {
					b.Fatal(err, st.BadLines)
				}
				all := obs[0]
				for _, o := range obs[1:] {
					all.Merge(o)
				}
				keys = all.Len()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
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
