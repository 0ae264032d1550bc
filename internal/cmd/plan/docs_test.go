package plan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

var update = flag.Bool("update", false, "rewrite docs/img/plan-before.svg and plan-after.svg")

// The README shows the bundled example's plan as the plan draws it:
// docs/img/plan-before.svg and plan-after.svg are exactly what
// `vpcdoctor plan` writes for the example with its flow logs.
//
//	go test ./internal/cmd/plan -run TestReadmeDiagrams -update
func TestReadmeDiagrams(t *testing.T) {
	out := filepath.Join(t.TempDir(), "plan")
	io, _, stderr := cmdutil.Test()
	err := Run(&Options{IO: io, Paths: []string{"../../../examples/startup-all-public"},
		Flows: []string{"../../../internal/flows/testdata/startup-all-public-flowlogs"}, Out: out, Format: "text", Lang: "en"})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, name := range []string{"before.svg", "after.svg"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		doc := filepath.Join("..", "..", "..", "docs", "img", "plan-"+name)
		if *update {
			if err := os.WriteFile(doc, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(doc)
		if err != nil {
			t.Fatalf("%v (go test ./internal/cmd/plan -run TestReadmeDiagrams -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: go test ./internal/cmd/plan -run TestReadmeDiagrams -update", doc)
		}
	}
}
