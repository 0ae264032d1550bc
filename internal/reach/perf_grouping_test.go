package reach

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// The engine evaluates each interface configuration once and reuses the
// result for every interface configured alike (cache.go). These tests pin
// that the reuse changes nothing: the exposures equal those of evaluating
// every interface on its own, with nothing shared between interfaces.

var (
	accountOnce sync.Once
	account     *model.Inventory
	accountErr  error
)

// realisticAccount loads a synthetic account shaped like a real one: many
// interfaces per configuration, public IPv4 and IPv6 addresses, delegated
// prefixes, custom network ACLs, load balancers.
func realisticAccount(tb testing.TB) *model.Inventory {
	accountOnce.Do(func() {
		dir := filepath.Join(tb.TempDir(), "acct")
		size := synth.Size{VPCs: 8, SecurityGroups: 400, ENIs: 3000}
		if testing.Short() {
			size = synth.Size{VPCs: 4, SecurityGroups: 120, ENIs: 600}
		}
		if accountErr = synth.WriteAccount(dir, size); accountErr == nil {
			account, accountErr = snapshot.Load(dir)
		}
	})
	if accountErr != nil {
		tb.Fatal(accountErr)
	}
	return account
}

// perInterface is InternetExposures with a fresh engine for every
// interface and load balancer: the reference the grouping must match.
func perInterface(reg *model.Region) []Exposure {
	var out []Exposure
	for _, eni := range reg.ENIs {
		if neverInbound[eni.Owner.Kind] {
			continue
		}
		if eni.Owner.Resource != nil && eni.Owner.Resource.Kind == model.KindLoadBalancer {
			continue
		}
		out = append(out, newEngine(reg).direct(eni, nil).exposures()...)
	}
	for _, res := range reg.Resources {
		if res.Kind == model.KindLoadBalancer && res.LoadBalancer != nil && res.LoadBalancer.Scheme == "internet-facing" {
			out = append(out, newEngine(reg).loadBalancer(res)...)
		}
	}
	sortExposures(out)
	return out
}

// flat prints an exposure with every field, empty and nil slices alike.
func flat(x Exposure) string {
	id := func(e *model.ENI) string {
		if e == nil {
			return "-"
		}
		return e.ID
	}
	rid := func(r *model.Resource) string {
		if r == nil {
			return "-"
		}
		return string(r.Kind) + "/" + r.ID
	}
	return fmt.Sprintf("%s %s %s %s %v %v %v %v %v whole=%v path=%v notes=%q", id(x.ENI), rid(x.Resource), x.Via, rid(x.LoadBalancer),
		x.Protocol, x.Except, x.Ports, x.Sources, len(x.Sources), x.WholeInternet, x.Path, x.Notes)
}

func TestGroupedExposuresMatchPerInterface(t *testing.T) {
	inv := realisticAccount(t)
	for _, reg := range inv.Regions() {
		got, want := InternetExposures(reg), perInterface(reg)
		if len(want) == 0 {
			t.Fatal("the account exposes nothing: the test compares nothing")
		}
		if len(got) != len(want) {
			t.Errorf("%d exposures, want %d", len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if g, w := flat(got[i]), flat(want[i]); g != w || got[i].ENI != want[i].ENI || got[i].Resource != want[i].Resource {
				t.Fatalf("exposure %d:\n got %s\nwant %s", i, g, w)
			}
		}
		// The interfaces share configurations: the grouping has work to save.
		e := newEngine(reg)
		InternetExposuresWith(e, reg)
		if n := len(e.configs); n == 0 || n*2 > len(reg.ENIs) {
			t.Errorf("%d configurations for %d interfaces", n, len(reg.ENIs))
		} else {
			t.Logf("%d configurations for %d interfaces", n, len(reg.ENIs))
		}
	}
}

// InternetExposuresWith is InternetExposures on a given engine, to look at
// its caches.
func InternetExposuresWith(e *engine, reg *model.Region) []Exposure {
	var out []Exposure
	for _, eni := range reg.ENIs {
		if neverInbound[eni.Owner.Kind] || eni.Owner.Resource != nil && eni.Owner.Resource.Kind == model.KindLoadBalancer {
			continue
		}
		out = e.appendDirect(out, eni)
	}
	return out
}

// noteTexts are the notes' English texts, without repeats, sorted.
func noteTexts(ns []note) []string {
	texts, _ := notesOf(ns)
	return texts
}

// TestDirectUsesSharedStages: direct (used by Between and the load
// balancers) gives the same flow on a warm engine as on a fresh one.
func TestDirectUsesSharedStages(t *testing.T) {
	inv := realisticAccount(t)
	for _, reg := range inv.Regions() {
		warm := newEngine(reg)
		for _, eni := range reg.ENIs {
			a, b := warm.direct(eni, nil), newEngine(reg).direct(eni, nil)
			if !a.set.Equal(b.set) || !reflect.DeepEqual(noteTexts(a.notes), noteTexts(b.notes)) || len(a.evidence) != len(b.evidence) {
				t.Fatalf("%s: warm engine gives %v %q (%d evidence), fresh %v %q (%d)", eni.ID, a.set, a.notes, len(a.evidence), b.set, b.notes, len(b.evidence))
			}
		}
	}
}

// BenchmarkInternetExposures times the engine alone on the synthetic
// account (go test ./internal/reach -run '^$' -bench InternetExposures).
func BenchmarkInternetExposures(b *testing.B) {
	inv := realisticAccount(b)
	reg := inv.Regions()[0]
	b.ReportAllocs()
	for b.Loop() {
		InternetExposures(reg)
	}
}
