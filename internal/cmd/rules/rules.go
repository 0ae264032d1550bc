// Package rules is the `vpcdoctor rules` command: the check catalogue, as a
// table, JSON or the Markdown of docs/rules.md.
package rules

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Options are the command's flags.
type Options struct {
	IO     *cmdutil.IOStreams
	Format string
	Color  string
	Lang   string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every check vpcdoctor runs",
		Long: `Rules lists the check catalogue: each rule's ID, severity and title. The
IDs are stable; use them in suppressions (.vpcdoctor.yaml) and with
"vpcdoctor explain". The JSON form holds every field: id, title, severity,
rationale, remediation, references and the calls each rule needs.
docs/rules.md is the Markdown form. With --lang ja the titles, rationales,
remediations and headings are in Japanese (the IDs, severities, AWS CLI
commands and references stay as they are).`,
		Example: `  # The catalogue as a table
  vpcdoctor rules

  # Every field of every rule, for other tools
  vpcdoctor rules --format json

  # The catalogue in Japanese
  vpcdoctor rules --lang ja

  # One rule's documentation
  vpcdoctor explain sg-world-open-port`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text, json or markdown")
	cmd.Flags().StringVar(&opts.Color, "color", "auto", "colour the text output: auto, always or never")
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "language of the titles, texts and headings: en or ja")
	return cmd
}

// Run prints the catalogue.
func Run(opts *Options) error {
	if err := cmdutil.CheckColor(opts.Color); err != nil {
		return err
	}
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	rules := render.RulesIn(report.RulesOf(check.All), lang)
	switch opts.Format {
	case "text":
		return render.RulesText(opts.IO.Out, rules, lang, render.Options{Color: opts.IO.ColorEnabled(opts.Color), Width: opts.IO.Width})
	case "json":
		return render.RulesJSON(opts.IO.Out, rules)
	case "markdown":
		return render.RulesMarkdown(opts.IO.Out, rules, lang)
	}
	return cmdutil.BadInput(fmt.Errorf("unknown format %q: want text, json or markdown", opts.Format))
}
