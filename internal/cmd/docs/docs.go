// Package docs is the `vpcdoctor docs` command: the network-rule document
// (NETWORK-RULES.md) of an existing network, in English or Japanese.
package docs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/netdoc"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO     *cmdutil.IOStreams
	Paths  []string
	Lang   string // --lang
	Output string // -o, --output; "" or "-" for standard output
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "docs SNAPSHOT...",
		Short: "Write the network-rule document (NETWORK-RULES.md) of a snapshot",
		Long: `Docs writes the network's rules as a Markdown document a team can hand
over: the subnet tiers and what may live in each, the CIDR plan with the
free space, one table per security group (its role, what it is attached
to, who may reach it on which port and why, what it may reach), the rules
of the house and whether the network follows each of them now, and how to
ask for a new service.

The reasons of an existing network are its rules' descriptions ("no
description" where a rule has none). "vpcdoctor plan" writes the same
document for the planned network, with the plan's reasons, as
NETWORK-RULES.md and NETWORK-RULES.ja.md. --lang ja writes it in Japanese.
See docs/network-rules.md.

Exit status: 0 when the document was written, 2 on bad input (an unknown
--lang, a snapshot that does not load, an --output that cannot be written).`,
		Example: `  vpcdoctor docs examples/startup-all-public
  vpcdoctor docs examples/startup-all-public --lang ja -o NETWORK-RULES.ja.md
  vpcdoctor docs snapshots/prod -o NETWORK-RULES.md`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "language of the document: en or ja")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the document to `FILE` (replaced only once complete) instead of stdout")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	if opts.Output != "" && opts.Output != "-" {
		if fi, err := os.Stat(filepath.Dir(opts.Output)); err != nil || !fi.IsDir() {
			return cmdutil.BadInput(fmt.Errorf("--output %s: its folder does not exist", opts.Output))
		}
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	var b bytes.Buffer
	if err := netdoc.Write(&b, inv, nil, lang); err != nil {
		return err
	}
	if opts.Output == "" || opts.Output == "-" {
		_, err := opts.IO.Out.Write(b.Bytes())
		return err
	}
	return cmdutil.WriteFileWhole(opts.Output, b.Bytes())
}
