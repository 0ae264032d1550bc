// Package diagram is the `vpcdoctor diagram` command: draw a snapshot's
// network as one self-contained SVG (docs/diagrams.md).
package diagram

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	flowscmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/diagram"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO    *cmdutil.IOStreams
	Paths []string
	// Out is the SVG file to write ("-": standard output).
	Out string
	// Flows are paths of VPC flow logs whose accepted flows between roles
	// are drawn as arrows.
	Flows []string
	// Lang is the language of the labels: en or ja.
	Lang string
	// Title replaces the default heading.
	Title string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "diagram SNAPSHOT... -o FILE.svg [--flows PATH...] [--lang en|ja]",
		Short: "Draw the network as an SVG: VPCs, AZs, subnets by tier, roles, flows and internet exposures",
		Long: `Diagram draws a snapshot's network as one self-contained SVG file (no
scripts, no web fonts, no external references): each VPC, its Availability
Zones, and their subnets coloured by tier (public: routes to an internet
gateway; private: reaches the internet only through NAT or another gateway;
isolated: no route to the internet), with the internet gateway, NAT
gateways, VPC endpoints, load balancers and the resources grouped by role
inside their subnets ("web ×2": one box per role per subnet).

Red arrows from "Internet" are the internet exposures, as scan finds them
(labelled with protocol and ports; exposures through a load balancer are
drawn at the load balancer). With --flows, blue arrows are the accepted
flows between roles the flow logs show, merged per pair of roles.

Large accounts are collapsed to stay legible: beyond 8 roles in a subnet,
the smaller ones become "+K more roles"; beyond 3 subnets of one tier in
one AZ, the rest become one box; a note in the diagram says what was
collapsed. --lang ja writes the labels in Japanese.

Exit status: 0 when written, 2 on bad input.`,
		Example: `  # The bundled example (from a clone), with the flows its logs show
  vpcdoctor diagram examples/startup-all-public -o before.svg \
      --flows internal/flows/testdata/startup-all-public-flowlogs

  # The rebuilt network, labelled in Japanese
  vpcdoctor diagram examples/startup-rebuilt -o after.svg --lang ja`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "output", "o", "", "write the SVG to `FILE` (- for standard output; required)")
	cmd.Flags().StringArrayVar(&opts.Flows, "flows", nil, "read VPC flow logs from `PATH` (a file, or a folder walked for *.log, *.gz, *.txt; repeat for several) and draw their flows between roles")
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "language of the labels: en or ja")
	cmd.Flags().StringVar(&opts.Title, "title", "", "the diagram's heading (default: the accounts and regions)")
	return cmd
}

// Run draws the diagram and writes it whole (a temporary file renamed)
// or not at all.
func Run(opts *Options) error {
	if opts.Out == "" {
		return cmdutil.BadInput(fmt.Errorf("-o FILE.svg is required"))
	}
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	if opts.Out != "-" {
		if fi, err := os.Stat(filepath.Dir(opts.Out)); err != nil || !fi.IsDir() {
			return cmdutil.BadInput(fmt.Errorf("-o %s: the folder %s does not exist", opts.Out, filepath.Dir(opts.Out)))
		}
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	var edges []flows.Edge
	if len(opts.Flows) > 0 {
		o, err := flowscmd.Observe(opts.Flows, inv)
		if err != nil {
			return err
		}
		for _, w := range o.Warnings {
			fmt.Fprintln(opts.IO.ErrOut, "vpcdoctor: warning: "+w)
		}
		edges = flows.Edges(o.Observations, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
	}
	svg, err := diagram.SVG(inv, diagram.Options{Lang: lang, Title: opts.Title, Flows: edges})
	if err != nil {
		return err
	}
	if opts.Out == "-" {
		_, err := opts.IO.Out.Write(svg)
		return err
	}
	return cmdutil.WriteFileWhole(opts.Out, svg)
}
