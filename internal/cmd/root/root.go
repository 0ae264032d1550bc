// Package root is the vpcdoctor command: it assembles the subcommands and
// decides the exit status of every run.
package root

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/diagram"
	diffcmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/diff"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/docs"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/explain"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/exposure"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/history"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/lambda"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/report"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/rules"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/version"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
)

// NewCmd builds the root command with every subcommand.
func NewCmd(io *cmdutil.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vpcdoctor <command>",
		Short: "Find what is wrong with an AWS network, and how to fix it",
		Long: `vpcdoctor reads an AWS account's network (from a saved snapshot of AWS CLI
output) and reports what is exposed and why: public subnets hosting servers
and databases, security groups open to the whole internet, groups reused
across unrelated resources. From VPC Flow Logs it learns the traffic that
really flows, and it plans the least-privilege network with the staged
migration to it. It never changes an account: it reads, and writes files a
person reviews.`,
		Example: `  vpcdoctor scan examples/startup-all-public
  vpcdoctor scan snapshots/prod --format json
  vpcdoctor plan examples/startup-all-public --out /tmp/oyatsu-plan`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.String(),
	}
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.BadInput(fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath()))
	})
	cmd.AddCommand(scan.NewCmd(io, nil), reach.NewCmd(io, nil), exposure.NewCmd(io, nil), flows.NewCmd(io, nil), plan.NewCmd(io, nil), rules.NewCmd(io, nil), explain.NewCmd(io, nil), version.NewCmd(io))
	cmd.AddCommand(diagram.NewCmd(io, nil), docs.NewCmd(io, nil), report.NewCmd(io, nil))
	cmd.AddCommand(lambda.NewCmd(io, nil))
	cmd.AddCommand(collect.NewCmd(io, nil))
	scan.Collect = collect.Live // scan --live
	cmd.AddCommand(diffcmd.NewCmd(io, nil))
	cmd.AddCommand(history.NewCmd(io, nil))
	cmd.CompletionOptions.HiddenDefaultCmd = true
	return cmd
}

// Main runs the command line args and returns the exit status. It is the
// only place that decides exit statuses.
func Main(args []string, io *cmdutil.IOStreams) int {
	cmd := NewCmd(io)
	if len(args) == 0 && io.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		// Started by Lambda without a command (an image whose
		// ENTRYPOINT is the bare binary): serve the function.
		args = []string{"lambda"}
	}
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return cmdutil.ExitOK
	}
	var st *cmdutil.ExitStatus
	if errors.As(err, &st) {
		if !st.Silent && st.Msg != "" {
			fmt.Fprintln(io.ErrOut, "vpcdoctor: "+indentRest(st.Msg))
		}
		return st.Code
	}
	fmt.Fprintln(io.ErrOut, "vpcdoctor: "+indentRest(err.Error()))
	if c, rest, ferr := cmd.Find(args); ferr == nil && c.Name() == "scan" && scan.IsCheckPlugin(rest) {
		// A check plugin's every error is UNKNOWN, with the reason on
		// its one line: 2 would read as CRITICAL.
		_ = render.MackerelUnknown(io.Out, err)
		return int(render.CheckUnknown)
	}
	switch {
	case cmdutil.IsBadInput(err), isUsageError(err):
		return cmdutil.ExitBadInput
	}
	return cmdutil.ExitError
}

// isUsageError recognises cobra's own argument and command errors, which it
// returns as plain errors.
func isUsageError(err error) bool {
	var ie *cmdutil.InputError
	if errors.As(err, &ie) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// indentRest indents every line after the first, so joined errors read as
// one message.
func indentRest(s string) string {
	return strings.ReplaceAll(s, "\n", "\n  ")
}
