// Package check holds vpcdoctor's catalogue of checks. Each check is one
// small unit: its metadata (ID, title, severity, rationale, remediation,
// references) in a literal beside its logic, in a file named after its ID,
// with its table tests beside it. Checks only read the model.
//
// The catalogue is the explicit list All in catalogue.go, sorted by ID; a
// test checks its invariants.
package check

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// Severity ranks findings. The zero value is invalid; the order is
// info < low < medium < high < critical.
type Severity int8

// Severities.
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"", "info", "low", "medium", "high", "critical"}

// String prints the lower-case name used in every output.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return "invalid"
	}
	return severityNames[s]
}

// ParseSeverity reads one of info, low, medium, high, critical.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && strings.EqualFold(n, s) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want one of info, low, medium, high, critical", s)
}

// Meta is what a check says about itself; docs, explain and SARIF rules are
// made from it.
type Meta struct {
	ID          string   // stable kebab-case ID; never reused
	Title       string   // one line, what is wrong
	Severity    Severity // the severity of a finding unless the check lowers it
	Rationale   string   // why it matters
	Remediation string   // how to fix it
	References  []string // CIS / AWS FSBP controls, AWS documentation
	// Needs are the calls without which the check cannot conclude anything;
	// where one is missing the check is skipped for that region and the
	// report says so.
	Needs []model.Call
	// NeedsFlowLogs: the check reads what flow logs showed (Pass.Flows).
	// Without flow logs (Options.Flows nil), or where they hold no accepted
	// traffic of the region, it is skipped and the report says why.
	NeedsFlowLogs bool
}

// Check is one rule of the catalogue.
type Check struct {
	Meta
	Run func(*Pass)
}

// Finding is one problem found by a check.
type Finding struct {
	Rule     string
	Severity Severity
	Title    string
	Message  string // Msg in English
	// Msg is the message as a catalogue Message (keys "finding.…"), for
	// outputs that write it in the reader's language.
	Msg       i18n.Message
	Account   string
	Region    string
	Resources []string // the IDs it concerns, most important first
	Evidence  []string // the rules, routes or settings that show it
	// EvidenceMsg are the evidence lines that are sentences, as catalogue
	// messages, by the index of their line in Evidence (a zero Message for
	// a line kept as it is: rule and route notation); nil when none is.
	EvidenceMsg []i18n.Message
	Remediation string
}

// Pass is one check's run over one region.
type Pass struct {
	Region    *model.Region
	check     *Check
	findings  []Finding
	exposures func() []reach.Exposure
	flows     *flows.Attribution
	// said are the evidence lines that are sentences, by their English.
	said map[string]i18n.Message
}

// say returns the English of m, an evidence line that is a sentence, and
// remembers m: a finding whose evidence holds that line carries m for it
// (Finding.EvidenceMsg).
func (p *Pass) say(m i18n.Message) string {
	text := i18n.English.Render(m)
	if p.said == nil {
		p.said = map[string]i18n.Message{}
	}
	p.said[text] = m
	return text
}

// Flows returns what the flow logs given to the run showed each rule
// carried; nil unless the check's Meta.NeedsFlowLogs is set (Run skips
// such a check when there are none).
func (p *Pass) Flows() *flows.Attribution {
	if !p.check.NeedsFlowLogs {
		return nil
	}
	return p.flows
}

// Exposures returns the region's internet exposures, computed once per
// region by the reachability engine.
func (p *Pass) Exposures() []reach.Exposure {
	if p.exposures == nil {
		return reach.InternetExposures(p.Region)
	}
	return p.exposures()
}

// Report records a finding at the check's severity, its message m (a
// catalogue Message, keys "finding.…"; Finding.Message is its English).
func (p *Pass) Report(resources, evidence []string, m i18n.Message) {
	p.ReportAt(p.check.Severity, resources, evidence, m)
}

// ReportAt records a finding at a severity the check chose for this case
// (e.g. lower for a group attached to nothing).
func (p *Pass) ReportAt(sev Severity, resources, evidence []string, m i18n.Message) {
	text := i18n.English.Render(m)
	p.findings = append(p.findings, Finding{
		Rule: p.check.ID, Severity: sev, Title: p.check.Title,
		Message: text, Msg: m, Account: p.Region.Account, Region: p.Region.Name,
		Resources: resources, Evidence: evidence, EvidenceMsg: p.evidenceMsgs(evidence), Remediation: p.check.Remediation,
	})
}

// evidenceMsgs are the messages of the lines of evidence that say
// returned, by index; nil when there are none.
func (p *Pass) evidenceMsgs(evidence []string) []i18n.Message {
	var out []i18n.Message
	for i, line := range evidence {
		if m, ok := p.said[line]; ok {
			if out == nil {
				out = make([]i18n.Message, len(evidence))
			}
			out[i] = m
		}
	}
	return out
}

// Skip says that a check did not run for a region: calls it needs were
// not collected (Missing), or an input it reads was not given (Reason,
// with Missing empty).
type Skip struct {
	Rule    string
	Account string
	Region  string
	Missing []model.Call
	Reason  string // e.g. "no flow logs given"; empty when calls are missing
}

// Reasons a check that reads flow logs is skipped.
const (
	NoFlowLogs      = "no flow logs given (vpcdoctor scan --flows)"
	NoFlowsInRegion = "the flow logs hold no accepted traffic logged at an interface of this region"
)

// Options are what a run of checks reads beside the inventory.
type Options struct {
	// Flows is what flow logs showed each rule carried (vpcdoctor scan
	// --flows); nil when none were given. Checks with NeedsFlowLogs are
	// skipped without it.
	Flows *flows.Attribution
}

// Result is the outcome of running checks over an inventory.
type Result struct {
	Findings []Finding // sorted: severity (highest first), rule, account, region, resources
	Skipped  []Skip    // sorted by account, region, rule
	// Exposures are each region's internet exposures (reach), computed once
	// and shared by the checks and the report.
	Exposures map[*model.Region][]reach.Exposure
}

// Run runs every check over every region of inv, without flow logs.
func Run(inv *model.Inventory, checks []*Check) Result {
	return RunWith(inv, checks, Options{})
}

// RunWith runs every check over every region of inv with opts.
//
// The work runs on as many goroutines as GOMAXPROCS: each region's
// exposures, computed once, and each (region, check) pass. Checks only
// read the linked model (which is read-only) and the shared exposures, so
// they may run side by side; their findings are gathered in region and
// catalogue order, as one after the other would give them.
func RunWith(inv *model.Inventory, checks []*Check, opts Options) Result {
	res := Result{Exposures: map[*model.Region][]reach.Exposure{}}
	type regionRun struct {
		reg       *model.Region
		exposures []reach.Exposure
		ready     chan struct{}
		passes    []*Pass // by check; nil when skipped
	}
	regions := inv.Regions()
	runs := make([]*regionRun, len(regions))
	var tasks []func()
	// Exposures are computed apart from the checks' workers, so that a
	// check waiting for them never holds up the computation.
	engines := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, reg := range regions {
		rr := &regionRun{reg: reg, ready: make(chan struct{}), passes: make([]*Pass, len(checks))}
		runs[i] = rr
		go func() {
			engines <- struct{}{}
			rr.exposures = reach.InternetExposures(reg)
			<-engines
			close(rr.ready)
		}()
		exposures := func() []reach.Exposure {
			<-rr.ready
			return rr.exposures
		}
		for j, c := range checks {
			var missing []model.Call
			for _, call := range c.Needs {
				if !reg.Coverage.Has(call) {
					missing = append(missing, call)
				}
			}
			if len(missing) > 0 {
				res.Skipped = append(res.Skipped, Skip{Rule: c.ID, Account: reg.Account, Region: reg.Name, Missing: missing})
				continue
			}
			if reason := flowsLacking(c, reg, opts.Flows); reason != "" {
				res.Skipped = append(res.Skipped, Skip{Rule: c.ID, Account: reg.Account, Region: reg.Name, Reason: reason})
				continue
			}
			p := &Pass{Region: reg, check: c, exposures: exposures, flows: opts.Flows}
			rr.passes[j] = p
			tasks = append(tasks, func() { c.Run(p) })
		}
	}
	runTasks(tasks)
	for _, rr := range runs {
		<-rr.ready
		res.Exposures[rr.reg] = rr.exposures
		for _, p := range rr.passes {
			if p != nil {
				res.Findings = append(res.Findings, p.findings...)
			}
		}
	}
	SortFindings(res.Findings)
	sort.SliceStable(res.Skipped, func(i, j int) bool {
		a, b := res.Skipped[i], res.Skipped[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Rule < b.Rule
	})
	return res
}

// flowsLacking says why c cannot run in reg for lack of flow logs, or "".
func flowsLacking(c *Check, reg *model.Region, f *flows.Attribution) string {
	switch {
	case !c.NeedsFlowLogs:
		return ""
	case f == nil:
		return NoFlowLogs
	case !f.CoversRegion(reg.Account, reg.Name):
		return NoFlowsInRegion
	}
	return ""
}

// runTasks runs tasks on up to GOMAXPROCS goroutines, taking them in
// order, and returns when all are done.
func runTasks(tasks []func()) {
	next := make(chan func(), len(tasks))
	for _, t := range tasks {
		next <- t
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for t := range next {
				t()
			}
		})
	}
	wg.Wait()
}

// SortFindings orders findings for output: highest severity first, then
// rule, account, region, resources and message, so that the same input
// always gives the same order.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.Severity != b.Severity:
			return a.Severity > b.Severity
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		case a.Account != b.Account:
			return a.Account < b.Account
		case a.Region != b.Region:
			return a.Region < b.Region
		}
		if x, y := strings.Join(a.Resources, ","), strings.Join(b.Resources, ","); x != y {
			return x < y
		}
		return a.Message < b.Message
	})
}
