package diff

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// BenchmarkRoleReachability times reach between every pair of roles of
// the scale target (10,000 interfaces, 2,000 security groups, 20 VPCs,
// shaped like a real account), the part of a diff that grows fastest, and
// BenchmarkCompare the whole comparison of the target with itself (both
// sides scanned, exposures and roles compared). Reproduce with:
//
//	go test ./internal/diff -run '^$' -bench . -benchtime 1x
func BenchmarkRoleReachability(b *testing.B) {
	inv := scaleTarget(b)
	b.ResetTimer()
	for b.Loop() {
		for _, reg := range inv.Regions() {
			reach.RoleReachability(reg)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	inv := scaleTarget(b)
	b.ResetTimer()
	for b.Loop() {
		now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		Compare(Scan(inv, nil, now), Scan(inv, nil, now))
	}
}

func scaleTarget(b *testing.B) *model.Inventory {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "target")
	if err := synth.WriteAccount(dir, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	return inv
}
