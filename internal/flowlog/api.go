package flowlog

import (
	"context"
	"io"
)

// Sink receives records. Read gives each of its workers its own Sink (from
// newSink), so a Sink needs no locking; the caller merges them afterwards.
// The *Record is only valid during the call.
type Sink interface {
	Add(r *Record)
}

// Source is one flow-log object: a file, or an S3 object.
type Source struct {
	Name string // as messages name it: a path or s3://bucket/key
	Size int64  // bytes, for progress; 0 when unknown
	Open func() (io.ReadCloser, error)
}

// Options tune Read.
type Options struct {
	// Format is the field order of files without a header line
	// (CloudWatch Logs exports); nil means AWS's default version-2 format.
	Format []Field
	// Workers is how many goroutines parse; 0 means GOMAXPROCS.
	Workers int
	// MaxBadLines is how many unparsable lines are kept with their
	// position (all are counted); 0 means 10.
	MaxBadLines int
	// Strings, when not nil, are the string fields (interface ID, VPC
	// ID, ...) the sinks use: the others are checked as always (a value
	// that is not UTF-8 makes the line bad) but left empty in the Record,
	// which saves interning them. nil keeps every field.
	Strings []Field
	// Only, when not nil, are the fields the sinks read: every other field
	// is only delimited, neither parsed nor checked, and its Record value
	// is left as when absent. A malformed value in such a field then does
	// not make the line bad, as Athena's SerDe reads a column a query does
	// not use; the number of fields is still checked. nil reads and
	// checks every field.
	Only []Field
	// Progress, when set, is called now and then with the bytes read so
	// far (compressed bytes for gzip files).
	Progress func(read int64)
}

// BadLine is a line that did not parse.
type BadLine struct {
	File   string `json:"file"`
	Line   int64  `json:"line"`
	Text   string `json:"text"` // at most 200 bytes of it
	Reason string `json:"reason"`
}

// Stats count what Read saw. Records counts the records passed to the
// sinks; NODATA and SKIPDATA records, bad lines, blank lines and header
// lines are not records.
type Stats struct {
	Files      int64     `json:"files"` // sources opened
	Bytes      int64     `json:"bytes"` // as stored (compressed for gzip)
	Records    int64     `json:"records"`
	NoData     int64     `json:"nodata"`
	SkipData   int64     `json:"skipdata"`
	BadLines   int64     `json:"bad_lines"`
	Bad        []BadLine `json:"bad,omitempty"`         // the first MaxBadLines, in file and line order
	BlankLines int64     `json:"blank_lines,omitempty"` // empty or all spaces; skipped
	// Notes say what was read but not used: header fields outside
	// versions 2–5 (ECS, Transit Gateway, later ones), one note per set
	// of such fields.
	Notes []string `json:"notes,omitempty"`
}

// Read streams every record of sources to the sinks: records with
// log-status NODATA or SKIPDATA are counted and not passed on. A line that
// does not parse is counted and kept in Stats.Bad; it never stops the read.
// An error is returned only when a source cannot be opened or read (or ctx
// ends), naming the source: a source that fails (a truncated or corrupt
// gzip file, a Parquet file, an I/O error) does not stop the others, the
// records read from it before the failure have been passed on, and the
// error joins one error per failed source, naming the line reached.
//
// A source is gzip when it starts with gzip's magic bytes, whatever its
// name; gzip members may be concatenated. A header line (field names, as
// S3 delivery writes first in each file) sets the format of the lines
// after it, wherever it is; lines before any header are in Options.Format.
// Records reach the sinks in no particular order.
func Read(ctx context.Context, sources []Source, opt Options, newSink func() Sink) (Stats, error) {
	return read(ctx, sources, opt, newSink)
}
