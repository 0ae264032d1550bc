package flowlog

// parseRef is parse as it was before formats were compiled per parser: one
// loop over every column, each delimited byte by byte. FuzzParseLine
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
			v, j, k = numAt(line, i, 127)
			r.Version = int8(v)
		case FieldSrcPort:
			v, j, k = numAt(line, i, 65535)
			r.SrcPort = int32(v)
		case FieldDstPort:
			v, j, k = numAt(line, i, 65535)
			r.DstPort = int32(v)
		case FieldProtocol:
			v, j, k = numAt(line, i, 255)
			r.Protocol = int16(v)
		case FieldPackets:
			r.Packets, j, k = numAt(line, i, 1<<62)
		case FieldBytes:
			r.Bytes, j, k = numAt(line, i, 1<<62)
		case FieldStart:
			r.Start, j, k = numAt(line, i, 1<<62)
		case FieldEnd:
			r.End, j, k = numAt(line, i, 1<<62)
		case FieldTCPFlags:
			v, j, k = numAt(line, i, 1<<15-1)
			r.TCPFlags = int16(v)
		case FieldTrafficPath:
			v, j, k = numAt(line, i, 127)
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
