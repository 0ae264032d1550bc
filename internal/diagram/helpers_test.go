package diagram

import (
	"path/filepath"
	"runtime"
	"testing"

	flowscmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// repoRoot is the repository's root, from this file's path.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func loadExample(t testing.TB, name string) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load(filepath.Join(repoRoot(t), "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// exampleEdges reads the example's generated flow logs into edges, as
// `vpcdoctor diagram --flows` does.
func exampleEdges(t testing.TB, inv *model.Inventory) []flows.Edge {
	t.Helper()
	o, err := flowscmd.Observe([]string{filepath.Join(repoRoot(t), "internal", "flows", "testdata", "startup-all-public-flowlogs")}, inv)
	if err != nil {
		t.Fatal(err)
	}
	return flows.Edges(o.Observations, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
}
