//go:build unix

package athena_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// benchRecords is the scale: 1,000,000 records of the
// 10,000-interface synthetic account (synth.Target).
const benchRecords = 1_000_000

// benchPorts are listening ports of the synthetic account's kind (web,
// application, database, SSH/RDP, node exporter).
var benchPorts = flows.ListeningPorts{6: {22: true, 80: true, 443: true, 3306: true, 3389: true, 5432: true, 8443: true, 9100: true}}

var benchCases = []struct {
	name   string
	format synth.FlowLogFormat
	gz     bool
}{
	{"v2/plain", synth.FlowLogsDefault, false},
	{"v2/gzip", synth.FlowLogsDefault, true},
	{"v5/plain", synth.FlowLogsV5, false},
	{"v5/gzip", synth.FlowLogsV5, true},
}

// benchFile writes the records as one file (S3 delivery's one-file shape,
// header line first) and returns its path and size.
func benchFile(b *testing.B, format synth.FlowLogFormat, gz bool) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "flows.log")
	if gz {
		path += ".gz"
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.WriteFlowLog(f, synth.Target, synth.FlowLogOptions{Records: benchRecords, Format: format, Gzip: gz, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(path)
	return path, info.Size()
}

// BenchmarkInProcessObserve is stage 1 in process: flowlog.Read over the
// file on disk into one flows.Observer per worker, merged into the first,
// and its Observations (every observation in Go, sorted).
//
//	go test ./internal/flows/athena -run '^$' -bench Observe -benchtime 5x
func BenchmarkInProcessObserve(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			path, size := benchFile(b, c.format, c.gz)
			b.SetBytes(size)
			var n int
			cpu := cpuTime()
			for b.Loop() {
				obs, _, err := flows.ReadObservationsUnsorted(context.Background(), []flowlog.Source{{Name: path, Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}}, flowlog.Options{}, benchPorts)
				if err != nil {
					b.Fatal(err)
				}
				n = len(obs) // as the flows command reads (ReadObservationsUnsorted)
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(n), "observations")
		})
	}
}

// BenchmarkDuckDBObserve is the same aggregation by DuckDB: the Athena
// query over a view that reads the same file with read_csv (typed
// columns, as fast as DuckDB reads text). "rows" fetches every row into
// Go values through database/sql, as the in-process path ends with every
// observation in Go; "count" leaves the rows in DuckDB and fetches only
// their number (the aggregation alone).
//
//	go test ./internal/flows/athena -run '^$' -bench Observe -benchtime 3x
func BenchmarkDuckDBObserve(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			path, size := benchFile(b, c.format, c.gz)
			db, query := duckQuery(b, c.format, path)
			b.Run("rows", func(b *testing.B) {
				b.SetBytes(size)
				var n int
				cpu := cpuTime()
				for b.Loop() {
					n = duckRows(b, db, query)
				}
				reportCPU(b, cpu)
				b.ReportMetric(float64(n), "observations")
			})
			b.Run("count", func(b *testing.B) {
				b.SetBytes(size)
				var n int
				cpu := cpuTime()
				for b.Loop() {
					if err := db.QueryRow("SELECT count(*) FROM (\n" + query + ") AS observations").Scan(&n); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
				b.ReportMetric(float64(n), "observations")
			})
		})
	}
}

// BenchmarkSpeedup is the comparison made in pairs: each
// iteration reads the file in process (as BenchmarkInProcessObserve) and
// then runs DuckDB's "rows" (as BenchmarkDuckDBObserve), back to back, so
// that both meet the same machine: on a shared 2-core machine the speed
// of the processor drifts by a fifth within a minute, which separate
// benchmarks turn into noise in their ratio. It reports each side's
// median and the median of the per-pair ratios ("speedup").
//
//	go test ./internal/flows/athena -run '^$' -bench Speedup -benchtime 9x
func BenchmarkSpeedup(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			path, size := benchFile(b, c.format, c.gz)
			src := []flowlog.Source{{Name: path, Size: size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}}
			db, query := duckQuery(b, c.format, path)
			var ours, duck, ratio []float64
			for b.Loop() {
				t0 := time.Now()
				obs, _, err := flows.ReadObservationsUnsorted(context.Background(), src, flowlog.Options{}, benchPorts)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				n := duckRows(b, db, query)
				t2 := time.Now()
				if n != len(obs) {
					b.Fatalf("DuckDB gives %d observations, the reader %d", n, len(obs))
				}
				ours = append(ours, t1.Sub(t0).Seconds())
				duck = append(duck, t2.Sub(t1).Seconds())
				ratio = append(ratio, t2.Sub(t1).Seconds()/t1.Sub(t0).Seconds())
			}
			b.ReportMetric(median(ours), "in-process-s")
			b.ReportMetric(median(duck), "duckdb-s")
			b.ReportMetric(median(ratio), "speedup")
			b.ReportMetric(slices.Min(ratio), "min-speedup")
		})
	}
}

func median(x []float64) float64 {
	x = slices.Clone(x)
	slices.Sort(x)
	if len(x) == 0 {
		return 0
	}
	return x[len(x)/2]
}

// duckQuery opens DuckDB with a view of the file at path and returns the
// Athena query over it.
func duckQuery(b *testing.B, format synth.FlowLogFormat, path string) (*sql.DB, string) {
	db := openDuckDB(b)
	fields := format.Fields()
	createDirectView(b, db, "flow_logs", fields, path, "2024-06-03")
	query, err := athena.SQL("flow_logs", benchPorts, athena.Fields(fields...))
	if err != nil {
		b.Fatal(err)
	}
	return db, query
}

// duckRows runs query and reads every row into Go values.
func duckRows(b *testing.B, db *sql.DB, query string) int {
	rows, err := db.Query(query)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var (
		iface, client, server, action, basis string
		proto, port                          int64
		clientIsSrc                          bool
		sums                                 [6]int64
	)
	n := 0
	for rows.Next() {
		if err := rows.Scan(&iface, &client, &server, &proto, &port, &clientIsSrc, &action, &basis, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4], &sums[5]); err != nil {
			b.Fatal(fmt.Errorf("scan: %w", err))
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// cpuTime is the process's CPU time so far (user and system, all
// threads, DuckDB's too): a measure that other work on the machine
// disturbs less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
