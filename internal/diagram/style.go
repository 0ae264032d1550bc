package diagram

// Colours. Every text colour has at least 4.5:1 contrast on its fill
// (WCAG AA); the tiers are also named in each subnet's label, so colour is
// never the only cue.
const (
	colourText     = "#111827"
	colourBorder   = "#374151"
	colourMuted    = "#4b5563"
	colourExposure = "#b91c1c" // red: 6.5:1 on white
	colourFlow     = "#1d4ed8" // blue: 6.7:1 on white
	colourInternet = "#fee2e2"
	colourNote     = "#fffbeb"
)

// tierStyle is how a subnet of a tier is drawn.
type tierStyle struct{ fill, border string }

var tierStyles = map[string]tierStyle{
	TierPublic:   {fill: "#dbeafe", border: "#1e40af"},
	TierPrivate:  {fill: "#dcfce7", border: "#166534"},
	TierIsolated: {fill: "#ede9fe", border: "#5b21b6"},
}

// boxStyle is how a box of a kind is drawn.
type boxStyle struct{ shape, style, fill, border string }

var boxStyles = map[string]boxStyle{
	boxRole:     {"box", "rounded,filled", "#ffffff", colourBorder},
	boxLB:       {"box", "rounded,filled", "#fef3c7", "#92400e"},
	boxNAT:      {"box", "filled", "#f3f4f6", colourMuted},
	boxEndpoint: {"box", "filled", "#e0f2fe", "#075985"},
	boxGateway:  {"box", "filled,bold", "#f3f4f6", colourMuted},
	boxMore:     {"box", "rounded,filled,dashed", "#f9fafb", colourMuted},
	boxEmpty:    {"plaintext", "", "#ffffff", colourMuted},
}

// fontFamily is written into the SVG: generic sans-serif, with Japanese
// fonts of macOS, Linux and Windows first so that Japanese labels render.
const fontFamily = `'Hiragino Sans','Hiragino Kaku Gothic ProN','Noto Sans CJK JP','Noto Sans JP','Yu Gothic',Meiryo,sans-serif`

// textWidth estimates the width of s in points at size pt: wide
// (East Asian) characters one em, others about half.
func textWidth(s string, pt float64) float64 {
	w := 0.0
	for _, r := range s {
		if isWide(r) {
			w += pt
		} else {
			w += pt * 0.58
		}
	}
	return w
}

func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6))
}

func hasWide(s string) bool {
	for _, r := range s {
		if isWide(r) {
			return true
		}
	}
	return false
}
