package reach_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n/i18ntest"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// hopChecker checks hops' messages and counts which keys it saw.
type hopChecker struct {
	t    *testing.T
	seen map[string]int
	hops int
}

// check asserts that h's message renders as h.Detail in English, exists in
// the catalogue with every nested key, and says no English sentence in
// Japanese.
func (c *hopChecker) check(where string, h reach.Hop) {
	c.t.Helper()
	c.hops++
	if h.Msg.IsZero() {
		c.t.Errorf("%s: hop %s has no message", where, h)
		return
	}
	if got := i18n.English.Render(h.Msg); got != h.Detail {
		c.t.Errorf("%s: hop %s: the English message renders %q, the detail is %q", where, h, got, h.Detail)
	}
	c.keys(where, h.Msg)
	ja := i18n.Japanese.Render(h.Msg)
	if strings.Contains(ja, "%!") {
		c.t.Errorf("%s: %q in Japanese is %q: arguments do not fit", where, h.Detail, ja)
	}
	if w := i18ntest.English(ja); w != "" && !strings.Contains(h.ID+" ", w) {
		c.t.Errorf("%s: %q in Japanese is %q, which still says %q", where, h.Detail, ja, w)
	}
}

// notes checks that each note has a message that renders as it in
// English.
func (c *hopChecker) notes(where string, notes []string, msgs []i18n.Message) {
	c.t.Helper()
	if len(msgs) != len(notes) {
		c.t.Errorf("%s: %d notes, %d messages", where, len(notes), len(msgs))
		return
	}
	for i, n := range notes {
		c.check(where+" note", reach.Hop{Kind: "note", Detail: n, Msg: msgs[i]})
	}
}

func (c *hopChecker) keys(where string, m i18n.Message) {
	c.t.Helper()
	if !i18n.Has(m.Key) {
		c.t.Errorf("%s: key %s is not in the catalogue", where, m.Key)
	}
	c.seen[m.Key]++
	for _, a := range m.Args {
		if n, ok := a.(i18n.Message); ok {
			c.keys(where, n)
		}
	}
}

// Every hop the engine builds carries a message that renders, in English,
// byte for byte as its detail, on generated networks (every feature the
// differential test generates: ICMP, IPv6 and delegated prefixes, load
// balancers of every kind, ACL replies) and on the small fixtures of the
// blocked answers.
func TestHopMessagesRenderDetail(t *testing.T) {
	c := &hopChecker{t: t, seen: map[string]int{}}
	for seed := uint64(1); seed <= 40; seed++ {
		reg := genNetwork(seed, genFlags{v6Prefixes: true, tcpUDP: true}).build(nil)
		c.exposures(reg)
		ask := reach.NewAsker()
		pkts := genPackets(seed, reg, 12)
		for i, a := range reg.ENIs {
			to := reach.Endpoint{ENI: a, Region: reg}
			for j, p := range pkts {
				if (i+j)%3 != 0 {
					continue
				}
				port := p.port
				if p.proto.IsICMP() {
					port = 0
				}
				c.verdict(ask, reach.Endpoint{Internet: true, Addr: p.src}, to, p.proto, port)
				b := reg.ENIs[(i+j)%len(reg.ENIs)]
				c.verdict(ask, reach.Endpoint{ENI: b, Region: reg}, to, p.proto, port)
			}
		}
	}
	for _, tt := range []func(n *net){
		func(n *net) { setENIPublic(n, "") },
		func(n *net) { n.rt.Routes = n.rt.Routes[:1]; n.rt.Route("0.0.0.0/0", "nat-1") },
		func(n *net) { n.sg.Ingress = nil },
	} {
		reg := fixture(tt)
		c.verdict(reach.NewAsker(), reach.Endpoint{Internet: true}, reach.Endpoint{ENI: reg.ENI("eni-1"), Region: reg}, model.ProtocolTCP, 22)
	}
	reg, a, b := pair(func(_ *mt.Builder, _ *mt.RouteTable, app, _ *model.SecurityGroup) { app.Egress = nil })
	c.verdict(reach.NewAsker(), reach.Endpoint{ENI: a, Region: reg}, reach.Endpoint{ENI: b, Region: reg}, model.ProtocolTCP, 5432)
	// Data missing: no route table, ACL or group, a load balancer without
	// listeners or interfaces (notes); CloudMapper's demo account.
	reg = fixture(func(n *net) { n.eni.SecurityGroupIDs = append(n.eni.SecurityGroupIDs, "sg-missing") })
	for _, s := range reg.Subnets {
		s.RouteTable, s.NetworkACL = nil, nil
	}
	c.exposures(reg)
	c.verdict(reach.NewAsker(), reach.Endpoint{Internet: true}, reach.Endpoint{ENI: reg.ENI("eni-1"), Region: reg}, model.ProtocolTCP, 22)
	reg = lbFixture(nil)
	for _, r := range reg.Resources {
		if r.LoadBalancer != nil {
			r.LoadBalancer.ListenersKnown = false
			r.ENIs = nil
		}
	}
	c.exposures(reg)
	if inv, err := snapshot.Load(filepath.Join("..", "..", "..", "shared", "corpus", "cloudmapper-demo", "account-data-demo")); err == nil {
		for _, r := range inv.Regions() {
			c.exposures(r)
		}
	} else {
		t.Logf("the corpus is not beside this clone: CloudMapper's demo not checked (%v)", err)
	}
	// The catalogue's texts that the networks above met: most of the
	// area (a key never met is not proved equal to its detail).
	var missed []string
	for _, k := range reachKeys(t) {
		if c.seen[k] == 0 {
			missed = append(missed, k)
		}
	}
	t.Logf("%d hops checked; keys never met: %v", c.hops, missed)
	if c.hops < 1000 || len(missed) > len(reachKeys(t))/2 {
		t.Errorf("only %d hops and %d keys of %d met: the networks do not test the messages", c.hops, len(reachKeys(t))-len(missed), len(reachKeys(t)))
	}
}

func (c *hopChecker) exposures(reg *model.Region) {
	c.t.Helper()
	for _, x := range reach.InternetExposures(reg) {
		for _, h := range x.Path {
			c.check("exposure", h)
		}
		c.notes("exposure", x.Notes, x.NoteMsgs)
	}
}

func (c *hopChecker) verdict(ask *reach.Asker, from, to reach.Endpoint, proto model.Protocol, port uint16) {
	v, err := ask.Between(from, to, proto, port)
	if err != nil {
		return
	}
	c.notes("between", v.Notes, v.NoteMsgs)
	for _, h := range v.Path {
		c.check("between", h)
	}
	if v.BlockedBy != nil {
		c.check("blocked", *v.BlockedBy)
	}
}

// reachKeys are the keys of the area "reach" the package's code names
// (i18n.M("reach.…") and the keys chosen in a variable first).
func reachKeys(t *testing.T) []string {
	return i18ntest.KeysInSource(t, func(s string) bool { return strings.HasPrefix(s, "reach.") })
}

// Every key the code names is in the catalogue (in every language:
// TestCatalogueComplete), and the catalogue's area has no key the code
// does not use.
func TestReachKeysInCatalogue(t *testing.T) {
	used := reachKeys(t)
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the code: %v", len(used), used)
	}
	i18ntest.CatalogueMatchesCode(t, "reach", used)
}
