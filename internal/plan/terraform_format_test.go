package plan

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// The writer does not run hclwrite.Format (it costs most of the writing
// on a large account): the blocks hclwrite builds are formatted as they
// are built. This checks that the files come out exactly as Format (and
// terraform fmt) would write them, on the hand-made plan and on Design's
// plan of the bundled example, also where terraform is not installed.
func TestTerraformIsFormatted(t *testing.T) {
	inv := exampleInventory(t)
	designed, err := Design(inv, nil, Options{ClientVPN: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*Plan{"fixture": terraformFixturePlan(), "designed": designed} {
		dir := t.TempDir()
		if err := WriteTerraform(p, inv, dir); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		if len(files) == 0 {
			t.Fatalf("%s: no .tf file written", name)
		}
		for _, f := range files {
			got, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if want := hclwrite.Format(got); !bytes.Equal(got, want) {
				t.Errorf("%s: %s is not formatted as terraform fmt would", name, filepath.Base(f))
			}
		}
	}
}
