package diagram

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// element is a parsed SVG element, kept whole for the tests to search.
type element struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []element  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (e element) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e element) hasClass(c string) bool {
	for _, f := range strings.Fields(e.attr("class")) {
		if f == c {
			return true
		}
	}
	return false
}

// text is every text inside e, lines joined with spaces.
func (e element) text() string {
	var parts []string
	var walk func(x element)
	walk = func(x element) {
		if x.XMLName.Local == "text" {
			parts = append(parts, strings.TrimSpace(x.Text))
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(e)
	return strings.Join(parts, " ")
}

// title is the <title> child: Graphviz's node name, or "a->b" of an edge.
func (e element) title() string {
	for _, c := range e.Children {
		if c.XMLName.Local == "title" {
			return c.Text
		}
	}
	return ""
}

// fills are the fill attributes of e's shapes.
func (e element) fills() []string {
	var out []string
	for _, c := range e.Children {
		switch c.XMLName.Local {
		case "path", "polygon", "ellipse":
			out = append(out, c.attr("fill"))
		}
	}
	return out
}

func (e element) strokes() []string {
	var out []string
	for _, c := range e.Children {
		switch c.XMLName.Local {
		case "path", "polygon", "ellipse":
			out = append(out, c.attr("stroke"))
		}
	}
	return out
}

// all returns every element of e (e included) with class c.
func (e element) all(c string) []element {
	var out []element
	var walk func(x element)
	walk = func(x element) {
		if x.hasClass(c) {
			out = append(out, x)
		}
		for _, ch := range x.Children {
			walk(ch)
		}
	}
	walk(e)
	return out
}

// parseSVG parses svg as XML, failing the test when it is not.
func parseSVG(t *testing.T, svg []byte) element {
	t.Helper()
	var root element
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("the SVG is not XML: %v", err)
	}
	if root.XMLName.Local != "svg" {
		t.Fatalf("root element %q, want svg", root.XMLName.Local)
	}
	return root
}

// nodeTexts maps Graphviz node names to their labels.
func nodeTexts(root element) map[string]string {
	out := map[string]string{}
	for _, n := range root.all("node") {
		out[n.title()] = n.text()
	}
	return out
}

// edgeEnds returns an edge's two node names.
func edgeEnds(e element) (string, string) {
	from, to, _ := strings.Cut(e.title(), "->")
	return from, to
}
