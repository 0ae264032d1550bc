package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// diagramFiles are the diagrams a plan folder may hold, in the order the
// report shows them, with the catalogue key of their titles.
var diagramFiles = []struct{ name, title string }{
	{"before.svg", "report.diagram.before"},
	{"after.svg", "report.diagram.after"},
}

// readPlan reads the plan `vpcdoctor plan --out DIR` wrote: DIR/plan.json,
// and the diagrams that are there. Its errors name the file, and for bad
// JSON the line and column.
func readPlan(dir string, lang i18n.Lang) (*plan.Plan, []htmlreport.Diagram, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("--plan %s: not a folder (give the folder vpcdoctor plan --out wrote)", dir)
	}
	path := filepath.Join(dir, "plan.json")
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("--plan %s: no plan.json in it (give the folder vpcdoctor plan --out wrote)", dir)
		}
		return nil, nil, fmt.Errorf("--plan: %w", err)
	}
	p, err := decodePlan(data)
	if err != nil {
		return nil, nil, fmt.Errorf("--plan: %s: %w", path, err)
	}
	var diagrams []htmlreport.Diagram
	for _, d := range diagramFiles {
		svg, err := os.ReadFile(filepath.Join(dir, d.name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return nil, nil, fmt.Errorf("--plan: %w", err)
		}
		diagrams = append(diagrams, htmlreport.Diagram{Title: lang.T(d.title), SVG: svg})
	}
	return p, diagrams, nil
}

// decodePlan reads plan.json, which must be of this version's schema.
func decodePlan(data []byte) (*plan.Plan, error) {
	var p plan.Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := position(data, syn.Offset)
			return nil, fmt.Errorf("%d:%d: %s", line, col, syn.Error())
		case errors.As(err, &typ):
			line, col := position(data, typ.Offset)
			return nil, fmt.Errorf("%d:%d: %s: want a JSON %s, not a %s", line, col, typ.Field, jsonKind(typ.Type), typ.Value)
		}
		return nil, err
	}
	if p.Schema != plan.Schema {
		return nil, fmt.Errorf("schema %q, want %q (a plan.json of vpcdoctor plan)", p.Schema, plan.Schema)
	}
	return &p, nil
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

// position is the line and column (from 1) of the last byte the JSON
// decoder read before stopping at offset (the end of a value of the wrong
// type, the character it could not read), within data.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 1), int64(len(data)))
	before := data[:offset-1]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
