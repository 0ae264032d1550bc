package synth_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// TestSyntheticAccountScans: the generator writes a snapshot the loader
// reads completely, and the checks find its deliberate problems.
func TestSyntheticAccountScans(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Size{VPCs: 2, Instances: 40, SecurityGroups: 10}); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := inv.Regions()[0]
	if len(reg.Resources) != 40 || len(reg.ENIs) != 40 || len(reg.Subnets) != 8 || len(reg.Coverage.Missing) != 0 || len(reg.Notes) != 0 {
		t.Fatalf("resources %d, ENIs %d, subnets %d, missing %v, notes %v", len(reg.Resources), len(reg.ENIs), len(reg.Subnets), reg.Coverage.Missing, reg.Notes)
	}
	res := check.Run(inv, check.All)
	rules := map[string]int{}
	for _, f := range res.Findings {
		rules[f.Rule]++
	}
	// Groups 0 and 5 open 22 and 80 to the world; half the instances sit in
	// public subnets; no VPC is all public.
	if rules["sg-admin-port-world-open"] != 2 || rules["resource-in-public-subnet"] != 20 || rules["vpc-public-subnets-only"] != 0 {
		t.Errorf("findings by rule = %v", rules)
	}
}

// BenchmarkScan measures the whole scan (load, link, checks, JSON) of
// accounts of growing size. Reproduce with:
//
//	go test ./internal/synth -run '^$' -bench Scan -benchmem
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		dir := filepath.Join(b.TempDir(), "acct")
		if err := synth.WriteAccount(dir, synth.Size{VPCs: 4, Instances: n, SecurityGroups: n / 10}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			for b.Loop() {
				inv, err := snapshot.Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				rep := report.Build(inv, check.Run(inv, check.All))
				if err := render.JSON(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
