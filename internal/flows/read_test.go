package flows_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
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
