package scan

import (
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/history"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// openHistory opens --history FILE before the scan, so that a file that is
// not a history this vpcdoctor can write (not SQLite, damaged, newer,
// locked) costs no scan; nil when the flag is absent. Its errors are
// input errors (exit 2).
func openHistory(opts *Options) (*history.DB, error) {
	if opts.History == "" {
		return nil, nil
	}
	h, err := history.Open(opts.History, history.Options{})
	if err != nil {
		return nil, cmdutil.BadInput(err)
	}
	return h, nil
}

// recordHistory stores the report in the history, stamped with the
// command's clock. It runs before the report is printed: when it fails
// the command prints nothing and exits 2, so that no run looks recorded
// that is not.
func recordHistory(h *history.DB, opts *Options, rep *report.Report) error {
	if h == nil {
		return nil
	}
	if _, err := h.Record(rep, opts.IO.Time()); err != nil {
		return cmdutil.BadInput(err)
	}
	return nil
}
