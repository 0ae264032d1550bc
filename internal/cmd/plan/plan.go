// Package plan is the `vpcdoctor plan` command: design the least-privilege
// network, prove it keeps every needed flow, and write the staged
// migration (docs/plan.md).
package plan

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	flowscmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	scancmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/config"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO          *cmdutil.IOStreams
	Paths       []string
	Flows       []string
	Config      string
	Out         string
	NAT         string
	NoClientVPN bool
	Prices      string
	Format      string
	Force       bool
	Lang        string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "plan SNAPSHOT --out DIR",
		Short: "Design the least-privilege network and write the staged migration",
		Long: `Plan designs the network the account should have, proves it keeps every
flow that is needed, and writes the migration for a person to review and run.
It changes nothing in AWS.

The design: private subnets (and isolated ones for databases and caches) in
every AZ in use, NAT gateways, S3 and DynamoDB gateway endpoints and the
interface endpoints Session Manager and the workloads need; everything but
internet-facing load balancers and NAT gateways moved to them the way each
service allows; one security group per role, whose rules admit only the
needed flows, from other groups by ID; no SSH (Session Manager instead);
databases reachable from their roles and from the group of an AWS Client
VPN endpoint (--no-client-vpn leaves it out).

Needed flows come from VPC flow logs (--flows): the accepted flows between
roles and from the internet to load-balancer listeners. The wiring's flows
(the internet to every listener, load balancers to their targets) are
always kept. Without flow logs, who can reach each database and cache now
is kept too, and such rules are marked "inferred: confirm with flow logs".

The proof runs the reachability engine on the target: every needed flow
must still be allowed, the internet may reach only the load balancers'
listener ports, and the target must scan with no finding at high or above.
A plan whose proof fails is still written, and the command exits 1.

DIR receives:
  target/         the account after the migration, in the snapshot layout
                  (scan it, diff it, reach --flows it)
  plan.json       the decisions, the proof and the stages (docs/plan.md)
  runbook.sh      the migration as AWS CLI commands, stage by stage
  rollback.sh     the way back, stage by stage
  terraform/      the same target as Terraform, with import blocks
  before.svg, after.svg
                  the network before and after, with the needed flows
  NETWORK-RULES.md, NETWORK-RULES.ja.md
                  the target's network rules, in English and Japanese
  report.html     one self-contained page: the scan, the diagrams, the
                  plan's stages and proof

The config file (.vpcdoctor.yaml, or --config) may name roles, pin
resources in place, choose the NAT mode and the price table, and add flows
the logs do not show: see docs/plan.md.`,
		Example: `  # Plan the bundled example from its flow logs (from a clone of the repository)
  vpcdoctor plan examples/startup-all-public \
      --flows internal/flows/testdata/startup-all-public-flowlogs --out /tmp/oyatsu-plan

  # Without flow logs: rules inferred from the wiring, one NAT gateway
  vpcdoctor plan snapshots/prod --nat single --out plan-prod

  # Then look at the result as any snapshot
  vpcdoctor scan /tmp/oyatsu-plan/target
  vpcdoctor reach /tmp/oyatsu-plan/target --flows logs/ --flows-snapshot examples/startup-all-public`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Out, "out", "o", "", "write the plan into `DIR` (required; created, or replaced with --force)")
	f.StringArrayVar(&opts.Flows, "flows", nil, "read VPC flow logs from `PATH` (a file, or a folder walked for *.log, *.gz, *.txt; repeat for several)")
	f.StringVar(&opts.Config, "config", "", "read the configuration from `FILE` (default .vpcdoctor.yaml when present)")
	f.StringVar(&opts.NAT, "nat", "", "NAT gateways: per-az (one per AZ in use) or single (cheaper); default per-az, or the config file's")
	f.BoolVar(&opts.NoClientVPN, "no-client-vpn", false, "do not plan an AWS Client VPN group as the human path to databases")
	f.StringVar(&opts.Prices, "prices", "", "read prices from `FILE` instead of the embedded table (docs/plan.md)")
	f.StringVarP(&opts.Format, "format", "f", "text", "what to print: text (the summary) or json (plan.json)")
	f.BoolVar(&opts.Force, "force", false, "replace DIR when it exists and is not empty")
	f.StringVar(&opts.Lang, "lang", "en", "language of the diagrams and report.html: en or ja (the network-rule document is written in both)")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	if opts.Out == "" {
		return cmdutil.BadInput(errors.New("--out DIR is required: the plan is a folder of files to review"))
	}
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.BadInput(fmt.Errorf("unknown format %q: want one of text, json", opts.Format))
	}
	if opts.NAT != "" && opts.NAT != "single" && opts.NAT != "per-az" {
		return cmdutil.BadInput(fmt.Errorf("--nat %q: want single or per-az", opts.NAT))
	}
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	if err := checkOut(opts.Out, opts.Force); err != nil {
		return cmdutil.BadInput(err)
	}
	cfg, err := scancmd.LoadConfig(opts.Config)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	popts, err := options(opts, cfg)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	var edges []flows.Edge
	var observed flowscmd.Observed
	if len(opts.Flows) > 0 {
		observed, err = flowscmd.Observe(opts.Flows, inv)
		if err != nil {
			return err
		}
		for _, w := range observed.Warnings {
			fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
		}
		edges = flows.Edges(observed.Observations, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
	}
	// The scan of the account as it is, for report.html: as `vpcdoctor
	// scan` makes it, with the flow logs' rule usage and the suppressions.
	scanned := func() *report.Report {
		var copts check.Options
		if len(opts.Flows) > 0 {
			copts.Flows = flows.Attribute(inv, observed.Observations, observed.Stats)
		}
		rep := report.Build(inv, check.RunWith(inv, check.All, copts), check.All)
		rep.Warnings = append(rep.Warnings, observed.Warnings...)
		rep.Suppress(cfg, opts.IO.Time())
		return rep
	}

	// Planning allocates much and keeps little: collecting less often
	// saves a quarter of the time on a large account (unless GOGC asks
	// for more).
	if old := debug.SetGCPercent(400); old > 400 || old < 0 {
		debug.SetGCPercent(old)
	} else {
		defer debug.SetGCPercent(old)
	}
	p, err := plan.Design(inv, edges, popts)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(opts.Out)), ".vpcdoctor-plan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	label := "by vpcdoctor plan " + strings.Join(opts.Paths, " ")
	if err := write(p, inv, edges, scanned, lang, label, tmp); err != nil {
		return err
	}
	if err := replace(tmp, opts.Out); err != nil {
		return err
	}

	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			return err
		}
	} else {
		if err := plan.WriteSummary(opts.IO.Out, p); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "\nWrote %s: target/, plan.json, runbook.sh, rollback.sh, terraform/, before.svg, after.svg, NETWORK-RULES.md, NETWORK-RULES.ja.md, report.html. Review them; vpcdoctor changed nothing in AWS.\n", opts.Out)
	}
	if p.Proof != nil && !p.Proof.Passed {
		return cmdutil.Exit(cmdutil.ExitFindings, fmt.Sprintf("the proof failed: %d needed %s broken, %d unexpected %s, %d %s at high or above (see %s)",
			len(p.Proof.Broken), pluralWord(len(p.Proof.Broken), "flow", "flows"),
			len(p.Proof.Unexpected), pluralWord(len(p.Proof.Unexpected), "exposure", "exposures"),
			len(p.Proof.High), pluralWord(len(p.Proof.High), "finding", "findings"),
			filepath.Join(opts.Out, "plan.json")), false)
	}
	return nil
}

// write writes every file of the plan into dir, proving the target on the
// way: the target is read back by the snapshot loader exactly as any other
// snapshot would be. The work runs in two rounds of independent jobs side
// by side: first the target with its proof and "after" diagram, the
// stages with the scripts, the Terraform, the "before" diagram and the
// scan of the account as it is; then what needs the proof and the stages:
// report.html, the network-rule documents and plan.json.
func write(p *plan.Plan, inv *model.Inventory, edges []flows.Edge, scanned func() *report.Report, lang i18n.Lang, label, dir string) error {
	var proof *plan.Proof
	var target *model.Inventory
	var stages []*plan.Stage
	var before, after htmlreport.Diagram
	var rep *report.Report
	err := parallel(
		func() error {
			targetDir := filepath.Join(dir, "target")
			if err := plan.WriteTarget(p, inv, targetDir); err != nil {
				return fmt.Errorf("writing the target: %w", err)
			}
			var err error
			target, err = snapshot.Load(targetDir)
			if err != nil {
				// A bug of the planner, not of the input: say so.
				return fmt.Errorf("the target the plan wrote does not load (a bug in vpcdoctor; please report it): %w", err)
			}
			// The "after" diagram needs only the target and the needed
			// flows: it is drawn while the proof runs.
			return parallel(
				func() error { proof = plan.Prove(p, target, edges); return nil },
				func() (err error) {
					after, err = writeDiagram(p, target, true, lang, filepath.Join(dir, "after.svg"))
					return err
				},
			)
		},
		func() error {
			stages = plan.BuildStages(p, inv)
			q := *p
			q.Stages = stages
			if err := writeFile(filepath.Join(dir, "runbook.sh"), 0o755, func(w io.Writer) error { return plan.WriteRunbook(w, &q) }); err != nil {
				return err
			}
			return writeFile(filepath.Join(dir, "rollback.sh"), 0o755, func(w io.Writer) error { return plan.WriteRollback(w, &q) })
		},
		func() error {
			if err := plan.WriteTerraform(p, inv, filepath.Join(dir, "terraform")); err != nil {
				return fmt.Errorf("writing the Terraform: %w", err)
			}
			return nil
		},
		func() (err error) {
			before, err = writeDiagram(p, inv, false, lang, filepath.Join(dir, "before.svg"))
			return err
		},
		func() error { rep = scanned(); return nil },
	)
	if err != nil {
		return err
	}
	p.Stages, p.Proof = stages, proof
	return parallel(
		func() error {
			return writeHTML(p, rep, []htmlreport.Diagram{before, after}, lang, label, filepath.Join(dir, "report.html"))
		},
		func() error { return writeRules(p, target, i18n.English, filepath.Join(dir, "NETWORK-RULES.md")) },
		func() error { return writeRules(p, target, i18n.Japanese, filepath.Join(dir, "NETWORK-RULES.ja.md")) },
		func() error {
			// Compact: a large account's plan is tens of megabytes, which
			// indentation doubles (jq . plan.json indents it).
			return writeFile(filepath.Join(dir, "plan.json"), 0o644, func(w io.Writer) error {
				return json.NewEncoder(w).Encode(p)
			})
		},
	)
}

// parallel runs the jobs side by side and returns their errors joined.
func parallel(jobs ...func() error) error {
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Go(func() { errs[i] = job() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func writeFile(path string, mode fs.FileMode, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// checkOut refuses a DIR that is a file, or a folder with files in it
// unless force.
func checkOut(dir string, force bool) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		parent := filepath.Dir(filepath.Clean(dir))
		if pi, err := os.Stat(parent); err != nil || !pi.IsDir() {
			return fmt.Errorf("--out %s: the folder %s does not exist", dir, parent)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("--out %s: a file is there; give a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("--out %s: the folder is not empty; give --force to replace it", dir)
	}
	return nil
}

// replace moves the finished plan from tmp to out, replacing out: the
// plan is written whole or not at all.
func replace(tmp, out string) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// options turns the flags and the config file's plan section into the
// planner's options; flags win.
func options(opts *Options, cfg *config.Config) (plan.Options, error) {
	po := planOptionsFromConfig(cfg)
	po.FlowLogs = len(opts.Flows) > 0
	if opts.NAT != "" {
		po.NAT = opts.NAT
	}
	if po.NAT == "" {
		po.NAT = "per-az"
	}
	if opts.NoClientVPN {
		po.ClientVPN = false
	}
	if opts.Prices != "" {
		po.Prices = opts.Prices
	}
	return po, nil
}

// planOptionsFromConfig is the config file's plan section as options
// (the config package validated it, with line numbers).
func planOptionsFromConfig(cfg *config.Config) plan.Options {
	c := cfg.Plan
	po := plan.Options{NAT: c.NAT, ClientVPN: true, Pinned: c.Pin, Prices: c.Prices}
	if c.ClientVPN != nil {
		po.ClientVPN = *c.ClientVPN
	}
	if len(c.Roles) > 0 {
		po.Roles = map[string]string{}
		for k, v := range c.Roles {
			po.Roles[k] = v
		}
	}
	for _, f := range c.Flows {
		po.ExtraFlows = append(po.ExtraFlows, plan.ExtraFlow{From: f.From, To: f.To, Protocol: f.Protocol, Port: f.Port, Reason: f.Reason})
	}
	return po
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
