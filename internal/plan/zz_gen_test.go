package plan

import (
	"os"
	"testing"
)

func TestZZGen(t *testing.T) {
	p, _ := fixtureStaged(t)
	f, _ := os.Create("/tmp/rb/runbook.sh")
	if err := WriteRunbook(f, p); err != nil { t.Fatal(err) }
	f.Close()
	f, _ = os.Create("/tmp/rb/rollback.sh")
	WriteRollback(f, p)
	f.Close()
}
