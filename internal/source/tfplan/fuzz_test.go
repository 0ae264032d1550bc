package tfplan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds plans to Load: the test plans, the bad ones and, where
// the corpus is beside the clone, its plans. Whatever the bytes, Load
// returns an inventory or an error naming the file, never both, never a
// panic.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	bad, _ := filepath.Glob("testdata/bad/*")
	seeds = append(seeds, bad...)
	if data, err := os.ReadFile(filepath.Join(corpusDir, "index.json")); err == nil && len(data) > 0 {
		_ = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") && filepath.Base(p) != "index.json" {
				seeds = append(seeds, p)
			}
			return nil
		})
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"planned_values":{"root_module":{"resources":[{"address":"aws_security_group_rule.r","mode":"managed","type":"aws_security_group_rule","name":"r","values":{"type":"ingress","security_group_id":"sg-1","from_port":22,"to_port":22,"protocol":"tcp","cidr_blocks":["0.0.0.0/0"]}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		inv, err := Load(path)
		if err != nil {
			if inv != nil {
				t.Fatal("an inventory returned with an error")
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(inv.Accounts) != 1 || len(inv.Accounts[0].Regions) == 0 {
			t.Fatalf("a plan loaded as %d accounts", len(inv.Accounts))
		}
	})
}
