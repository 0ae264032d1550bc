// Package explain is the `vpcdoctor explain RULE` command: one rule's
// documentation.
package explain

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Options are the command's flags and argument.
type Options struct {
	IO     *cmdutil.IOStreams
	Rule   string
	Format string
	Color  string
	Lang   string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Print one rule's documentation",
		Long: `Explain prints what one rule finds, why it matters, how to fix it (the AWS
setting or CLI call), which calls it needs and its references (AWS
Foundational Security Best Practices controls, CIS AWS Foundations Benchmark
sections, AWS documentation). "vpcdoctor rules" lists the rule IDs. With
--lang ja the texts and headings are in Japanese (the AWS CLI commands and
references stay as they are).`,
		Example: `  vpcdoctor explain sg-admin-port-world-open

  # The same as JSON
  vpcdoctor explain db-publicly-accessible --format json

  # In Japanese
  vpcdoctor explain sg-admin-port-world-open --lang ja`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			ids := make([]string, len(check.All))
			for i, c := range check.All {
				ids[i] = c.ID
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Rule = args[0]
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	cmd.Flags().StringVar(&opts.Color, "color", "auto", "colour the text output: auto, always or never")
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "language of the texts and headings: en or ja")
	return cmd
}

// Run prints the rule.
func Run(opts *Options) error {
	if err := cmdutil.CheckColor(opts.Color); err != nil {
		return err
	}
	lang, err := i18n.Parse(opts.Lang)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--lang: %w", err))
	}
	c := check.ByID(opts.Rule)
	if c == nil {
		msg := fmt.Sprintf("no rule %q", opts.Rule)
		if near := similar(opts.Rule); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return cmdutil.BadInput(fmt.Errorf("%s\n`vpcdoctor rules` lists every rule", msg))
	}
	r := render.RulesIn(report.RulesOf([]*check.Check{c}), lang)[0]
	switch opts.Format {
	case "text":
		return render.Explain(opts.IO.Out, r, lang, render.Options{Color: opts.IO.ColorEnabled(opts.Color), Width: opts.IO.Width})
	case "json":
		return render.RulesJSON(opts.IO.Out, []report.Rule{r})
	}
	return cmdutil.BadInput(fmt.Errorf("unknown format %q: want text or json", opts.Format))
}

// similar returns up to three rule IDs close to s: those containing it or
// each of its words, else those within a small edit distance.
func similar(s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	type cand struct {
		id   string
		dist int
	}
	var cs []cand
	for _, c := range check.All {
		d := editDistance(s, c.ID)
		if s != "" && strings.Contains(c.ID, s) {
			d = 0
		}
		if d <= max(2, len(s)/4) {
			cs = append(cs, cand{c.ID, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].id)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
