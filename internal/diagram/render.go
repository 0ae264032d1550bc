package diagram

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sync"

	graphviz "github.com/goccy/go-graphviz"
)

// gvMu serialises Graphviz: its WebAssembly module keeps global state.
var gvMu sync.Mutex

// render lays out a DOT graph with Graphviz's dot and returns the SVG,
// made self-contained: no DOCTYPE (which names an external DTD), no
// comments, and the Japanese-capable font list on every text. The XML
// declaration is dropped too (UTF-8 is XML's default), so that the SVG
// can be put inline in an HTML page as it is.
func render(dot []byte) ([]byte, error) {
	gvMu.Lock()
	defer gvMu.Unlock()
	ctx := context.Background()
	g, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("diagram: starting Graphviz: %w", err)
	}
	defer g.Close()
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("diagram: Graphviz could not read the graph: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := g.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("diagram: Graphviz layout: %w", err)
	}
	return clean(buf.Bytes()), nil
}

var (
	xmlDecl     = regexp.MustCompile(`^<\?xml[^>]*\?>\s*`)
	doctype     = regexp.MustCompile(`(?s)<!DOCTYPE[^>]*>\s*`)
	comment     = regexp.MustCompile(`(?s)<!--.*?-->\s*`)
	fontAttr    = regexp.MustCompile(`font-family="[^"]*"`)
	fontFamAttr = []byte(`font-family="` + fontFamily + `"`)
)

func clean(svg []byte) []byte {
	svg = xmlDecl.ReplaceAll(svg, nil)
	svg = doctype.ReplaceAll(svg, nil)
	svg = comment.ReplaceAll(svg, nil)
	svg = fontAttr.ReplaceAll(svg, fontFamAttr)
	return svg
}
