package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// buildVpcdoctor builds the command once for tests that run it as a
// process, as the GitHub Action does.
func buildVpcdoctor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vpcdoctor")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestActionScript runs the steps of action.yml (scripts/action.sh) as the
// runner would: the report step writes SARIF and the run summary, and the
// gate step fails on findings at or above fail-on.
func TestActionScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	if testing.Short() {
		t.Skip("builds the command; skipped with -short")
	}
	bin := buildVpcdoctor(t)
	dir := t.TempDir()
	script, _ := filepath.Abs("../../scripts/action.sh")
	examples, _ := filepath.Abs("../../examples")
	run := func(step string, env ...string) (string, int) {
		cmd := exec.Command("bash", script, step)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"VPCDOCTOR=" + bin, "GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary.md")}, env...)...)
		out, _ := cmd.CombinedOutput()
		return string(out), cmd.ProcessState.ExitCode()
	}

	out, code := run("report", "INPUT_PATHS="+filepath.Join(examples, "startup-all-public"), "INPUT_SARIF_FILE=before.sarif")
	if code != 0 {
		t.Fatalf("report step: status %d\n%s", code, out)
	}
	sarif, err := os.ReadFile(filepath.Join(dir, "before.sarif"))
	if err != nil || !strings.Contains(string(sarif), `"ruleId": "sg-world-open-all-protocols"`) {
		t.Errorf("the SARIF file lacks the story's finding (%v)", err)
	}
	summary, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
	if !strings.HasPrefix(string(summary), "## vpcdoctor: ") {
		t.Errorf("the run summary is not the Markdown report: %.80q", summary)
	}

	out, code = run("gate", "INPUT_PATHS="+filepath.Join(examples, "startup-all-public"), "INPUT_FAIL_ON=high")
	if code != 1 || !strings.Contains(out, "::error::vpcdoctor found unsuppressed findings at high or above") {
		t.Errorf("gate on the before example: status %d, want 1 with an error annotation\n%s", code, out)
	}
	out, code = run("gate", "INPUT_PATHS="+filepath.Join(examples, "startup-rebuilt"), "INPUT_FAIL_ON=high")
	if code != 0 {
		t.Errorf("gate on the rebuilt example: status %d, want 0\n%s", code, out)
	}
	out, code = run("report", "INPUT_PATHS=", "INPUT_SARIF_FILE=x.sarif")
	if code != 2 || !strings.Contains(out, "the 'paths' input is empty") {
		t.Errorf("empty paths: status %d, want 2 with a message\n%s", code, out)
	}
	out, code = run("report", "INPUT_PATHS="+filepath.Join(dir, "missing"), "INPUT_SARIF_FILE=missing.sarif")
	if code != 2 {
		t.Errorf("a missing snapshot: status %d, want 2\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.sarif")); err == nil {
		t.Error("a failed scan left a SARIF file behind")
	}

	// The sarif-file input may name a folder that does not exist yet;
	// paths may come one per line (a YAML block); a warning of the scan
	// (here an expired suppression) becomes an annotation on the run, once.
	config := filepath.Join(dir, "expired.yaml")
	os.WriteFile(config, []byte("suppressions:\n  - rule: sg-world-open-port\n    resource: sg-*\n    reason: 100% reviewed\n    expires: 2020-01-31\n"), 0o644)
	os.Remove(filepath.Join(dir, "summary.md"))
	out, code = run("report", "INPUT_PATHS=\n"+filepath.Join(examples, "startup-all-public")+"\n"+filepath.Join(examples, "startup-rebuilt")+"\n",
		"INPUT_SARIF_FILE=results/scan/vpcdoctor.sarif", "INPUT_CONFIG="+config)
	if code != 0 {
		t.Fatalf("report step into a new folder: status %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "results/scan/vpcdoctor.sarif")); err != nil {
		t.Errorf("no SARIF file in the new folder: %v", err)
	}
	if n := strings.Count(out, "expired on 2020-01-31"); n != 1 || !strings.Contains(out, "::warning title=vpcdoctor::"+config+":2: the suppression of sg-world-open-port") {
		t.Errorf("the expired suppression is said %d times, want once as an annotation:\n%s", n, out)
	}
	summary, _ = os.ReadFile(filepath.Join(dir, "summary.md"))
	if !strings.Contains(string(summary), "Scanned 2 accounts") {
		t.Errorf("the summary does not cover both snapshots: %.200q", summary)
	}
}

// TestActionCollect runs the collection step with an AWS CLI that fails
// every call: regions given on several lines (a YAML block) are all
// collected, into the first of paths.
func TestActionCollect(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "aws"), []byte("#!/bin/sh\necho 'AccessDenied' >&2\nexit 254\n"), 0o755)
	script, _ := filepath.Abs("../../scripts/action.sh")
	cmd := exec.Command("bash", script, "collect")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"INPUT_PATHS=snapshot/prod snapshot/other", "INPUT_COLLECT_REGIONS=ap-northeast-1\nus-east-1\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("collect: %v\n%s", err, out)
	}
	for _, region := range []string{"ap-northeast-1", "us-east-1"} {
		if fi, err := os.Stat(filepath.Join(dir, "snapshot/prod", region)); err != nil || !fi.IsDir() {
			t.Errorf("region %s was not collected: %v\n%s", region, err, out)
		}
	}
}

// TestActionInputs keeps action.yml and the example workflows in docs/
// consistent: every input the action's steps use is declared, and every
// input a documented workflow passes exists.
func TestActionInputs(t *testing.T) {
	raw, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Description string `yaml:"description"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using = %q", action.Runs.Using)
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses inputs.%s, which it does not declare", m[1])
		}
	}
	docs := []string{"../../docs/workflows/vpcdoctor.yml", "../../docs/github-actions.md", "../../README.md"}
	for _, path := range docs {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The with: block after each "uses: vpcdoctor/vpcdoctor@".
		for _, block := range regexp.MustCompile(`uses: vpcdoctor/vpcdoctor@\S+\n\s+with:\n((?:\s+[a-z-]+:.*\n)+)`).FindAllStringSubmatch(string(text), -1) {
			for _, m := range regexp.MustCompile(`(?m)^\s+([a-z-]+):`).FindAllStringSubmatch(block[1], -1) {
				if _, ok := action.Inputs[m[1]]; !ok {
					t.Errorf("%s passes %q, which action.yml does not declare", path, m[1])
				}
			}
		}
	}
	var wf map[string]any
	text, _ := os.ReadFile(docs[0])
	if err := yaml.Unmarshal(text, &wf); err != nil {
		t.Errorf("%s is not valid YAML: %v", docs[0], err)
	}
}
