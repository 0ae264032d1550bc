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
//
// decodeStream does the same while reading the file in pieces, so that a
// 70 MB describe-instances file is never in memory whole, and decodes the
// elements of the root's big array on other goroutines as the pruner
// reads on (splitter). Anything unusual makes it give up, and the caller
// reads and decodes the whole file instead.

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
	fields map[string]*pfield // pObject: by lower-case name; nil: keep the member as it is
	elem   *pshape            // pArray
}

// pfield is a struct field a member decodes into.
type pfield struct {
	shape *pshape
	index int          // in its struct
	typ   reflect.Type // the field's type
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
		// Embedded fields and names that are not plain ASCII follow rules
		// the pruner does not model: keep such objects as they are.
		type named struct {
			key string
			i   int
		}
		var fields []named
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
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
				return keepShape
			}
			fields = append(fields, named{key, i})
		}
		s := &pshape{kind: pObject, fields: map[string]*pfield{}}
		building[t] = s
		for _, n := range fields {
			if _, dup := s.fields[n.key]; dup {
				s.fields[n.key] = nil // two fields fold alike: keep such members as they are
				continue
			}
			f := t.Field(n.i)
			s.fields[n.key] = &pfield{shape: buildShape(f.Type, building), index: n.i, typ: f.Type}
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

// splitChunk is how many bytes of pruned elements of a root array one
// goroutine decodes (a variable for the tests).
var splitChunk = 1 << 20

// splitter decodes the elements of one array member of the root object
// (the Reservations of describe-instances, the NetworkInterfaces of
// describe-network-interfaces) in pieces, on goroutines, while the pruner
// reads on. Elements decode into zero values one by one whether decoded
// together or apart, so the pieces put end to end are what decoding the
// whole array gives.
type splitter struct {
	field  *pfield // the member split, once one is
	seen   map[*pfield]bool
	bad    bool // a root member may also decode into the field
	pieces []reflect.Value
	errs   []error
	wg     sync.WaitGroup
	mu     sync.Mutex
}

// member records a member of the root object and reports whether to split
// its value, when it is an array: the first member naming a field of
// type []T or *[]T with T a struct, no other member having named it.
func (sp *splitter) member(f *pfield, keepAll bool) bool {
	if keepAll {
		// Its key may fold onto any field.
		sp.bad = sp.bad || sp.field != nil
		sp.seen[nil] = true
		return false
	}
	if f == nil {
		return false
	}
	if sp.field == f {
		sp.bad = true
	}
	first := !sp.seen[f]
	sp.seen[f] = true
	if sp.field != nil || !first || sp.seen[nil] {
		return false
	}
	t := f.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && f.shape.kind == pArray && f.shape.elem.kind == pObject
}

// decode decodes one piece, "[e1,e2,…]", into a new []T on a goroutine.
func (sp *splitter) decode(piece []byte) {
	t := sp.field.typ
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	sp.mu.Lock()
	n := len(sp.pieces)
	sp.pieces = append(sp.pieces, reflect.Value{})
	sp.errs = append(sp.errs, nil)
	sp.mu.Unlock()
	sp.wg.Go(func() {
		v := reflect.New(t)
		err := json.Unmarshal(piece, v.Interface())
		sp.mu.Lock()
		sp.pieces[n], sp.errs[n] = v.Elem(), err
		sp.mu.Unlock()
	})
}

// splitArray reads the array at p.i, writing [] in its place and handing
// its pruned elements to the splitter's goroutines in pieces.
func (p *pruner) splitArray(f *pfield) bool {
	sp := p.split
	sp.field = f
	elem := f.shape.elem
	root := p.out
	p.out = append(make([]byte, 0, min(splitChunk+splitChunk/4, 4<<20)), '[')
	flush := func() {
		sp.decode(append(p.out, ']'))
		p.out = append(make([]byte, 0, min(splitChunk+splitChunk/4, 4<<20)), '[')
	}
	p.i++ // [
	p.ws()
	if p.more() && p.data[p.i] == ']' {
		p.i++
	} else {
		for {
			if len(p.out) > 1 {
				p.out = append(p.out, ',')
			}
			if !p.value(elem, true) {
				return false
			}
			if len(p.out) >= splitChunk {
				flush()
			}
			p.ws()
			if !p.more() {
				return false
			}
			if p.data[p.i] == ']' {
				p.i++
				break
			}
			if p.data[p.i] != ',' {
				return false
			}
			p.i++
			p.ws()
		}
	}
	if len(p.out) > 1 || len(sp.pieces) == 0 {
		flush()
	}
	p.out = append(root, '[', ']')
	return true
}

// finish waits for the pieces and sets the split field of the decoded
// root v to them end to end; false when something went wrong.
func (sp *splitter) finish(v reflect.Value) bool {
	sp.wg.Wait()
	if sp.bad {
		return false
	}
	t := sp.field.typ
	ptr := t.Kind() == reflect.Pointer
	if ptr {
		t = t.Elem()
	}
	n := 0
	for i, piece := range sp.pieces {
		if sp.errs[i] != nil {
			return false
		}
		n += piece.Len()
	}
	all := reflect.MakeSlice(t, 0, n)
	for _, piece := range sp.pieces {
		all = reflect.AppendSlice(all, piece)
	}
	field := v.Elem().Field(sp.field.index)
	if ptr {
		pv := reflect.New(t)
		pv.Elem().Set(all)
		field.Set(pv)
	} else {
		field.Set(all)
	}
	return true
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
	p.split = &splitter{seen: map[*pfield]bool{}}
	defer p.split.wg.Wait()
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
	if json.Unmarshal(out, v) != nil || p.split.field != nil && !p.split.finish(rv) {
		rv.Elem().SetZero()
		return false
	}
	return true
}

// pruner copies JSON without the members its shape ignores. It reads from
// data, refilled from src when src is set (see fill).
type pruner struct {
	split  *splitter // when set, the root's big array is decoded in pieces
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
		fshape := keepShape
		if emit {
			if !first {
				p.out = append(p.out, ',')
			}
			first = false
			p.out = append(p.out, p.data[p.mark:p.i]...)
			p.out = append(p.out, ':')
			if field != nil {
				fshape = field.shape
			}
		}
		p.mark = -1
		p.ws()
		if !p.more() || p.data[p.i] != ':' {
			return false
		}
		p.i++
		p.ws()
		split := false
		if sp := p.split; sp != nil && p.depth == 1 && emit {
			split = sp.member(field, keepAll) && p.more() && p.data[p.i] == '['
		}
		if split {
			if !p.splitArray(field) {
				return false
			}
		} else if !p.value(fshape, emit) {
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
func (p *pruner) lookup(shape *pshape, raw []byte, plain bool) (field *pfield, known, keepAll bool) {
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
