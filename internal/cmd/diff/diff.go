// Package diff is the `vpcdoctor diff` command: what a change does to an
// estate's network (two snapshots, or a Terraform plan on top of a
// snapshot), for people and for a pull-request gate.
package diff

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/diff"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/source/tfplan"
)

// Options are the command's flags and arguments.
type Options struct {
	IO     *cmdutil.IOStreams
	Before string // a snapshot or a plan; "" with Base
	After  string // a snapshot or a plan
	// Base is the snapshot a plan (After) is applied on top of; it is
	// also the before side.
	Base      string
	Format    string
	FailOnNew string // exit 1 when something new is at or above it
	Config    string // the configuration file; "" reads .vpcdoctor.yaml if present
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER | diff --base SNAPSHOT PLAN",
		Short: "Show what a change does to the network: new exposures and findings",
		Long: `Diff compares two states of an estate and reports what changed:

  - internet exposures: traffic the internet can newly send to a resource
    (with the path that lets it through: public address, route, network
    ACL entries, security-group rule) or no longer can;
  - reach between roles: ports on which one role can newly open a
    connection to another (with an example pair and its path), or no
    longer can;
  - findings: new, removed, and changed in severity, matched by rule,
    account, region and main resource.

BEFORE and AFTER are snapshot folders or Terraform plans (the JSON of
"terraform show -json PLANFILE"). With --base SNAPSHOT, the one argument is a
plan applied on top of the snapshot: resources it creates are added, those
it updates replaced, those it deletes removed; the snapshot is the before
side. That is the pull-request check: the account as it runs, against the
account as the pull request would leave it.

A new exposure is graded as the internet-exposed check grades it (all
traffic or an administration or data-tier port open to the internet at
large is critical, another port high, ...); new reach between roles is
medium when it reaches a database or cache or opens an administration or
data-tier port, low otherwise. Suppressions in .vpcdoctor.yaml (or --config)
apply as in scan: a suppressed finding, or an exposure whose resource's
internet-exposed finding is suppressed, is listed but does not fail the gate.

Formats: text, json (docs/diff.md) and markdown (a pull-request comment, at
most 65536 characters).

Exit status: 0 when the comparison ran; 1 with --fail-on-new when a new
unsuppressed finding (or one whose severity rose), a new internet exposure
or new reach between roles is at or above that severity; 2 when the command
line, the configuration or an input file is wrong; 3 on any other error.`,
		Example: `  # The bundled example before and after its rebuild
  vpcdoctor diff examples/startup-all-public examples/startup-rebuilt

  # A pull-request check: the plan on top of last night's snapshot
  terraform show -json tfplan > plan.json
  vpcdoctor diff --base snapshot/ plan.json --format markdown --fail-on-new high > diff.md

  # Two snapshots of one account, as JSON for other tools
  vpcdoctor diff snapshots/2024-05-01 snapshots/2024-06-01 --format json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Base != "" {
				if len(args) != 1 {
					return cmdutil.BadInput(fmt.Errorf("with --base, give one argument, the plan (terraform show -json output); got %d", len(args)))
				}
				opts.After = args[0]
			} else {
				if len(args) != 2 {
					return cmdutil.BadInput(fmt.Errorf("give BEFORE and AFTER (snapshots or plans), or --base SNAPSHOT and a plan; got %d %s", len(args), cmdutil.Plural(len(args), "argument")))
				}
				opts.Before, opts.After = args[0], args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Base, "base", "", "apply the plan on top of this snapshot `FOLDER`, which is also the before side")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text, json or markdown")
	cmd.Flags().StringVar(&opts.FailOnNew, "fail-on-new", "", "exit 1 when something new is of this `SEVERITY` or higher (info, low, medium, high, critical)")
	cmd.Flags().StringVar(&opts.Config, "config", "", "read suppressions from `FILE` (default: .vpcdoctor.yaml in the working directory, if present)")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	write, err := writerFor(opts.Format)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	var failOn check.Severity
	if opts.FailOnNew != "" {
		if failOn, err = check.ParseSeverity(opts.FailOnNew); err != nil {
			return cmdutil.BadInput(fmt.Errorf("--fail-on-new: %w", err))
		}
	}
	cfg, err := scan.LoadConfig(opts.Config)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	var base []string
	before := opts.Before
	if opts.Base != "" {
		before, base = opts.Base, []string{opts.Base}
	}
	// The two sides are independent: one is read and scanned while the
	// other is.
	now := opts.IO.Time()
	var bSide *diff.Side
	var bErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		var inv *model.Inventory
		if inv, bErr = Load(before, nil); bErr == nil {
			bSide = diff.Scan(inv, cfg, now)
		}
	}()
	var aSide *diff.Side
	aInv, aErr := Load(opts.After, base)
	if aErr == nil {
		aSide = diff.Scan(aInv, cfg, now)
	}
	<-done
	if err := errors.Join(bErr, aErr); err != nil {
		return cmdutil.BadInput(err)
	}
	d := diff.Compare(bSide, aSide)
	if opts.Format != "text" {
		for _, w := range d.Warnings {
			fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
		}
	}
	if err := write(opts.IO.Out, d); err != nil {
		return err
	}
	if failOn != 0 {
		if n := d.AtOrAbove(failOn); n > 0 {
			return cmdutil.Exit(cmdutil.ExitFindings, fmt.Sprintf("%d new %s at %s or above (--fail-on-new %s)", n, cmdutil.Plural(n, "change"), failOn, failOn), false)
		}
	}
	return nil
}

// Load reads one side: a Terraform plan (terraform show -json output),
// applied on top of the base snapshots when base is not empty, or a
// snapshot folder. Its errors name the file and the position.
func Load(path string, base []string) (*model.Inventory, error) {
	if tfplan.IsPlan(path) {
		return tfplan.Load(path, base...)
	}
	if len(base) > 0 {
		return nil, fmt.Errorf("%s is not a Terraform plan: --base applies the JSON of \"terraform show -json PLANFILE\" on top of a snapshot", path)
	}
	return snapshot.Load(path)
}

func writerFor(format string) (func(io.Writer, *diff.Diff) error, error) {
	switch format {
	case "text":
		return diff.Text, nil
	case "json":
		return diff.JSON, nil
	case "markdown":
		return diff.Markdown, nil
	}
	return nil, fmt.Errorf("unknown format %q: want one of text, json, markdown", format)
}
