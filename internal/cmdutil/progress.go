package cmdutil

import (
	"fmt"
	"sync"
	"time"
)

// Progress draws one line on stderr, rewritten in place, for long work: a
// label, how much of the total is done and the rate. It draws only when
// stderr is a terminal, at most ten times a second, and erases its line
// when done, so logs and pipes never see it.
type Progress struct {
	s     *IOStreams
	label string
	total int64
	start time.Time

	mu    sync.Mutex
	last  time.Time
	drawn bool
}

// NewProgress starts a progress line for total bytes (0 when unknown).
func (s *IOStreams) NewProgress(label string, total int64) *Progress {
	return &Progress{s: s, label: label, total: total, start: time.Now()}
}

// Set reports that done bytes are finished; safe from several goroutines.
func (p *Progress) Set(done int64) {
	p.draw(func(now time.Time) string {
		rate := float64(done) / now.Sub(p.start).Seconds() / 1e6
		line := humanBytes(done)
		if p.total > 0 {
			line += fmt.Sprintf(" of %s (%d%%)", humanBytes(p.total), done*100/p.total)
		}
		return line + fmt.Sprintf(", %.0f MB/s", rate)
	})
}

// Line draws text as the progress line, for work not counted in bytes;
// like Set, only on a terminal and at most ten times a second. Safe from
// several goroutines.
func (p *Progress) Line(text string) {
	p.draw(func(time.Time) string { return text })
}

// draw rewrites the line as the label and text(now), when stderr is a
// terminal and the line was last drawn 100 ms ago or more.
func (p *Progress) draw(text func(now time.Time) string) {
	if p == nil || !p.s.ErrIsTTY {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.s.ErrOut, "\r\x1b[K%s: %s", p.label, text(now))
	p.drawn = true
}

// Done erases the line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.s.ErrOut, "\r\x1b[K")
		p.drawn = false
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
