package flowlog

import (
	"math/rand/v2"
	"testing"
)

// parseRef is parse as it was before formats were compiled per parser: one
// loop over every column, each delimited byte by byte. FuzzParseAgainstRef
// holds parse to it: same record, same failure.
func (p *parser) parseRef(f *format, line []byte, r *Record) bad {
	*r = f.tmpl
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	fields := f.fields
	col := 0
	i, n := 0, len(line)
	for {
		for i < n && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= n {
			break
		}
		if col == 0 && n-i >= 20 && line[i+4] == '-' {
			if j := tokenEnd(line, i); isTimestamp(line[i:j]) {
				i = j
				continue
			}
		}
		var j int
		var k badKind
		var v int64
		f := FieldIgnored
		if col < len(fields) {
			if f = fields[col]; p.skip[f] {
				f = FieldIgnored
			}
		}
		switch f {
		case FieldVersion:
			v, j, k = numAtRef(line, i, 127)
			r.Version = int8(v)
		case FieldSrcPort:
			v, j, k = numAtRef(line, i, 65535)
			r.SrcPort = int32(v)
		case FieldDstPort:
			v, j, k = numAtRef(line, i, 65535)
			r.DstPort = int32(v)
		case FieldProtocol:
			v, j, k = numAtRef(line, i, 255)
			r.Protocol = int16(v)
		case FieldPackets:
			r.Packets, j, k = numAtRef(line, i, 1<<62)
		case FieldBytes:
			r.Bytes, j, k = numAtRef(line, i, 1<<62)
		case FieldStart:
			r.Start, j, k = numAtRef(line, i, 1<<62)
		case FieldEnd:
			r.End, j, k = numAtRef(line, i, 1<<62)
		case FieldTCPFlags:
			v, j, k = numAtRef(line, i, 1<<15-1)
			r.TCPFlags = int16(v)
		case FieldTrafficPath:
			v, j, k = numAtRef(line, i, 127)
			r.TrafficPath = int8(v)
		case FieldSrcAddr:
			j, k = addrAt(line, i, &r.SrcAddr)
		case FieldDstAddr:
			j, k = addrAt(line, i, &r.DstAddr)
		case FieldPktSrcAddr:
			j, k = addrAt(line, i, &r.PktSrcAddr)
		case FieldPktDstAddr:
			j, k = addrAt(line, i, &r.PktDstAddr)
		case FieldIgnored:
			j = tokenEnd(line, i)
		default:
			j = tokenEnd(line, i)
			k = p.field(r, f, line[i:j])
		}
		if k != badNone {
			// A wrong number of fields says more than the first field
			// that does not parse.
			if n := col + 1 + countFieldsRef(line[j:]); n != len(fields) {
				return bad{kind: badFieldCount, n: n}
			}
			return bad{kind: k, col: col}
		}
		i = j
		col++
	}
	if col != len(fields) {
		return bad{kind: badFieldCount, n: col}
	}
	return bad{}
}

// countFieldsRef counts the fields of b byte by byte.
func countFieldsRef(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) {
			break
		}
		n++
		for i < len(b) && !isSpace(b[i]) {
			i++
		}
	}
	return n
}

// numAtRef is numAt digit by digit, as it was before it read eight digits
// at a time.
func numAtRef(b []byte, i int, limit int64) (int64, int, badKind) {
	n := len(b)
	j := i
	var v uint64
	for j < n {
		d := b[j] - '0'
		if d > 9 {
			break
		}
		v = v*10 + uint64(d)
		j++
	}
	switch {
	case j == i:
		if b[i] == '-' && (i+1 == n || isSpace(b[i+1])) {
			return -1, i + 1, badNone
		}
		return -1, tokenEnd(b, i), badNumber
	case j < n && !isSpace(b[j]):
		return -1, tokenEnd(b, j), badNumber
	case j-i > 19 || v > uint64(limit): // 19 digits fit in v
		return -1, j, badRange
	}
	return int64(v), j, badNone
}

// TestNumAtAgainstRef: numAt reads what numAtRef reads, on tokens of 0 to
// 30 digits mixed with other bytes, at the end of a line and before
// more fields.
func TestNumAtAgainstRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	alphabet := "0123456789999- x\t:/\xfa\xff"
	for range 200000 {
		b := make([]byte, rng.IntN(32))
		for i := range b {
			if rng.IntN(4) > 0 {
				b[i] = '0' + byte(rng.IntN(10))
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		if rng.IntN(2) == 0 {
			b = append(b, " 1 2 ACCEPT OK"...)
		}
		if len(b) == 0 {
			continue
		}
		for _, limit := range []int64{127, 65535, 1 << 62} {
			v, j, k := numAt(b, 0, limit)
			rv, rj, rk := numAtRef(b, 0, limit)
			if v != rv || j != rj || k != rk {
				t.Fatalf("numAt(%q, %d) = %d %d %d, numAtRef %d %d %d", b, limit, v, j, k, rv, rj, rk)
			}
		}
	}
}
