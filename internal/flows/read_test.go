package flows_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// ReadObservations gives the same observations however many workers read
// (each with its own observer, merged at the end); run with -race.
func TestReadObservationsWorkers(t *testing.T) {
	sources, err := flowlog.Files("testdata/startup-all-public-flowlogs")
	if err != nil {
		t.Fatal(err)
	}
	ports := flows.ListeningPorts{6: {80: true, 443: true, 3306: true, 6379: true, 8080: true}}
	one, st1, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{Workers: 1}, ports)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) == 0 || st1.Records == 0 {
		t.Fatalf("nothing observed: %d observations, %+v", len(one), st1)
	}
	many, st4, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{Workers: 4}, ports)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, many) || st1.Records != st4.Records {
		t.Errorf("1 worker: %d observations of %d records; 4 workers: %d of %d", len(one), st1.Records, len(many), st4.Records)
	}
	none, _, err := flows.ReadObservations(context.Background(), nil, flowlog.Options{}, ports)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("no sources: %v, %v; want an empty list", none, err)
	}
}

// Edges do not depend on the order of the observations, so the flows
// command may skip sorting them (ReadObservationsUnsorted).
func TestEdgesDoNotDependOnOrder(t *testing.T) {
	sources, err := flowlog.Files("testdata/startup-all-public-flowlogs")
	if err != nil {
		t.Fatal(err)
	}
	ports := flows.ListeningPorts{6: {80: true, 443: true, 3306: true, 6379: true, 8080: true}}
	sorted, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, ports)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load("../../examples/startup-all-public")
	if err != nil {
		t.Fatal(err)
	}
	ep := flows.NewEndpoints(inv, flows.EmbeddedIPRanges())
	want := flows.Edges(sorted, ep)
	for seed := range uint64(5) {
		shuffled := slices.Clone(sorted)
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := flows.Edges(shuffled, ep); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: edges differ with the observations in another order", seed)
		}
	}
	unsorted, _, err := flows.ReadObservationsUnsorted(context.Background(), sources, flowlog.Options{Workers: 3}, ports)
	if err != nil {
		t.Fatal(err)
	}
	if got := flows.Edges(unsorted, ep); !reflect.DeepEqual(got, want) {
		t.Error("edges of unsorted observations differ")
	}
}
