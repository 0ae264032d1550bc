package history

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/history"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		want   string
	}{
		{[]int{8, 12, 8}, "▁█▁  (8 to 12)"},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7}, "▁▂▃▄▅▆▇█  (0 to 7)"},
		{[]int{5, 5}, "▁▁  (5 to 5)"},
		{[]int{3}, "▁  (3 to 3)"},
	} {
		if got := sparkline(tc.counts); got != tc.want {
			t.Errorf("sparkline(%v) = %q, want %q", tc.counts, got, tc.want)
		}
	}
}

// store records reports of one account (findings by rule on sg-1) a day
// apart and returns the history's path.
func store(t *testing.T, scans ...[]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	h, err := history.Open(path, history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, rules := range scans {
		rep := &report.Report{SchemaVersion: report.SchemaVersion}
		rep.Scanned.Accounts = []report.Account{{ID: "111122223333", Name: "prod"}}
		for _, r := range rules {
			rep.Findings = append(rep.Findings, report.Finding{Rule: r, Severity: "high", Message: r + " message",
				Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-1"}})
		}
		if _, err := h.Record(rep, at.Add(time.Duration(i)*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func run(t *testing.T, opts Options) string {
	t.Helper()
	io, out, _ := cmdutil.Test()
	opts.IO = io
	if opts.Format == "" {
		opts.Format = "text"
	}
	if err := Run(&opts); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTextReopened(t *testing.T) {
	path := store(t, []string{"a"}, []string{}, []string{"b"}, []string{"a", "b"})
	got := run(t, Options{Path: path})
	for _, want := range []string{
		"vpcdoctor history: 4 scans of 1 account\n",
		"CHANGES 111122223333 (prod): scan 3 (2026-11-03 00:00:00 UTC) → scan 4 (2026-11-04 00:00:00 UTC)\n",
		"  APPEARED (0)\n  RE-OPENED (1)\n    HIGH      a  ap-northeast-1  sg-1\n              a message (last seen in scan 1, resolved in scan 2)\n  DISAPPEARED (0)\n",
		"  trend (exposures per scan, oldest first): ▁▁▁▁  (0 to 0)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "  EXPOSURES OPENED (0)\n  EXPOSURES CLOSED (0)\n") {
		t.Errorf("the exposure sections do not say there is nothing:\n%s", got)
	}
	if strings.Contains(got, " \n") {
		t.Errorf("a line ends with spaces:\n%s", got)
	}
}

func TestTextOneScan(t *testing.T) {
	got := run(t, Options{Path: store(t, []string{"a"})})
	if !strings.Contains(got, "CHANGES 111122223333 (prod): only one scan, nothing to compare yet\n") {
		t.Errorf("one scan: %s", got)
	}
	got = run(t, Options{Path: store(t, []string{"a"}, []string{"a"})})
	if !strings.Contains(got, "  no change: the same findings and the same internet exposure\n") {
		t.Errorf("no change: %s", got)
	}
}

func TestFlagErrorsAreBadInput(t *testing.T) {
	path := store(t, []string{"a"}, []string{"b"})
	for _, opts := range []Options{
		{Path: path, Format: "yaml"},
		{Path: path, From: 1},
		{Path: path, From: 1, To: 9},
		{Path: path, Account: "444455556666", From: 1, To: 2},
		{Path: filepath.Join(t.TempDir(), "absent.db")},
	} {
		io, _, _ := cmdutil.Test()
		opts.IO = io
		if opts.Format == "" {
			opts.Format = "text"
		}
		if err := Run(&opts); !cmdutil.IsBadInput(err) {
			t.Errorf("%+v: error %v, want an input error", opts, err)
		}
	}
}
