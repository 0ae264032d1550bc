package i18n

import (
	"regexp"
	"slices"
	"testing"
)

func TestCatalogueLoads(t *testing.T) {
	once.Do(load)
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	if !slices.Contains(Langs(), English) || !slices.Contains(Langs(), Japanese) {
		t.Fatalf("languages %v, want en and ja", Langs())
	}
}

// verbs are a text's fmt verbs, in order, for comparing translations.
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// Every language has every English key, with the same fmt verbs (possibly
// in another order, with explicit indexes), and no key English lacks.
func TestCatalogueComplete(t *testing.T) {
	m := messages()
	for _, l := range Langs() {
		if l == English {
			continue
		}
		for k, en := range m[English] {
			tr, ok := m[l][k]
			if !ok {
				t.Errorf("%s lacks %q", l, k)
				continue
			}
			a, b := verbs.FindAllString(en, -1), verbs.FindAllString(tr, -1)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(normalize(a), normalize(b)) {
				t.Errorf("%s %q: verbs %v, English has %v", l, k, b, a)
			}
		}
		for k := range m[l] {
			if _, ok := m[English][k]; !ok {
				t.Errorf("%s has %q, which English lacks", l, k)
			}
		}
	}
}

// normalize drops explicit argument indexes: "%[2]s" and "%s" are one verb.
func normalize(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = regexp.MustCompile(`\[\d+\]`).ReplaceAllString(v, "")
	}
	slices.Sort(out)
	return out
}

func TestT(t *testing.T) {
	if got := Japanese.T("common.internet"); got != "インターネット" {
		t.Errorf("ja common.internet = %q", got)
	}
	if got := English.T("no.such.key"); got != "[no.such.key]" {
		t.Errorf("missing key = %q", got)
	}
	if _, err := Parse("fr"); err == nil {
		t.Error("Parse(fr) accepted")
	}
	if l, err := Parse("JA"); err != nil || l != Japanese {
		t.Errorf("Parse(JA) = %v, %v", l, err)
	}
}
