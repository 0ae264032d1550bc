package snapshot

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// locator answers what locate and lineCol answer for one file's JSON, which
// decoded without error and so is valid, remembering the arrays and objects
// it has scanned and where the lines start: a file with thousands of bad
// values costs one pass over it rather than one per value.
type locator struct {
	data     []byte
	arrays   map[int]*[]int      // array start → its elements' starts
	objects  map[int]*[]jsonItem // object start → its members
	newlines []int               // offsets of '\n', once needed
	lines    bool
}

type jsonItem struct {
	key   string // unquoted as encoding/json unquotes
	value int    // where the member's value starts
}

func newLocator(data []byte) *locator {
	return &locator{data: data, arrays: map[int]*[]int{}, objects: map[int]*[]jsonItem{}}
}

// valueError is valueError(file, l.data, path, …).
func (l *locator) valueError(file string, path jsonPath, format string, args ...any) *FileError {
	e := &FileError{Path: file, Field: path.String(), Msg: fmt.Sprintf(format, args...)}
	if off := l.locate(path); off >= 0 {
		e.Line, e.Col = l.lineCol(off)
	}
	return e
}

// locate is locate(l.data, path).
func (l *locator) locate(path jsonPath) int64 {
	d := l.data
	off := l.ws(0)
	for _, el := range path {
		switch want := el.(type) {
		case string:
			if off >= len(d) || d[off] != '{' {
				return -1
			}
			members := l.members(off)
			if members == nil {
				return -1
			}
			found := -1
			for _, m := range *members {
				if strings.EqualFold(m.key, want) {
					found = m.value
					break
				}
			}
			if found < 0 {
				return -1
			}
			off = found
		case int:
			if off >= len(d) || d[off] != '[' {
				return -1
			}
			elems := l.elements(off)
			if elems == nil {
				return -1
			}
			i := max(want, 0) // locate reads a negative index as the first
			if i >= len(*elems) {
				return -1
			}
			off = (*elems)[i]
		default:
			return -1
		}
	}
	return int64(off)
}

// lineCol is lineCol(l.data, off).
func (l *locator) lineCol(off int64) (int, int) {
	off = min(max(off, 0), int64(len(l.data)))
	if !l.lines {
		l.lines = true
		for i, c := range l.data {
			if c == '\n' {
				l.newlines = append(l.newlines, i)
			}
		}
	}
	// n newlines lie before off; the last of them ends the previous line.
	n := sort.SearchInts(l.newlines, int(off))
	lineStart := 0
	if n > 0 {
		lineStart = l.newlines[n-1] + 1
	}
	return n + 1, int(off) - lineStart + 1
}

func (l *locator) ws(i int) int {
	for i < len(l.data) && isSpace[l.data[i]] {
		i++
	}
	return i
}

// members lists the members of the object starting at off; nil when the
// JSON there is not what it should be.
func (l *locator) members(off int) *[]jsonItem {
	if m, ok := l.objects[off]; ok {
		return m
	}
	d := l.data
	var out []jsonItem
	i := l.ws(off + 1)
	if i < len(d) && d[i] == '}' {
		l.objects[off] = &out
		return &out
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return nil
		}
		end := l.skip(i)
		if end < 0 {
			return nil
		}
		key, ok := unquoteKey(d[i:end])
		if !ok {
			return nil
		}
		i = l.ws(end)
		if i >= len(d) || d[i] != ':' {
			return nil
		}
		i = l.ws(i + 1)
		out = append(out, jsonItem{key: key, value: i})
		if i = l.skip(i); i < 0 {
			return nil
		}
		i = l.ws(i)
		if i >= len(d) {
			return nil
		}
		if d[i] == '}' {
			break
		}
		if d[i] != ',' {
			return nil
		}
		i = l.ws(i + 1)
	}
	l.objects[off] = &out
	return &out
}

// elements lists where the elements of the array starting at off begin.
func (l *locator) elements(off int) *[]int {
	if e, ok := l.arrays[off]; ok {
		return e
	}
	d := l.data
	var out []int
	i := l.ws(off + 1)
	if i < len(d) && d[i] == ']' {
		l.arrays[off] = &out
		return &out
	}
	for {
		out = append(out, i)
		if i = l.skip(i); i < 0 {
			return nil
		}
		i = l.ws(i)
		if i >= len(d) {
			return nil
		}
		if d[i] == ']' {
			break
		}
		if d[i] != ',' {
			return nil
		}
		i = l.ws(i + 1)
	}
	l.arrays[off] = &out
	return &out
}

// skip returns the end of the valid JSON value starting at i, or -1.
func (l *locator) skip(i int) int {
	d := l.data
	if i >= len(d) {
		return -1
	}
	switch d[i] {
	case '"':
		for i++; i < len(d); i++ {
			switch d[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for ; i < len(d); i++ {
			switch d[i] {
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			case '"':
				end := l.skip(i)
				if end < 0 {
					return -1
				}
				i = end - 1
			}
		}
		return -1
	}
	for i < len(d) && !isSpace[d[i]] && d[i] != ',' && d[i] != ']' && d[i] != '}' {
		i++
	}
	return i
}

// unquoteKey unquotes a key as json.Decoder.Token does.
func unquoteKey(raw []byte) (string, bool) {
	body := raw[1 : len(raw)-1]
	plain := utf8.Valid(body)
	for _, c := range body {
		if c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		return string(body), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}
