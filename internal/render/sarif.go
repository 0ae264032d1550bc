package render

// SARIF 2.1.0 for GitHub code scanning.
//
// The document is built from small structs of our own rather than
// github.com/owenrumney/go-sarif/v3: that library's types always emit
// properties we do not mean (every result gets "rank": 0, which SARIF reads
// as "lowest priority" rather than "unspecified"; runs get a dozen empty
// arrays and a "language"), and its package pulls a JSON-schema validator
// and a UUID library into the binary. The structs below hold exactly the
// properties GitHub reads (docs: "SARIF support for code scanning") plus
// the few that other SARIF viewers use, in a fixed order, so the same report
// gives the same bytes. Tests validate the output against the OASIS schema.
//
// What GitHub does with each property:
//   - tool.driver.name/version/informationUri/rules[]: the tool filter, the
//     alert's rule help; rules[] is the whole catalogue in its order, so a
//     ruleIndex stays valid whatever fired.
//   - rules[].shortDescription/fullDescription (shown at the top of an
//     alert; at most 1024 characters each), help.text and help.markdown
//     (markdown wins when present), properties.tags (filters; "security"
//     makes security-severity count), properties["security-severity"]
//     (the alert's severity: over 9.0 critical, 7.0-8.9 high, 4.0-6.9
//     medium, 0.1-3.9 low), defaultConfiguration.level.
//   - results[].ruleId/ruleIndex/level/message.text, locations[0] (required
//     for an alert to show) and partialFingerprints.primaryLocationLineHash
//     (the only fingerprint GitHub uses, combined with the path and rule).
//
// GitHub takes an alert's security severity from the rule, not the result:
// a finding a check reported below the rule's default severity (say, an
// internet-facing load balancer at info under internet-exposed) keeps the
// rule's security severity on GitHub, though its level is its own. The
// result's own security-severity is also written, for consumers that read
// it (GitLab does).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

const (
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// projectURI is the project's home; rules' helpUri point into its
	// docs/rules.md, whose headings are the rule IDs.
	projectURI = "https://github.com/vpcdoctor/vpcdoctor"
	rulesDoc   = projectURI + "/blob/main/docs/rules.md"
	// sarifDescriptionLimit is GitHub's limit on short and full
	// descriptions, in characters.
	sarifDescriptionLimit = 1024
	// fingerprintKey names vpcdoctor's own full-length fingerprint.
	fingerprintKey = "vpcdoctorFinding/v1"
)

// sarifLevel maps a severity to a SARIF level: critical and high are
// errors, medium a warning, low and info notes.
func sarifLevel(severity string) string {
	switch severity {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub ranks security alerts by;
// "" for info, which GitHub then treats as no security severity.
func securitySeverity(severity string) string {
	switch severity {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "2.0"
	}
	return ""
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"` // absent when the rule is not in the catalogue
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions"` // [] means "not suppressed", as SARIF distinguishes it from absent
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string                `json:"kind"`
	Status        string                `json:"status"`
	Justification string                `json:"justification"`
	Properties    sarifSuppressionProps `json:"properties"`
}

type sarifSuppressionProps struct {
	Expires string `json:"expires"` // YYYY-MM-DD, the last day it applies
	Source  string `json:"source"`  // FILE:LINE of the configuration entry
}

type sarifResultProps struct {
	Severity         string   `json:"severity"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Account          string   `json:"account"`
	Region           string   `json:"region"`
	Resources        []string `json:"resources"`
	Evidence         []string `json:"evidence"`
}

// SARIF writes the report as one SARIF 2.1.0 log with one run, indented,
// followed by a newline.
func SARIF(w io.Writer, rep *report.Report, opt Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "vpcdoctor", Version: opt.Version, InformationURI: projectURI, Rules: []sarifRule{},
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: sarifNotifications(rep)}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for i, r := range rep.Rules {
		if _, dup := index[r.ID]; !dup {
			index[r.ID] = i
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}
	var findings []report.Finding
	for _, f := range rep.Findings {
		if !(f.Suppressed && opt.OmitSuppressed) {
			findings = append(findings, f)
		}
	}
	findings, left := sarifLimit(findings, sarifMaxResults)
	if left != "" {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: left}})
	}
	seen := map[string]int{}
	for _, f := range findings {
		res := sarifResultOf(f)
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		// Findings that share rule, place and main resource are numbered,
		// as CodeQL numbers the repeats of a line hash.
		hash := strings.TrimSuffix(res.PartialFingerprints["primaryLocationLineHash"], ":1")
		seen[hash]++
		res.PartialFingerprints["primaryLocationLineHash"] = fmt.Sprintf("%s:%d", hash, seen[hash])
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifMaxResults is the most results GitHub code scanning accepts in one
// run; it rejects the whole upload of a run with more.
const sarifMaxResults = 25_000

// sarifLimit keeps at most limit findings, those of highest severity, in
// their order, and says what it left out ("" when nothing).
func sarifLimit(findings []report.Finding, limit int) ([]report.Finding, string) {
	if len(findings) <= limit {
		return findings, ""
	}
	// The lowest severity rank kept, and how many of that rank fit.
	byRank := map[int]int{}
	for _, f := range findings {
		byRank[severityRank(f.Severity)]++
	}
	room, cut, fit := limit, 0, 0
	for r := len(severityOrder); r >= 0; r-- {
		if byRank[r] > room {
			cut, fit = r, room
			break
		}
		room -= byRank[r]
	}
	kept := make([]report.Finding, 0, limit)
	var out []string
	leftBy := map[int]int{}
	for _, f := range findings {
		r := severityRank(f.Severity)
		switch {
		case r > cut:
			kept = append(kept, f)
		case r == cut && fit > 0:
			kept = append(kept, f)
			fit--
		default:
			leftBy[r]++
		}
	}
	n := 0
	for r := len(severityOrder); r >= 0; r-- {
		if leftBy[r] > 0 {
			n += leftBy[r]
			name := "unknown"
			if r > 0 {
				name = severityOrder[len(severityOrder)-r]
			}
			out = append(out, name)
		}
	}
	return kept, fmt.Sprintf("%d results of severity %s left out: GitHub code scanning rejects a run of more than %d results. The JSON report holds every finding.",
		n, strings.Join(out, " and "), limit)
}

func sarifRuleOf(r report.Rule) sarifRule {
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s (severity %s)\n\n%s\n\nFix: %s\n", r.Title, r.Severity, r.Rationale, r.Remediation)
	fmt.Fprintf(&md, "**%s** — severity %s\n\n%s\n\n**Fix.** %s\n", mdEscape(r.Title), r.Severity, mdEscape(r.Rationale), mdEscape(r.Remediation))
	if len(r.References) > 0 {
		text.WriteString("\nReferences:\n")
		md.WriteString("\n**References**\n\n")
		for _, ref := range r.References {
			fmt.Fprintf(&text, "- %s\n", ref)
			fmt.Fprintf(&md, "- %s\n", mdReference(ref))
		}
	}
	if len(r.Needs) > 0 {
		fmt.Fprintf(&text, "\nNeeds: %s (the check is skipped in a region whose snapshot lacks one)\n", strings.Join(r.Needs, ", "))
		md.WriteString("\n**Needs:** ")
		for i, n := range r.Needs {
			if i > 0 {
				md.WriteString(", ")
			}
			md.WriteString(mdCode(n))
		}
		md.WriteString(" (the check is skipped in a region whose snapshot lacks one)\n")
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 pascalCase(r.ID),
		ShortDescription:     sarifText{Text: clip(orElse(r.Title, r.ID), sarifDescriptionLimit)},
		FullDescription:      sarifText{Text: clip(orElse(r.Rationale, r.Title), sarifDescriptionLimit)},
		Help:                 sarifHelp{Text: text.String(), Markdown: md.String()},
		HelpURI:              rulesDoc + "#" + url.PathEscape(r.ID),
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
		Properties: sarifRuleProps{
			Tags:             []string{"security", "aws", "network"},
			Precision:        "high",
			SecuritySeverity: securitySeverity(r.Severity),
		},
	}
}

// sarifResultOf turns one finding into a result.
//
// Location. GitHub shows a result only when it has a location with a
// physicalLocation, and it tracks an alert across runs by the location's
// path, the rule and partialFingerprints.primaryLocationLineHash. A finding
// is about an AWS resource, not a line of a file in the repository, and the
// report does not say which snapshot file a finding came from (snapshots
// are often not committed at all). So the artifact is a stable pseudo-path,
// aws/ACCOUNT/REGION/RESOURCE (the finding's main resource; just
// aws/ACCOUNT/REGION when it names none), with region line 1, columns 1-1,
// as scanners of other non-file targets (container images) do: GitHub
// lists the path on the alert, with no code to show. The path makes alerts
// sortable and filterable by account and region, and stays the same from
// run to run whatever else changes. The logical location names the same
// resource.
//
// Fingerprint. SHA-256 of rule, account, region and main resource: the
// same problem on the same resource is the same alert in every run, even
// when its message changes (a port added, a count grown). Two findings of
// one rule without resources in one region would share it; no check
// reports such findings.
func sarifResultOf(f report.Finding) sarifResult {
	main := ""
	if len(f.Resources) > 0 {
		main = f.Resources[0]
	}
	account, region := orDash(f.Account), orDash(f.Region)
	path := "aws/" + account + "/" + region
	logical := sarifLogicalLocation{Name: region, FullyQualifiedName: account + "/" + region, Kind: "namespace"}
	if main != "" {
		path += "/" + main
		logical = sarifLogicalLocation{Name: main, FullyQualifiedName: account + "/" + region + "/" + main, Kind: "resource"}
	}
	fp := f.Fingerprint()

	msg := f.Message // GitHub needs a non-empty message
	if msg == "" {
		msg = f.Title
	}
	if msg == "" {
		msg = f.Rule
	}
	if len(f.Evidence) > 0 {
		msg += "\n\nEvidence:\n- " + strings.Join(f.Evidence, "\n- ")
	}
	resources, evidence := f.Resources, f.Evidence
	if resources == nil {
		resources = []string{}
	}
	if evidence == nil {
		evidence = []string{}
	}
	res := sarifResult{
		RuleID:  f.Rule,
		Level:   sarifLevel(f.Severity),
		Message: sarifText{Text: msg},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: (&url.URL{Path: path}).EscapedPath()},
				Region:           sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1},
			},
			LogicalLocations: []sarifLogicalLocation{logical},
		}},
		PartialFingerprints: map[string]string{"primaryLocationLineHash": fp[:16] + ":1", fingerprintKey: fp},
		Suppressions:        []sarifSuppression{},
		Properties: sarifResultProps{
			Severity: f.Severity, SecuritySeverity: securitySeverity(f.Severity),
			Account: f.Account, Region: f.Region, Resources: resources, Evidence: evidence,
		},
	}
	if f.Suppressed {
		s := sarifSuppression{Kind: "external", Status: "accepted"}
		if f.Suppression != nil {
			s.Justification = f.Suppression.Reason
			s.Properties = sarifSuppressionProps{Expires: f.Suppression.Expires, Source: f.Suppression.Source}
		}
		res.Suppressions = []sarifSuppression{s}
	}
	return res
}

// sarifNotifications carries what is not a finding but matters to a reader
// of the run: the report's warnings, each region whose data was incomplete,
// and the oddities met in the data.
func sarifNotifications(rep *report.Report) []sarifNotification {
	out := []sarifNotification{}
	for _, w := range rep.Warnings {
		out = append(out, sarifNotification{Level: "warning", Message: sarifText{Text: w}})
	}
	for _, c := range rep.Coverage {
		if c.Complete {
			continue
		}
		out = append(out, sarifNotification{Level: "warning", Message: sarifText{Text: coverageSentence(c)}})
	}
	for _, n := range rep.Notes {
		out = append(out, sarifNotification{Level: "note", Message: sarifText{Text: n.Account + " " + n.Region + ": " + n.Text}})
	}
	return out
}

// coverageSentence says in one sentence what one region's data lacked.
func coverageSentence(c report.Coverage) string {
	var calls []string
	seen := map[string]bool{}
	for _, m := range c.Missing {
		if !seen[m.Call] {
			seen[m.Call] = true
			calls = append(calls, m.Call)
		}
	}
	s := c.Account + " " + c.Region + ": data incomplete"
	if len(calls) > 0 {
		s += fmt.Sprintf("; %s missing or incomplete (%s)", count(len(calls), "call"), strings.Join(calls, ", "))
	}
	if lacking, _ := skippedFor(c); len(lacking) > 0 {
		s += "; checks not run: " + strings.Join(lacking, ", ")
	}
	return s + "."
}

// pascalCase turns a kebab-case rule ID into a SARIF rule name
// (sg-world-open-port → SgWorldOpenPort). SARIF wants a name that differs
// from the ID, or none.
func pascalCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// clip shortens s to at most n characters, ending it with "…" when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// orElse is s, or alt when s is empty (GitHub rejects empty required
// texts).
func orElse(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
