package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// sarifSchemaPath is the OASIS SARIF 2.1.0 schema in the shared corpus
// beside the clone (../shared from the repository root).
var sarifSchemaPath = filepath.Join("..", "..", "..", "shared", "corpus", "sarif", "sarif-schema-2.1.0.json")

// sarifSchema compiles the OASIS schema with format assertions on (uri,
// uri-reference), or skips the test when the corpus is not beside the
// clone.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	if _, err := os.Stat(sarifSchemaPath); err != nil {
		t.Skipf("SARIF schema not found at %s (the shared corpus is not beside this clone): %v", sarifSchemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(sarifSchemaPath)
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

func sarifSchemaError(t *testing.T, doc []byte) error {
	t.Helper()
	sch := sarifSchema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

// validateSARIF checks a SARIF document against the OASIS 2.1.0 schema.
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	if err := sarifSchemaError(t, doc); err != nil {
		t.Errorf("SARIF output does not validate against the 2.1.0 schema:\n%v", err)
	}
}

func renderSARIF(t *testing.T, rep *report.Report, opt Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := SARIF(&b, rep, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decodeSARIF(t *testing.T, doc []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("want one run, got %d", len(log.Runs))
	}
	return log
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	for name, rep := range map[string]*report.Report{
		"rich":        richReport(),
		"empty":       emptyReport(),
		"no rules":    func() *report.Report { r := richReport(); r.Rules = nil; return r }(),
		"two regions": twoRegionReport(),
	} {
		t.Run(name, func(t *testing.T) {
			validateSARIF(t, renderSARIF(t, rep, Options{Version: "v1.2.3"}))
			validateSARIF(t, renderSARIF(t, rep, Options{OmitSuppressed: true}))
		})
	}
}

// TestSARIFSchemaRejects proves the validation is live: documents that
// break the schema (a level SARIF does not know, a relative URI where an
// absolute one is due) fail. The draft-04 schema's "uri-reference" format is
// not a draft-04 format, so artifact URIs are checked in TestSARIFResults.
func TestSARIFSchemaRejects(t *testing.T) {
	good := string(renderSARIF(t, richReport(), Options{}))
	for name, bad := range map[string]string{
		"unknown level":           strings.Replace(good, `"level": "error"`, `"level": "fatal"`, 1),
		"relative informationUri": strings.Replace(good, `"informationUri": "https://`, `"informationUri": "`, 1),
		"bad suppression":         strings.Replace(good, `"kind": "external"`, `"kind": "waived"`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the test's replacement did not apply", name)
		}
		if sarifSchemaError(t, []byte(bad)) == nil {
			t.Errorf("%s: the schema accepted an invalid document", name)
		}
	}
}

func TestSARIFGolden(t *testing.T) {
	golden(t, "rich.sarif", renderSARIF(t, richReport(), Options{Version: "v1.2.3"}))
}

func TestSARIFDeterministic(t *testing.T) {
	a := renderSARIF(t, richReport(), Options{})
	for range 5 {
		if b := renderSARIF(t, richReport(), Options{}); !bytes.Equal(a, b) {
			t.Fatal("two renderings of the same report differ")
		}
	}
}

func TestSARIFToolAndRules(t *testing.T) {
	log := decodeSARIF(t, renderSARIF(t, richReport(), Options{Version: "v1.2.3"}))
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-schema-2.1.0.json") {
		t.Errorf("version %q, $schema %q", log.Version, log.Schema)
	}
	d := log.Runs[0].Tool.Driver
	if d.Name != "vpcdoctor" || d.Version != "v1.2.3" || d.InformationURI == "" {
		t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	cat := catalogue()
	if len(d.Rules) != len(cat) {
		t.Fatalf("%d rules, want the whole catalogue (%d)", len(d.Rules), len(cat))
	}
	want := map[string]struct{ level, secsev string }{ // severity policy of the format
		"critical": {"error", "9.5"}, "high": {"error", "8.0"}, "medium": {"warning", "5.5"}, "low": {"note", "2.0"}, "info": {"note", ""},
	}
	for i, r := range d.Rules {
		c := cat[i]
		if r.ID != c.ID {
			t.Errorf("rule %d is %s, want %s (catalogue order)", i, r.ID, c.ID)
		}
		if r.Name == "" || r.Name == r.ID {
			t.Errorf("%s: name %q must be set and differ from the ID", r.ID, r.Name)
		}
		if r.ShortDescription.Text != c.Title || r.FullDescription.Text != c.Rationale {
			t.Errorf("%s: descriptions %q / %q", r.ID, r.ShortDescription.Text, r.FullDescription.Text)
		}
		if !strings.Contains(r.Help.Text, c.Remediation) || !strings.Contains(r.Help.Markdown, "**Fix.**") {
			t.Errorf("%s: help lacks the fix: %q", r.ID, r.Help.Text)
		}
		for _, ref := range c.References {
			if !strings.Contains(r.Help.Text, ref) {
				t.Errorf("%s: help lacks reference %q", r.ID, ref)
			}
		}
		if !strings.HasSuffix(r.HelpURI, "/docs/rules.md#"+c.ID) {
			t.Errorf("%s: helpUri %q", r.ID, r.HelpURI)
		}
		w := want[c.Severity]
		if r.DefaultConfiguration.Level != w.level || r.Properties.SecuritySeverity != w.secsev {
			t.Errorf("%s (%s): level %q security-severity %q, want %q %q", r.ID, c.Severity, r.DefaultConfiguration.Level, r.Properties.SecuritySeverity, w.level, w.secsev)
		}
		if !contains(r.Properties.Tags, "security") {
			t.Errorf("%s: tags %v lack security, without which GitHub ignores security-severity", r.ID, r.Properties.Tags)
		}
	}
	if noVersion := decodeSARIF(t, renderSARIF(t, richReport(), Options{})); noVersion.Runs[0].Tool.Driver.Version != "" {
		t.Error("version written without Options.Version")
	}
}

func TestSARIFResults(t *testing.T) {
	rep := richReport()
	log := decodeSARIF(t, renderSARIF(t, rep, Options{}))
	results := log.Runs[0].Results
	if len(results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(results), len(rep.Findings))
	}
	rules := log.Runs[0].Tool.Driver.Rules
	for i, r := range results {
		f := rep.Findings[i]
		if r.RuleID != f.Rule || r.RuleIndex == nil || rules[*r.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q, ruleIndex %v", i, r.RuleID, r.RuleIndex)
		}
		if want := sarifLevel(f.Severity); r.Level != want {
			t.Errorf("result %d (%s): level %q, want %q", i, f.Severity, r.Level, want)
		}
		if !strings.HasPrefix(r.Message.Text, f.Message) {
			t.Errorf("result %d: message %q", i, r.Message.Text)
		}
		for _, e := range f.Evidence {
			if !strings.Contains(r.Message.Text, e) {
				t.Errorf("result %d: message lacks evidence %q", i, e)
			}
		}
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.Region.StartLine != 1 || len(r.Locations[0].LogicalLocations) != 1 {
			t.Fatalf("result %d: locations %+v", i, r.Locations)
		}
		if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !isRelativeURIReference(uri) {
			t.Errorf("result %d: artifact uri %q is not a relative URI reference", i, uri)
		}
		if r.PartialFingerprints["primaryLocationLineHash"] == "" || len(r.PartialFingerprints[fingerprintKey]) != 64 {
			t.Errorf("result %d: fingerprints %v", i, r.PartialFingerprints)
		}
		if f.Suppressed {
			want := sarifSuppression{Kind: "external", Status: "accepted", Justification: f.Suppression.Reason,
				Properties: sarifSuppressionProps{Expires: f.Suppression.Expires, Source: f.Suppression.Source}}
			if len(r.Suppressions) != 1 || r.Suppressions[0] != want {
				t.Errorf("result %d: suppressions %+v, want [%+v]", i, r.Suppressions, want)
			}
		} else if r.Suppressions == nil || len(r.Suppressions) != 0 {
			t.Errorf("result %d: unsuppressed finding has suppressions %+v, want []", i, r.Suppressions)
		}
	}
}

// isRelativeURIReference reports whether s is a relative-path reference
// (RFC 3986 §4.2) that needs no further escaping.
func isRelativeURIReference(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(s, "/") && u.EscapedPath() == s
}

func TestSARIFLocations(t *testing.T) {
	for _, tc := range []struct {
		name              string
		f                 report.Finding
		uri, fqn, logical string
	}{
		{"resource ID", report.Finding{Rule: "r", Account: "111122223333", Region: "ap-northeast-1", Resources: []string{"sg-1", "i-1"}},
			"aws/111122223333/ap-northeast-1/sg-1", "111122223333/ap-northeast-1/sg-1", "resource"},
		{"ARN keeps its slashes and colons", report.Finding{Rule: "r", Account: "1", Region: "us-east-1", Resources: []string{"arn:aws:ecs:us-east-1:1:service/c/s"}},
			"aws/1/us-east-1/arn:aws:ecs:us-east-1:1:service/c/s", "1/us-east-1/arn:aws:ecs:us-east-1:1:service/c/s", "resource"},
		{"no resource: the region", report.Finding{Rule: "r", Account: "1", Region: "us-east-1"},
			"aws/1/us-east-1", "1/us-east-1", "namespace"},
		{"no account ID", report.Finding{Rule: "r", Region: "us-east-1", Resources: []string{"x"}},
			"aws/-/us-east-1/x", "-/us-east-1/x", "resource"},
		{"spaces are escaped", report.Finding{Rule: "r", Account: "my account", Region: "r", Resources: []string{"a b%"}},
			"aws/my%20account/r/a%20b%25", "my account/r/a b%", "resource"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sarifResultOf(tc.f)
			loc := r.Locations[0]
			if got := loc.PhysicalLocation.ArtifactLocation.URI; got != tc.uri || !isRelativeURIReference(got) {
				t.Errorf("uri %q, want %q", got, tc.uri)
			}
			if l := loc.LogicalLocations[0]; l.FullyQualifiedName != tc.fqn || l.Kind != tc.logical {
				t.Errorf("logical location %+v, want %q (%s)", l, tc.fqn, tc.logical)
			}
		})
	}
}

func TestSARIFFingerprintTracksTheProblemNotTheWording(t *testing.T) {
	base := report.Finding{Rule: "sg-world-open-port", Severity: "high", Message: "sg-1 opens tcp/80.", Account: "1", Region: "us-east-1", Resources: []string{"sg-1", "i-1"}}
	fp := func(f report.Finding) string { return sarifResultOf(f).PartialFingerprints[fingerprintKey] }
	same := base
	same.Message, same.Evidence, same.Resources = "sg-1 opens tcp/80 and tcp/443.", []string{"new rule"}, []string{"sg-1", "i-1", "i-2"}
	same.Suppressed, same.Suppression = true, &report.Suppression{Reason: "ok"}
	if fp(base) != fp(same) {
		t.Error("fingerprint changed with the message, evidence, secondary resources or suppression")
	}
	for name, change := range map[string]func(*report.Finding){
		"rule":          func(f *report.Finding) { f.Rule = "internet-exposed" },
		"account":       func(f *report.Finding) { f.Account = "2" },
		"region":        func(f *report.Finding) { f.Region = "eu-west-1" },
		"main resource": func(f *report.Finding) { f.Resources = []string{"sg-2", "i-1"} },
	} {
		other := base
		change(&other)
		if fp(base) == fp(other) {
			t.Errorf("fingerprint ignores the %s", name)
		}
	}
}

func TestSARIFOmitSuppressed(t *testing.T) {
	rep := richReport()
	log := decodeSARIF(t, renderSARIF(t, rep, Options{OmitSuppressed: true}))
	if got, want := len(log.Runs[0].Results), rep.Summary.Findings; got != want {
		t.Errorf("%d results with OmitSuppressed, want the %d unsuppressed", got, want)
	}
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) != 0 {
			t.Errorf("suppressed result %s kept", r.RuleID)
		}
	}
}

func TestSARIFRuleMissingFromCatalogue(t *testing.T) {
	rep := richReport()
	rep.Rules = rep.Rules[:1]
	log := decodeSARIF(t, renderSARIF(t, rep, Options{}))
	for _, r := range log.Runs[0].Results {
		if (r.RuleID == rep.Rules[0].ID) != (r.RuleIndex != nil) {
			t.Errorf("%s: ruleIndex %v", r.RuleID, r.RuleIndex)
		}
	}
}

func TestSARIFNotifications(t *testing.T) {
	log := decodeSARIF(t, renderSARIF(t, richReport(), Options{}))
	inv := log.Runs[0].Invocations
	if len(inv) != 1 || !inv[0].ExecutionSuccessful {
		t.Fatalf("invocations %+v", inv)
	}
	var texts []string
	for _, n := range inv[0].ToolExecutionNotifications {
		texts = append(texts, n.Level+": "+n.Message.Text)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{
		"warning: .vpcdoctor.yaml:20: the suppression of sg-unused",
		"warning: 111122223333 us-east-1: data incomplete; 2 calls missing or incomplete (ec2-describe-route-tables, elbv2-describe-listeners); checks not run: internet-exposed, resource-in-public-subnet.",
		"note: 444455556666 ap-northeast-1: network interface eni-0c9 is claimed by 2 resources",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notifications lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "111122223333 ap-northeast-1: data incomplete") {
		t.Error("a complete region is reported incomplete")
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{"sg-world-open-port": "SgWorldOpenPort", "x": "X", "a--b": "AB", "db_public": "DbPublic"} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// GitHub rejects a whole upload whose run holds more than 25,000 results.
// A larger report keeps the 25,000 of highest severity, in the report's
// order, and a notification says how many were left out.
func TestSARIFResultLimit(t *testing.T) {
	rep := emptyReport()
	add := func(n int, sev string) {
		for i := range n {
			rep.Findings = append(rep.Findings, report.Finding{Rule: "sg-unused", Severity: sev, Message: "m", Account: "111122223333",
				Region: "ap-northeast-1", Resources: []string{fmt.Sprintf("sg-%s-%d", sev, i)}})
		}
	}
	add(10_000, "info")
	add(20_000, "medium")
	add(10, "critical")
	log := decodeSARIF(t, renderSARIF(t, rep, Options{}))
	res := log.Runs[0].Results
	if len(res) != sarifMaxResults {
		t.Fatalf("%d results, want %d", len(res), sarifMaxResults)
	}
	count := map[string]int{}
	for _, r := range res {
		count[r.Properties.Severity]++
	}
	if count["critical"] != 10 || count["medium"] != 20_000 || count["info"] != sarifMaxResults-20_010 {
		t.Errorf("kept %v; want every critical and medium finding and the first info ones", count)
	}
	if res[0].Properties.Severity != "info" || res[len(res)-1].Properties.Severity != "critical" {
		t.Error("the results are not in the report's order")
	}
	var notes []string
	for _, n := range log.Runs[0].Invocations[0].ToolExecutionNotifications {
		notes = append(notes, n.Message.Text)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "5010 results of severity info left out") {
		t.Errorf("no notification of the results left out: %q", notes)
	}
}

// Two findings of one rule on one main resource are two alerts: the second
// fingerprint ends in :2, as CodeQL numbers repeated line hashes.
func TestSARIFRepeatedFingerprints(t *testing.T) {
	rep := emptyReport()
	for _, msg := range []string{"first", "second"} {
		rep.Findings = append(rep.Findings, report.Finding{Rule: "sg-unused", Severity: "low", Message: msg, Account: "1", Region: "r", Resources: []string{"sg-1"}})
	}
	res := decodeSARIF(t, renderSARIF(t, rep, Options{})).Runs[0].Results
	a, b := res[0].PartialFingerprints["primaryLocationLineHash"], res[1].PartialFingerprints["primaryLocationLineHash"]
	if !strings.HasSuffix(a, ":1") || b != strings.TrimSuffix(a, ":1")+":2" {
		t.Errorf("fingerprints %q and %q; want HASH:1 and HASH:2", a, b)
	}
}
