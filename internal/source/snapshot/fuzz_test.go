package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// fuzzTimeout bounds one Load of a fuzzed snapshot: a few small files load
// in milliseconds.
const fuzzTimeout = 10 * time.Second

// fuzzCalls are the files the fuzz targets write: every call the loader
// reads, and the caller identity.
func fuzzCalls() []model.Call {
	return append(readCalls(), model.CallCallerIdentity)
}

// fuzzCall maps the fuzzer's call name to a call: a known name as it is,
// anything else to a call chosen by its checksum, so mutated names still
// exercise some call.
func fuzzCall(name string) model.Call {
	calls := fuzzCalls()
	for _, c := range calls {
		if string(c) == name {
			return c
		}
	}
	return calls[crc32.ChecksumIEEE([]byte(name))%uint32(len(calls))]
}

// callSeeds returns sample files for each call: the rich snapshot's, and,
// when the corpus is present, every AWS CLI and botocore example output
// and the CloudMapper demo's files.
func callSeeds(t testing.TB) map[model.Call][][]byte {
	seeds := map[model.Call][][]byte{}
	known := map[model.Call]bool{}
	for _, c := range fuzzCalls() {
		known[c] = true
	}
	// A file's call is its name without .json, or, inside a per-resource
	// folder (and CloudMapper's nested ECS folders), the folder's name.
	addTree := func(root string) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
				if c := model.Call(strings.TrimSuffix(part, ".json")); known[c] {
					if data, err := os.ReadFile(p); err == nil {
						seeds[c] = append(seeds[c], data)
					}
					break
				}
			}
			return nil
		})
	}
	addTree(richSnapshot)
	if dir := filepath.Join(corpusDir, "cloudmapper-demo/account-data-demo"); exists(dir) {
		addTree(dir)
	}
	if dir := filepath.Join(corpusDir, "awscli-examples/outputs"); exists(dir) {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "example-*"))
		for _, f := range files {
			parts := strings.Split(filepath.ToSlash(f), "/")
			c := model.Call(parts[len(parts)-3] + "-" + parts[len(parts)-2])
			if data, err := os.ReadFile(f); err == nil && known[c] {
				seeds[c] = append(seeds[c], data)
			}
		}
	}
	if files, _ := filepath.Glob(filepath.Join(corpusDir, "botocore-models", "*", "examples-selected.json")); len(files) > 0 {
		for _, f := range files {
			svc := filepath.Base(filepath.Dir(f))
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			var ex struct {
				Examples map[string][]struct{ Output json.RawMessage }
			}
			if json.Unmarshal(data, &ex) != nil {
				continue
			}
			for op, list := range ex.Examples {
				c := model.Call(svc + "-" + cliName(op))
				for _, e := range list {
					if known[c] && len(e.Output) > 0 {
						seeds[c] = append(seeds[c], e.Output)
					}
				}
			}
		}
	}
	return seeds
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ownSeeds are inputs of our own for every call: empty, not an object,
// the wrong shape, a token.
var ownSeeds = []string{
	"", " \n", "{}", "null", "[]", `"x"`, "{", `{"NextToken": "t"}`,
	`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/33"}]}`,
	`{"Subnets": [{"SubnetId": "subnet-1", "MapPublicIpOnLaunch": "yes"}]}`,
	`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": -5, "ToPort": 99999999999999999999}]}]}`,
	`{"tasks": [{"taskArn": "", "group": "service:", "attachments": [{"type": "eni", "details": [{"name": "networkInterfaceId", "value": "eni-1"}]}]}]}`,
	"\xef\xbb\xbf{\"Vpcs\": []}",
}

// checkFuzzLoad states what Load must do with any content in file: return
// an inventory, or no inventory and errors that are all FileErrors naming
// file. It must never panic or hang.
func checkFuzzLoad(t *testing.T, root, file string, call model.Call) *model.Inventory {
	// The fuzzer has no time limit per input: a watchdog turns a hang into
	// a crash the fuzzer records.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(fuzzTimeout):
			panic(fmt.Sprintf("Load of %s (%s) did not return within %v", file, call, fuzzTimeout))
		}
	}()
	inv, err := Load(root)
	if err != nil {
		if inv != nil {
			t.Fatalf("Load returned an inventory with its error %v", err)
		}
		leaves := leafErrors(err)
		if len(leaves) == 0 {
			t.Fatalf("error %v has no leaves", err)
		}
		for _, e := range leaves {
			var fe *FileError
			if !errors.As(e, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", e, e)
			}
			if fe.Path != file || !strings.HasPrefix(fe.Error(), file) {
				t.Fatalf("error %v names %s, want %s", fe, fe.Path, file)
			}
			if fe.Line < 0 || fe.Col < 0 || (fe.Line == 0) != (fe.Col == 0) {
				t.Fatalf("error %v has position %d:%d", fe, fe.Line, fe.Col)
			}
		}
		return nil
	}
	if inv == nil || len(inv.Regions()) == 0 {
		t.Fatalf("Load returned no inventory and no error")
	}
	// What every reader of the model does must not panic either.
	_ = summary(inv)
	for _, r := range inv.Regions() {
		if msg := linkedInvariant(r); msg != "" {
			t.Fatalf("region %s after Link: %s", r.Name, msg)
		}
		info, _ := model.CallInfoFor(call)
		if call != model.CallCallerIdentity && info.Per == "" && !r.Coverage.Has(call) && len(missing(r, call)) == 0 {
			t.Fatalf("%s loaded, yet neither collected nor missing", call)
		}
	}
	return inv
}

// linkedInvariant returns what is wrong with a linked region, or "": the
// promises model.Region.Link makes to the analyses that read it.
func linkedInvariant(r *model.Region) string {
	for _, e := range r.ENIs {
		if e.Owner.Kind == "" {
			return fmt.Sprintf("interface %s has no owner kind", e.ID)
		}
		if r.ENI(e.ID) == nil {
			return fmt.Sprintf("interface %s is not indexed", e.ID)
		}
	}
	for _, res := range r.Resources {
		_ = res.Label()
		_ = res.BelongsInPublicSubnet()
		if res.Role == nil || !slices.Contains(res.Role.Members, res) {
			return fmt.Sprintf("%s %s is not a member of its role", res.Kind, res.ID)
		}
		if !slices.IsSorted(res.SubnetIDs) || !slices.IsSorted(res.SecurityGroupIDs) {
			return fmt.Sprintf("%s %s: subnets or groups not sorted", res.Kind, res.ID)
		}
		for _, e := range res.ENIs {
			if e.Owner.Resource == nil {
				return fmt.Sprintf("%s %s holds interface %s, whose owner is %s %q with no resource", res.Kind, res.ID, e.ID, e.Owner.Kind, e.Owner.ID)
			}
		}
	}
	for _, g := range r.SecurityGroups {
		for _, e := range g.ENIs {
			if !slices.Contains(e.SecurityGroupIDs, g.ID) {
				return fmt.Sprintf("group %s lists interface %s, which does not carry it", g.ID, e.ID)
			}
		}
	}
	for _, s := range r.Subnets {
		if s.Public == model.Yes && (s.PublicRoute == nil || s.RouteTable == nil) {
			return fmt.Sprintf("subnet %s is public without a route", s.ID)
		}
	}
	for i := 1; i < len(r.Notes); i++ {
		if a, b := r.Notes[i-1], r.Notes[i]; a.Subject > b.Subject || a == b {
			return fmt.Sprintf("notes not sorted and unique at %d", i)
		}
	}
	return ""
}

// fuzzBed is a folder of snapshots a fuzz worker builds once and reuses:
// each exec rewrites only the fuzzed file, which keeps the fuzzer fast.
// A worker runs one input at a time; the mutex guards against that
// changing.
type fuzzBed struct {
	mu    sync.Mutex
	dir   string
	ready map[model.Call][2]string // the call's account folder and file
}

func newFuzzBed(dir string) *fuzzBed {
	return &fuzzBed{dir: dir, ready: map[model.Call][2]string{}}
}

// FuzzRegionFile writes the fuzzed bytes as one call's file, alone in a
// snapshot (per-resource calls with a made-up parent list), and loads it:
// Load must not panic or hang, and must return an inventory, or no
// inventory and FileErrors naming that file. Seeds: every corpus sample of
// each call, found at test time, the rich snapshot's files, and inputs of
// our own.
//
//	go test -run '^$' -fuzz FuzzRegionFile -fuzztime 180s ./internal/source/snapshot/
func FuzzRegionFile(f *testing.F) {
	seeds := callSeeds(f)
	for _, c := range fuzzCalls() {
		for _, s := range seeds[c] {
			f.Add(string(c), s)
		}
		for _, s := range ownSeeds {
			f.Add(string(c), []byte(s))
		}
	}
	bed := newFuzzBed(f.TempDir())
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		call := fuzzCall(name)
		bed.mu.Lock()
		defer bed.mu.Unlock()
		at, ok := bed.ready[call]
		if !ok {
			at[0], at[1] = placeFuzz(t, filepath.Join(bed.dir, string(call), "acct"), call, data)
			bed.ready[call] = at
		} else {
			writeFile(t, at[1], data)
		}
		checkFuzzLoad(t, at[0], at[1], call)
	})
}

// placeFuzz writes data as call's file in a snapshot at root (with a
// made-up parent list for a per-resource call) and returns root and the
// file's path.
func placeFuzz(t testing.TB, root string, call model.Call, data []byte) (string, string) {
	sn := &snap{t: t, root: root}
	var file string
	switch {
	case call == model.CallCallerIdentity:
		file = writeFile(t, filepath.Join(sn.root, string(call)+".json"), data)
		sn.call(model.CallVPCs, `{"Vpcs": []}`)
	case callSpecs[call].parent != nil:
		id, parentCall, parent := callSpecs[call].parent(nil, "")
		sn.call(parentCall, parent)
		file = sn.perResource(call, id, string(data))
	default:
		file = sn.call(call, string(data))
	}
	return root, file
}

var (
	richOnce  sync.Once
	richFiles map[model.Call][]string // the rich region's files of each call, relative to the account folder
	richErr   error
)

// richRegion lists the files of the rich snapshot but its us-east-1
// region, by call ("other" for files of calls vpcdoctor does not read).
func richRegion() (map[model.Call][]string, error) {
	richOnce.Do(func() {
		richFiles = map[model.Call][]string{}
		known := map[model.Call]bool{}
		for _, c := range fuzzCalls() {
			known[c] = true
		}
		richErr = filepath.WalkDir(richSnapshot, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(richSnapshot, p)
			rel = filepath.ToSlash(rel)
			if strings.HasPrefix(rel, "us-east-1/") {
				return nil
			}
			call := model.Call("other")
			for _, part := range strings.Split(rel, "/") {
				if c := model.Call(strings.TrimSuffix(part, ".json")); known[c] {
					call = c
					break
				}
			}
			richFiles[call] = append(richFiles[call], rel)
			return nil
		})
	})
	return richFiles, richErr
}

// FuzzRichRegionFile puts the fuzzed bytes in place of one call's file in
// the rich snapshot's ap-northeast-1 region, so that Region.Link joins them
// with everything else: interfaces claimed by several resources, IDs that
// collide with others, owners that vanish.
func FuzzRichRegionFile(f *testing.F) {
	files, err := richRegion()
	if err != nil {
		f.Fatal(err)
	}
	seeds := callSeeds(f)
	for _, c := range fuzzCalls() {
		if len(files[c]) == 0 {
			continue
		}
		for _, s := range seeds[c] {
			f.Add(string(c), s)
		}
	}
	// One copy of the region per worker; each exec swaps one file in and
	// puts the original back.
	root := filepath.Join(f.TempDir(), "acct")
	original := map[string][]byte{}
	for _, rels := range files {
		for _, rel := range rels {
			data, err := os.ReadFile(filepath.Join(richSnapshot, filepath.FromSlash(rel)))
			if err != nil {
				f.Fatal(err)
			}
			original[rel] = data
			writeFile(f, filepath.Join(root, filepath.FromSlash(rel)), data)
		}
	}
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		call := fuzzCall(name)
		if len(files[call]) == 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		rel := files[call][0]
		target := filepath.Join(root, filepath.FromSlash(rel))
		writeFile(t, target, data)
		defer writeFile(t, target, original[rel])
		checkFuzzLoad(t, root, target, call)
	})
}

// The fuzz targets' seeds load as the corpus tests expect; this runs them
// with plain `go test` too, so a seed that crashes is caught without
// -fuzz. TestFuzzSeedsCoverCalls makes sure every call has seeds.
func TestFuzzSeedsCoverCalls(t *testing.T) {
	seeds := callSeeds(t)
	for _, c := range fuzzCalls() {
		if len(seeds[c]) == 0 {
			t.Errorf("no seed file for %s", c)
		}
	}
}
