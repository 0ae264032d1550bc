package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md and the README's generated parts")

// rulesMarkdown is docs/rules.md: exactly what `vpcdoctor rules --format
// markdown` prints, so the command and the file cannot disagree.
func rulesMarkdown(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	if err := render.RulesMarkdown(&b, report.RulesOf(check.All), i18n.English); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// readmeTable is the README's table of checks.
func readmeTable() string {
	var b strings.Builder
	b.WriteString("| ID | Severity | What |\n|---|---|---|\n")
	for _, c := range check.All {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.ID, c.Severity, c.Title)
	}
	return b.String()
}

// TestDocsTrue keeps docs/rules.md, the README's table of checks and the
// README's example output equal to what the code produces.
func TestDocsTrue(t *testing.T) {
	checkFile(t, "../../docs/rules.md", rulesMarkdown(t))

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	golden, err := os.ReadFile("../../internal/cmd/scan/testdata/startup-all-public.txt")
	if err != nil {
		t.Fatal(err)
	}
	text = replaceBetween(t, text, "<!-- example-output", "```text\n", "```\n<!-- end example-output -->", string(golden))
	text = replaceBetween(t, text, "## What it checks", "\n\n", "\nEach check's", readmeTable())
	checkFile(t, "../../README.md", text)
}

func replaceBetween(t *testing.T, s, anchor, open, close, body string) string {
	t.Helper()
	i := strings.Index(s, anchor)
	if i < 0 {
		t.Fatalf("README lacks %q", anchor)
	}
	j := strings.Index(s[i:], open)
	if j < 0 {
		t.Fatalf("README lacks %q after %q", open, anchor)
	}
	start := i + j + len(open)
	k := strings.Index(s[start:], close)
	if k < 0 {
		t.Fatalf("README lacks %q after %q", close, anchor)
	}
	return s[:start] + body + s[start+k:]
}

func checkFile(t *testing.T, path, want string) {
	t.Helper()
	got, _ := os.ReadFile(path)
	if string(got) == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the code: run go test ./cmd/vpcdoctor -update-docs", path)
}
