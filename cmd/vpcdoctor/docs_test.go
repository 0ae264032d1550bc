package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/checks.md and the README's generated parts")

// checksMarkdown is docs/checks.md, made from the catalogue's metadata.
func checksMarkdown() string {
	var b strings.Builder
	b.WriteString("# Checks\n\n")
	b.WriteString("Generated from the catalogue's metadata (`internal/check`); `go test ./cmd/vpcdoctor -update-docs` rewrites it.\n")
	b.WriteString("A check that needs a call that was not collected is skipped for that region, and the report's coverage says so.\n\n")
	b.WriteString("| ID | Severity | Title |\n|---|---|---|\n")
	for _, c := range check.All {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", c.ID, c.ID, c.Severity, c.Title)
	}
	for _, c := range check.All {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** — severity %s\n\n", c.ID, c.Title, c.Severity)
		fmt.Fprintf(&b, "%s\n\n**Fix.** %s\n\n", c.Rationale, c.Remediation)
		var needs []string
		for _, n := range c.Needs {
			needs = append(needs, "`"+string(n)+"`")
		}
		fmt.Fprintf(&b, "**Needs:** %s\n\n**References:**\n\n", strings.Join(needs, ", "))
		for _, r := range c.References {
			fmt.Fprintf(&b, "- %s\n", r)
		}
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

// TestDocsTrue keeps docs/checks.md, the README's table of checks and the
// README's example output equal to what the code produces.
func TestDocsTrue(t *testing.T) {
	checkFile(t, "../../docs/checks.md", checksMarkdown())

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
