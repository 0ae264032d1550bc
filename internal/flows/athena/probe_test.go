package athena_test

import (
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
)

func TestProbe(t *testing.T) {
	dir := t.TempDir()
	day1 := filepath.Join(dir, "a.log")
	day2 := filepath.Join(dir, "b.log.gz")
	writeFixture(t, day1, 20000, 1, false)
	writeFixture(t, day2, 20000, 2, true)
	db := openDuckDB(t)
	createAthenaTable(t, db, "vpc_flow_logs", athena.AllFields(), []partitionFile{{day1, "2024-05-01"}, {day2, "2024-05-02"}})
	q, _ := athena.SQL("vpc_flow_logs", fixturePorts)
	got := duckObservations(t, db, q)
	t.Log(len(got))
	for _, o := range got[:10] {
		t.Logf("%+v", o)
	}
	createDirectView(t, db, "direct", day1, "2024-05-01")
	q4, _ := athena.SQL("direct", fixturePorts)
	t.Log(len(duckObservations(t, db, q4)))
	var n int
	db.QueryRow(`SELECT count(*) FROM vpc_flow_logs WHERE "srcaddr" = '-'`).Scan(&n)
	t.Log("srcaddr -:", n)
}
