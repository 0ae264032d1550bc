// Package history keeps every scan in an SQLite database file (pure Go,
// no cgo: modernc.org/sqlite), so that what changed between any two scans
// of an account can be told: the findings that appeared, disappeared or
// came back, and the internet exposure over time (`scan --history`,
// `vpcdoctor history`; docs/history.md).
//
// The file is one SQLite database in the rollback-journal mode (one file,
// nothing beside it once closed), which the sqlite3 shell reads too. Its
// schema is versioned by PRAGMA user_version and upgraded by the
// migrations in migrate.go, each in its own transaction; a file from a
// newer vpcdoctor is refused untouched. Every write is one transaction: a
// failed or interrupted Record leaves the scans recorded before it as
// they were.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultBusyTimeout is how long a write waits for another process that
// holds the file's lock before giving up.
const DefaultBusyTimeout = 5 * time.Second

// Options tune Open.
type Options struct {
	// BusyTimeout is how long to wait for another writer's lock; zero
	// means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// MustExist refuses a path where no file is, instead of creating a
	// new history there (`vpcdoctor history` reads an existing file).
	MustExist bool
}

// DB is an open history file.
type DB struct {
	path    string
	db      *sql.DB
	timeout time.Duration // the busy timeout

	// failAt, when set, is called at each step of Record and aborts it
	// with its error (tests: a write that fails halfway).
	failAt func(step string) error
}

// Open opens the history at path, creating it when absent (unless
// opts.MustExist), and brings its schema up to date. It refuses, without
// writing to it, a file that is not an SQLite database, an SQLite
// database that is not a vpcdoctor history, and a history written by a
// newer vpcdoctor.
func Open(path string, opts Options) (*DB, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && opts.MustExist:
		return nil, fmt.Errorf("%s: no such history file (scan with --history %s to start one)", path, path)
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%s is a folder; name a history file", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("history: %w", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		if d := filepath.Dir(path); !isDir(d) {
			return nil, fmt.Errorf("history %s: the folder %s does not exist", path, d)
		}
	}
	timeout := opts.BusyTimeout
	if timeout <= 0 {
		timeout = DefaultBusyTimeout
	}
	db, err := sql.Open("sqlite", dsn(path, timeout))
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	// One connection: SQLite serialises writers anyway, and a single
	// connection keeps the pragmas and the lock state in one place.
	db.SetMaxOpenConns(1)
	h := &DB{path: path, db: db, timeout: timeout}
	if err := h.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return h, nil
}

// Path is the file the history was opened from.
func (h *DB) Path() string { return h.path }

// Close closes the file.
func (h *DB) Close() error {
	if err := h.db.Close(); err != nil {
		return h.wrap(err)
	}
	return nil
}

// dsn is the driver's name for path: an SQLite URI (so that any character
// of a file name is safe) with the busy timeout and BEGIN IMMEDIATE for
// transactions (a writer takes the lock when it starts, not halfway).
func dsn(path string, timeout time.Duration) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if p[0] != '/' {
		p = "/" + p // a Windows drive letter
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", timeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return (&url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}).String()
}

// wrap names the file in err and says plainly what SQLite's codes mean.
func (h *DB) wrap(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s is locked by another vpcdoctor or sqlite process (waited %s for it; try again once it has finished): %w", h.path, h.timeout, err)
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s is not a vpcdoctor history: it is not an SQLite database (a different file, or a damaged one); it was left as it is: %w", h.path, err)
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s is damaged (SQLite reports corruption); it was left as it is, restore it from a copy: %w", h.path, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("history %s cannot be written: %w", h.path, err)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("history %s: the disk is full; the scans recorded before are intact: %w", h.path, err)
		}
	}
	return fmt.Errorf("history %s: %w", h.path, err)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
