package flowlog

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// format is a format ready for parsing: the column fields and a record
// carrying what a line of the format leaves unset. It is built once per
// header (or per Read for headerless files) and shared read-only by the
// workers.
type format struct {
	fields []Field
	tmpl   Record
	header []byte // the header line it came from; nil for Options.Format
}

func newFormat(fields []Field) *format {
	f := &format{fields: fields}
	f.tmpl = Record{
		Version: -1, SrcPort: -1, DstPort: -1, Protocol: -1, Packets: -1, Bytes: -1,
		Start: -1, End: -1, TCPFlags: -1, TrafficPath: -1,
	}
	for _, x := range fields {
		if x != FieldIgnored {
			f.tmpl.Has |= 1 << x
		}
	}
	return f
}

// badKind says why a line did not parse; with bad's col and n it makes
// the reason, which is written out only for the lines kept.
type badKind uint8

const (
	badNone badKind = iota
	badFieldCount
	badNumber
	badRange
	badAddr
	badValue
	badUTF8
	badTooLong
	badJSON
)

// bad is a parse failure: which column (0-based) and, for badFieldCount,
// how many fields the line had.
type bad struct {
	kind badKind
	col  int
	n    int
}

func (b bad) reason(f *format) string {
	name := func() string {
		if f != nil && b.col < len(f.fields) {
			return f.fields[b.col].String()
		}
		return "?"
	}
	switch b.kind {
	case badFieldCount:
		return fmt.Sprintf("%d fields, the format has %d", b.n, len(f.fields))
	case badNumber:
		return fmt.Sprintf("field %d (%s): not a number", b.col+1, name())
	case badRange:
		return fmt.Sprintf("field %d (%s): number out of range", b.col+1, name())
	case badAddr:
		return fmt.Sprintf("field %d (%s): not an IP address", b.col+1, name())
	case badValue:
		return fmt.Sprintf("field %d (%s): unknown value", b.col+1, name())
	case badUTF8:
		return fmt.Sprintf("field %d (%s): not UTF-8", b.col+1, name())
	case badTooLong:
		return fmt.Sprintf("line longer than %d bytes", maxLine)
	case badJSON:
		return "a JSON line without a string \"message\""
	}
	return "unparsable"
}

// maxIntern bounds the strings interned per field; past it the field's
// table starts over (the strings handed out stay valid), so memory stays
// flat whatever the input.
const maxIntern = 1 << 15

// maxProbes bounds the search of an intern table: a value whose search
// is longer (the table crowded by values of one hash) is returned
// without being interned, so crafted input cannot make lookups slow.
const maxProbes = 16

// parser parses lines of one worker. It interns the string fields, so
// that a record's strings cost nothing after their first sighting, in one
// table per field (the few VPC or subnet IDs stay in cache while the
// many interface IDs do not); it is not safe for concurrent use.
type parser struct {
	tabs  [fieldCount]internTable
	last  [fieldCount]string // the previous value of each string field
	lastN [fieldCount]uint32 // and its number
	nextN uint64             // the last number given (Record.InterfaceN)
	ns    uint32             // this parser's numbering (Record.Numbering)
	drop  [fieldCount]bool   // string fields checked but not kept (Options.Strings)
	skip  [fieldCount]bool   // fields only delimited (not in Options.Only)
	prog  *program           // the last format compiled
}

// internTable is a set of strings by open addressing, each with its
// number.
type internTable struct {
	slots []internSlot // a power of two long, at most half full
	n     int
}

type internSlot struct {
	s string
	n uint32
}

// numberings hands out parsers' numberings: unique in the process (until
// 2³² parsers, after which they repeat; a sink sees a few at most).
var numberings atomic.Uint32

func newParser() *parser { return &parser{ns: numberings.Add(1)} }

// keepOnly makes p leave empty every string field not in keep (nil keeps
// them all); the dropped fields are still checked.
func (p *parser) keepOnly(keep []Field) {
	if keep == nil {
		return
	}
	for f := range p.drop {
		p.drop[f] = true
	}
	for _, f := range keep {
		if f < fieldCount {
			p.drop[f] = false
		}
	}
}

// readOnly makes p delimit, and neither parse nor check, every field not
// in only (nil reads them all).
func (p *parser) readOnly(only []Field) {
	if only == nil {
		return
	}
	for f := range p.skip {
		p.skip[f] = f != int(FieldIgnored)
	}
	for _, f := range only {
		if f < fieldCount {
			p.skip[f] = false
		}
	}
	p.prog = nil
}

// hashBytes mixes the first and last 8 bytes and the length: enough for
// AWS IDs, whose ends differ.
func hashBytes(b []byte) uint64 {
	var x uint64
	if n := len(b); n >= 8 {
		x = binary.LittleEndian.Uint64(b[n-8:]) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b), 31)
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	// murmur3's finaliser
	x ^= uint64(len(b))
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	return x ^ x>>33
}

// intern returns b as a string, the same string for the same bytes of
// field f, and its number: a number is given to one string only, but a
// string may get a new number when its table has started over (0 when it
// was not interned). ok is false when b is not UTF-8.
func (p *parser) intern(f Field, b []byte) (string, uint32, bool) {
	if string(b) == p.last[f] {
		return p.last[f], p.lastN[f], true
	}
	t := &p.tabs[f]
	if t.slots == nil {
		t.slots = make([]internSlot, 64)
	}
	mask := uint64(len(t.slots) - 1)
	h := hashBytes(b)
	for i, k := h&mask, 0; k < maxProbes; i, k = (i+1)&mask, k+1 {
		e := &t.slots[i]
		if e.s == "" {
			if !utf8.Valid(b) {
				return "", 0, false
			}
			var n uint32 // 0 after 2³²−1 numbers: numbering stops
			if p.nextN < math.MaxUint32 {
				p.nextN++
				n = uint32(p.nextN)
			}
			s := string(b)
			t.insert(i, internSlot{s, n})
			p.last[f], p.lastN[f] = s, n
			return s, n, true
		}
		if e.s == string(b) {
			p.last[f], p.lastN[f] = e.s, e.n
			return e.s, e.n, true
		}
	}
	if !utf8.Valid(b) {
		return "", 0, false
	}
	return string(b), 0, true
}

// insert puts e in the empty slot i, growing the table to keep it at
// most half full, or emptying it at maxIntern.
func (t *internTable) insert(i uint64, e internSlot) {
	if t.n+1 > len(t.slots)/2 {
		if len(t.slots) >= 2*maxIntern {
			clear(t.slots)
			t.n = 0
		} else {
			old := t.slots
			t.slots = make([]internSlot, 2*len(old))
			t.n = 0
			for _, x := range old {
				if x.s != "" {
					t.place(x)
				}
			}
		}
		t.place(e)
		return
	}
	t.slots[i] = e
	t.n++
}

func (t *internTable) place(e internSlot) {
	mask := uint64(len(t.slots) - 1)
	h := hashBytes(unsafe.Slice(unsafe.StringData(e.s), len(e.s)))
	for i, k := h&mask, 0; k < maxProbes; i, k = (i+1)&mask, k+1 {
		if t.slots[i].s == "" {
			t.slots[i] = e
			t.n++
			return
		}
	}
}

// program is a format compiled for one parser: the columns the parser
// reads, each with the number of columns before it that are only
// delimited. Columns after the last step are only counted.
type program struct {
	f     *format
	steps []step
}

type step struct {
	skip  int // columns only delimited before this one
	field Field
}

// compile returns f's program for p, remembering the last one (a format
// changes only at a header line).
func (p *parser) compile(f *format) *program {
	if p.prog != nil && p.prog.f == f {
		return p.prog
	}
	pr := &program{f: f}
	skip := 0
	for _, x := range f.fields {
		if x == FieldIgnored || p.skip[x] {
			skip++
			continue
		}
		pr.steps = append(pr.steps, step{skip: skip, field: x})
		skip = 0
	}
	p.prog = pr
	return pr
}

// parse reads line (without its newline) in format f into r. It
// allocates only at the first sighting of a string value (and for the
// error of a bad IPv6 address). A line's fields are separated by runs of
// spaces or tabs; a trailing CR is ignored; a first field that is an RFC
// 3339 time (the prefix of a CloudWatch Logs export to S3) is skipped. A
// line with no field is badFieldCount with n 0: the caller counts it as
// blank.
//
// It walks f's program for p: the columns p reads are parsed, the ones
// before them only delimited, and the ones after the last counted eight
// bytes at a time (countFields), so a version-5 line of which the flows
// command reads half costs half.
func (p *parser) parse(f *format, line []byte, r *Record) bad {
	*r = f.tmpl
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	pr := p.compile(f)
	n := len(line)
	i := skipSpace(line, 0)
	for n-i >= 20 && line[i+4] == '-' {
		j := tokenEnd(line, i)
		if !isTimestamp(line[i:j]) {
			break
		}
		i = skipSpace(line, j)
	}
	col := 0
	for _, s := range pr.steps {
		if s.skip > 0 {
			for range s.skip {
				if i >= n {
					return bad{kind: badFieldCount, n: col}
				}
				i = skipSpace(line, tokenEnd(line, i))
				col++
			}
		}
		if i >= n {
			return bad{kind: badFieldCount, n: col}
		}
		// The field's value (inline: a call per field cost a tenth).
		var j int
		var k badKind
		var v int64
		switch s.field {
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
		default:
			j = tokenEnd(line, i)
			k = p.field(r, s.field, line[i:j])
		}
		if k != badNone {
			// A wrong number of fields says more than the first field
			// that does not parse.
			if c := col + 1 + countFields(line[j:]); c != len(f.fields) {
				return bad{kind: badFieldCount, n: c}
			}
			return bad{kind: k, col: col}
		}
		col++
		i = skipSpace(line, j)
	}
	if col += countFields(line[i:]); col != len(f.fields) {
		return bad{kind: badFieldCount, n: col}
	}
	return bad{}
}

// skipSpace returns the index of the first byte at or after i that is
// not a space or tab, or len(b).
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// SWAR constants: one in each byte, the high bit of each byte.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// tokenEnd returns the index of the first space or tab at or after i, or
// len(b): eight bytes at a time.
func tokenEnd(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		s, t := x^(' '*lo8), x^('\t'*lo8)
		// The lowest byte flagged is the first zero byte of s or t.
		if m := ((s-lo8)&^s | (t-lo8)&^t) & hi8; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	return i
}

// numAt reads a decimal number 0..limit, or "-" (-1), at b[i:].
func numAt(b []byte, i int, limit int64) (int64, int, badKind) {
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

// addrAt reads an address at b[i:]: an IPv4 address as netip reads it
// (no leading zeros), octet by octet unrolled, in the same pass that
// finds its end; anything else (IPv6, "-", errors) by addr.
func addrAt(b []byte, i int, a *netip.Addr) (int, badKind) {
	n := len(b)
	var v uint32
	j := i
	for k := 0; k < 4; k++ {
		if k > 0 {
			if j >= n || b[j] != '.' {
				goto other
			}
			j++
		}
		if j >= n {
			goto other
		}
		d0 := uint32(b[j] - '0')
		if d0 > 9 {
			goto other
		}
		x := d0
		j++
		if j < n {
			if d1 := uint32(b[j] - '0'); d1 <= 9 {
				if d0 == 0 {
					goto other
				}
				x = x*10 + d1
				j++
				if j < n {
					if d2 := uint32(b[j] - '0'); d2 <= 9 {
						x = x*10 + d2
						j++
						if x > 255 {
							goto other
						}
					}
				}
			}
		}
		v = v<<8 | x
	}
	if j == n || isSpace(b[j]) {
		*a = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		return j, badNone
	}
other:
	j = tokenEnd(b, i)
	return j, addr(b[i:j], a)
}

// countFields returns the number of fields of b (runs of bytes other
// than space and tab), eight bytes at a time: a field starts at a byte
// that is not a separator after one that is (or at b's start).
func countFields(b []byte) int {
	n := 0
	var prev uint64 // 0x80 when the byte before the word is not a separator
	i := 0
	for ; i+8 <= len(b); i += 8 {
		ns := ^sepBytes(binary.LittleEndian.Uint64(b[i:])) & hi8
		n += bits.OnesCount64(ns &^ (ns<<8 | prev))
		prev = ns >> 56
	}
	if i < len(b) {
		tail := [8]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
		copy(tail[:], b[i:])
		ns := ^sepBytes(binary.LittleEndian.Uint64(tail[:])) & hi8
		n += bits.OnesCount64(ns &^ (ns<<8 | prev))
	}
	return n
}

// sepBytes returns the high bit of each byte of x that is a space or a
// tab. Unlike tokenEnd's test, which is exact only for the lowest byte
// it flags, it is exact for every byte: adding 0x7f to the low seven bits
// cannot carry into the next byte.
func sepBytes(x uint64) uint64 {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	s, t := x^(' '*lo8), x^('\t'*lo8)
	// A byte of s (or t) is zero, a separator, when neither its high bit
	// nor the carry out of its low seven bits is set.
	return (^(s&lo7 + lo7 | s) | ^(t&lo7 + lo7 | t)) & hi8
}

// isTimestamp reports whether tok looks like 2024-06-01T10:00:00.000Z.
func isTimestamp(tok []byte) bool {
	return len(tok) >= 20 && tok[4] == '-' && tok[7] == '-' && tok[10] == 'T' && tok[13] == ':'
}

func isDash(tok []byte) bool { return len(tok) == 1 && tok[0] == '-' }

// field stores one token of a field fieldAt does not read itself: the
// words (action, log-status, flow-direction) and the strings.
func (p *parser) field(r *Record, f Field, tok []byte) badKind {
	switch f {
	case FieldIgnored:
		return badNone
	case FieldAction:
		switch string(tok) {
		case "ACCEPT":
			r.Action = ActionAccept
		case "REJECT":
			r.Action = ActionReject
		case "-":
		default:
			return badValue
		}
		return badNone
	case FieldLogStatus:
		switch string(tok) {
		case "OK", "-":
		case "NODATA":
			r.LogStatus = StatusNoData
		case "SKIPDATA":
			r.LogStatus = StatusSkipData
		default:
			return badValue
		}
		return badNone
	case FieldFlowDirection:
		switch string(tok) {
		case "ingress":
			r.FlowDirection = DirectionIngress
		case "egress":
			r.FlowDirection = DirectionEgress
		case "-":
		default:
			return badValue
		}
		return badNone
	}
	// The string fields.
	if isDash(tok) {
		return badNone
	}
	if p.drop[f] {
		if !isASCII(tok) && !utf8.Valid(tok) {
			return badUTF8
		}
		return badNone
	}
	s, num, ok := p.intern(f, tok)
	if !ok {
		return badUTF8
	}
	switch f {
	case FieldAccountID:
		r.AccountID = s
	case FieldInterfaceID:
		r.InterfaceID, r.InterfaceN, r.Numbering = s, num, p.ns
	case FieldVPCID:
		r.VPCID = s
	case FieldSubnetID:
		r.SubnetID = s
	case FieldInstanceID:
		r.InstanceID = s
	case FieldType:
		r.Type = s
	case FieldRegion:
		r.Region = s
	case FieldAZID:
		r.AZID = s
	case FieldSublocationType:
		r.SublocationType = s
	case FieldSublocationID:
		r.SublocationID = s
	case FieldPktSrcAWSService:
		r.PktSrcAWSService = s
	case FieldPktDstAWSService:
		r.PktDstAWSService = s
	}
	return badNone
}

// isASCII reports whether b is all ASCII, 8 bytes at a time.
func isASCII(b []byte) bool {
	var or uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		or |= binary.LittleEndian.Uint64(b[i:])
	}
	for ; i < len(b); i++ {
		or |= uint64(b[i])
	}
	return or&hi8 == 0
}

// addr reads what addrAt's IPv4 path does not: "-" (the zero Addr) and
// IPv6 addresses; anything else is bad.
func addr(tok []byte, a *netip.Addr) badKind {
	if isDash(tok) {
		return badNone
	}
	// IPv6 (and anything else): netip parses it in place. A zone would
	// keep a reference to the string, so none is accepted.
	if bytes.IndexByte(tok, ':') < 0 || bytes.IndexByte(tok, '%') >= 0 {
		return badAddr
	}
	x, err := netip.ParseAddr(unsafe.String(unsafe.SliceData(tok), len(tok)))
	if err != nil {
		return badAddr
	}
	*a = x
	return badNone
}

// unwrapJSON returns the "message" of a JSON line, as CloudWatch Logs
// subscriptions and Firehose deliver records.
func unwrapJSON(line []byte) ([]byte, bool) {
	var m struct {
		Message *string `json:"message"`
	}
	if json.Unmarshal(line, &m) != nil || m.Message == nil {
		return nil, false
	}
	return []byte(*m.Message), true
}

// AppendLine appends r written in format, as AWS writes it: the fields
// separated by single spaces, "-" for a value the record does not have,
// no newline. FieldIgnored columns are written as "-". Parsing the line
// in the same format gives r back (with Has set to the format's fields).
func AppendLine(dst []byte, r *Record, format []Field) []byte {
	for i, f := range format {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendField(dst, r, f)
	}
	return dst
}

func appendNum(dst []byte, v int64) []byte {
	if v < 0 {
		return append(dst, '-')
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}

func appendAddr(dst []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		return append(dst, '-')
	}
	return a.AppendTo(dst)
}

func appendStr(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return append(dst, s...)
}

func appendField(dst []byte, r *Record, f Field) []byte {
	switch f {
	case FieldVersion:
		return appendNum(dst, int64(r.Version))
	case FieldAccountID:
		return appendStr(dst, r.AccountID)
	case FieldInterfaceID:
		return appendStr(dst, r.InterfaceID)
	case FieldSrcAddr:
		return appendAddr(dst, r.SrcAddr)
	case FieldDstAddr:
		return appendAddr(dst, r.DstAddr)
	case FieldSrcPort:
		return appendNum(dst, int64(r.SrcPort))
	case FieldDstPort:
		return appendNum(dst, int64(r.DstPort))
	case FieldProtocol:
		return appendNum(dst, int64(r.Protocol))
	case FieldPackets:
		return appendNum(dst, r.Packets)
	case FieldBytes:
		return appendNum(dst, r.Bytes)
	case FieldStart:
		return appendNum(dst, r.Start)
	case FieldEnd:
		return appendNum(dst, r.End)
	case FieldAction:
		switch r.Action {
		case ActionAccept:
			return append(dst, "ACCEPT"...)
		case ActionReject:
			return append(dst, "REJECT"...)
		}
		return append(dst, '-')
	case FieldLogStatus:
		switch r.LogStatus {
		case StatusNoData:
			return append(dst, "NODATA"...)
		case StatusSkipData:
			return append(dst, "SKIPDATA"...)
		}
		return append(dst, "OK"...)
	case FieldVPCID:
		return appendStr(dst, r.VPCID)
	case FieldSubnetID:
		return appendStr(dst, r.SubnetID)
	case FieldInstanceID:
		return appendStr(dst, r.InstanceID)
	case FieldTCPFlags:
		return appendNum(dst, int64(r.TCPFlags))
	case FieldType:
		return appendStr(dst, r.Type)
	case FieldPktSrcAddr:
		return appendAddr(dst, r.PktSrcAddr)
	case FieldPktDstAddr:
		return appendAddr(dst, r.PktDstAddr)
	case FieldRegion:
		return appendStr(dst, r.Region)
	case FieldAZID:
		return appendStr(dst, r.AZID)
	case FieldSublocationType:
		return appendStr(dst, r.SublocationType)
	case FieldSublocationID:
		return appendStr(dst, r.SublocationID)
	case FieldPktSrcAWSService:
		return appendStr(dst, r.PktSrcAWSService)
	case FieldPktDstAWSService:
		return appendStr(dst, r.PktDstAWSService)
	case FieldFlowDirection:
		switch r.FlowDirection {
		case DirectionIngress:
			return append(dst, "ingress"...)
		case DirectionEgress:
			return append(dst, "egress"...)
		}
		return append(dst, '-')
	case FieldTrafficPath:
		return appendNum(dst, int64(r.TrafficPath))
	}
	return append(dst, '-')
}
