package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

// enCheckFile is the English "check" area of the message catalogue: made
// from the checks' metadata, which stays the one source of the English.
var enCheckFile = filepath.Join("..", "i18n", "locales", "en.check.json")

// checkTexts is the "check" area made from the metadata of check.All:
// check.<id>.title, .rationale and .remediation.
func checkTexts() ([]byte, error) {
	m := map[string]string{}
	for _, c := range check.All {
		m["check."+c.ID+".title"] = c.Title
		m["check."+c.ID+".rationale"] = c.Rationale
		m["check."+c.ID+".remediation"] = c.Remediation
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // a map's keys come out sorted
		return nil, err
	}
	return buf.Bytes(), nil
}

// en.check.json is the checks' metadata, key for key: a check's English
// changes in its Go file and `go test ./internal/render -run
// TestCatalogueTexts -update` carries it here (the Japanese beside it then
// needs a look: TestCatalogueComplete in internal/i18n names new keys).
func TestCatalogueTexts(t *testing.T) {
	want, err := checkTexts()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(enCheckFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(enCheckFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the checks' metadata: go test ./internal/render -run TestCatalogueTexts -update", enCheckFile)
	}
}
