package flowlog

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"
)

func memSource(name string, data []byte) Source {
	return Source{Name: name, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const v2Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

func v2Line(i int) string {
	return fmt.Sprintf("2 123456789010 eni-%017x 10.0.%d.%d 10.1.0.5 %d 443 6 %d %d 1700000000 1700000060 ACCEPT OK", i%500, i/256%256, i%256, 32768+i%20000, 1+i%7, 100+i)
}

// TestMalformedLines: each kind of bad line is counted, kept with its
// line number, text and reason, and does not stop the file.
func TestMalformedLines(t *testing.T) {
	long := "2 123456789010 eni-1 " + strings.Repeat("x", 70000)
	lines := []string{
		v2Header, // 1
		v2Line(1),
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT",      // 3: 13 fields
		"2 123456789010 eni-1 10.0.0.256 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK", // 4: bad address
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 12a 1 1 1 ACCEPT OK", // 5: bad number
		"",               // 6: empty
		v2Line(2) + "\r", // 7: CRLF: fine
		"2 123456789010 eni-\xff\xfe 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK", // 8: not UTF-8
		long,      // 9: too long
		v2Line(3), // 10
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ALLOW OK",      // 11: unknown action
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 70000 2 6 1 1 1 1 ACCEPT OK", // 12: port out of range
		"   \t ", // 13: blank
		"2 123456789010 eni-1 fe80::1%eth0 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",                // 14: zone
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 -5 2 6 1 1 1 1 ACCEPT OK",                   // 15: negative
		`{"message":"` + v2Line(4) + `"}`,                                                   // 16: JSON, fine
		`{"msg":"nothing"}`,                                                                 // 17: JSON without message
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 99999999999999999999 1 1 ACCEPT OK", // 18: 20 digits
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT BROKEN",                // 19: unknown status
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK extra",              // 20: 15 fields
		v2Line(5), // 21, no newline at the end
	}
	data := []byte(strings.Join(lines, "\n"))
	for _, gzipped := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gzipped), func(t *testing.T) {
			d := data
			if gzipped {
				d = gz(t, data)
			}
			recs, st, err := readAll(t, Options{MaxBadLines: 100, Workers: 2}, memSource("m.log", d))
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 5 || st.Records != 5 || st.BlankLines != 2 {
				t.Errorf("records %d (%d), blank %d; want 5, 2", len(recs), st.Records, st.BlankLines)
			}
			want := []struct {
				line   int64
				reason string
			}{
				{3, "13 fields, the format has 14"},
				{4, "field 4 (srcaddr): not an IP address"},
				{5, "field 9 (packets): not a number"},
				{8, "field 3 (interface-id): not UTF-8"},
				{9, "line longer than 65536 bytes"},
				{11, "field 13 (action): unknown value"},
				{12, "field 6 (srcport): number out of range"},
				{14, "field 4 (srcaddr): not an IP address"},
				{15, "field 6 (srcport): not a number"},
				{17, `a JSON line without a string "message"`},
				{18, "field 10 (bytes): number out of range"},
				{19, "field 14 (log-status): unknown value"},
				{20, "15 fields, the format has 14"},
			}
			if st.BadLines != int64(len(want)) || len(st.Bad) != len(want) {
				t.Fatalf("bad lines %d, kept %d, want %d: %+v", st.BadLines, len(st.Bad), len(want), st.Bad)
			}
			for i, w := range want {
				b := st.Bad[i]
				if b.File != "m.log" || b.Line != w.line || b.Reason != w.reason || !utf8.ValidString(b.Text) || len(b.Text) > 200+3 {
					t.Errorf("bad line %d: %+v, want line %d %q", i, b, w.line, w.reason)
				}
			}
			if st.Bad[0].Text != lines[2] || st.Bad[3].Text != "2 123456789010 eni-\uFFFD 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK" ||
				!strings.HasPrefix(long, st.Bad[4].Text) || len(st.Bad[4].Text) != 200 {
				t.Errorf("texts: %q / %q / %q", st.Bad[0].Text, st.Bad[3].Text, st.Bad[4].Text)
			}
		})
	}
	// MaxBadLines keeps the first ones, all are counted.
	_, st, _ := readAll(t, Options{MaxBadLines: 2}, memSource("m.log", data))
	if st.BadLines != 13 || len(st.Bad) != 2 || st.Bad[0].Line != 3 || st.Bad[1].Line != 4 {
		t.Errorf("MaxBadLines 2: %d bad, kept %+v", st.BadLines, st.Bad)
	}
	_, st, _ = readAll(t, Options{}, memSource("m.log", data))
	if len(st.Bad) != 10 {
		t.Errorf("MaxBadLines 0 keeps %d, want 10", len(st.Bad))
	}
}

// TestLinesAcrossChunks: on input of many chunks parsed by several
// workers, every bad line is reported at its line number, a line longer
// than a chunk is one bad line, and a header mid-file that changes the
// format applies to exactly the lines after it.
func TestLinesAcrossChunks(t *testing.T) {
	var b bytes.Buffer
	var wantBad []int64
	var wantBytes, wantRecords int64
	line := int64(0)
	write := func(s string) {
		b.WriteString(s)
		b.WriteByte('\n')
		line++
	}
	write(v2Header)
	custom := "srcaddr bytes interface-id dstaddr log-status version"
	for i := 0; i < 120000; i++ {
		switch {
		case i == 70000:
			write(custom) // the format changes here
		case i == 50000:
			write(strings.Repeat("y", chunkSize+1000))
			wantBad = append(wantBad, line)
		case i%997 == 0:
			write("garbage " + fmt.Sprint(i))
			wantBad = append(wantBad, line)
		case i < 70000:
			write(v2Line(i))
			wantBytes += int64(100 + i)
			wantRecords++
		default:
			write(fmt.Sprintf("10.0.0.%d %d eni-%d 10.9.9.9 OK 5", i%256, i, i%40))
			wantBytes += int64(i)
			wantRecords++
		}
	}
	if b.Len() < 8*chunkSize {
		t.Fatalf("only %d bytes", b.Len())
	}
	for _, gzipped := range []bool{false, true} {
		data := b.Bytes()
		if gzipped {
			data = gz(t, data)
		}
		var mu sync.Mutex
		var total, recs int64
		var hasVersion5 atomic.Bool
		st, err := Read(context.Background(), []Source{memSource("big.log", data)}, Options{Workers: 4, MaxBadLines: 1000}, func() Sink {
			return sinkFunc(func(r *Record) {
				mu.Lock()
				total += r.Bytes
				recs++
				mu.Unlock()
				if r.Version == 5 && r.Has.Has(FieldSrcAddr) && !r.Has.Has(FieldSrcPort) && r.DstAddr == netip.MustParseAddr("10.9.9.9") {
					hasVersion5.Store(true)
				}
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, x := range st.Bad {
			got = append(got, x.Line)
		}
		if !slices.Equal(got, wantBad) || st.BadLines != int64(len(wantBad)) {
			t.Errorf("gzip %v: bad lines at %v…, want %v… (%d, want %d)", gzipped, head(got), head(wantBad), st.BadLines, len(wantBad))
		}
		if recs != wantRecords || st.Records != wantRecords || total != wantBytes || !hasVersion5.Load() {
			t.Errorf("gzip %v: %d records (stats %d), bytes %d; want %d, %d", gzipped, recs, st.Records, total, wantRecords, wantBytes)
		}
	}
}

func head(xs []int64) []int64 { return xs[:min(len(xs), 8)] }

type sinkFunc func(*Record)

func (f sinkFunc) Add(r *Record) { f(r) }

// TestGzipMembers: gzip members concatenated (files joined with cat) are
// read whole; gzip is known by its magic bytes, not by the name.
func TestGzipMembers(t *testing.T) {
	a := gz(t, []byte(v2Header+"\n"+v2Line(1)+"\n"+v2Line(2)+"\n"))
	b := gz(t, []byte("interface-id srcaddr dstaddr\neni-9 10.0.0.1 10.0.0.2\n"))
	recs, st, err := readAll(t, Options{}, memSource("joined.txt", append(slices.Clone(a), b...)),
		memSource("plain.log.gz", []byte(v2Line(3)+"\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || st.BadLines != 0 || st.Files != 2 {
		t.Fatalf("records %d, bad %+v", len(recs), st)
	}
	found := false
	for _, r := range recs {
		found = found || r.InterfaceID == "eni-9" && r.Version == -1 && r.SrcPort == -1
	}
	if !found {
		t.Errorf("the second member's header was not used: %+v", recs)
	}
}

// TestSourceErrors: a truncated gzip file, a Parquet file and a source
// that cannot be opened are errors naming them; the other sources are
// read whole, and the records before a truncation are passed on.
func TestSourceErrors(t *testing.T) {
	var text bytes.Buffer
	text.WriteString(v2Header + "\n")
	for i := 0; i < 20000; i++ {
		text.WriteString(v2Line(i) + "\n")
	}
	full := gz(t, text.Bytes())
	truncated := full[:len(full)/2]
	srcs := []Source{
		memSource("a-good.log", []byte(v2Line(1)+"\n")),
		memSource("b-truncated.log.gz", truncated),
		memSource("c-data.parquet", []byte("PAR1\x15\x04")),
		{Name: "d-missing.log", Open: func() (io.ReadCloser, error) { return nil, os.ErrNotExist }},
		memSource("e-good.log.gz", full),
	}
	recs, st, err := readAll(t, Options{}, srcs...)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{"read b-truncated.log.gz: after line ", "unexpected EOF", "read c-data.parquet: a Parquet file", "open d-missing.log: file does not exist"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error does not wrap the causes: %v", err)
	}
	n := int64(len(recs))
	if n <= 20001 || n >= 40001 || st.BadLines != 0 || st.Files != 4 {
		t.Errorf("records %d (want the 20001 of the good files and some of the truncated one), stats %+v", n, st)
	}
}

// TestCancel: a cancelled context stops the read with its error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, []Source{memSource("a.log", []byte(v2Line(1)))}, Options{}, func() Sink { return sinkFunc(func(*Record) {}) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// TestProgress: the last call reports every byte read.
func TestProgress(t *testing.T) {
	data := gz(t, []byte(v2Line(1)+"\n"+v2Line(2)+"\n"))
	var last atomic.Int64
	st, err := Read(context.Background(), []Source{memSource("a", data), memSource("b", data)},
		Options{Progress: func(n int64) { last.Store(n) }}, func() Sink { return sinkFunc(func(*Record) {}) })
	if err != nil || last.Load() != int64(2*len(data)) || st.Bytes != int64(2*len(data)) {
		t.Errorf("progress %d, stats %d, want %d (%v)", last.Load(), st.Bytes, 2*len(data), err)
	}
}

// TestFormatsAndHeaders: Options.Format reads header-less files; a header
// wins over it; header fields outside versions 2–5 are skipped with a
// note; CloudWatch Logs exports' time prefix is skipped.
func TestFormatsAndHeaders(t *testing.T) {
	nat, err := ParseFormat("${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}")
	if err != nil {
		t.Fatal(err)
	}
	recs, st, err := readAll(t, Options{Format: nat, Workers: 1},
		memSource("nat.log", []byte("- eni-1 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5\n")),
		memSource("header.log", []byte(v2Header+" ecs-task-id future-field\n"+v2Line(7)+" task-1 x\n")),
		memSource("cwl.log", []byte("2024-06-01T10:00:00.000Z - eni-2 10.0.1.5 10.0.0.220 - -\n")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || st.BadLines != 0 {
		t.Fatalf("%d records, %+v", len(recs), st)
	}
	byIface := map[string]Record{}
	for _, r := range recs {
		byIface[r.InterfaceID] = r
	}
	if r := byIface["eni-1"]; r.PktDstAddr != netip.MustParseAddr("203.0.113.5") || r.Version != -1 {
		t.Errorf("nat: %+v", r)
	}
	if r := byIface[fmt.Sprintf("eni-%017x", 7)]; r.Version != 2 || r.Bytes != 107 {
		t.Errorf("header: %+v", r)
	}
	if r := byIface["eni-2"]; r.SrcAddr != netip.MustParseAddr("10.0.1.5") {
		t.Errorf("CloudWatch Logs export: %+v", r)
	}
	if len(st.Notes) != 1 || !strings.Contains(st.Notes[0], "ecs-task-id, future-field; in 1 file(s), the first header.log") {
		t.Errorf("notes: %q", st.Notes)
	}
}

func TestParseFormat(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{in: "${version} ${srcaddr}", want: "${version} ${srcaddr}"},
		{in: "  ${version}\t${ecs-task-id}  ${reject-reason} ", want: "${version} ${-} ${-}"},
		{in: FormatString(AllFields), want: FormatString(AllFields)},
		{in: "", err: `log format "" names no field`},
		{in: "${version} ${srcadr}", err: `log format: token 2 "${srcadr}" is not a flow-log field`},
		{in: "${version} srcaddr", err: `log format: token 2 "srcaddr" is not a field of the form ${name}`},
		{in: "${version} ${srcaddr", err: `log format: token 2 "${srcaddr" is not a field of the form ${name}`},
		{in: "${version}${srcaddr}", err: `log format: token 1 "${version}${srcaddr}" is not a field of the form ${name}`},
		{in: "${version} ${version}", err: `log format: token 2 "${version}" names a field already named`},
		{in: "${}", err: `log format: token 1 "${}" is not a field of the form ${name}`},
	} {
		f, err := ParseFormat(c.in)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("ParseFormat(%q) error %v, want %s", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("ParseFormat(%q): %v", c.in, err)
		case FormatString(f) != c.want:
			t.Errorf("ParseFormat(%q) = %s, want %s", c.in, FormatString(f), c.want)
		}
	}
	for f := FieldVersion; f < fieldCount; f++ {
		if g, ok := ParseField(f.String()); !ok || g != f {
			t.Errorf("ParseField(%s) = %v, %v", f, g, ok)
		}
	}
}

func TestParseHeader(t *testing.T) {
	for _, c := range []struct {
		line   string
		header bool
	}{
		{v2Header, true},
		{"instance-id interface-id srcaddr", true},
		{"ecs-task-id version", true},
		{"version unknown-thing", true},
		{"unknown-thing version", false}, // the first name must be known
		{"version version", false},
		{"Phony unsupported log format.", false},
		{"eni-0a1b srcaddr", false},
		{"- eni-1 10.0.0.1", false},
		{"", false},
	} {
		_, ok := parseHeader([]byte(c.line))
		if ok != c.header {
			t.Errorf("parseHeader(%q) = %v", c.line, ok)
		}
	}
}

// TestWalk: folders are walked in order, reading log files and listing
// the others; a file named explicitly is read whatever its name.
func TestWalk(t *testing.T) {
	dir := t.TempDir()
	files := []string{
		"AWSLogs/1/vpcflowlogs/r/2024/06/02/b.log.gz",
		"AWSLogs/1/vpcflowlogs/r/2024/06/01/z.log.gz",
		"AWSLogs/1/vpcflowlogs/r/2024/06/01/a.log",
		"AWSLogs/1/vpcflowlogs/r/2024/06/01/a.log.parquet",
		"AWSLogs/.DS_Store",
		"AWSLogs/.hidden/c.log",
		"export/000000.gz",
		"export/notes.md",
		"export/x.txt",
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v2Line(1)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	explicit := filepath.Join(dir, "export/notes.md")
	srcs, skipped, err := Walk(dir, explicit, filepath.Join(dir, "export"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		rel, _ := filepath.Rel(dir, s.Name)
		names = append(names, filepath.ToSlash(rel))
		if s.Size == 0 {
			t.Errorf("%s: no size", s.Name)
		}
	}
	want := []string{
		"AWSLogs/1/vpcflowlogs/r/2024/06/01/a.log", "AWSLogs/1/vpcflowlogs/r/2024/06/01/z.log.gz", "AWSLogs/1/vpcflowlogs/r/2024/06/02/b.log.gz",
		"export/000000.gz", "export/x.txt", "export/notes.md",
	}
	if !slices.Equal(names, want) {
		t.Errorf("sources %q\nwant %q", names, want)
	}
	if len(skipped) != 1 || !strings.HasSuffix(skipped[0], "a.log.parquet") {
		t.Errorf("skipped %q, want the Parquet file alone", skipped)
	}
	if _, err := Files(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing path: %v", err)
	}
	_, st := readPaths(t, Options{}, dir)
	if st.Files != 5 || st.Records != 5 {
		t.Errorf("read %+v", st)
	}
}

// lineReader generates n lines of the default format on the fly, each
// with a new interface ID, so the input is never in memory.
type lineReader struct {
	i, n int
	buf  []byte
}

func (l *lineReader) Read(p []byte) (int, error) {
	for len(l.buf) < len(p) && l.i < l.n {
		l.buf = fmt.Appendf(l.buf, "2 123456789010 eni-%017x 10.0.%d.%d 10.1.0.5 %d 443 6 3 %d 1700000000 1700000060 ACCEPT OK\n",
			l.i, l.i/256%256, l.i%256, 32768+l.i%20000, 100+l.i%1000)
		l.i++
	}
	if len(l.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, l.buf)
	l.buf = l.buf[:copy(l.buf, l.buf[n:])]
	return n, nil
}

// TestMemoryFlat: reading a million records, each from a new interface,
// keeps the heap small: chunks come from a bounded pool and the intern
// tables start over.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 110 MB")
	}
	const n = 1_000_000
	var peak atomic.Uint64
	var seen atomic.Int64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		for {
			p := peak.Load()
			if m.HeapInuse <= p || peak.CompareAndSwap(p, m.HeapInuse) {
				return
			}
		}
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	src := Source{Name: "gen", Open: func() (io.ReadCloser, error) { return io.NopCloser(&lineReader{n: n}), nil }}
	st, err := Read(context.Background(), []Source{src}, Options{}, func() Sink {
		return sinkFunc(func(r *Record) {
			if seen.Add(1)%50000 == 0 {
				sample()
			}
		})
	})
	if err != nil || st.Records != n {
		t.Fatalf("%v, %+v", err, st)
	}
	grown := float64(peak.Load()-min(peak.Load(), base.HeapInuse)) / (1 << 20)
	if grown > 40 {
		t.Errorf("heap in use grew by %.1f MB", grown)
	}
	t.Logf("heap in use grew by %.1f MB at most (from %.1f MB)", grown, float64(base.HeapInuse)/(1<<20))
}

// TestCRLF: a file saved with CRLF line endings, header included.
func TestCRLF(t *testing.T) {
	data := strings.ReplaceAll(v2Header+"\n"+v2Line(1)+"\n"+v2Header+"\n"+v2Line(2)+"\n", "\n", "\r\n")
	recs, st, err := readAll(t, Options{Format: []Field{FieldSrcAddr}}, memSource("crlf.log", []byte(data)))
	if err != nil || len(recs) != 2 || st.BadLines != 0 || recs[0].Version != 2 {
		t.Errorf("%v %+v %+v", err, st, recs)
	}
}

// TestBadLinesOrder: kept bad lines are the first in source order, then
// line order, whichever worker found them.
func TestBadLinesOrder(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 30000; i++ {
		a.WriteString(v2Line(i) + "\n")
	}
	a.WriteString("bad a\n")
	b.WriteString("bad b1\n" + v2Line(1) + "\nbad b3\n")
	_, st, err := readAll(t, Options{Workers: 4, MaxBadLines: 2}, memSource("z-first.log", []byte(a.String())), memSource("a-second.log", []byte(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	if st.BadLines != 3 || len(st.Bad) != 2 || st.Bad[0].File != "z-first.log" || st.Bad[0].Line != 30001 || st.Bad[1].File != "a-second.log" || st.Bad[1].Line != 1 {
		t.Errorf("%d bad, kept %+v", st.BadLines, st.Bad)
	}
}

// TestAddrAt: the reader's address parser agrees with netip.ParseAddr
// (zones aside), on tricky and random tokens.
func TestAddrAt(t *testing.T) {
	toks := []string{"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.4x", "1..2.3",
		"::", "::1", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "1.2.3.-", "", "-", ":", "1.2.3.4:80", "1.2.3.1000", "00.1.2.3"}
	r := rand.New(rand.NewPCG(5, 5))
	for range 20000 {
		var b []byte
		for k := range 4 {
			if k > 0 {
				b = append(b, '.')
			}
			b = fmt.Appendf(b, "%0*d", r.IntN(3)+1, r.IntN(300))
		}
		toks = append(toks, string(b))
	}
	for _, tok := range toks {
		var a netip.Addr
		j, k := addrAt([]byte(tok+" next"), 0, &a)
		want, err := netip.ParseAddr(tok)
		ok := err == nil && want.Zone() == "" || tok == "-"
		if (k == badNone) != ok || ok && tok != "-" && a != want || j != len(tok) {
			t.Errorf("addrAt(%q) = %v, %d, end %d; netip: %v, %v", tok, a, k, j, want, err)
		}
	}
}

// TestKeepStrings: with Options.Strings, the other string fields are
// left empty, still checked (not UTF-8 is a bad line), and everything
// else is read as without it.
func TestKeepStrings(t *testing.T) {
	data := v2Header + "\n" + v2Line(1) + "\n" + "2 12345\xff6789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n" + v2Line(2) + "\n"
	all, stAll, err := readAll(t, Options{Workers: 1}, memSource("a.log", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	some, stSome, err := readAll(t, Options{Workers: 1, Strings: []Field{FieldInterfaceID}}, memSource("a.log", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	if stAll.BadLines != 1 || stSome.BadLines != 1 || stAll.Records != 2 || stSome.Records != 2 {
		t.Fatalf("stats %+v, %+v", stAll, stSome)
	}
	for i := range all {
		if all[i].AccountID != "123456789010" || some[i].AccountID != "" {
			t.Errorf("account IDs %q, %q", all[i].AccountID, some[i].AccountID)
		}
		if some[i].InterfaceID == "" {
			t.Errorf("interface ID dropped")
		}
		some[i].AccountID = all[i].AccountID
		if all[i] != some[i] {
			t.Errorf("record %d: %+v, want %+v", i, some[i], all[i])
		}
	}
}

// Options.Only: fields outside it are delimited, not parsed or checked; a
// malformed value there keeps the record (as Athena reads a column a query
// does not use), a wrong number of fields does not.
func TestReadOnly(t *testing.T) {
	data := v2Header + "\n" + v2Line(1) + "\n" +
		"x 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n" + // bad version
		"2 12345\xff6789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n" + // bad account
		"2 123456789010 eni-1 10.0.0.1 bogus 1 2 6 1 1 1 2 ACCEPT OK\n" + // bad dstaddr: read, so bad
		"2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT\n" + // a field short
		v2Line(2) + "\n"
	only := []Field{FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldSrcPort, FieldDstPort, FieldProtocol, FieldAction}
	_, stAll, err := readAll(t, Options{Workers: 1}, memSource("a.log", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	some, stSome, err := readAll(t, Options{Workers: 1, Only: only}, memSource("a.log", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	if stAll.Records != 2 || stAll.BadLines != 4 {
		t.Errorf("every field read: %d records, %d bad lines; want 2 and 4", stAll.Records, stAll.BadLines)
	}
	if stSome.Records != 4 || stSome.BadLines != 2 {
		t.Errorf("Only: %d records, %d bad lines; want 4 and 2", stSome.Records, stSome.BadLines)
	}
	for _, r := range some {
		if !strings.HasPrefix(r.InterfaceID, "eni-") {
			t.Errorf("interface ID %q not read", r.InterfaceID)
		}
		if r.Version != -1 || r.Packets != -1 || r.AccountID != "" {
			t.Errorf("fields outside Only were read: %+v", r)
		}
		if !r.DstAddr.IsValid() || r.Action != ActionAccept {
			t.Errorf("fields in Only not read: %+v", r)
		}
	}
}
