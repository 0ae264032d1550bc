// Package scan is the `vpcdoctor scan` command: load a snapshot, run every
// check, print the report.
package scan

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO     *cmdutil.IOStreams
	Paths  []string
	Format string
	Color  string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "scan PATH...",
		Short: "Find what is wrong with the networks in a saved snapshot",
		Long: `Scan reads one or more snapshots and reports what is wrong with their networks.

A snapshot is a folder holding one folder per region, each with one file per
AWS CLI call (exactly what "aws ec2 describe-vpcs --output json" prints); a
folder of such account folders is a multi-account snapshot. Files that are
absent are reported as not collected, never read as "no resources". A file
that is not valid AWS CLI output stops the scan with its name and position.

Exit status: 0 when the scan ran (whatever it found), 2 when the command line
or a snapshot file is wrong, 3 on any other error.`,
		Example: `  # Scan the bundled example account
  vpcdoctor scan examples/startup-all-public

  # Several accounts at once, as JSON for other tools
  vpcdoctor scan snapshots/prod snapshots/staging --format json > report.json

  # A folder of account folders (a multi-account snapshot)
  vpcdoctor scan snapshots/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Color, "color", "auto", "colour the text output: auto (only on a terminal, never with NO_COLOR), always (even with NO_COLOR) or never")
	return cmd
}

// Run executes the scan.
func Run(opts *Options) error {
	format, err := render.ParseFormat(opts.Format)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	switch opts.Color {
	case "auto", "always", "never":
	default:
		return cmdutil.BadInput(fmt.Errorf("unknown --color %q: want auto, always or never", opts.Color))
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	rep := report.Build(inv, check.Run(inv, check.All), check.All)
	return render.Write(opts.IO.Out, format, rep, render.Options{Color: opts.IO.ColorEnabled(opts.Color), Width: opts.IO.Width})
}
