package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

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
	// canonical is the file as decoded, marshalled the way the writer
	// marshals: the file is written again only when its value differs.
	canonical []byte
	newline   bool // the source ended with a newline
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
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, false, fmt.Errorf("read %s: %s", path, describeJSONError(data, err))
	}
	if _, err := dec.Token(); err == nil {
		return nil, false, fmt.Errorf("read %s: %s: more than one JSON value", path, position(data, dec.InputOffset()))
	}
	canonical, err := marshalJSON(root)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	return &jsonFile{rel: rel, root: root, canonical: canonical, newline: bytes.HasSuffix(data, []byte("\n"))}, true, nil
}

// changed reports whether the file's value differs from the source's, and
// returns its bytes.
func (f *jsonFile) encode() (data []byte, changed bool, err error) {
	data, err = marshalJSON(f.root)
	if err != nil {
		return nil, false, fmt.Errorf("write %s: %w", f.rel, err)
	}
	if bytes.Equal(data, f.canonical) {
		return nil, false, nil
	}
	if f.newline {
		data = append(data, '\n')
	}
	return data, true, nil
}

// marshalJSON marshals v as the AWS CLI prints it: 4-space indent, no
// HTML escaping; object keys come out sorted (encoding/json sorts map
// keys), so the same value gives the same bytes. No trailing newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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

// strings returns the strings of the array m[key].
func stringsOf(m map[string]any, key string) []string {
	var out []string
	for _, v := range arr(m[key]) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
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
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"Key": k, "Value": tags[k]})
	}
	return out
}

// appendTo appends items to the array m[key] (creating it).
func appendTo(m map[string]any, key string, items ...any) {
	m[key] = append(arr(m[key]), items...)
}
