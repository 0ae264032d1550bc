package fakeaws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// regionName matches AWS region names (as the snapshot loader does).
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// identityFile is the account-level file of sts get-caller-identity.
const identityFile = "sts-get-caller-identity.json"

// account is one account folder of the snapshot.
type account struct {
	id, name string
	dir      string
	regions  map[string]string // region → its folder
	identity string            // sts-get-caller-identity.json, if any
}

// openSnapshot finds the accounts of a snapshot folder: the folder itself,
// or the account folders below it (up to three levels, as the loader
// looks).
func openSnapshot(dir string) ([]*account, error) {
	if dir == "" {
		return nil, fmt.Errorf("fakeaws: Options.Snapshot is empty")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("fakeaws: snapshot %s is not a folder", dir)
	}
	var accounts []*account
	var walk func(d string, depth int) error
	walk = func(d string, depth int) error {
		a, err := readAccount(d)
		if err != nil {
			return err
		}
		if a != nil {
			accounts = append(accounts, a)
			return nil
		}
		if depth == 0 {
			return nil
		}
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				if err := walk(filepath.Join(d, e.Name()), depth-1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir, 3); err != nil {
		return nil, err
	}
	if len(accounts) == 0 {
		return nil, fmt.Errorf("fakeaws: %s holds no account folder (region folders such as ap-northeast-1/)", dir)
	}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].id < accounts[j].id })
	for i := 1; i < len(accounts); i++ {
		if accounts[i].id == accounts[i-1].id {
			return nil, fmt.Errorf("fakeaws: %s and %s are both account %s", accounts[i-1].dir, accounts[i].dir, accounts[i].id)
		}
	}
	return accounts, nil
}

// readAccount returns the account of folder d, or nil if d is not an
// account folder.
func readAccount(d string) (*account, error) {
	entries, err := os.ReadDir(d)
	if err != nil {
		return nil, fmt.Errorf("fakeaws: %w", err)
	}
	a := &account{name: filepath.Base(filepath.Clean(d)), dir: d, regions: map[string]string{}}
	for _, e := range entries {
		switch {
		case e.IsDir() && regionName.MatchString(e.Name()):
			a.regions[e.Name()] = filepath.Join(d, e.Name())
		case !e.IsDir() && e.Name() == identityFile:
			a.identity = filepath.Join(d, e.Name())
		}
	}
	if len(a.regions) == 0 && a.identity == "" {
		return nil, nil
	}
	if a.identity == "" {
		// CloudMapper keeps the identity in a region folder.
		for _, r := range slices.Sorted(maps.Keys(a.regions)) {
			if p := filepath.Join(a.regions[r], identityFile); fileExists(p) {
				a.identity = p
				break
			}
		}
	}
	if a.identity != "" {
		var id struct{ Account string }
		data, err := os.ReadFile(a.identity)
		if err != nil {
			return nil, fmt.Errorf("fakeaws: %w", err)
		}
		if err := json.Unmarshal(data, &id); err != nil {
			return nil, fmt.Errorf("fakeaws: %s: %w", a.identity, err)
		}
		a.id = id.Account
	}
	if a.id == "" {
		a.id = a.name // a folder named after the account, or any name
	}
	return a, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// fileCache holds the snapshot's files decoded as generic JSON (objects,
// arrays, json.Number, strings, booleans), each read once.
type fileCache struct {
	mu    sync.Mutex
	files map[string]*cachedFile
}

type cachedFile struct {
	once sync.Once
	doc  map[string]any
	err  error
}

func newFileCache() *fileCache { return &fileCache{files: map[string]*cachedFile{}} }

// object returns the JSON object of file p; nil, nil when it does not exist.
func (c *fileCache) object(p string) (map[string]any, error) {
	c.mu.Lock()
	f := c.files[p]
	if f == nil {
		f = &cachedFile{}
		c.files[p] = f
	}
	c.mu.Unlock()
	f.once.Do(func() {
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			return
		}
		if err != nil {
			f.err = err
			return
		}
		f.doc, f.err = decodeObject(data)
		if f.err != nil {
			f.err = fmt.Errorf("%s: %w", p, f.err)
		}
	})
	return f.doc, f.err
}

// decodeObject decodes one JSON object with numbers kept as written. A
// UTF-8 byte order mark is skipped.
func decodeObject(data []byte) (map[string]any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return obj, nil
}

// perResourceFiles returns the files of a per-resource call's folder for
// one resource: the file named after it (URL-encoded), or every file of the
// folder named after it (CloudMapper's layout of ECS tasks).
func perResourceFiles(regionDir, call, resource string) []string {
	dir := filepath.Join(regionDir, call)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		key, err := url.PathUnescape(e.Name())
		if err != nil {
			key = e.Name()
		}
		if key != resource {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			return []string{p}
		}
		subs, _ := os.ReadDir(p)
		var out []string
		for _, sub := range subs {
			if !sub.IsDir() && !strings.HasPrefix(sub.Name(), ".") {
				out = append(out, filepath.Join(p, sub.Name()))
			}
		}
		return out
	}
	return nil
}
