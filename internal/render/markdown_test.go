package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

func renderMarkdown(t *testing.T, rep *report.Report, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Markdown(&b, rep, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "rich.md", []byte(renderMarkdown(t, richReport(), Options{})))
	golden(t, "empty.md", []byte(renderMarkdown(t, emptyReport(), Options{})))
}

func TestMarkdownContent(t *testing.T) {
	out := renderMarkdown(t, richReport(), Options{})
	for _, want := range []string{
		"## vpcdoctor: 7 findings (2 critical, 1 high, 2 medium, 1 low, 1 info)\n", // unsuppressed counts
		"**Coverage incomplete:**",
		"2 findings suppressed by the configuration are not counted",
		"### Warnings\n\n- .vpcdoctor.yaml:20: the suppression of sg-unused",
		"| **critical** | `internet-exposed` | `orders-db`<br>111122223333 ap-northeast-1 | RDS DB instance orders-db",
		"| info | `vpc-flow-logs-off` | —<br>111122223333 us-east-1 |", // a finding without resources
		"<details><summary>How to fix (5 rules)</summary>\n\n",
		"| `i-0e5`<br>111122223333 ap-northeast-1 | ec2-instance | tcp/80 | the internet | load balancer web-alb |",
		"| ecs-service | tcp/8000-8080, udp/5000-5001 | the internet | direct |", // one row per resource and path
		"| nat\\_gateway | icmp type 8 | the internet | direct |",
		"| all but tcp | 198.51.100.7/32 | direct |",
		"203.0.113.0/24 198.51.100.0/24 192.0.2.0/24 … (4 CIDRs)",
		"<details><summary>2 findings suppressed by the configuration</summary>",
		"| high | `db-publicly-accessible` | `legacy-db`<br>111122223333 us-east-1 | Read replica for the \\| BI vendor until the &lt;VPN&gt; is up | 2099-12-31 |",
		"### Coverage gaps\n\n- **111122223333 us-east-1**: `ec2-describe-route-tables` not collected — which subnets are public is unknown",
		"`elbv2-describe-listeners` not collected for `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/1`, `arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/b/2`",
		"checks not run: `internet-exposed`, `resource-in-public-subnet`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, out)
		}
	}
	// Each rule's fix appears once, however many findings it has.
	if n := strings.Count(out, "**`internet-exposed`** — "); n != 1 {
		t.Errorf("internet-exposed's fix appears %d times", n)
	}
	// Suppressed findings are not in the findings table.
	table := out[strings.Index(out, "### Findings"):strings.Index(out, "<details><summary>How to fix")]
	if strings.Contains(table, "legacy-db") || strings.Contains(table, "reporter") {
		t.Errorf("suppressed finding in the findings table:\n%s", table)
	}
	// Highest severity first.
	if strings.Index(table, "| info |") < strings.Index(table, "| low |") || strings.Index(table, "| low |") < strings.Index(table, "| medium |") {
		t.Errorf("findings not ordered by severity:\n%s", table)
	}
}

func TestMarkdownEmpty(t *testing.T) {
	out := renderMarkdown(t, emptyReport(), Options{})
	for _, want := range []string{"## vpcdoctor: no findings\n", "Coverage complete", "Nothing is reachable from the internet.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"### Findings", "suppressed", "### Warnings", "### Coverage gaps", "<details>"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("empty report has %q:\n%s", unwanted, out)
		}
	}
	rep := emptyReport()
	rep.Summary.Complete = false
	if out := renderMarkdown(t, rep, Options{}); !strings.Contains(out, "as far as the collected data shows") {
		t.Errorf("incomplete data, yet nothing claimed unreachable outright:\n%s", out)
	}
}

func TestMarkdownEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a | b", `a \| b`},
		{"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
		{"AT&T", "AT&amp;T"},
		{"&lt;", "&amp;lt;"},
		{"ping @octocat", "ping @&#8203;octocat"},
		{"*bold* _it_ `code` ~~del~~", `\*bold\* \_it\_ \` + "`code\\`" + ` \~\~del\~\~`},
		{"[link](http://x)", `\[link\](http://x)`},
		{"# not a heading", `\# not a heading`},
		{`back\slash`, `back\\slash`},
		{"costs $5 or $6", `costs \$5 or \$6`},
		{"two\nlines\r\nhere", "two lines here"},
		{"sg-0a1b (web-1), tcp/80.", "sg-0a1b (web-1), tcp/80."}, // ordinary text untouched
	} {
		if got := mdEscape(tc.in); got != tc.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"sg-1", "`sg-1`"},
		{"arn:aws:ecs:us-east-1:1:service/c/s", "`arn:aws:ecs:us-east-1:1:service/c/s`"},
		{"a|b", `a\|b`},
		{"a`b", "a\\`b"},
		{"", ""},
	} {
		if got := mdCode(tc.in); got != tc.want {
			t.Errorf("mdCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// unescapedPipes counts the table delimiters of a row.
var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

// TestMarkdownTablesKeepTheirShape: whatever the data holds, every table
// row has as many cells as its header, so nothing in a message can add a
// column or end the table.
func TestMarkdownTablesKeepTheirShape(t *testing.T) {
	rep := richReport()
	rep.Findings[0].Message = "a|b||c \\| d\nnext | line <td>x</td>"
	rep.Findings[0].Resources[0] = "weird|id`x"
	rep.Findings[3].Suppression.Reason = "|||"
	out := renderMarkdown(t, rep, Options{})
	cols := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := len(unescapedPipe.FindAllString(line, -1))
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row has %d delimiters, its header %d: %s", n, cols, line)
		}
	}
	if strings.Contains(out, "<td>") {
		t.Error("HTML from the data passed through")
	}
}

// manyFindings builds a report whose findings cannot all fit in a comment.
func manyFindings(n int) *report.Report {
	rep := emptyReport()
	sevs := []string{"critical", "high", "medium", "low", "info"}
	for i := range n {
		sev := sevs[i*len(sevs)/n] // sorted, critical first, like report.Build
		f := report.Finding{Rule: "rule-" + sev, Severity: sev, Title: "Title of " + sev,
			Message: fmt.Sprintf("Finding %d: %s", i, strings.Repeat("a long message ", 10)),
			Account: "111122223333", Region: "ap-northeast-1", Resources: []string{fmt.Sprintf("sg-%08d", i)},
			Evidence: []string{}, Remediation: "Fix " + sev + "."}
		rep.Findings = append(rep.Findings, f)
		rep.Summary.Findings++
		switch sev {
		case "critical":
			rep.Summary.Critical++
		case "high":
			rep.Summary.High++
		case "medium":
			rep.Summary.Medium++
		case "low":
			rep.Summary.Low++
		case "info":
			rep.Summary.Info++
		}
	}
	return rep
}

var omittedLine = regexp.MustCompile(`… and (\d+) more findings? not shown: a comment holds at most 65536 characters; (.*)\.\n`)

func TestMarkdownTruncatesFindings(t *testing.T) {
	rep := manyFindings(2000)
	out := renderMarkdown(t, rep, Options{})
	if len(out) > MarkdownLimit {
		t.Fatalf("%d bytes, more than GitHub's %d", len(out), MarkdownLimit)
	}
	m := omittedLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no line saying findings were left out:\n%s", out[len(out)-2000:])
	}
	shown := strings.Count(out, "| `sg-")
	var left int
	fmt.Sscan(m[1], &left)
	if shown+left != len(rep.Findings) || shown == 0 {
		t.Errorf("%d rows shown and %d said left out, of %d findings", shown, left, len(rep.Findings))
	}
	if !strings.Contains(m[2], "run `vpcdoctor scan`") {
		t.Errorf("omission line does not say where the full report is: %q", m[0])
	}
	if !strings.Contains(out, "| **critical** | `rule-critical` | `sg-00000000`") || strings.Contains(out, "`rule-info` | `sg-") {
		t.Error("truncation did not keep the highest severities")
	}
	// Fixes are given for the rules in the table, and only those.
	if !strings.Contains(out, "Fix critical.") || strings.Contains(out, "Fix info.") {
		t.Error("fixes do not match the rows shown")
	}

	withURL := renderMarkdown(t, rep, Options{ReportURL: "https://ci.example/run/1"})
	if m := omittedLine.FindStringSubmatch(withURL); m == nil || m[2] != "the full report is at https://ci.example/run/1" {
		t.Errorf("omission line ignores ReportURL: %v", m)
	}

	// Around the point where rows stop fitting: never over the limit, and
	// every finding is either shown or counted as left out.
	for n := 250; n <= 450; n += 7 {
		out := renderMarkdown(t, manyFindings(n), Options{})
		left := 0
		if m := omittedLine.FindStringSubmatch(out); m != nil {
			fmt.Sscan(m[1], &left)
		}
		if len(out) > MarkdownLimit || strings.Count(out, "| `sg-")+left != n {
			t.Errorf("%d findings: %d bytes, %d rows, %d left out", n, len(out), strings.Count(out, "| `sg-"), left)
		}
	}

	// Well under the limit: nothing is left out.
	small := manyFindings(20)
	if out := renderMarkdown(t, small, Options{}); omittedLine.MatchString(out) || strings.Count(out, "| `sg-") != 20 {
		t.Errorf("a short report was truncated:\n%s", out)
	}
}

// TestMarkdownStaysUnderTheLimit: every section is bounded, so a report
// huge in every respect still fits in a comment.
func TestMarkdownStaysUnderTheLimit(t *testing.T) {
	rep := manyFindings(3000)
	rep.Summary.Complete = false
	for i := range 3000 {
		id := fmt.Sprintf("i-%08d", i)
		rep.Exposures = append(rep.Exposures, report.Exposure{Account: "111122223333", Region: "ap-northeast-1", ENI: "eni-" + id, Resource: id,
			ResourceType: "ec2-instance", Protocol: "tcp", FromPort: i, ToPort: i, Sources: []string{"0.0.0.0/0"}, WholeInternet: true, Via: "direct"})
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("warning %d: %s", i, strings.Repeat("@team <b>x</b> ", 20)))
		rep.Findings = append(rep.Findings, report.Finding{Rule: "r", Severity: "high", Resources: []string{id}, Suppressed: true,
			Suppression: &report.Suppression{Reason: strings.Repeat("because ", 100), Expires: "2099-01-01"}})
		rep.Summary.Suppressed++
		rep.Coverage = append(rep.Coverage, report.Coverage{Account: "111122223333", Region: fmt.Sprintf("r-%d", i),
			Missing: []report.MissingCall{{Call: "ec2-describe-route-tables", Reason: "not collected", Weakens: strings.Repeat("w ", 50)}}})
	}
	out := renderMarkdown(t, rep, Options{})
	if len(out) > MarkdownLimit {
		t.Fatalf("%d bytes, more than GitHub's %d", len(out), MarkdownLimit)
	}
	for _, want := range []string{
		"### Findings", "more findings not shown",
		"### Warnings", "more warnings (see the full report)",
		"### Internet exposures", "more rows not shown",
		"suppressed by the configuration", "more suppressed findings not shown",
		"### Coverage gaps", "more (see the full report)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if rows := strings.Count(out, "| `sg-"); rows < 100 {
		t.Errorf("only %d finding rows: the other sections crowd out the findings", rows)
	}
	if strings.Contains(out, "<b>") || strings.Contains(out, " @team") {
		t.Error("unescaped text in a section")
	}
}

func TestMarkdownDeterministic(t *testing.T) {
	a := renderMarkdown(t, richReport(), Options{})
	for range 5 {
		if b := renderMarkdown(t, richReport(), Options{}); a != b {
			t.Fatal("two renderings differ")
		}
	}
}

func TestExposureTraffic(t *testing.T) {
	for _, tc := range []struct {
		x    report.Exposure
		want string
	}{
		{report.Exposure{Protocol: "tcp", FromPort: 443, ToPort: 443}, "tcp/443"},
		{report.Exposure{Protocol: "udp", FromPort: 1000, ToPort: 2000}, "udp/1000-2000"},
		{report.Exposure{Protocol: "tcp", FromPort: 0, ToPort: 65535}, "tcp"},
		{report.Exposure{Protocol: "all", FromPort: 0, ToPort: 65535}, "all"},
		{report.Exposure{Protocol: "all", ExceptProtocols: []string{"tcp", "udp"}}, "all but tcp,udp"},
		{report.Exposure{Protocol: "icmp", FromPort: 0, ToPort: 255}, "icmp"},
		{report.Exposure{Protocol: "icmpv6", FromPort: 128, ToPort: 128}, "icmpv6 type 128"},
		{report.Exposure{Protocol: "icmp", FromPort: 0, ToPort: 8}, "icmp types 0-8"},
		{report.Exposure{Protocol: "47"}, "47"},
	} {
		if got := exposureTraffic(tc.x); got != tc.want {
			t.Errorf("exposureTraffic(%+v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}
