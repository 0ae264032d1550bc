package flowlog_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/gunzip"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// count is the trivial sink of the benchmarks: it reads a few fields, as
// any real sink would, so that nothing is optimised away.
type count struct {
	n     int64
	bytes int64
}

func (c *count) Add(r *flowlog.Record) {
	c.n++
	c.bytes += r.Bytes + int64(r.DstPort) + int64(len(r.InterfaceID))
}

var benchData sync.Map // key → []byte

// benchFile returns records generated for the 10,000-interface target
// account (synth.Target) as one file.
func benchFile(b *testing.B, records int, format synth.FlowLogFormat, gz bool) []byte {
	key := fmt.Sprint(records, format, gz)
	if d, ok := benchData.Load(key); ok {
		return d.([]byte)
	}
	var buf bytes.Buffer
	if err := synth.WriteFlowLog(&buf, synth.Target, synth.FlowLogOptions{Records: records, Format: format, Gzip: gz, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	benchData.Store(key, buf.Bytes())
	return buf.Bytes()
}

func memSource(name string, data []byte) flowlog.Source {
	return flowlog.Source{Name: name, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

// BenchmarkRead reads 1,000,000 records of the target account (one file;
// and split into 10 files) with a counting sink:
//
//	go test ./internal/flowlog -run '^$' -bench Read -benchmem -benchtime 5x
func BenchmarkRead(b *testing.B) {
	const records = 1_000_000
	for _, c := range []struct {
		name   string
		format synth.FlowLogFormat
		gz     bool
		files  int
	}{
		{"v2/plain", synth.FlowLogsDefault, false, 1},
		{"v2/gzip", synth.FlowLogsDefault, true, 1},
		{"v2/gzip-10-files", synth.FlowLogsDefault, true, 10},
		{"v5/plain", synth.FlowLogsV5, false, 1},
		{"v5/gzip", synth.FlowLogsV5, true, 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			var srcs []flowlog.Source
			size := 0
			for i := range c.files {
				// The same file each time: the cost of reading is what
				// matters.
				data := benchFile(b, records/c.files, c.format, c.gz)
				srcs = append(srcs, memSource(fmt.Sprintf("file-%d", i), data))
				size += len(data)
			}
			text := int64(len(benchFile(b, records, c.format, false)))
			b.ReportAllocs()
			cpu := flowlog.CPUTime()
			for b.Loop() {
				var mu sync.Mutex
				var sinks []*count
				st, err := flowlog.Read(context.Background(), srcs, flowlog.Options{}, func() flowlog.Sink {
					c := &count{}
					mu.Lock()
					sinks = append(sinks, c)
					mu.Unlock()
					return c
				})
				if err != nil {
					b.Fatal(err)
				}
				var n int64
				for _, s := range sinks {
					n += s.n
				}
				if n != st.Records || st.BadLines != 0 || st.Records+st.NoData+st.SkipData != records {
					b.Fatalf("%d records in sinks, stats %+v", n, st)
				}
			}
			b.ReportMetric(float64(flowlog.CPUTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(records/secs, "records/s")
			b.ReportMetric(float64(text)/secs/1e6, "text-MB/s")
			b.ReportMetric(float64(size)/records, "stored-B/record")
		})
	}
}

// BenchmarkInflate decompresses 1,000,000 version-5 records of the target
// account, gzip (24 MB in, 245 MB out), with internal/gunzip (as Read
// does) and with klauspost/compress, each from a 64 KiB bufio.Reader as
// Read reads files, into 512 KiB buffers as Read's chunks:
//
//	go test ./internal/flowlog -run '^$' -bench Inflate -benchtime 5x
func BenchmarkInflate(b *testing.B) {
	stream := benchFile(b, 1_000_000, synth.FlowLogsV5, true)
	buf := make([]byte, 512<<10)
	for _, c := range []struct {
		name string
		open func(io.Reader) (io.Reader, error)
	}{
		{"gunzip", func(r io.Reader) (io.Reader, error) { return gunzip.NewReader(r) }},
		{"klauspost", func(r io.Reader) (io.Reader, error) { return kgzip.NewReader(r) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			cpu := flowlog.CPUTime()
			for b.Loop() {
				z, err := c.open(bufio.NewReaderSize(bytes.NewReader(stream), 64<<10))
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := io.ReadFull(z, buf); err == io.EOF || err == io.ErrUnexpectedEOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(flowlog.CPUTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
