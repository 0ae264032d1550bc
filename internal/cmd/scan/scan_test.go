package scan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const example = "../../../examples/startup-all-public"

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

// TestExampleGolden pins the text and JSON output of the bundled example:
// the story's findings, byte for byte.
func TestExampleGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
		tty    bool
	}{
		{"startup-all-public.txt", []string{example}, false},
		{"startup-all-public.json", []string{example, "--format", "json"}, false},
		{"startup-all-public.color.txt", []string{example}, true},
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
