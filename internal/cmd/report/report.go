// Package report is the `vpcdoctor report` command: the scan (and a
// plan, with --plan) as one self-contained HTML file.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	scancmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// Options are the command's flags and arguments.
type Options struct {
	IO     *cmdutil.IOStreams
	Paths  []string
	Flows  []string // VPC flow logs, read as scan --flows reads them
	Plan   string   // a folder `vpcdoctor plan` wrote; "" for none
	Lang   string
	Output string // the HTML file; "-" for standard output
	Config string // the configuration file; "" reads .vpcdoctor.yaml if present
	// Generated is the date the page shows; "" for the current time, UTC.
	Generated string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "report SNAPSHOT... -o FILE.html [--flows PATH...] [--plan DIR] [--lang en|ja]",
		Short: "Write the scan, and a plan, as one HTML file to read and hand over",
		Long: `Report scans the snapshot as "vpcdoctor scan" does and writes the result as one
self-contained HTML file: a summary (findings by severity, the ports open to
the internet, the worst paths hop by hop), the findings table with filters by
severity, rule and resource (each finding opens to its evidence, its paths
from the internet and its remediation), every internet exposure with its
path, and, with --plan, the plan's diagrams, stages and proof.

The file needs nothing but a browser: its styles, script and diagrams are
inside it, it downloads no font and its Content-Security-Policy forbids any
network request, so it works opened from disk, offline, or attached to a
ticket. It can be used with the keyboard alone and prints with every
finding opened. --lang ja writes it in Japanese.

--plan DIR reads DIR/plan.json (the folder "vpcdoctor plan --out DIR"
wrote) and, when present, DIR/before.svg and DIR/after.svg. --flows reads
VPC flow logs for the checks that need them, as scan --flows does;
suppressions come from .vpcdoctor.yaml or --config.

The file is replaced only once it is complete. The page shows one date,
the time of the run (UTC) unless --generated gives another label; the same
input and label give the same bytes.

Exit status: 0 when the report was written, whatever it found; 2 when the
command line, the configuration, a snapshot or the plan is wrong; 3 on any
other error.`,
		Example: `  # The bundled example account, in English and in Japanese
  vpcdoctor report examples/startup-all-public -o report.html
  vpcdoctor report examples/startup-all-public --lang ja -o report.ja.html

  # With its flow logs, and the plan made from them
  vpcdoctor plan examples/startup-all-public --flows internal/flows/testdata/startup-all-public-flowlogs --out plan
  vpcdoctor report examples/startup-all-public --flows internal/flows/testdata/startup-all-public-flowlogs \
      --plan plan -o report.html

  # A reproducible file: the same label every run
  vpcdoctor report snapshot/ --generated "snapshot of 2026-11-26" -o report.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the report to `FILE` (required; - for standard output)")
	cmd.Flags().StringArrayVar(&opts.Flows, "flows", nil, "read VPC flow logs from `PATH` (a file, or a folder walked for *.log, *.gz, *.txt; repeat for several) for the checks that need them")
	cmd.Flags().StringVar(&opts.Plan, "plan", "", "show the plan in `DIR` (the folder vpcdoctor plan --out wrote: plan.json, before.svg, after.svg)")
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "the report's `LANGUAGE`: en or ja")
	cmd.Flags().StringVar(&opts.Config, "config", "", "read suppressions from `FILE` (default: .vpcdoctor.yaml in the working directory, if present)")
	cmd.Flags().StringVar(&opts.Generated, "generated", "", "the `LABEL` the page shows as its date (default: the current time, UTC)")
	return cmd
}

// Run writes the report.
func Run(opts *Options) error {
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	if opts.Output == "" {
		return cmdutil.BadInput(errors.New("-o FILE is required: the report is an HTML file (-o - writes it to standard output)"))
	}
	// The destination and the plan are checked before the scan, so that a
	// typing mistake costs no scan.
	if err := checkOutput(opts.Output); err != nil {
		return cmdutil.BadInput(err)
	}
	in := htmlreport.Input{Lang: lang, Generated: opts.Generated}
	if in.Generated == "" {
		in.Generated = opts.IO.Time().UTC().Format("2006-01-02 15:04 UTC")
	}
	if opts.Plan != "" {
		in.Plan, in.Diagrams, err = readPlan(opts.Plan, lang)
		if err != nil {
			return cmdutil.BadInput(err)
		}
	}
	in.Report, err = scancmd.BuildReport(&scancmd.Options{IO: opts.IO, Paths: opts.Paths, Flows: opts.Flows, Config: opts.Config, Color: "never"})
	if err != nil {
		return err
	}
	for _, w := range in.Report.Warnings {
		fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
	}
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, in); err != nil {
		// The report is built in memory: what fails is the input (a
		// diagram that is no SVG).
		return cmdutil.BadInput(fmt.Errorf("--plan %s: %w", opts.Plan, err))
	}
	if opts.Output == "-" {
		_, err := opts.IO.Out.Write(buf.Bytes())
		return err
	}
	if err := cmdutil.WriteFileWhole(opts.Output, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote %s.\n", opts.Output)
	return nil
}

// checkOutput refuses a destination that cannot be written: a folder, or
// a file in a folder that does not exist.
func checkOutput(path string) error {
	if path == "-" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("-o %s is a folder; name a file", path)
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("-o %s: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("-o %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("-o %s: %s is not a folder", path, dir)
	}
	return nil
}
