package diff

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func side(t testing.TB, name string) *Side {
	t.Helper()
	inv, err := snapshot.Load(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return Scan(inv, nil, now)
}

func finding(rule, sev, resource string) report.Finding {
	return report.Finding{Rule: rule, Severity: sev, Account: "111122223333", Region: "ap-northeast-1", Resources: []string{resource}, Message: rule + " on " + resource}
}

// TestCompareFindings: findings are matched by fingerprint (rule, account,
// region, main resource), whatever their message says.
func TestCompareFindings(t *testing.T) {
	kept := finding("sg-unused", "low", "sg-1")
	keptNewWords := kept
	keptNewWords.Message = "a different message"
	raised := finding("internet-exposed", "medium", "i-1")
	raisedAfter := raised
	raisedAfter.Severity = "critical"
	gone := finding("igw-unused", "low", "igw-1")
	added := finding("sg-database-port-world-open", "critical", "sg-2")
	otherResource := finding("sg-unused", "low", "sg-3")

	got := compareFindings([]report.Finding{kept, raised, gone}, []report.Finding{otherResource, keptNewWords, raisedAfter, added})
	if got.Unchanged != 1 {
		t.Errorf("unchanged = %d, want 1 (the same rule and resource, another message)", got.Unchanged)
	}
	if len(got.New) != 2 || got.New[0].Rule != added.Rule || got.New[1].Resources[0] != "sg-3" {
		t.Errorf("new = %+v, want the critical one first, then sg-unused on sg-3", got.New)
	}
	if len(got.Removed) != 1 || got.Removed[0].Rule != gone.Rule {
		t.Errorf("removed = %+v", got.Removed)
	}
	if len(got.Changed) != 1 || got.Changed[0].BeforeSeverity != "medium" || got.Changed[0].Finding.Severity != "critical" {
		t.Errorf("changed = %+v", got.Changed)
	}
	d := &Diff{Findings: got}
	if n := d.AtOrAbove(check.High); n != 2 {
		t.Errorf("AtOrAbove(high) = %d, want 2 (the new critical finding, and the one raised to critical)", n)
	}
	added.Suppressed = true
	d.Findings.New[0].Suppressed = true
	if n := d.AtOrAbove(check.High); n != 1 {
		t.Errorf("AtOrAbove(high) with the new one suppressed = %d, want 1", n)
	}
}

// TestRebuildClosesExposures: the story's rebuild, compared both ways.
// Forward it removes the internet's way to the database and the instances
// and most reach between roles; reversed, those are new, each exposure
// with the path that opens it.
func TestRebuildClosesExposures(t *testing.T) {
	before, after := side(t, "startup-all-public"), side(t, "startup-rebuilt")
	fwd := Compare(before, after)
	back := Compare(after, before)
	if fwd.Summary.RemovedExposures != back.Summary.NewExposures || fwd.Summary.NewExposures != back.Summary.RemovedExposures {
		t.Errorf("the two directions disagree: %+v, %+v", fwd.Summary, back.Summary)
	}
	if fwd.Summary.RemovedRoleReach != back.Summary.NewRoleReach || fwd.Summary.RemovedFindings != back.Summary.NewFindings {
		t.Errorf("the two directions disagree: %+v, %+v", fwd.Summary, back.Summary)
	}
	if n := fwd.AtOrAbove(check.High); n != 0 {
		t.Errorf("the rebuild adds %d changes at high or above, want none", n)
	}
	if n := back.AtOrAbove(check.High); n == 0 {
		t.Errorf("undoing the rebuild adds nothing at high or above")
	}
	var db *ExposureChange
	for i, x := range back.Exposures {
		if x.Change == New && x.Exposure.Resource == "oyatsu-aurora-instance-1" {
			db = &back.Exposures[i]
		}
	}
	if db == nil {
		t.Fatalf("no new exposure of the database: %+v", back.Exposures)
	}
	if db.Severity != "critical" || db.Exposure.Protocol != "all" || !db.Exposure.WholeInternet {
		t.Errorf("database exposure = %+v, want critical, all traffic from the whole internet", db)
	}
	kinds := map[string]bool{}
	for _, h := range db.Exposure.Path {
		kinds[h.Kind] = true
	}
	for _, k := range []string{"public-address", "route", "network-acl", "security-group"} {
		if !kinds[k] {
			t.Errorf("the database's path lacks a %s hop: %+v", k, db.Exposure.Path)
		}
	}
	// Reach between roles: web could reach the database on every port
	// before; after the rebuild only on MySQL, so the rest is removed.
	found := false
	for _, r := range fwd.Roles {
		if r.Change == Removed && r.From.Name == "web" && r.To.Name == "oyatsu-aurora" {
			found = true
			if got := trafficText(r.Traffic); got != "all but tcp, tcp/0-3305, tcp/3307-65535" {
				t.Errorf("web -> aurora removed traffic = %q", got)
			}
			if r.Severity != "medium" {
				t.Errorf("web -> aurora severity %s, want medium (a data tier)", r.Severity)
			}
		}
		if r.Change == New && r.Example == nil {
			t.Errorf("new reach %s -> %s has no example path", r.From.ID, r.To.ID)
		}
	}
	if !found {
		t.Errorf("no removed reach from web to the database: %+v", fwd.Roles)
	}
	same := Compare(after, after)
	if len(same.Exposures)+len(same.Roles)+len(same.Findings.New)+len(same.Findings.Removed) != 0 || same.Findings.Unchanged != len(after.Report.Findings) {
		t.Errorf("a side compared with itself changes: %+v", same.Summary)
	}
}

// TestGoldens: the text, Markdown and JSON of undoing the rebuild. Rewrite
// with go test ./internal/diff -run Goldens -update, and review the diff.
func TestGoldens(t *testing.T) {
	d := Compare(side(t, "startup-rebuilt"), side(t, "startup-all-public"))
	for _, c := range []struct {
		file  string
		write func(*bytes.Buffer, *Diff) error
	}{
		{"rebuilt-to-all-public.txt", func(b *bytes.Buffer, d *Diff) error { return Text(b, d) }},
		{"rebuilt-to-all-public.md", func(b *bytes.Buffer, d *Diff) error { return Markdown(b, d) }},
		{"rebuilt-to-all-public.json", func(b *bytes.Buffer, d *Diff) error { return JSON(b, d) }},
	} {
		var b bytes.Buffer
		if err := c.write(&b, d); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s differs from the golden file (run with -update and review the diff)", c.file)
		}
	}
}

// TestMarkdownLimit: however much changed, the comment fits GitHub's
// limit, says what it left out, and escapes what the data says.
func TestMarkdownLimit(t *testing.T) {
	d := &Diff{Warnings: []string{}}
	for i := range 5000 {
		x := report.Exposure{Account: "111122223333", Region: "ap-northeast-1", ENI: fmt.Sprintf("eni-%017d", i), Resource: fmt.Sprintf("i-%017d", i),
			ResourceType: "ec2-instance", Protocol: "tcp", FromPort: 22, ToPort: 22, Sources: []string{"0.0.0.0/0"}, WholeInternet: true, Via: "direct",
			Path: []report.Hop{{Kind: "security-group", ID: "sg-1", Detail: "ingress tcp/22 from 0.0.0.0/0 <script>@team | *x*"}}}
		d.Exposures = append(d.Exposures, ExposureChange{Change: New, Severity: "critical", Exposure: x}, ExposureChange{Change: Removed, Severity: "high", Exposure: x})
		d.Findings.New = append(d.Findings.New, finding("sg-admin-port-world-open", "critical", fmt.Sprintf("sg-%d", i)))
		d.Findings.Removed = append(d.Findings.Removed, finding("sg-unused", "low", fmt.Sprintf("sg-%d", i)))
		d.Roles = append(d.Roles, RoleChange{Change: New, Severity: "medium", From: Role{Name: "web", Kind: "ec2-instance"}, To: Role{Name: "db", Kind: "rds-db-instance"}, Traffic: []Traffic{{Protocol: "tcp", FromPort: 3306, ToPort: 3306}}})
	}
	d.count()
	var b bytes.Buffer
	if err := Markdown(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > render.MarkdownLimit {
		t.Errorf("the comment holds %d bytes, more than %d", len(out), render.MarkdownLimit)
	}
	for _, want := range []string{"more not shown", "## vpcdoctor diff: 5000 new internet exposures (5000 critical)", "&lt;script&gt;@&#8203;team \\| \\*x\\*"} {
		if !strings.Contains(out, want) {
			t.Errorf("the comment lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Errorf("the comment carries raw HTML from the data")
	}
}
