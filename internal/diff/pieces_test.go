package diff

import (
	"encoding/json"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// copyExample copies an example account into a temporary folder.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestNarrowedSourceIsAPiece: narrowing the load balancer's HTTP rule from
// the whole internet to one office network removes the rest of the
// internet, and nothing else: the exposure is compared as a set of
// sources, not as a record that changed (AWS-SEMANTICS.md §2, §5).
func TestNarrowedSourceIsAPiece(t *testing.T) {
	dir := copyExample(t, "startup-rebuilt")
	file := filepath.Join(dir, "ap-northeast-1", "ec2-describe-security-groups.json")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	narrowed := false
	for _, g := range doc["SecurityGroups"].([]any) {
		g := g.(map[string]any)
		if g["GroupId"] != "sg-0a1b2c3d4e5f60102" {
			continue
		}
		for _, p := range g["IpPermissions"].([]any) {
			p := p.(map[string]any)
			if p["FromPort"] == float64(80) {
				p["IpRanges"] = []any{map[string]any{"CidrIp": "203.0.113.0/24", "Description": "office"}}
				p["Ipv6Ranges"] = []any{}
				narrowed = true
			}
		}
	}
	if !narrowed {
		t.Fatal("the example's load-balancer group has no HTTP rule any more; update the test")
	}
	out, _ := json.MarshalIndent(doc, "", "    ")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(side(t, "startup-rebuilt"), Scan(inv, nil, now))
	if d.Summary.NewExposures != 0 {
		t.Errorf("narrowing a source opened something: %+v", d.Exposures)
	}
	office := netip.MustParsePrefix("203.0.113.0/24")
	lb := false
	for _, x := range d.Exposures {
		if x.Exposure.Protocol != "tcp" || x.Exposure.FromPort != 80 {
			t.Errorf("removed %s/%d, want only tcp/80", x.Exposure.Protocol, x.Exposure.FromPort)
		}
		if x.Exposure.WholeInternet {
			t.Errorf("the removed piece of %s is the whole internet; the office still reaches it", x.Exposure.Resource)
		}
		for _, s := range x.Exposure.Sources {
			if p := netip.MustParsePrefix(s); p.Overlaps(office) {
				t.Errorf("removed piece of %s holds %s, which overlaps the office's %s", x.Exposure.Resource, s, office)
			}
		}
		if x.Exposure.Resource == "oyatsu-web-alb" {
			lb = true
		}
	}
	if !lb {
		t.Errorf("no removed piece on the load balancer: %+v", d.Exposures)
	}
}
