package snapshot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// corpusDir is the third-party corpus beside the clone
// (/work/shared/corpus when the clone is /work/main). Tests that read it
// skip when it is absent.
const corpusDir = "../../../../shared/corpus"

// corpus returns the path of rel inside the corpus, or skips the test.
func corpus(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(corpusDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("third-party corpus not found at %s (expected beside the clone, see shared/corpus/README.md): %v", p, err)
	}
	return p
}

// snap is a snapshot being written in a temp dir: one account folder, acct/,
// with region folders under it.
type snap struct {
	t    testing.TB
	root string // the account folder
}

func newSnap(t testing.TB) *snap {
	t.Helper()
	return &snap{t: t, root: filepath.Join(t.TempDir(), "acct")}
}

// write writes content at rel (slash-separated, relative to the account
// folder) and returns the file's path.
func (s *snap) write(rel, content string) string {
	s.t.Helper()
	return writeFile(s.t, filepath.Join(s.root, filepath.FromSlash(rel)), []byte(content))
}

// call writes the regional call's file in us-east-1.
func (s *snap) call(call model.Call, content string) string {
	s.t.Helper()
	return s.write("us-east-1/"+string(call)+".json", content)
}

// perResource writes a per-resource call's file for id in us-east-1, with
// the id percent-encoded as CloudMapper does.
func (s *snap) perResource(call model.Call, id, content string) string {
	s.t.Helper()
	return s.write("us-east-1/"+string(call)+"/"+quote(id), content)
}

// load loads the account folder and fails the test on error.
func (s *snap) load() *model.Inventory {
	s.t.Helper()
	inv, err := Load(s.root)
	if err != nil {
		s.t.Fatalf("Load: %v", err)
	}
	return inv
}

// region loads the snapshot and returns its only region.
func (s *snap) region() *model.Region {
	s.t.Helper()
	return onlyRegion(s.t, s.load())
}

func onlyRegion(t testing.TB, inv *model.Inventory) *model.Region {
	t.Helper()
	rs := inv.Regions()
	if len(rs) != 1 {
		t.Fatalf("got %d regions, want 1", len(rs))
	}
	return rs[0]
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// quote percent-encodes every byte but the unreserved ones, as Python's
// urllib.parse.quote(s, safe="") does for CloudMapper's per-resource files:
// "arn:aws:ecs:...:cluster/x" becomes "arn%3Aaws%3Aecs%3A...%3Acluster%2Fx".
func quote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// leafErrors flattens errors.Join trees into their leaves.
func leafErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leafErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// fileErrors returns the FileErrors among err's leaves, and fails the test
// if a leaf is anything else.
func fileErrors(t testing.TB, err error) []*FileError {
	t.Helper()
	var out []*FileError
	for _, e := range leafErrors(err) {
		var fe *FileError
		if !errors.As(e, &fe) {
			t.Fatalf("error %v (%T) is not a *FileError", e, e)
		}
		out = append(out, fe)
	}
	return out
}

// loadFileError loads root, which must fail with exactly one FileError.
func loadFileError(t testing.TB, root string) *FileError {
	t.Helper()
	inv, err := Load(root)
	if err == nil {
		t.Fatalf("Load succeeded, want a FileError")
	}
	if inv != nil {
		t.Errorf("Load returned an inventory with its error")
	}
	fes := fileErrors(t, err)
	if len(fes) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(fes), err)
	}
	return fes[0]
}

// missing returns the coverage's missing entries for call.
func missing(r *model.Region, call model.Call) []model.MissingCall {
	var out []model.MissingCall
	for _, m := range r.Coverage.Missing {
		if m.Call == call {
			out = append(out, m)
		}
	}
	return out
}

// noteAbout returns the texts of the notes whose subject is id.
func notesAbout(r *model.Region, id string) []string {
	var out []string
	for _, n := range r.Notes {
		if n.Subject == id {
			out = append(out, n.Text)
		}
	}
	return out
}

// ids maps items to their IDs.
func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

// resourceIDs returns the IDs of the region's resources of kind.
func resourceIDs(r *model.Region, kind model.ResourceKind) []string {
	var out []string
	for _, res := range r.Resources {
		if res.Kind == kind {
			out = append(out, res.ID)
		}
	}
	return out
}

// wantAll fails the test unless got holds every string of want.
func wantAll(t testing.TB, what string, got, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: %q not loaded; got %q", what, w, got)
		}
	}
}

// sameSet fails the test unless got and want hold the same strings.
func sameSet(t testing.TB, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	g, w = slices.Compact(g), slices.Compact(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %q, want %q", what, g, w)
	}
}

// sameIDs is sameSet for a sample's main IDs, which must not be empty: an
// empty want means the test read the sample wrongly and checks nothing.
func sameIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("%s: the sample names none; does the test read the right field?", what)
	}
	sameSet(t, what, got, want)
}
