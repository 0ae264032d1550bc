package scan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const example = "../../../examples/startup-all-public"

// rebuilt is the same account after the rebuild the story ends with.
const rebuilt = "../../../examples/startup-rebuilt"

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cmd/scan -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./internal/cmd/scan -update after checking the change):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(same lines, different bytes)"
}

func runScan(t *testing.T, io *cmdutil.IOStreams, args ...string) {
	t.Helper()
	cmd := NewCmd(io, nil)
	cmd.SetArgs(args)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("scan %v: %v", args, err)
	}
}

// TestExampleGolden pins the text and JSON output of the bundled examples:
// the story's findings before the rebuild and after it, byte for byte.
func TestExampleGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
		tty    bool
	}{
		{"startup-all-public.txt", []string{example}, false},
		{"startup-all-public.json", []string{example, "--format", "json"}, false},
		{"startup-all-public.color.txt", []string{example}, true},
		{"startup-rebuilt.txt", []string{rebuilt}, false},
		{"startup-rebuilt.json", []string{rebuilt, "--format", "json"}, false},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			io, out, _ := cmdutil.Test()
			io.OutIsTTY = tc.tty
			runScan(t, io, tc.args...)
			golden(t, tc.golden, out.Bytes())
		})
	}
}

// TestDeterministic: the same input gives the same bytes, run after run.
func TestDeterministic(t *testing.T) {
	var first []byte
	for i := 0; i < 5; i++ {
		io, out, _ := cmdutil.Test()
		runScan(t, io, example, "--format", "json")
		if i == 0 {
			first = out.Bytes()
			continue
		}
		if !bytes.Equal(first, out.Bytes()) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

// TestColour: colour only on a terminal, never with NO_COLOR, and as the
// --color flag says.
func TestColour(t *testing.T) {
	for _, tc := range []struct {
		tty, noColor bool
		flag         string
		want         bool
	}{
		{false, false, "auto", false},
		{true, false, "auto", true},
		{true, true, "auto", false},
		{false, false, "always", true},
		{true, false, "never", false},
	} {
		io, out, _ := cmdutil.Test()
		io.OutIsTTY, io.NoColor = tc.tty, tc.noColor
		runScan(t, io, example, "--color", tc.flag)
		if got := strings.Contains(out.String(), "\x1b["); got != tc.want {
			t.Errorf("tty=%v NO_COLOR=%v --color=%s: colour %v, want %v", tc.tty, tc.noColor, tc.flag, got, tc.want)
		}
	}
}

// TestRebuiltExampleHasNoHighFindings is the contract of the rebuilt
// example (examples/startup-rebuilt): the account the story ends with is
// built as it should be, so no check may report anything at high or
// critical there, whatever the goldens say. A check that fires here either
// has a false positive or found something the example should fix. Every
// check must also have run: one skipped for a call the example lacks would
// make the promise empty.
func TestRebuiltExampleHasNoHighFindings(t *testing.T) {
	inv, err := snapshot.Load(rebuilt)
	if err != nil {
		t.Fatal(err)
	}
	res := check.Run(inv, check.All)
	for _, f := range res.Findings {
		if f.Severity >= check.High {
			t.Errorf("%s %s on %v: %s", f.Severity, f.Rule, f.Resources, f.Message)
		}
	}
	for _, s := range res.Skipped {
		if s.Reason == check.NoFlowLogs {
			continue // it reads flow logs, which this scan was not given
		}
		t.Errorf("check %s did not run on %s %s: the example lacks %v; add the call's file to examples/startup-rebuilt", s.Rule, s.Account, s.Region, s.Missing)
	}
}

// TestRebuiltExampleIsConsistent: the rebuilt example's files agree with
// each other, so its clean scan is not the product of data vpcdoctor had to
// guess about.
func TestRebuiltExampleIsConsistent(t *testing.T) {
	inv, err := snapshot.Load(rebuilt)
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range inv.Regions() {
		for _, n := range reg.Notes {
			t.Errorf("note on %s: %s (the example's files disagree with each other)", n.Subject, n.Text)
		}
		// Every interface is attributed to the resource that owns it
		// (AWS-SEMANTICS.md §1); only the Client VPN endpoint, which
		// vpcdoctor does not read, owns interfaces known by their markers
		// alone.
		for _, e := range reg.ENIs {
			switch {
			case e.Owner.Kind == model.OwnerOtherAWS:
			case e.Owner.Kind == model.OwnerUnknown || e.Owner.Kind == model.OwnerUnattached || e.Owner.Resource == nil:
				t.Errorf("%s: owner %s %q (basis %s) is not a resource of the example", e.ID, e.Owner.Kind, e.Owner.ID, e.Owner.Basis)
			}
		}
	}
}

// TestBeforeExampleFindsTheStory is the contract of the story's example
// (examples/startup-all-public, see its README): every problem the SRE
// inherited is found, by the check that names it, on the resource it is
// about. The goldens show the wording; this test says what must never go
// missing.
func TestBeforeExampleFindsTheStory(t *testing.T) {
	inv, err := snapshot.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	res := check.Run(inv, check.All)
	const (
		commonSG = "sg-0a1b2c3d4e5f60103" // oyatsu-common-sg: all traffic from 0.0.0.0/0, reused by everything
		sshSG    = "sg-0a1b2c3d4e5f60104" // oyatsu-ops-ssh
		vpc      = "vpc-0a1b2c3d4e5f60001"
	)
	for _, want := range []struct {
		problem, rule, resource string
		atLeast                 check.Severity
	}{
		{"everything sits in public subnets", "vpc-public-subnets-only", vpc, check.Medium},
		// An instance with a public address in a public subnet, and a DB
		// instance placed by its subnet group, are each one problem: the
		// address check and the subnet group check name the subnet.
		{"web servers in public subnets", "ec2-instance-public-ip", "i-0a1b2c3d4e5f60301", check.Medium},
		{"Aurora in public subnets", "rds-subnet-group-public-subnet", "oyatsu-aurora-instance-1", check.Medium},
		{"a group accepts ALL traffic from 0.0.0.0/0", "sg-world-open-all-protocols", commonSG, check.Critical},
		{"one group reused by web, Aurora and Lambda", "sg-shared-across-roles", commonSG, check.Medium},
		{"SSH open to the world", "sg-admin-port-world-open", sshSG, check.Critical},
		// The database and Redis ports are open through the -1 rule: one
		// rule, one finding, which names the DB instances and the cache.
		{"the database port open to the world", "sg-world-open-all-protocols", "oyatsu-aurora-instance-1", check.Critical},
		{"Redis open to the world", "sg-world-open-all-protocols", "oyatsu-redis-001", check.Critical},
		{"Aurora publicly accessible", "db-publicly-accessible", "oyatsu-aurora-instance-1", check.High},
		{"Aurora reachable from the internet", "internet-exposed", "oyatsu-aurora-instance-1", check.Critical},
		{"batch server reachable from the internet", "internet-exposed", "i-0a1b2c3d4e5f60303", check.Critical},
		{"web servers have public addresses", "ec2-instance-public-ip", "i-0a1b2c3d4e5f60301", check.Medium},
		{"ECS tasks get public addresses", "ecs-task-public-ip", "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api", check.Medium},
		{"the Lambda function in a public subnet has no internet access", "lambda-in-public-subnet", "oyatsu-order-notifier", check.Medium},
		{"the DB subnet group is made of public subnets", "rds-subnet-group-public-subnet", "", check.Medium},
		{"the cache subnet group is made of public subnets", "elasticache-subnet-group-public-subnet", "", check.Medium},
		{"the default group has rules", "sg-default-has-rules", "", check.Medium},
		{"no flow logs", "vpc-flow-logs-disabled", vpc, check.Medium},
		{"the rules were never written down", "sg-rule-undocumented", commonSG, check.Info},
	} {
		found := false
		for _, f := range res.Findings {
			if f.Rule != want.rule || f.Severity < want.atLeast {
				continue
			}
			if want.resource == "" || slices.Contains(f.Resources, want.resource) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no %s finding at %s or above on %q", want.problem, want.rule, want.atLeast, want.resource)
		}
	}
	for _, s := range res.Skipped {
		if s.Reason != check.NoFlowLogs { // it reads flow logs, which this scan was not given
			t.Errorf("check skipped on the example: %+v", s)
		}
	}
}

// IsCheckPlugin reads --format however it is spelled, and wherever a
// mistake on the command line is.
func TestIsCheckPlugin(t *testing.T) {
	for _, tc := range []struct {
		args string
		want bool
	}{
		{"snap --format mackerel-check", true},
		{"snap --format=mackerel-check", true},
		{"snap -f mackerel-check", true},
		{"snap -fmackerel-check", true},
		{"snap -f=MACKEREL-CHECK", true},
		{"--bogus -f mackerel-check", true},
		{"--config --format -f mackerel-check", true},
		{"--format mackerel-check --critical-on", true},
		{"snap -o -f", false},
		{"snap --format mackerel-metrics", false},
		{"snap", false},
		{"snap -- --format mackerel-check", false},
	} {
		if got := IsCheckPlugin(strings.Fields(tc.args)); got != tc.want {
			t.Errorf("IsCheckPlugin(%s) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// FuzzIsCheckPlugin: no command line makes it panic.
func FuzzIsCheckPlugin(f *testing.F) {
	f.Add("snap --format mackerel-check")
	f.Add("-fmackerel-check --omit-suppressed=maybe -o")
	f.Add("--format= -- -f")
	f.Fuzz(func(t *testing.T, line string) {
		IsCheckPlugin(strings.Fields(line))
	})
}
