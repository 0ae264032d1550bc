package cmdutil

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressDrawsOnlyOnATerminal(t *testing.T) {
	var errOut bytes.Buffer
	s := &IOStreams{ErrOut: &errOut}
	p := s.NewProgress("reading flow logs", 4<<20)
	p.Set(1 << 20)
	p.Done()
	if errOut.Len() != 0 {
		t.Errorf("drew %q on a pipe", errOut.String())
	}

	s.ErrIsTTY = true
	p = s.NewProgress("reading flow logs", 4<<20)
	p.Set(1 << 20)
	p.Done()
	out := errOut.String()
	if !strings.Contains(out, "reading flow logs: 1.0 MiB of 4.0 MiB (25%)") {
		t.Errorf("progress line %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the line is not erased at the end: %q", out)
	}
	var nilP *Progress
	nilP.Set(1)
	nilP.Done()
}
