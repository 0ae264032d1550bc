package netdoc

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/plan/plantest"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	exampleBefore  = "../../examples/startup-all-public"
	exampleRebuilt = "../../examples/startup-rebuilt"
	exampleLogs    = "../flows/testdata/startup-all-public-flowlogs"
)

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/netdoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; run go test ./internal/netdoc -update and review the diff", path)
	}
}

func load(t *testing.T, path string) *model.Inventory {
	t.Helper()
	inv, err := snapshot.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// examplePlan runs the planner's pipeline on the bundled "before" example
// with its flow logs, as the plan command does: Design, WriteTarget, the
// target read back by the snapshot loader, Prove. It returns the plan and
// the target.
func examplePlan(t *testing.T) (*plan.Plan, *model.Inventory) {
	t.Helper()
	inv := load(t, exampleBefore)
	return plantest.Proved(t, inv, plantest.Edges(t, inv, exampleLogs), plan.Options{NAT: "per-az", FlowLogs: true, ClientVPN: true})
}

func write(t *testing.T, inv *model.Inventory, p *plan.Plan, lang i18n.Lang) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, inv, p, lang); err != nil {
		t.Fatal(err)
	}
	again := new(bytes.Buffer)
	if err := Write(again, inv, p, lang); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Fatal("two writes of the same input differ")
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	before := load(t, exampleBefore)
	rebuilt := load(t, exampleRebuilt)
	p, target := examplePlan(t)
	for _, c := range []struct {
		name string
		inv  *model.Inventory
		p    *plan.Plan
	}{
		{"before", before, nil},
		{"plan", target, p},
		{"rebuilt", rebuilt, nil},
	} {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Japanese} {
			name := c.name + "." + string(lang) + ".md"
			t.Run(name, func(t *testing.T) {
				out := write(t, c.inv, c.p, lang)
				golden(t, name, []byte(out))
				checkMarkdown(t, out)
				if lang == i18n.Japanese {
					checkJapanese(t, out)
				}
			})
		}
	}
}

// checkMarkdown: every key was found, tables have the columns of their
// header, and no HTML tag slipped in.
func checkMarkdown(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "[doc.") {
		t.Error("a catalogue key is missing: " + out[strings.Index(out, "[doc."):][:40])
	}
	cols := 0
	fence := false
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			cols = 0
			if strings.Contains(line, "<") {
				t.Errorf("line %d has a raw '<': %s", i+1, line)
			}
			continue
		}
		n := cellCount(line)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d: %d cells, the table's header has %d: %s", i+1, n, cols, line)
		}
	}
}

// cellCount counts a table row's cells: unescaped pipes minus one.
func cellCount(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

// checkJapanese: no untranslated English sentence. Outside code blocks,
// every non-empty line has Japanese characters, except table rows that
// hold only IDs, codes and data (no three English words in a row outside
// inline code) and the tables' separator rows.
func checkJapanese(t *testing.T, out string) {
	t.Helper()
	fence := false
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if fence || strings.TrimSpace(line) == "" || hasJapanese(line) {
			continue
		}
		if strings.HasPrefix(line, "|") && !hasEnglishSentence(line) {
			continue
		}
		t.Errorf("line %d is not Japanese: %s", i+1, line)
	}
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// hasEnglishSentence reports three words of letters in a row outside
// inline code.
func hasEnglishSentence(s string) bool {
	var b strings.Builder
	inCode := false
	for _, r := range s {
		if r == '`' {
			inCode = !inCode
			b.WriteRune(' ')
			continue
		}
		if !inCode {
			b.WriteRune(r)
		}
	}
	run := 0
	for _, w := range strings.Fields(b.String()) {
		if isWord(w) {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func isWord(w string) bool {
	w = strings.Trim(w, ",.:;()")
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// Every group of the plan has its section, with its ID in the heading.
func TestPlanEveryGroupHasATable(t *testing.T) {
	p, target := examplePlan(t)
	for _, lang := range []i18n.Lang{i18n.English, i18n.Japanese} {
		out := write(t, target, p, lang)
		n := 0
		for _, rp := range p.Regions {
			for _, g := range rp.Groups {
				n++
				heading := "### " + lang.T("doc.groups.group", "`"+g.Name+"`", "`"+g.ID+"`")
				i := strings.Index(out, heading+"\n")
				if i < 0 {
					t.Errorf("%s: no section %q", lang, heading)
					continue
				}
				section := out[i:]
				if j := strings.Index(section[1:], "\n### "); j >= 0 {
					section = section[:j+1]
				}
				for _, r := range g.Ingress {
					if lang == i18n.English && r.Evidence != "" && !strings.Contains(section, esc(r.Evidence)) {
						t.Errorf("%s: %s: the evidence %q of an inbound rule is missing", lang, g.ID, r.Evidence)
					}
				}
			}
		}
		if n == 0 {
			t.Fatal("the plan has no group")
		}
	}
}

// houseStatus returns the status line of the house rule titled key.
func houseStatus(t *testing.T, out string, lang i18n.Lang, n int, name string) string {
	t.Helper()
	heading := "### " + lang.T("doc.house.numbered", n, lang.T("doc.house."+name+".title")) + "\n"
	i := strings.Index(out, heading)
	if i < 0 {
		t.Fatalf("no heading %q", heading)
	}
	rest := out[i+len(heading):]
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "**") {
			return line
		}
	}
	t.Fatalf("no status under %q", heading)
	return ""
}

// The "before" example opens SSH to the world (oyatsu-ops-ssh) and shares
// one all-open group between web, Aurora and Lambda: the house rules say
// "not followed" and name them. The plan's target and the hand-written
// "after" follow every rule (AWS-SEMANTICS.md §8: the target keeps only
// the needed flows).
func TestHouseRules(t *testing.T) {
	before := write(t, load(t, exampleBefore), nil, i18n.English)
	notFollowed := strings.SplitN(i18n.English.T("doc.house.not_followed", 0), "0", 2)[0]
	// The office prefix list on MySQL breaks "groups reference groups" too.
	for n, name := range []string{"world", "groups", "ssh", "data", "own"} {
		if s := houseStatus(t, before, i18n.English, n+1, name); !strings.Contains(s, notFollowed) {
			t.Errorf("before: rule %s: %s; want not followed", name, s)
		}
	}
	ssh := before[strings.Index(before, "### 3. "):]
	ssh = ssh[:strings.Index(ssh, "### 4. ")]
	if !strings.Contains(ssh, "`tcp/22` from the internet (`0.0.0.0/0`)") {
		t.Errorf("the SSH rule does not name the world-open SSH rule:\n%s", ssh)
	}
	world := before[strings.Index(before, "### 1. "):]
	world = world[:strings.Index(world, "### 2. ")]
	if strings.Contains(world, "oyatsu-alb-sg") && strings.Contains(world, "`tcp/443` from") {
		t.Errorf("the load balancer's listener rule is reported as world-open:\n%s", world)
	}

	p, target := examplePlan(t)
	for _, c := range []struct {
		name string
		out  string
	}{
		{"plan", write(t, target, p, i18n.English)},
		{"rebuilt", write(t, load(t, exampleRebuilt), nil, i18n.English)},
	} {
		for n, name := range []string{"world", "groups", "ssh", "data", "own"} {
			s := houseStatus(t, c.out, i18n.English, n+1, name)
			if strings.Contains(s, "not follow") || strings.Contains(s, "Not followed") {
				t.Errorf("%s: rule %s: %s", c.name, name, s)
			}
		}
	}
}

func TestFreeSpace(t *testing.T) {
	cases := []struct {
		block string
		used  []string
		want  string
	}{
		{"10.0.0.0/16", []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}, "10.0.3.0/24 10.0.4.0/22 10.0.8.0/21 10.0.16.0/20 10.0.32.0/19 10.0.64.0/18 10.0.128.0/17"},
		{"10.0.0.0/24", []string{"10.0.0.0/24"}, ""},
		{"10.0.0.0/24", nil, "10.0.0.0/24"},
		{"10.0.0.0/24", []string{"10.0.0.128/25", "192.168.0.0/24"}, "10.0.0.0/25"},
	}
	for _, c := range cases {
		var used []netipPrefix
		for _, u := range c.used {
			used = append(used, mustPrefix(t, u))
		}
		var got []string
		for _, f := range freeSpace(mustPrefix(t, c.block), used) {
			got = append(got, f.String())
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("freeSpace(%s, %v) = %v, want %s", c.block, c.used, got, c.want)
		}
	}
}
