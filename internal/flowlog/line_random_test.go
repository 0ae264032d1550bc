package flowlog

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// randomTokens are values of every field's kinds, good and bad.
var randomTokens = []string{
	"2", "5", "-", "eni-1", "eni-2", "eni-\xff", "10.0.0.1", "::1", "2001:db8::1", "010.0.0.1", "1.2.3", "256.1.1.1",
	"ACCEPT", "REJECT", "OK", "NODATA", "SKIPDATA", "ingress", "egress", "x", "99999999999999999999",
	"12345678901234567890123", "65535", "65536", "255", "128", "32767", "32768", "0", "-1", "--",
	"2024-06-01T10:00:00.000Z", "2024-06-01T10:00:00Z", "1234-xx-yyTzz:ww0000000", "vpc-1", "i-1", "IPv4", "AMAZON",
	"1\r", "é", "\x00", "1.2.3.4%x", "::ffff:1.2.3.4",
}

// randomLine is a line of about the format's number of fields (sometimes
// far more or fewer), with leading CloudWatch timestamps, runs of spaces
// and tabs, leading and trailing separators and CRs.
func randomLine(rng *rand.Rand, fields []Field) string {
	var b strings.Builder
	n := len(fields) + rng.IntN(5) - 2
	if rng.IntN(4) == 0 {
		n = rng.IntN(2*len(fields) + 2)
	}
	if rng.IntN(5) == 0 {
		for range 1 + rng.IntN(2) {
			b.WriteString("2024-06-01T10:00:00.000Z")
			b.WriteString([]string{" ", "\t", "  "}[rng.IntN(3)])
		}
	}
	if rng.IntN(6) == 0 {
		b.WriteString([]string{" ", "\t", " \t "}[rng.IntN(3)])
	}
	for i := range n {
		if i > 0 {
			b.WriteString([]string{" ", " ", " ", "\t", "  ", " \t"}[rng.IntN(6)])
		}
		b.WriteString(randomTokens[rng.IntN(len(randomTokens))])
	}
	if rng.IntN(6) == 0 {
		b.WriteString([]string{" ", "\t", "\r", " \r", "\r\r"}[rng.IntN(5)])
	}
	return b.String()
}

// randomFields is a format of 0 to 11 columns, FieldIgnored and repeats
// included, or a set of fields for Options.Only or Options.Strings: none,
// an empty one, all, or some.
func randomFields(rng *rand.Rand, set bool) []Field {
	if !set {
		fm := make([]Field, rng.IntN(12))
		for i := range fm {
			fm[i] = Field(rng.IntN(int(fieldCount)))
		}
		return fm
	}
	switch rng.IntN(5) {
	case 0:
		return nil
	case 1:
		return []Field{}
	case 2:
		var all []Field
		for f := range fieldCount {
			all = append(all, f)
		}
		return all
	}
	var some []Field
	for f := range fieldCount {
		if rng.IntN(2) == 0 {
			some = append(some, f)
		}
	}
	return some
}

// TestParseAgainstRefRandom: parse gives parseRef's record and failure on
// random lines of random formats, one parser switching between four
// formats line by line (so its compiled program is remade), under random
// Options.Only and Options.Strings: what FuzzParseLine's one format per
// input does not reach.
func TestParseAgainstRefRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1500 {
		p, ref := newParser(), newParser()
		ref.ns = p.ns
		only, keep := randomFields(rng, true), randomFields(rng, true)
		p.keepOnly(keep)
		ref.keepOnly(keep)
		p.readOnly(only)
		ref.readOnly(only)
		formats := []*format{newFormat(randomFields(rng, false)), newFormat(DefaultFormat), newFormat(AllFields), newFormat(randomFields(rng, false))}
		for range 200 {
			f := formats[rng.IntN(len(formats))]
			line := randomLine(rng, f.fields)
			var r, rr Record
			b, rb := p.parse(f, []byte(line), &r), ref.parseRef(f, []byte(line), &rr)
			if b != rb || r != rr || b.reason(f) != rb.reason(f) {
				t.Fatalf("format %v, only %v, strings %v, line %q:\nparse    %+v %+v\nparseRef %+v %+v", f.fields, only, keep, line, b, r, rb, rr)
			}
		}
	}
}

// TestCountFieldsBytes: countFields counts as countFieldsRef on random
// bytes near the separators (a space or tab with its high bit set, NUL,
// CR, DEL, 0xff), and with any byte at any place of a word.
func TestCountFieldsBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte{0x20, 0x09, 0xa0, 0x89, 0x00, 0x21, 0x1f, 0x08, 0x0a, 0xff, 0x7f, 0x19, 0x29, 0x0d, 'a', 0x80, 0x01}
	for range 300000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if countFields(b) != countFieldsRef(b) {
			t.Fatalf("countFields(%q) = %d, want %d", b, countFields(b), countFieldsRef(b))
		}
	}
	for x := range 256 {
		for pos := range 8 {
			for _, fill := range []byte{0, 0x20, 0x09, 0xff, 0x21, 0xa0} {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(x)
				if countFields(w[:]) != countFieldsRef(w[:]) {
					t.Fatalf("countFields(%q) = %d, want %d", w, countFields(w[:]), countFieldsRef(w[:]))
				}
			}
		}
	}
}

// TestInterfaceNumbers: within one parser's numbering a number stands for
// one interface ID, through three formats, more IDs than the intern table
// holds (it starts over), and Options.Strings with and without the
// interface; a record without the interface has no number.
func TestInterfaceNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, keep := range [][]Field{nil, {FieldInterfaceID}, {FieldVPCID}} {
		p := newParser()
		p.keepOnly(keep)
		v2, v5, short := newFormat(DefaultFormat), newFormat(AllFields), newFormat([]Field{FieldVPCID, FieldInterfaceID, FieldSubnetID})
		seen := map[uint32]string{}
		for i := range 150000 {
			id := "e" + strconv.Itoa(rng.IntN(50))
			if rng.IntN(3) == 0 {
				id = "eni-" + strings.Repeat("0", rng.IntN(3)) + string(rune('a'+rng.IntN(26))) + strconv.Itoa(rng.IntN(100000))
			}
			var line string
			var f *format
			switch rng.IntN(3) {
			case 0:
				f, line = v2, "2 123 "+id+" 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK"
			case 1:
				f, line = short, "vpc-"+strconv.Itoa(rng.IntN(70000))+" "+id+" subnet-"+strconv.Itoa(rng.IntN(70000))
			default:
				f, line = v5, "5 64111117617 "+id+" 89.160.20.156 10.200.0.0 50041 33004 17 52 1 164000066 1640000297 REJECT OK vpc-"+
					strconv.Itoa(rng.IntN(90000))+" subnet-0 i-0"+strconv.Itoa(i)+" 1 IPv4 89.160.20.156 10.200.0.80 us-east-1 use1-az5 - - AMAZON CLOUDFRONT ingress 1"
			}
			var r Record
			if b := p.parse(f, []byte(line), &r); b.kind != badNone {
				t.Fatalf("%q: %s", line, b.reason(f))
			}
			if r.InterfaceN == 0 {
				continue
			}
			if r.InterfaceID == "" || r.Numbering != p.ns {
				t.Fatalf("number %d with ID %q, numbering %d (the parser's %d)", r.InterfaceN, r.InterfaceID, r.Numbering, p.ns)
			}
			if s, ok := seen[r.InterfaceN]; ok && s != r.InterfaceID {
				t.Fatalf("strings %v: number %d for %s and %s", keep, r.InterfaceN, s, r.InterfaceID)
			}
			seen[r.InterfaceN] = r.InterfaceID
		}
		if keep == nil && len(seen) <= maxIntern {
			t.Errorf("%d numbers: the intern table never started over", len(seen))
		}
	}
	if a, b := newParser(), newParser(); a.ns == b.ns {
		t.Error("two parsers of one numbering")
	}
}
