package render

import (
	"bufio"
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// The words of a check's text a translation must keep as they are: AWS
// CLI calls, options, rule IDs and the placeholders of the examples.
var keptWords = regexp.MustCompile(`aws [a-z0-9]+ [a-z0-9-]+|--[a-z0-9-]+|\b[a-z0-9]+(-[a-z0-9]+){2,}\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+`)

func wordsOf(s string) []string {
	w := keptWords.FindAllString(s, -1)
	slices.Sort(w)
	return slices.Compact(w)
}

// Every check is translated into Japanese (not left in English), and the
// translation keeps every command, option, ID and placeholder of the
// English.
func TestCheckTextsJapanese(t *testing.T) {
	for _, c := range check.All {
		for field, en := range map[string]string{"title": c.Title, "rationale": c.Rationale, "remediation": c.Remediation} {
			ja := CheckText(i18n.Japanese, c.ID, field, en)
			if ja == en {
				t.Errorf("%s %s: not translated", c.ID, field)
				continue
			}
			if !strings.ContainsFunc(ja, wide) {
				t.Errorf("%s %s: no Japanese in %q", c.ID, field, ja)
			}
			if a, b := wordsOf(en), wordsOf(ja); !slices.Equal(a, b) {
				t.Errorf("%s %s: the Japanese keeps %q, the English has %q", c.ID, field, b, a)
			}
		}
	}
}

// A rule whose English is not the catalogue's (another version's text)
// keeps its own text rather than a translation of something else.
func TestRulesInKeepsUnknownText(t *testing.T) {
	rules := report.RulesOf([]*check.Check{check.SGUnused})
	rules[0].Title = "Security group attached to nothing at all"
	got := RulesIn(rules, i18n.Japanese)[0]
	if got.Title != "Security group attached to nothing at all" {
		t.Errorf("title = %q", got.Title)
	}
	if got.Rationale == check.SGUnused.Rationale {
		t.Error("rationale not translated")
	}
	if en := RulesIn(rules, i18n.English); &en[0] != &rules[0] {
		t.Error("English copied the rules")
	}
	if rules[0].Rationale != check.SGUnused.Rationale {
		t.Error("RulesIn changed its argument")
	}
}

func TestParaWide(t *testing.T) {
	text := "0.0.0.0/0 に開いた SSH や RDP は、アドレスが公開されてから数分でスキャンされ、総当たり攻撃を受けます。" +
		"ルールを削除し（aws ec2 revoke-security-group-ingress --group-id GROUP）、「パブリックアクセス」を無効にします。"
	for _, width := range []int{20, 31, 40, 57, 100} {
		var b bytes.Buffer
		tw := &textWriter{w: bufio.NewWriter(&b), width: width}
		tw.paraWide("  ", "  ", text)
		tw.w.Flush()
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		var joined strings.Builder
		for i, l := range lines {
			if !strings.HasPrefix(l, "  ") {
				t.Errorf("width %d line %d not indented: %q", width, i, l)
			}
			body := strings.TrimPrefix(l, "  ")
			joined.WriteString(body)
			// Only a unit wider than the line may overflow it, alone.
			if displayWidth(l) > width && len(wrapUnits(body)) > 1 {
				t.Errorf("width %d line %d is %d columns: %q", width, i, displayWidth(l), l)
			}
			if r := []rune(body); len(r) > 0 && strings.ContainsRune(noBreakBefore, r[0]) {
				t.Errorf("width %d line %d starts with %q", width, i, r[0])
			}
			if r := []rune(body); len(r) > 0 && strings.ContainsRune(noBreakAfter, r[len(r)-1]) {
				t.Errorf("width %d line %d ends with %q", width, i, r[len(r)-1])
			}
		}
		// Nothing is lost: the lines are the text, with spaces only where
		// the text had them or where a line broke at one.
		if strings.ReplaceAll(joined.String(), " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Errorf("width %d: lines %q lose text:\n%s\n%s", width, lines, strings.ReplaceAll(joined.String(), " ", ""), strings.ReplaceAll(text, " ", ""))
		}
		for _, w := range []string{"revoke-security-group-ingress", "--group-id", "0.0.0.0/0"} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("width %d: %q split", width, w)
			}
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{"ID": 2, "重大度": 6, "SSH を開放": 10, "（aws）": 7} {
		if got := displayWidth(s); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, want)
		}
	}
	if got := padRight("重大度", 8); got != "重大度  " {
		t.Errorf("padRight = %q", got)
	}
}
