package snapshot

import (
	"encoding"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"sync"
)

// AWS CLI output holds many more fields than the shapes declare (a
// describe-instances record is some 7 KB, of which the loader reads a
// tenth), and encoding/json spends most of its time on what it ignores. So
// decodeJSON first prunes the input: it copies the JSON, leaving out every
// object member that decoding into the shape would ignore, checking as it
// goes that what it leaves out is valid JSON. It then decodes the pruned
// copy. When anything is unusual (invalid JSON, a key that might match a
// field in a way the pruner does not model, a decoding error), it decodes
// the original instead, so that the result and every error are exactly
// json.Unmarshal's.

// decodeJSON is json.Unmarshal(data, v) for a v that points to a zero
// value; pruned reports that it decoded a pruned copy.
func decodeJSON(data []byte, v any) (pruned bool, err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if p, ok := prune(data, shapeOf(rv.Type().Elem())); ok {
			if json.Unmarshal(p, v) == nil {
				return true, nil
			}
			rv.Elem().SetZero()
		}
	}
	return false, json.Unmarshal(data, v)
}

// pshape is what decoding into a Go type reads of a JSON value.
type pshape struct {
	kind   pkind
	fields map[string]*pshape // pObject: by lower-case name; nil shape: keep the member as it is
	elem   *pshape            // pArray
}

type pkind uint8

const (
	pKeep   pkind = iota // keep the value as it is
	pObject              // a struct: keep only members naming its fields
	pArray               // a slice or array: prune each element
)

var (
	keepShape      = &pshape{kind: pKeep}
	shapeCache     sync.Map // reflect.Type -> *pshape
	jsonUnmarshal  = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshal  = reflect.TypeFor[encoding.TextUnmarshaler]()
	shapeBuildLock sync.Mutex
)

func shapeOf(t reflect.Type) *pshape {
	if s, ok := shapeCache.Load(t); ok {
		return s.(*pshape)
	}
	shapeBuildLock.Lock()
	defer shapeBuildLock.Unlock()
	s := buildShape(t, map[reflect.Type]*pshape{})
	shapeCache.Store(t, s)
	return s
}

func buildShape(t reflect.Type, building map[reflect.Type]*pshape) *pshape {
	for t.Kind() == reflect.Pointer {
		if t.Implements(jsonUnmarshal) || t.Implements(textUnmarshal) {
			return keepShape
		}
		t = t.Elem()
	}
	if t.Implements(jsonUnmarshal) || t.Implements(textUnmarshal) ||
		reflect.PointerTo(t).Implements(jsonUnmarshal) || reflect.PointerTo(t).Implements(textUnmarshal) {
		return keepShape
	}
	if s, ok := building[t]; ok {
		return s
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return keepShape // []byte reads base64 strings
		}
		s := &pshape{kind: pArray}
		building[t] = s
		s.elem = buildShape(t.Elem(), building)
		return s
	case reflect.Struct:
		s := &pshape{kind: pObject, fields: map[string]*pshape{}}
		building[t] = s
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				// Embedded fields follow rules the pruner does not model.
				building[t] = keepShape
				return keepShape
			}
			name := f.Name
			if tag, ok := f.Tag.Lookup("json"); ok {
				if tag == "-" {
					continue
				}
				if n, _, _ := strings.Cut(tag, ","); n != "" {
					name = n
				}
			}
			if !f.IsExported() {
				continue
			}
			key, ok := asciiLower(name)
			if !ok {
				building[t] = keepShape
				return keepShape
			}
			if _, dup := s.fields[key]; dup {
				s.fields[key] = nil // two fields fold alike: keep such members as they are
				continue
			}
			s.fields[key] = buildShape(f.Type, building)
		}
		return s
	}
	return keepShape
}

// asciiLower lower-cases a name of ASCII letters, digits and other
// printable characters but '_' and '-'; ok is false for anything else.
func asciiLower(s string) (string, bool) {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 0x80 || c == '_' || c == '-':
			return "", false
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}

// prune copies data without the object members shape ignores; ok is false
// when data is not JSON the pruner is sure of.
func prune(data []byte, shape *pshape) (out []byte, ok bool) {
	p := &pruner{data: data, mark: -1, out: make([]byte, 0, len(data)/4+64)}
	return p.run(shape)
}

// decodeStream is decodeJSON for JSON read from r, which it reads in
// pieces, never holding all of it; v must point to a zero value. ok is
// false when it could not decode (the JSON is not what the pruner is sure
// of, it is not UTF-8, or reading failed): v is then zero again, and the
// caller decodes the whole file, which reports any error exactly.
func decodeStream(r io.Reader, v any) (ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	p := &pruner{src: r, data: make([]byte, 0, 256<<10), mark: -1, out: make([]byte, 0, 64<<10)}
	// A UTF-8 byte-order mark is skipped, as utf8Text does; UTF-16 needs
	// converting, which the whole-file path does.
	if p.ensure(3) && p.data[0] == 0xEF && p.data[1] == 0xBB && p.data[2] == 0xBF {
		p.i = 3
	} else if p.ensure(2) && (p.data[0] == 0xFF && p.data[1] == 0xFE || p.data[0] == 0xFE && p.data[1] == 0xFF) {
		return false
	}
	out, ok := p.run(shapeOf(rv.Type().Elem()))
	if !ok || p.failed {
		return false
	}
	if json.Unmarshal(out, v) != nil {
		rv.Elem().SetZero()
		return false
	}
	return true
}

// pruner copies JSON without the members its shape ignores. It reads from
// data, refilled from src when src is set (see fill).
type pruner struct {
	data   []byte
	i      int
	src    io.Reader
	eof    bool
	failed bool // reading src failed
	// mark, when not negative, is where the token being copied starts:
	// fill keeps the bytes from there.
	mark  int
	out   []byte
	depth int
	key   []byte
}

func (p *pruner) run(shape *pshape) ([]byte, bool) {
	p.ws()
	if !p.value(shape, true) {
		return nil, false
	}
	p.ws()
	if p.more() {
		return nil, false
	}
	return p.out, true
}

// more reports whether a byte is at p.i, reading more when needed.
func (p *pruner) more() bool { return p.i < len(p.data) || p.fill() }

// ensure reports whether n bytes are at p.i, reading more when needed.
func (p *pruner) ensure(n int) bool {
	for len(p.data)-p.i < n {
		if !p.fill() {
			return false
		}
	}
	return true
}

// fill reads more of src into data, first dropping what was read (but what
// the mark keeps), and reports whether a byte is at p.i.
func (p *pruner) fill() bool {
	if p.src == nil || p.eof {
		return false
	}
	keep := p.i
	if p.mark >= 0 && p.mark < keep {
		keep = p.mark
	}
	if keep > 0 {
		n := copy(p.data, p.data[keep:])
		p.data = p.data[:n]
		p.i -= keep
		if p.mark >= 0 {
			p.mark -= keep
		}
	}
	if len(p.data) == cap(p.data) {
		grown := make([]byte, len(p.data), 2*cap(p.data)+4096)
		copy(grown, p.data)
		p.data = grown
	}
	for {
		n, err := p.src.Read(p.data[len(p.data):cap(p.data)])
		p.data = p.data[:len(p.data)+n]
		if err != nil {
			p.eof = true
			p.failed = err != io.EOF
			break
		}
		if n > 0 {
			break
		}
	}
	return p.i < len(p.data)
}

// maxPruneDepth is far below encoding/json's nesting limit: deeper input
// is decoded as it is.
const maxPruneDepth = 200

func (p *pruner) ws() {
	for {
		d, i := p.data, p.i
		for i < len(d) && isSpace[d[i]] {
			i++
		}
		p.i = i
		if i < len(d) || !p.fill() {
			return
		}
	}
}

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// value reads one JSON value, copying it (pruned by shape) when emit is set.
func (p *pruner) value(shape *pshape, emit bool) bool {
	if !p.more() {
		return false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		if emit && shape.kind == pObject {
			return p.object(shape)
		}
		return p.keep(emit)
	case c == '[':
		if emit && shape.kind == pArray {
			return p.array(shape.elem)
		}
		return p.keep(emit)
	}
	return p.keep(emit)
}

// object reads an object into its struct shape.
func (p *pruner) object(shape *pshape) bool {
	if p.depth++; p.depth > maxPruneDepth {
		return false
	}
	p.i++ // {
	p.out = append(p.out, '{')
	p.ws()
	if p.more() && p.data[p.i] == '}' {
		p.i++
		p.out = append(p.out, '}')
		p.depth--
		return true
	}
	first := true
	for {
		if !p.more() || p.data[p.i] != '"' {
			return false
		}
		p.mark = p.i
		plain, ok := p.str()
		if !ok {
			return false
		}
		field, known, keepAll := p.lookup(shape, p.data[p.mark+1:p.i-1], plain)
		emit := known || keepAll
		if emit {
			if !first {
				p.out = append(p.out, ',')
			}
			first = false
			p.out = append(p.out, p.data[p.mark:p.i]...)
			p.out = append(p.out, ':')
			if field == nil {
				field = keepShape
			}
		}
		p.mark = -1
		p.ws()
		if !p.more() || p.data[p.i] != ':' {
			return false
		}
		p.i++
		p.ws()
		if !p.value(field, emit) {
			return false
		}
		p.ws()
		if !p.more() {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.ws()
		case '}':
			p.i++
			p.out = append(p.out, '}')
			p.depth--
			return true
		default:
			return false
		}
	}
}

// lookup finds the field a member's raw key names. A key with escapes,
// non-ASCII bytes, '_' or '-' may match a field in ways the pruner does
// not model (Unicode case folding; encoding/json/v2 also ignores '_' and
// '-'): such members are kept as they are (keepAll).
func (p *pruner) lookup(shape *pshape, raw []byte, plain bool) (field *pshape, known, keepAll bool) {
	if !plain {
		return nil, false, true
	}
	p.key = p.key[:0]
	for _, c := range raw {
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '_' || c == '-':
			return nil, false, true
		}
		p.key = append(p.key, c)
	}
	f, ok := shape.fields[string(p.key)]
	return f, ok, false
}

// array reads an array, pruning each element by elem.
func (p *pruner) array(elem *pshape) bool {
	if p.depth++; p.depth > maxPruneDepth {
		return false
	}
	p.i++ // [
	p.out = append(p.out, '[')
	p.ws()
	if p.more() && p.data[p.i] == ']' {
		p.i++
		p.out = append(p.out, ']')
		p.depth--
		return true
	}
	for {
		if !p.value(elem, true) {
			return false
		}
		p.ws()
		if !p.more() {
			return false
		}
		switch p.data[p.i] {
		case ',':
			p.i++
			p.out = append(p.out, ',')
			p.ws()
		case ']':
			p.i++
			p.out = append(p.out, ']')
			p.depth--
			return true
		default:
			return false
		}
	}
}

// keep reads one value as it is, checking that it is valid JSON, and
// copies it when emit is set (without white space).
func (p *pruner) keep(emit bool) bool {
	if !p.more() {
		return false
	}
	switch c := p.data[p.i]; {
	case c == '{' || c == '[':
		if p.depth++; p.depth > maxPruneDepth {
			return false
		}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		p.i++
		if emit {
			p.out = append(p.out, c)
		}
		p.ws()
		if p.more() && p.data[p.i] == closing {
			p.i++
			if emit {
				p.out = append(p.out, closing)
			}
			p.depth--
			return true
		}
		for {
			if c == '{' {
				if !p.more() || p.data[p.i] != '"' {
					return false
				}
				if !p.keep(emit) {
					return false
				}
				p.ws()
				if !p.more() || p.data[p.i] != ':' {
					return false
				}
				p.i++
				if emit {
					p.out = append(p.out, ':')
				}
				p.ws()
			}
			if !p.keep(emit) {
				return false
			}
			p.ws()
			if !p.more() {
				return false
			}
			switch p.data[p.i] {
			case ',':
				p.i++
				if emit {
					p.out = append(p.out, ',')
				}
				p.ws()
			case closing:
				p.i++
				if emit {
					p.out = append(p.out, closing)
				}
				p.depth--
				return true
			default:
				return false
			}
		}
	case c == '"':
		if !emit {
			_, ok := p.str()
			return ok
		}
		p.mark = p.i
		if _, ok := p.str(); !ok {
			return false
		}
		p.out = append(p.out, p.data[p.mark:p.i]...)
		p.mark = -1
		return true
	case c == 't':
		return p.literal("true", emit)
	case c == 'f':
		return p.literal("false", emit)
	case c == 'n':
		return p.literal("null", emit)
	case c == '-' || '0' <= c && c <= '9':
		p.mark = p.i
		if !p.number() {
			return false
		}
		if emit {
			p.out = append(p.out, p.data[p.mark:p.i]...)
		}
		p.mark = -1
		return true
	}
	return false
}

func (p *pruner) literal(lit string, emit bool) bool {
	if !p.ensure(len(lit)) || string(p.data[p.i:p.i+len(lit)]) != lit {
		return false
	}
	p.i += len(lit)
	if emit {
		p.out = append(p.out, lit...)
	}
	return true
}

// strSpecial marks the bytes that end the plain run of a string: the quote,
// the backslash and control characters (invalid in JSON strings).
var strSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a string, checking its escapes; plain reports whether it holds
// only printable ASCII without escapes.
func (p *pruner) str() (plain, ok bool) {
	p.i++ // the opening quote
	plain = true
	for {
		d, i := p.data, p.i
		for i < len(d) && !strSpecial[d[i]] {
			if d[i] >= 0x80 {
				plain = false
			}
			i++
		}
		p.i = i
		if i == len(d) {
			if !p.fill() {
				return false, false
			}
			continue
		}
		switch d[i] {
		case '"':
			p.i = i + 1
			return plain, true
		case '\\':
			plain = false
			if !p.ensure(2) {
				return false, false
			}
			switch p.data[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if !p.ensure(6) {
					return false, false
				}
				for _, h := range p.data[p.i+2 : p.i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false, false
					}
				}
				p.i += 6
			default:
				return false, false
			}
		default: // a control character
			return false, false
		}
	}
}

// digits skips decimal digits.
func (p *pruner) digits() {
	for p.more() && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		p.i++
	}
}

func (p *pruner) digit() bool { return p.more() && '0' <= p.data[p.i] && p.data[p.i] <= '9' }

// number reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// What follows it must end it; the caller checks that.
func (p *pruner) number() bool {
	if p.more() && p.data[p.i] == '-' {
		p.i++
	}
	switch {
	case p.more() && p.data[p.i] == '0':
		p.i++
	case p.digit():
		p.digits()
	default:
		return false
	}
	if p.more() && p.data[p.i] == '.' {
		p.i++
		if !p.digit() {
			return false
		}
		p.digits()
	}
	if p.more() && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.more() && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if !p.digit() {
			return false
		}
		p.digits()
	}
	return true
}
