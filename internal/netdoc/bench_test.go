package netdoc

import (
	"io"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkWriteTarget writes the document of the synthetic scale target
// (10,000 interfaces, 2,000 groups, 20 VPCs):
//
//	go test ./internal/netdoc -run '^$' -bench Write -benchmem
func BenchmarkWriteTarget(b *testing.B) {
	dir := b.TempDir()
	if err := synth.WriteAccount(dir, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	var n countWriter
	b.ResetTimer()
	for b.Loop() {
		n = 0
		if err := Write(&n, inv, nil, i18n.English); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "bytes/doc")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
