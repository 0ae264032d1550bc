// Package cmdutil holds what every command shares: the I/O streams with
// their terminal facts, and the error kinds that decide the exit status.
package cmdutil

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// IOStreams are a command's input and outputs. Data goes to Out, messages
// and progress to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// OutIsTTY and ErrIsTTY say whether the streams are terminals.
	OutIsTTY, ErrIsTTY bool
	// NoColor is set when the NO_COLOR environment variable is non-empty
	// (https://no-color.org).
	NoColor bool
	// Width is the terminal's width in columns, or 0 when not a terminal.
	Width int

	// Now is the clock: the date suppressions expire against and the time
	// stamp of metrics. Tests set a fixed one.
	Now func() time.Time

	// Env reads the environment; tests give their own. Nil means os.Getenv.
	Env func(string) string
}

// System returns the process's standard streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Now: time.Now}
	s.OutIsTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.ErrIsTTY = term.IsTerminal(int(os.Stderr.Fd()))
	s.NoColor = os.Getenv("NO_COLOR") != ""
	if s.OutIsTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}

// Test returns streams backed by buffers, not terminals, for tests.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	fixed := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	return &IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut, Now: func() time.Time { return fixed }}, out, errOut
}

// CheckColor validates a --color value.
func CheckColor(mode string) error {
	switch mode {
	case "auto", "always", "never":
		return nil
	}
	return BadInput(fmt.Errorf("unknown --color %q: want auto, always or never", mode))
}

// ColorEnabled decides colour for output to Out: mode "always" or "never"
// wins; "auto" (or "") means only on a terminal and never with NO_COLOR.
func (s *IOStreams) ColorEnabled(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return s.OutIsTTY && !s.NoColor
}

// Time is the current time from Now, or the system clock when Now is nil.
func (s *IOStreams) Time() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Getenv reads the environment variable key through Env.
func (s *IOStreams) Getenv(key string) string {
	if s.Env != nil {
		return s.Env(key)
	}
	return os.Getenv(key)
}
