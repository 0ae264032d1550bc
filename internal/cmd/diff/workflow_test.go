package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

const workflowFile = "../../../examples/github-actions/vpcdoctor-pr.yml"

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Steps []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]any    `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestPullRequestWorkflow: the example workflow runs on pull requests,
// plans with Terraform and converts the plan with terraform show -json,
// and every vpcdoctor command line in it parses with the command's own
// flags into a diff of the plan on a base snapshot, as Markdown, gated at
// high. Its run steps pass shellcheck where shellcheck is installed.
func TestPullRequestWorkflow(t *testing.T) {
	raw, err := os.ReadFile(workflowFile)
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("%s: %v", workflowFile, err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Errorf("the workflow does not run on pull_request: %v", wf.On)
	}
	job, ok := wf.Jobs["diff"]
	if !ok {
		t.Fatalf("no job diff: %v", wf.Jobs)
	}
	var uses, runs []string
	for _, s := range job.Steps {
		if s.Uses != "" {
			uses = append(uses, strings.Split(s.Uses, "@")[0])
		}
		if s.Run != "" {
			runs = append(runs, s.Run)
		}
	}
	for _, u := range []string{"actions/checkout", "hashicorp/setup-terraform"} {
		if !slices.Contains(uses, u) {
			t.Errorf("no step uses %s: %v", u, uses)
		}
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{"terraform plan ", "-out tfplan", "terraform show -json tfplan > plan.json", "gh pr comment"} {
		if !strings.Contains(all, want) {
			t.Errorf("no run step holds %q", want)
		}
	}

	var parsed []*Options
	for _, line := range strings.Split(all, "\n") {
		words := strings.Fields(line)
		if len(words) == 0 || words[0] != "vpcdoctor" {
			continue
		}
		// The command's words end where the shell's redirections and
		// operators begin.
		end := slices.IndexFunc(words, func(w string) bool { return strings.ContainsAny(w, "<>|;&") })
		if end < 0 {
			end = len(words)
		}
		args := words[1:end]
		if len(args) == 0 || args[0] != "diff" {
			t.Errorf("a vpcdoctor line that is not diff: %q", line)
			continue
		}
		var got *Options
		cmd := NewCmd(&cmdutil.IOStreams{}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(args[1:])
		cmd.SetOut(&strings.Builder{})
		cmd.SetErr(&strings.Builder{})
		if err := cmd.Execute(); err != nil {
			t.Errorf("%q does not parse: %v", line, err)
			continue
		}
		parsed = append(parsed, got)
	}
	if len(parsed) == 0 {
		t.Fatal("no vpcdoctor diff line in the workflow")
	}
	for _, o := range parsed {
		if o.Base == "" || !strings.HasSuffix(o.After, "plan.json") || o.Format != "markdown" || o.FailOnNew != "high" {
			t.Errorf("vpcdoctor diff line parses to base %q, after %q, format %q, fail-on-new %q; want a base snapshot, plan.json, markdown, high", o.Base, o.After, o.Format, o.FailOnNew)
		}
		if _, err := writerFor(o.Format); err != nil {
			t.Error(err)
		}
	}

	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Log("shellcheck is not installed: run steps not checked")
		return
	}
	dir := t.TempDir()
	for i, r := range runs {
		path := filepath.Join(dir, "step.sh")
		if err := os.WriteFile(path, []byte("#!/bin/bash\nset -e\n"+r), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sc, "--shell=bash", path).CombinedOutput(); err != nil {
			t.Errorf("run step %d fails shellcheck: %v\n%s\n%s", i, err, out, r)
		}
	}
}
