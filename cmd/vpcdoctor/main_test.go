package main

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/vpcdoctor/vpcdoctor/internal/cmd/root"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// TestScripts runs the end-to-end scripts in testdata/script: each is a
// short txtar file that runs vpcdoctor in-process and checks its output and
// exit status. Paths in scripts are absolute ($WORK/..., $EXAMPLES/...)
// because the command runs in this process's directory.
//
// Commands added to the script language:
//
//	vpcdoctor ARGS...   run the command; fails on a non-zero status unless negated with !
//	status N            the last vpcdoctor exit status was N
//
// scriptNow is the scripts' clock: suppressions in them expire against it.
// A script sets another with "env NOW=2026-11-24T12:00:00Z" (RFC 3339),
// e.g. to stamp the scans it stores in a history.
var scriptNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	flowlogs, err := filepath.Abs("../../internal/flows/testdata/startup-all-public-flowlogs")
	if err != nil {
		t.Fatal(err)
	}
	tfplans, err := filepath.Abs("../../internal/source/tfplan/testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("TFPLANS", tfplans)
			env.Setenv("FLOWLOGS", flowlogs)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"vpcdoctor": func(ts *testscript.TestScript, neg bool, args []string) {
				io := &cmdutil.IOStreams{Out: ts.Stdout(), ErrOut: ts.Stderr(), NoColor: ts.Getenv("NO_COLOR") != "", Now: func() time.Time { return scriptClock(ts) }, Env: ts.Getenv}
				code := root.Main(args, io)
				ts.Setenv("VPCDOCTOR_STATUS", strconv.Itoa(code))
				if (code != 0) != neg {
					ts.Fatalf("vpcdoctor exited with status %d", code)
				}
			},
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: status N")
				}
				got := ts.Getenv("VPCDOCTOR_STATUS")
				if (got == args[0]) == neg {
					ts.Fatalf("exit status %s, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
				}
			},
		},
	})
}

// scriptClock is $NOW when the script set it, else scriptNow.
func scriptClock(ts *testscript.TestScript) time.Time {
	now := ts.Getenv("NOW")
	if now == "" {
		return scriptNow
	}
	t, err := time.Parse(time.RFC3339, now)
	if err != nil {
		ts.Fatalf("NOW=%s: %v", now, err)
	}
	return t
}
