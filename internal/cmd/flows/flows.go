// Package flows is the `vpcdoctor flows` command: read VPC Flow Logs and
// print who talks to whom, on which service port (docs/flows.md).
package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO        *cmdutil.IOStreams
	Paths     []string
	Snapshot  []string
	Format    string
	Color     string
	LogFormat string
	Top       int

	IPRanges        string // --ip-ranges FILE
	RefreshIPRanges string // --refresh-ip-ranges FILE
	IPRangesURL     string // where --refresh-ip-ranges downloads from (tests)

	AthenaSQL bool
	Engine    string
	Database  string
	Table     string
	Workgroup string
	AthenaOut string
	From, To  string // partition date range, YYYY-MM-DD
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "flows PATH...",
		Short: "Learn the traffic that really flows from VPC Flow Logs",
		Long: `Flows reads VPC Flow Logs and prints who talks to whom: each edge is a client,
a server, the protocol and the service port (never a client's ephemeral
port), the action, and the packets, bytes and connections it carried.

PATH is a flow-log file (plain or gzip), a folder walked recursively (S3's
delivery layout AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/*.log.gz), or
s3://bucket/prefix, read with the AWS SDK's usual credentials. Files with a
header line are read by it, in any version (2 to 5) and field order; files
without one (CloudWatch Logs exports) use AWS's default format unless
--log-format gives theirs. NODATA and SKIPDATA records are counted; lines
that do not parse are counted and the first few named with file and line.

With --snapshot, addresses become the resources that hold them (instances,
load-balancer nodes, databases, NAT gateways, ...) with their roles, and the
listening ports of security groups, listeners and engines decide which side
is the server when tcp-flags are not logged. Other addresses are AWS services
(AWS's published IP ranges, embedded and dated; --ip-ranges or
--refresh-ip-ranges for newer ones), the internet, or unknown.

For terabytes, --athena-sql prints the SQL that computes the same thing on
Amazon Athena's standard flow-log table, and --engine athena runs it there.
docs/flows.md says exactly how records become edges.`,
		Example: `  # The bundled example's flow logs (from a clone of the repository), with its snapshot
  vpcdoctor flows internal/flows/testdata/startup-all-public-flowlogs --snapshot examples/startup-all-public

  # A month of logs from S3's layout, as JSON
  vpcdoctor flows logs/AWSLogs/111122223333/vpcflowlogs/ap-northeast-1/2026/11 \
      --snapshot snapshots/prod --format json > flows.json

  # Straight from the bucket
  vpcdoctor flows s3://my-flow-logs/AWSLogs/111122223333/vpcflowlogs/ --snapshot snapshots/prod

  # A CloudWatch Logs export (no header line) in a custom format
  vpcdoctor flows export.txt --log-format '${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags}'

  # The SQL for Athena, and running it there
  vpcdoctor flows --athena-sql --table vpc_flow_logs --snapshot snapshots/prod
  vpcdoctor flows --engine athena --database default --table vpc_flow_logs \
      --workgroup primary --output s3://my-athena-results/vpcdoctor/ --snapshot snapshots/prod`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Snapshot, "snapshot", nil, "the account snapshot(s) that give addresses their resources and roles (`PATH`; repeat for several)")
	f.StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	f.StringVar(&opts.Color, "color", "auto", "colour the text output: auto, always or never")
	f.StringVar(&opts.LogFormat, "log-format", "", "the `FORMAT` of files without a header line, in AWS's syntax ('${version} ${srcaddr} ...'); default: AWS's version-2 format")
	f.IntVar(&opts.Top, "top", 50, "text: show the `N` largest flows (0: all)")
	f.StringVar(&opts.IPRanges, "ip-ranges", "", "name AWS services with this ip-ranges.json (`FILE`) instead of the embedded copy")
	f.StringVar(&opts.RefreshIPRanges, "refresh-ip-ranges", "", "download AWS's current ip-ranges.json into `FILE` and use it")
	f.StringVar(&opts.IPRangesURL, "ip-ranges-url", flows.IPRangesURL, "where --refresh-ip-ranges downloads from")
	_ = f.MarkHidden("ip-ranges-url")
	f.BoolVar(&opts.AthenaSQL, "athena-sql", false, "print the Athena SQL that computes the flows (needs --table) instead of reading files")
	f.StringVar(&opts.Engine, "engine", "reader", "where to aggregate: reader (in process) or athena")
	f.StringVar(&opts.Database, "database", "", "athena: the Glue `DATABASE` of the table")
	f.StringVar(&opts.Table, "table", "", "athena: the flow-log `TABLE` (AWS's documented DDL, partitioned by date)")
	f.StringVar(&opts.Workgroup, "workgroup", "primary", "athena: the `WORKGROUP`")
	f.StringVar(&opts.AthenaOut, "output", "", "athena: the `S3_URL` for query results (s3://bucket/prefix/); default: the workgroup's")
	f.StringVar(&opts.From, "from", "", "athena: the first partition `DATE` to read (YYYY-MM-DD)")
	f.StringVar(&opts.To, "to", "", "athena: the last partition `DATE` to read (YYYY-MM-DD)")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	if err := cmdutil.CheckColor(opts.Color); err != nil {
		return err
	}
	if opts.Top < 0 {
		return cmdutil.BadInput(fmt.Errorf("--top %d: want a count of flows, or 0 for all", opts.Top))
	}
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.BadInput(fmt.Errorf("unknown format %q: want text or json", opts.Format))
	}
	ctx := context.Background()
	inv := &model.Inventory{}
	if len(opts.Snapshot) > 0 {
		var err error
		if inv, err = snapshot.Load(opts.Snapshot...); err != nil {
			return cmdutil.BadInput(err)
		}
	}
	ports := flows.ListeningPortsOf(inv)
	switch {
	case opts.AthenaSQL:
		return printAthenaSQL(opts, ports)
	case opts.Engine == "athena":
		return runAthena(ctx, opts, inv, ports)
	case opts.Engine != "reader":
		return cmdutil.BadInput(fmt.Errorf("unknown --engine %q: want reader or athena", opts.Engine))
	}
	if len(opts.Paths) == 0 && opts.RefreshIPRanges != "" && opts.IPRanges == "" {
		// Only the download: `vpcdoctor flows --refresh-ip-ranges FILE`.
		r, err := ipRanges(ctx, opts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.ErrOut, "Saved AWS's IP ranges of %s (%d prefixes) to %s; use them with --ip-ranges %s.\n",
			r.Date().Format(time.DateOnly), r.Len(), opts.RefreshIPRanges, opts.RefreshIPRanges)
		return err
	}
	if len(opts.Paths) == 0 {
		return cmdutil.BadInput(errors.New("name the flow logs to read: files, folders or s3://bucket/prefix (or use --athena-sql / --engine athena)"))
	}
	ranges, err := ipRanges(ctx, opts)
	if err != nil {
		return err
	}
	readOpts := flowlog.Options{}
	if opts.LogFormat != "" {
		if readOpts.Format, err = flowlog.ParseFormat(opts.LogFormat); err != nil {
			return cmdutil.BadInput(fmt.Errorf("--log-format: %w", err))
		}
	}
	sources, notes, err := sourcesOf(ctx, opts)
	if err != nil {
		return err
	}
	var total int64
	for _, s := range sources {
		total += s.Size
	}
	progress := opts.IO.NewProgress("reading flow logs", total)
	readOpts.Progress = progress.Set
	obs, st, err := flows.ReadObservationsUnsorted(ctx, sources, readOpts, ports)
	progress.Done()
	if err != nil {
		return cmdutil.BadInput(err)
	}
	if len(opts.Snapshot) == 0 {
		notes = append(notes, "No --snapshot: addresses are named only as AWS services, the internet or unknown, and no listening port helps decide which side is the server.")
	}
	edges := flows.Edges(obs, flows.NewEndpoints(inv, ranges))
	rep := report.BuildFlows(edges, obs, st, ranges.Date().Format(time.DateOnly), "reader", notes)
	return write(opts, rep)
}

func write(opts *Options, rep *report.FlowsReport) error {
	if opts.Format == "json" {
		return render.FlowsJSON(opts.IO.Out, rep)
	}
	return render.FlowsText(opts.IO.Out, rep, opts.Top, render.Options{Color: opts.IO.ColorEnabled(opts.Color), Width: opts.IO.Width})
}

// ipRanges are AWS's IP ranges: downloaded (--refresh-ip-ranges), read from
// a file (--ip-ranges) or the embedded copy.
func ipRanges(ctx context.Context, opts *Options) (*flows.IPRanges, error) {
	switch {
	case opts.RefreshIPRanges != "" && opts.IPRanges != "":
		return nil, cmdutil.BadInput(errors.New("--ip-ranges and --refresh-ip-ranges are two sources of one thing; give one"))
	case opts.RefreshIPRanges != "":
		r, err := flows.RefreshIPRanges(ctx, http.DefaultClient, opts.IPRangesURL, opts.RefreshIPRanges)
		if err != nil {
			return nil, fmt.Errorf("refreshing AWS's IP ranges: %w", err)
		}
		return r, nil
	case opts.IPRanges != "":
		r, err := flows.LoadIPRanges(opts.IPRanges)
		if err != nil {
			return nil, cmdutil.BadInput(err)
		}
		return r, nil
	}
	return flows.EmbeddedIPRanges(), nil
}

// sourcesOf lists the flow-log objects of paths: files and folders on disk,
// and s3:// prefixes.
func sourcesOf(ctx context.Context, opts *Options) ([]flowlog.Source, []string, error) {
	paths := opts.Paths
	var local, remote []string
	for _, p := range paths {
		if strings.HasPrefix(p, "s3://") {
			remote = append(remote, p)
		} else {
			local = append(local, p)
		}
	}
	var notes []string
	sources, skipped, err := flowlog.Walk(local...)
	if err != nil {
		return nil, nil, cmdutil.BadInput(err)
	}
	if len(skipped) > 0 {
		notes = append(notes, fmt.Sprintf("Skipped %d files that are not flow logs by their names (e.g. %s).", len(skipped), skipped[0]))
	}
	for _, url := range remote {
		s, err := s3Sources(ctx, opts, url)
		if err != nil {
			return nil, nil, err
		}
		sources = append(sources, s...)
	}
	if len(sources) == 0 {
		return nil, nil, cmdutil.BadInput(fmt.Errorf("no flow-log files in %s", strings.Join(paths, ", ")))
	}
	return sources, notes, nil
}
