package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// The target writer edits the AWS CLI's JSON as generic values, so that
// every member the loader does not read (ARNs, timestamps, MAC addresses,
// DNS entries) survives the edit: objects are map[string]any, arrays
// []any, numbers json.Number (kept exactly as written), strings, booleans
// and nil.

// jsonFile is one file of the source snapshot, decoded.
type jsonFile struct {
	rel  string // path relative to the account folder, with slashes
	root any
	// fingerprint is the value's as decoded: the file is written again
	// only when an edit changed its value (fingerprint differs).
	fingerprint uint64
	size        int  // the source's length, to size the output
	newline     bool // the source ended with a newline
}

// readJSONFile reads and decodes a snapshot file in any encoding the loader
// accepts (snapshot.UTF8Text). ok is false for an empty file: what a failed
// `aws ... > file` leaves, which the writer copies as it is.
func readJSONFile(path, rel string) (*jsonFile, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	data = snapshot.UTF8Text(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, false, nil
	}
	newline := bytes.HasSuffix(data, []byte("\n"))
	if root, ok := decodeGeneric(data); ok {
		return &jsonFile{rel: rel, root: root, fingerprint: fingerprint(root), size: len(data), newline: newline}, true, nil
	}
	// Not decoded in one pass: encoding/json decides, and names the error.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, false, fmt.Errorf("read %s: %s", path, describeJSONError(data, err))
	}
	if _, err := dec.Token(); err == nil {
		return nil, false, fmt.Errorf("read %s: %s: more than one JSON value", path, position(data, dec.InputOffset()))
	}
	return &jsonFile{rel: rel, root: root, fingerprint: fingerprint(root), size: len(data), newline: newline}, true, nil
}

// encode returns the file's bytes, and whether its value differs from the
// source's (when it does not, the source is copied byte for byte).
func (f *jsonFile) encode() (data []byte, changed bool, err error) {
	if fingerprint(f.root) == f.fingerprint {
		return nil, false, nil
	}
	data, err = marshalJSON(f.root, f.size+f.size/4)
	if err != nil {
		return nil, false, fmt.Errorf("write %s: %w", f.rel, err)
	}
	if f.newline {
		data = append(data, '\n')
	}
	return data, true, nil
}

// seed keys the fingerprints of one run; fingerprints are compared only
// within the run, so a random seed is fine (and makes a crafted collision
// impossible to plan).
var seed = maphash.MakeSeed()

// fingerprint hashes a generic JSON value, objects independently of their
// keys' order. Two values with the same fingerprint are taken as equal:
// a 64-bit collision between a file and its edit is not a practical risk,
// and hashing is several times cheaper than marshalling the file to
// compare bytes.
func fingerprint(v any) uint64 {
	switch x := v.(type) {
	case nil:
		return 0x9e3779b97f4a7c15
	case bool:
		if x {
			return 0x1
		}
		return 0x2
	case string:
		return mix(maphash.String(seed, x), 0x3)
	case json.Number:
		return mix(maphash.String(seed, string(x)), 0x4)
	case map[string]any:
		var sum uint64
		for k, e := range x {
			sum += mix(maphash.String(seed, k), fingerprint(e))
		}
		return mix(sum, uint64(len(x))<<8|0x5)
	case []any:
		h := uint64(len(x))<<8 | 0x6
		for _, e := range x {
			h = mix(h, fingerprint(e))
		}
		return h
	}
	return mix(maphash.String(seed, fmt.Sprintf("%T %v", v, v)), 0x7)
}

// mix combines two hashes (the finaliser of SplitMix64 over their
// combination): order matters, and every input bit affects every output
// bit.
func mix(a, b uint64) uint64 {
	z := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// marshalJSON marshals a generic JSON value as the AWS CLI prints it: a
// 4-space indent, object keys sorted (as encoding/json sorts map keys), no
// HTML escaping, no trailing newline; the same value gives the same bytes.
// It writes the value directly rather than through encoding/json's
// reflection and second indenting pass: the ENI list of a large account
// is tens of megabytes.
// sizeHint is the expected length, to allocate the output once.
func marshalJSON(v any, sizeHint int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(sizeHint + 1)
	if err := writeValue(&buf, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeIndent(buf *bytes.Buffer, depth int) {
	buf.WriteByte('\n')
	for range depth {
		buf.WriteString("    ")
	}
}

func writeValue(buf *bytes.Buffer, v any, depth int) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case string:
		writeString(buf, x)
	case json.Number:
		if !json.Valid([]byte(x)) {
			return fmt.Errorf("invalid number %q", string(x))
		}
		buf.WriteString(string(x))
	case map[string]any:
		if len(x) == 0 {
			buf.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeIndent(buf, depth+1)
			writeString(buf, k)
			buf.WriteString(": ")
			if err := writeValue(buf, x[k], depth+1); err != nil {
				return err
			}
		}
		writeIndent(buf, depth)
		buf.WriteByte('}')
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]")
			return nil
		}
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeIndent(buf, depth+1)
			if err := writeValue(buf, e, depth+1); err != nil {
				return err
			}
		}
		writeIndent(buf, depth)
		buf.WriteByte(']')
	default:
		// Values the editors build from other Go types (none today):
		// encoding/json's own text, re-indented.
		data, err := json.Marshal(x)
		if err != nil {
			return err
		}
		var generic any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&generic); err != nil {
			return err
		}
		return writeValue(buf, generic, depth)
	}
	return nil
}

// writeString writes s as a JSON string the way encoding/json does with
// HTML escaping off: quotes, backslashes and control characters escaped,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func writeString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch b {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(b)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[b>>4])
				buf.WriteByte(hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// describeJSONError names the line and column of a decoding error.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return position(data, syn.Offset) + ": " + syn.Error()
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return position(data, typ.Offset) + ": " + typ.Error()
	}
	return err.Error()
}

// position prints a byte offset as "line L, column C" (1-based).
func position(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

// obj returns v as an object, or nil.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// arr returns v as an array, or nil.
func arr(v any) []any {
	a, _ := v.([]any)
	return a
}

// objects returns the objects of the array m[key], skipping other values.
func objects(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, v := range arr(m[key]) {
		if o := obj(v); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// str returns m[key] as a string, or "".
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// anyStrings turns strings into a JSON array.
func anyStrings(ss []string) []any {
	out := make([]any, 0, len(ss))
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

// anyObjects turns objects into a JSON array.
func anyObjects(os []map[string]any) []any {
	out := make([]any, 0, len(os))
	for _, o := range os {
		out = append(out, o)
	}
	return out
}

// num is a JSON number.
func num(n int) json.Number { return json.Number(fmt.Sprint(n)) }

// numOf returns m[key] as an int; ok is false when it is not an integer.
func numOf(m map[string]any, key string) (int, bool) {
	n, ok := m[key].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// tagList is an EC2 tag list (Key/Value), sorted by key.
func tagList(tags map[string]string) []any {
	out := make([]any, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		out = append(out, map[string]any{"Key": k, "Value": tags[k]})
	}
	return out
}

// appendTo appends items to the array m[key] (creating it).
func appendTo(m map[string]any, key string, items ...any) {
	m[key] = append(arr(m[key]), items...)
}
