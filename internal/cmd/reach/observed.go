package reach

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	engine "github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// between are the edges from one of from's endpoints to one of to's, in
// the edges' order (largest first). An edge's endpoint is one of a side's
// when it stands for one of the side's interfaces in inv (as flows.Verify
// finds it), or, for the internet, when it is on the internet (and is the
// side's address, when the side is one address).
func between(inv *model.Inventory, edges []flows.Edge, from, to []engine.Endpoint) []flows.Edge {
	v := flows.NewVerifier(inv)
	out := []flows.Edge{}
	for _, e := range edges {
		if matches(v, e.Src, from) && matches(v, e.Dst, to) {
			out = append(out, e)
		}
	}
	return out
}

func matches(v *flows.Verifier, ep flows.Endpoint, side []engine.Endpoint) bool {
	if len(side) == 0 {
		return false
	}
	if side[0].Internet {
		return ep.Kind == flows.KindInternet && (!side[0].Addr.IsValid() || ep.ID == side[0].Addr.String())
	}
	enis, _ := v.Interfaces(ep)
	for _, s := range side {
		if slices.Contains(enis, s.ENI) {
			return true
		}
	}
	return false
}

// writeObserved prints the observed traffic after the answer.
func writeObserved(b *strings.Builder, edges []flows.Edge) {
	if len(edges) == 0 {
		fmt.Fprintf(b, "Observed in the flow logs: no traffic from the one to the other.\n")
		return
	}
	fmt.Fprintf(b, "Observed in the flow logs:\n")
	for _, e := range edges {
		fmt.Fprintf(b, "  %s -> %s %s %s: %d %s, %d bytes", e.Src.Label(), e.Dst.Label(), traffic(e), e.Action,
			e.Connections, cmdutil.Plural(int(e.Connections), "connection"), e.Bytes)
		if !e.FirstSeen.IsZero() && !e.LastSeen.IsZero() {
			fmt.Fprintf(b, ", %s to %s", e.FirstSeen.Format(time.DateTime), e.LastSeen.Format(time.DateTime))
		}
		fmt.Fprintln(b)
	}
}
