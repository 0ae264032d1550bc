package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// readPlan reads and decodes path: `terraform show -json` output of a saved
// plan, as UTF-8, UTF-8 with a BOM, or UTF-16 with a BOM (PowerShell's
// `>` writes that). Errors name the file and the position.
func readPlan(path string) (*tfjson.Plan, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &snapshot.FileError{Path: path, Msg: "cannot read: " + unwrap(err)}
	}
	return decodePlan(path, raw)
}

// decodePlan decodes a plan's bytes; path names it in errors.
func decodePlan(path string, raw []byte) (*tfjson.Plan, error) {
	if bytes.HasPrefix(raw, []byte("PK\x03\x04")) {
		return nil, &snapshot.FileError{Path: path, Line: 1, Col: 1, Msg: "a binary plan file (terraform plan -out); vpcdoctor reads its JSON: terraform show -json " + path + " > plan.json"}
	}
	data := snapshot.UTF8Text(raw)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &snapshot.FileError{Path: path, Msg: "empty file; want the output of terraform show -json PLANFILE"}
	}
	// First the shape of the document, with positions for any error.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, snapshot.DecodeError(path, data, err)
	}
	_, planned := top["planned_values"]
	_, changes := top["resource_changes"]
	if !planned && !changes {
		msg := "not a Terraform plan: want the output of terraform show -json PLANFILE, with \"planned_values\" or \"resource_changes\" (a snapshot is a folder: pass the one holding region folders such as ap-northeast-1/)"
		if _, state := top["values"]; state {
			msg = "a Terraform state (terraform show -json without a plan file, or of a state file), not a plan: it has \"values\" but no \"planned_values\"; run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"
		}
		return nil, &snapshot.FileError{Path: path, Line: 1, Col: 1, Msg: msg}
	}
	// tfjson.Plan's own UnmarshalJSON rejects a plan without
	// format_version; hand-trimmed plans (test fixtures of other tools)
	// omit it, and nothing read here depends on it. Decode without that
	// check, then check what is there.
	type rawPlan tfjson.Plan
	var p rawPlan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, snapshot.DecodeError(path, data, err)
	}
	plan := (*tfjson.Plan)(&p)
	if plan.FormatVersion != "" {
		v, err := version.NewVersion(plan.FormatVersion)
		if err != nil || v.Segments()[0] > 1 {
			return nil, &snapshot.FileError{Path: path, Line: lineOf(data, "format_version"), Col: 1, Field: "format_version",
				Msg: fmt.Sprintf("plan format %q: this vpcdoctor reads the JSON plan formats 0.x and 1.x (Terraform 0.12 and later)", plan.FormatVersion)}
		}
	}
	return plan, nil
}

// lineOf is the line of the first occurrence of "key" in data (1 if none).
func lineOf(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 1
	}
	return bytes.Count(data[:i], []byte{'\n'}) + 1
}

func unwrap(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
