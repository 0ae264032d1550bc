package flows

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkObserve folds 1,000,000 records of a 10,000-interface account
// (generated in memory) into observations: the in-process stage 1 without
// the reader. Each iteration is the whole million; ns/record is reported.
//
//	go test ./internal/flows -run '^$' -bench Observe -benchmem
func BenchmarkObserve(b *testing.B) {
	const n = 1_000_000
	recs := randomRecords(rand.New(rand.NewPCG(7, 8)), n, 10_000)
	ports := ListeningPorts{6: {443: true, 80: true, 8080: true, 3306: true, 6379: true}}
	b.ReportAllocs()
	b.ResetTimer()
	var keys int
	for b.Loop() {
		o := NewObserver(ports)
		for i := range recs {
			o.Add(&recs[i])
		}
		keys = o.Len()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/record")
	b.ReportMetric(float64(keys), "observations")
}
