// Package i18ntest holds what the catalogue tests of the packages that
// write messages share: the test that finds English left in a Japanese
// text, the keys a package's source names, and the check that the
// package's area of the catalogue and its code agree. Only tests import
// it.
package i18ntest

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// englishRun is four English words in a row (IDs, CIDRs, ports and
// commands have digits, hyphens, dots or slashes and are no words).
var englishRun = regexp.MustCompile(`[A-Za-z']{2,}[ ,:;]+[A-Za-z']{2,}[ ,:;]+[A-Za-z']{2,}[ ,:;]+[A-Za-z']{2,}`)

// awsProducts are the English names a Japanese text keeps: AWS products.
var awsProducts = regexp.MustCompile(`(Application|Network|Gateway|Classic) Load Balancer|Amazon [A-Za-z0-9]+|AWS Client VPN|Route 53`)

// English returns the first run of four English words in s, "" if there
// is none: a Japanese text that has one still says something in English.
func English(s string) string { return englishRun.FindString(s) }

// EnglishBesidesProducts is English with the names of AWS products (which
// a Japanese text keeps as they are) taken out of s first.
func EnglishBesidesProducts(s string) string {
	return English(awsProducts.ReplaceAllString(s, "_"))
}

// SourceFiles parses the Go files (tests aside) of the current
// directory, the package under test.
func SourceFiles(t testing.TB) (*token.FileSet, []*ast.File) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// KeysInSource returns, sorted, the distinct string literals of the Go
// files (tests aside) of the current directory, the package under test,
// for which keep is true: the keys of the catalogue its code names.
func KeysInSource(t testing.TB, keep func(string) bool) []string {
	t.Helper()
	_, files := SourceFiles(t)
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && keep(s) && !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
			return true
		})
	}
	sort.Strings(out)
	return out
}

// EnglishKeys returns, sorted, the keys of the English file of a
// catalogue's area (locales/en.<area>.json).
func EnglishKeys(t testing.TB, area string) []string {
	t.Helper()
	file := filepath.Join(moduleRoot(t), "internal", "i18n", "locales", "en."+area+".json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]string
	if err := json.Unmarshal(data, &cat); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := make([]string, 0, len(cat))
	for k := range cat {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// moduleRoot is the folder of go.mod above the test's directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("i18ntest: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Covers reports whether the keys used (a key ending in "." stands for
// every key it starts) name key.
func Covers(used []string, key string) bool {
	return slices.ContainsFunc(used, func(u string) bool { return u == key || strings.HasSuffix(u, ".") && strings.HasPrefix(key, u) })
}

// CatalogueMatchesCode asserts that every key used (a prefix ending in "."
// aside) is in the catalogue, and that the English file of area has no
// key used does not cover.
func CatalogueMatchesCode(t testing.TB, area string, used []string) {
	t.Helper()
	for _, k := range used {
		if !strings.HasSuffix(k, ".") && !i18n.Has(k) {
			t.Errorf("the code uses %s, which the catalogue lacks", k)
		}
	}
	for _, k := range EnglishKeys(t, area) {
		if !Covers(used, k) {
			t.Errorf("en.%s.json has %s, which no code uses", area, k)
		}
	}
}
