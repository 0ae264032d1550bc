package plan

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// Prove runs the reachability engine and the checks on target (the
// account after the migration, as WriteTarget wrote it and the snapshot
// loader read it back) and says whether the plan keeps its promises
// (issue 6, "Proof"):
//
//   - every needed flow is allowed (flows.Verify, strict: every pair of
//     interfaces); a needed flow the target would drop, or that the
//     engine cannot answer, is Broken;
//   - observed accepted flows that are not needed and that the target no
//     longer allows are listed as Dropped, on purpose, with why;
//   - the internet reaches only internet-facing load balancers, on their
//     listener ports; anything else is Unexpected;
//   - the target scans with no finding at high or above.
//
// Passed is true only when nothing is Broken or Unexpected and no finding
// is at high or above.
func Prove(p *Plan, target *model.Inventory, observed []flows.Edge) *Proof {
	pr := &Proof{
		Broken: []FlowCheck{}, Dropped: []FlowCheck{},
		Exposures: []Exposure{}, Unexpected: []Exposure{},
		Findings: map[string]int{}, High: []string{},
	}

	// The scan of the target runs beside the flows' verification: both
	// only read the target.
	var res check.Result
	var wg sync.WaitGroup
	wg.Go(func() { res = check.RunWith(target, check.All, check.Options{}) })
	defer wg.Wait()

	// Needed flows.
	var needed []*NeededFlow
	for _, rp := range p.Regions {
		needed = append(needed, rp.Needed...)
	}
	edges := make([]flows.Edge, len(needed))
	for i, n := range needed {
		edges[i] = n.Edge()
	}
	isNeeded := map[string]bool{}
	for i, v := range flows.Verify(target, edges) {
		fc := FlowCheck{Flow: *needed[i], Allowed: v.Checked && v.Allowed, Reason: v.Reason, ReasonMsg: verdictMsg(v)}
		isNeeded[edgeIdentity(edges[i])] = true
		switch {
		case fc.Allowed:
			pr.Kept++
		case !v.Checked:
			fc.Reason = "not checked, so not proved: " + v.Reason
			fc.ReasonMsg = i18n.M("plan.proof.not-checked", verdictMsg(v))
			pr.Broken = append(pr.Broken, fc)
		default:
			pr.Broken = append(pr.Broken, fc)
		}
	}

	// Observed accepted flows the plan does not keep.
	var extra []flows.Edge
	for _, e := range observed {
		if e.Action == "ACCEPT" && !isNeeded[edgeIdentity(e)] {
			extra = append(extra, e)
		}
	}
	for _, v := range flows.Verify(target, extra) {
		if !v.Checked || v.Allowed {
			continue
		}
		e := v.Edge
		fc := FlowCheck{
			Flow:      NeededFlow{Src: e.Src, Dst: e.Dst, Protocol: e.Protocol, Port: e.Port, Basis: "flow-logs"},
			ReasonMsg: i18n.M("plan.proof.dropped", droppedReason(e), verdictMsg(v)),
		}
		fc.Flow.setEvidence(i18n.M("plan.evidence.logs", e.Connections, e.Bytes))
		fc.Reason = i18n.English.Render(fc.ReasonMsg)
		pr.Dropped = append(pr.Dropped, fc)
	}

	// Internet exposure (once per resource, protocol, ports, sources and
	// load balancer: a load balancer has an interface per subnet), and
	// the scan.
	wg.Wait()
	seen := map[Exposure]bool{}
	for _, reg := range target.Regions() {
		for _, x := range res.Exposures[reg] {
			ex := exposureOf(x)
			if seen[ex] {
				continue
			}
			seen[ex] = true
			pr.Exposures = append(pr.Exposures, ex)
			if !listenerExposure(x) {
				pr.Unexpected = append(pr.Unexpected, ex)
			}
		}
	}
	for _, f := range res.Findings {
		pr.Findings[f.Severity.String()]++
		if f.Severity >= check.High {
			pr.High = append(pr.High, fmt.Sprintf("%s: %s", f.Rule, f.Message))
		}
	}
	pr.Passed = len(pr.Broken) == 0 && len(pr.Unexpected) == 0 && len(pr.High) == 0
	return pr
}

// edgeIdentity identifies a flow by its ends, protocol and port.
func edgeIdentity(e flows.Edge) string {
	return strings.Join([]string{string(e.Src.Kind), e.Src.Account, e.Src.Region, e.Src.ID,
		string(e.Dst.Kind), e.Dst.Account, e.Dst.Region, e.Dst.ID, e.Protocol, fmt.Sprint(e.Port)}, "\x00")
}

// droppedReason says why the plan does not keep an observed flow.
func droppedReason(e flows.Edge) i18n.Message {
	switch {
	case e.Src.Kind == flows.KindInternet && (e.Port == 22 || e.Port == 3389):
		return i18n.M("plan.proof.dropped.remote-admin")
	case e.Src.Kind == flows.KindInternet:
		return i18n.M("plan.proof.dropped.listeners-only")
	}
	return i18n.M("plan.proof.dropped.not-needed")
}

// verdictMsg is a verdict's Reason as a message: the hop that drops the
// flow (its kind in the reader's words, its ID, the engine's detail as a
// message), and which interface pair when the flows package names one.
// A reason the verdict carries no message for (the flows package's
// "cannot check" sentences) is its English text, as it is.
func verdictMsg(v flows.Verified) i18n.Message {
	if h := v.BlockedBy; h != nil && !h.Msg.IsZero() {
		kind := hopKindMsg(h.Kind)
		m := i18n.M("plan.proof.blocked", kind, h.ID, h.Msg)
		text := i18n.English.Render(m)
		if text == v.Reason {
			return m
		}
		if rest, ok := strings.CutPrefix(v.Reason, text+" ("); ok && strings.HasSuffix(rest, ")") {
			return i18n.M("plan.proof.blocked-pair", kind, h.ID, h.Msg, pairMsg(strings.TrimSuffix(rest, ")")))
		}
	}
	return i18n.M("plan.text", v.Reason)
}

// pairMsg is the flows package's name of an interface pair ("from A to
// B", "to B") as a message.
func pairMsg(s string) any {
	if rest, ok := strings.CutPrefix(s, "from "); ok {
		if a, b, ok := strings.Cut(rest, " to "); ok && !strings.Contains(b, " ") {
			return i18n.M("plan.proof.pair", a, b)
		}
	}
	if b, ok := strings.CutPrefix(s, "to "); ok && !strings.Contains(b, " ") {
		return i18n.M("plan.proof.pair-to", b)
	}
	return s
}

// hopKindMsg names a kind of hop ("security-group") as a message that
// is the kind itself in English.
func hopKindMsg(kind string) any {
	if key := "plan.hop." + kind; i18n.Has(key) {
		return i18n.M(key)
	}
	return kind
}

// exposureOf describes one exposure for plan.json.
func exposureOf(x reach.Exposure) Exposure {
	ex := Exposure{Protocol: x.Protocol.String(), Ports: x.Ports.String()}
	if x.Via == reach.ViaLoadBalancer && x.LoadBalancer != nil {
		ex.Via = x.LoadBalancer.ID
	}
	switch {
	case x.Resource != nil:
		ex.Resource = x.Resource.ID
	case x.ENI != nil:
		ex.Resource = x.ENI.ID
	}
	if x.WholeInternet {
		ex.Sources = "the whole internet"
	} else {
		srcs := make([]string, len(x.Sources))
		for i, s := range x.Sources {
			srcs[i] = s.String()
		}
		ex.Sources = strings.Join(srcs, ", ")
	}
	return ex
}

// listenerExposure reports whether x is an internet-facing load
// balancer's listener port (on the listener's protocol: UDP on a TCP
// listener's port is not one), or a target reached through such a load
// balancer (the listener forwards to it), the only exposure a plan's
// target may have.
func listenerExposure(x reach.Exposure) bool {
	if x.Via == reach.ViaLoadBalancer {
		return x.LoadBalancer != nil && x.LoadBalancer.IsInternetFacingLoadBalancer()
	}
	lb := x.Resource
	if lb == nil || !lb.IsInternetFacingLoadBalancer() || lb.LoadBalancer == nil || !lb.LoadBalancer.ListenersKnown {
		return false
	}
	if x.Protocol == model.ProtocolAll {
		return false
	}
	for p := int(x.Ports.From); p <= int(x.Ports.To); p++ {
		if !slices.ContainsFunc(lb.LoadBalancer.Listeners, func(l model.Listener) bool {
			return l.Port == p && slices.Contains(l.IPProtocols(), x.Protocol)
		}) {
			return false
		}
	}
	return true
}
