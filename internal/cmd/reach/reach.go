// Package reach is the `vpcdoctor reach` command: can X reach Y on a port,
// and why (not)? With --flows: does a configuration carry every flow that
// flow logs show?
package reach

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	engine "github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Options are the command's flags and arguments.
type Options struct {
	IO       *cmdutil.IOStreams
	Paths    []string
	From, To string
	Protocol string
	Port     int
	Format   string

	// Flows are the paths of VPC flow logs whose edges are checked
	// against the snapshot (read as `scan --flows` reads them).
	Flows []string
	// FlowsSnapshot is the snapshot the flow logs were recorded under,
	// which names their addresses; default: the snapshot checked.
	FlowsSnapshot []string
	// Only shows only the edges with this verdict: blocked, allowed or
	// not-checked ("" for all).
	Only string
	// FailOnBlocked exits 1 when an ACCEPT edge is blocked.
	FailOnBlocked bool
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "reach PATH... (--from X --to Y --port N | --flows LOGS)",
		Short: "Can X reach Y on a port, and why (not)? Does a configuration carry the observed flows?",
		Long: `Reach answers whether a connection from X to Y on a protocol and port gets
through, the way AWS decides it: security groups, network ACLs (both ways),
routes, public addresses and internet gateways. When it does, it prints the
path and the rule that passed at each hop; when it does not, the first hop
that drops it and why.

X and Y are resource IDs (instance IDs, DB instance identifiers, function
names, load balancer names, ...), ENI IDs, IP addresses, or "internet". An
internet IP address as X asks about that one source.

With --flows and no --from/--to, reach reads VPC flow logs (as scan --flows
does: files, or folders walked for *.log, *.gz, *.txt) and asks the same
question for every flow they show (client, server, protocol, service port):
would this snapshot let it through? Use it to check a new configuration (a
plan's target, a hand-edited snapshot) before applying it: every flow you
observed should still be ALLOWED. --flows-snapshot names the snapshot the
logs were recorded under, when the addresses changed since; resources are
then found by ID, or by Name when their ID changed (a replaced instance).
A resource with several interfaces (a load balancer's nodes) is ALLOWED only
if every pair of interfaces that can talk is. Flows to the internet, to AWS
services, or to or from addresses no snapshot interface holds are NOT
CHECKED, with the reason. REJECT flows are checked too: ALLOWED then means
the configuration would let them through.

With --from, --to and --flows, the answer is followed by the traffic the
logs show from X to Y.

Exit status: 0 when answered (reachable or not), 1 with --fail-on-blocked
when a flow the logs ACCEPTed is blocked, 2 on bad input.`,
		Example: `  # Can the internet reach the database on 3306?
  vpcdoctor reach examples/startup-all-public --from internet --to oyatsu-aurora-instance-1 --port 3306

  # Can the web server reach Redis?
  vpcdoctor reach examples/startup-all-public --from i-0a1b2c3d4e5f60301 --to oyatsu-redis-001 --port 6379

  # One source address, as JSON
  vpcdoctor reach snapshots/prod --from 198.51.100.7 --to i-0abc --port 22 --format json

  # Does the configuration carry every flow the bundled example's logs show (from a clone)?
  vpcdoctor reach examples/startup-all-public --flows internal/flows/testdata/startup-all-public-flowlogs

  # Would the rebuilt network still carry them? Fail if an accepted flow would be blocked
  vpcdoctor reach examples/startup-rebuilt --flows internal/flows/testdata/startup-all-public-flowlogs \
      --flows-snapshot examples/startup-all-public --only blocked --fail-on-blocked

  # The answer, and the traffic the logs show between the two
  vpcdoctor reach examples/startup-all-public --from web-1 --to oyatsu-aurora-instance-1 --port 3306 \
      --flows internal/flows/testdata/startup-all-public-flowlogs`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "source: resource ID, ENI ID, IP address or internet (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "destination: resource ID, ENI ID or IP address (required)")
	cmd.Flags().StringVar(&opts.Protocol, "protocol", "tcp", "protocol: tcp, udp, icmp, icmpv6 or a number")
	cmd.Flags().IntVar(&opts.Port, "port", -1, "destination port (required for tcp and udp)")
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	cmd.Flags().StringArrayVar(&opts.Flows, "flows", nil, "read VPC flow logs from `PATH` (a file, or a folder walked for *.log, *.gz, *.txt; repeat for several) and check their flows")
	cmd.Flags().StringArrayVar(&opts.FlowsSnapshot, "flows-snapshot", nil, "the snapshot the flow logs were recorded under (`PATH`), which names their addresses; default: the one checked")
	cmd.Flags().StringVar(&opts.Only, "only", "", "--flows: show only the flows that are `blocked`, allowed or not-checked")
	cmd.Flags().BoolVar(&opts.FailOnBlocked, "fail-on-blocked", false, "--flows: exit 1 when a flow the logs ACCEPTed is blocked")
	return cmd
}

// answer is the JSON document.
type answer struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Protocol  string   `json:"protocol"`
	Port      int      `json:"port"`
	Reachable bool     `json:"reachable"`
	Path      []hop    `json:"path"`
	BlockedBy *hop     `json:"blocked_by,omitempty"`
	Notes     []string `json:"notes"`
	// Observed is, with --flows, the traffic the logs show from X to Y.
	Observed *[]flows.Edge `json:"observed,omitempty"`
}

type hop struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Detail string `json:"detail"`
}

// Run executes the command.
func Run(opts *Options) error {
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.BadInput(fmt.Errorf("unknown format %q: want one of text, json", opts.Format))
	}
	if opts.From == "" && opts.To == "" && len(opts.Flows) > 0 {
		return runFlows(opts)
	}
	switch {
	case opts.From == "" || opts.To == "":
		return cmdutil.BadInput(fmt.Errorf("--from and --to are required (or --flows alone, to check the flows of flow logs)"))
	case opts.Only != "" || opts.FailOnBlocked:
		return cmdutil.BadInput(fmt.Errorf("--only and --fail-on-blocked apply to --flows without --from and --to"))
	case len(opts.FlowsSnapshot) > 0 && len(opts.Flows) == 0:
		return cmdutil.BadInput(fmt.Errorf("--flows-snapshot names the addresses of --flows: give --flows too"))
	}
	proto, err := model.ParseProtocol(opts.Protocol)
	if err != nil || proto == model.ProtocolAll {
		return cmdutil.BadInput(fmt.Errorf("--protocol %q: want tcp, udp, icmp, icmpv6 or a protocol number", opts.Protocol))
	}
	if proto.HasPorts() && (opts.Port < 0 || opts.Port > 65535) {
		return cmdutil.BadInput(fmt.Errorf("--port: want a port 0-65535 for %s", proto))
	}
	inv, err := snapshot.Load(opts.Paths...)
	if err != nil {
		return cmdutil.BadInput(err)
	}
	from, err := resolve(inv, opts.From, true)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--from: %w", err))
	}
	to, err := resolve(inv, opts.To, false)
	if err != nil {
		return cmdutil.BadInput(fmt.Errorf("--to: %w", err))
	}
	a, err := answerOf(from, to, proto, opts.Port)
	if err != nil {
		return err
	}
	if len(opts.Flows) > 0 {
		edges, err := observedEdges(opts, inv)
		if err != nil {
			return err
		}
		obs := between(inv, edges, from, to)
		a.Observed = &obs
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	var b strings.Builder
	verdict := "NOT REACHABLE"
	if a.Reachable {
		verdict = "REACHABLE"
	}
	fmt.Fprintf(&b, "%s: %s -> %s on %s/%d\n", verdict, a.From, a.To, a.Protocol, a.Port)
	for _, h := range a.Path {
		fmt.Fprintf(&b, "  passes  %s %s: %s\n", h.Kind, h.ID, h.Detail)
	}
	if a.BlockedBy != nil {
		fmt.Fprintf(&b, "  DROPPED %s %s: %s\n", a.BlockedBy.Kind, a.BlockedBy.ID, a.BlockedBy.Detail)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if a.Observed != nil {
		writeObserved(&b, *a.Observed)
	}
	_, err = fmt.Fprint(opts.IO.Out, b.String())
	return err
}

// answerOf asks the engine about every pair of the two sides' interfaces:
// reachable if any pair is; else the first pair's reason.
func answerOf(from, to []engine.Endpoint, proto model.Protocol, port int) (answer, error) {
	var best engine.Verdict
	var bestFrom, bestTo engine.Endpoint
	found := false
	for _, f := range from {
		for _, t := range to {
			v, err := engine.Between(f, t, proto, uint16(max(port, 0)))
			if err != nil {
				return answer{}, cmdutil.BadInput(err)
			}
			if !found || v.Reachable && !best.Reachable {
				best, bestFrom, bestTo, found = v, f, t, true
			}
		}
	}
	a := answer{From: bestFrom.Label(), To: bestTo.Label(), Protocol: proto.String(), Port: port, Reachable: best.Reachable, Path: hops(best.Path), Notes: best.Notes}
	for _, p := range []engine.Endpoint{bestFrom, bestTo} {
		if p.ENI != nil && strings.HasPrefix(p.ENI.ID, "assumed:") {
			a.Notes = append(a.Notes, "the network interfaces of "+p.ENI.Owner.ID+" are not in the data: one is assumed in each of its subnets, with its security groups")
		}
	}
	if a.Notes == nil {
		a.Notes = []string{}
	}
	if best.BlockedBy != nil {
		a.BlockedBy = &hop{best.BlockedBy.Kind, best.BlockedBy.ID, best.BlockedBy.Detail}
	}
	return a, nil
}

func hops(path []engine.Hop) []hop {
	out := []hop{}
	for _, h := range path {
		out = append(out, hop{h.Kind, h.ID, h.Detail})
	}
	return out
}

// resolve finds the endpoints a name stands for.
func resolve(inv *model.Inventory, name string, source bool) ([]engine.Endpoint, error) {
	if strings.EqualFold(name, "internet") {
		if !source {
			return nil, fmt.Errorf("the internet as a destination is not answered yet")
		}
		return []engine.Endpoint{{Internet: true}}, nil
	}
	if a, err := netip.ParseAddr(name); err == nil {
		for _, reg := range inv.Regions() {
			for _, e := range reg.ENIs {
				for _, p := range e.Addresses {
					if p.Private == a || p.Public == a {
						return []engine.Endpoint{{ENI: e, Region: reg}}, nil
					}
				}
				for _, p := range e.IPv6 {
					if p == a {
						return []engine.Endpoint{{ENI: e, Region: reg}}, nil
					}
				}
			}
		}
		if source && !a.IsPrivate() && !a.IsLoopback() {
			return []engine.Endpoint{{Internet: true, Addr: a}}, nil
		}
		return nil, fmt.Errorf("no network interface has the address %s", name)
	}
	var out []engine.Endpoint
	for _, reg := range inv.Regions() {
		if e := reg.ENI(name); e != nil {
			return []engine.Endpoint{{ENI: e, Region: reg}}, nil
		}
		for _, r := range reg.Resources {
			if r.ID != name && r.Name != name && r.ARN != name {
				continue
			}
			for _, e := range r.ENIs {
				out = append(out, engine.Endpoint{ENI: e, Region: reg})
			}
			for _, e := range engine.AssumedInterfaces(reg, r) {
				out = append(out, engine.Endpoint{ENI: e, Region: reg})
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("%s %s has no network interface in the data", r.Kind.Noun(), name)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("no resource, network interface or address %q in the snapshot", name)
}
