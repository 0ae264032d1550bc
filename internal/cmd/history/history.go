// Package history is the `vpcdoctor history` command: list the scans a
// history file holds (scan --history) and tell what changed between two
// of them, with the internet exposure over time (docs/history.md).
package history

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/history"
)

// Options are the command's flags and arguments.
type Options struct {
	IO      *cmdutil.IOStreams
	Path    string
	Account string
	From    int64 // 0: not given
	To      int64
	Format  string
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "history FILE",
		Short: "List stored scans and what changed between them",
		Long: `History reads a history file, which "vpcdoctor scan --history FILE" keeps
(an SQLite database: one scan per account per run, with its findings and
internet exposures), and prints:

  - the scans: ID, time, account, unsuppressed findings by severity,
    suppressed findings and internet exposures;
  - what changed between two scans of one account (by default the last two
    of each account; --from and --to pick any two): the findings that
    APPEARED (never seen before in that account), were RE-OPENED (seen in an
    earlier scan, resolved, and back), or DISAPPEARED (resolved), and the
    internet exposures opened and closed. Findings are matched by their
    fingerprint (rule, account, region, main resource), so a finding whose
    message changed is the same finding;
  - the exposure drift: per scan, how many exposures and resources the
    internet reaches and on which traffic, with a sparkline of the trend.

--format json prints the same as one document (docs/history.md).

Exit status: 0 when the history was read; 2 when the command line is wrong
or the file is not a history this vpcdoctor can read (not SQLite, damaged,
from a newer vpcdoctor) or is locked by a writer for longer than the wait;
3 on any other error.`,
		Example: `  # Keep every nightly scan, then see what changed since the last one
  vpcdoctor scan snapshot/ --history vpcdoctor-history.db
  vpcdoctor history vpcdoctor-history.db

  # One account of a multi-account history, two chosen scans, as JSON
  vpcdoctor history vpcdoctor-history.db --account 111122223333 --from 3 --to 7 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "only the scans of this account `ID` (or folder name, for a snapshot that names no account ID)")
	cmd.Flags().Int64Var(&opts.From, "from", 0, "compare from this scan `ID` (with --to; default: the last two scans of each account)")
	cmd.Flags().Int64Var(&opts.To, "to", 0, "compare to this scan `ID` (with --from)")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	return cmd
}

// Run executes the command.
func Run(opts *Options) error {
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.BadInput(fmt.Errorf("unknown --format %q: want text or json", opts.Format))
	}
	if (opts.From == 0) != (opts.To == 0) {
		return cmdutil.BadInput(fmt.Errorf("--from and --to go together: give both scan IDs, or neither to compare the last two scans of each account"))
	}
	h, err := history.Open(opts.Path, history.Options{MustExist: true})
	if err != nil {
		return cmdutil.BadInput(err)
	}
	defer h.Close()
	v, err := build(h, opts)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, v)
	}
	return writeText(opts.IO.Out, v)
}

// view is everything the command prints.
type view struct {
	SchemaVersion int                  `json:"schema_version"`
	Scans         []history.Scan       `json:"scans"`
	Comparisons   []history.Comparison `json:"comparisons"`
	Drift         []history.Drift      `json:"exposure_drift"`

	names map[string]string // account → folder name, for the text
}

// ViewSchemaVersion is the version of the JSON document; bumped when a
// field changes meaning or disappears.
const ViewSchemaVersion = 1

// build reads what the options ask for. Errors about the scans the user
// named are input errors.
func build(h *history.DB, opts *Options) (*view, error) {
	scans, err := h.Scans(opts.Account)
	if err != nil {
		return nil, cmdutil.BadInput(err)
	}
	if opts.Account != "" && len(scans) == 0 {
		return nil, cmdutil.BadInput(fmt.Errorf("%s holds no scan of account %s%s", opts.Path, opts.Account, accountsHint(h)))
	}
	v := &view{SchemaVersion: ViewSchemaVersion, Scans: scans, Comparisons: []history.Comparison{}, names: map[string]string{}}
	if v.Scans == nil {
		v.Scans = []history.Scan{}
	}
	for _, s := range scans {
		v.names[s.Account] = s.AccountName
	}
	pairs, err := pairsToCompare(scans, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		c, err := h.Compare(p[0], p[1])
		if err != nil {
			return nil, cmdutil.BadInput(err)
		}
		v.Comparisons = append(v.Comparisons, c)
	}
	if v.Drift, err = h.Drift(opts.Account); err != nil {
		return nil, cmdutil.BadInput(err)
	}
	return v, nil
}

// pairsToCompare is --from and --to, else the last two scans of each
// account that has two, accounts sorted.
func pairsToCompare(scans []history.Scan, opts *Options) ([][2]int64, error) {
	if opts.From != 0 {
		if opts.Account != "" {
			for _, id := range []int64{opts.From, opts.To} {
				if !hasScan(scans, id) {
					return nil, cmdutil.BadInput(fmt.Errorf("--account %s: scan %d is not one of its scans", opts.Account, id))
				}
			}
		}
		return [][2]int64{{opts.From, opts.To}}, nil
	}
	last := map[string][]int64{} // account → its scans, oldest first
	var accounts []string
	for _, s := range scans {
		if last[s.Account] == nil {
			accounts = append(accounts, s.Account)
		}
		last[s.Account] = append(last[s.Account], s.ID)
	}
	sort.Strings(accounts)
	var out [][2]int64
	for _, a := range accounts {
		if ids := last[a]; len(ids) >= 2 {
			out = append(out, [2]int64{ids[len(ids)-2], ids[len(ids)-1]})
		}
	}
	return out, nil
}

func hasScan(scans []history.Scan, id int64) bool {
	for _, s := range scans {
		if s.ID == id {
			return true
		}
	}
	return false
}

// accountsHint lists the accounts the history holds, for an error.
func accountsHint(h *history.DB) string {
	scans, err := h.Scans("")
	if err != nil || len(scans) == 0 {
		return " (it holds no scan at all)"
	}
	seen := map[string]bool{}
	var names []string
	for _, s := range scans {
		if !seen[s.Account] {
			seen[s.Account] = true
			names = append(names, s.Account)
		}
	}
	sort.Strings(names)
	return " (its accounts: " + strings.Join(names, ", ") + ")"
}
