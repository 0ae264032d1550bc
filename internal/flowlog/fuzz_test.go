package flowlog

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// fuzzFormats are the formats the fuzzers parse lines in.
var fuzzFormats = [][]Field{
	DefaultFormat,
	AllFields,
	{FieldInstanceID, FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldPktSrcAddr, FieldPktDstAddr},
	{FieldVersion, FieldIgnored, FieldSrcAddr, FieldIgnored, FieldTCPFlags, FieldLogStatus},
}

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		v2Line(1),
		"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
		"2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
		"5 64111117617 eni-069xxxxxb7a490 89.160.20.156 10.200.0.0 50041 33004 17 52 1 164000066 1640000297 REJECT OK vpc-09676f97xxxxxb8a7 subnet-02d645xxxxxxxdbc0 i-0axxxxxx1ad77 1 IPv4 89.160.20.156 10.200.0.80 us-east-1 use1-az5 - - AMAZON CLOUDFRONT ingress 1",
		"- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5",
		"3 x 10.0.0.1 y 19 SKIPDATA",
		"2024-06-01T10:00:00.000Z 2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\r",
		"2  1\teni-1 ::ffff:10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",
		"2 1 eni-\xff 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",
		"2 1 eni-1 010.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 99999999999999999999 1 1 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 999999999999999999999999999999 1 1 ACCEPT OK",
		"2 1 eni-1 10.0.0.1 10.0.0.2 12345678 2 6 1 18446744073709551616 1 1 ACCEPT OK",
		"",
		"   ",
		v2Header,
	} {
		for i := range 4 * len(fuzzFormats) {
			f.Add(s, uint8(i))
		}
	}
}

// fuzzObserved are fields a sink reads (Options.Only) in the fuzzers'
// variants: those of flows.Observer.
var fuzzObserved = []Field{FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldSrcPort, FieldDstPort, FieldProtocol,
	FieldPackets, FieldBytes, FieldStart, FieldEnd, FieldAction, FieldLogStatus, FieldTCPFlags}

// FuzzParseLine: the line parser never panics; it gives the record and
// the failure parseRef (every column walked byte by byte) gives, with and
// without Options.Only and Options.Strings; countFields counts as
// countFieldsRef; and a line it accepts, written back with AppendLine,
// parses to the same record. which picks the format and the options. CI
// runs it for a bounded time (.ci/run); go test runs the seeds.
func FuzzParseLine(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, line string, which uint8) {
		fields := fuzzFormats[int(which)%len(fuzzFormats)]
		opts := int(which) / len(fuzzFormats) % 4
		fm := newFormat(fields)
		p, ref := newParser(), newParser()
		ref.ns = p.ns // the same numbering, for records to compare equal
		if opts&1 != 0 {
			p.readOnly(fuzzObserved)
			ref.readOnly(fuzzObserved)
		}
		if opts&2 != 0 {
			p.keepOnly([]Field{FieldInterfaceID})
			ref.keepOnly([]Field{FieldInterfaceID})
		}
		var r, rr Record
		b := p.parse(fm, []byte(line), &r)
		if rb := ref.parseRef(fm, []byte(line), &rr); b != rb || r != rr {
			t.Fatalf("%q (options %d): parse gives %+v %+v\nparseRef gives %+v %+v", line, opts, b, r, rb, rr)
		}
		if got, want := countFields([]byte(line)), countFieldsRef([]byte(line)); got != want {
			t.Fatalf("countFields(%q) = %d, want %d", line, got, want)
		}
		_ = b.reason(fm)
		parseHeader([]byte(line))
		if b.kind != badNone || opts != 0 {
			return
		}
		if r.Has != fm.tmpl.Has {
			t.Fatalf("Has %b, want %b", r.Has, fm.tmpl.Has)
		}
		out := AppendLine(nil, &r, fields)
		if bytes.HasSuffix(out, []byte("\r")) {
			return // a string field ending in CR: the parser drops a line's last CR
		}
		var again Record
		p2 := newParser()
		p2.ns = p.ns
		if b := p2.parse(fm, out, &again); b.kind != badNone {
			t.Fatalf("%q written back as %q does not parse: %s", line, out, b.reason(fm))
		}
		if again != r {
			t.Fatalf("%q written back as %q parses differently:\n%+v\n%+v", line, out, r, again)
		}
	})
}

// FuzzRead: the whole reader, on any bytes as a file (plain, or a header
// and then the bytes), never panics and accounts for every line.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		v2Header + "\n" + v2Line(1) + "\n\n" + v2Line(2),
		"instance-id interface-id srcaddr\n- eni-1 10.0.0.1\nversion srcaddr\n5 ::1\n",
		"{\"message\":\"" + v2Line(3) + "\"}\n{\"message\":1}\n{",
		"\x1f\x8b\x08\x00garbage",
		"PAR1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		st, _ := Read(context.Background(), []Source{memSource("f", []byte(data))}, Options{Workers: 2, MaxBadLines: 3},
			func() Sink { return sinkFunc(func(*Record) {}) })
		if strings.HasPrefix(data, "\x1f\x8b") || strings.HasPrefix(data, "PAR1") {
			return
		}
		lines := int64(strings.Count(data, "\n"))
		if data != "" && !strings.HasSuffix(data, "\n") {
			lines++
		}
		if got := st.Records + st.NoData + st.SkipData + st.BadLines + st.BlankLines; got > lines {
			t.Fatalf("%d lines accounted for, the input has %d", got, lines)
		}
		if len(st.Bad) > 3 || int64(len(st.Bad)) > st.BadLines {
			t.Fatalf("kept %d bad lines of %d", len(st.Bad), st.BadLines)
		}
	})
}
