package netdoc

import (
	"strings"
)

// mdReplacer escapes text from the data for Markdown (the same escaping
// as internal/render's pull-request comments): backslash escapes for the
// punctuation that starts emphasis, links, code, tables and headings;
// entities for HTML; a zero-width space after @ so that a name cannot
// mention a person; spaces for line breaks, which would end a table row.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "#", `\#`, "~", `\~`, "$", `\$`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"@", "@&#8203;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// esc escapes text from the data.
func esc(s string) string { return mdReplacer.Replace(s) }

// code writes an identifier as inline code, or as escaped text when it
// holds a character inline code cannot carry inside a table (a backtick, a
// pipe, a line break).
func code(s string) string {
	if s == "" || strings.ContainsAny(s, "`|\r\n") {
		return esc(s)
	}
	return "`" + s + "`"
}

// doc accumulates the Markdown document.
type doc struct {
	b strings.Builder
}

// line writes one line.
func (d *doc) line(s string) {
	d.b.WriteString(s)
	d.b.WriteByte('\n')
}

// para writes a paragraph and the blank line after it.
func (d *doc) para(s string) {
	d.line(s)
	d.line("")
}

// heading writes a heading of the given level.
func (d *doc) heading(level int, s string) {
	d.para(strings.Repeat("#", level) + " " + s)
}

// table writes a table: cells are Markdown already (escaped by the caller);
// line breaks inside a cell become spaces so that a row stays one line.
func (d *doc) table(header []string, rows [][]string) {
	d.row(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	d.row(sep)
	for _, r := range rows {
		d.row(r)
	}
	d.line("")
}

func (d *doc) row(cells []string) {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		c = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(c)
		b.WriteString(" " + c + " |")
	}
	d.line(b.String())
}
