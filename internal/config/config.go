// Package config reads vpcdoctor's configuration file, .vpcdoctor.yaml:
// suppressions of findings (each with a reason and an expiry date), the
// thresholds of the Mackerel check plugin and the planner's choices (the
// plan section, plan.go). It knows nothing of the checks
// themselves; the caller passes the rule IDs that exist.
//
// Every mistake is an error that names the file and line: an unknown key, a
// rule ID that is not in the catalogue, a date that is not YYYY-MM-DD, a
// missing reason. A configuration is small and written by people, so being
// strict costs little and catches typos that would silently suppress
// nothing.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is read from the working directory when --config is not
// given; its absence is not an error.
const DefaultFile = ".vpcdoctor.yaml"

// Config is the whole file.
type Config struct {
	Path         string // the file it was read from; "" for the zero config
	Suppressions []Suppression
	// Mackerel holds the thresholds of --format mackerel-check; empty
	// strings mean the command's defaults.
	Mackerel Mackerel
	// Plan holds the planner's choices (vpcdoctor plan); its zero value
	// chooses nothing.
	Plan Plan
}

// Suppression silences one rule for resources matching a pattern until a
// date.
type Suppression struct {
	Rule     string // a rule ID of the catalogue
	Resource string // the finding's main resource ID; may hold * and ? wildcards
	Account  string // optional: only in this account (ID or folder name)
	Region   string // optional: only in this region
	Reason   string // why, for the reviewer of the report
	// Expires is the last day (UTC) the suppression applies; from the next
	// day on the finding is reported again and the scan warns.
	Expires time.Time
	Line    int // the line of the entry in the file
}

// Mackerel are the check plugin's thresholds, as severity names.
type Mackerel struct {
	Warning  string // lowest severity that makes the check WARNING
	Critical string // lowest severity that makes the check CRITICAL
}

// Where names the entry for messages: "FILE:LINE".
func (s Suppression) Where(file string) string { return fmt.Sprintf("%s:%d", file, s.Line) }

// Matches reports whether s covers a finding of rule in account/region whose
// main resource is resource.
func (s Suppression) Matches(rule, account, region, resource string) bool {
	return s.MatchesAny(rule, []string{account}, region, resource)
}

// MatchesAny is Matches for an account known by several names (its ID, its
// snapshot folder's name): s's account, if it names one, must be one of
// them.
func (s Suppression) MatchesAny(rule string, account []string, region, resource string) bool {
	if s.Rule != rule {
		return false
	}
	if s.Account != "" && !slices.Contains(account, s.Account) {
		return false
	}
	if s.Region != "" && s.Region != region {
		return false
	}
	return globMatch(s.Resource, resource)
}

// GlobMatch reports whether name matches pattern as a suppression's
// resource does (see globMatch); the planner matches resource patterns of
// the plan section with it.
func GlobMatch(pattern, name string) bool { return globMatch(pattern, name) }

// globMatch reports whether name matches pattern, in which * stands for any
// run of characters (slashes included: resource IDs can be ARNs such as
// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME) and ? for any one
// character; every other character, [ and \ included, stands for itself.
func globMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// Backtracking over the last star only: linear in practice and never
	// worse than len(p)*len(n).
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]):
			pi++
			ni++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			mark++
			pi, ni = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// ActiveOn reports whether s still applies on day now (compared in UTC by
// calendar date: a suppression expiring 2026-12-31 applies all that day).
func (s Suppression) ActiveOn(now time.Time) bool {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return !today.After(s.Expires)
}

// Error is a mistake in the file, with its position.
type Error struct {
	File string
	Line int // 0 when the whole file is concerned
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Load reads file. When file is "" it reads DefaultFile if it exists and
// returns the zero Config otherwise. knownRules are the IDs a suppression
// may name; knownSeverity validates threshold names.
func Load(file string, knownRules []string, knownSeverity func(string) bool) (*Config, error) {
	explicit := file != ""
	if !explicit {
		file = DefaultFile
	}
	data, err := os.ReadFile(file)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	return Parse(file, data, knownRules, knownSeverity)
}

// Parse reads a configuration held in data; file names it in errors.
func Parse(file string, data []byte, knownRules []string, knownSeverity func(string) bool) (*Config, error) {
	cfg := &Config{Path: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) || strings.TrimSpace(string(data)) == "" {
			return cfg, nil // an empty file configures nothing
		}
		return nil, &Error{File: file, Line: yamlErrorLine(err), Msg: "not valid YAML: " + trimYAMLError(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: file, Line: extra.Line, Msg: "a second YAML document; the configuration is one document"}
	}
	p := parser{file: file, rules: map[string]bool{}, severity: knownSeverity}
	for _, r := range knownRules {
		p.rules[r] = true
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil
	}
	p.mapping(root, "the configuration", map[string]func(*yaml.Node){
		"suppressions": func(n *yaml.Node) { cfg.Suppressions = p.suppressions(n) },
		"mackerel":     func(n *yaml.Node) { cfg.Mackerel = p.mackerel(n) },
		"plan":         func(n *yaml.Node) { cfg.Plan = p.plan(n) },
	}, nil)
	if len(p.errs) > maxErrors {
		more := len(p.errs) - maxErrors
		p.errs = append(p.errs[:maxErrors], &Error{File: file, Msg: fmt.Sprintf("… and %d more mistakes", more)})
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return cfg, nil
}

// maxErrors is how many mistakes Parse reports; a file with more is
// probably not a configuration at all.
const maxErrors = 20

type parser struct {
	file     string
	rules    map[string]bool
	severity func(string) bool
	errs     []error
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

// mapping walks a mapping node, calling the handler of each key; unknown and
// repeated keys are errors, and required keys must be present.
func (p *parser) mapping(n *yaml.Node, what string, keys map[string]func(*yaml.Node), required []string) {
	if p.alias(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping of keys to values", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		h, ok := keys[k.Value]
		switch {
		case k.Tag == "!!merge":
			if !p.alias(v) {
				p.fail(k, "YAML merge keys (<<) are not supported in the configuration; write the keys out")
			}
			continue
		case !ok:
			p.fail(k, "unknown key %q in %s; want %s", k.Value, what, keyList(keys))
			continue
		case seen[k.Value]:
			p.fail(k, "key %q appears twice in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		h(v)
	}
	for _, r := range required {
		if !seen[r] {
			p.fail(n, "%s lacks %q", what, r)
		}
	}
}

func keyList(keys map[string]func(*yaml.Node)) string {
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// alias reports (and records as a mistake) a YAML alias (*name) or merge
// key (<<: *name). They are refused rather than resolved: a configuration
// is short enough to write out, an error about an alias would point at the
// anchor's line rather than the entry's, and an alias could make a small
// file expand to a huge one.
func (p *parser) alias(n *yaml.Node) bool {
	if n.Kind != yaml.AliasNode {
		return false
	}
	p.fail(n, "YAML aliases (*%s) and merge keys (<<) are not supported in the configuration; write the value out", n.Value)
	return true
}

func (p *parser) scalar(n *yaml.Node, what string) string {
	if p.alias(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, "%s must be a single value", what)
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		p.fail(n, "%s is empty", what)
		return ""
	}
	return n.Value
}

func (p *parser) suppressions(n *yaml.Node) []Suppression {
	if p.alias(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "suppressions must be a list of entries (each starting with \"- rule:\")")
		return nil
	}
	var out []Suppression
	for _, e := range n.Content {
		s := Suppression{Line: e.Line}
		p.mapping(e, "a suppression", map[string]func(*yaml.Node){
			"rule": func(v *yaml.Node) {
				s.Rule = p.scalar(v, "rule")
				if s.Rule != "" && !p.rules[s.Rule] {
					p.fail(v, "unknown rule %q; `vpcdoctor rules` lists them", s.Rule)
				}
			},
			"resource": func(v *yaml.Node) { s.Resource = p.scalar(v, "resource") },
			"account":  func(v *yaml.Node) { s.Account = p.scalar(v, "account") },
			"region":   func(v *yaml.Node) { s.Region = p.scalar(v, "region") },
			"reason": func(v *yaml.Node) {
				s.Reason = strings.TrimSpace(p.scalar(v, "reason"))
			},
			"expires": func(v *yaml.Node) {
				raw := p.scalar(v, "expires")
				if raw == "" {
					return
				}
				t, err := time.Parse(time.DateOnly, raw)
				if err != nil {
					p.fail(v, "expires %q is not a date YYYY-MM-DD", raw)
					return
				}
				s.Expires = t
			},
		}, []string{"rule", "resource", "reason", "expires"})
		out = append(out, s)
	}
	return out
}

func (p *parser) mackerel(n *yaml.Node) Mackerel {
	var m Mackerel
	sev := func(dst *string, key string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			*dst = p.scalar(v, key)
			if *dst != "" && p.severity != nil && !p.severity(*dst) {
				p.fail(v, "%s %q is not a severity: want info, low, medium, high or critical", key, *dst)
			}
		}
	}
	p.mapping(n, "mackerel", map[string]func(*yaml.Node){
		"warning":  sev(&m.Warning, "warning"),
		"critical": sev(&m.Critical, "critical"),
	}, nil)
	return m
}

// yamlErrorLine digs the line out of a yaml.v3 syntax error ("yaml: line 3:
// ..."); 0 when it has none.
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+len("line "):], "%d", &line)
	}
	return line
}

func trimYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}
