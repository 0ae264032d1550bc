// Package scan is the `vpcdoctor scan` command: load a snapshot, run every
// check, print the report.
package scan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect/scope"
	flowscmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/version"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/config"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Options are the command's flags and arguments.
type Options struct {
	IO         *cmdutil.IOStreams
	Paths      []string
	Format     string
	Color      string
	Output     string // write here instead of stdout
	Config     string // the configuration file; "" reads .vpcdoctor.yaml if present
	FailOn     string // exit 1 when an unsuppressed finding at or above it exists
	WarningOn  string // mackerel-check: lowest severity for WARNING
	CriticalOn string // mackerel-check: lowest severity for CRITICAL
	// OmitSuppressed leaves suppressed findings out of SARIF.
	OmitSuppressed bool
	// ReportURL is where the Markdown report points for the full report.
	ReportURL string
	// Flows are the paths of VPC flow logs to read (files, or folders
	// walked for them); none: the checks that read flow logs are skipped.
	Flows []string
	// Live collects the accounts of Scope from the AWS APIs (into a
	// temporary folder, removed after) and scans them; it is implied when
	// no path is given.
	Live  bool
	Scope scope.Flags
	// Base is the snapshot a Terraform plan among Paths is applied to
	// (--base); none: a plan is read by itself.
	Base []string
	// History is a history file (an SQLite database, created if absent)
	// the scan is added to, one scan per account (vpcdoctor history).
	History string

	// Lang is the language of the text and Markdown reports' findings
	// ("en", "ja"); JSON, SARIF and the Mackerel formats stay English.
	Lang string

	cfg        *config.Config
	lang       i18n.Lang // Lang, parsed by prepare
	scopeGiven []string  // the scope flags on the command line
}

// Collect is the live collection (`vpcdoctor collect` into dir) that
// --live uses; root sets it, so that this package builds without the AWS
// SDK. Nil: --live is not available.
var Collect func(ctx context.Context, io *cmdutil.IOStreams, s scope.Flags, dir string) error

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Find what is wrong with the networks in a saved snapshot (or live from AWS)",
		Long: `Scan reads one or more snapshots and reports what is wrong with their networks.

A snapshot is a folder holding one folder per region, each with one file per
AWS CLI call (exactly what "aws ec2 describe-vpcs --output json" prints); a
folder of such account folders is a multi-account snapshot. Files that are
absent are reported as not collected, never read as "no resources". A file
that is not valid AWS CLI output stops the scan with its name and position.

Suppressions: findings a team has accepted are listed in .vpcdoctor.yaml
(or --config FILE), each with a rule, the finding's main resource (the
first of its resources; * matches any characters, ARN slashes included, ?
one), a reason and the last day (UTC) it applies. A suppressed finding
stays in the JSON and SARIF output, marked; an expired suppression no
longer applies and the scan warns.

  suppressions:
    - rule: sg-admin-port-world-open
      resource: sg-0123456789abcdef0
      reason: bastion until the move to Session Manager (JIRA-123)
      expires: 2026-12-31

Formats: text (for people), json (docs/json-schema.md), sarif (GitHub code
scanning), markdown (a pull-request comment), mackerel-check (a Mackerel or
Nagios check plugin: one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
and mackerel-metrics (mackerel-agent custom metrics). See
docs/output-formats.md.

Exit status: 0 when the scan ran, whatever it found; 1 with --fail-on when an
unsuppressed finding at or above that severity exists; 2 when the command
line, the configuration or a snapshot file is wrong; 3 on any other error.
With --format mackerel-check the status is the check's: 0, 1, 2, or 3 for any
error, a mistake on the command line included (--fail-on and --output do not
apply to it).

Flow logs: --flows PATH (repeat it for several) reads VPC flow logs, files
or folders in S3's delivery layout (*.log.gz, *.log, *.gz, *.txt; plain or
gzip; a file without a header line is read in the default version-2
format), attributes every accepted connection to the security-group rules
and network-ACL entries that admitted it, and runs the checks that need
flow logs (sg-rule-unused-in-flows): inbound rules that admitted nothing in
the logged period, stated with the period and the volume of logs read.
Without --flows those checks are skipped, and the coverage says so.

Live: with no PATH (or --live), scan collects the accounts straight from the
AWS APIs first, as "vpcdoctor collect" does (read-only; the same --profile,
--region, --all-regions, --assume-role, --org-role, --accounts and
--exclude-accounts), into a temporary folder removed after the scan. Calls
that fail are warnings, and the coverage reports them as not collected with
the reason. To keep the snapshot, use "vpcdoctor collect --out DIR".

Language: --lang ja writes the findings of the text and Markdown reports
(each rule's title, each finding's message and each rule's fix) in
Japanese; the rest of those reports, and JSON, SARIF and the Mackerel
formats, which tools read, stay English.

Terraform plans: a PATH that is a file is read as "terraform show -json
PLANFILE" output (docs/terraform.md): the planned AWS network resources,
with values known only after apply named after their Terraform address
(aws_security_group.web). A plan holds only what its configuration manages;
the coverage says which calls it cannot answer. With --base SNAPSHOT the plan
is applied on top of that account's snapshot: what the account looks like
after "terraform apply". One plan per scan; snapshots may be scanned beside
it (the plan's account reads terraform-plan).

History: --history FILE adds the scan to FILE, an SQLite database created
if absent (one scan per account, with its findings and internet exposures),
which "vpcdoctor history FILE" reads to tell what appeared, was resolved or
came back between scans (docs/history.md). The scan is recorded before the
report is printed: a file that cannot take it (not a history, damaged, from
a newer vpcdoctor, locked by another writer for longer than 5 seconds) is
an error (exit 2), nothing is printed and --output is left as it was.`,
		Example: `  # Scan the bundled example account
  vpcdoctor scan examples/startup-all-public

  # A CI gate: fail on anything high or critical that is not suppressed
  vpcdoctor scan snapshot/ --fail-on high

  # SARIF for GitHub code scanning
  vpcdoctor scan snapshot/ --format sarif --output vpcdoctor.sarif

  # Several accounts at once, as JSON for other tools
  vpcdoctor scan snapshots/prod snapshots/staging --format json > report.json

  # A Mackerel check plugin: CRITICAL on critical findings only
  vpcdoctor scan /var/lib/vpcdoctor/snapshot --format mackerel-check --critical-on critical

  # A folder of account folders (a multi-account snapshot)
  vpcdoctor scan snapshots/

  # Live, from the account of an SSO profile
  vpcdoctor scan --profile prod --region ap-northeast-1

  # A pull-request comment with the findings in Japanese
  vpcdoctor scan snapshot/ --format markdown --lang ja > comment.md

  # A Terraform plan in a pull request, before it is applied
  terraform plan -out=plan.bin && terraform show -json plan.bin > plan.json
  vpcdoctor scan plan.json --fail-on high

  # The account as it will be once the plan is applied
  vpcdoctor scan plan.json --base snapshot/

  # Keep every nightly scan in a history, to see what changed (vpcdoctor history)
  vpcdoctor scan snapshot/ --history vpcdoctor-history.db

  # With a month of VPC flow logs: which inbound rules admitted no traffic
  vpcdoctor scan snapshot/ --flows flowlogs/AWSLogs/111122223333/vpcflowlogs/ap-northeast-1/2024/05`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			opts.scopeGiven = scope.Given(cmd)
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: "+formatNames())
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the report to `FILE` (replaced only once the report is complete) instead of stdout")
	cmd.Flags().StringVar(&opts.Config, "config", "", "read suppressions and thresholds from `FILE` (default: "+config.DefaultFile+" in the working directory, if present)")
	cmd.Flags().StringVar(&opts.FailOn, "fail-on", "", "exit 1 when an unsuppressed finding of this `SEVERITY` or higher exists (info, low, medium, high, critical)")
	cmd.Flags().StringVar(&opts.WarningOn, "warning-on", "", "with --format mackerel-check: lowest `SEVERITY` that makes the check WARNING (default medium, or mackerel.warning in the configuration)")
	cmd.Flags().BoolVar(&opts.OmitSuppressed, "omit-suppressed", false, "with --format sarif: leave suppressed findings out, so GitHub code scanning closes their alerts")
	cmd.Flags().StringVar(&opts.ReportURL, "report-url", "", "with --format markdown: the `URL` of the full report, linked where the comment is shortened")
	cmd.Flags().StringVar(&opts.CriticalOn, "critical-on", "", "with --format mackerel-check: lowest `SEVERITY` that makes the check CRITICAL (default high, or mackerel.critical in the configuration)")
	cmd.Flags().StringArrayVar(&opts.Flows, "flows", nil, "read VPC flow logs from `PATH` (a file, or a folder walked for *.log, *.gz, *.txt; repeat for several) for the checks that need them")
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "with --format text or markdown: the findings' `LANGUAGE`, en or ja")
	cmd.Flags().StringArrayVar(&opts.Base, "base", nil, "apply the Terraform plan among the PATHs on top of the snapshot `SNAPSHOT` (one account)")
	cmd.Flags().StringVar(&opts.History, "history", "", "add the scan to the history `FILE` (SQLite, created if absent) that vpcdoctor history reads")
	cmd.Flags().StringVar(&opts.Color, "color", "auto", "colour the text output: auto (only on a terminal, never with NO_COLOR), always (even with NO_COLOR) or never")
	cmd.Flags().BoolVar(&opts.Live, "live", false, "collect from the AWS APIs (read-only) and scan that, as with no PATH")
	opts.Scope.Register(cmd)
	return cmd
}

// Run executes the scan.
func Run(opts *Options) error {
	format, err := render.ParseFormat(opts.Format)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	if format == render.FormatMackerelCheck {
		return runCheckPlugin(opts)
	}
	if err := prepare(opts); err != nil {
		return err
	}
	// The place the report goes is checked before the scan, so that a
	// mistyped --output costs no scan and is a usage error (2).
	out, err := createOutput(opts)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	defer out.discard()
	hist, err := openHistory(opts)
	if err != nil {
		return err
	}
	if hist != nil {
		defer hist.Close()
	}
	rep, err := scan(opts)
	if err != nil {
		return err
	}
	if err := recordHistory(hist, opts, rep); err != nil {
		return err
	}
	var failOn check.Severity
	if opts.FailOn != "" {
		failOn, _ = check.ParseSeverity(opts.FailOn) // validated by prepare
	}
	if format != render.FormatText || out.file != nil {
		// The text report on stdout shows them itself; every other
		// format may go to a file or a tool, so say them on stderr too.
		for _, w := range rep.Warnings {
			fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
		}
	}
	ropts := renderOptions(opts, rep)
	ropts.Color = opts.IO.ColorEnabled(opts.Color) && out.file == nil
	if err := render.Write(out.w, format, rep, ropts); err != nil {
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	if failOn != 0 {
		if n := rep.AtOrAbove(failOn); n > 0 {
			return cmdutil.Exit(cmdutil.ExitFindings, fmt.Sprintf("%d unsuppressed %s at %s or above (--fail-on %s)", n, cmdutil.Plural(n, "finding"), failOn, failOn), false)
		}
	}
	return nil
}

// prepare validates the flags and reads the configuration. Its errors are
// the command's input errors (exit 2).
func prepare(opts *Options) error {
	if err := cmdutil.CheckColor(opts.Color); err != nil {
		return err
	}
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	opts.lang = lang
	if opts.FailOn != "" {
		if _, err := check.ParseSeverity(opts.FailOn); err != nil {
			return cmdutil.BadInput(fmt.Errorf("--fail-on: %w", err))
		}
	}
	cfg, err := config.Load(opts.Config, ruleIDs(), validSeverity)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	opts.cfg = cfg
	if err := thresholds(opts).Validate(); err != nil {
		return cmdutil.BadInput(err)
	}
	return nil
}

// BuildReport scans as Run does and returns the report instead of
// rendering it (the report command renders it as HTML): it validates
// opts, reads the configuration, the snapshots of opts.Paths and the flow
// logs of opts.Flows, runs every check and applies the suppressions. Its
// errors are Run's: input errors (exit 2) for bad input.
func BuildReport(opts *Options) (*report.Report, error) {
	if err := prepare(opts); err != nil {
		return nil, err
	}
	return scan(opts)
}

// scan reads the snapshots, runs every check and applies the
// suppressions; prepare has run. Its errors are input errors (exit 2).
func scan(opts *Options) (*report.Report, error) {
	paths, cleanup, err := livePaths(opts)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	inv, err := loadInventory(paths, opts.Base)
	if err != nil {
		return nil, err
	}
	var copts check.Options
	var warnings []string
	if len(opts.Flows) > 0 {
		copts.Flows, warnings, err = readFlows(opts.Flows, inv)
		if err != nil {
			return nil, err
		}
	}
	rep := report.Build(inv, check.RunWith(inv, check.All, copts), check.All)
	rep.Warnings = append(rep.Warnings, warnings...)
	rep.Suppress(opts.cfg, opts.IO.Time())
	return rep, nil
}

// livePaths returns the snapshots to read: opts.Paths, or, live, a
// temporary folder the collection wrote (cleanup removes it).
func livePaths(opts *Options) (paths []string, cleanup func(), err error) {
	cleanup = func() {}
	live := opts.Live || len(opts.Paths) == 0
	switch {
	case opts.Live && len(opts.Paths) > 0:
		return nil, cleanup, cmdutil.BadInput(fmt.Errorf("--live collects from AWS: give no PATH with it"))
	case !live && len(opts.scopeGiven) > 0:
		return nil, cleanup, cmdutil.BadInput(fmt.Errorf("%s: only for a live scan (--live, or no PATH); a snapshot folder already says its accounts and regions", strings.Join(opts.scopeGiven, ", ")))
	case !live:
		return opts.Paths, cleanup, nil
	case Collect == nil:
		return nil, cleanup, cmdutil.BadInput(fmt.Errorf("give a snapshot PATH to scan (live collection is not built in)"))
	}
	if !opts.Live {
		fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: no PATH: collecting from the AWS APIs (read-only) and scanning that; give a snapshot folder to scan one")
	}
	dir, err := os.MkdirTemp("", "vpcdoctor-live-")
	if err != nil {
		return nil, cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Collect(ctx, opts.IO, opts.Scope, dir); err != nil {
		cleanup()
		return nil, func() {}, err
	}
	return []string{dir}, cleanup, nil
}

// readFlows reads the flow logs at paths (docs/flows.md, stage 1) and
// attributes them to inv's rules. Lines that do not parse do not stop it:
// they come back as a warning, with the first few positions. A path that
// does not exist, holds no flow-log file, or a file that cannot be read is
// an input error.
func readFlows(paths []string, inv *model.Inventory) (*flows.Attribution, []string, error) {
	o, warnings, err := observe(paths, inv)
	if err != nil {
		return nil, nil, err
	}
	return flows.Attribute(inv, o.observations, o.stats), warnings, nil
}

// observed is what observe read.
type observed struct {
	observations []flows.Observation
	stats        flowlog.Stats
}

// observe reads the flow logs at paths into observations (readFlows), as
// `reach --flows` does (flowscmd.Observe).
func observe(paths []string, inv *model.Inventory) (observed, []string, error) {
	o, err := flowscmd.Observe(paths, inv)
	if err != nil {
		return observed{}, nil, err
	}
	return observed{o.Observations, o.Stats}, o.Warnings, nil
}

// thresholds are mackerel-check's: the flags, else the configuration,
// else the defaults.
func thresholds(opts *Options) render.MackerelThresholds {
	var t render.MackerelThresholds
	if opts.cfg != nil {
		t = render.MackerelThresholds{Warning: opts.cfg.Mackerel.Warning, Critical: opts.cfg.Mackerel.Critical}
	}
	if opts.WarningOn != "" {
		t.Warning = opts.WarningOn
	}
	if opts.CriticalOn != "" {
		t.Critical = opts.CriticalOn
	}
	return t
}

func renderOptions(opts *Options, rep *report.Report) render.Options {
	return render.Options{
		Width:          opts.IO.Width,
		Now:            opts.IO.Time(),
		Version:        version.Short(),
		Mackerel:       thresholds(opts),
		MackerelMeta:   opts.IO.Getenv("MACKEREL_AGENT_PLUGIN_META") != "",
		OmitSuppressed: opts.OmitSuppressed,
		ReportURL:      opts.ReportURL,
		Lang:           opts.lang,
	}
}

// runCheckPlugin is --format mackerel-check: one line on stdout and the
// check plugin's status (0 OK, 1 WARNING, 2 CRITICAL), or UNKNOWN (3) with
// the reason when the scan cannot run, whatever the reason.
func runCheckPlugin(opts *Options) error {
	rep, err := checkPluginScan(opts)
	if err != nil {
		if werr := render.MackerelUnknown(opts.IO.Out, err); werr != nil {
			return werr
		}
		return cmdutil.Exit(int(render.CheckUnknown), err.Error(), false)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
	}
	status, err := render.MackerelCheck(opts.IO.Out, rep, thresholds(opts))
	if err != nil {
		return cmdutil.Exit(int(render.CheckUnknown), err.Error(), false)
	}
	if status == render.CheckOK {
		return nil
	}
	return cmdutil.Exit(int(status), "", true)
}

// checkPluginScan refuses the flags that make no sense for a check plugin
// (rather than ignoring them: someone who wrote them meant something), then
// scans.
func checkPluginScan(opts *Options) (*report.Report, error) {
	if opts.FailOn != "" {
		return nil, fmt.Errorf("--fail-on does not apply to --format mackerel-check, whose exit status is the check's: set when it is WARNING or CRITICAL with --warning-on and --critical-on")
	}
	if opts.History != "" {
		return nil, fmt.Errorf("--history does not apply to --format mackerel-check: record the history with a scan of another format")
	}
	if opts.Output != "" && opts.Output != "-" {
		return nil, fmt.Errorf("--output does not apply to --format mackerel-check: a check plugin prints its line on standard output, where the agent reads it")
	}
	if err := prepare(opts); err != nil {
		return nil, err
	}
	return scan(opts)
}

// IsCheckPlugin reports whether args, a scan command line after "scan",
// ask for --format mackerel-check, reading as many flags as parse. root.Main
// uses it to report a mistake on such a command line as a check plugin must
// (UNKNOWN, 3) rather than with the usage-error status 2, which Mackerel
// would read as CRITICAL.
func IsCheckPlugin(args []string) bool {
	flags := NewCmd(&cmdutil.IOStreams{}, nil).Flags()
	flags.ParseErrorsWhitelist.UnknownFlags = true
	_ = flags.Parse(args) // the flags before a mistake are read all the same
	f, err := render.ParseFormat(flags.Lookup("format").Value.String())
	return err == nil && f == render.FormatMackerelCheck
}

// output is where the report goes: standard output, or (--output FILE) a
// temporary file beside FILE that replaces it only once the report is
// complete, so that a failed run never leaves half a report where a
// complete one is expected.
type output struct {
	w         io.Writer
	file      *os.File // nil for standard output
	buf       *bufio.Writer
	path      string
	committed bool
}

// createOutput opens the report's destination. Its errors name --output as
// the user wrote it, not the temporary file.
func createOutput(opts *Options) (*output, error) {
	if opts.Output == "" || opts.Output == "-" {
		return &output{w: opts.IO.Out}, nil
	}
	path := opts.Output
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("--output %s is a folder; name a file", path)
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--output %s: the folder %s does not exist", path, dir)
	case err != nil:
		return nil, fmt.Errorf("--output %s: %s: %w", path, dir, unwrapPath(err))
	case !fi.IsDir():
		return nil, fmt.Errorf("--output %s: %s is not a folder", path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("--output %s: cannot write in %s: %w", path, dir, unwrapPath(err))
	}
	buf := bufio.NewWriter(f)
	return &output{w: buf, file: f, buf: buf, path: path}, nil
}

// commit puts the complete report in place.
func (o *output) commit() error {
	if o.file == nil {
		return nil
	}
	if err := o.buf.Flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := o.file.Close(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := os.Chmod(o.file.Name(), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := os.Rename(o.file.Name(), o.path); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	o.committed = true
	return nil
}

// discard removes the temporary file of a report that was not committed.
func (o *output) discard() {
	if o.file == nil || o.committed {
		return
	}
	o.file.Close()
	os.Remove(o.file.Name())
}

// unwrapPath drops the path an *fs.PathError repeats (the temporary file's
// name, which the user never wrote).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadConfig reads the configuration as every command does: file (from
// --config), else .vpcdoctor.yaml when present, checking suppressions
// against the catalogue's rule IDs.
func LoadConfig(file string) (*config.Config, error) {
	return config.Load(file, ruleIDs(), validSeverity)
}

func ruleIDs() []string {
	ids := make([]string, len(check.All))
	for i, c := range check.All {
		ids[i] = c.ID
	}
	return ids
}

func validSeverity(s string) bool {
	_, err := check.ParseSeverity(s)
	return err == nil
}

func formatNames() string {
	names := make([]string, len(render.Formats))
	for i, f := range render.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
