package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var rules = []string{"sg-world-open-port", "sg-unused"}

func validSeverity(s string) bool {
	switch s {
	case "info", "low", "medium", "high", "critical":
		return true
	}
	return false
}

func parse(t *testing.T, src string) (*Config, error) {
	t.Helper()
	return Parse("vpcdoctor.yaml", []byte(src), rules, validSeverity)
}

func TestParseValid(t *testing.T) {
	cfg, err := parse(t, `# accepted findings
suppressions:
  - rule: sg-world-open-port
    resource: sg-0123*
    reason: "public SFTP, reviewed 2026-10"
    expires: 2027-03-31
  - rule: sg-unused
    resource: sg-9
    account: "111122223333"
    region: ap-northeast-1
    reason: kept for the DR drill
    expires: 2026-12-01
mackerel:
  warning: high
  critical: critical
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Suppressions) != 2 {
		t.Fatalf("got %d suppressions, want 2", len(cfg.Suppressions))
	}
	s := cfg.Suppressions[0]
	if s.Rule != "sg-world-open-port" || s.Resource != "sg-0123*" || s.Reason != "public SFTP, reviewed 2026-10" || s.Line != 3 ||
		!s.Expires.Equal(time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first suppression = %+v", s)
	}
	if s := cfg.Suppressions[1]; s.Account != "111122223333" || s.Region != "ap-northeast-1" || s.Line != 7 {
		t.Errorf("second suppression = %+v", s)
	}
	if cfg.Mackerel != (Mackerel{Warning: "high", Critical: "critical"}) {
		t.Errorf("mackerel = %+v", cfg.Mackerel)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "# nothing yet\n", "---\n"} {
		cfg, err := parse(t, src)
		if err != nil || len(cfg.Suppressions) != 0 {
			t.Errorf("%q: %+v, %v; want an empty configuration", src, cfg, err)
		}
	}
}

// Every mistake names the file and line, and nothing is returned.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown top-level key", "suppresions:\n  - rule: sg-unused\n", []string{`vpcdoctor.yaml:1: unknown key "suppresions" in the configuration; want mackerel, plan, suppressions`}},
		{"unknown key in an entry", "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n    owner: me\n",
			[]string{`vpcdoctor.yaml:6: unknown key "owner" in a suppression`}},
		{"unknown rule", "suppressions:\n  - rule: sg-unsued\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n",
			[]string{`vpcdoctor.yaml:2: unknown rule "sg-unsued"`}},
		{"missing fields", "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n",
			[]string{`vpcdoctor.yaml:2: a suppression lacks "reason"`, `vpcdoctor.yaml:2: a suppression lacks "expires"`}},
		{"bad date", "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: x\n    expires: 31/12/2026\n",
			[]string{`vpcdoctor.yaml:5: expires "31/12/2026" is not a date YYYY-MM-DD`}},
		{"empty reason", "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: \"  \"\n    expires: 2027-01-01\n",
			[]string{`vpcdoctor.yaml:4: reason is empty`}},
		{"repeated key", "suppressions:\n  - rule: sg-unused\n    rule: sg-unused\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n",
			[]string{`vpcdoctor.yaml:3: key "rule" appears twice in a suppression`}},
		{"suppressions not a list", "suppressions:\n  rule: sg-unused\n", []string{`vpcdoctor.yaml:2: suppressions must be a list`}},
		{"a list value where one is expected", "suppressions:\n  - rule: [sg-unused]\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n",
			[]string{`vpcdoctor.yaml:2: rule must be a single value`}},
		{"bad severity", "mackerel:\n  warning: hihg\n", []string{`vpcdoctor.yaml:2: warning "hihg" is not a severity`}},
		{"not a mapping", "- a\n- b\n", []string{`vpcdoctor.yaml:1: the configuration must be a mapping`}},
		{"invalid YAML", "suppressions: []\nmackerel: [\n", []string{`vpcdoctor.yaml:2: not valid YAML`}},
		{"two documents", "suppressions: []\n---\nmackerel: {}\n", []string{`vpcdoctor.yaml:2: a second YAML document`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parse(t, tc.src)
			if err == nil {
				t.Fatalf("no error; got %+v", cfg)
			}
			if cfg != nil {
				t.Errorf("a configuration was returned with the error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestMatches(t *testing.T) {
	s := Suppression{Rule: "sg-unused", Resource: "sg-0a*", Region: "ap-northeast-1"}
	for _, tc := range []struct {
		rule, account, region, resource string
		want                            bool
	}{
		{"sg-unused", "1", "ap-northeast-1", "sg-0a1", true},
		{"sg-unused", "1", "ap-northeast-1", "sg-0b1", false},
		{"sg-unused", "1", "us-east-1", "sg-0a1", false},
		{"sg-world-open-port", "1", "ap-northeast-1", "sg-0a1", false},
	} {
		if got := s.Matches(tc.rule, tc.account, tc.region, tc.resource); got != tc.want {
			t.Errorf("Matches(%q, %q, %q, %q) = %v, want %v", tc.rule, tc.account, tc.region, tc.resource, got, tc.want)
		}
	}
	acct := Suppression{Rule: "sg-unused", Resource: "*", Account: "111122223333"}
	if acct.Matches("sg-unused", "444455556666", "r", "sg-1") || !acct.Matches("sg-unused", "111122223333", "r", "sg-1") {
		t.Error("account scoping does not hold")
	}
}

// A suppression applies through its expiry date (UTC) and not a day more.
func TestActiveOn(t *testing.T) {
	s := Suppression{Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 12, 30, 10, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
		// 2027-01-01 08:00 in Tokyo is still 2026-12-31 in UTC.
		{time.Date(2027, 1, 1, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)), true},
	} {
		if got := s.ActiveOn(tc.now); got != tc.want {
			t.Errorf("ActiveOn(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestLoadDefaultFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cfg, err := Load("", rules, validSeverity)
	if err != nil || cfg.Path != "" || len(cfg.Suppressions) != 0 {
		t.Fatalf("without %s: %+v, %v; want the zero configuration", DefaultFile, cfg, err)
	}
	src := "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n"
	if err := os.WriteFile(filepath.Join(dir, DefaultFile), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load("", rules, validSeverity)
	if err != nil || cfg.Path != DefaultFile || len(cfg.Suppressions) != 1 {
		t.Fatalf("with %s: %+v, %v", DefaultFile, cfg, err)
	}
	if _, err := Load(filepath.Join(dir, "absent.yaml"), rules, validSeverity); err == nil {
		t.Error("an explicit --config file that does not exist is not an error")
	}
}

// FuzzParse: a configuration file never crashes the parser; it either
// parses or fails with a positioned error and no configuration.
func FuzzParse(f *testing.F) {
	f.Add("suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: x\n    expires: 2027-01-01\n")
	f.Add("mackerel:\n  warning: high\n")
	f.Add("suppressions: [{rule: sg-unused, resource: '*', reason: r, expires: 2027-01-01}]")
	f.Add("&a [*a, *a]")
	f.Add("suppressions:\n  - !!binary aGk=\n")
	f.Add("plan:\n  nat: single\n  client_vpn: true\n  roles: {i-1*: web}\n  pin: [i-2]\n  flows:\n    - {from: a, to: b, port: 80, reason: r}\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := Parse("f.yaml", []byte(src), rules, validSeverity)
		if err != nil {
			if cfg != nil {
				t.Fatal("a configuration returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, s := range cfg.Suppressions {
			if s.Rule == "" || s.Reason == "" || s.Expires.IsZero() {
				t.Fatalf("incomplete suppression accepted: %+v", s)
			}
		}
	})
}

// Resource IDs can be ARNs, which hold slashes (an ECS service:
// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME). A * matches any run of
// characters, slashes included, so "*" suppresses a rule everywhere and
// "arn:aws:ecs:*:service/oyatsu-cluster/*" every service of a cluster.
func TestMatchesAcrossSlashes(t *testing.T) {
	const arn = "arn:aws:ecs:ap-northeast-1:111122223333:service/oyatsu-cluster/oyatsu-api"
	for _, tc := range []struct {
		pattern, resource string
		want              bool
	}{
		{"*", arn, true},
		{"arn:aws:ecs:*", arn, true},
		{"arn:aws:ecs:*:service/oyatsu-cluster/*", arn, true},
		{"*/oyatsu-api", arn, true},
		{"arn:aws:ecs:*:service/other-cluster/*", arn, false},
		{"sg-0?", "sg-01", true},
		{"sg-0?", "sg-012", false},
		{"sg-[01]", "sg-[01]", true}, // only * and ? are special
		{"sg-[01]", "sg-0", false},
		{`sg-\*`, `sg-\x`, true},
		{"*", "", true},
		{"sg-*", "", false},
	} {
		s := Suppression{Rule: "r", Resource: tc.pattern}
		if got := s.Matches("r", "a", "x", tc.resource); got != tc.want {
			t.Errorf("pattern %q on %q: %v, want %v", tc.pattern, tc.resource, got, tc.want)
		}
	}
}

// Anchors and aliases are refused with a message that says so, rather than
// "must be a single value" about a line that holds one; and an alias cannot
// multiply the work (or the errors) of parsing a small file.
func TestParseAliases(t *testing.T) {
	for _, src := range []string{
		"suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    reason: &r kept for DR\n    expires: 2027-01-01\n  - rule: sg-unused\n    resource: sg-2\n    reason: *r\n    expires: 2027-01-01\n",
		"suppressions:\n  - &e {rule: sg-unused, resource: sg-1, reason: x, expires: 2027-01-01}\n  - *e\n",
		"base: &b {reason: x, expires: 2027-01-01}\nsuppressions:\n  - rule: sg-unused\n    resource: sg-1\n    <<: *b\n",
	} {
		_, err := parse(t, src)
		if err == nil || !strings.Contains(err.Error(), "aliases") {
			t.Errorf("%q: error %v; want one about aliases", src, err)
		}
	}
	// A billion laughs: the error list stays short.
	var b strings.Builder
	b.WriteString("a: &a {")
	for i := range 2000 {
		fmt.Fprintf(&b, "k%d: v, ", i)
	}
	b.WriteString("}\nsuppressions:\n")
	for range 2000 {
		b.WriteString("  - *a\n")
	}
	_, err := parse(t, b.String())
	if err == nil || len(err.Error()) > 4000 {
		t.Errorf("error of %d bytes; want a short one", len(fmt.Sprint(err)))
	}
}

// A file with many mistakes (say, --config naming the wrong file) reports
// the first few and how many more there are.
func TestParseManyErrors(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "key%d: 1\n", i)
	}
	_, err := parse(t, b.String())
	if err == nil {
		t.Fatal("no error")
	}
	if n := strings.Count(err.Error(), "\n"); n > 25 {
		t.Errorf("%d lines of errors; want at most 25", n)
	}
	if !strings.Contains(err.Error(), "and 480 more mistakes") {
		t.Errorf("error does not say how many were left out:\n%s", err)
	}
}

func TestParseMergeKeyInline(t *testing.T) {
	_, err := parse(t, "suppressions:\n  - rule: sg-unused\n    resource: sg-1\n    <<: {reason: x, expires: 2027-01-01}\n")
	if err == nil || !strings.Contains(err.Error(), "vpcdoctor.yaml:4: YAML merge keys (<<) are not supported") {
		t.Errorf("error %v; want one about the merge key on line 4", err)
	}
}

// FuzzGlobMatch: the matcher agrees with a regular expression in which *
// is .* and ? is . (in the single-line, Unicode sense).
func FuzzGlobMatch(f *testing.F) {
	f.Add("arn:*:service/*", "arn:aws:ecs:r:1:service/c/s")
	f.Add("*a*b?", "xxaxxbyb")
	f.Add("?*?", "é")
	f.Add("a*", "")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(name) {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		want := regexp.MustCompile(re.String()).MatchString(name)
		if got := globMatch(pattern, name); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, want %v", pattern, name, got, want)
		}
	})
}
