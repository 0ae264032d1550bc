package plan

import (
	"fmt"
	"strings"
)

// costGroup is the cost items and comparisons of one account and region.
type costGroup struct {
	heading     string // "111122223333 ap-northeast-1", "" for the rest
	items       []CostItem
	comparisons []string
}

// groupCost sorts the estimate's items and comparisons by the account and
// region their text starts with ("111122223333 ap-northeast-1: "), in the
// plan's order of regions, with that prefix taken off; what names no
// region of the plan comes last, as it is.
func groupCost(p *Plan) []*costGroup {
	var groups []*costGroup
	prefixes := make([]string, 0, len(p.Regions))
	for _, rp := range p.Regions {
		groups = append(groups, &costGroup{heading: rp.Account + " " + rp.Region})
		prefixes = append(prefixes, rp.Account+" "+rp.Region+": ")
	}
	rest := &costGroup{}
	groupOf := func(text string) (*costGroup, string) {
		for i, prefix := range prefixes {
			if s, ok := strings.CutPrefix(text, prefix); ok {
				return groups[i], s
			}
		}
		return rest, text
	}
	for _, it := range p.Cost.Items {
		g, what := groupOf(it.What)
		it.What = what
		g.items = append(g.items, it)
	}
	for _, c := range p.Cost.Comparisons {
		g, text := groupOf(c)
		g.comparisons = append(g.comparisons, text)
	}
	var out []*costGroup
	for _, g := range append(groups, rest) {
		if len(g.items)+len(g.comparisons) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// writeCost writes the estimate's lines: each item's monthly amount,
// right-aligned in one column, then what it is; the comparisons beneath,
// in the column of the items' words. With several accounts or regions,
// each one's lines come under a heading naming them.
func writeCost(b *strings.Builder, p *Plan) {
	groups := groupCost(p)
	width := 0
	for _, g := range groups {
		for _, it := range g.items {
			width = max(width, len(fmt.Sprintf("%.2f", it.Monthly)))
		}
	}
	indent := "  "
	headings := len(groups) > 1 || len(p.Regions) > 1
	for _, g := range groups {
		in := indent
		if headings {
			heading := g.heading
			if heading == "" {
				heading = "other"
			}
			fmt.Fprintf(b, "%s%s\n", indent, heading)
			in += "  "
		}
		for _, it := range g.items {
			fmt.Fprintf(b, "%s%*.2f  %s\n", in, width, it.Monthly, it.What)
		}
		pad := ""
		if width > 0 {
			pad = strings.Repeat(" ", width+2)
		}
		for _, c := range g.comparisons {
			fmt.Fprintf(b, "%s%s%s\n", in, pad, c)
		}
	}
}
