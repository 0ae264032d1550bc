// Package version is the `vpcdoctor version` command.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/vpcdoctor/vpcdoctor/internal/cmd/version.Version=v1.2.3".
var Version = "dev"

// Short is the bare version: the release tag set at build time, the module
// version go install recorded, or "dev".
func Short() string {
	if Version == "dev" {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return Version
}

// String is the one-line version text: version, commit when known, Go
// version and platform.
func String() string {
	v := Short()
	commit := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				commit = " commit " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("vpcdoctor %s%s (%s %s/%s)", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// NewCmd builds the command.
func NewCmd(io *cmdutil.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print vpcdoctor's version",
		Args:    cobra.NoArgs,
		Example: "  vpcdoctor version",
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(io.Out, String())
			return err
		},
	}
}
