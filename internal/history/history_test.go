package history

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// day is the first scan's time; scan n is n days later.
var day = time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC)

// finding is a finding of account 111122223333 in ap-northeast-1.
func finding(rule, severity, resource string) report.Finding {
	return report.Finding{Rule: rule, Severity: severity, Title: rule, Message: rule + " on " + resource,
		Account: "111122223333", Region: "ap-northeast-1", Resources: []string{resource}}
}

// exposure is an exposure of account 111122223333 from the whole internet.
func exposure(resource string, port int) report.Exposure {
	return report.Exposure{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-" + resource, Resource: resource,
		ResourceType: "ec2-instance", Protocol: "tcp", FromPort: port, ToPort: port, Sources: []string{"0.0.0.0/0"},
		WholeInternet: true, Via: "direct"}
}

// scanOf is a one-account report holding fs and xs.
func scanOf(fs []report.Finding, xs ...report.Exposure) *report.Report {
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Findings: fs, Exposures: xs}
	rep.Scanned.Accounts = []report.Account{{ID: "111122223333", Name: "oyatsu"}}
	rep.Coverage = []report.Coverage{{Account: "111122223333", Region: "ap-northeast-1", Complete: true}}
	return rep
}

var (
	sshOpen = finding("sg-admin-port-world-open", "critical", "sg-0aaa")
	dbOpen  = finding("rds-publicly-accessible", "high", "oyatsu-db")
	noLogs  = finding("vpc-flow-logs-disabled", "low", "vpc-0bbb")
)

func open(t *testing.T, path string) *DB {
	t.Helper()
	h, err := Open(path, Options{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func record(t *testing.T, h *DB, rep *report.Report, n int) []int64 {
	t.Helper()
	ids, err := h.Record(rep, day.Add(time.Duration(n)*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func rules(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return strings.Join(out, ",")
}

// The "done when": a finding appears in the second of three scans
// and is resolved in the third.
func TestAppearsThenResolved(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	s1 := record(t, h, scanOf([]report.Finding{noLogs}, exposure("i-web", 443)), 0)[0]
	s2 := record(t, h, scanOf([]report.Finding{noLogs, dbOpen}, exposure("i-web", 443), exposure("oyatsu-db", 3306)), 1)[0]
	s3 := record(t, h, scanOf([]report.Finding{noLogs}, exposure("i-web", 443)), 2)[0]

	c, err := h.Compare(s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	if rules(c.Appeared) != "rds-publicly-accessible" || len(c.Disappeared) != 0 || len(c.Reopened) != 0 {
		t.Errorf("scan 1 → 2: appeared %q, disappeared %q, reopened %d; want the database appearing only", rules(c.Appeared), rules(c.Disappeared), len(c.Reopened))
	}
	if c.Appeared[0].Fingerprint != dbOpen.Fingerprint() {
		t.Errorf("fingerprint %s, want report.Finding.Fingerprint() %s", c.Appeared[0].Fingerprint, dbOpen.Fingerprint())
	}
	if len(c.ExposuresOpened) != 1 || c.ExposuresOpened[0].Traffic() != "tcp/3306" || len(c.ExposuresClosed) != 0 {
		t.Errorf("exposures opened %+v, closed %+v; want tcp/3306 opened", c.ExposuresOpened, c.ExposuresClosed)
	}
	c, err = h.Compare(s2, s3)
	if err != nil {
		t.Fatal(err)
	}
	if rules(c.Disappeared) != "rds-publicly-accessible" || len(c.Appeared) != 0 || len(c.Reopened) != 0 {
		t.Errorf("scan 2 → 3: disappeared %q, appeared %q; want the database resolved", rules(c.Disappeared), rules(c.Appeared))
	}
	if len(c.ExposuresClosed) != 1 || c.ExposuresClosed[0].Resource != "oyatsu-db" || len(c.ExposuresOpened) != 0 {
		t.Errorf("exposures closed %+v, opened %+v; want oyatsu-db's closed", c.ExposuresClosed, c.ExposuresOpened)
	}
	// Scans further apart compare too: 1 → 3 is no change.
	c, err = h.Compare(s1, s3)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Appeared)+len(c.Disappeared)+len(c.Reopened)+len(c.ExposuresOpened)+len(c.ExposuresClosed) != 0 {
		t.Errorf("scan 1 → 3: %+v, want no change", c)
	}
}

// A finding resolved in scan 2 and back in scan 4 is re-opened, not new;
// one never seen before is new.
func TestReopened(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	ids := []int64{
		record(t, h, scanOf([]report.Finding{sshOpen, noLogs}), 0)[0],
		record(t, h, scanOf([]report.Finding{noLogs}), 1)[0],
		record(t, h, scanOf([]report.Finding{noLogs}), 2)[0],
		record(t, h, scanOf([]report.Finding{sshOpen, noLogs, dbOpen}), 3)[0],
	}
	c, err := h.Compare(ids[2], ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reopened) != 1 || c.Reopened[0].Rule != sshOpen.Rule {
		t.Fatalf("reopened %+v, want %s", c.Reopened, sshOpen.Rule)
	}
	if r := c.Reopened[0]; r.LastSeen != ids[0] || r.ResolvedIn != ids[1] {
		t.Errorf("reopened: last seen in %d, resolved in %d; want %d and %d", r.LastSeen, r.ResolvedIn, ids[0], ids[1])
	}
	if rules(c.Appeared) != dbOpen.Rule {
		t.Errorf("appeared %q, want only %s (the re-opened finding is not new)", rules(c.Appeared), dbOpen.Rule)
	}
	// Comparing from scan 1, the SSH finding was there: no change for it.
	c, err = h.Compare(ids[0], ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reopened) != 0 || rules(c.Appeared) != dbOpen.Rule {
		t.Errorf("1 → 4: reopened %+v, appeared %q; want only the database new", c.Reopened, rules(c.Appeared))
	}
	// From scan 2, it was last seen in scan 1 and resolved by scan 2 itself.
	c, err = h.Compare(ids[1], ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reopened) != 1 || c.Reopened[0].LastSeen != ids[0] || c.Reopened[0].ResolvedIn != ids[1] {
		t.Errorf("2 → 4: reopened %+v, want last seen %d, resolved in %d", c.Reopened, ids[0], ids[1])
	}
}

func TestCompareRefusesMismatchedScans(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	a := record(t, h, scanOf(nil), 0)[0]
	b := record(t, h, scanOf(nil), 1)[0]
	other := scanOf(nil)
	other.Scanned.Accounts = []report.Account{{ID: "444455556666", Name: "staging"}}
	c := record(t, h, other, 2)[0]
	for _, tc := range []struct {
		from, to int64
		want     string
	}{
		{b, a, "is not earlier than"},
		{a, c, "compare two scans of one account"},
		{a, 99, "holds no scan 99"},
	} {
		if _, err := h.Compare(tc.from, tc.to); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compare(%d, %d) = %v, want an error saying %q", tc.from, tc.to, err, tc.want)
		}
	}
}

// A scan of several accounts stores one scan per account, each with its
// own findings and exposures.
func TestRecordEachAccount(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	staging := finding("sg-world-open-port", "high", "sg-0ccc")
	staging.Account = "444455556666"
	x := exposure("i-stg", 8080)
	x.Account = "444455556666"
	rep := scanOf([]report.Finding{sshOpen, staging, func() report.Finding { f := noLogs; f.Suppressed = true; return f }()}, exposure("i-web", 22), x)
	rep.Scanned.Accounts = append(rep.Scanned.Accounts, report.Account{ID: "444455556666", Name: "staging"})
	rep.Coverage = append(rep.Coverage, report.Coverage{Account: "444455556666", Region: "us-east-1", Complete: false})
	ids := record(t, h, rep, 0)
	if len(ids) != 2 {
		t.Fatalf("ids %v, want one scan per account", ids)
	}
	scans, err := h.Scans("")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(len(scans))
	for _, s := range scans {
		got += fmt.Sprintf(" [%d run %d %s %s %s complete=%t regions=%d total=%d critical=%d high=%d suppressed=%d exposures=%d]",
			s.ID, s.Run, s.Account, s.AccountName, s.Time.Format(time.RFC3339), s.Complete, s.Regions, s.Findings.Total, s.Findings.Critical, s.Findings.High, s.Findings.Suppressed, s.Exposures)
	}
	want := "2 [1 run 1 111122223333 oyatsu 2026-11-01T09:30:00Z complete=true regions=1 total=1 critical=1 high=0 suppressed=1 exposures=1]" +
		" [2 run 1 444455556666 staging 2026-11-01T09:30:00Z complete=false regions=1 total=1 critical=0 high=1 suppressed=0 exposures=1]"
	if got != want {
		t.Errorf("scans\n got %s\nwant %s", got, want)
	}
	only, err := h.Scans("444455556666")
	if err != nil || len(only) != 1 || only[0].ID != 2 {
		t.Errorf("Scans(staging) = %+v, %v; want scan 2 only", only, err)
	}
	fs, err := h.Findings(1)
	if err != nil {
		t.Fatal(err)
	}
	if rules(fs) != "sg-admin-port-world-open,vpc-flow-logs-disabled" || !fs[1].Suppressed || fs[0].Suppressed {
		t.Errorf("scan 1's findings %+v, want the SSH finding then the suppressed flow-log one", fs)
	}
}

func TestDrift(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	narrow := exposure("i-web", 22)
	narrow.Sources, narrow.WholeInternet = []string{"203.0.113.0/24"}, false
	record(t, h, scanOf(nil, exposure("i-web", 443), exposure("i-web", 22), exposure("oyatsu-db", 3306)), 0)
	record(t, h, scanOf(nil, exposure("i-web", 443), narrow), 1)
	d, err := h.Drift("")
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || len(d[0].Points) != 2 {
		t.Fatalf("drift %+v, want one account with two points", d)
	}
	p0, p1 := d[0].Points[0], d[0].Points[1]
	if got := fmt.Sprintf("%d %d %d %v | %d %d %d %v", p0.Exposures, p0.WholeInternet, p0.Resources, p0.Traffic, p1.Exposures, p1.WholeInternet, p1.Resources, p1.Traffic); got != "3 3 2 [tcp/22 tcp/443 tcp/3306] | 2 1 1 [tcp/22 tcp/443]" {
		t.Errorf("drift %s", got)
	}
}

// The schema migrates from an older version, keeping what it holds.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	old, err := sql.Open("sqlite", dsn(path, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	h := &DB{path: path, db: old}
	if err := h.migrateTo(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	// A scan as version 1 stored it: no exposures table yet.
	if _, err := old.Exec(`INSERT INTO scans (id, run, account, account_name, scanned_at, report_schema, complete, regions)
		VALUES (1, 1, '111122223333', 'oyatsu', '2026-10-01T00:00:00.000000000Z', 1, 1, 1);
		INSERT INTO findings VALUES (1, ?, 'sg-admin-port-world-open', 'critical', 'ap-northeast-1', '["sg-0aaa"]', 'old', 0)`, sshOpen.Fingerprint()); err != nil {
		t.Fatal(err)
	}
	var tables int
	old.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'exposures'").Scan(&tables)
	old.Close()
	if tables != 0 {
		t.Fatal("version 1 already has the exposures table: the test does not start from an old file")
	}

	n := open(t, path)
	var version int
	if err := n.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion {
		t.Fatalf("user_version %d (%v), want %d", version, err, SchemaVersion)
	}
	s2 := record(t, n, scanOf(nil, exposure("i-web", 443)), 40)[0]
	c, err := n.Compare(1, s2)
	if err != nil {
		t.Fatal(err)
	}
	if rules(c.Disappeared) != sshOpen.Rule || len(c.ExposuresOpened) != 1 {
		t.Errorf("after migrating: disappeared %q, exposures opened %d; want the old scan's finding resolved and one exposure", rules(c.Disappeared), len(c.ExposuresOpened))
	}
}

// sum is a file's SHA-256, to show it was not written to.
func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestRefusesFilesItDoesNotOwn(t *testing.T) {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "report.json")
	os.WriteFile(notSQLite, []byte(strings.Repeat(`{"findings": []}`+"\n", 300)), 0o644)

	newer := filepath.Join(dir, "newer.db")
	h := open(t, newer)
	record(t, h, scanOf([]report.Finding{sshOpen}), 0)
	if _, err := h.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	h.Close()

	foreign := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", dsn(foreign, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	damaged := filepath.Join(dir, "damaged.db")
	h = open(t, damaged)
	for i := range 50 {
		record(t, h, scanOf([]report.Finding{sshOpen, dbOpen, noLogs}, exposure("i-web", 443)), i)
	}
	h.Close()
	b, _ := os.ReadFile(damaged)
	for i := 4096; i < len(b); i++ { // every page after the first
		b[i] = 0xA5
	}
	os.WriteFile(damaged, b, 0o644)

	for _, tc := range []struct {
		path, want string
	}{
		{notSQLite, "is not a vpcdoctor history: it is not an SQLite database"},
		{newer, "was written by a newer vpcdoctor (history schema 99; this one knows up to 2)"},
		{foreign, "is an SQLite database but not a vpcdoctor history"},
		{damaged, "is damaged"},
		{filepath.Join(dir, "absent", "history.db"), "the folder " + filepath.Join(dir, "absent") + " does not exist"},
		{dir, "is a folder"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			var before [32]byte
			if fi, err := os.Stat(tc.path); err == nil && !fi.IsDir() {
				before = sum(t, tc.path)
			}
			h, err := Open(tc.path, Options{})
			if err == nil {
				// The damage may show only on reading the pages.
				_, err = h.Scans("")
				if err == nil {
					_, err = h.Record(scanOf(nil), day)
				}
				h.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("error %v, want one naming %s and saying %q", err, tc.path, tc.want)
			}
			if before != ([32]byte{}) && sum(t, tc.path) != before {
				t.Errorf("%s was written to", tc.path)
			}
			if _, err := os.Stat(tc.path + "-journal"); err == nil {
				t.Errorf("a journal was left beside %s", tc.path)
			}
		})
	}
}

func TestMustExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	if _, err := Open(path, Options{MustExist: true}); err == nil || !strings.Contains(err.Error(), "no such history file") {
		t.Errorf("error %v, want no such history file", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("Open with MustExist created the file")
	}
}

// A Record that fails halfway stores nothing and leaves the earlier
// scans as they were.
func TestFailedRecordKeepsEarlierScans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := open(t, path)
	record(t, h, scanOf([]report.Finding{sshOpen}, exposure("i-web", 22)), 0)
	record(t, h, scanOf([]report.Finding{sshOpen, dbOpen}, exposure("i-web", 22)), 1)
	before, err := h.Scans("")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"scan", "findings", "exposures", "commit"} {
		h.failAt = func(s string) error {
			if s == step {
				return errors.New("disk on fire")
			}
			return nil
		}
		rep := scanOf([]report.Finding{noLogs}, exposure("i-web", 443))
		rep.Scanned.Accounts = append(rep.Scanned.Accounts, report.Account{ID: "444455556666", Name: "staging"})
		if _, err := h.Record(rep, day.Add(72*time.Hour)); err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), path) {
			t.Errorf("failing at %s: error %v, want the hook's, naming the file", step, err)
		}
	}
	h.failAt = nil
	h.Close()
	h = open(t, path) // what is on disk
	after, err := h.Scans("")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", after) != fmt.Sprintf("%+v", before) {
		t.Errorf("after failed records\n got %+v\nwant %+v", after, before)
	}
	var findings, exposures int
	h.db.QueryRow("SELECT count(*) FROM findings").Scan(&findings)
	h.db.QueryRow("SELECT count(*) FROM exposures").Scan(&exposures)
	if findings != 3 || exposures != 2 {
		t.Errorf("%d findings and %d exposures stored, want 3 and 2 (the failed records' rows rolled back)", findings, exposures)
	}
}

// holdLock runs this test binary as another process that opens path and
// holds its lock (mode: "immediate", a writer; "exclusive", no reader
// either) until the returned function is called.
func holdLock(t *testing.T, path, mode string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "HISTORY_LOCK_FILE="+path, "HISTORY_LOCK_MODE="+mode)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("the lock holder said %q", line)
	}
	return func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("lock holder: %v", err)
		}
	}
}

// TestHelperHoldLock is the other process of holdLock; it does nothing
// in a normal run.
func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("HISTORY_LOCK_FILE")
	if path == "" {
		return
	}
	db, err := sql.Open("sqlite", dsn(path, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN "+os.Getenv("HISTORY_LOCK_MODE")+"; INSERT INTO scans (run, account, account_name, scanned_at, report_schema, complete, regions) VALUES (0, 'x', 'x', 'x', 1, 1, 1)"); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes it
	conn.ExecContext(context.Background(), "ROLLBACK")
	conn.Close()
	db.Close()
}

func TestLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	h := open(t, path)
	record(t, h, scanOf([]report.Finding{sshOpen}), 0)
	h.Close()
	const want = "is locked by another vpcdoctor or sqlite process"

	release := holdLock(t, path, "immediate")
	h = open(t, path) // reading is allowed beside a writer
	start := time.Now()
	_, err := h.Record(scanOf(nil), day.Add(24*time.Hour))
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("gave up after %v, before the busy timeout", waited)
	}
	if err == nil || !strings.Contains(err.Error(), path+" "+want) {
		t.Errorf("Record beside another writer: %v, want %q", err, want)
	}
	release()
	if _, err := h.Record(scanOf(nil), day.Add(24*time.Hour)); err != nil {
		t.Errorf("Record once the other writer is gone: %v", err)
	}
	h.Close()

	release = holdLock(t, path, "exclusive")
	defer release()
	if _, err := Open(path, Options{BusyTimeout: 100 * time.Millisecond}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Open while another process holds the file exclusively: %v, want %q", err, want)
	}
}

// A finding in both scans whose grade or suppression changed is listed as
// changed, with what it was; an unchanged one is not.
func TestSeverityAndSuppressionChanged(t *testing.T) {
	h := open(t, filepath.Join(t.TempDir(), "history.db"))
	graver := dbOpen
	graver.Severity = "critical"
	accepted := noLogs
	accepted.Suppressed = true
	s1 := record(t, h, scanOf([]report.Finding{noLogs, dbOpen}), 0)[0]
	s2 := record(t, h, scanOf([]report.Finding{accepted, graver}), 1)[0]
	c, err := h.Compare(s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Appeared)+len(c.Disappeared)+len(c.Reopened) != 0 || len(c.Changed) != 2 {
		t.Fatalf("appeared %q, disappeared %q, changed %+v; want two changed only", rules(c.Appeared), rules(c.Disappeared), c.Changed)
	}
	got := map[string]Changed{}
	for _, ch := range c.Changed {
		got[ch.Rule] = ch
	}
	if ch := got[dbOpen.Rule]; ch.Severity != "critical" || ch.WasSeverity != dbOpen.Severity || ch.WasSuppressed {
		t.Errorf("regraded: %+v", ch)
	}
	if ch := got[noLogs.Rule]; !ch.Suppressed || ch.WasSuppressed || ch.WasSeverity != noLogs.Severity {
		t.Errorf("suppressed: %+v", ch)
	}
	s3 := record(t, h, scanOf([]report.Finding{accepted, graver}), 2)[0]
	if c, err := h.Compare(s2, s3); err != nil || len(c.Changed) != 0 {
		t.Errorf("the same scan again: changed %+v (%v)", c.Changed, err)
	}
}
