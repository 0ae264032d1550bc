// Package i18n is vpcdoctor's message catalogue: every user-visible text
// of the documents, diagrams and reports it writes (issue 7) is looked up
// here by key, in the reader's language.
//
// The catalogue is the JSON files in locales/, embedded: a file is named
// LANG.AREA.json ("en.doc.json", "ja.report.json") and holds one object of
// key → text, the text a fmt format (%s, %d, %[1]s ...). Keys are
// "AREA.name". English is complete; another language may lack a key, which
// then falls back to English (TestCatalogueComplete says which). Adding a
// language is adding its files; adding a text is adding its key to every
// language of its area.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// Lang is a language of the catalogue: "en", "ja".
type Lang string

// Languages.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

//go:embed locales/*.json
var files embed.FS

var (
	once    sync.Once
	catalog map[Lang]map[string]string
	loadErr error
)

func load() {
	catalog = map[Lang]map[string]string{}
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		loadErr = err
		return
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		lang, _, ok := strings.Cut(base, ".")
		if !ok {
			loadErr = fmt.Errorf("i18n: %s: want LANG.AREA.json", name)
			return
		}
		data, err := files.ReadFile(name)
		if err != nil {
			loadErr = err
			return
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			loadErr = fmt.Errorf("i18n: %s: %w", name, err)
			return
		}
		l := Lang(lang)
		if catalog[l] == nil {
			catalog[l] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := catalog[l][k]; dup {
				loadErr = fmt.Errorf("i18n: %s: key %q is also in another file of %s", name, k, lang)
				return
			}
			catalog[l][k] = v
		}
	}
	if catalog[English] == nil {
		loadErr = fmt.Errorf("i18n: no English catalogue")
	}
}

func messages() map[Lang]map[string]string {
	once.Do(load)
	if loadErr != nil {
		panic(loadErr) // the embedded files are part of the build: TestCatalogueLoads catches this
	}
	return catalog
}

// Langs returns the languages of the catalogue, sorted.
func Langs() []Lang {
	var out []Lang
	for l := range messages() {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Parse reads a language name ("en", "ja", any case; "" is English).
func Parse(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return English, nil
	}
	if _, ok := messages()[Lang(s)]; ok {
		return Lang(s), nil
	}
	var names []string
	for _, l := range Langs() {
		names = append(names, string(l))
	}
	return "", fmt.Errorf("language %q: want one of %s", s, strings.Join(names, ", "))
}

// T returns the text of key in l, formatted with args (fmt). A key l
// lacks falls back to English; a key English lacks comes back as itself,
// in brackets, so that it shows and a test can find it.
func (l Lang) T(key string, args ...any) string {
	m := messages()
	text, ok := m[l][key]
	if !ok {
		text, ok = m[English][key]
	}
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// Has reports whether key is in the catalogue (in English).
func Has(key string) bool {
	_, ok := messages()[English][key]
	return ok
}
