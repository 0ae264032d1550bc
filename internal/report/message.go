package report

import (
	"strings"
	"unicode"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// MessageIn is the finding's message in l: Msg rendered in l, with the
// spaces the catalogue's fragments leave between Japanese words taken out
// (JapaneseSpacing); Message itself in English, or when the finding has
// no Msg (a report read back from JSON).
func (f Finding) MessageIn(l i18n.Lang) string {
	if l == i18n.English || l == "" || f.Msg.IsZero() {
		return f.Message
	}
	return JapaneseSpacing(l.Render(f.Msg))
}

// EvidenceIn is the finding's evidence in l: each line that is a sentence
// (EvidenceMsg) rendered in l, the others (rule and route notation) as
// they are. In English, or without EvidenceMsg, it is Evidence itself.
func (f Finding) EvidenceIn(l i18n.Lang) []string {
	if l == i18n.English || l == "" || len(f.EvidenceMsg) != len(f.Evidence) {
		return f.Evidence
	}
	out := make([]string, len(f.Evidence))
	for i, line := range f.Evidence {
		if m := f.EvidenceMsg[i]; !m.IsZero() {
			line = JapaneseSpacing(l.Render(m))
		}
		out[i] = line
	}
	return out
}

// JapaneseSpacing removes the spaces of s that Japanese does not write:
// between two Japanese letters (kanji, kana) and next to Japanese
// punctuation (、。（）：…). Spaces between Japanese and Latin letters,
// digits or IDs stay, as AWS's Japanese documentation writes them
// ("EC2 インスタンス 3 台"); two spaces in a row (an empty fragment)
// become one. Text without Japanese comes back unchanged.
func JapaneseSpacing(s string) string {
	if !strings.Contains(s, " ") || !strings.ContainsFunc(s, func(r rune) bool { return jaLetter(r) || jaPunct(r) }) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) {
			prev, next := rs[i-1], rs[i+1]
			if jaPunct(prev) || jaPunct(next) || jaLetter(prev) && jaLetter(next) || next == ' ' {
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jaLetter reports whether r is a kanji or kana (or the long-vowel mark).
func jaLetter(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー'
}

// jaPunct reports whether r is CJK or full-width punctuation.
func jaPunct(r rune) bool {
	return r >= 0x3000 && r <= 0x303F || r >= 0xFF01 && r <= 0xFF0F || r >= 0xFF1A && r <= 0xFF20 ||
		r >= 0xFF3B && r <= 0xFF40 || r >= 0xFF5B && r <= 0xFF65
}
