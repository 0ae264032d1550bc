package htmlreport

import (
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	// catalogue.LocalizeFinding: a check's texts in the reader's language
	catalogue "github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// pathsShown caps the paths shown in a finding; the exposure list has
// them all.
const pathsShown = 5

// severities are the severity names, worst first.
var severities = []string{"critical", "high", "medium", "low", "info"}

// severityRank orders severity names: critical 5 down to info 1, and 0 for
// a name that is not a severity.
func severityRank(s string) int {
	if i := slices.Index(severities, s); i >= 0 {
		return len(severities) - i
	}
	return 0
}

// view is everything the template shows, decided here so that the
// template only lays it out.
type view struct {
	Lang      string
	Generated string
	CSS       template.CSS
	JS        template.JS

	Accounts []report.Account
	Regions  []report.Region
	Complete bool
	Warnings []string

	Severities []severityCount
	Findings   []findingView
	Rules      []ruleCount
	RuleTexts  []ruleText // the findings' rules, translated; none in English
	Shown      int        // the unsuppressed findings: shown before any filter
	Suppressed int
	Status     string // how many rows show, before the script filters them

	Ports     []portCount
	Worst     []*exposureView
	WorstMore int // critical and high exposures beyond Worst
	Exposures []*exposureView

	Diagrams []diagramView
	Plan     *planView
}

// severityCount is one severity of the summary and of the filter.
type severityCount struct {
	Name  string // critical ... info: the CSS class and the filter's value
	Label string
	Count int // unsuppressed findings
}

// ruleCount is one rule of the rule filter.
type ruleCount struct {
	ID    string
	Count int
}

// findingView is one row of the findings table.
type findingView struct {
	ID            string // the row's element ID
	Severity      string
	SeverityLabel string
	report.Finding
	// Filter is what the resource filter searches: the resources, the
	// account and the region, lower case.
	Filter string
	// Paths are the exposures of the finding's main resource, with their
	// hops: at most pathsShown; PathsMore are the others, in the exposure
	// list.
	Paths     []*exposureView
	PathsMore int
	// Translated: the title (Finding.Title) is the check's, in the
	// page's language, which is not English. MessageTranslated: so is
	// the message (Finding.Msg rendered in that language). The summary
	// shows the message, and the title inside, unless only the title is
	// translated (a finding read without its Msg): then the summary shows
	// the title, and the English message is shown labelled inside. Why:
	// the row links to its rule's rationale (view.RuleTexts).
	Translated        bool
	MessageTranslated bool
	Why               bool
	// Sentences marks the evidence lines written in the page's language
	// (sentences, not rule or route notation), by index: shown as text,
	// not as code. Nil in English.
	Sentences []bool
}

// ruleText is why one rule matters, in the page's language: shown once
// per rule under the findings (not in each finding: at 10,000 findings
// that would be 11 MB more), for pages not in English.
type ruleText struct {
	ID, Title, Rationale string
}

// diagramView is one diagram ready to inline.
type diagramView struct {
	ID    string
	Title string
	SVG   template.HTML
}

func build(in Input) (*view, error) {
	rep := in.Report
	v := &view{
		Lang: string(in.Lang), Generated: in.Generated,
		CSS: template.CSS(css), JS: template.JS(js),
		Accounts: rep.Scanned.Accounts, Regions: rep.Scanned.Regions,
		Complete: rep.Summary.Complete, Warnings: rep.Warnings,
		Shown: rep.Summary.Findings, Suppressed: rep.Summary.Suppressed,
	}
	counts := map[string]int{
		"critical": rep.Summary.Critical, "high": rep.Summary.High, "medium": rep.Summary.Medium,
		"low": rep.Summary.Low, "info": rep.Summary.Info,
	}
	for _, s := range severities {
		v.Severities = append(v.Severities, severityCount{Name: s, Label: severityLabel(in.Lang, s), Count: counts[s]})
	}
	exposures := exposuresOf(in.Lang, rep)
	v.Exposures = exposures.all
	v.Findings, v.Rules = findingsOf(in.Lang, rep, exposures)
	v.RuleTexts = ruleTextsOf(in.Lang, rep, v.Rules)
	why := map[string]bool{}
	for _, r := range v.RuleTexts {
		why[r.ID] = true
	}
	for i := range v.Findings {
		v.Findings[i].Why = why[v.Findings[i].Rule]
	}
	v.Worst, v.WorstMore = exposures.worst()
	v.Status = findingsStatus(in.Lang, len(v.Findings), len(v.Findings))
	v.Ports = portsOf(in.Lang, exposures.all)
	for i, d := range in.Diagrams {
		svg, err := inlineSVG(d.SVG, diagramPrefix(i))
		if err != nil {
			return nil, fmt.Errorf("htmlreport: diagram %d (%q): %w", i+1, d.Title, err)
		}
		v.Diagrams = append(v.Diagrams, diagramView{ID: diagramPrefix(i), Title: d.Title, SVG: template.HTML(svg)})
	}
	if in.Plan != nil {
		v.Plan = planViewOf(in.Lang, in.Plan)
	}
	return v, nil
}

// severityLabel is a severity's name in l; an unknown one stays as it is.
func severityLabel(l i18n.Lang, s string) string {
	return labelOr(l, "common.severity."+s, s)
}

// findingsOf lists the findings worst first (the report's order within a
// severity), and the rules they belong to, sorted by ID.
func findingsOf(l i18n.Lang, rep *report.Report, exposures *exposureIndex) ([]findingView, []ruleCount) {
	out := make([]findingView, 0, len(rep.Findings))
	rules := map[string]int{}
	for i, f := range rep.Findings {
		fv := findingView{ID: "finding-" + strconv.Itoa(i+1), Severity: f.Severity, SeverityLabel: severityLabel(l, f.Severity), Finding: f}
		fv.translate(l)
		fv.Filter = strings.ToLower(strings.Join(append(append([]string{}, f.Resources...), f.Account, f.Region), " "))
		fv.Paths = exposures.of(f)
		if n := len(fv.Paths); n > pathsShown {
			fv.Paths, fv.PathsMore = fv.Paths[:pathsShown], n-pathsShown
		}
		out = append(out, fv)
		rules[f.Rule] += boolInt(!f.Suppressed) // listed even when all its findings are suppressed
	}
	sort.SliceStable(out, func(i, j int) bool { return severityRank(out[i].Severity) > severityRank(out[j].Severity) })
	var rc []ruleCount
	for id, n := range rules {
		rc = append(rc, ruleCount{ID: id, Count: n})
	}
	sort.Slice(rc, func(i, j int) bool { return rc[i].ID < rc[j].ID })
	return out, rc
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// findingsStatus says how many findings the table shows. The script says
// it again after each filter, from the same text, whose {shown} and
// {total} it replaces.
func findingsStatus(l i18n.Lang, shown, total int) string {
	return strings.NewReplacer("{shown}", strconv.Itoa(shown), "{total}", strconv.Itoa(total)).Replace(l.T("report.findings.status"))
}

// translate puts the check's texts of the finding (its title and
// remediation) in l where the catalogue has them (area "check"), and its
// message (Finding.MessageIn) where the finding has it as a catalogue
// message; a text that is not the check's stays as it is.
func (fv *findingView) translate(l i18n.Lang) {
	if l == i18n.English {
		return
	}
	english := fv.Title
	fv.Finding = catalogue.LocalizeFinding(fv.Finding, l)
	fv.Translated = fv.Title != english
	fv.MessageTranslated = !fv.Msg.IsZero()
	for i, m := range fv.EvidenceMsg {
		if !m.IsZero() && i < len(fv.Evidence) {
			if fv.Sentences == nil {
				fv.Sentences = make([]bool, len(fv.Evidence))
			}
			fv.Sentences[i] = true
		}
	}
}

// ruleTextsOf is the title and rationale of each rule of the findings in
// l, sorted by ID: those the catalogue translates; none in English.
func ruleTextsOf(l i18n.Lang, rep *report.Report, rules []ruleCount) []ruleText {
	if l == i18n.English {
		return nil
	}
	of := map[string]report.Rule{}
	for _, r := range rep.Rules {
		of[r.ID] = r
	}
	var out []ruleText
	for _, rc := range rules {
		r, ok := of[rc.ID]
		if !ok {
			continue
		}
		title := catalogue.CheckText(l, r.ID, "title", r.Title)
		rationale := catalogue.CheckText(l, r.ID, "rationale", r.Rationale)
		if title != r.Title && rationale != r.Rationale {
			out = append(out, ruleText{ID: r.ID, Title: title, Rationale: rationale})
		}
	}
	return out
}
