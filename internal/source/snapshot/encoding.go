package snapshot

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// utf8Text returns data as UTF-8 without a byte-order mark. The AWS CLI
// prints UTF-8, but a file saved on Windows may carry a UTF-8 BOM, and
// Windows PowerShell 5.1's ">" writes UTF-16LE with a BOM; both are read as
// the JSON they hold. Other bytes are returned unchanged.
func utf8Text(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return fromUTF16(data[2:], func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 })
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fromUTF16(data[2:], func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) })
	}
	return data
}

func fromUTF16(b []byte, unit func([]byte) uint16) []byte {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		units = append(units, unit(b[i:i+2]))
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// UTF8Text returns a snapshot file's bytes as the UTF-8 JSON the loader
// reads: without a UTF-8 byte-order mark, and converted from UTF-16 when
// the file starts with a UTF-16 byte-order mark. Other bytes are returned
// unchanged. Tools that edit snapshot files (the planner's target writer)
// read them the way the loader does with it.
func UTF8Text(data []byte) []byte { return utf8Text(data) }
