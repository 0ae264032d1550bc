package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// FileError is a snapshot file that cannot be used: it is not JSON, or its
// JSON does not have the shape of the AWS CLI's output for its call, or a
// value in it is not valid (a CIDR that does not parse, a port out of range).
// Line and Col are 1-based; zero when the position is not known.
type FileError struct {
	Path string
	Line int
	Col  int
	// Field is the JSON path of the bad value, e.g.
	// "SecurityGroups[2].IpPermissions[0].IpRanges[1].CidrIp"; may be empty.
	Field string
	Msg   string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// lineCol converts a byte offset in data to a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// decodeError turns an encoding/json error into a FileError at the right
// line and column, saying what was expected.
func decodeError(path string, data []byte, err error) *FileError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, the offending one included.
		l, c := lineCol(data, max(syn.Offset-1, 0))
		return &FileError{Path: path, Line: l, Col: c, Msg: "not valid JSON: " + strings.TrimPrefix(syn.Error(), "invalid character ")}
	case errors.As(err, &typ):
		// Offset points just past the offending value; step back to its start.
		start := valueStart(data, typ.Offset)
		l, c := lineCol(data, start)
		// typ.Field names Go struct fields and omits array indexes; name the
		// value by its JSON path instead, as the other FileErrors do.
		field := typ.Field
		if p, ok := pathAt(data, start); ok {
			field = p.String()
		}
		want := typ.Type.Kind().String()
		switch want {
		case "ptr":
			want = typ.Type.Elem().Kind().String()
		}
		switch want {
		case "struct":
			want = "object"
		case "slice":
			want = "array"
		case "int64", "int":
			want = "integer"
		case "bool":
			want = "boolean"
		}
		msg := fmt.Sprintf("got JSON %s, want %s", typ.Value, want)
		if field == "" && want == "object" {
			msg += " (saved with --query or --output text? vpcdoctor needs the call's whole --output json)"
		}
		return &FileError{Path: path, Line: l, Col: c, Field: field, Msg: msg}
	case errors.Is(err, io.ErrUnexpectedEOF):
		l, c := lineCol(data, int64(len(data)))
		return &FileError{Path: path, Line: l, Col: c, Msg: "not valid JSON: unexpected end of file"}
	}
	return &FileError{Path: path, Msg: err.Error()}
}

// valueStart finds where the JSON value ending at off begins, for
// UnmarshalTypeError offsets that point after a scalar or at a container.
func valueStart(data []byte, off int64) int64 {
	if off <= 0 || off > int64(len(data)) {
		return off
	}
	i := off - 1
	for i > 0 && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i--
	}
	switch data[i] {
	case '{', '[':
		return i
	case '"':
		j := i - 1
		for j >= 0 {
			if data[j] == '"' && (j == 0 || data[j-1] != '\\') {
				return j
			}
			j--
		}
		return i
	}
	j := i
	for j > 0 && !strings.ContainsRune(",:[{ \n\r\t", rune(data[j-1])) {
		j--
	}
	return j
}

// jsonPath is a path into a JSON document: object keys and array indexes.
type jsonPath []any

func (p jsonPath) key(k string) jsonPath { return append(p[:len(p):len(p)], k) }
func (p jsonPath) at(i int) jsonPath     { return append(p[:len(p):len(p)], i) }

// String prints the path as "A[0].B".
func (p jsonPath) String() string {
	var b strings.Builder
	for _, el := range p {
		switch v := el.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		}
	}
	return b.String()
}

// locate returns the byte offset of the value at path in data, matching
// object keys case-insensitively as encoding/json does; -1 if absent.
func locate(data []byte, path jsonPath) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	for depth := 0; ; depth++ {
		if depth == len(path) {
			// Skip whitespace and the separator before the value.
			off := dec.InputOffset()
			for off < int64(len(data)) && strings.ContainsRune(" \t\r\n:,", rune(data[off])) {
				off++
			}
			return off
		}
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		switch want := path[depth].(type) {
		case string:
			if tok != json.Delim('{') {
				return -1
			}
			found := false
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return -1
				}
				if ks, _ := k.(string); strings.EqualFold(ks, want) {
					found = true
					break
				}
				if skipValue(dec) != nil {
					return -1
				}
			}
			if !found {
				return -1
			}
		case int:
			if tok != json.Delim('[') {
				return -1
			}
			for i := 0; i < want; i++ {
				if !dec.More() || skipValue(dec) != nil {
					return -1
				}
			}
			if !dec.More() {
				return -1
			}
		}
	}
}

// pathAt returns the path of the value that starts at byte offset off in
// data, which must be valid JSON; ok is false when no value starts there.
func pathAt(data []byte, off int64) (path jsonPath, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// next is where the next value begins: past whitespace and separators.
	next := func() int64 {
		o := dec.InputOffset()
		for o < int64(len(data)) && strings.ContainsRune(" \t\r\n:,", rune(data[o])) {
			o++
		}
		return o
	}
	// walk reads the value at p; it returns true to stop the walk.
	var walk func(p jsonPath) bool
	walk = func(p jsonPath) bool {
		if next() == off {
			path, ok = p, true
			return true
		}
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return true
				}
				ks, _ := k.(string)
				if walk(p.key(ks)) {
					return true
				}
			}
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if walk(p.at(i)) {
					return true
				}
			}
		default:
			return false
		}
		_, err = dec.Token() // the closing delimiter
		return err != nil
	}
	walk(nil)
	return path, ok
}

func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	return dec.Decode(&v)
}

// valueError builds a FileError for a bad value at path in data.
func valueError(file string, data []byte, path jsonPath, format string, args ...any) *FileError {
	e := &FileError{Path: file, Field: path.String(), Msg: fmt.Sprintf(format, args...)}
	if off := locate(data, path); off >= 0 {
		e.Line, e.Col = lineCol(data, off)
	}
	return e
}

// DecodeError turns an encoding/json error met while decoding data (read
// from path) into a FileError at its line and column, saying what was
// expected. Other sources of JSON (Terraform plans) report their errors
// the same way.
func DecodeError(path string, data []byte, err error) *FileError {
	return decodeError(path, data, err)
}
