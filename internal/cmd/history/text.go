package history

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/history"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// writeText prints the view for people: the scans, the changes, the drift.
func writeText(w io.Writer, v *view) error {
	var b strings.Builder
	accounts := len(v.Drift)
	fmt.Fprintf(&b, "vpcdoctor history: %d %s of %d %s\n", len(v.Scans), cmdutil.Plural(len(v.Scans), "scan"), accounts, cmdutil.Plural(accounts, "account"))
	if len(v.Scans) == 0 {
		b.WriteString("\nNo scan stored yet: vpcdoctor scan SNAPSHOT --history FILE adds one.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\nSCANS\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tTIME\tACCOUNT\tCRITICAL\tHIGH\tMEDIUM\tLOW\tINFO\tSUPPRESSED\tEXPOSURES\t")
	for _, s := range v.Scans {
		c := s.Findings
		note := ""
		if !s.Complete {
			note = "incomplete data"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", s.ID, stamp(s.Time), account(s.Account, s.AccountName),
			c.Critical, c.High, c.Medium, c.Low, c.Info, c.Suppressed, s.Exposures, note)
	}
	tw.Flush()

	compared := map[string]bool{}
	for _, c := range v.Comparisons {
		compared[c.Account] = true
		writeComparison(&b, c)
	}
	for _, d := range v.Drift {
		if !compared[d.Account] && len(d.Points) < 2 {
			fmt.Fprintf(&b, "\nCHANGES %s: only one scan, nothing to compare yet\n", account(d.Account, v.names[d.Account]))
		}
	}
	for _, d := range v.Drift {
		writeDrift(&b, d, v.names[d.Account])
	}
	_, err := io.WriteString(w, trimLines(b.String()))
	return err
}

// trimLines drops the spaces tabwriter leaves at the end of lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// writeComparison prints what changed between two scans.
func writeComparison(b *strings.Builder, c history.Comparison) {
	fmt.Fprintf(b, "\nCHANGES %s: scan %d (%s) → scan %d (%s)\n", account(c.Account, c.From.AccountName),
		c.From.ID, stamp(c.From.Time), c.To.ID, stamp(c.To.Time))
	if len(c.Appeared)+len(c.Reopened)+len(c.Disappeared)+len(c.Changed)+len(c.ExposuresOpened)+len(c.ExposuresClosed) == 0 {
		b.WriteString("  no change: the same findings and the same internet exposure\n")
		return
	}
	section := func(title string, n int) bool {
		fmt.Fprintf(b, "  %s (%d)\n", title, n)
		return n > 0
	}
	if section("APPEARED", len(c.Appeared)) {
		writeFindings(b, c.Appeared, nil)
	}
	if section("RE-OPENED", len(c.Reopened)) {
		fs := make([]history.Finding, len(c.Reopened))
		notes := make([]string, len(c.Reopened))
		for i, r := range c.Reopened {
			fs[i] = r.Finding
			notes[i] = fmt.Sprintf("(last seen in scan %d, resolved in scan %d)", r.LastSeen, r.ResolvedIn)
		}
		writeFindings(b, fs, notes)
	}
	if section("DISAPPEARED", len(c.Disappeared)) {
		writeFindings(b, c.Disappeared, nil)
	}
	// A change of grade or suppression is listed only when there is one.
	if len(c.Changed) > 0 {
		section("CHANGED", len(c.Changed))
		fs := make([]history.Finding, len(c.Changed))
		notes := make([]string, len(c.Changed))
		for i, ch := range c.Changed {
			fs[i] = ch.Finding
			notes[i] = "(was " + strings.ToLower(ch.WasSeverity)
			if ch.WasSuppressed != ch.Suppressed {
				notes[i] += map[bool]string{true: ", suppressed", false: ", not suppressed"}[ch.WasSuppressed]
			}
			notes[i] += ")"
		}
		writeFindings(b, fs, notes)
	}
	if section("EXPOSURES OPENED", len(c.ExposuresOpened)) {
		writeExposures(b, c.ExposuresOpened)
	}
	if section("EXPOSURES CLOSED", len(c.ExposuresClosed)) {
		writeExposures(b, c.ExposuresClosed)
	}
}

// writeFindings prints one finding a line (severity, rule, region, main
// resource) with its message on the next.
func writeFindings(b *strings.Builder, fs []history.Finding, notes []string) {
	for i, f := range fs {
		sev := strings.ToUpper(f.Severity)
		if f.Suppressed {
			sev += " (suppressed)"
		}
		main := "-"
		if len(f.Resources) > 0 {
			main = f.Resources[0]
		}
		fmt.Fprintf(b, "    %-8s  %s  %s  %s\n", sev, f.Rule, f.Region, main)
		msg := f.Message
		if notes != nil {
			msg += " " + notes[i]
		}
		fmt.Fprintf(b, "              %s\n", msg)
	}
}

func writeExposures(b *strings.Builder, xs []report.Exposure) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, x := range xs {
		res := x.Resource
		switch {
		case res == "":
			res = x.ENI
		case x.ENI != "":
			res += " " + x.ENI
		}
		via := x.Via
		if x.LoadBalancer != "" {
			via += " " + x.LoadBalancer
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\tfrom %s\t%s\n", x.Region, res, x.ResourceType, x.Traffic(), render.ExposureSources(x), via)
	}
	tw.Flush()
}

// writeDrift prints one account's exposure per scan and its trend.
func writeDrift(b *strings.Builder, d history.Drift, name string) {
	fmt.Fprintf(b, "\nEXPOSURE DRIFT %s\n", account(d.Account, name))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SCAN\tTIME\tEXPOSURES\tWHOLE INTERNET\tRESOURCES\tTRAFFIC")
	counts := make([]int, len(d.Points))
	for i, p := range d.Points {
		counts[i] = p.Exposures
		traffic := strings.Join(p.Traffic, " ")
		if traffic == "" {
			traffic = "-"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%d\t%d\t%d\t%s\n", p.Scan, stamp(p.Time), p.Exposures, p.WholeInternet, p.Resources, traffic)
	}
	tw.Flush()
	fmt.Fprintf(b, "  trend (exposures per scan, oldest first): %s\n", sparkline(counts))
}

// sparkline draws counts as bars from ▁ (the smallest) to █ (the largest).
func sparkline(counts []int) string {
	bars := []rune("▁▂▃▄▅▆▇█")
	lo, hi := 0, 0
	for i, c := range counts {
		if i == 0 || c < lo {
			lo = c
		}
		if i == 0 || c > hi {
			hi = c
		}
	}
	var s strings.Builder
	for _, c := range counts {
		i := 0
		if hi > lo {
			i = (c - lo) * (len(bars) - 1) / (hi - lo)
		}
		s.WriteRune(bars[i])
	}
	return fmt.Sprintf("%s  (%d to %d)", s.String(), lo, hi)
}

// account names an account as the scan output does: the ID, with the
// snapshot folder's name when it differs.
func account(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return id + " (" + name + ")"
}

// stamp is a scan's time for people, in UTC.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
