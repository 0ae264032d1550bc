package athena_test

// The proof that the Athena query is stage 1 (docs/flows.md): DuckDB runs
// the very text SQL returns over a table made like Athena's from a
// flow-log file, and its rows must equal flows.Observer's over the same
// file read by flowlog.Read. DuckDB (cgo) is imported by test code only,
// so the vpcdoctor binary stays pure Go (internal/archtest).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
)

// duckDialect is everything DuckDB is told so that it runs the Athena
// text unchanged: Trino's bitwise_and is DuckDB's & operator.
const duckDialect = `CREATE MACRO bitwise_and(a, b) AS (a & b)`

func openDuckDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database, one connection
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(duckDialect); err != nil {
		t.Fatal(err)
	}
	return db
}

// duckType is DuckDB's type for a Hive type of AWS's statement.
var duckType = map[string]string{"int": "INTEGER", "bigint": "BIGINT", "string": "VARCHAR"}

// partitionFile is one file of a table's partition.
type partitionFile struct {
	path string
	date string // the value of the table's "date" partition, YYYY-MM-DD
}

// createAthenaTable makes table as Athena's LazySimpleSerDe sees the
// files: one row per line after the header line (skip.header.line.count
// 1), fields split on single spaces, strings as written ("-" stays "-"),
// numbers NULL where the text is not a number, plus the "date" partition
// column.
func createAthenaTable(t testing.TB, db *sql.DB, table string, fields []flowlog.Field, files []partitionFile) {
	t.Helper()
	var defs, csvCols, casts []string
	for _, f := range fields {
		name, typ := athena.ColumnName(f), duckType[athena.ColumnType(f)]
		defs = append(defs, fmt.Sprintf("%q %s", name, typ))
		csvCols = append(csvCols, fmt.Sprintf("'%s': 'VARCHAR'", name))
		if typ == "VARCHAR" {
			casts = append(casts, fmt.Sprintf("%q", name))
		} else {
			casts = append(casts, fmt.Sprintf("TRY_CAST(%q AS %s)", name, typ))
		}
	}
	mustExec(t, db, fmt.Sprintf("CREATE TABLE %q (%s, \"date\" DATE)", table, strings.Join(defs, ", ")))
	for _, pf := range files {
		mustExec(t, db, fmt.Sprintf(`INSERT INTO %q SELECT %s, DATE '%s' FROM read_csv('%s', delim = ' ', header = false, skip = 1, quote = '', escape = '', auto_detect = false, null_padding = true, columns = {%s})`,
			table, strings.Join(casts, ", "), pf.date, pf.path, strings.Join(csvCols, ", ")))
	}
}

// createDirectView is how one would point DuckDB at a file for speed:
// read_csv with typed columns and "-" as NULL (strings too, which the
// query reads the same as "-"), read again by every query.
func createDirectView(t testing.TB, db *sql.DB, view string, fields []flowlog.Field, path, date string) {
	t.Helper()
	var cols []string
	for _, f := range fields {
		cols = append(cols, fmt.Sprintf("'%s': '%s'", athena.ColumnName(f), duckType[athena.ColumnType(f)]))
	}
	mustExec(t, db, fmt.Sprintf(`CREATE VIEW %q AS SELECT *, DATE '%s' AS "date" FROM read_csv('%s', delim = ' ', header = false, skip = 1, quote = '', escape = '', auto_detect = false, nullstr = '-', columns = {%s})`,
		view, date, path, strings.Join(cols, ", ")))
}

func mustExec(t testing.TB, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// duckObservations runs query on DuckDB, every column as text (as Athena
// returns them), and parses the rows with athena.ParseRow, sorted.
func duckObservations(t testing.TB, db *sql.DB, query string) []flows.Observation {
	t.Helper()
	rows, err := db.Query("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (\n" + query + ") AS observations")
	if err != nil {
		t.Fatalf("DuckDB: %v", err)
	}
	defer rows.Close()
	var out []flows.Observation
	row := make([]sql.NullString, len(athena.Columns))
	ptrs := make([]any, len(row))
	for i := range row {
		ptrs[i] = &row[i]
	}
	text := make([]string, len(row))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range row {
			text[i] = v.String // NULL reads as "", as in an Athena result
		}
		ob, err := athena.ParseRow(text)
		if err != nil {
			t.Fatalf("row %v: %v", text, err)
		}
		out = append(out, ob)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sortObservations(out)
	return out
}

// readerObservations reads paths with flowlog.Read into flows.Observer,
// as vpcdoctor flows does.
func readerObservations(t testing.TB, ports flows.ListeningPorts, paths ...string) ([]flows.Observation, flowlog.Stats) {
	t.Helper()
	var sources []flowlog.Source
	for _, p := range paths {
		sources = append(sources, flowlog.Source{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }})
	}
	var mu sync.Mutex
	var sinks []*flows.Observer
	stats, err := flowlog.Read(context.Background(), sources, flowlog.Options{}, func() flowlog.Sink {
		o := flows.NewObserver(ports)
		mu.Lock()
		sinks = append(sinks, o)
		mu.Unlock()
		return o
	})
	if err != nil {
		t.Fatal(err)
	}
	all := flows.NewObserver(ports)
	for _, o := range sinks {
		all.Merge(o)
	}
	return all.Observations(), stats // sorted by flows.CompareKeys
}

func sortObservations(obs []flows.Observation) {
	slices.SortFunc(obs, func(a, b flows.Observation) int { return flows.CompareKeys(a.ObservationKey, b.ObservationKey) })
}

// sameObservations fails with the first differences.
func sameObservations(t testing.TB, what string, got, want []flows.Observation) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 || reflect.DeepEqual(got, want) {
		return
	}
	t.Errorf("%s: DuckDB gives %d observations, the reader %d", what, len(got), len(want))
	shown := 0
	for i := 0; i < max(len(got), len(want)) && shown < 8; i++ {
		var g, w *flows.Observation
		if i < len(got) {
			g = &got[i]
		}
		if i < len(want) {
			w = &want[i]
		}
		if g == nil || w == nil || *g != *w {
			t.Errorf("  #%d\n  DuckDB: %+v\n  reader: %+v", i, g, w)
			shown++
		}
	}
}

func TestAthenaSQLMatchesReader(t *testing.T) {
	dir := t.TempDir()
	day1 := filepath.Join(dir, "123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20240501T0000Z_a1b2c3d4.log")
	day2 := filepath.Join(dir, "123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20240502T0000Z_e5f6a7b8.log.gz")
	writeFixture(t, day1, 20000, 1, false)
	writeFixture(t, day2, 20000, 2, true)
	db := openDuckDB(t)
	createAthenaTable(t, db, "vpc_flow_logs", athena.AllFields(), []partitionFile{{day1, "2024-05-01"}, {day2, "2024-05-02"}})

	query, err := athena.SQL("vpc_flow_logs", fixturePorts)
	if err != nil {
		t.Fatal(err)
	}
	want, stats := readerObservations(t, fixturePorts, day1, day2)
	got := duckObservations(t, db, query)
	sameObservations(t, "both days", got, want)

	// The fixture holds every case stage 1 tells apart: not a vacuous pass.
	if stats.Records+stats.NoData+stats.SkipData != 40000 || stats.NoData == 0 || stats.SkipData == 0 || stats.BadLines != 0 {
		t.Errorf("fixture read as %+v, want 40000 lines with NODATA and SKIPDATA and no bad line", stats)
	}
	seen := map[string]bool{}
	for _, ob := range want {
		seen[string(ob.Basis)] = true
		seen[fmt.Sprintf("proto %d", ob.Protocol)] = true
		switch {
		case ob.NoAction:
			seen["no action"] = true
		case !ob.Accept:
			seen["REJECT"] = true
		}
		if ob.Client.Is6() {
			seen["IPv6"] = true
		}
		if !ob.Client.IsValid() || !ob.Server.IsValid() {
			seen["address -"] = true
		}
		if ob.InterfaceID == "" {
			seen["interface -"] = true
		}
		if !ob.ClientIsSrc {
			seen["server to client"] = true
		}
		if ob.Records > 1 {
			seen["summed"] = true
		}
	}
	for _, c := range []string{"tcp-flags", "listening-port", "well-known-port", "lower-port", "proto 6", "proto 17", "proto 1", "proto 58", "proto 132", "proto 47", "proto -1", "REJECT", "no action", "IPv6", "address -", "interface -", "server to client", "summed"} {
		if !seen[c] {
			t.Errorf("the fixture's observations have no %s", c)
		}
	}

	// The date partition: one day is that day's file.
	q2, err := athena.SQL("vpc_flow_logs", fixturePorts, athena.DateRange(time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	want2, _ := readerObservations(t, fixturePorts, day2)
	sameObservations(t, "2024-05-02", duckObservations(t, db, q2), want2)

	// Without listening ports.
	q3, _ := athena.SQL("vpc_flow_logs", nil)
	want3, _ := readerObservations(t, nil, day1, day2)
	sameObservations(t, "no listening ports", duckObservations(t, db, q3), want3)

	// The benchmark's way of reading the file gives the same rows.
	createDirectView(t, db, "direct", athena.AllFields(), day1, "2024-05-01")
	q4, _ := athena.SQL("direct", fixturePorts)
	want4, _ := readerObservations(t, fixturePorts, day1)
	sameObservations(t, "read_csv view", duckObservations(t, db, q4), want4)
}

// TestAthenaSQLMatchesReaderOnAWSSamples runs the query over a table made
// for each real sample's own format (AWS: a custom format gets a table of
// its fields in its order) and compares with the reader on the same file.
func TestAthenaSQLMatchesReaderOnAWSSamples(t *testing.T) {
	corpus := filepath.Join("..", "..", "..", "..", "shared", "corpus", "vpc-flow-logs")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(corpus, "aws-docs-derived", "*.log"))
	files = append(files,
		filepath.Join(corpus, "elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/accept-reject-traffic.log"),
		filepath.Join(corpus, "elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/custom-nat-gateway.log"),
		filepath.Join(corpus, "elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/tcp-flag-sequence.log"),
	)
	gz, _ := filepath.Glob(filepath.Join(corpus, "aws-docs-derived", "*.log.gz"))
	files = append(files, gz...)
	if len(files) < 10 {
		t.Fatalf("found %d samples", len(files))
	}
	db := openDuckDB(t)
	for i, path := range files {
		fields := headerFields(t, path)
		path = singleSpaced(t, path)
		table := fmt.Sprintf("sample_%d", i)
		createAthenaTable(t, db, table, fields, []partitionFile{{path, "2024-05-01"}})
		query, err := athena.SQL(table, fixturePorts, athena.Fields(fields...))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := readerObservations(t, fixturePorts, path)
		got := duckObservations(t, db, query)
		sameObservations(t, filepath.Base(path), got, want)
	}
}

// headerFields reads a sample's header line (gzip or not).
func headerFields(t testing.TB, path string) []flowlog.Field {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	var fields []flowlog.Field
	for _, name := range strings.Fields(line) {
		fl, ok := athena.FieldOfColumn(name)
		if !ok {
			t.Fatalf("%s: header field %q is not one of versions 2 to 5", path, name)
		}
		fields = append(fields, fl)
	}
	return fields
}

// singleSpaced returns path, or a copy of it with runs of spaces made one
// when it has any: a sample of AWS's documentation (tcp-flag.log) has a
// typing slip of two spaces in one record, which the reader takes as one
// separator and Athena's text reader would take as an empty field. S3
// delivery writes single spaces.
func singleSpaced(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(string(data), "  ") {
		return path
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(path), ".gz"))
	if err := os.WriteFile(out, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: runs of spaces made one for Athena's reader", filepath.Base(path))
	return out
}
