package render

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Localize writes what the checks wrote in the language asked for, and
// leaves the report it was given as it was.
func TestLocalize(t *testing.T) {
	rep := exampleReport(t)
	if Localize(rep, i18n.English) != rep || Localize(rep, "") != rep {
		t.Error("Localize in English copied the report")
	}
	before := *rep
	before.Findings = append([]report.Finding(nil), rep.Findings...)
	ja := Localize(rep, i18n.Japanese)
	if !reflect.DeepEqual(rep.Findings, before.Findings) {
		t.Error("Localize changed the report it was given")
	}
	if len(ja.Findings) != len(rep.Findings) || len(ja.Findings) == 0 {
		t.Fatalf("%d findings in Japanese, %d in English", len(ja.Findings), len(rep.Findings))
	}
	sentences := 0
	for i, f := range ja.Findings {
		en := rep.Findings[i]
		if f.Message == en.Message || f.Message != en.MessageIn(i18n.Japanese) || f.Title == en.Title || f.Remediation == en.Remediation {
			t.Errorf("%s: not in Japanese: %q / %q", f.Rule, f.Title, f.Message)
		}
		if !reflect.DeepEqual(f.Resources, en.Resources) || len(f.Evidence) != len(en.Evidence) {
			t.Errorf("%s: the resources or the number of evidence lines changed", f.Rule)
			continue
		}
		for j, line := range f.Evidence {
			switch {
			case en.EvidenceMsg == nil || en.EvidenceMsg[j].IsZero():
				if line != en.Evidence[j] {
					t.Errorf("%s: evidence %q (rule or route notation) became %q", f.Rule, en.Evidence[j], line)
				}
			case line == en.Evidence[j]:
				t.Errorf("%s: the sentence %q is not in Japanese", f.Rule, line)
			default:
				sentences++
			}
		}
	}
	if sentences == 0 {
		t.Error("no evidence line of the example is a sentence in Japanese")
	}
	for i, r := range ja.Rules {
		if r.Title == rep.Rules[i].Title {
			t.Errorf("rule %s: title not in Japanese", r.ID)
		}
	}
	// A finding without its catalogue message (read back from JSON) keeps
	// its English message, and its title and fix are still translated.
	bare := *rep
	bare.Findings = append([]report.Finding(nil), rep.Findings...)
	bare.Findings[0].Msg = i18n.Message{}
	got := Localize(&bare, i18n.Japanese).Findings[0]
	if got.Message != rep.Findings[0].Message || got.Title == rep.Findings[0].Title {
		t.Errorf("a finding without Msg: %q / %q", got.Title, got.Message)
	}
}

// The text and Markdown reports write the findings in Options.Lang; the
// text wraps Japanese at the width in columns.
func TestTextAndMarkdownInJapanese(t *testing.T) {
	rep := exampleReport(t)
	ja := Localize(rep, i18n.Japanese)
	var text, md bytes.Buffer
	if err := Text(&text, rep, Options{Lang: i18n.Japanese, Width: 80}); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, rep, Options{Lang: i18n.Japanese}); err != nil {
		t.Fatal(err)
	}
	for i, f := range ja.Findings {
		if !strings.Contains(md.String(), mdEscape(clip(f.Message, mdCellLimit))) {
			t.Errorf("Markdown lacks the Japanese message of %s", f.Rule)
		}
		if strings.Contains(md.String(), "| "+mdEscape(clip(rep.Findings[i].Message, mdCellLimit))+" |") {
			t.Errorf("Markdown shows the English message of %s", f.Rule)
		}
		head := []rune(f.Message)[:12]
		if !strings.Contains(text.String(), string(head)) {
			t.Errorf("text lacks the start of the Japanese message of %s: %q", f.Rule, string(head))
		}
	}
	for _, line := range strings.Split(text.String(), "\n") {
		wrapped := strings.HasPrefix(line, "    - ") || strings.HasPrefix(line, "      ") || strings.HasPrefix(line, "    fix: ")
		// A finding's wrapped Japanese text; one unbreakable command may be wider.
		if wrapped && displayWidth(line) != len(line) && displayWidth(line) > 80 && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("a line wider than 80 columns: %q", line)
		}
	}
}
