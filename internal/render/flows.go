package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// FlowsJSON writes the flows report as one indented JSON document.
func FlowsJSON(w io.Writer, rep *report.FlowsReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

// FlowsText writes the edges as a table, largest first (at most top rows;
// 0 means all), then what was read.
func FlowsText(w io.Writer, rep *report.FlowsReport, top int, opt Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: opt.Color, width: opt.Width}
	if t.width <= 0 {
		t.width = 100
	}
	st := rep.Stats
	t.printf("%s %s in %s", t.style("vpcdoctor flows:", ansiBold), count(int(st.Records), "record"), count(int(st.Files), "file"))
	if !st.Period.IsZero() {
		t.printf(", %s to %s (%s)", st.Period.First.Format(time.DateTime), st.Period.Last.Format(time.DateTime), roundDuration(st.Period.Duration()))
	}
	t.printf("\n\n")
	if len(rep.Flows) == 0 {
		t.printf("No flows.\n\n")
	} else {
		shown := rep.Flows
		if top > 0 && len(shown) > top {
			shown = shown[:top]
		}
		tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SOURCE\tDESTINATION\tPORT\tACTION\tBYTES\tPACKETS\tCONNECTIONS\tDECIDED BY")
		for _, e := range shown {
			port := e.Protocol
			if e.Port != 0 {
				port += "/" + fmt.Sprint(e.Port)
			}
			bases := make([]string, len(e.Direction))
			for i, b := range e.Direction {
				bases[i] = string(b)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", e.Src.Label(), e.Dst.Label(), port, e.Action,
				humanBytes(e.Bytes), e.Packets, e.Connections, strings.Join(bases, ","))
		}
		tw.Flush()
		if len(shown) < len(rep.Flows) {
			t.printf("… and %d more flows (--top 0 shows all, --format json gives every field)\n", len(rep.Flows)-len(shown))
		}
		t.printf("\n")
	}
	if st.BadLines > 0 {
		t.printf("%s\n", t.style(fmt.Sprintf("Lines that did not parse (%d)", st.BadLines), ansiBold))
		for _, b := range st.Bad {
			t.para("      ", "    - ", fmt.Sprintf("%s:%d: %s: %q", b.File, b.Line, b.Reason, b.Text))
		}
		if int64(len(st.Bad)) < st.BadLines {
			t.printf("    … and %d more\n", st.BadLines-int64(len(st.Bad)))
		}
		t.printf("\n")
	}
	for _, n := range st.Notes {
		t.para("  ", "", n)
	}
	t.printf("%s, %s, %d NODATA and %d SKIPDATA records, %s that did not parse; AWS IP ranges of %s\n",
		count(len(rep.Flows), "flow"), count(st.Observations, "observation"), st.NoData, st.SkipData, count(int(st.BadLines), "line"), st.IPRanges)
	return t.w.Flush()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	}
	return d.Round(time.Second).String()
}
