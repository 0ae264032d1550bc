package reach

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

var (
	before   = filepath.Join("..", "..", "..", "examples", "startup-all-public")
	rebuilt  = filepath.Join("..", "..", "..", "examples", "startup-rebuilt")
	flowLogs = filepath.Join("..", "..", "..", "internal", "flows", "testdata", "startup-all-public-flowlogs")
)

// run runs the command with opts filled by fill, and returns stdout,
// stderr and the error.
func run(t *testing.T, fill func(*Options)) (string, string, error) {
	t.Helper()
	io, out, errOut := cmdutil.Test()
	opts := &Options{IO: io, Protocol: "tcp", Port: -1, Format: "text"}
	fill(opts)
	err := Run(opts)
	return out.String(), errOut.String(), err
}

func decodeFlows(t *testing.T, out string) flowsDoc {
	t.Helper()
	var doc flowsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return doc
}

// The JSON lists every edge with its verdict, and the summary counts
// them; the configuration the logs were recorded under blocks none of the
// flows it accepted (AWS-SEMANTICS.md §5, §7).
func TestFlowsJSON(t *testing.T) {
	out, _, err := run(t, func(o *Options) { o.Paths, o.Flows, o.Format = []string{before}, []string{flowLogs}, "json" })
	if err != nil {
		t.Fatal(err)
	}
	doc := decodeFlows(t, out)
	var got flowsSummary
	for _, e := range doc.Edges {
		got.add(e)
		if e.Verdict == verdictAllowed && (!e.Allowed || !e.Checked || len(e.Path) == 0) ||
			e.Verdict == verdictBlocked && (e.Allowed || !e.Checked || e.BlockedBy == nil || e.Reason == "") ||
			e.Verdict == verdictNotChecked && (e.Allowed || e.Checked || e.Reason == "") {
			t.Errorf("%s -> %s: inconsistent %+v", e.Src.ID, e.Dst.ID, e)
		}
	}
	got.Shown = len(doc.Edges)
	if got != doc.Summary {
		t.Errorf("summary %+v, edges count %+v", doc.Summary, got)
	}
	if got.Edges == 0 || got.Allowed == 0 || got.Blocked == 0 || got.NotChecked == 0 || got.AcceptedBlocked != 0 {
		t.Errorf("summary %+v: want some of each verdict, and no accepted flow blocked", got)
	}
	for _, key := range []string{`"src":`, `"connections":`, `"allowed":`, `"checked":`, `"reason":`, `"summary":`} {
		if !strings.Contains(out, key) {
			t.Errorf("no %s in the JSON", key)
		}
	}
}

// Against the rebuilt account, the scanner's accepted probes are blocked:
// --only blocked shows only them, and --fail-on-blocked exits 1.
func TestFlowsRebuiltFailOnBlocked(t *testing.T) {
	out, _, err := run(t, func(o *Options) {
		o.Paths, o.Flows, o.FlowsSnapshot = []string{rebuilt}, []string{flowLogs}, []string{before}
		o.Only, o.FailOnBlocked = verdictBlocked, true
	})
	var st *cmdutil.ExitStatus
	if !errors.As(err, &st) || st.Code != cmdutil.ExitFindings {
		t.Fatalf("error %v; want exit status 1", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "VERDICT") {
		t.Fatalf("no table header:\n%s", out)
	}
	for _, l := range lines[1:] {
		if l == "" {
			break
		}
		if !strings.HasPrefix(l, "BLOCKED ") && !strings.HasPrefix(l, "  note: ") {
			t.Errorf("--only blocked shows %q", l)
		}
	}
	if !strings.Contains(out, "public-address") || !strings.Contains(out, "shown (--only blocked).") {
		t.Errorf("output:\n%s", out)
	}
	// Without the gate, the same answer exits 0.
	if _, _, err := run(t, func(o *Options) {
		o.Paths, o.Flows, o.FlowsSnapshot = []string{rebuilt}, []string{flowLogs}, []string{before}
	}); err != nil {
		t.Errorf("without --fail-on-blocked: %v", err)
	}
}

// With --from and --to, --flows adds the traffic observed between the two.
func TestObservedBetween(t *testing.T) {
	out, _, err := run(t, func(o *Options) {
		o.Paths, o.Flows, o.Format = []string{before}, []string{flowLogs}, "json"
		o.From, o.To, o.Port = "web-1", "oyatsu-aurora-instance-1", 3306
	})
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Observed == nil || len(*a.Observed) != 1 {
		t.Fatalf("observed %v; want the one edge web-1 -> aurora writer", a.Observed)
	}
	if e := (*a.Observed)[0]; e.Src.ID != "i-0a1b2c3d4e5f60301" || e.Dst.ID != "oyatsu-aurora-instance-1" || e.Port != 3306 || e.Connections == 0 {
		t.Errorf("observed %+v", e)
	}
	// From the internet: every internet client of the load balancer.
	out, _, err = run(t, func(o *Options) {
		o.Paths, o.Flows = []string{before}, []string{flowLogs}
		o.From, o.To, o.Port = "internet", "oyatsu-web-alb", 443
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Observed in the flow logs:\n") || !strings.Contains(out, "internet 203.0.113.10 -> oyatsu-web-alb tcp/443 ACCEPT") || !strings.Contains(out, "tcp/22 REJECT") {
		t.Errorf("output:\n%s", out)
	}
	// Nothing between two that never talked.
	out, _, err = run(t, func(o *Options) {
		o.Paths, o.Flows = []string{before}, []string{flowLogs}
		o.From, o.To, o.Port = "oyatsu-redis-001", "web-1", 22
	})
	if err != nil || !strings.Contains(out, "no traffic from the one to the other") {
		t.Errorf("error %v, output:\n%s", err, out)
	}
}

// Flags that do not go together, and unreadable flow logs, are bad input.
func TestFlowsBadInput(t *testing.T) {
	cases := []struct {
		name string
		fill func(*Options)
		want string
	}{
		{"neither", func(o *Options) { o.Paths = []string{before} }, "--from and --to are required"},
		{"unknown --only", func(o *Options) { o.Paths, o.Flows, o.Only = []string{before}, []string{flowLogs}, "broken" }, `--only "broken"`},
		{"--port without --from", func(o *Options) { o.Paths, o.Flows, o.Port = []string{before}, []string{flowLogs}, 22 }, "--port applies to --from and --to"},
		{"--only with --from", func(o *Options) {
			o.Paths, o.Flows, o.From, o.To, o.Port, o.Only = []string{before}, []string{flowLogs}, "internet", "web-1", 22, verdictBlocked
		}, "apply to --flows without --from"},
		{"--flows-snapshot alone", func(o *Options) {
			o.Paths, o.FlowsSnapshot, o.From, o.To, o.Port = []string{before}, []string{before}, "internet", "web-1", 22
		}, "give --flows too"},
		{"no such logs", func(o *Options) { o.Paths, o.Flows = []string{before}, []string{filepath.Join(t.TempDir(), "none")} }, "--flows"},
		{"no flow-log files", func(o *Options) { o.Paths, o.Flows = []string{before}, []string{t.TempDir()} }, "no flow-log files"},
		{"bad --flows-snapshot", func(o *Options) {
			o.Paths, o.Flows, o.FlowsSnapshot = []string{before}, []string{flowLogs}, []string{filepath.Join(t.TempDir(), "none")}
		}, "--flows-snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(t, c.fill)
			if !cmdutil.IsBadInput(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want bad input with %q", err, c.want)
			}
		})
	}
}

// The same logs and snapshot give the same bytes.
func TestFlowsDeterministic(t *testing.T) {
	fill := func(o *Options) { o.Paths, o.Flows = []string{before}, []string{flowLogs} }
	a, _, err := run(t, fill)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := run(t, fill)
	if a != b {
		t.Error("two runs differ")
	}
}
