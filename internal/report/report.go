// Package report builds the one document every output format renders: what
// was scanned, the findings, the coverage (which calls were missing and what
// that leaves undecided) and the oddities met in the data. Its JSON form is
// the stable schema documented in docs/json-schema.md; field names are
// snake_case and every list is sorted, so the same input gives the same bytes.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/config"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// SchemaVersion is bumped when a field changes meaning or disappears; new
// fields may appear without a bump.
const SchemaVersion = 1

// Report is the scan result.
type Report struct {
	SchemaVersion int        `json:"schema_version"`
	Scanned       Scanned    `json:"scanned"`
	Summary       Summary    `json:"summary"`
	Findings      []Finding  `json:"findings"`
	Exposures     []Exposure `json:"exposures"`
	Coverage      []Coverage `json:"coverage"`
	Notes         []Note     `json:"notes"`
	// Warnings are things the person running the scan should act on that
	// are not findings, such as expired suppressions.
	Warnings []string `json:"warnings"`

	// Rules is the catalogue the scan ran, for formats that describe their
	// rules (SARIF); it is not part of the JSON document.
	Rules []Rule `json:"-"`
}

// Rule is one check's documentation, as `vpcdoctor rules --format json`
// prints it.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Rationale   string   `json:"rationale"`
	Remediation string   `json:"remediation"`
	References  []string `json:"references"`
	Needs       []string `json:"needs"` // the calls without which it is skipped
	// NeedsFlowLogs: the check runs only with flow logs (scan --flows).
	NeedsFlowLogs bool `json:"needs_flow_logs,omitempty"`
}

// RulesOf documents checks.
func RulesOf(checks []*check.Check) []Rule {
	out := make([]Rule, 0, len(checks))
	for _, c := range checks {
		r := Rule{ID: c.ID, Title: c.Title, Severity: c.Severity.String(), Rationale: c.Rationale,
			Remediation: c.Remediation, References: append([]string{}, c.References...), Needs: []string{}, NeedsFlowLogs: c.NeedsFlowLogs}
		for _, n := range c.Needs {
			r.Needs = append(r.Needs, string(n))
		}
		out = append(out, r)
	}
	return out
}

// Scanned says what the report covers.
type Scanned struct {
	Accounts []Account `json:"accounts"`
	Regions  []Region  `json:"regions"`
}

// Account is one account of the snapshot.
type Account struct {
	ID   string `json:"id"`   // empty when no file names it
	Name string `json:"name"` // the snapshot folder's name
}

// Region counts what one account holds in one region.
type Region struct {
	Account           string `json:"account"`
	Region            string `json:"region"`
	VPCs              int    `json:"vpcs"`
	Subnets           int    `json:"subnets"`
	SecurityGroups    int    `json:"security_groups"`
	NetworkInterfaces int    `json:"network_interfaces"`
	Resources         int    `json:"resources"`
	Roles             int    `json:"roles"`
}

// Summary counts findings by severity. Suppressed findings are counted
// only in Suppressed.
type Summary struct {
	Findings   int `json:"findings"`
	Suppressed int `json:"suppressed"`
	Critical   int `json:"critical"`
	High       int `json:"high"`
	Medium     int `json:"medium"`
	Low        int `json:"low"`
	Info       int `json:"info"`
	// Complete is true when every call was collected in every region, so no
	// check was skipped and no conclusion rests on missing data.
	Complete bool `json:"complete"`
}

// Finding is one problem.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Message  string `json:"message"`
	// Msg is Message as a catalogue message (internal/i18n), for outputs
	// in another language (text and Markdown with --lang, the HTML
	// report). It is not in the JSON, which stays English; a report read
	// back from JSON has none, and its Message is used as it is.
	Msg       i18n.Message `json:"-"`
	Account   string       `json:"account"`
	Region    string       `json:"region"`
	Resources []string     `json:"resources"`
	Evidence  []string     `json:"evidence"`
	// EvidenceMsg are the evidence lines that are sentences, as catalogue
	// messages, by index (check.Finding.EvidenceMsg); not in the JSON.
	EvidenceMsg []i18n.Message `json:"-"`
	Remediation string         `json:"remediation"`
	// Suppressed is true when a suppression in the configuration accepts
	// the finding; it stays in the report, with the suppression.
	Suppressed  bool         `json:"suppressed"`
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Fingerprint identifies the problem a finding reports across scans: the
// hex SHA-256 of its rule, account, region and main resource (the first
// of Resources). The same problem on the same resource has the same
// fingerprint in every run, even when its message changes (a port added,
// a count grown); SARIF's partialFingerprints, `vpcdoctor diff` and the
// scan history all match findings by it.
func (f Finding) Fingerprint() string {
	main := ""
	if len(f.Resources) > 0 {
		main = f.Resources[0]
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Rule, f.Account, f.Region, main}, "\x00")))
	return hex.EncodeToString(sum[:])
}

// Suppression is the configuration entry that accepted a finding.
type Suppression struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"` // YYYY-MM-DD, the last day it applies
	Source  string `json:"source"`  // FILE:LINE of the entry
}

// Exposure is one (protocol, port range, sources) the internet can send to
// one network interface, and the path that lets it through.
type Exposure struct {
	Account         string   `json:"account"`
	Region          string   `json:"region"`
	ENI             string   `json:"eni"`                        // empty for a load balancer whose interfaces the data lacks
	Resource        string   `json:"resource"`                   // the owner's ID; empty when unknown
	ResourceType    string   `json:"resource_type"`              // a resource kind, or the ENI owner kind when no resource is known
	Protocol        string   `json:"protocol"`                   // tcp, udp, icmp, icmpv6, all, or the protocol number
	ExceptProtocols []string `json:"except_protocols,omitempty"` // with protocol all: protocols not included
	FromPort        int      `json:"from_port"`                  // for ICMP: the ICMP type
	ToPort          int      `json:"to_port"`
	Sources         []string `json:"sources"` // CIDRs whose union is the allowed source set
	// WholeInternet is true when sources are every internet address of IPv4
	// or IPv6, as seen from the interface's VPC.
	WholeInternet bool     `json:"whole_internet"`
	Via           string   `json:"via"` // direct or load-balancer
	LoadBalancer  string   `json:"load_balancer,omitempty"`
	Path          []Hop    `json:"path"`
	Notes         []string `json:"notes"`
	// NoteMsgs are the Notes as catalogue messages, in the same order
	// (reach.Exposure.NoteMsgs), for renderers that write another
	// language; not in the JSON.
	NoteMsgs []i18n.Message `json:"-"`
}

// Hop is one step of an exposure's path and the rule that passed it.
type Hop struct {
	Kind   string `json:"kind"` // public-address, route, network-acl, security-group, load-balancer, target
	ID     string `json:"id"`
	Detail string `json:"detail"`
	// Msg is Detail as a catalogue message, for renderers that write
	// another language (reach.Hop.Msg); not in the JSON.
	Msg i18n.Message `json:"-"`
}

// Coverage is what one region's data lacks.
type Coverage struct {
	Account       string        `json:"account"`
	Region        string        `json:"region"`
	Complete      bool          `json:"complete"`
	Missing       []MissingCall `json:"missing"`
	SkippedChecks []SkippedRule `json:"skipped_checks"`
}

// MissingCall is a call absent or incomplete in the data.
type MissingCall struct {
	Call     string `json:"call"`
	Resource string `json:"resource,omitempty"` // for per-resource calls
	Reason   string `json:"reason"`
	Weakens  string `json:"weakens"`
}

// SkippedRule is a check that did not run for a region: for want of
// calls, or of an input that was not given (Reason), such as flow logs.
type SkippedRule struct {
	Rule         string   `json:"rule"`
	MissingCalls []string `json:"missing_calls"`
	Reason       string   `json:"reason,omitempty"` // set when no call is missing
}

// Note is an oddity in the data that was tolerated.
type Note struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Build assembles the report of a scan that ran checks.
func Build(inv *model.Inventory, res check.Result, checks []*check.Check) *Report {
	rep := &Report{SchemaVersion: SchemaVersion, Findings: []Finding{}, Exposures: []Exposure{}, Coverage: []Coverage{}, Notes: []Note{}, Warnings: []string{}}
	rep.Scanned.Accounts = []Account{}
	rep.Scanned.Regions = []Region{}
	for _, a := range inv.Accounts {
		rep.Scanned.Accounts = append(rep.Scanned.Accounts, Account{ID: a.ID, Name: a.Name})
	}
	skipped := map[[2]string][]SkippedRule{}
	lacking := map[[2]string]bool{} // regions where a check lacked calls
	for _, s := range res.Skipped {
		calls := make([]string, len(s.Missing))
		for i, c := range s.Missing {
			calls[i] = string(c)
		}
		k := [2]string{s.Account, s.Region}
		skipped[k] = append(skipped[k], SkippedRule{Rule: s.Rule, MissingCalls: calls, Reason: s.Reason})
		if len(calls) > 0 {
			lacking[k] = true
		}
	}
	rep.Summary.Complete = true
	for _, reg := range inv.Regions() {
		rep.Scanned.Regions = append(rep.Scanned.Regions, Region{
			Account: reg.Account, Region: reg.Name, VPCs: len(reg.VPCs), Subnets: len(reg.Subnets),
			SecurityGroups: len(reg.SecurityGroups), NetworkInterfaces: len(reg.ENIs),
			Resources: len(reg.Resources), Roles: len(reg.Roles),
		})
		cov := Coverage{Account: reg.Account, Region: reg.Name, Missing: []MissingCall{}, SkippedChecks: skipped[[2]string{reg.Account, reg.Name}]}
		if cov.SkippedChecks == nil {
			cov.SkippedChecks = []SkippedRule{}
		}
		for _, m := range reg.Coverage.Missing {
			info, _ := model.CallInfoFor(m.Call)
			cov.Missing = append(cov.Missing, MissingCall{Call: string(m.Call), Resource: m.Resource, Reason: m.Reason, Weakens: info.Weakens})
		}
		// A check skipped because an input was not given (flow logs) is
		// no gap in the account's data.
		cov.Complete = len(cov.Missing) == 0 && !lacking[[2]string{reg.Account, reg.Name}]
		if !cov.Complete {
			rep.Summary.Complete = false
		}
		rep.Coverage = append(rep.Coverage, cov)
		for _, x := range res.Exposures[reg] {
			rep.Exposures = append(rep.Exposures, exposureOf(reg, x))
		}
		for _, n := range reg.Notes {
			rep.Notes = append(rep.Notes, Note{Account: reg.Account, Region: reg.Name, Subject: n.Subject, Text: n.Text})
		}
	}
	// An account the collection could not reach has no region to report:
	// its coverage says the whole account is missing, and a warning says it
	// first, so that nobody reads its silence as a clean account.
	for _, u := range inv.Unreached {
		rep.Summary.Complete = false
		rep.Coverage = append(rep.Coverage, Coverage{
			Account: u.Account, Region: "(all regions)", Missing: []MissingCall{{
				Call: u.Call, Reason: u.Reason, Weakens: "the account could not be reached: none of its resources is scanned",
			}},
			SkippedChecks: []SkippedRule{},
		})
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("account %s was not collected (%s: %s): none of its resources is in this report.", u.Account, u.Call, strings.TrimPrefix(u.Reason, "not collected: ")))
	}
	rep.Rules = RulesOf(checks)
	for _, f := range res.Findings {
		ev := f.Evidence
		if ev == nil {
			ev = []string{}
		}
		rep.Findings = append(rep.Findings, Finding{
			Rule: f.Rule, Severity: f.Severity.String(), Title: f.Title, Message: f.Message, Msg: f.Msg,
			Account: f.Account, Region: f.Region, Resources: f.Resources, Evidence: ev, EvidenceMsg: f.EvidenceMsg, Remediation: f.Remediation,
		})
	}
	rep.count()
	sort.SliceStable(rep.Scanned.Regions, func(i, j int) bool {
		a, b := rep.Scanned.Regions[i], rep.Scanned.Regions[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	return rep
}

func exposureOf(reg *model.Region, x reach.Exposure) Exposure {
	out := Exposure{
		Account: reg.Account, Region: reg.Name, Via: string(x.Via),
		Protocol: x.Protocol.String(), FromPort: int(x.Ports.From), ToPort: int(x.Ports.To),
		Sources: []string{}, Path: []Hop{}, Notes: []string{}, WholeInternet: x.WholeInternet,
	}
	if x.Protocol.IsICMP() {
		out.FromPort, out.ToPort = int(x.Ports.From>>8), int(x.Ports.To>>8)
	}
	for _, p := range x.Except {
		out.ExceptProtocols = append(out.ExceptProtocols, p.String())
	}
	if x.ENI != nil {
		out.ENI = x.ENI.ID
		out.ResourceType = string(x.ENI.Owner.Kind)
	}
	if x.Resource != nil {
		out.Resource = x.Resource.ID
		out.ResourceType = string(x.Resource.Kind)
	}
	if x.LoadBalancer != nil {
		out.LoadBalancer = x.LoadBalancer.ID
	}
	for _, p := range x.Sources {
		out.Sources = append(out.Sources, p.String())
	}
	for _, h := range x.Path {
		out.Path = append(out.Path, Hop{Kind: h.Kind, ID: h.ID, Detail: h.Detail, Msg: h.Msg})
	}
	out.Notes = append(out.Notes, x.Notes...)
	out.NoteMsgs = x.NoteMsgs
	return out
}

// count fills the summary's finding counts from the findings.
func (rep *Report) count() {
	s := &rep.Summary
	s.Findings, s.Suppressed, s.Critical, s.High, s.Medium, s.Low, s.Info = 0, 0, 0, 0, 0, 0, 0
	for _, f := range rep.Findings {
		if f.Suppressed {
			s.Suppressed++
			continue
		}
		s.Findings++
		switch f.Severity {
		case "critical":
			s.Critical++
		case "high":
			s.High++
		case "medium":
			s.Medium++
		case "low":
			s.Low++
		case "info":
			s.Info++
		}
	}
}

// Suppress marks the findings that cfg's suppressions accept on day now.
//
// A suppression covers a finding of its rule (and account and region, when
// it names them) whose main resource, the first of its resources, matches
// its pattern; a finding without resources is covered by a pattern that
// matches the empty string ("*"). When several entries cover a finding, the
// first active one in the file is recorded.
//
// It warns, once per entry and in the file's order, about every expired
// entry (its findings are reported again, or it covers nothing any more
// and can go), and about an active entry that covers nothing but names a
// secondary resource of a finding of its rule, the likeliest mistake in
// writing one.
func (rep *Report) Suppress(cfg *config.Config, now time.Time) {
	if cfg == nil || len(cfg.Suppressions) == 0 {
		return
	}
	covers := make([][]int, len(cfg.Suppressions))    // findings each entry covers
	secondary := make([][]int, len(cfg.Suppressions)) // findings where it names a secondary resource
	names := map[string][]string{}                    // account label -> the names an entry may use
	for i := range rep.Findings {
		f := &rep.Findings[i]
		main := ""
		if len(f.Resources) > 0 {
			main = f.Resources[0]
		}
		if names[f.Account] == nil {
			names[f.Account] = rep.accountNames(f.Account)
		}
		for j, s := range cfg.Suppressions {
			if !s.MatchesAny(f.Rule, names[f.Account], f.Region, main) {
				for _, r := range f.Resources[min(1, len(f.Resources)):] {
					if s.MatchesAny(f.Rule, names[f.Account], f.Region, r) {
						secondary[j] = append(secondary[j], i)
						break
					}
				}
				continue
			}
			covers[j] = append(covers[j], i)
			if f.Suppressed || !s.ActiveOn(now) {
				continue
			}
			f.Suppressed = true
			f.Suppression = &Suppression{Reason: s.Reason, Expires: s.Expires.Format(time.DateOnly), Source: s.Where(cfg.Path)}
		}
	}
	for j, s := range cfg.Suppressions {
		where := fmt.Sprintf("%s: the suppression of %s for %s", s.Where(cfg.Path), s.Rule, s.Resource)
		if !s.ActiveOn(now) {
			again := 0
			for _, i := range covers[j] {
				if !rep.Findings[i].Suppressed {
					again++
				}
			}
			if again > 0 {
				verb, them := "are", "them"
				if again == 1 {
					verb, them = "is", "it"
				}
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s expired on %s; %d %s it covered %s reported again. Fix %s, or renew the entry with a new reason and date.",
					where, s.Expires.Format(time.DateOnly), again, plural(again, "finding"), verb, them))
			} else {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s expired on %s and covers no finding that is reported; remove the entry.",
					where, s.Expires.Format(time.DateOnly)))
			}
			continue
		}
		if len(covers[j]) == 0 && len(secondary[j]) > 0 {
			f := rep.Findings[secondary[j][0]]
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s covers no finding: it names a resource that is not the main one of a finding (the %s finding whose main resource is %s). A suppression matches a finding's first resource; name %s to accept that finding.",
				where, f.Rule, f.Resources[0], f.Resources[0]))
		}
	}
	rep.count()
}

// accountNames are the names a suppression's account: may give the account
// a finding is labelled with: the label itself, the account's ID and its
// snapshot folder's name. Two folders of one account are labelled
// "ID (FOLDER)"; the ID names both, the folder's name only its own.
func (rep *Report) accountNames(label string) []string {
	names := []string{label}
	for _, a := range rep.Scanned.Accounts {
		switch {
		case label == a.ID || (a.ID == "" && label == a.Name) || (a.ID != "" && label == a.ID+" ("+a.Name+")"):
			names = append(names, a.ID, a.Name)
		case a.ID != "" && strings.HasPrefix(label, a.ID+" ("):
			names = append(names, a.ID) // two folders of one name: told apart by path only
		}
	}
	return names
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// AtOrAbove counts the unsuppressed findings of severity sev or higher.
func (rep *Report) AtOrAbove(sev check.Severity) int {
	n := 0
	for _, f := range rep.Findings {
		if s, err := check.ParseSeverity(f.Severity); err == nil && !f.Suppressed && s >= sev {
			n++
		}
	}
	return n
}
