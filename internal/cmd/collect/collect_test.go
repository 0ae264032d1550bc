package collect

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect/scope"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

const (
	example = "../../../examples/startup-all-public"
	rebuilt = "../../../examples/startup-rebuilt"
)

// run runs the command line's options and returns the exit status
// root.Main would give, and stderr.
func run(t *testing.T, opts *Options) (int, string) {
	t.Helper()
	io, _, errOut := cmdutil.Test()
	opts.IO = io
	if opts.Concurrency == 0 {
		opts.Concurrency = 8
	}
	opts.MaxBackoff = 5 * time.Millisecond
	err := Run(opts)
	return status(err), errOut.String()
}

func status(err error) int {
	var st *cmdutil.ExitStatus
	switch {
	case err == nil:
		return 0
	case cmdutil.IsBadInput(err):
		return cmdutil.ExitBadInput
	case asExit(err, &st):
		return st.Code
	}
	return cmdutil.ExitError
}

func asExit(err error, st **cmdutil.ExitStatus) bool {
	e, ok := err.(*cmdutil.ExitStatus)
	*st = e
	return ok
}

// scanReport scans dir as `vpcdoctor scan` does.
func scanReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	io, _, _ := cmdutil.Test()
	rep, err := scan.BuildReport(&scan.Options{IO: io, Paths: []string{dir}, Format: "json", Color: "never"})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	return rep
}

// findings are a report's findings as JSON lines, sorted.
func findings(t *testing.T, rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// The round trip: `vpcdoctor collect` from the fake (two items a
// page, requests throttled, flow logs denied) writes a snapshot that scans
// as the fixture does, but for what the denied call weakens, which the
// coverage reports as not collected, with AWS's reason.
func TestCollectScansLikeTheFixture(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example, PageSize: 2, Throttle: 0.05, Deny: []string{"ec2:DescribeFlowLogs"}})
	out := filepath.Join(t.TempDir(), "snap")
	code, stderr := run(t, &Options{Out: out, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: 111122223333 ap-northeast-1 ec2-describe-flow-logs: UnauthorizedOperation") || !strings.Contains(stderr, "collected 1 account, 1 region,") {
		t.Errorf("stderr: %s", stderr)
	}

	want, got := scanReport(t, example), scanReport(t, out)
	weakened := map[string]bool{}
	for _, c := range got.Coverage {
		for _, s := range c.SkippedChecks {
			if slices.Contains(s.MissingCalls, "ec2-describe-flow-logs") {
				weakened[s.Rule] = true
			}
		}
	}
	if !weakened["vpc-flow-logs-disabled"] {
		t.Errorf("vpc-flow-logs-disabled not skipped for the denied call: %+v", got.Coverage)
	}
	var wantF []string
	for _, f := range want.Findings {
		if !weakened[f.Rule] {
			b, _ := json.Marshal(f)
			wantF = append(wantF, string(b))
		}
	}
	slices.Sort(wantF)
	if gotF := findings(t, got); !slices.Equal(gotF, wantF) {
		t.Errorf("findings differ:\ncollected %d:\n%s\nfixture %d:\n%s", len(gotF), strings.Join(gotF, "\n"), len(wantF), strings.Join(wantF, "\n"))
	}
	if len(wantF) < 5 {
		t.Errorf("the fixture has %d findings: the comparison proves little", len(wantF))
	}
	var reason string
	for _, c := range got.Coverage {
		for _, m := range c.Missing {
			if m.Call == "ec2-describe-flow-logs" {
				reason = m.Reason
			} else {
				t.Errorf("missing besides the denied call: %+v", m)
			}
		}
	}
	if !strings.HasPrefix(reason, "not collected: UnauthorizedOperation") {
		t.Errorf("the denied call's reason: %q", reason)
	}

	// --strict makes the failed call an exit status.
	code, _ = run(t, &Options{Out: filepath.Join(t.TempDir(), "strict"), Strict: true, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}})
	if code != cmdutil.ExitFindings {
		t.Errorf("--strict with a denied call: status %d, want 1", code)
	}
}

// organization is a two-account snapshot: the example as the management
// account 111122223333, the rebuilt example as member 444455556666.
func organization(t *testing.T) string {
	org := filepath.Join(t.TempDir(), "org")
	for from, to := range map[string]string{example: "111122223333", rebuilt: "444455556666"} {
		if err := os.CopyFS(filepath.Join(org, to), os.DirFS(from)); err != nil {
			t.Fatal(err)
		}
	}
	id := `{"UserId": "AROAEXAMPLEMEMBER:vpcdoctor", "Account": "444455556666", "Arn": "arn:aws:sts::444455556666:assumed-role/OrganizationAccountAccessRole/vpcdoctor"}`
	if err := os.WriteFile(filepath.Join(org, "444455556666", "sts-get-caller-identity.json"), []byte(id), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"111122223333", "444455556666"} {
		os.Remove(filepath.Join(org, a, "README.md"))
	}
	return org
}

// --org-role collects every account of the organization, the member by
// assuming the role in it, into a folder per account, which scans as the
// two fixtures do.
func TestCollectOrganization(t *testing.T) {
	fakeaws.IsolateEnv(t)
	org := organization(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: org, PageSize: 50, Management: "111122223333"})
	out := filepath.Join(t.TempDir(), "snap")
	code, stderr := run(t, &Options{Out: out, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, OrgRole: "OrganizationAccountAccessRole", Endpoint: srv.URL()}}})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	for _, a := range []string{"111122223333", "444455556666"} {
		var id struct{ Account string }
		data, err := os.ReadFile(filepath.Join(out, a, "sts-get-caller-identity.json"))
		if err != nil || json.Unmarshal(data, &id) != nil || id.Account != a {
			t.Errorf("%s: sts-get-caller-identity.json: %s %v", a, data, err)
		}
	}
	assumed := 0
	for _, r := range srv.Requests() {
		if r.Operation == "AssumeRole" && r.Status == 200 {
			assumed++
		}
		if r.Service == "ec2" && r.Operation == "DescribeVpcs" && r.Account != "111122223333" && r.Account != "444455556666" {
			t.Errorf("DescribeVpcs answered for account %q", r.Account)
		}
	}
	if assumed == 0 {
		t.Error("no AssumeRole: the member was not reached through the role")
	}
	got := scanReport(t, out)
	want := append(findings(t, scanReport(t, filepath.Join(org, "111122223333"))), findings(t, scanReport(t, filepath.Join(org, "444455556666")))...)
	slices.Sort(want)
	if g := findings(t, got); !slices.Equal(g, want) {
		t.Errorf("the organization's findings differ from its two accounts':\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}

	// --exclude-accounts leaves one account: written as the folder itself.
	one := filepath.Join(t.TempDir(), "one")
	code, stderr = run(t, &Options{Out: one, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, OrgRole: "OrganizationAccountAccessRole", ExcludeAccounts: []string{"111122223333"}, Endpoint: srv.URL()}}})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(one, "ap-northeast-1", "ec2-describe-vpcs.json")); err != nil {
		t.Errorf("one account is not the output folder itself: %v", err)
	}
}

// --all-regions collects the enabled regions and skips, with a note, those
// not opted in.
func TestCollectAllRegions(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example, PageSize: 50, Regions: []string{"ap-northeast-1", "us-east-1", "me-south-1"}, EnabledRegions: []string{"ap-northeast-1", "us-east-1"}})
	out := filepath.Join(t.TempDir(), "snap")
	code, stderr := run(t, &Options{Out: out, Scope: scope.Flags{Scope: livescope.Scope{AllRegions: true, Endpoint: srv.URL()}}})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(out)
	var regions []string
	for _, e := range entries {
		if e.IsDir() {
			regions = append(regions, e.Name())
		}
	}
	if !slices.Equal(regions, []string{"ap-northeast-1", "us-east-1"}) {
		t.Errorf("regions collected: %v", regions)
	}
	if !strings.Contains(stderr, "note: account 111122223333:") || !strings.Contains(stderr, "me-south-1") {
		t.Errorf("no note of the skipped region: %s", stderr)
	}
	var rec struct {
		SkippedRegions []struct{ Region, Reason string } `json:"skipped_regions"`
	}
	data, _ := os.ReadFile(filepath.Join(out, "vpcdoctor-collect.json"))
	if err := json.Unmarshal(data, &rec); err != nil || !slices.ContainsFunc(rec.SkippedRegions, func(s struct{ Region, Reason string }) bool { return s.Region == "me-south-1" }) {
		t.Errorf("record: %s %v", data, err)
	}
	// The empty region is collected (every list empty), not missing.
	rep := scanReport(t, out)
	for _, c := range rep.Coverage {
		if c.Region == "us-east-1" && !c.Complete {
			t.Errorf("us-east-1 coverage: %+v", c)
		}
	}
}

// Ctrl-C stops the collection: a clear error and status 130, every file
// written whole (no temporary file left), and a record that says the
// collection was interrupted, which scan reports.
func TestCollectInterrupted(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example, PageSize: 1, Latency: 30 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Requests()) < 15 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	out := filepath.Join(t.TempDir(), "snap")
	io, _, errOut := cmdutil.Test()
	err := Run(&Options{IO: io, Out: out, Concurrency: 2, Context: ctx, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}})
	if status(err) != ExitInterrupted || !strings.Contains(err.Error(), "interrupted: the files written so far are in") {
		t.Fatalf("status %d, error %v; stderr %s", status(err), err, errOut)
	}
	written := 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("temporary file left: %s", p)
		}
		data, _ := os.ReadFile(p)
		if !json.Valid(data) {
			t.Errorf("%s: not whole JSON", p)
		}
		written++
		return nil
	})
	if written < 2 {
		t.Errorf("%d files written: the interruption came too early to test anything", written)
	}
	var rec struct{ Complete bool }
	data, _ := os.ReadFile(filepath.Join(out, "vpcdoctor-collect.json"))
	if err := json.Unmarshal(data, &rec); err != nil || rec.Complete {
		t.Errorf("record: %s %v", data, err)
	}
	rep := scanReport(t, out)
	interrupted := false
	for _, c := range rep.Coverage {
		for _, m := range c.Missing {
			interrupted = interrupted || m.Reason == "not collected: the collection was interrupted"
		}
	}
	if !interrupted {
		t.Errorf("the scan does not say the collection was interrupted: %+v", rep.Coverage)
	}
}

// Usage errors and unreachable accounts exit 2 with a message that says
// what to do.
func TestCollectUsageErrors(t *testing.T) {
	fakeaws.IsolateEnv(t)
	nonEmpty := t.TempDir()
	os.WriteFile(filepath.Join(nonEmpty, "old.json"), []byte("{}"), 0o644)
	for _, c := range []struct {
		name string
		opts Options
		want string
	}{
		{"no --out", Options{}, "--out DIR is required"},
		{"non-empty --out", Options{Out: nonEmpty}, "is not empty"},
		{"bad region", Options{Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"tokyo"}}}}, `--region "tokyo"`},
		{"both region flags", Options{Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"us-east-1"}, AllRegions: true}}}, "one or the other"},
		{"org role ARN", Options{Scope: scope.Flags{Scope: livescope.Scope{OrgRole: "arn:aws:iam::111122223333:role/x"}}}, "not an ARN"},
		{"bad account", Options{Scope: scope.Flags{Scope: livescope.Scope{Accounts: []string{"1234"}}}}, "12-digit"},
		{"no region", Options{Scope: scope.Flags{Scope: livescope.Scope{Endpoint: "http://127.0.0.1:1"}}}, "no region"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.opts.Out == "" && c.name != "no --out" {
				c.opts.Out = filepath.Join(t.TempDir(), "out")
			}
			io, _, _ := cmdutil.Test()
			c.opts.IO = io
			c.opts.Concurrency = 8
			err := Run(&c.opts)
			if status(err) != cmdutil.ExitBadInput || !strings.Contains(err.Error(), c.want) {
				t.Errorf("status %d, error %v; want 2 and %q", status(err), err, c.want)
			}
		})
	}
	// No credentials at all.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example})
	code, stderr := run(t, &Options{Out: filepath.Join(t.TempDir(), "out"), Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}})
	if code != cmdutil.ExitBadInput {
		t.Errorf("no credentials: status %d (%s)", code, stderr)
	}
}

// scan with --live (or no PATH) collects and scans; the denied call is in
// the coverage with its reason, and nothing is left behind.
func TestScanLive(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example, PageSize: 50, Deny: []string{"ec2:DescribeFlowLogs"}})
	scan.Collect = Live
	t.Cleanup(func() { scan.Collect = nil })
	t.Setenv("TMPDIR", t.TempDir())
	io, out, errOut := cmdutil.Test()
	cmd := scan.NewCmd(io, nil)
	cmd.SetArgs([]string{"--region", "ap-northeast-1", "--endpoint-url", srv.URL(), "--color", "never"})
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("scan: %v; %s", err, errOut)
	}
	if !strings.Contains(out.String(), "ec2-describe-flow-logs: not collected: UnauthorizedOperation") {
		t.Errorf("the text report lacks the denied call's reason:\n%s", out)
	}
	if !strings.Contains(out.String(), "sg-") {
		t.Errorf("no finding in the live scan:\n%s", out)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Progress is drawn on a terminal only.
func TestCollectProgress(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: example, PageSize: 50, Latency: 120 * time.Millisecond})
	for _, tty := range []bool{true, false} {
		io, _, errOut := cmdutil.Test()
		io.ErrIsTTY = tty
		err := Run(&Options{IO: io, Out: filepath.Join(t.TempDir(), "snap"), Concurrency: 8, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}})
		if err != nil {
			t.Fatal(err)
		}
		drawn := strings.Contains(errOut.String(), "\r\x1b[Kcollecting: ")
		if drawn != tty {
			t.Errorf("terminal %v: progress drawn %v:\n%q", tty, drawn, errOut)
		}
		if tty && !regexpMatch(`collecting: \d/1 accounts, \d/1 regions, \d+/\d+ calls, 0 errors`, errOut.String()) {
			t.Errorf("progress line: %q", errOut)
		}
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// An organization member that cannot be reached is in the scan: its
// coverage says the whole account is missing and why, and a warning says
// so first; its silence never reads as a clean account.
func TestScanShowsUnreachedAccount(t *testing.T) {
	fakeaws.IsolateEnv(t)
	org := organization(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: org, PageSize: 50, Management: "111122223333", Deny: []string{"sts:AssumeRole"}})
	out := filepath.Join(t.TempDir(), "snap")
	code, stderr := run(t, &Options{Out: out, Scope: scope.Flags{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, OrgRole: "OrganizationAccountAccessRole", Endpoint: srv.URL()}}})
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	rep := scanReport(t, out)
	if rep.Summary.Complete {
		t.Error("the summary says the data is complete although an account was not reached")
	}
	var cov *report.Coverage
	for i, c := range rep.Coverage {
		if c.Account == "444455556666" {
			cov = &rep.Coverage[i]
		}
	}
	if cov == nil || cov.Complete || len(cov.Missing) != 1 || cov.Missing[0].Call != "sts-assume-role" || !strings.Contains(cov.Missing[0].Reason, "AccessDenied") {
		t.Fatalf("coverage of the unreached account: %+v", cov)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, "account 444455556666 was not collected")
	}
	if !warned {
		t.Errorf("no warning names the unreached account: %q", rep.Warnings)
	}
}
