package awsapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The AWS CLI's own documented examples (awscli-examples in the corpus,
// output nobody here wrote) of the calls vpcdoctor makes come out of the
// encoder as they went in: each example is read into the SDK's output type
// (encoding/json matches the CLI's member names to the SDK's fields),
// written back with encodeCLI, and compared member by member (timestamps
// as instants). A member the encoder names otherwise than the CLI, drops,
// or adds shows as a difference.
func TestEncodeCLIAsTheCLIExamples(t *testing.T) {
	dir := corpusPath(t, "awscli-examples")
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		File, Command, Format string
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	compared := map[model.Call]int{}
	for _, ex := range index {
		parts := strings.Split(ex.File, "/") // outputs/SERVICE/OPERATION/example-N.json
		if ex.Format != "json" || len(parts) != 4 || strings.Contains(ex.Command, "--query") {
			continue
		}
		call := model.Call(parts[1] + "-" + parts[2])
		typ, ok := outputTypes[call]
		if !ok {
			continue
		}
		t.Run(ex.File, func(t *testing.T) {
			path := filepath.Join(dir, ex.File)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out := reflect.New(typ)
			if err := json.Unmarshal(raw, out.Interface()); err != nil {
				t.Skipf("not readable into %s by encoding/json (not the encoder's doing): %v", typ, err)
			}
			got, err := encodeCLI(out.Interface(), parts[1] == "ecs")
			if err != nil {
				t.Fatal(err)
			}
			gotFile := filepath.Join(t.TempDir(), "got.json")
			if err := os.WriteFile(gotFile, got, 0o644); err != nil {
				t.Fatal(err)
			}
			want, have := normalised(t, path), normalised(t, gotFile)
			if !sameJSON(want, have) {
				t.Errorf("%s (%s):\n%s", ex.File, ex.Command, jsonDiff(want, have, "$"))
			}
			compared[call]++
		})
	}
	if len(compared) < 15 {
		t.Errorf("compared examples of %d calls, want 15 or more: %v", len(compared), compared)
	}
}
