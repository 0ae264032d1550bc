package flows

import (
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// Observer is stage 1 (docs/flows.md) as a flowlog.Sink: it folds records
// into observations.
type Observer struct {
	ports ListeningPorts
	obs   map[ObservationKey]*Observation
}

// NewObserver returns an empty observer deciding service sides with ports.
func NewObserver(ports ListeningPorts) *Observer {
	return &Observer{ports: ports, obs: map[ObservationKey]*Observation{}}
}

// Add folds one record in (being written, issue 5).
func (o *Observer) Add(r *flowlog.Record) {}

// Merge folds other's observations into o.
func (o *Observer) Merge(other *Observer) {}

// Observations returns the observations, sorted by key.
func (o *Observer) Observations() []Observation { return nil }
