package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// exposureSummary says what the internet reaches, a resource at a time:
// "oyatsu-web-alb on tcp/80, tcp/443, and its 2 targets on tcp/80 through
// it". A load balancer's targets are counted, not listed (a fleet behind
// one load balancer would fill the terminal); a lone target is named.
func exposureSummary(xs []Exposure) string {
	direct := map[string][]string{}      // resource → "tcp/443"
	targets := map[string][]string{}     // load balancer → target IDs
	targetPorts := map[string][]string{} // load balancer → "tcp/80"
	for _, x := range xs {
		port := x.Protocol + "/" + x.Ports
		if x.Via == "" {
			direct[x.Resource] = append(direct[x.Resource], port)
			continue
		}
		targets[x.Via] = append(targets[x.Via], x.Resource)
		targetPorts[x.Via] = append(targetPorts[x.Via], port)
	}
	names := sortedUnique(append(sortedKeys(direct), sortedKeys(targets)...))
	if len(names) == 0 {
		return "nothing"
	}
	parts := make([]string, 0, len(names))
	for _, name := range names {
		var part string
		if ports := direct[name]; len(ports) > 0 {
			part = name + " on " + strings.Join(sortedPorts(ports), ", ")
		}
		if ts := sortedUnique(targets[name]); len(ts) > 0 {
			what := fmt.Sprintf("%d targets", len(ts))
			if len(ts) == 1 {
				what = "target " + ts[0]
			}
			on := " on " + strings.Join(sortedPorts(targetPorts[name]), ", ")
			if part == "" {
				part = strings.TrimPrefix(what, "target ") + on + " through " + name
				if len(ts) > 1 {
					part = what + " of " + name + on + " through it"
				}
			} else {
				part += ", and its " + what + on + " through it"
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// sortedPorts sorts "proto/ports" strings by protocol, then by their
// first port as a number (tcp/80 before tcp/443), without repeats.
func sortedPorts(ports []string) []string {
	first := func(p string) int {
		_, ports, _ := strings.Cut(p, "/")
		digits := strings.IndexFunc(ports, func(r rune) bool { return r < '0' || r > '9' })
		if digits >= 0 {
			ports = ports[:digits]
		}
		n, err := strconv.Atoi(ports)
		if err != nil {
			return -1
		}
		return n
	}
	out := sortedUnique(ports)
	slices.SortStableFunc(out, func(a, b string) int {
		pa, _, _ := strings.Cut(a, "/")
		pb, _, _ := strings.Cut(b, "/")
		return cmp.Or(strings.Compare(pa, pb), cmp.Compare(first(a), first(b)), strings.Compare(a, b))
	})
	return out
}
