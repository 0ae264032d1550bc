package plan

import (
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkPlanSynthetic is the whole `vpcdoctor plan` on the issue's
// scale target, the 10,000-interface synthetic account (synth.Target):
// loading, Design, the target written and read back, the proof (with the
// scan of the target), the stages, runbook, rollback, Terraform and
// plan.json; without flow logs, and with 200,000 flow-log records read.
//
//	go test ./internal/cmd/plan -run '^$' -bench PlanSynthetic -benchtime 3x
func BenchmarkPlanSynthetic(b *testing.B) {
	root := b.TempDir()
	acct := filepath.Join(root, "acct")
	if err := synth.WriteAccount(acct, synth.Target); err != nil {
		b.Fatal(err)
	}
	logs := filepath.Join(root, "flowlogs")
	if _, err := synth.WriteFlowLogs(logs, synth.Target, synth.FlowLogOptions{Records: 200000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		flows []string
	}{{"target=10kENI/no-flow-logs", nil}, {"target=10kENI/flow-logs-200k", []string{logs}}} {
		b.Run(c.name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "plan")
			for b.Loop() {
				io, _, _ := cmdutil.Test()
				err := Run(&Options{IO: io, Paths: []string{acct}, Flows: c.flows, Out: out, Format: "text", Force: true})
				if err != nil {
					b.Fatal(err) // also a failed proof (exit 1): the plan must hold at scale
				}
			}
		})
	}
}
