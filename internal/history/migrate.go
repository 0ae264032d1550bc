package history

import (
	"context"
	"database/sql"
	"fmt"
)

// applicationID marks a vpcdoctor history in the SQLite header
// (PRAGMA application_id): "vpcd".
const applicationID = 0x76706364

// migrations are the schema's versions: migrations[i] takes a file from
// version i to i+1 (PRAGMA user_version). Append only; never edit one that
// has been released, since files in the field were made by it.
var migrations = []string{
	// 1: scans and their findings.
	`CREATE TABLE scans (
		id            INTEGER PRIMARY KEY,
		run           INTEGER NOT NULL,          -- the id of the first scan the same Record stored
		account       TEXT    NOT NULL,          -- the account's ID, or its folder name when no file names it
		account_name  TEXT    NOT NULL,          -- the snapshot folder's name
		scanned_at    TEXT    NOT NULL,          -- UTC, 2006-01-02T15:04:05.000000000Z (sorts as text)
		report_schema INTEGER NOT NULL,          -- report.SchemaVersion of the scan
		complete      INTEGER NOT NULL,          -- 1 when every call was collected in every region
		regions       INTEGER NOT NULL
	);
	CREATE INDEX scans_by_account ON scans (account, scanned_at, id);
	CREATE TABLE findings (
		scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
		fingerprint TEXT    NOT NULL,            -- report.Finding.Fingerprint()
		rule        TEXT    NOT NULL,
		severity    TEXT    NOT NULL,
		region      TEXT    NOT NULL,
		resources   TEXT    NOT NULL,            -- JSON array of IDs, the main one first
		message     TEXT    NOT NULL,
		suppressed  INTEGER NOT NULL
	);
	CREATE INDEX findings_by_scan ON findings (scan_id, severity, suppressed, fingerprint);`,

	// 2: internet exposures, for the exposure drift.
	`CREATE TABLE exposures (
		scan_id          INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
		region           TEXT    NOT NULL,
		resource         TEXT    NOT NULL,       -- the owner's ID; empty when unknown
		resource_type    TEXT    NOT NULL,
		eni              TEXT    NOT NULL,
		protocol         TEXT    NOT NULL,       -- tcp, udp, icmp, icmpv6, all, or a number
		except_protocols TEXT    NOT NULL,       -- JSON array, with protocol all
		from_port        INTEGER NOT NULL,
		to_port          INTEGER NOT NULL,
		sources          TEXT    NOT NULL,       -- JSON array of CIDRs
		whole_internet   INTEGER NOT NULL,
		via              TEXT    NOT NULL,       -- direct or load-balancer
		load_balancer    TEXT    NOT NULL
	);
	CREATE INDEX exposures_by_scan ON exposures (scan_id, protocol, from_port, to_port, except_protocols);`,
}

// SchemaVersion is the history schema this vpcdoctor writes.
var SchemaVersion = len(migrations)

// migrate checks the file is a history this vpcdoctor can read and applies
// the migrations it lacks, each in its own transaction, so that an
// interrupted upgrade leaves the file at the last version it reached.
func (h *DB) migrate(ctx context.Context) error {
	return h.migrateTo(ctx, len(migrations))
}

// migrateTo brings the file to version target (tests make old files).
func (h *DB) migrateTo(ctx context.Context, target int) error {
	version, appID, tables, err := h.header(ctx)
	if err != nil {
		return err
	}
	switch {
	case appID != 0 && appID != applicationID:
		return fmt.Errorf("%s is an SQLite database of another program (application_id %#x), not a vpcdoctor history; it was left as it is", h.path, appID)
	case version == 0 && tables > 0:
		return fmt.Errorf("%s is an SQLite database but not a vpcdoctor history (it has tables and no history schema); it was left as it is", h.path)
	case version > len(migrations):
		return fmt.Errorf("%s was written by a newer vpcdoctor (history schema %d; this one knows up to %d): upgrade vpcdoctor to read it; the file was left as it is", h.path, version, len(migrations))
	}
	for v := version; v < target; v++ {
		if err := h.step(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// header reads the schema version, the application ID and how many
// tables the file holds. The first read of a file that is not SQLite
// fails here, before anything is written.
func (h *DB) header(ctx context.Context) (version, appID, tables int, err error) {
	if err := h.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, 0, 0, h.wrap(err)
	}
	if err := h.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return 0, 0, 0, h.wrap(err)
	}
	if err := h.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return 0, 0, 0, h.wrap(err)
	}
	return version, appID, tables, nil
}

// step applies migration v (from version v to v+1) in one transaction. It
// reads the version again under the write lock: another process may have
// migrated the file meanwhile.
func (h *DB) step(ctx context.Context, v int) error {
	return h.inTx(ctx, func(tx *sql.Tx) error {
		var now int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
			return err
		}
		if now != v {
			return nil // someone else got there first
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migration to history schema %d: %w", v+1, err)
		}
		if v == 0 {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
		return err
	})
}

// inTx runs f in a write transaction (BEGIN IMMEDIATE: the lock is taken
// at the start) and commits it, or rolls it back when f fails.
func (h *DB) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return h.wrap(err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return h.wrap(err)
	}
	if err := tx.Commit(); err != nil {
		_ = tx.Rollback()
		return h.wrap(err)
	}
	return nil
}
