package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// exampleReport scans the bundled example account with the whole
// catalogue, as `vpcdoctor scan examples/startup-all-public` does.
func exampleReport(t *testing.T) *report.Report {
	t.Helper()
	inv, err := snapshot.Load(filepath.Join("..", "..", "examples", "startup-all-public"))
	if err != nil {
		t.Fatal(err)
	}
	return report.Build(inv, check.Run(inv, check.All), check.All)
}

// TestExampleInEveryFormat renders a real scan in every format: SARIF must
// validate against the schema with one rule per check, and every format
// must render without error.
func TestExampleInEveryFormat(t *testing.T) {
	rep := exampleReport(t)
	opt := Options{Now: testNow, Version: "dev"}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, f, rep, opt); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if b.Len() == 0 {
			t.Errorf("%s: no output", f)
		}
	}

	doc := renderSARIF(t, rep, opt)
	validateSARIF(t, doc)
	log := decodeSARIF(t, doc)
	if got, want := len(log.Runs[0].Tool.Driver.Rules), len(check.All); got != want {
		t.Errorf("%d SARIF rules, want one per check (%d)", got, want)
	}
	if got, want := len(log.Runs[0].Results), len(rep.Findings); got != want {
		t.Errorf("%d SARIF results for %d findings", got, want)
	}

	md := renderMarkdown(t, rep, opt)
	if len(md) > MarkdownLimit || !strings.Contains(md, "## vpcdoctor: ") {
		t.Errorf("Markdown of the example: %d bytes:\n%s", len(md), md)
	}
	status, line, err := MackerelStatus(rep, MackerelThresholds{})
	if err != nil || status != CheckCritical || !strings.HasPrefix(line, "VPCDOCTOR CRITICAL: ") {
		t.Errorf("mackerel-check of the example: %v %q %v", status, line, err)
	}
}

// TestCloudMapperDemoSARIF validates the SARIF of CloudMapper's demo
// account from the shared corpus, whose data is incomplete (so the run
// carries coverage notifications), when the corpus is beside the clone.
func TestCloudMapperDemoSARIF(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "cloudmapper-demo", "account-data-demo")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("CloudMapper demo not found at %s (the shared corpus is not beside this clone)", dir)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Build(inv, check.Run(inv, check.All), check.All)
	if rep.Summary.Complete {
		t.Fatal("the demo was expected to lack calls")
	}
	doc := renderSARIF(t, rep, Options{})
	validateSARIF(t, doc)
	if n := len(decodeSARIF(t, doc).Runs[0].Invocations[0].ToolExecutionNotifications); n == 0 {
		t.Error("incomplete coverage gave no notification")
	}
}
