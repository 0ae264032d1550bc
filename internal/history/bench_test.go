package history

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// bigReport is a scan of one account with n findings and n exposures,
// the size of a large account's scan (internal/synth's 5000-interface
// account reports about that many).
func bigReport(n, variant int) *report.Report {
	fs := make([]report.Finding, 0, n)
	xs := make([]report.Exposure, 0, n)
	for i := range n {
		// A tenth of the findings and exposures change from one variant to the next.
		id := i
		if i%10 == 0 {
			id = i + variant*n
		}
		fs = append(fs, finding("sg-world-open-port", []string{"critical", "high", "medium", "low", "info"}[i%5], fmt.Sprintf("sg-%08d", id)))
		xs = append(xs, exposure(fmt.Sprintf("i-%08d", id), 1024+i%1000))
	}
	return scanOf(fs, xs...)
}

// BenchmarkRecord stores one scan of 5000 findings and 5000 exposures.
//
//	go test ./internal/history -run '^$' -bench . -benchtime 5x
func BenchmarkRecord(b *testing.B) {
	h, err := Open(filepath.Join(b.TempDir(), "history.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	rep := bigReport(5000, 0)
	b.ResetTimer()
	for i := range b.N {
		if _, err := h.Record(rep, day.Add(time.Duration(i)*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistory reads what `vpcdoctor history` reads from a year of
// daily scans of 500 findings and exposures each: the scans, the last
// two compared, the drift.
func BenchmarkHistory(b *testing.B) {
	h, err := Open(filepath.Join(b.TempDir(), "history.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	var ids []int64
	for d := range 365 {
		got, err := h.Record(bigReport(500, d), day.Add(time.Duration(d)*24*time.Hour))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, got...)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := h.Scans(""); err != nil {
			b.Fatal(err)
		}
		c, err := h.Compare(ids[len(ids)-2], ids[len(ids)-1])
		if err != nil {
			b.Fatal(err)
		}
		if len(c.Appeared) != 50 || len(c.Disappeared) != 50 {
			b.Fatalf("appeared %d, disappeared %d; want 50 and 50", len(c.Appeared), len(c.Disappeared))
		}
		if _, err := h.Drift(""); err != nil {
			b.Fatal(err)
		}
	}
}
