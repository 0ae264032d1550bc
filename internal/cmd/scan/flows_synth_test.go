package scan

import (
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// synthWithFlows writes the realistic synthetic account of size s and
// records flow-log records of its traffic (internal/synth), gzip, and
// returns the snapshot and flow-log folders.
func synthWithFlows(t testing.TB, s synth.Size, records int) (string, string) {
	t.Helper()
	root := t.TempDir()
	acct, logs := filepath.Join(root, "account"), filepath.Join(root, "flows")
	if err := synth.WriteAccount(acct, s); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.WriteFlowLogs(logs, s, synth.FlowLogOptions{Records: records, Format: synth.FlowLogsV5, Gzip: true, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return acct, logs
}

// TestFlowsOnSyntheticAccount attributes the synthetic account's traffic
// (internal/synth) with its snapshot: every accepted observation is
// accounted for once (counted, the other side's view of a connection
// counted at its server, AWS-SEMANTICS.md §9, NAT-gateway transit, or the
// reply of a connection without ports), none is at an unknown interface,
// and the few the snapshot's filters would drop agree with the
// reachability engine: reach.Between finds each of them blocked. (The
// generator accepts some connections the snapshot drops: SSH from the
// internet that a network ACL denies, app-to-app 8443 and ICMP from groups
// whose egress rules allow only 443 and 5432.)
func TestFlowsOnSyntheticAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("writes an account of 1,000 interfaces and 100,000 records")
	}
	s := synth.Size{VPCs: 4, SecurityGroups: 200, ENIs: 1000}
	acct, logs := synthWithFlows(t, s, 100_000)
	inv, err := snapshot.Load(acct)
	if err != nil {
		t.Fatal(err)
	}
	att, warnings, err := readFlows([]string{logs}, inv)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("%v %q", err, warnings)
	}
	tot := att.Totals
	t.Logf("totals %+v", tot)
	t.Logf("%d rules used, %d ACL entries, %d interfaces", len(att.Rules), len(att.NACLEntries), len(att.Interfaces))
	if tot.Accepted.Observations == 0 || tot.Counted.Observations == 0 || len(att.Rules) == 0 {
		t.Fatal("nothing attributed")
	}
	if tot.UnknownInterface.Observations > 0 {
		t.Errorf("%d observations at unknown interfaces, want none", tot.UnknownInterface.Observations)
	}
	if got := tot.Counted.Observations + tot.Duplicate.Observations + tot.Transit.Observations + tot.Reply.Observations + tot.UnknownInterface.Observations; got != tot.Accepted.Observations {
		t.Errorf("counted + duplicate + transit + reply + unknown = %d, want every accepted observation (%d)", got, tot.Accepted.Observations)
	}
	if tot.Unexplained.Observations*100 > tot.Counted.Observations {
		t.Errorf("%d of %d counted observations unexplained: more than 1%%", tot.Unexplained.Observations, tot.Counted.Observations)
	}
	checked := 0
	for _, o := range att.Unexplained {
		reg := inv.Regions()[0]
		from, to := endpointOf(reg, o.Client), endpointOf(reg, o.Server)
		if to.ENI == nil {
			continue
		}
		v, err := reach.Between(from, to, model.Protocol(o.Protocol), uint16(o.Port))
		if err != nil {
			t.Fatal(err)
		}
		if v.Reachable {
			t.Errorf("%s -> %s %d/%d: unexplained by attribution, reachable for the engine (path %v)", o.Client, o.Server, o.Protocol, o.Port, v.Path)
		}
		checked++
	}
	t.Logf("%d unexplained observations checked against reach.Between", checked)
	// And the other way: a sample of connections attribution explains are
	// reachable for the engine.
	o, _, err := observe([]string{logs}, inv)
	if err != nil {
		t.Fatal(err)
	}
	checked = 0
	for i := 0; i < len(o.observations); i += 97 {
		ob := o.observations[i]
		one := flows.Attribute(inv, o.observations[i:i+1], flowlog.Stats{})
		if one.Totals.Counted.Observations != 1 || one.Totals.Unexplained.Observations != 0 {
			continue
		}
		reg := inv.Regions()[0]
		from, to := endpointOf(reg, ob.Client), endpointOf(reg, ob.Server)
		// Between does not take a load balancer's node without groups as
		// a destination (its exposures are its targets'), while §6 says
		// only ACLs filter it, as attribution does.
		if to.ENI == nil || len(to.ENI.SecurityGroupIDs) == 0 || from.ENI == nil && !ob.Client.IsGlobalUnicast() {
			continue
		}
		v, err := reach.Between(from, to, model.Protocol(ob.Protocol), uint16(ob.Port))
		if err != nil {
			t.Fatal(err)
		}
		if !v.Reachable {
			t.Errorf("%s -> %s %d/%d at %s: explained by attribution, blocked for the engine by %+v", ob.Client, ob.Server, ob.Protocol, ob.Port, ob.InterfaceID, v.BlockedBy)
		}
		checked++
	}
	t.Logf("%d explained observations checked against reach.Between", checked)
	res := check.RunWith(inv, []*check.Check{check.SGRuleUnusedInFlows}, check.Options{Flows: att})
	if len(res.Skipped) > 0 {
		t.Errorf("skipped %+v", res.Skipped)
	}
	t.Logf("%d groups with unused rules", len(res.Findings))
}

// endpointOf is the interface whose private address is addr, else the
// internet address addr.
func endpointOf(reg *model.Region, addr netip.Addr) reach.Endpoint {
	for _, e := range reg.ENIs {
		for _, a := range e.Addresses {
			if a.Private == addr {
				return reach.Endpoint{ENI: e, Region: reg}
			}
		}
	}
	return reach.Endpoint{Internet: true, Addr: addr, Region: reg}
}

// BenchmarkFlowsAttribution times, on the scale target (10,000
// interfaces, 2,000 groups) and 1,000,000 gzip records of its traffic:
// reading and observing the logs, attributing the observations, and
// running sg-rule-unused-in-flows.
func BenchmarkFlowsAttribution(b *testing.B) {
	acct, logs := synthWithFlows(b, synth.Target, 1_000_000)
	inv, err := snapshot.Load(acct)
	if err != nil {
		b.Fatal(err)
	}
	var read, attribute, run time.Duration
	var obs int
	for b.Loop() {
		t0 := time.Now()
		all, _, err := observe([]string{logs}, inv)
		if err != nil {
			b.Fatal(err)
		}
		o := all.observations
		obs = len(o)
		t1 := time.Now()
		att := flows.Attribute(inv, o, all.stats)
		t2 := time.Now()
		check.RunWith(inv, []*check.Check{check.SGRuleUnusedInFlows}, check.Options{Flows: att})
		t3 := time.Now()
		read, attribute, run = read+t1.Sub(t0), attribute+t2.Sub(t1), run+t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(read.Seconds()/n, "read-s/op")
	b.ReportMetric(attribute.Seconds()/n, "attribute-s/op")
	b.ReportMetric(run.Seconds()/n, "check-s/op")
	b.ReportMetric(float64(obs), "observations")
}
