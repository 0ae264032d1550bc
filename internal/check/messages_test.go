package check_test

import (
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n/i18ntest"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// messageProblems lists what is wrong with a finding's catalogue message:
// it is missing, its English is not Finding.Message, a key it uses is not
// in the catalogue or an argument does not fit its text (in any
// language), or its Japanese still holds an English sentence.
func messageProblems(f check.Finding) []string {
	if f.Msg.IsZero() {
		return []string{"no catalogue message"}
	}
	var out []string
	if got := i18n.English.Render(f.Msg); got != f.Message {
		out = append(out, "English of Msg "+strconv.Quote(got)+" is not Message "+strconv.Quote(f.Message))
	}
	for _, l := range i18n.Langs() {
		got := l.Render(f.Msg)
		if strings.Contains(got, "[finding.") || strings.Contains(got, "%!") {
			out = append(out, string(l)+": "+strconv.Quote(got)+" has a missing key or a wrong argument")
		}
		if l == i18n.English {
			continue
		}
		ja := report.JapaneseSpacing(got)
		if m := i18ntest.EnglishBesidesProducts(ja); m != "" && l == i18n.Japanese {
			out = append(out, "ja: "+strconv.Quote(ja)+" holds English: "+strconv.Quote(m))
		}
	}
	if f.EvidenceMsg != nil && len(f.EvidenceMsg) != len(f.Evidence) {
		out = append(out, "EvidenceMsg is not as long as Evidence")
		return out
	}
	for i, m := range f.EvidenceMsg {
		if m.IsZero() {
			continue
		}
		if got := i18n.English.Render(m); got != f.Evidence[i] {
			out = append(out, "English of evidence message "+strconv.Quote(got)+" is not the line "+strconv.Quote(f.Evidence[i]))
		}
		for _, l := range i18n.Langs() {
			if got := l.Render(m); strings.Contains(got, "[finding.") || strings.Contains(got, "%!") {
				out = append(out, string(l)+": evidence "+strconv.Quote(got)+" has a missing key or a wrong argument")
			}
		}
	}
	return out
}

// TestMessageProblemsCatches pins the criteria on messages built by hand.
func TestMessageProblemsCatches(t *testing.T) {
	good := check.Finding{Message: "It opens every port, SSH (22) and RDP (3389) among them.",
		Msg: i18n.M("finding.sg-world-open-all-protocols.among", i18n.List{"SSH (22)", "RDP (3389)"})}
	if p := messageProblems(good); len(p) > 0 {
		t.Errorf("a good message: %q", p)
	}
	for _, bad := range []check.Finding{
		{Message: "x"},
		{Message: "other", Msg: i18n.M("finding.text", "x")},
		{Message: "[finding.no-such-key]", Msg: i18n.M("finding.no-such-key")},
		{Message: "public subnet %!s(MISSING)", Msg: i18n.M("finding.subnets.public.one")},
		{Message: "this is still English here", Msg: i18n.M("finding.text", "this is still English here")},
	} {
		if p := messageProblems(bad); len(p) == 0 {
			t.Errorf("%q: no problem found", bad.Message)
		}
	}
}

// keyLike is a string that may be a finding key or its head.
var keyLike = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$`)

// hasKeyPrefix reports whether some key of keys starts with prefix.
func hasKeyPrefix(keys []string, prefix string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) && (strings.HasSuffix(prefix, ".") || strings.HasPrefix(k, prefix+".")) {
			return true
		}
	}
	return false
}

// TestFindingKeys walks the package's source: every literal key it gives
// msg, count and i18n.M is in the catalogue, and every "finding." key of
// the catalogue is used (as a literal, a literal prefix of a key the code
// completes, or one of the families the code builds from data).
func TestFindingKeys(t *testing.T) {
	catalogue := i18ntest.EnglishKeys(t, "finding")
	if len(catalogue) < 100 {
		t.Fatalf("read %d keys of en.finding.json", len(catalogue))
	}
	var literals []string
	fset, files := i18ntest.SourceFiles(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var fn string
			switch e := call.Fun.(type) {
			case *ast.Ident:
				fn = e.Name
			case *ast.SelectorExpr:
				fn = e.Sel.Name
			}
			arg := 0
			switch fn {
			case "msg", "M":
			case "count":
				arg = 1
			default:
				return true
			}
			if arg >= len(call.Args) {
				return true
			}
			// A key or the literal head of a key built by concatenation.
			var lit *ast.BasicLit
			switch a := call.Args[arg].(type) {
			case *ast.BasicLit:
				lit = a
			case *ast.BinaryExpr:
				for {
					if x, ok := a.X.(*ast.BinaryExpr); ok {
						a = x
						continue
					}
					break
				}
				lit, _ = a.X.(*ast.BasicLit)
			}
			if lit == nil || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			key := s
			switch {
			case fn == "count":
				key = "n." + s
			case fn == "M" && !strings.HasPrefix(s, "finding."):
				return true
			}
			key = strings.TrimPrefix(key, "finding.")
			literals = append(literals, key)
			if _, complete := call.Args[arg].(*ast.BasicLit); complete && fn == "count" {
				if !i18n.Has("finding."+key+".one") || !i18n.Has("finding."+key+".other") {
					t.Errorf("%s: count of %q lacks finding.%s.one or .other", fset.Position(lit.Pos()), s, key)
				}
			} else if complete && !i18n.Has("finding."+key) {
				t.Errorf("%s: key finding.%s is not in the catalogue", fset.Position(lit.Pos()), key)
			}
			return true
		})
		// Keys put in variables first (key := "route-blackhole.one").
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			if keyLike.MatchString(s) && (i18n.Has("finding."+s) || hasKeyPrefix(catalogue, "finding."+s)) {
				literals = append(literals, s)
			} else if keyLike.MatchString(s) && strings.Contains(s, ".") && hasKeyPrefix(catalogue, "finding."+s[:strings.IndexByte(s, '.')+1]) {
				t.Errorf("%s: %q looks like a finding key but is not in the catalogue", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	// Families the code builds from data: kinds of resources, load
	// balancer types, data tiers and their nouns.
	families := []string{"kind.", "kinds.", "n.kind.", "lb.", "tier."}
	for _, key := range catalogue {
		key = strings.TrimPrefix(key, "finding.")
		used := slices.Contains(literals, key) || slices.ContainsFunc(literals, func(l string) bool {
			return strings.HasSuffix(l, ".") && strings.HasPrefix(key, l) || strings.HasPrefix(key, l+".")
		}) || slices.ContainsFunc(families, func(f string) bool { return strings.HasPrefix(key, f) })
		if !used {
			t.Errorf("finding.%s is in the catalogue but no code uses it", key)
		}
	}
	// Every kind of resource has its nouns and counts.
	for _, k := range []model.ResourceKind{model.KindInstance, model.KindLoadBalancer, model.KindDBInstance, model.KindCacheCluster,
		model.KindLambda, model.KindECSService, model.KindECSTask, model.KindNATGateway, model.KindVPCEndpoint} {
		for _, key := range []string{"kind." + string(k), "kinds." + string(k), "n.kind." + string(k) + ".one", "n.kind." + string(k) + ".other"} {
			if !i18n.Has("finding." + key) {
				t.Errorf("finding.%s is not in the catalogue", key)
			} else if key == "kind."+string(k) && i18n.English.T("finding."+key) != k.Noun() {
				t.Errorf("finding.%s is %q, but the model calls it %q", key, i18n.English.T("finding."+key), k.Noun())
			}
		}
	}
}

// The messages of real data: the bundled examples and CloudMapper's demo
// account (third-party AWS CLI output, when the corpus is beside the
// clone) render in every language, with no English left in Japanese.
func TestMessagesOfRealData(t *testing.T) {
	dirs := []string{
		filepath.Join("..", "..", "examples", "startup-all-public"),
		filepath.Join("..", "..", "examples", "startup-rebuilt"),
	}
	corpus := filepath.Join("..", "..", "..", "shared", "corpus", "cloudmapper-demo", "account-data-demo")
	if _, err := os.Stat(corpus); err == nil {
		dirs = append(dirs, corpus)
	} else {
		t.Logf("CloudMapper's demo account is not beside this clone (%s): only the examples are read", corpus)
	}
	total := 0
	for _, dir := range dirs {
		inv, err := snapshot.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, f := range check.Run(inv, check.All).Findings {
			total++
			for _, p := range messageProblems(f) {
				t.Errorf("%s: %s %v: %s", filepath.Base(dir), f.Rule, f.Resources, p)
			}
		}
	}
	if total < 20 {
		t.Errorf("only %d findings in %v", total, dirs)
	}
}
