package plan

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// decodeGeneric decodes one JSON value (with whitespace around it) into
// the generic values the target writer edits, exactly as encoding/json's
// Decoder with UseNumber decodes into an `any`: objects map[string]any
// (the last of repeated keys wins), arrays []any, numbers json.Number as
// written, strings, booleans and nil. It is a single pass over the bytes,
// several times faster than encoding/json, which scans the input once to
// find the value's end and then again to decode it; the large files of a
// big account (the ENI and instance lists) made that a second of `plan`.
//
// ok is false on anything it does not decode itself: a syntax error,
// trailing data, nesting deeper than encoding/json allows. The caller
// then decodes with encoding/json, for its verdict and its error message.
// Strings with escapes or bytes that are not UTF-8 are handed to
// encoding/json one by one, so their decoding is encoding/json's.
func decodeGeneric(data []byte) (v any, ok bool) {
	d := &genericDecoder{s: string(data)}
	d.space()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.i == len(d.s)
}

// genericDecoder holds the input as one string: strings without escapes
// and numbers are slices of it, not copies.
type genericDecoder struct {
	s string
	i int
	// pairs and items are scratch stacks: an object's members and an
	// array's elements gather there, so that each map and slice is
	// allocated once, at its final size.
	pairs []pair
	items []any
}

type pair struct {
	k string
	v any
}

// maxGenericDepth is encoding/json's nesting limit.
const maxGenericDepth = 10000

func (d *genericDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *genericDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.s) {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *genericDecoder) literal(word string) bool {
	if len(d.s)-d.i < len(word) || d.s[d.i:d.i+len(word)] != word {
		return false
	}
	d.i += len(word)
	return true
}

func (d *genericDecoder) object(depth int) (any, bool) {
	if depth > maxGenericDepth {
		return nil, false
	}
	d.i++ // {
	base := len(d.pairs)
	defer func() { d.pairs = d.pairs[:base] }()
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return map[string]any{}, true
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		d.pairs = append(d.pairs, pair{k, v})
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			m := make(map[string]any, len(d.pairs)-base)
			for _, p := range d.pairs[base:] {
				m[p.k] = p.v // in order: the last of repeated keys wins
			}
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *genericDecoder) array(depth int) (any, bool) {
	if depth > maxGenericDepth {
		return nil, false
	}
	d.i++ // [
	base := len(d.items)
	defer func() { d.items = d.items[:base] }()
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return []any{}, true
	}
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			return slices.Clone(d.items[base:]), true
		default:
			return nil, false
		}
	}
}

// str decodes the string at d.i (its opening quote).
func (d *genericDecoder) str() (string, bool) {
	start := d.i
	d.i++
	plain := true // no escape, every byte ASCII
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if plain {
				return d.s[start+1 : d.i-1], true
			}
			if raw := d.s[start+1 : d.i-1]; strings.IndexByte(raw, '\\') < 0 && utf8.ValidString(raw) {
				return raw, true
			}
			var s string
			if err := json.Unmarshal([]byte(d.s[start:d.i]), &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			d.i += 2 // the escaped byte cannot end the string
		case c < 0x20:
			return "", false
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			d.i++
		}
	}
	return "", false
}

// number decodes a number at d.i, checking JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *genericDecoder) number() (any, bool) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.s) && d.s[d.i] == '0':
		d.i++
	case d.i < len(d.s) && d.s[d.i] >= '1' && d.s[d.i] <= '9':
		d.digits()
	default:
		return nil, false
	}
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if !d.digits() {
			return nil, false
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if !d.digits() {
			return nil, false
		}
	}
	return json.Number(d.s[start:d.i]), true
}

// digits skips one or more digits; false when there is none.
func (d *genericDecoder) digits() bool {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	return d.i > start
}
