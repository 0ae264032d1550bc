// Package collect is the `vpcdoctor collect` command: read an account (or
// many) straight from the AWS APIs, read-only, into the snapshot layout
// (docs/collect.md).
package collect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect/scope"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/version"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// ExitInterrupted is the status after Ctrl-C (SIGINT) or SIGTERM, as
// shells report a command a signal stopped (128 + 2).
const ExitInterrupted = 130

// Options are the command's flags.
type Options struct {
	IO     *cmdutil.IOStreams
	Out    string
	Scope  scope.Flags
	Strict bool
	// Concurrency, Timeout, MaxAttempts and MaxBackoff tune the calls
	// (awsapi.CollectOptions); 0 is its default.
	Concurrency int
	Timeout     time.Duration
	MaxAttempts int
	MaxBackoff  time.Duration
	// Context, when set, replaces the one Run makes (cancelled by Ctrl-C).
	Context context.Context
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "collect --out DIR",
		Short: "Save accounts from the AWS APIs as a snapshot (read-only)",
		Long: `Collect reads every call vpcdoctor needs straight from the AWS APIs and
saves it in the snapshot layout: one file per call, holding exactly the
JSON the AWS CLI prints for it, so that a snapshot from vpcdoctor and one
from the AWS CLI (scripts/snapshot.sh) are interchangeable. It only reads:
Describe*, List* and Get* calls, and sts AssumeRole for --assume-role and
--org-role (docs/iam-policy.json is the minimal policy: its statements
VpcdoctorCollectReadOnly and VpcdoctorOrganizationAndRoles; AWS's managed
SecurityAudit policy works too).

Credentials come from the SDK's default chain (environment, shared config,
SSO, instance or task role); --profile names a profile (repeat it for
several accounts; SSO profiles work after "aws sso login --profile NAME").
--assume-role assumes a role first; --org-role NAME collects every ACTIVE
account of the AWS Organization by assuming that role in each. One account
is written as DIR itself; several as DIR/ACCOUNT_ID/ (also when only one of
them could be reached: DIR/vpcdoctor-collect.json names the others).

Regions: --region (repeatable), --all-regions (every enabled region;
regions not opted in are skipped and noted), else the profile's region.

A call that fails (AccessDenied, UnauthorizedOperation, a region not
enabled, throttling after every retry, a timeout) is recorded in
DIR/vpcdoctor-collect.json and the rest goes on; scan then reports it as
"not collected" with the reason. Throttling is retried with the SDK's
adaptive mode. Ctrl-C stops cleanly: every file written is whole, and the
record says the collection was interrupted.

DIR must not exist or be empty, so that no file of an older snapshot is
mixed with this one.

Exit status: 0 when collected (a failed call is a warning on stderr, and
"not collected" in the scan); 1 with --strict when a call failed; 2 for a
wrong command line, no credentials, or no region; 130 when interrupted;
3 when a file cannot be written.`,
		Example: `  # The account of an SSO profile, in two regions
  aws sso login --profile prod
  vpcdoctor collect --profile prod --region ap-northeast-1 --region us-east-1 --out snapshots/prod
  vpcdoctor scan snapshots/prod

  # Two accounts, every enabled region: snapshots/all/<account-id>/...
  vpcdoctor collect --profile prod --profile staging --all-regions --out snapshots/all

  # Every account of the organization, through a read-only role in each
  vpcdoctor collect --profile management --org-role vpcdoctor-read \
      --exclude-accounts 999988887777 --region ap-northeast-1 --out snapshots/org

  # A role in another account, with its external ID
  vpcdoctor collect --assume-role arn:aws:iam::111122223333:role/vpcdoctor-read \
      --external-id 8a3f --region ap-northeast-1 --out snapshots/client`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "", "write the snapshot into `DIR` (must not exist or be empty)")
	opts.Scope.Register(cmd)
	f.BoolVar(&opts.Strict, "strict", false, "exit 1 when any call failed (denied, throttled, timed out)")
	f.IntVar(&opts.Concurrency, "concurrency", 8, "at most `N` calls in flight per account, region and service")
	f.DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "give up a request (one page of a call, with its retries) after this `DURATION`")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	if opts.Out == "" {
		return cmdutil.BadInput(errors.New("--out DIR is required: the folder to write the snapshot into"))
	}
	if err := checkEmpty(opts.Out); err != nil {
		return cmdutil.BadInput(err)
	}
	if err := opts.Scope.Validate(); err != nil {
		return cmdutil.BadInput(err)
	}
	if opts.Concurrency < 1 {
		return cmdutil.BadInput(fmt.Errorf("--concurrency %d: want 1 or more", opts.Concurrency))
	}
	ctx := opts.Context
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return cmdutil.BadInput(fmt.Errorf("--out: %w", err))
	}
	res, err := Collect(ctx, opts, opts.Out)
	return finish(opts, res, err)
}

// Collect collects opts.Scope into dir, drawing progress on a terminal.
func Collect(ctx context.Context, opts *Options, dir string) (*awsapi.CollectResult, error) {
	progress := opts.IO.NewProgress("collecting", 0)
	defer progress.Done()
	return awsapi.Collect(ctx, awsapi.CollectOptions{
		Scope:       opts.Scope.Scope,
		Concurrency: opts.Concurrency, CallTimeout: opts.Timeout, MaxAttempts: opts.MaxAttempts, MaxBackoff: opts.MaxBackoff,
		MakeDir: func(p string) error { return os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755) },
		Write: func(p string, data []byte) error {
			path := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			return cmdutil.WriteFileWhole(path, data)
		},
		Progress: func(p awsapi.CollectProgress) {
			progress.Line(fmt.Sprintf("%d/%d accounts, %d/%d regions, %d/%d calls, %s",
				p.AccountsDone, p.Accounts, p.RegionsDone, p.Regions, p.CallsDone, p.Calls, plural(p.Errors, "error")))
		},
		Now:     opts.IO.Time,
		Version: version.Short(),
	})
}

// finish prints the summary and warnings and decides the exit status.
func finish(opts *Options, res *awsapi.CollectResult, err error) error {
	var scopeErr *awsapi.ScopeError
	if errors.As(err, &scopeErr) {
		return cmdutil.BadInput(err)
	}
	Report(opts.IO, res, opts.Out)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return cmdutil.Exit(ExitInterrupted, fmt.Sprintf("interrupted: the files written so far are in %s, each whole; the calls not made are reported as not collected by scan", opts.Out), false)
		}
		return err
	}
	if opts.Strict && len(res.Errors) > 0 {
		return cmdutil.Exit(cmdutil.ExitFindings, fmt.Sprintf("%s failed (--strict)", plural(len(res.Errors), "call")), false)
	}
	return nil
}

// Report prints the notes, the failed calls (the first few) and a summary
// line on stderr.
func Report(io *cmdutil.IOStreams, res *awsapi.CollectResult, dir string) {
	if res == nil {
		return
	}
	for _, n := range res.Notes {
		fmt.Fprintln(io.ErrOut, "vpcdoctor: note: "+n)
	}
	const shown = 10
	for i, e := range res.Errors {
		if i == shown {
			fmt.Fprintf(io.ErrOut, "vpcdoctor: warning: and %d more (every one is in %s)\n", len(res.Errors)-shown, filepath.Join(dir, awsapi.RecordFile))
			break
		}
		where := strings.Join(slices.DeleteFunc([]string{e.Account, e.Region, e.Call, e.Resource}, func(s string) bool { return s == "" }), " ")
		fmt.Fprintf(io.ErrOut, "vpcdoctor: warning: %s: %s: %s\n", where, e.Code, e.Message)
	}
	regions := 0
	for _, a := range res.Accounts {
		regions += len(a.Regions)
	}
	line := fmt.Sprintf("collected %s, %s, %s into %s", plural(len(res.Accounts), "account"), plural(regions, "region"), plural(res.Calls, "call"), dir)
	if n := len(res.Errors); n > 0 {
		line += fmt.Sprintf("; %s failed: scan reports %s as not collected", plural(n, "call"), map[bool]string{true: "it", false: "them"}[n == 1])
	}
	fmt.Fprintln(io.ErrOut, "vpcdoctor: "+line)
}

// checkEmpty refuses an output folder that holds anything.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("--out %s is not empty: collect into a new folder, so that no file of an older snapshot is read as part of this one", dir)
	}
	return nil
}

func plural(n int, noun string) string {
	return fmt.Sprintf("%d %s", n, cmdutil.Plural(n, noun))
}

// Live collects s into dir for `vpcdoctor scan` without a path (or with
// --live): root sets it as scan.Collect. Failed calls are warnings, and
// the scan reports them as not collected.
func Live(ctx context.Context, io *cmdutil.IOStreams, s scope.Flags, dir string) error {
	if err := s.Validate(); err != nil {
		return cmdutil.BadInput(err)
	}
	opts := &Options{IO: io, Scope: s, Out: dir}
	res, err := Collect(ctx, opts, dir)
	var scopeErr *awsapi.ScopeError
	if errors.As(err, &scopeErr) {
		return cmdutil.BadInput(err)
	}
	Report(io, res, "a temporary folder for the scan")
	if errors.Is(err, context.Canceled) {
		return cmdutil.Exit(ExitInterrupted, "interrupted: nothing scanned", false)
	}
	return err
}
