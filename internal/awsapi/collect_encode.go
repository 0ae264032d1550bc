package awsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// encodeCLI writes v, an SDK output struct, as the JSON the AWS CLI prints
// for it (`--output json`): members named as in the service model, in the
// struct's order (the SDK's, alphabetical; the CLI prints the model's
// order, the same object), indented by four spaces, absent members
// omitted, timestamps in ISO 8601 with an offset as the CLI prints them.
//
// The SDK's Go field names are the model's member names with the first
// letter upper-cased; lowerCamel says the service's members start in lower
// case (ECS), so the first letter is lowered back. Two rules the SDK's
// types leave to the encoder:
//   - a nil pointer, slice or map is a member the service did not send:
//     omitted; an empty slice is an empty list the service sent: [].
//   - a non-pointer number or boolean is a member with a default in the
//     model (ECS's counts): always written, as the service always sends
//     it; a non-pointer enum string is omitted when empty.
//
// Fields the CLI never prints (ResultMetadata, unexported ones) are
// skipped.
func encodeCLI(v any, lowerCamel bool) ([]byte, error) {
	e := &cliEncoder{lower: lowerCamel}
	e.buf.Grow(4096)
	if err := e.value(reflect.ValueOf(v), true); err != nil {
		return nil, err
	}
	e.buf.WriteByte('\n')
	return e.buf.Bytes(), nil
}

// cliEncoder writes indented JSON in one pass: depth is the nesting of
// the value being written.
type cliEncoder struct {
	buf   bytes.Buffer
	lower bool
	depth int
}

// open starts the i-th element of an object or array (depth already
// counts it): a comma after the previous one, a new line and the
// indentation.
func (e *cliEncoder) open(i int) {
	if i > 0 {
		e.buf.WriteByte(',')
	}
	e.newline(e.depth)
}

// close ends an object or array of n elements with its closing byte
// (depth back at the container's).
func (e *cliEncoder) close(n int, c byte) {
	if n > 0 {
		e.newline(e.depth)
	}
	e.buf.WriteByte(c)
}

func (e *cliEncoder) newline(depth int) {
	e.buf.WriteByte('\n')
	for range depth {
		e.buf.WriteString("    ")
	}
}

var timeType = reflect.TypeFor[time.Time]()

// smithyDocument is how the SDK's document types (free-form JSON members)
// give their JSON.
type smithyDocument interface {
	MarshalSmithyDocument() ([]byte, error)
}

// present reports whether a struct field's value is written.
func present(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return !v.IsNil()
	case reflect.String:
		return v.Len() > 0
	case reflect.Struct:
		return v.Type() == timeType && !v.Interface().(time.Time).IsZero()
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func (e *cliEncoder) value(v reflect.Value, top bool) error {
	if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
		if d, ok := v.Interface().(smithyDocument); ok {
			b, err := d.MarshalSmithyDocument()
			if err != nil {
				return err
			}
			e.buf.Write(b)
			return nil
		}
		if v.Kind() == reflect.Interface {
			return e.union(v.Elem())
		}
		return e.value(v.Elem(), top)
	}
	switch v.Kind() {
	case reflect.String:
		appendJSONString(&e.buf, v.String())
	case reflect.Bool:
		e.buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.buf.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b, err := json.Marshal(v.Float())
		if err != nil {
			return err
		}
		e.buf.Write(b)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // blobs: base64, as the CLI
			b, _ := json.Marshal(v.Bytes())
			e.buf.Write(b)
			return nil
		}
		e.buf.WriteByte('[')
		e.depth++
		for i := range v.Len() {
			e.open(i)
			if err := e.value(v.Index(i), false); err != nil {
				return err
			}
		}
		e.depth--
		e.close(v.Len(), ']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		e.buf.WriteByte('{')
		e.depth++
		for i, k := range keys {
			e.open(i)
			appendJSONString(&e.buf, k.String())
			e.buf.WriteString(": ")
			if err := e.value(v.MapIndex(k), false); err != nil {
				return err
			}
		}
		e.depth--
		e.close(len(keys), '}')
	case reflect.Struct:
		if v.Type() == timeType {
			appendJSONString(&e.buf, cliTime(v.Interface().(time.Time)))
			return nil
		}
		return e.object(v, top)
	default:
		return fmt.Errorf("encoding the CLI's JSON: unexpected %s", v.Type())
	}
	return nil
}

// object writes a structure's present members.
func (e *cliEncoder) object(v reflect.Value, top bool) error {
	t := v.Type()
	e.buf.WriteByte('{')
	e.depth++
	n := 0
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || top && f.Name == "ResultMetadata" {
			continue
		}
		fv := v.Field(i)
		if !present(fv) {
			continue
		}
		e.open(n)
		n++
		appendJSONString(&e.buf, e.memberName(f.Name))
		e.buf.WriteString(": ")
		if err := e.value(fv, false); err != nil {
			return err
		}
	}
	e.depth--
	e.close(n, '}')
	return nil
}

// union writes a union member (the SDK's XxxMemberName types holding
// Value) as {"Name": value}, as the CLI prints a union.
func (e *cliEncoder) union(v reflect.Value) error {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	name := v.Type().Name()
	_, member, ok := strings.Cut(name, "Member")
	if v.Kind() != reflect.Struct || !ok {
		return e.value(v, false)
	}
	e.buf.WriteByte('{')
	e.depth++
	e.open(0)
	appendJSONString(&e.buf, e.memberName(member))
	e.buf.WriteString(": ")
	if err := e.value(v.FieldByName("Value"), false); err != nil {
		return err
	}
	e.depth--
	e.close(1, '}')
	return nil
}

// memberName is the model's member name of a Go field.
func (e *cliEncoder) memberName(field string) string {
	if !e.lower {
		return field
	}
	r, n := utf8.DecodeRuneInString(field)
	return string(unicode.ToLower(r)) + field[n:]
}

// cliTime formats a timestamp as the AWS CLI prints it (Python's
// isoformat): seconds, microseconds only when there are any, and the
// offset. vpcdoctor writes UTC ("+00:00"); the CLI prints the service's
// or the local offset for the same instant.
func cliTime(t time.Time) string {
	// Python's datetime keeps microseconds, rounded: 1614318281.226 is
	// .226000 there, whatever float rounding made of it here.
	t = t.UTC().Round(time.Microsecond)
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "+00:00"
}

// appendJSONString writes s as a JSON string the way the CLI does
// (ensure_ascii off: only quotes, backslashes and control characters are
// escaped).
func appendJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	if plainString(s) {
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// plainString reports whether s is valid UTF-8 with nothing to escape.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return c >= utf8.RuneSelf && utf8.ValidString(s[i:]) && plainTail(s[i:])
		}
	}
	return true
}

// plainTail is plainString's check of the rest of s after a non-ASCII
// byte (valid UTF-8 already known): no ASCII byte to escape.
func plainTail(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
