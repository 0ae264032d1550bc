package synth_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
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
	inPublic := 0
	for _, f := range res.Findings {
		rules[f.Rule]++
		if f.Rule == check.EC2InstancePublicIP.ID && strings.Contains(f.Message, "sits in public subnet") {
			inPublic++
		}
	}
	// Groups 0 and 5 open 22 and 80 to the world; half the instances sit in
	// public subnets, all with public addresses (ec2-instance-public-ip names
	// the subnet, so resource-in-public-subnet leaves them); no VPC is all
	// public.
	if rules["sg-admin-port-world-open"] != 2 || inPublic != 20 || rules["resource-in-public-subnet"] != 0 || rules["vpc-public-subnets-only"] != 0 {
		t.Errorf("findings by rule = %v; instances named in a public subnet: %d", rules, inPublic)
	}
}

// TestRealisticAccountScans: an account shaped like a real one loads
// completely and without notes, holds exactly the interfaces, groups and
// VPCs asked for, and has each kind of problem the generator plants.
func TestRealisticAccountScans(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	size := synth.Size{VPCs: 4, SecurityGroups: 120, ENIs: 600}
	if err := synth.WriteAccount(dir, size); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := inv.Regions()[0]
	if len(reg.ENIs) != size.ENIs || len(reg.SecurityGroups) != size.SecurityGroups || len(reg.VPCs) != size.VPCs || len(reg.Subnets) != 9*size.VPCs ||
		len(reg.Coverage.Missing) != 0 || len(reg.Notes) != 0 {
		t.Fatalf("ENIs %d, groups %d, VPCs %d, subnets %d, missing %v, notes %v", len(reg.ENIs), len(reg.SecurityGroups), len(reg.VPCs), len(reg.Subnets), reg.Coverage.Missing, reg.Notes)
	}
	owners := map[model.OwnerKind]int{}
	for _, e := range reg.ENIs {
		owners[e.Owner.Kind]++
	}
	for _, k := range []model.OwnerKind{model.OwnerInstance, model.OwnerLoadBalancer, model.OwnerNATGateway, model.OwnerVPCEndpoint, model.OwnerLambda, model.OwnerRDS} {
		if owners[k] == 0 {
			t.Errorf("no interface of %s: %v", k, owners)
		}
	}
	if owners[model.OwnerInstance] < size.ENIs*8/10 {
		t.Errorf("instances own %d of %d interfaces, want most", owners[model.OwnerInstance], size.ENIs)
	}
	res := check.Run(inv, check.All)
	rules := map[string]int{}
	for _, f := range res.Findings {
		rules[f.Rule]++
	}
	for _, r := range []string{"internet-exposed", "resource-in-public-subnet", "sg-admin-port-world-open", "sg-world-open-port", "sg-world-open-all-protocols"} {
		if rules[r] == 0 {
			t.Errorf("no %s finding: %v", r, rules)
		}
	}
	via := map[reach.Via]int{}
	for _, x := range res.Exposures[reg] {
		via[x.Via]++
	}
	if via[reach.ViaDirect] == 0 || via[reach.ViaLoadBalancer] == 0 {
		t.Errorf("exposures by way: %v", via)
	}
	// The same size gives the same bytes.
	again := filepath.Join(t.TempDir(), "again")
	if err := synth.WriteAccount(again, size); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ec2-describe-instances.json", "ec2-describe-security-groups.json", "elbv2-describe-load-balancers.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, "ap-northeast-1", name))
		b, _ := os.ReadFile(filepath.Join(again, "ap-northeast-1", name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes of one size", name)
		}
	}
}

// BenchmarkScan measures the whole scan (load, link, checks, JSON) of
// accounts of growing size: plain ones, then the scale target (10,000
// ENIs, 2,000 security groups, 20 VPCs, shaped like a real account) and
// twice it. Reproduce with:
//
//	go test ./internal/synth -run '^$' -bench Scan -benchmem
//	go test ./internal/synth -run '^$' -bench 'Scan/target' -benchmem -count 5
//
// Each account is written once, when its case first runs. For the peak
// memory of the whole binary, write the account with TestWriteSnapshot and
// time the binary:
//
//	go test ./internal/synth -run TestWriteSnapshot -synth.write /tmp/acct -synth.times 1
//	go build -o /tmp/vpcdoctor ./cmd/vpcdoctor
//	/usr/bin/time -v /tmp/vpcdoctor scan /tmp/acct --format json >/dev/null
func BenchmarkScan(b *testing.B) {
	root := b.TempDir()
	cases := []struct {
		name string
		size synth.Size
	}{
		{"instances=100", synth.Size{VPCs: 4, Instances: 100, SecurityGroups: 10}},
		{"instances=1000", synth.Size{VPCs: 4, Instances: 1000, SecurityGroups: 100}},
		{"instances=10000", synth.Size{VPCs: 4, Instances: 10000, SecurityGroups: 1000}},
		{"target=10kENI-2kSG-20VPC", synth.Target},
		{"target=20kENI-4kSG-40VPC", synth.Target.Times(2)},
	}
	for i, c := range cases {
		dir := filepath.Join(root, fmt.Sprint(i))
		written := false
		b.Run(c.name, func(b *testing.B) {
			if !written {
				if err := synth.WriteAccount(dir, c.size); err != nil {
					b.Fatal(err)
				}
				written = true
			}
			for b.Loop() {
				inv, err := snapshot.Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				rep := report.Build(inv, check.Run(inv, check.All), check.All)
				if err := render.JSON(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var (
	writeDir   = flag.String("synth.write", "", "TestWriteSnapshot: write the scale-target account to this folder")
	writeTimes = flag.Int("synth.times", 1, "TestWriteSnapshot: multiply the scale target by this")
	writeFlows = flag.Int("synth.flowlogs", 0, "TestWriteSnapshot: also write this many flow-log records of the account, in S3's layout, under DIR-flowlogs (and gzip under DIR-flowlogs-gz)")
)

// TestWriteSnapshot writes the scale-target account (times -synth.times)
// to -synth.write, and with -synth.flowlogs N its flow logs, for timing the
// binary on them; it is skipped without the flag:
//
//	go test ./internal/synth -run TestWriteSnapshot -synth.write /tmp/acct -synth.flowlogs 1000000
//	go build -o /tmp/vpcdoctor ./cmd/vpcdoctor
//	/usr/bin/time -v /tmp/vpcdoctor flows /tmp/acct-flowlogs --snapshot /tmp/acct --format json >/dev/null
func TestWriteSnapshot(t *testing.T) {
	if *writeDir == "" {
		t.Skip("pass -synth.write DIR to write the scale-target account")
	}
	if err := synth.WriteAccount(*writeDir, synth.Target.Times(*writeTimes)); err != nil {
		t.Fatal(err)
	}
	if *writeFlows > 0 {
		for _, gz := range []bool{false, true} {
			dir := *writeDir + "-flowlogs"
			if gz {
				dir += "-gz"
			}
			if _, err := synth.WriteFlowLogs(dir, synth.Target.Times(*writeTimes), synth.FlowLogOptions{Records: *writeFlows, Gzip: gz, Seed: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
