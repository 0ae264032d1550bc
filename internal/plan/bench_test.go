package plan

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkDesign times Design alone (loading and reading flow logs
// excluded) on the scale target: 10,000 ENIs, 2,000 security groups, 20
// VPCs; without flow logs (the reachability engine then decides who may
// reach each database) and with the edges of 200,000 flow-log records.
//
//	go test ./internal/plan -run '^$' -bench Design -benchmem
func BenchmarkDesign(b *testing.B) {
	root := b.TempDir()
	dir := filepath.Join(root, "acct")
	if err := synth.WriteAccount(dir, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	logs := filepath.Join(root, "flowlogs")
	if _, err := synth.WriteFlowLogs(logs, synth.Target, synth.FlowLogOptions{Records: 200000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	sources, err := flowlog.Files(logs)
	if err != nil {
		b.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		b.Fatal(err)
	}
	edges := flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
	for _, c := range []struct {
		name  string
		edges []flows.Edge
	}{{"target=10kENI/no-flow-logs", nil}, {"target=10kENI/flow-logs", edges}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p, err := Design(inv, c.edges, Options{ClientVPN: true})
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Regions) == 0 || len(p.Regions[0].Moves) == 0 {
					b.Fatal("nothing planned")
				}
			}
		})
	}
}
