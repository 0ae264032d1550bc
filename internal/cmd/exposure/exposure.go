// Package exposure is the `vpcdoctor exposure` command: what the internet
// can reach, as a table, with the path of each entry on request.
package exposure

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

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
	Paths_ bool // --paths
	Format string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "exposure PATH...",
		Short: "List what the internet can reach, and how",
		Long: `Exposure lists every network interface the internet can reach: protocol,
ports, the sources allowed, and whether directly or through a load balancer.
--paths adds, under each entry, the hops and the rule that passed at each.

Exit status: 0 when the list was made (whatever it holds), 2 on bad input.`,
		Example: `  vpcdoctor exposure examples/startup-all-public
  vpcdoctor exposure examples/startup-all-public --paths
  vpcdoctor exposure snapshots/prod --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Paths_, "paths", false, "print the path of each entry")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.BadInput(fmt.Errorf("unknown format %q: want one of text, json", opts.Format))
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	rep := report.Build(inv, check.Run(inv, nil), nil)
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			SchemaVersion int               `json:"schema_version"`
			Exposures     []report.Exposure `json:"exposures"`
		}{report.SchemaVersion, rep.Exposures})
	}
	if len(rep.Exposures) == 0 {
		_, err := fmt.Fprintln(opts.IO.Out, "Nothing is reachable from the internet.")
		return err
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	multi := len(rep.Scanned.Regions) > 1
	header := "RESOURCE\tTYPE\tENI\tTRAFFIC\tFROM\tVIA"
	if multi {
		header = "ACCOUNT\tREGION\t" + header
	}
	if !opts.Paths_ {
		fmt.Fprintln(tw, header)
	}
	for _, x := range rep.Exposures {
		traffic := x.Protocol
		switch {
		case x.Protocol == "all" && len(x.ExceptProtocols) > 0:
			traffic = "all but " + strings.Join(x.ExceptProtocols, ",")
		case x.Protocol == "tcp" || x.Protocol == "udp":
			if x.FromPort == x.ToPort {
				traffic += fmt.Sprintf("/%d", x.FromPort)
			} else if !(x.FromPort == 0 && x.ToPort == 65535) {
				traffic += fmt.Sprintf("/%d-%d", x.FromPort, x.ToPort)
			}
		}
		from := render.ExposureSources(x)
		via := x.Via
		if x.LoadBalancer != "" {
			via += " " + x.LoadBalancer
		}
		res, eni := x.Resource, x.ENI
		if res == "" {
			res = "-"
		}
		if eni == "" {
			eni = "-"
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", res, x.ResourceType, eni, traffic, from, via)
		if multi {
			row = x.Account + "\t" + x.Region + "\t" + row
		}
		if !opts.Paths_ {
			fmt.Fprintln(tw, row)
			continue
		}
		// With paths, one block per entry: a table would stretch around them.
		fmt.Fprintln(opts.IO.Out, strings.ReplaceAll(row, "\t", "  "))
		for _, h := range x.Path {
			fmt.Fprintf(opts.IO.Out, "    > %s %s: %s\n", h.Kind, h.ID, h.Detail)
		}
		for _, n := range x.Notes {
			fmt.Fprintf(opts.IO.Out, "    note: %s\n", n)
		}
	}
	if opts.Paths_ {
		return nil
	}
	return tw.Flush()
}
