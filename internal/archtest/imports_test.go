// Package archtest enforces the direction data flows in (docs/architecture.md):
// sources → model → analyses → report → renderers → commands. A package may
// import only the layers below it; the model does no I/O and knows no AWS SDK.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vpcdoctor/vpcdoctor/"

// allowed lists, for each internal package (by path prefix under the
// module), the module packages it may import. Standard-library imports are
// always allowed; third-party imports must be listed in thirdParty.
var allowed = map[string][]string{
	"internal/model":           {},
	"internal/model/modeltest": {"internal/model"},
	"internal/reach":           {"internal/model", "internal/reach/packet", "internal/i18n"},
	"internal/reach/packet":    {"internal/model"},
	"internal/check":           {"internal/model", "internal/reach", "internal/flows", "internal/i18n"},
	"internal/report":          {"internal/model", "internal/check", "internal/reach", "internal/config", "internal/flows", "internal/flowlog", "internal/i18n"},
	"internal/config":          {},
	"internal/flowlog":         {"internal/gunzip"},
	"internal/gunzip":          {},
	"internal/flows":           {"internal/model", "internal/reach", "internal/flowlog"},
	"internal/flows/athena":    {"internal/flowlog", "internal/flows"},
	"internal/awsapi":          {"internal/flowlog", "internal/flows", "internal/model", "internal/awsapi/livescope"},
	"internal/render":          {"internal/report", "internal/flows", "internal/i18n"},
	"internal/plan":            {"internal/model", "internal/reach", "internal/flows", "internal/check", "internal/report", "internal/config", "internal/source/snapshot", "internal/i18n"},
	"internal/i18n":            {},
	"internal/diagram":         {"internal/model", "internal/reach", "internal/flows", "internal/plan", "internal/i18n"},
	"internal/netdoc":          {"internal/model", "internal/reach", "internal/flows", "internal/plan", "internal/i18n"},
	"internal/htmlreport":      {"internal/model", "internal/reach", "internal/flows", "internal/plan", "internal/i18n", "internal/report", "internal/check", "internal/render"},
	"internal/source/snapshot": {"internal/model"},
	"internal/source/tfplan":   {"internal/model", "internal/source/snapshot"},
	"internal/cmdutil":         {},
	"internal/history":         {"internal/report", "internal/model", "internal/check"},
	"internal/synth":           {"internal/flowlog"},
	"internal/fakeaws":         {"internal/model"},
	"internal/cmd":             {"internal/"},
	"cmd/vpcdoctor":            {"internal/"},
	"internal/diff":            {"internal/model", "internal/reach", "internal/check", "internal/report", "internal/render", "internal/config"},

	"internal/i18n/i18ntest":    {"internal/i18n"},
	"internal/awsapi/livescope": {},
	"internal/plan/plantest":    {"internal/model", "internal/flows", "internal/flowlog", "internal/plan", "internal/source/snapshot"},
}

// thirdParty lists the non-module, non-standard imports each package may use
// in non-test code.
var thirdParty = map[string][]string{
	"internal/model":           {},
	"internal/model/modeltest": {},
	"internal/reach":           {"go4.org/netipx"},
	"internal/reach/packet":    {"go4.org/netipx"},
	"internal/check":           {"go4.org/netipx"},
	"internal/report":          {},
	"internal/config":          {"go.yaml.in/yaml/v3"},
	"internal/flowlog":         {"github.com/klauspost/compress/gzip"},
	"internal/flows":           {"go4.org/netipx"},
	"internal/flows/athena":    {},
	"internal/awsapi":          {"github.com/aws/aws-sdk-go-v2/", "github.com/aws/smithy-go", "github.com/aws/aws-lambda-go/"},
	"internal/render":          {},
	"internal/plan":            {"go4.org/netipx", "github.com/hashicorp/hcl/v2/", "github.com/zclconf/go-cty/"},
	"internal/i18n":            {},
	"internal/diagram":         {"github.com/goccy/go-graphviz", "oss.terrastruct.com/"},
	"internal/netdoc":          {},
	"internal/htmlreport":      {},
	"internal/source/snapshot": {},
	"internal/source/tfplan":   {"github.com/hashicorp/terraform-json", "github.com/hashicorp/go-version"},
	"internal/cmdutil":         {"golang.org/x/term"},
	"internal/history":         {"modernc.org/sqlite"},
	"internal/synth":           {},
	"internal/fakeaws":         {},
	"internal/cmd":             {"github.com/spf13/cobra"},
	"cmd/vpcdoctor":            {},
	"internal/diff":            {"go4.org/netipx"},
}

func TestImportDirection(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		rule, ok := ruleFor(rel)
		if !ok {
			if strings.HasPrefix(rel, "internal/") {
				t.Errorf("%s: package %s has no import rule in archtest; add one", path, rel)
			}
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(p, module):
				if !hasPrefixIn(strings.TrimPrefix(p, module), allowed[rule]) {
					t.Errorf("%s imports %s: %s may import only %v", path, p, rule, allowed[rule])
				}
			case strings.Contains(strings.Split(p, "/")[0], "."):
				if !hasPrefixIn(p, thirdParty[rule]) {
					t.Errorf("%s imports %s: %s may use only %v outside the standard library", path, p, rule, thirdParty[rule])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ruleFor(pkg string) (string, bool) {
	best := ""
	for k := range allowed {
		if (pkg == k || strings.HasPrefix(pkg, k+"/")) && len(k) > len(best) {
			best = k
		}
	}
	return best, best != ""
}

func hasPrefixIn(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// TestAWSSDKOnlyInAWSAPI: internal/awsapi is the only package that may
// import the AWS SDK (or its smithy runtime); every other package reaches
// AWS through it, so what vpcdoctor calls is in one place.
func TestAWSSDKOnlyInAWSAPI(t *testing.T) {
	for pkg, libs := range thirdParty {
		for _, l := range libs {
			if (strings.HasPrefix(l, "github.com/aws/") || l == "github.com/aws") && pkg != "internal/awsapi" {
				t.Errorf("%s may import %s: only internal/awsapi may use the AWS SDK", pkg, l)
			}
		}
	}
}
