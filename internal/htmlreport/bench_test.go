package htmlreport

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkWriteLarge writes the report of the synthetic account of
// synth.Target (10,000 interfaces): go test ./internal/htmlreport -run '^$'
// -bench Write -benchmem. It reports the page's size.
func BenchmarkWriteLarge(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	rep := report.Build(inv, check.Run(inv, check.All), check.All)
	in := Input{Lang: i18n.Japanese, Report: rep, Generated: "bench"}
	var buf bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB/page")
	b.ReportMetric(float64(len(rep.Findings)), "findings")
	b.ReportMetric(float64(len(rep.Exposures)), "exposures")
}
