package flows

import (
	"context"
	"fmt"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Observed is what Observe read.
type Observed struct {
	Observations []flows.Observation
	Stats        flowlog.Stats
	// Warnings name the files skipped (not flow logs by their names) and
	// the lines that did not parse, with the first few positions.
	Warnings []string
}

// Observe reads the flow logs at paths (files, or folders walked for
// *.log, *.gz, *.txt) into observations (docs/flows.md, stage 1), with
// inv's listening ports deciding the server side: what `scan --flows` and
// `reach --flows` read. Lines that do not parse do not stop it: they come
// back as a warning. A path that does not exist, holds no flow-log file,
// or a file that cannot be read is an input error naming --flows.
func Observe(paths []string, inv *model.Inventory) (Observed, error) {
	sources, skipped, err := flowlog.Walk(paths...)
	if err != nil {
		return Observed{}, cmdutil.BadInput(fmt.Errorf("--flows: %w", err))
	}
	if len(sources) == 0 {
		return Observed{}, cmdutil.BadInput(fmt.Errorf("--flows %s: no flow-log files (*.log, *.gz, *.txt) there", strings.Join(paths, " ")))
	}
	obs, stats, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		return Observed{}, cmdutil.BadInput(fmt.Errorf("--flows: %w", err))
	}
	var warnings []string
	if len(skipped) > 0 {
		shown := skipped[:min(len(skipped), 3)]
		w := fmt.Sprintf("flow logs: %d %s in the folders read %s not flow logs and %s skipped (%s", len(skipped), cmdutil.Plural(len(skipped), "file"), plural2(len(skipped), "is", "are"), plural2(len(skipped), "was", "were"), strings.Join(shown, ", "))
		if len(skipped) > len(shown) {
			w += fmt.Sprintf(", and %d more", len(skipped)-len(shown))
		}
		warnings = append(warnings, w+")")
	}
	if stats.BadLines > 0 {
		w := fmt.Sprintf("flow logs: %d %s did not parse and %s not counted", stats.BadLines, cmdutil.Plural(int(stats.BadLines), "line"), plural2(int(stats.BadLines), "was", "were"))
		for _, b := range stats.Bad {
			w += fmt.Sprintf("; %s:%d: %s", b.File, b.Line, b.Reason)
		}
		warnings = append(warnings, w)
	}
	return Observed{obs, stats, warnings}, nil
}

func plural2(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
