// Package htmlreport writes vpcdoctor's results as one self-contained HTML
// file (issue 7): the scan's summary, findings, internet exposures and
// their paths, the network diagrams, and a plan's stages and proof.
//
// The file needs nothing but a browser: its CSS, JavaScript and SVG are
// inline, it names no font to download, and its Content-Security-Policy
// forbids every network request, so it works opened from disk and
// offline. Every text it writes comes from the message catalogue
// (internal/i18n, area "report"), in Input.Lang, and so do the findings'
// messages (report.Finding.MessageIn); the data it shows (IDs, names,
// evidence, the plan's sentences) is shown as the scan and the plan wrote
// it. The same Input gives the same bytes: the
// page reads no clock and no environment (Input.Generated is the one
// date it shows).
package htmlreport

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Input is what one report shows.
type Input struct {
	// Lang is the language of the page's text (English when empty).
	Lang i18n.Lang
	// Report is the scan; required.
	Report *report.Report
	// Plan is the plan of the scanned account, or nil: the report then
	// has no plan section.
	Plan *plan.Plan
	// Diagrams are shown in this order, inline.
	Diagrams []Diagram
	// Generated is the one date or label the page shows as when it was
	// made; the caller chooses it, so that the bytes stay reproducible.
	Generated string
}

// Diagram is one network diagram: an SVG document drawn by vpcdoctor
// (internal/diagram) and its title. The SVG is trusted markup: it is put
// in the page as it is, but for its XML declaration, its DOCTYPE and its
// element IDs, which get a prefix of their own so that two diagrams in
// one page cannot collide.
type Diagram struct {
	Title string
	SVG   []byte
}

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

// page is the template, parsed once; Write clones it to bind the language.
var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"t": func(string, ...any) string { return "" },
}).ParseFS(assets, "assets/report.html.tmpl"))

var (
	css = mustRead("assets/report.css")
	js  = mustRead("assets/report.js")
)

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err) // embedded: a broken build, which every test catches
	}
	return string(b)
}

// Write writes the report of in to w, whole or not at all: on an error
// nothing has been written.
func Write(w io.Writer, in Input) error {
	if in.Report == nil {
		return errors.New("htmlreport: no scan report to show")
	}
	if in.Lang == "" {
		in.Lang = i18n.English
	}
	v, err := build(in)
	if err != nil {
		return err
	}
	t, err := page.Clone()
	if err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	t.Funcs(template.FuncMap{"t": in.Lang.T})
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
