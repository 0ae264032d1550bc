package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// CheckStatus is a check plugin's result, by the Nagios convention Mackerel
// follows: the plugin exits with it and prints one line.
type CheckStatus int

// Check statuses, with the exit codes Mackerel reads.
const (
	CheckOK       CheckStatus = 0
	CheckWarning  CheckStatus = 1
	CheckCritical CheckStatus = 2
	CheckUnknown  CheckStatus = 3
)

func (s CheckStatus) String() string {
	switch s {
	case CheckOK:
		return "OK"
	case CheckWarning:
		return "WARNING"
	case CheckCritical:
		return "CRITICAL"
	}
	return "UNKNOWN"
}

// MackerelThresholds are the lowest severities that make the check WARNING
// and CRITICAL, as severity names (info, low, medium, high, critical). An
// empty name means the default: WARNING at medium, CRITICAL at high. The
// shape is the configuration file's `mackerel:` block.
type MackerelThresholds struct {
	Warning  string
	Critical string
}

// Default thresholds.
const (
	DefaultMackerelWarning  = "medium"
	DefaultMackerelCritical = "high"
)

// mackerelLineLimit bounds the line: it stays readable in an alert and in
// the agent's logs whatever the findings' resource IDs are.
const mackerelLineLimit = 1024

// mackerelExamples is how many findings the line names.
const mackerelExamples = 3

// Validate reports whether the thresholds name severities and WARNING is
// not above CRITICAL (equal means WARNING never shows).
func (t MackerelThresholds) Validate() error {
	_, _, err := t.ranks()
	return err
}

func (t MackerelThresholds) ranks() (warn, crit int, err error) {
	w, c := t.Warning, t.Critical
	if w == "" {
		w = DefaultMackerelWarning
	}
	if c == "" {
		c = DefaultMackerelCritical
	}
	warn, crit = severityRank(strings.ToLower(w)), severityRank(strings.ToLower(c))
	var errs []error
	if warn == 0 {
		errs = append(errs, fmt.Errorf("mackerel warning threshold %q is not a severity: want info, low, medium, high or critical", w))
	}
	if crit == 0 {
		errs = append(errs, fmt.Errorf("mackerel critical threshold %q is not a severity: want info, low, medium, high or critical", c))
	}
	if warn != 0 && crit != 0 && warn > crit {
		errs = append(errs, fmt.Errorf("mackerel warning threshold %s is above the critical threshold %s", w, c))
	}
	return warn, crit, errors.Join(errs...)
}

// MackerelStatus decides the check's status and line. The status is
// CRITICAL when an unsuppressed finding is at or above the critical
// threshold, else WARNING when one is at or above the warning threshold,
// else OK; invalid thresholds give UNKNOWN and the error. The line has no
// newline, for example:
//
//	VPCDOCTOR CRITICAL: 3 critical, 4 high findings in 1 account, 1 region; internet-exposed on i-0123 (111122223333 ap-northeast-1), … (+5 more at medium or above)
//
// Counts come from the report's summary, so suppressed findings never
// count; an incomplete coverage is said in the line but does not change
// the status.
func MackerelStatus(rep *report.Report, t MackerelThresholds) (CheckStatus, string, error) {
	warn, crit, err := t.ranks()
	if err != nil {
		return CheckUnknown, mackerelUnknownLine(err), err
	}
	s := rep.Summary
	bySeverity := []struct {
		name string
		n    int
	}{{"critical", s.Critical}, {"high", s.High}, {"medium", s.Medium}, {"low", s.Low}, {"info", s.Info}}
	status := CheckOK
	var parts []string
	total := 0
	for _, c := range bySeverity {
		if c.n == 0 {
			continue
		}
		total += c.n
		parts = append(parts, fmt.Sprintf("%d %s", c.n, c.name))
		switch r := severityRank(c.name); {
		case r >= crit:
			status = CheckCritical
		case r >= warn && status < CheckWarning:
			status = CheckWarning
		}
	}
	var b strings.Builder
	b.WriteString("VPCDOCTOR " + status.String() + ": ")
	if total == 0 {
		b.WriteString("no findings")
	} else {
		b.WriteString(strings.Join(parts, ", ") + plural(total, " finding", " findings"))
	}
	fmt.Fprintf(&b, " in %s, %s", count(len(rep.Scanned.Accounts), "account"), count(len(rep.Scanned.Regions), "region"))
	var notes []string
	if !s.Complete {
		notes = append(notes, "data incomplete, some checks did not run")
	}
	if s.Suppressed > 0 {
		notes = append(notes, fmt.Sprintf("%d suppressed", s.Suppressed))
	}
	if n := len(rep.Warnings); n > 0 {
		notes = append(notes, fmt.Sprintf("%d %s: run vpcdoctor scan to see %s", n, plural(n, "warning", "warnings"), plural(n, "it", "them")))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	if status != CheckOK {
		b.WriteString("; " + mackerelExamplesOf(rep, warn))
	}
	return status, mackerelLine(b.String()), nil
}

// mackerelLine makes s a check plugin's line: one line, no | (Nagios reads
// what follows one as performance data; a | in a name becomes /), at most
// mackerelLineLimit characters.
func mackerelLine(s string) string {
	s = strings.NewReplacer("|", "/", "\r\n", " ", "\r", " ", "\n", " ").Replace(s)
	return clip(s, mackerelLineLimit)
}

// mackerelExamplesOf names the first few unsuppressed findings at or above
// the warning threshold, highest severity first.
func mackerelExamplesOf(rep *report.Report, warn int) string {
	multi := len(rep.Scanned.Regions) > 1
	var names []string
	n := 0
	for _, sev := range severityOrder {
		if severityRank(sev) < warn {
			break
		}
		for _, f := range rep.Findings {
			if f.Suppressed || f.Severity != sev {
				continue
			}
			n++
			if len(names) == mackerelExamples {
				continue
			}
			name := f.Rule
			if len(f.Resources) > 0 {
				name += " on " + f.Resources[0]
			}
			if multi {
				name += " (" + f.Account + " " + f.Region + ")"
			}
			names = append(names, name)
		}
	}
	s := strings.Join(names, ", ")
	if n > len(names) {
		s += fmt.Sprintf(" (+%d more at %s or above)", n-len(names), severityOrder[len(severityOrder)-warn])
	}
	return s
}

// MackerelCheck writes the check's line and a newline, and returns the
// status the command exits with.
func MackerelCheck(w io.Writer, rep *report.Report, t MackerelThresholds) (CheckStatus, error) {
	status, line, err := MackerelStatus(rep, t)
	if _, werr := io.WriteString(w, line+"\n"); werr != nil && err == nil {
		err = werr
	}
	return status, err
}

// MackerelUnknown writes the line of a check that could not run (a snapshot
// that does not load, a bad flag), so that Mackerel shows why; the command
// then exits with CheckUnknown.
func MackerelUnknown(w io.Writer, err error) error {
	_, werr := io.WriteString(w, mackerelUnknownLine(err)+"\n")
	return werr
}

func mackerelUnknownLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	return mackerelLine("VPCDOCTOR UNKNOWN: " + msg)
}
