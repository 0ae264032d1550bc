package flows

import (
	"context"
	"runtime/debug"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// ReadObservations reads sources with flowlog.Read into one observer per
// reading worker, combined at the end (combined): stage 1 of docs/flows.md over files.
// The observations are sorted by key.
func ReadObservations(ctx context.Context, sources []flowlog.Source, opt flowlog.Options, ports ListeningPorts) ([]Observation, flowlog.Stats, error) {
	observers, st, err := read(ctx, sources, opt, ports)
	if err != nil {
		return nil, st, err
	}
	return sortByKey(combined(observers)), st, nil
}

// ReadObservationsUnsorted is ReadObservations without the sort, for Edges,
// whose result does not depend on the order.
func ReadObservationsUnsorted(ctx context.Context, sources []flowlog.Source, opt flowlog.Options, ports ListeningPorts) ([]Observation, flowlog.Stats, error) {
	observers, st, err := read(ctx, sources, opt, ports)
	if err != nil {
		return nil, st, err
	}
	return combined(observers), st, nil
}

// readGCPercent is the garbage collector's target while reading: the
// observation tables live until the end and most of what is allocated is
// their growth, so collecting at the default 100% only rescans them;
// measured on 1M records of the 10,000-ENI account, 400% takes the read
// from 0.39–0.46 s to 0.32 s. Memory stays bounded by the observations.
const readGCPercent = 400

// observedStrings are the string fields of a record Observer.Add uses.
var observedStrings = []flowlog.Field{flowlog.FieldInterfaceID}

// observedFields are all the fields Observer.Add reads (flowlog.Options.Only):
// the others are only delimited, which saves parsing most of a version-5
// line, and a malformed value in one of them does not lose the record (as
// on Athena, docs/flows.md).
var observedFields = []flowlog.Field{
	flowlog.FieldInterfaceID, flowlog.FieldSrcAddr, flowlog.FieldDstAddr, flowlog.FieldSrcPort, flowlog.FieldDstPort,
	flowlog.FieldProtocol, flowlog.FieldPackets, flowlog.FieldBytes, flowlog.FieldStart, flowlog.FieldEnd,
	flowlog.FieldAction, flowlog.FieldLogStatus, flowlog.FieldTCPFlags,
}

// read reads sources into one observer per reading worker.
func read(ctx context.Context, sources []flowlog.Source, opt flowlog.Options, ports ListeningPorts) ([]*Observer, flowlog.Stats, error) {
	if old := debug.SetGCPercent(readGCPercent); old > readGCPercent || old < 0 {
		debug.SetGCPercent(old) // the user asked for more (GOGC)
	} else {
		defer debug.SetGCPercent(old)
	}
	if opt.Strings == nil {
		opt.Strings = observedStrings // the others are not interned
	}
	if opt.Only == nil {
		opt.Only = observedFields
	}
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
	return observers, st, nil
}
