package reach

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	flowscmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Verdicts of a flow, as --only and the JSON name them.
const (
	verdictAllowed    = "allowed"
	verdictBlocked    = "blocked"
	verdictNotChecked = "not-checked"
)

// flowsDoc is the JSON document of `reach --flows`.
type flowsDoc struct {
	Edges   []checkedEdge `json:"edges"`
	Summary flowsSummary  `json:"summary"`
}

// checkedEdge is an edge (its fields as `flows --format json` prints them)
// with its verdict.
type checkedEdge struct {
	flows.Edge
	Verdict   string   `json:"verdict"` // allowed, blocked or not-checked
	Allowed   bool     `json:"allowed"`
	Checked   bool     `json:"checked"`
	Reason    string   `json:"reason"`
	BlockedBy *hop     `json:"blocked_by,omitempty"`
	Path      []hop    `json:"path,omitempty"`
	Notes     []string `json:"notes,omitempty"`
}

// flowsSummary counts every edge, shown or not.
type flowsSummary struct {
	Edges      int `json:"edges"`
	Allowed    int `json:"allowed"`
	Blocked    int `json:"blocked"`
	NotChecked int `json:"not_checked"`
	// AcceptedBlocked are the blocked edges the logs show accepted: the
	// flows this configuration would break (--fail-on-blocked).
	AcceptedBlocked int `json:"accepted_blocked"`
	// RejectedAllowed are the allowed edges the logs show rejected.
	RejectedAllowed int `json:"rejected_allowed"`
	Shown           int `json:"shown"` // after --only
}

// runFlows checks every edge of the flow logs against the snapshot.
func runFlows(opts *Options) error {
	switch opts.Only {
	case "", verdictAllowed, verdictBlocked, verdictNotChecked:
	default:
		return cmdutil.BadInput(fmt.Errorf("--only %q: want blocked, allowed or not-checked", opts.Only))
	}
	if opts.Port != -1 {
		return cmdutil.BadInput(fmt.Errorf("--port applies to --from and --to; with --flows alone each flow has its own"))
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	edges, err := observedEdges(opts, inv)
	if err != nil {
		return err
	}
	doc := flowsDoc{Edges: []checkedEdge{}}
	for _, v := range flows.Verify(inv, edges) {
		c := checkedOf(v)
		doc.Summary.add(c)
		if opts.Only == "" || opts.Only == c.Verdict {
			doc.Edges = append(doc.Edges, c)
		}
	}
	doc.Summary.Shown = len(doc.Edges)
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(doc)
	} else {
		err = writeFlowsText(opts.IO.Out, doc, opts.Only)
	}
	if err != nil {
		return err
	}
	if n := doc.Summary.AcceptedBlocked; opts.FailOnBlocked && n > 0 {
		return cmdutil.Exit(cmdutil.ExitFindings, fmt.Sprintf("%d %s the flow logs show accepted would be blocked (--fail-on-blocked)", n, cmdutil.Plural(n, "flow")), false)
	}
	return nil
}

// observedEdges reads --flows as `scan --flows` does and turns the
// observations into edges, naming addresses with --flows-snapshot (else
// inv). Warnings (skipped files, lines that did not parse) go to stderr.
func observedEdges(opts *Options, inv *model.Inventory) ([]flows.Edge, error) {
	recorded := inv
	if len(opts.FlowsSnapshot) > 0 {
		var err error
		if recorded, err = snapshot.Load(opts.FlowsSnapshot...); err != nil {
			return nil, cmdutil.BadInput(fmt.Errorf("--flows-snapshot: %w", err))
		}
	}
	o, err := flowscmd.Observe(opts.Flows, recorded)
	if err != nil {
		return nil, err
	}
	for _, w := range o.Warnings {
		fmt.Fprintln(opts.IO.ErrOut, "warning: "+w)
	}
	return flows.Edges(o.Observations, flows.NewEndpoints(recorded, flows.EmbeddedIPRanges())), nil
}

func checkedOf(v flows.Verified) checkedEdge {
	c := checkedEdge{Edge: v.Edge, Allowed: v.Allowed, Checked: v.Checked, Reason: v.Reason, Notes: v.Notes}
	switch {
	case !v.Checked:
		c.Verdict = verdictNotChecked
	case v.Allowed:
		c.Verdict = verdictAllowed
		c.Path = hops(v.Path)
	default:
		c.Verdict = verdictBlocked
	}
	if v.BlockedBy != nil {
		c.BlockedBy = &hop{v.BlockedBy.Kind, v.BlockedBy.ID, v.BlockedBy.Detail}
	}
	return c
}

func (s *flowsSummary) add(c checkedEdge) {
	s.Edges++
	switch c.Verdict {
	case verdictAllowed:
		s.Allowed++
		if c.Action == "REJECT" {
			s.RejectedAllowed++
		}
	case verdictBlocked:
		s.Blocked++
		if c.Action == "ACCEPT" {
			s.AcceptedBlocked++
		}
	default:
		s.NotChecked++
	}
}

// writeFlowsText prints the table, the notes and the summary line.
func writeFlowsText(out io.Writer, doc flowsDoc, only string) error {
	w := bufio.NewWriter(out)
	if len(doc.Edges) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "VERDICT\tFLOW\tTRAFFIC\tACTION\tCONNECTIONS\tWHY")
		for _, c := range doc.Edges {
			fmt.Fprintf(tw, "%s\t%s -> %s\t%s\t%s\t%d", strings.ToUpper(strings.ReplaceAll(c.Verdict, "-", " ")),
				c.Src.Label(), c.Dst.Label(), traffic(c.Edge), c.Action, c.Connections)
			if c.Reason != "" {
				fmt.Fprintf(tw, "\t%s", c.Reason)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		var notes []string
		for _, c := range doc.Edges {
			notes = append(notes, c.Notes...)
		}
		slices.Sort(notes)
		for _, n := range slices.Compact(notes) {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		fmt.Fprintln(w)
	} else if only != "" {
		fmt.Fprintf(w, "No %s flows.\n\n", strings.ReplaceAll(only, "-", " "))
	}
	s := doc.Summary
	fmt.Fprintf(w, "%d %s: %d allowed, %d blocked (%d of them accepted in the logs), %d not checked",
		s.Edges, cmdutil.Plural(s.Edges, "flow"), s.Allowed, s.Blocked, s.AcceptedBlocked, s.NotChecked)
	if only != "" {
		fmt.Fprintf(w, "; %d shown (--only %s)", s.Shown, only)
	}
	fmt.Fprintln(w, ".")
	return w.Flush()
}

// traffic is "tcp/443", or the protocol alone without ports.
func traffic(e flows.Edge) string {
	if e.Port == 0 {
		return e.Protocol
	}
	return e.Protocol + "/" + strconv.Itoa(int(e.Port))
}
