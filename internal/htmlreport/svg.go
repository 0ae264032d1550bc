package htmlreport

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
)

// diagramPrefix is the prefix of the i-th diagram's element IDs.
func diagramPrefix(i int) string { return "diagram-" + strconv.Itoa(i+1) }

// idRef matches an element ID and the references to one: id="X",
// url(#X), href="#X" (xlink:href too).
var idRef = regexp.MustCompile(`(\sid=")([^"]+)(")|(url\(#)([^)\s]+)(\))|(href="#)([^"]+)(")`)

// idDecl matches the IDs an SVG declares.
var idDecl = regexp.MustCompile(`\sid="([^"]+)"`)

// inlineSVG prepares an SVG document for the page: what precedes its root
// element (XML declaration, DOCTYPE, comments) goes, and every ID it
// declares, with the references to it, gets prefix, so that two diagrams
// (the before and after of a plan, drawn by the same program) cannot
// collide. References to IDs it does not declare are left alone.
func inlineSVG(svg []byte, prefix string) (string, error) {
	start := bytes.Index(svg, []byte("<svg"))
	end := bytes.LastIndex(svg, []byte("</svg>"))
	if start < 0 || end < start {
		return "", errors.New("not an SVG document (no <svg> ... </svg>)")
	}
	svg = svg[start : end+len("</svg>")]
	declared := map[string]bool{}
	for _, m := range idDecl.FindAllSubmatch(svg, -1) {
		declared[string(m[1])] = true
	}
	if len(declared) == 0 {
		return string(svg), nil
	}
	out := idRef.ReplaceAllFunc(svg, func(m []byte) []byte {
		g := idRef.FindSubmatch(m)
		for i := 1; i < len(g); i += 3 {
			if g[i] == nil {
				continue
			}
			if !declared[string(g[i+1])] {
				return m
			}
			return []byte(string(g[i]) + prefix + "-" + string(g[i+1]) + string(g[i+2]))
		}
		return m
	})
	return string(out), nil
}
