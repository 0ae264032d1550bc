// Package render writes a report in one of vpcdoctor's output formats.
// Renderers only format: they compute nothing the report does not hold.
// Formats are chosen in one place, Write.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Format names an output format.
type Format string

// Formats.
const (
	FormatText            Format = "text"
	FormatJSON            Format = "json"
	FormatSARIF           Format = "sarif"
	FormatMarkdown        Format = "markdown"
	FormatMackerelCheck   Format = "mackerel-check"
	FormatMackerelMetrics Format = "mackerel-metrics"
)

// Formats lists every format, for help and validation.
var Formats = []Format{FormatText, FormatJSON, FormatSARIF, FormatMarkdown, FormatMackerelCheck, FormatMackerelMetrics}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(names, ", "))
}

// Options tune the formats; each format reads only the fields it names.
// The zero value suits text, JSON, SARIF and Markdown; mackerel-metrics
// needs Now.
type Options struct {
	Color bool // text: ANSI colour (only on a terminal, never with NO_COLOR)
	Width int  // text: wrap at this many columns; 0 means 100

	// Now stamps mackerel-metrics values. Renderers never read the clock,
	// so the same report and Now give the same bytes.
	Now time.Time
	// Version is vpcdoctor's version, written to SARIF's
	// tool.driver.version; empty leaves the property out.
	Version string
	// Mackerel holds mackerel-check's thresholds; empty names mean the
	// defaults (WARNING at medium, CRITICAL at high).
	Mackerel MackerelThresholds
	// MackerelMeta makes mackerel-metrics print its graph definitions
	// instead of values, which mackerel-agent asks for by running the
	// plugin with MACKEREL_AGENT_PLUGIN_META=1 (the command reads the
	// variable; renderers read no environment).
	MackerelMeta bool
	// ReportURL, when set, is where Markdown points readers for the full
	// report (for example the CI run that keeps it as an artifact).
	ReportURL string
	// Lang is the language text and Markdown write the findings in (their
	// titles, messages and fixes; Localize); empty means English. JSON,
	// SARIF and the Mackerel formats are always English.
	Lang i18n.Lang
	// OmitSuppressed leaves suppressed findings out of SARIF. GitHub code
	// scanning does not list `suppressions` among the SARIF properties it
	// reads, so an uploaded suppressed result can show as an open alert;
	// leaving it out closes the alert instead.
	OmitSuppressed bool
}

// Write renders rep in format f.
//
// For mackerel-check, Write prints the check's line but cannot return its
// status: a command that is a Mackerel check plugin calls MackerelCheck,
// which returns the status to exit with.
func Write(w io.Writer, f Format, rep *report.Report, opt Options) error {
	switch f {
	case FormatJSON:
		return JSON(w, rep)
	case FormatText:
		return Text(w, rep, opt)
	case FormatSARIF:
		return SARIF(w, rep, opt)
	case FormatMarkdown:
		return Markdown(w, rep, opt)
	case FormatMackerelCheck:
		_, err := MackerelCheck(w, rep, opt.Mackerel)
		return err
	case FormatMackerelMetrics:
		return MackerelMetrics(w, rep, opt)
	}
	return fmt.Errorf("render: unknown format %q", f)
}

// severityRank orders severity names: info 1 up to critical 5, and 0 for a
// name that is not a severity.
func severityRank(s string) int {
	for i, n := range severityOrder {
		if n == s {
			return len(severityOrder) - i
		}
	}
	return 0
}

// ExposureSources says who an exposure admits, in a few words: "the
// internet", or its first CIDRs and how many there are.
func ExposureSources(x report.Exposure) string {
	switch {
	case x.WholeInternet:
		return "the internet"
	case len(x.Sources) > 3:
		return fmt.Sprintf("%s … (%d CIDRs)", strings.Join(x.Sources[:3], " "), len(x.Sources))
	}
	return strings.Join(x.Sources, " ")
}

// missingGroup is one line of a coverage section: a call missing for the
// same reason, with the resources a per-resource call lacks.
type missingGroup struct {
	report.MissingCall
	Resources []string
}

// groupMissing folds consecutive missing calls with the same call and
// reason into one group.
func groupMissing(missing []report.MissingCall) []missingGroup {
	var out []missingGroup
	for i := 0; i < len(missing); {
		g := missingGroup{MissingCall: missing[i]}
		j := i
		for j < len(missing) && missing[j].Call == g.Call && missing[j].Reason == g.Reason {
			if missing[j].Resource != "" {
				g.Resources = append(g.Resources, missing[j].Resource)
			}
			j++
		}
		out = append(out, g)
		i = j
	}
	return out
}

// skippedFor splits a region's skipped checks: the rule IDs of those that
// lacked calls (a gap in the data), and those of the ones whose input was
// not given (flow logs), grouped by reason in their order.
func skippedFor(c report.Coverage) (lacking []string, notGiven []reasonRules) {
	for _, s := range c.SkippedChecks {
		if len(s.MissingCalls) > 0 || s.Reason == "" {
			lacking = append(lacking, s.Rule)
			continue
		}
		if n := len(notGiven); n > 0 && notGiven[n-1].Reason == s.Reason {
			notGiven[n-1].Rules = append(notGiven[n-1].Rules, s.Rule)
			continue
		}
		notGiven = append(notGiven, reasonRules{Reason: s.Reason, Rules: []string{s.Rule}})
	}
	return lacking, notGiven
}

// reasonRules are checks skipped for one reason.
type reasonRules struct {
	Reason string
	Rules  []string
}
