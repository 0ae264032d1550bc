package flows

import (
	"context"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// ReadObservations reads sources with flowlog.Read into one observer per
// reading worker, merged at the end: stage 1 of docs/flows.md over files.
func ReadObservations(ctx context.Context, sources []flowlog.Source, opt flowlog.Options, ports ListeningPorts) ([]Observation, flowlog.Stats, error) {
	var mu sync.Mutex
	var observers []*Observer
	st, err := flowlog.Read(ctx, sources, opt, func() flowlog.Sink {
		o := NewObserver(ports)
		mu.Lock() // Read may ask for sinks from several goroutines
		observers = append(observers, o)
		mu.Unlock()
		return o
	})
	if err != nil {
		return nil, st, err
	}
	if len(observers) == 0 {
		return []Observation{}, st, nil
	}
	all := observers[0]
	for _, o := range observers[1:] {
		all.Merge(o)
	}
	return all.Observations(), st, nil
}
