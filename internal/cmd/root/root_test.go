package root

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// TestEveryCommandHasHelpWithExamples walks the whole command tree: a
// command added without a Long description or an Example fails here.
func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	io, _, _ := cmdutil.Test()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s has no Short description", c.CommandPath())
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		} else if !strings.Contains(c.Example, "vpcdoctor ") {
			t.Errorf("%s: its examples do not show a vpcdoctor command line", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	cmd := NewCmd(io)
	walk(cmd)
	names := map[string]bool{}
	for _, c := range cmd.Commands() {
		names[c.Name()] = true
	}
	for _, want := range []string{"scan", "reach", "exposure", "flows", "rules", "explain", "version"} {
		if !names[want] {
			t.Errorf("no %q command", want)
		}
	}
}
