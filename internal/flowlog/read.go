package flowlog

import (
	"context"
	"errors"
)

// read is being written (issue 5).
func read(ctx context.Context, sources []Source, opt Options, newSink func() Sink) (Stats, error) {
	return Stats{}, errors.New("flowlog: not implemented yet")
}
