package fakeaws

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

const (
	exampleDir = "../../examples/startup-all-public"
	demoDir    = "../../../shared/corpus/cloudmapper-demo/account-data-demo"
)

// startFake starts a fake on opt and returns an SDK configuration pointed
// at it with static credentials (retries quick, so throttling tests are).
func startFake(t *testing.T, opt Options, region string) (*Server, aws.Config) {
	t.Helper()
	srv := Start(t, opt)
	return srv, sdkConfig(t, srv, region, staticCreds)
}

// staticCreds are base credentials: the management account.
var staticCreds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")

func sdkConfig(t testing.TB, srv *Server, region string, creds aws.CredentialsProvider) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithBaseEndpoint(srv.URL()),
		config.WithCredentialsProvider(creds),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff = 5 * time.Millisecond
			})
		}),
		// Nothing from the environment or the machine's AWS files.
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fixture reads the items of a snapshot file: the array under key.
func fixture(t *testing.T, path, key string) []any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := decodeObject(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	items, _ := doc[key].([]any)
	return items
}

// fixtureIfAny is fixture, or nothing when the snapshot has no such file.
func fixtureIfAny(t *testing.T, path, key string) []any {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return fixture(t, path, key)
}

// fixtureDirs returns the snapshots the SDK tests run on: the bundled
// example, a synthetic account (internal/synth) and, when the corpus is
// beside the clone, CloudMapper's demo.
func fixtureDirs(t *testing.T) map[string]string {
	synthetic := t.TempDir()
	if err := synth.WriteAccount(synthetic, synth.Size{VPCs: 2, SecurityGroups: 40, ENIs: 120}); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{"startup-all-public": exampleDir, "synthetic": synthetic}
	if _, err := os.Stat(demoDir); err == nil {
		dirs["cloudmapper-demo"] = demoDir
	} else {
		t.Logf("CloudMapper's demo account not found at %s (the shared corpus beside the clone): testing the bundled example only", demoDir)
	}
	return dirs
}

// regionsOf lists a snapshot's region folders.
func regionsOf(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && regionName.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// asJSON turns what the SDK decoded into generic JSON (its Go field names
// are the members' names, capitalised).
func asJSON(t *testing.T, v any) []any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out []any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameItems checks that the SDK decoded every member of every fixture item,
// at every depth, with its value: member names are compared ignoring case
// (the SDK capitalises them), timestamps as instants, numbers as numbers.
func sameItems(t *testing.T, what string, want, got []any) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%s: the SDK decoded %d items, the fixture has %d", what, len(got), len(want))
		return
	}
	for i := range want {
		for _, d := range diff(fmt.Sprintf("%s[%d]", what, i), want[i], got[i]) {
			t.Error(d)
		}
	}
}

func diff(path string, want, got any) []string {
	switch w := want.(type) {
	case nil:
		return nil
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, the SDK has %v", path, got)}
		}
		var out []string
		for k, wv := range w {
			gv, found := lookupFold(g, k)
			if !found {
				// The SDK's type has no such field (json.Marshal writes
				// every field, nil ones as null): nothing could decode it.
				continue
			}
			if gv == nil && wv != nil && !emptyJSON(wv) {
				out = append(out, fmt.Sprintf("%s.%s: the SDK did not decode it (want %v)", path, k, wv))
				continue
			}
			out = append(out, diff(path+"."+k, wv, gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok && len(w) == 0 && got == nil {
			return nil
		}
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %d items, the SDK has %v", path, len(w), got)}
		}
		var out []string
		for i := range w {
			out = append(out, diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	case json.Number:
		g, ok := got.(json.Number)
		wf, _ := new(big.Float).SetString(w.String())
		if ok {
			if gf, _ := new(big.Float).SetString(g.String()); wf != nil && gf != nil && wf.Cmp(gf) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: want %s, the SDK has %v", path, w, got)}
	case string:
		g, ok := got.(string)
		if ok && g == w {
			return nil
		}
		if ok {
			wt, err1 := timestampOf(w)
			gt, err2 := time.Parse(time.RFC3339Nano, g)
			// The SDK reads epoch seconds as a float64: a millisecond
			// may come back a nanosecond short.
			if d := wt.Sub(gt); err1 == nil && err2 == nil && d > -time.Millisecond && d < time.Millisecond {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: want %q, the SDK has %v", path, w, got)}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return []string{fmt.Sprintf("%s: want %v, the SDK has %v", path, want, got)}
		}
		return nil
	}
}

func lookupFold(m map[string]any, k string) (any, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return nil, false
}

func emptyJSON(v any) bool {
	switch v := v.(type) {
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// count returns how many requests of operation op in region srv answered.
func count(srv *Server, op, region string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op && (region == "" || r.Region == region) {
			n++
		}
	}
	return n
}

func file(dir, region string, call string) string {
	return filepath.Join(dir, region, call+".json")
}
