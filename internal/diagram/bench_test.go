package diagram

import (
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkSVG draws the 10,000-interface synthetic account (synth.Target):
// go test ./internal/diagram -run '^$' -bench SVG -benchtime 3x
func BenchmarkSVG(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		svg, err := SVG(inv, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(svg)), "bytes/svg")
	}
}
