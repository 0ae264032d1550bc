package flowlog

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/vpcdoctor/vpcdoctor/internal/gunzip"
)

// How Read moves bytes. Readers (one per source at a time, at most
// Workers of them) fill chunks of whole lines, decompressing on the way;
// workers parse chunks. The pool holds a fixed number of chunks, so memory
// is bounded by (buffers × chunkSize) whatever the input: a reader waits
// for a free buffer when the workers are behind.
const (
	chunkSize = 512 << 10
	// maxLine is the longest line read; a longer one is a bad line. Flow
	// log lines are a few hundred bytes even with every field.
	maxLine = 64 << 10
	// maxText is how much of a bad line BadLine keeps.
	maxText = 200
)

// buffer is one pooled chunk buffer, shared by the chunks cut from it
// (a header line mid-buffer cuts it in two); the last one to finish with
// it returns it to the pool.
type buffer struct {
	b    []byte
	refs atomic.Int32
	pool chan *buffer
}

func (b *buffer) release() {
	if b.refs.Add(-1) == 0 {
		b.pool <- b
	}
}

// chunk is whole lines of one source, all in one format.
type chunk struct {
	buf  *buffer
	data []byte
	src  int
	line int64 // the number of data's first line in its source, from 1
	fmt  *format
}

// run is one Read.
type run struct {
	ctx     context.Context
	sources []Source
	opt     Options
	deflt   *format

	pool    chan *buffer
	nbuf    atomic.Int32 // buffers made so far
	maxBufs int32
	chunks  chan chunk
	read    atomic.Int64 // bytes read from the sources, as stored

	mu    sync.Mutex
	errs  []error
	bad   badList // bad lines the readers found (lines too long)
	nBad  int64
	notes map[string]*note
	files int64
}

// note gathers the sources whose header names fields Record does not
// carry.
type note struct {
	first string
	n     int
}

func read(ctx context.Context, sources []Source, opt Options, newSink func() Sink) (Stats, error) {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxBadLines <= 0 {
		opt.MaxBadLines = 10
	}
	deflt := opt.Format
	if deflt == nil {
		deflt = DefaultFormat
	}
	readers := min(opt.Workers, len(sources))
	ru := &run{
		ctx: ctx, sources: sources, opt: opt, deflt: newFormat(deflt),
		maxBufs: int32(3*opt.Workers + 2*readers),
		chunks:  make(chan chunk, 2*opt.Workers),
		notes:   map[string]*note{},
		bad:     badList{max: opt.MaxBadLines},
	}
	ru.pool = make(chan *buffer, ru.maxBufs)

	// Workers.
	workers := make([]*worker, opt.Workers)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{run: ru, p: newParser(), sink: newSink(), bad: badList{max: opt.MaxBadLines}}
		w.p.keepOnly(opt.Strings)
		w.p.readOnly(opt.Only)
		workers[i] = w
		wg.Go(w.loop)
	}

	// Progress.
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	if opt.Progress != nil {
		pwg.Go(func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					opt.Progress(ru.read.Load())
				}
			}
		})
	}

	// Readers take the sources in order.
	var next atomic.Int64
	var rwg sync.WaitGroup
	for range readers {
		rwg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(sources) || ctx.Err() != nil {
					return
				}
				if err := ru.readSource(i); err != nil {
					ru.mu.Lock()
					ru.errs = append(ru.errs, err)
					ru.mu.Unlock()
				}
			}
		})
	}
	rwg.Wait()
	close(ru.chunks)
	wg.Wait()
	close(stop)
	pwg.Wait()
	if opt.Progress != nil {
		opt.Progress(ru.read.Load())
	}

	st := Stats{Files: ru.files, Bytes: ru.read.Load(), BadLines: ru.nBad}
	all := ru.bad
	for _, w := range workers {
		st.Records += w.records
		st.NoData += w.nodata
		st.SkipData += w.skipdata
		st.BadLines += w.nBad
		st.BlankLines += w.blank
		all.lines = append(all.lines, w.bad.lines...)
	}
	all.sort()
	for _, b := range all.lines[:min(len(all.lines), opt.MaxBadLines)] {
		b.line.File = sources[b.src].Name
		st.Bad = append(st.Bad, b.line)
	}
	for names, n := range ru.notes {
		st.Notes = append(st.Notes, fmt.Sprintf("fields not read (not of flow-log versions 2–5): %s; in %d file(s), the first %s", names, n.n, n.first))
	}
	slices.Sort(st.Notes)
	if err := ctx.Err(); err != nil {
		return st, err
	}
	slices.SortFunc(ru.errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return st, errors.Join(ru.errs...)
}

// getBuffer returns a free buffer holding one reference, making one while
// the pool is below its size.
func (ru *run) getBuffer() *buffer {
	var b *buffer
	select {
	case b = <-ru.pool:
	default:
		if ru.nbuf.Load() < ru.maxBufs && ru.nbuf.Add(1) <= ru.maxBufs {
			b = &buffer{b: make([]byte, chunkSize), pool: ru.pool}
		} else {
			b = <-ru.pool
		}
	}
	b.refs.Store(1)
	return b
}

// gzipReaders keeps gzip readers, whose buffers are 1.3 MiB, from one
// source to the next.
var gzipReaders sync.Pool

// countingReader counts the bytes read from a source as stored.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// readSource reads one source into chunks. Its error names the source and
// the line it had reached.
func (ru *run) readSource(idx int) error {
	src := ru.sources[idx]
	rc, err := src.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", src.Name, err)
	}
	defer rc.Close()
	ru.mu.Lock()
	ru.files++
	ru.mu.Unlock()

	br := bufio.NewReaderSize(countingReader{rc, &ru.read}, 64<<10)
	var r io.Reader = br
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, _ := gzipReaders.Get().(*gunzip.Reader)
		var err error
		if zr == nil {
			zr, err = gunzip.NewReader(br)
		} else {
			err = zr.Reset(br)
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", src.Name, err)
		}
		defer gzipReaders.Put(zr)
		r = zr
	case string(magic) == "PAR1":
		return fmt.Errorf("read %s: a Parquet file; flow logs are read in text format (plain or gzip)", src.Name)
	}

	s := sourceState{ru: ru, idx: idx, fmt: ru.deflt, line: 1}
	var carry *buffer // the next buffer, holding the previous one's partial last line
	carryLen := 0
	eof := false
	for !eof {
		if err := ru.ctx.Err(); err != nil {
			if carry != nil {
				carry.release()
			}
			return nil // Read reports ctx's error
		}
		buf := carry
		if buf == nil {
			buf = ru.getBuffer()
		}
		n := carryLen
		carry, carryLen = nil, 0
		for n < len(buf.b) {
			m, err := r.Read(buf.b[n:])
			n += m
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				// The whole lines read before the error are parsed; the
				// error says where it stopped.
				if k := bytes.LastIndexByte(buf.b[:n], '\n'); k >= 0 {
					s.lines(buf, buf.b[:k+1])
				}
				buf.release()
				return fmt.Errorf("read %s: after line %d: %w", src.Name, s.line-1, err)
			}
		}
		data := buf.b[:n]
		if !eof {
			k := bytes.LastIndexByte(data, '\n')
			if k < 0 {
				// A line longer than a buffer: a bad line; skip to its end.
				rest, err := s.skipLongLine(buf, r)
				if err != nil {
					buf.release()
					if err == io.EOF {
						return nil
					}
					return fmt.Errorf("read %s: after line %d: %w", src.Name, s.line-1, err)
				}
				carry = ru.getBuffer()
				carryLen = copy(carry.b, rest)
				buf.release()
				continue
			}
			carry = ru.getBuffer()
			carryLen = copy(carry.b, data[k+1:])
			data = data[:k+1]
		}
		s.lines(buf, data)
		buf.release()
	}
	return nil
}

// sourceState is what a reader knows of the source it reads: the format
// in force and the number of the next line.
type sourceState struct {
	ru   *run
	idx  int
	fmt  *format
	line int64
}

// lines sends data (whole lines of buf) to the workers, cut where a
// header line sets the format of the lines after it. Header lines are
// found here, not by the workers, so that a format change mid-file (files
// concatenated) applies to exactly the lines after it.
func (s *sourceState) lines(buf *buffer, data []byte) {
	start, startLine := 0, s.line
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos
		}
		line := data[pos:end]
		if mightBeHeader(line) {
			if f, ok := s.header(line); ok {
				s.send(buf, data[start:pos], startLine)
				s.fmt = f
				start, startLine = min(end+1, len(data)), s.line+1
			}
		}
		s.line++
		pos = end + 1
	}
	s.send(buf, data[start:], startLine)
}

// header returns the format a header line sets; the same format when it
// repeats the one in force.
func (s *sourceState) header(line []byte) (*format, bool) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if s.fmt.header != nil && bytes.Equal(line, s.fmt.header) {
		return s.fmt, true
	}
	h, ok := parseHeader(line)
	if !ok {
		return nil, false
	}
	f := newFormat(h.fields)
	f.header = bytes.Clone(line)
	if len(h.ignored) > 0 {
		key := strings.Join(h.ignored, ", ")
		s.ru.mu.Lock()
		if n := s.ru.notes[key]; n != nil {
			n.n++
		} else {
			s.ru.notes[key] = &note{first: s.ru.sources[s.idx].Name, n: 1}
		}
		s.ru.mu.Unlock()
	}
	return f, true
}

func (s *sourceState) send(buf *buffer, data []byte, line int64) {
	if len(data) == 0 {
		return
	}
	buf.refs.Add(1)
	s.ru.chunks <- chunk{buf: buf, data: data, src: s.idx, line: line, fmt: s.fmt}
}

// skipLongLine records the line filling buf as a bad line and reads on to
// its end; it returns what follows the line's newline (in buf).
func (s *sourceState) skipLongLine(buf *buffer, r io.Reader) ([]byte, error) {
	s.ru.mu.Lock()
	s.ru.nBad++
	s.ru.bad.add(s.idx, s.line, buf.b, bad{kind: badTooLong}, nil)
	s.ru.mu.Unlock()
	s.line++
	for {
		n, err := r.Read(buf.b)
		if k := bytes.IndexByte(buf.b[:n], '\n'); k >= 0 {
			return buf.b[k+1 : n], nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// worker parses chunks into records for its sink.
type worker struct {
	run  *run
	p    *parser
	sink Sink
	rec  Record

	records, nodata, skipdata, nBad, blank int64
	bad                                    badList
}

func (w *worker) loop() {
	for c := range w.run.chunks {
		data, line := c.data, c.line
		for len(data) > 0 {
			var l []byte
			if k := bytes.IndexByte(data, '\n'); k >= 0 {
				l, data = data[:k], data[k+1:]
			} else {
				l, data = data, nil
			}
			w.line(c, l, line)
			line++
		}
		c.buf.release()
	}
}

func (w *worker) line(c chunk, l []byte, n int64) {
	if len(l) > maxLine {
		w.badLine(c, n, l, bad{kind: badTooLong})
		return
	}
	text := l
	if len(l) > 0 && l[0] == '{' {
		msg, ok := unwrapJSON(l)
		if !ok {
			w.badLine(c, n, l, bad{kind: badJSON})
			return
		}
		text = msg
	}
	r := &w.rec
	b := w.p.parse(c.fmt, text, r)
	switch {
	case b.kind == badFieldCount && b.n == 0:
		w.blank++
	case b.kind != badNone:
		w.badLine(c, n, l, b)
	case r.LogStatus == StatusNoData:
		w.nodata++
	case r.LogStatus == StatusSkipData:
		w.skipdata++
	default:
		w.records++
		w.sink.Add(r)
	}
}

func (w *worker) badLine(c chunk, n int64, l []byte, b bad) {
	w.nBad++
	w.bad.add(c.src, n, l, b, c.fmt)
}

// badList keeps the max bad lines of lowest (source, line), their text
// and reason written out only when kept.
type badList struct {
	max   int
	lines []keptBad
}

type keptBad struct {
	src  int
	line BadLine
}

func (l *badList) less(a keptBad, src int, line int64) bool {
	return a.src < src || a.src == src && a.line.Line < line
}

func (l *badList) add(src int, line int64, text []byte, b bad, f *format) {
	if len(l.lines) >= l.max {
		last := l.lines[len(l.lines)-1]
		if l.less(last, src, line) {
			return
		}
		l.lines = l.lines[:len(l.lines)-1]
	}
	k := keptBad{src: src, line: BadLine{Line: line, Text: clip(text), Reason: b.reason(f)}}
	i, _ := slices.BinarySearchFunc(l.lines, k, cmpBad)
	l.lines = slices.Insert(l.lines, i, k)
}

func cmpBad(a, b keptBad) int {
	if c := cmp.Compare(a.src, b.src); c != 0 {
		return c
	}
	return cmp.Compare(a.line.Line, b.line.Line)
}

func (l *badList) sort() { slices.SortFunc(l.lines, cmpBad) }

// clip returns at most maxText bytes of a line, cut at a character
// boundary, as valid UTF-8 (other bytes become U+FFFD), without its
// trailing CR.
func clip(b []byte) string {
	b = bytes.TrimRight(b, "\r")
	if len(b) > maxText {
		cut := maxText
		for cut > maxText-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
			cut--
		}
		b = b[:cut]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
