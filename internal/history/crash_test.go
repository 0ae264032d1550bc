package history

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHelperRecordForever is the other process of TestKilledMidWrite: it
// records large scans until it is killed, printing each committed scan's
// ID. It does nothing in a normal run.
func TestHelperRecordForever(t *testing.T) {
	path := os.Getenv("HISTORY_RECORD_FILE")
	if path == "" {
		return
	}
	h, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := bigReport(5000, 0)
	for i := 0; ; i++ {
		ids, err := h.Record(rep, day.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(ids[0])
	}
}

// A process killed (SIGKILL) in the middle of recording loses at most the
// scan it was writing: the file is sound and holds every scan committed
// before, whole.
func TestKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips the crash test, which writes scans for a few seconds")
	}
	path := filepath.Join(t.TempDir(), "history.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRecordForever$")
	cmd.Env = append(os.Environ(), "HISTORY_RECORD_FILE="+path)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	last := int64(0)
	for last < 3 && lines.Scan() {
		id, err := strconv.ParseInt(strings.TrimSpace(lines.Text()), 10, 64)
		if err != nil {
			t.Fatalf("the recorder said %q", lines.Text())
		}
		last = id
	}
	// Kill it somewhere in the next scan's write: a scan takes tens of
	// milliseconds, so a few milliseconds in lands inside one.
	time.Sleep(7 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	if last < 3 {
		t.Fatalf("the recorder stopped after scan %d", last)
	}
	// A hot journal beside the file shows the kill landed inside a
	// transaction (nearly all of the recorder's time is spent in one).
	if fi, err := os.Stat(path + "-journal"); err != nil || fi.Size() == 0 {
		t.Logf("no hot journal after the kill (%v): it landed between two scans this time", err)
	} else {
		t.Logf("killed mid-write: a %d-byte hot journal", fi.Size())
	}

	h := open(t, path)
	var check string
	if err := h.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	scans, err := h.Scans("")
	if err != nil {
		t.Fatal(err)
	}
	// The scan after the last printed may have committed before the kill.
	if n := int64(len(scans)); n != last && n != last+1 {
		t.Fatalf("%d scans after the kill, want %d or %d", n, last, last+1)
	}
	for _, s := range scans {
		if s.Findings.Total+s.Findings.Suppressed != 5000 || s.Exposures != 5000 {
			t.Errorf("scan %d holds %d findings and %d exposures, want 5000 and 5000: a partial scan survived", s.ID, s.Findings.Total+s.Findings.Suppressed, s.Exposures)
		}
	}
	// And the file takes new scans.
	record(t, h, scanOf(nil), 1000)
}
