package render

import "strings"

// Text for a terminal in a language written without spaces between words
// (Japanese): its width counts East Asian wide characters as two columns,
// and it may break between any two of them, but not before closing
// punctuation nor after opening punctuation (kinsoku). Runs of other
// characters (AWS CLI commands, IDs) are kept whole, as para keeps words.

// wide reports whether r takes two columns in a terminal.
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0x303E, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33FF, // kana, CJK compatibility
		r >= 0x3400 && r <= 0x4DBF, // CJK extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xA000 && r <= 0xA4CF, // Yi
		r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}

// displayWidth is the columns s takes in a terminal.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return n
}

// padRight pads s with spaces to width columns.
func padRight(s string, width int) string {
	if d := width - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// noBreakBefore are characters a line may not start with; noBreakAfter
// those it may not end with.
const (
	noBreakBefore = "、。，．）」』】〕》〉・ー：；？！ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.:;)]}!?"
	noBreakAfter  = "（「『【〔《〈([{"
)

// wrapUnits splits text into what a line may not split: runs of narrow
// characters, single wide characters, and spaces (a unit " " of their
// own, where a line may break). A unit starts at a wide character and
// after one, except that a closing mark stays with what precedes it and
// an opening mark with what follows it (kinsoku).
func wrapUnits(text string) []string {
	var units []string
	var cur strings.Builder
	var prev rune
	flush := func() {
		if cur.Len() > 0 {
			units = append(units, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		if r == ' ' || r == '\t' || r == '\n' {
			flush()
			if len(units) > 0 && units[len(units)-1] != " " {
				units = append(units, " ")
			}
			continue
		}
		if cur.Len() > 0 && (wide(r) || wide(prev)) &&
			!strings.ContainsRune(noBreakBefore, r) && !strings.ContainsRune(noBreakAfter, prev) {
			flush()
		}
		cur.WriteRune(r)
		prev = r
	}
	flush()
	return units
}

// paraWide is para for text that may hold wide characters: wrapped at the
// width in columns, every line indented.
func (t *textWriter) paraWide(indent, first, text string) {
	line, width := first, displayWidth(first)
	empty := true
	pendingSpace := false
	for _, u := range wrapUnits(strings.TrimSpace(text)) {
		if u == " " {
			pendingSpace = !empty
			continue
		}
		w := displayWidth(u)
		sp := 0
		if pendingSpace {
			sp = 1
		}
		if !empty && width+sp+w > t.width {
			t.printf("%s\n", line)
			line, width, empty, sp = indent, displayWidth(indent), true, 0
		}
		if sp == 1 {
			line += " "
			width++
		}
		line += u
		width += w
		empty, pendingSpace = false, false
	}
	t.printf("%s\n", line)
}
