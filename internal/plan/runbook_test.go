package plan

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// writeScripts writes the plan's runbook.sh and rollback.sh into a
// temporary folder.
func writeScripts(t *testing.T, p *Plan) string {
	t.Helper()
	dir := t.TempDir()
	for name, write := range map[string]func(*bytes.Buffer, *Plan) error{
		"runbook.sh":  func(b *bytes.Buffer, p *Plan) error { return WriteRunbook(b, p) },
		"rollback.sh": func(b *bytes.Buffer, p *Plan) error { return WriteRollback(b, p) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, p); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stagedOddPlan is oddPlan with its stages.
func stagedOddPlan(t *testing.T) *Plan {
	p := oddPlan(t)
	p.Stages = BuildStages(p, fixtureInventory(t))
	return p
}

func requireBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	return bash
}

func TestScriptsPassBashSyntaxAndShellcheck(t *testing.T) {
	bash := requireBash(t)
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		shellcheck = ""
	}
	plans := stagedPlans(t)
	plans["odd names"] = stagedOddPlan(t)
	for name, p := range plans {
		dir := writeScripts(t, p)
		for _, script := range []string{"runbook.sh", "rollback.sh"} {
			path := filepath.Join(dir, script)
			if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
				t.Errorf("%s %s: bash -n: %v\n%s", name, script, err, out)
			}
			if shellcheck == "" {
				continue
			}
			if out, err := exec.Command(shellcheck, path).CombinedOutput(); err != nil {
				t.Errorf("%s %s: shellcheck: %v\n%s", name, script, err, out)
			}
		}
	}
	if shellcheck == "" {
		t.Skip("shellcheck is not installed (apt-get install shellcheck): only bash -n was checked")
	}
}

func TestScriptsAreDeterministic(t *testing.T) {
	p, _ := fixtureStaged(t)
	var a, b bytes.Buffer
	if err := WriteRunbook(&a, p); err != nil {
		t.Fatal(err)
	}
	q, _ := fixtureStaged(t)
	if err := WriteRunbook(&b, q); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same plan gives two different runbooks")
	}
}

func TestWriteRunbookRefusesAPlanWithoutStages(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRunbook(&buf, fixturePlan()); err == nil {
		t.Fatal("a plan without stages was written")
	}
}

// fakeAWS is an `aws` on PATH that logs its arguments (separated by \x1f,
// one call a line), answers the account check, answers a lookup by tag
// with "<placeholder with -new- → -real->" when the placeholder is in
// FAKE_EXISTING (else None), and answers a call that tags a new object
// with the same kind of ID.
const fakeAWS = `#!/usr/bin/env bash
printf '%s\x1f' "$@" >> "$AWS_LOG"
printf '\n' >> "$AWS_LOG"
if [ "$1 $2" = "sts get-caller-identity" ]; then
  echo "$FAKE_ACCOUNT"
  exit 0
fi
for a in "$@"; do
  case $a in
    Name=tag:vpcdoctor:placeholder,Values=*)
      id=${a#*Values=}
      case " $FAKE_EXISTING " in
        *" $id "*) echo "${id/-new-/-real-}" ;;
        *) echo None ;;
      esac
      exit 0
      ;;
  esac
done
case $2 in
  describe-* | wait) echo None; exit 0 ;;
esac
v=$(printf '%s\n' "$@" | grep -o '"Key":"vpcdoctor:placeholder","Value":"[^"]*"' | head -n 1 | sed 's/.*"Value":"//; s/"$//')
if [ -n "$v" ]; then echo "${v/-new-/-real-}"; else echo '{}'; fi
`

// runScript runs a script with the fake aws and returns the logged calls
// and the output.
func runScript(t *testing.T, dir, script string, existing []string, args ...string) ([][]string, string, error) {
	t.Helper()
	bash := requireBash(t)
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "aws.log")
	_ = os.Remove(logPath)
	cmd := exec.Command(bash, append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_LOG="+logPath, "FAKE_ACCOUNT="+fxAccount, "FAKE_EXISTING="+strings.Join(existing, " "))
	cmd.Stdin = strings.NewReader("")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	data, err := os.ReadFile(logPath)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var calls [][]string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" {
			continue
		}
		calls = append(calls, strings.Split(strings.TrimSuffix(line, "\x1f"), "\x1f"))
	}
	return calls, out.String(), runErr
}

// lookupCall is the call that finds a placeholder's object by its tag, by
// the placeholder's prefix — the runbook's lookup, written down again.
func lookupCall(id, region string) []string {
	filter := "Name=tag:" + TagPlaceholder + ",Values=" + id
	prefix := id[:strings.Index(id, "-new-")]
	calls := map[string][]string{
		"subnet":   {"ec2", "describe-subnets", "--filters", filter, "--query", "Subnets[0].SubnetId"},
		"rtb":      {"ec2", "describe-route-tables", "--filters", filter, "--query", "RouteTables[0].RouteTableId"},
		"nat":      {"ec2", "describe-nat-gateways", "--filter", filter, "Name=state,Values=pending,available", "--query", "NatGateways[0].NatGatewayId"},
		"eipalloc": {"ec2", "describe-addresses", "--filters", filter, "--query", "Addresses[0].AllocationId"},
		"vpce":     {"ec2", "describe-vpc-endpoints", "--filters", filter, "Name=vpc-endpoint-state,Values=pendingAcceptance,pending,available", "--query", "VpcEndpoints[0].VpcEndpointId"},
		"sg":       {"ec2", "describe-security-groups", "--filters", filter, "--query", "SecurityGroups[0].GroupId"},
		"fl":       {"ec2", "describe-flow-logs", "--filter", filter, "--query", "FlowLogs[0].FlowLogId"},
		"i":        {"ec2", "describe-instances", "--filters", filter, "Name=instance-state-name,Values=pending,running,stopping,stopped", "--query", "Reservations[0].Instances[0].InstanceId"},
		"ami":      {"ec2", "describe-images", "--owners", "self", "--filters", filter, "--query", "Images[0].ImageId"},
	}
	c, ok := calls[prefix]
	if !ok {
		panic("no lookup for " + id)
	}
	return append(append([]string{}, c...), "--output", "text", "--region", region)
}

// realID is what the fake aws answers for a placeholder.
func realID(id string) string { return strings.Replace(id, "-new-", "-real-", 1) }

var testVarRef = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)

// simulate lists the AWS calls a script should make for one stage: the
// account check, the lookups of each block's placeholders on first use,
// and (unless a dry run) the calls with the placeholders' IDs filled in.
// existing placeholders are found by their tag; the others are created
// (runbook) or skipped as nothing to undo (rollback).
func simulate(t *testing.T, st *Stage, rollback, dry bool, existing []string) [][]string {
	t.Helper()
	var calls [][]string
	asked := false
	steps := st.Steps
	if rollback {
		steps = slices.Clone(st.Steps)
		slices.Reverse(steps)
	}
	var resolved map[string]string
	account, region, skip := "", "", false
	for _, s := range steps {
		if s.Account != account || s.Region != region || resolved == nil {
			account, region, skip = s.Account, s.Region, false
			resolved = map[string]string{}
			if !asked {
				calls = append(calls, []string{"sts", "get-caller-identity", "--query", "Account", "--output", "text"})
				asked = true
			}
			skip = account != fxAccount
		}
		if skip {
			continue
		}
		cmds := s.Commands
		if rollback {
			cmds = s.Rollback
		}
		if !dry && s.Manual != "" {
			t.Fatalf("step %s waits for manual work: simulate only stages without", s.ID)
		}
		for _, c := range cmds {
			ok := true
			for _, id := range placeholdersIn(c.Args) {
				if varName(id) == c.Sets || resolved[id] != "" {
					continue
				}
				calls = append(calls, lookupCall(id, region))
				switch {
				case slices.Contains(existing, id):
					resolved[id] = realID(id)
				case dry:
					resolved[id] = id
				case rollback:
					ok = false
				default:
					t.Fatalf("step %s uses %s, which does not exist", s.ID, id)
				}
				if !ok {
					break
				}
			}
			if !ok {
				continue
			}
			fill := func(args []string) []string {
				out := make([]string, len(args))
				for i, a := range args {
					out[i] = testVarRef.ReplaceAllStringFunc(a, func(m string) string {
						id, isVar := placeholderOfVar(m[2 : len(m)-1])
						if !isVar {
							return m
						}
						return resolved[id]
					})
				}
				return append(out, "--region", region)
			}
			if id, isVar := placeholderOfVar(c.Sets); isVar {
				if resolved[id] == "" {
					calls = append(calls, lookupCall(id, region))
					if slices.Contains(existing, id) {
						resolved[id] = realID(id)
						continue
					}
				}
				if resolved[id] != "" {
					continue
				}
				if dry {
					resolved[id] = id
					continue
				}
				calls = append(calls, fill(c.Args))
				resolved[id] = realID(id)
				continue
			}
			if !dry {
				calls = append(calls, fill(c.Args))
			}
		}
	}
	if !rollback && !dry {
		for _, c := range st.Checks {
			if len(c.Args) > 0 {
				calls = append(calls, c.Args)
			}
		}
	}
	return calls
}

// createdBefore lists the placeholders the stages before n create.
func createdBefore(p *Plan, n int) []string {
	var out []string
	for _, st := range p.Stages[:n] {
		for _, s := range st.Steps {
			for _, c := range s.Commands {
				if id, ok := placeholderOfVar(c.Sets); ok {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// diffCalls reports the first difference between two call lists.
func diffCalls(got, want [][]string) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w []string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !slices.Equal(g, w) {
			return fmt.Sprintf("call %d of %d (want %d):\n got  %q\n want %q", i+1, len(got), len(want), g, w)
		}
	}
	return ""
}

// A dry run makes only read-only calls (the account check and the
// lookups), exactly those, and prints every call of the stage.
func TestDryRunMakesOnlyTheLookups(t *testing.T) {
	p, _ := fixtureStaged(t)
	dir := writeScripts(t, p)
	for _, script := range []string{"runbook.sh", "rollback.sh"} {
		rollback := script == "rollback.sh"
		for _, st := range p.Stages {
			calls, out, err := runScript(t, dir, script, nil, fmt.Sprint(st.Number), "--dry-run")
			if err != nil {
				t.Fatalf("%s %d --dry-run: %v\n%s", script, st.Number, err, out)
			}
			if d := diffCalls(calls, simulate(t, st, rollback, true, nil)); d != "" {
				t.Errorf("%s %d --dry-run: %s", script, st.Number, d)
			}
			for _, c := range calls {
				if op := operation(c); op != "sts get-caller-identity" && !strings.HasPrefix(c[1], "describe-") {
					t.Errorf("%s %d --dry-run called %s", script, st.Number, op)
				}
			}
			printed := strings.Count(out, "\n+ aws ")
			want := 0
			for _, s := range st.Steps {
				if rollback {
					want += len(s.Rollback)
				} else {
					want += len(s.Commands)
				}
			}
			if printed != want {
				t.Errorf("%s %d --dry-run printed %d calls, want %d", script, st.Number, printed, want)
			}
			for _, s := range st.Steps {
				if !strings.Contains(out, "-- step "+s.ID+": ") {
					t.Errorf("%s %d --dry-run does not show step %s", script, st.Number, s.ID)
				}
			}
			for _, c := range st.Checks {
				if shown := strings.Contains(out, "CHECK: "+c.What+"\n"); shown == rollback {
					t.Errorf("%s %d --dry-run: check %q shown: %v", script, st.Number, c.What, shown)
				}
			}
		}
	}
}

// Run for real against the fake aws, the scripts pass every argument
// exactly as the plan has it — JSON, quotes, $ and all — with the
// placeholders' real IDs, create what is missing, skip what exists, and
// skip the blocks of an account the credentials are not for.
func TestScriptsPassEveryArgumentExactly(t *testing.T) {
	plans := stagedPlans(t)
	plans["odd names"] = stagedOddPlan(t)
	for name, p := range plans {
		dir := writeScripts(t, p)
		for _, n := range []int{1, 2} {
			st := p.Stages[n]
			existing := createdBefore(p, n)
			calls, out, err := runScript(t, dir, "runbook.sh", existing, fmt.Sprint(n), "--yes")
			if err != nil {
				t.Fatalf("%s: runbook.sh %d: %v\n%s", name, n, err, out)
			}
			if d := diffCalls(calls, simulate(t, st, false, false, existing)); d != "" {
				t.Errorf("%s: runbook.sh %d: %s", name, n, d)
			}
			if name == "odd names" && !strings.Contains(out, "block(s) of other accounts skipped") {
				t.Errorf("%s: the other account's block was not reported as skipped", name)
			}
			// Everything exists now: a second run creates nothing.
			all := append(slices.Clone(existing), createdBefore(p, n+1)...)
			calls, out, err = runScript(t, dir, "runbook.sh", all, fmt.Sprint(n), "--yes")
			if err != nil {
				t.Fatalf("%s: runbook.sh %d again: %v\n%s", name, n, err, out)
			}
			for _, c := range calls {
				tagged := slices.ContainsFunc(c, func(a string) bool { return strings.Contains(a, `"Key":"`+TagPlaceholder+`"`) })
				if tagged && !strings.HasPrefix(c[1], "describe-") {
					t.Errorf("%s: runbook.sh %d again called %s", name, n, argsText(c))
				}
			}
			// The rollback, with everything there, undoes it all.
			calls, out, err = runScript(t, dir, "rollback.sh", all, fmt.Sprint(n), "--yes")
			if err != nil {
				t.Fatalf("%s: rollback.sh %d: %v\n%s", name, n, err, out)
			}
			if d := diffCalls(calls, simulate(t, st, true, false, all)); d != "" {
				t.Errorf("%s: rollback.sh %d: %s", name, n, d)
			}
			// With nothing there, it skips what uses the missing objects.
			calls, out, err = runScript(t, dir, "rollback.sh", nil, fmt.Sprint(n), "--yes")
			if err != nil {
				t.Fatalf("%s: rollback.sh %d on nothing: %v\n%s", name, n, err, out)
			}
			if d := diffCalls(calls, simulate(t, st, true, false, nil)); d != "" {
				t.Errorf("%s: rollback.sh %d on nothing: %s", name, n, d)
			}
		}
	}
}

// The rollback undoes a stage's steps last-first, each with its own
// rollback commands.
func TestRollbackScriptReversesTheSteps(t *testing.T) {
	p, _ := fixtureStaged(t)
	dir := writeScripts(t, p)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stepLine := regexp.MustCompile(`(?m)^  if step '([0-9]+\.[0-9]+)'`)
	order := func(script string) []string {
		var ids []string
		for _, m := range stepLine.FindAllStringSubmatch(script, -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	run, back := order(read("runbook.sh")), order(read("rollback.sh"))
	var want []string
	for _, st := range p.Stages {
		ids := []string{}
		for _, s := range st.Steps {
			ids = append(ids, s.ID)
		}
		slices.Reverse(ids)
		want = append(want, ids...)
	}
	if len(run) != len(want) || !slices.Equal(back, want) {
		t.Errorf("rollback step order %v\nwant %v", back, want)
	}
}

// Without a stage, the scripts list every stage and step and change
// nothing; --from starts at a step; an unknown stage is refused.
func TestScriptsListStagesAndRefuseUnknownOnes(t *testing.T) {
	p, _ := fixtureStaged(t)
	dir := writeScripts(t, p)
	calls, out, err := runScript(t, dir, "runbook.sh", nil)
	if err != nil || len(calls) != 0 {
		t.Fatalf("listing: %v, %d calls\n%s", err, len(calls), out)
	}
	for _, st := range p.Stages {
		if !strings.Contains(out, fmt.Sprintf("%d  %s (%s, risk %s)", st.Number, st.Name, st.Kind, st.Risk)) {
			t.Errorf("the listing lacks stage %d", st.Number)
		}
		for _, s := range st.Steps {
			if !strings.Contains(out, "     "+s.ID+" "+s.Title) {
				t.Errorf("the listing lacks step %s", s.ID)
			}
		}
	}
	if _, out, err := runScript(t, dir, "runbook.sh", nil, "--help"); err != nil || !strings.Contains(out, "--dry-run") {
		t.Errorf("--help: %v\n%s", err, out)
	}
	if _, out, err := runScript(t, dir, "runbook.sh", nil, "9"); err == nil {
		t.Errorf("stage 9 was accepted:\n%s", out)
	}
	if _, out, err := runScript(t, dir, "runbook.sh", nil, "1", "--dry-run", "--from", "9.9"); err == nil {
		t.Errorf("--from a step that does not exist was accepted:\n%s", out)
	}
	_, out, err = runScript(t, dir, "runbook.sh", nil, "2", "--dry-run", "--from", "2.3")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "-- step 2.2:") || !strings.Contains(out, "-- step 2.3:") || !strings.Contains(out, "-- step 2.4:") {
		t.Errorf("--from 2.3 did not start at 2.3:\n%s", out)
	}
	// Without --yes or --dry-run the stage waits for "yes" and, without it, does nothing.
	calls, out, err = runScript(t, dir, "runbook.sh", nil, "1")
	if err == nil || len(calls) != 0 {
		t.Errorf("stage 1 ran without confirmation: %v, %d calls\n%s", err, len(calls), out)
	}
}

// Manual work is printed and waited on: without an answer the runbook
// stops there, saying where to go on.
func TestManualStepsWait(t *testing.T) {
	p, _ := fixtureStaged(t)
	dir := writeScripts(t, p)
	_, out, err := runScript(t, dir, "runbook.sh", createdBefore(p, 4), "4", "--yes")
	if err == nil {
		t.Fatalf("stage 4 ran through its manual steps without an answer:\n%s", out)
	}
	if !strings.Contains(out, "BY HAND (step 4.") || !strings.Contains(out, "--from") {
		t.Errorf("the manual step is not shown, or not where to go on:\n%s", out)
	}
}
