package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\n")
	for _, c := range []struct {
		offset    int64
		line, col int
	}{
		{0, 1, 1}, {1, 1, 1}, {2, 1, 2}, {4, 2, 1}, {5, 2, 2}, {99, 2, 3},
	} {
		if l, col := position(data, c.offset); l != c.line || col != c.col {
			t.Errorf("offset %d: %d:%d, want %d:%d", c.offset, l, col, c.line, c.col)
		}
	}
}

func TestDecodePlan(t *testing.T) {
	for _, c := range []struct{ json, err string }{
		{`{"schema": "vpcdoctor-plan/1", "stages": []}`, ""},
		{`{"schema": "vpcdoctor-plan/2"}`, `schema "vpcdoctor-plan/2", want "vpcdoctor-plan/1"`},
		{"{\n  \"schema\": \"vpcdoctor-plan/1\",\n  \"proof\": {\"kept\": \"many\"}\n}", `3:26: proof.kept: want a JSON number, not a string`},
		{"{\n  \"schema\": ,\n}", `2:13: invalid character ','`},
		{``, `EOF`},
	} {
		_, err := decodePlan([]byte(c.json))
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.json, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.json, err, c.err)
		}
	}
}

// readPlan takes the diagrams that are there, before first, titled in the
// report's language.
func TestReadPlan(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plan.json", `{"schema": "vpcdoctor-plan/1"}`)
	write("after.svg", `<svg/>`)
	p, diagrams, err := readPlan(dir, i18n.Japanese)
	if err != nil || p == nil {
		t.Fatal(err)
	}
	if len(diagrams) != 1 || diagrams[0].Title != i18n.Japanese.T("report.diagram.after") {
		t.Fatalf("diagrams %+v, want the after one only", diagrams)
	}
	write("before.svg", `<svg/>`)
	_, diagrams, _ = readPlan(dir, i18n.English)
	if len(diagrams) != 2 || diagrams[0].Title != i18n.English.T("report.diagram.before") {
		t.Errorf("diagrams %+v, want before then after", diagrams)
	}
	if _, _, err := readPlan(filepath.Join(dir, "plan.json"), i18n.English); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file as the plan folder: %v", err)
	}
}
