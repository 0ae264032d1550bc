package cmdutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteFileWhole(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileWhole(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "two" {
		t.Fatalf("read %q, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries in the folder, want only the file: a temporary file was left", len(entries))
	}
	if err := WriteFileWhole(filepath.Join(dir, "missing", "b.txt"), []byte("x")); err == nil {
		t.Error("writing into a missing folder did not fail")
	}
}
