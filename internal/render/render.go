// Package render writes a report in one of vpcdoctor's output formats.
// Renderers only format: they compute nothing the report does not hold.
// Formats are chosen in one place, Write.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Format names an output format.
type Format string

// Formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
)

// Formats lists every format, for help and validation.
var Formats = []Format{FormatText, FormatJSON}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(names, ", "))
}

// Options tune human-readable formats; machine formats ignore them.
type Options struct {
	Color bool // ANSI colour (only on a terminal, never with NO_COLOR)
	Width int  // wrap text at this many columns; 0 means 100
	// Now is the time of the scan, for formats that stamp it (metrics);
	// renderers never read the clock themselves.
	Now time.Time
}

// Write renders rep in format f.
func Write(w io.Writer, f Format, rep *report.Report, opt Options) error {
	switch f {
	case FormatJSON:
		return JSON(w, rep)
	case FormatText:
		return Text(w, rep, opt)
	}
	return fmt.Errorf("render: unknown format %q", f)
}
