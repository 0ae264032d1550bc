package render

import "github.com/vpcdoctor/vpcdoctor/internal/report"

// The Markdown helpers other Markdown writers (`vpcdoctor diff`) share, so
// that every pull-request comment escapes and shortens alike.

// MarkdownEscape escapes text from the data for Markdown, as the Markdown
// report does: it cannot break a table, open an HTML tag or mention anyone.
func MarkdownEscape(s string) string { return mdEscape(s) }

// MarkdownCode writes an identifier as inline code (escaped text when it
// holds a character inline code cannot carry).
func MarkdownCode(s string) string { return mdCode(s) }

// MarkdownSection joins head, as many items as fit in budget bytes, the
// line more(n) saying how many were left out, and tail.
func MarkdownSection(head string, items []string, tail string, budget int, more func(n int) string) string {
	return mdSection(head, items, tail, budget, more)
}

// MarkdownClip shortens s to at most n characters, as table cells are.
func MarkdownClip(s string, n int) string { return clip(s, n) }

// ExposureTraffic names what an exposure lets through: tcp/80,
// tcp/8000-8080, udp (every port), all, all but tcp, icmp type 8.
func ExposureTraffic(x report.Exposure) string { return exposureTraffic(x) }
