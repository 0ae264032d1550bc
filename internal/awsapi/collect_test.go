package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
)

const exampleDir = "../../examples/startup-all-public"

// diskOutput is a Collect output in a temp folder, written as the command
// writes it.
type diskOutput struct {
	dir    string
	mu     sync.Mutex
	writes []string
}

func newDiskOutput(t testing.TB) *diskOutput {
	return &diskOutput{dir: filepath.Join(t.TempDir(), "out")}
}

func (d *diskOutput) options(o CollectOptions) CollectOptions {
	o.MakeDir = func(p string) error { return os.MkdirAll(filepath.Join(d.dir, p), 0o755) }
	o.Write = func(p string, data []byte) error {
		path := filepath.Join(d.dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		d.mu.Lock()
		d.writes = append(d.writes, p)
		d.mu.Unlock()
		return os.WriteFile(path, data, 0o644)
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 5 * time.Millisecond
	}
	o.Now = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }
	return o
}

// Collecting the example from the fake, two items a page, with the first
// request of every operation throttled and flow logs denied, writes the
// example again: the same files but the denied one, each the same JSON
// (after normalising key order, numbers and timestamps), and the record
// names the denied call.
func TestCollectRoundTrip(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: exampleDir, PageSize: 2, Throttle: 0.05, Deny: []string{"ec2:DescribeFlowLogs"}})
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if res.MultiAccount || len(res.Accounts) != 1 || res.Accounts[0].ID != "111122223333" {
		t.Errorf("accounts: %+v", res.Accounts)
	}
	if len(res.Errors) != 1 || res.Errors[0].Call != "ec2-describe-flow-logs" || res.Errors[0].Code != "UnauthorizedOperation" {
		t.Errorf("errors: %+v", res.Errors)
	}
	compareSnapshots(t, exampleDir, out.dir, []string{"ap-northeast-1/ec2-describe-flow-logs.json", "README.md"})
	// Laid out as the CLI prints (Python's json.dumps with indent=4):
	// what encoding/json's Indent makes of the same JSON, byte for byte.
	for _, f := range files(t, out.dir) {
		data, _ := os.ReadFile(filepath.Join(out.dir, f))
		var compact, indented bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		json.Indent(&indented, compact.Bytes(), "", "    ")
		indented.WriteByte('\n')
		if !bytes.Equal(indented.Bytes(), data) {
			t.Errorf("%s: not laid out with four-space indentation", f)
		}
	}

	var rec record
	readJSON(t, filepath.Join(out.dir, RecordFile), &rec)
	if !rec.Complete || rec.Account != "111122223333" || len(rec.Errors) != 1 || rec.Errors[0].Region != "ap-northeast-1" || rec.Errors[0].Code != "UnauthorizedOperation" {
		t.Errorf("record: %+v", rec)
	}
	if rec.Calls != res.Calls || res.Calls < 30 {
		t.Errorf("calls: record %d, result %d", rec.Calls, res.Calls)
	}

	// Every list was read two items a page to its end, and throttled
	// requests were retried.
	throttled, pages := 0, map[string]int{}
	for _, r := range srv.Requests() {
		if r.Error != "" && r.Error != "UnauthorizedOperation" {
			throttled++
		}
		if r.Status == 200 {
			pages[r.Operation]++
		}
	}
	if throttled == 0 {
		t.Error("no request was throttled: the test does not test retries")
	}
	if pages["DescribeNetworkInterfaces"] < 2 {
		t.Errorf("DescribeNetworkInterfaces answered %d times: not paginated", pages["DescribeNetworkInterfaces"])
	}
}

// compareSnapshots fails on any file of want (but skip) absent from got,
// any extra file in got but the collect record, and any file whose JSON
// differs.
func compareSnapshots(t *testing.T, want, got string, skip []string) {
	t.Helper()
	wantFiles, gotFiles := files(t, want), files(t, got)
	for _, f := range wantFiles {
		if slices.Contains(skip, f) {
			if slices.Contains(gotFiles, f) {
				t.Errorf("%s written, want it absent", f)
			}
			continue
		}
		if !slices.Contains(gotFiles, f) {
			t.Errorf("%s not written", f)
			continue
		}
		a, b := normalised(t, filepath.Join(want, f)), normalised(t, filepath.Join(got, f))
		if !sameJSON(a, b) {
			t.Errorf("%s differs:\n%s", f, jsonDiff(a, b, "$"))
		}
	}
	for _, f := range gotFiles {
		if !slices.Contains(wantFiles, f) && filepath.Base(f) != RecordFile {
			t.Errorf("%s written, not in %s", f, want)
		}
	}
}

func files(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// sameJSON compares decoded JSON; timestamps (normalised) are the same
// within a millisecond: the SDK reads JSON protocols' epoch seconds
// (ECS's) truncated to the millisecond below (smithy-go's
// ParseEpochSeconds: 1614318281.226 is 1614318281.2259998 as a float64,
// read as .225), where the CLI rounds.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			if f, ok := y[k]; !ok || !sameJSON(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		ta, errA := time.Parse(time.RFC3339Nano, x)
		tb, errB := time.Parse(time.RFC3339Nano, y)
		if errA == nil && errB == nil && len(x) >= 20 && len(y) >= 20 {
			d := ta.Sub(tb)
			return d <= time.Millisecond && d >= -time.Millisecond
		}
		return x == y
	}
	return reflect.DeepEqual(a, b)
}

// normalised reads a JSON file with numbers as float64 and every ISO 8601
// timestamp in UTC with nanoseconds.
func normalised(t *testing.T, path string) any {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return normaliseTimes(v)
}

func normaliseTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normaliseTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normaliseTimes(e)
		}
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999-07:00"} {
			if tm, err := time.Parse(layout, x); err == nil && len(x) >= 20 {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return v
}

// jsonDiff names the first paths where a and b differ.
func jsonDiff(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path + ": object vs " + short(b)
		}
		var out []string
		for k, e := range x {
			if f, ok := y[k]; !ok {
				out = append(out, path+"."+k+": missing in collected (want "+short(e)+")")
			} else if !sameJSON(e, f) {
				out = append(out, jsonDiff(e, f, path+"."+k))
			}
		}
		for k, f := range y {
			if _, ok := x[k]; !ok {
				out = append(out, path+"."+k+": extra in collected ("+short(f)+")")
			}
		}
		sort.Strings(out)
		if len(out) > 8 {
			out = out[:8]
		}
		return strings.Join(out, "\n")
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path + ": " + short(a) + " vs " + short(b)
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return jsonDiff(x[i], y[i], path+"["+itoa(i)+"]")
			}
		}
	}
	return path + ": " + short(a) + " vs " + short(b)
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// corpusDir is the third-party corpus beside the clone (shared/corpus, see
// its README); tests that read it skip where it is absent.
const corpusDir = "../../../shared/corpus"

func corpusPath(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(corpusDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("third-party corpus not found at %s (expected beside the clone, see shared/corpus/README.md): %v", p, err)
	}
	return p
}

// CloudMapper's demo account, real CLI output nobody here wrote, comes
// back the same for every regional call vpcdoctor reads.
func TestCollectCloudMapperDemo(t *testing.T) {
	demo := corpusPath(t, "cloudmapper-demo/account-data-demo")
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: demo, PageSize: 2})
	out := newDiskOutput(t)
	if _, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{"us-east-1"}, Endpoint: srv.URL()}})); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	compared := 0
	for _, rc := range regionalCalls {
		f := "us-east-1/" + string(rc.call) + ".json"
		want := filepath.Join(demo, f)
		if _, err := os.Stat(want); err != nil {
			continue // not in the demo: served empty
		}
		compared++
		a, b := normalised(t, want), normalised(t, filepath.Join(out.dir, f))
		if !sameJSON(a, b) {
			t.Errorf("%s differs:\n%s", f, jsonDiff(a, b, "$"))
		}
	}
	if compared < 10 {
		t.Errorf("compared %d files of the demo, want 10 or more", compared)
	}
}

// A region that is not enabled and a denied per-resource call are
// recorded, call by call, and the rest is collected.
func TestCollectRecordsFailures(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: exampleDir, PageSize: 50, Regions: []string{"ap-northeast-1", "me-south-1"}, EnabledRegions: []string{"ap-northeast-1"}, Deny: []string{"elasticloadbalancing:DescribeTargetHealth"}})
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1", "me-south-1"}, Endpoint: srv.URL()}}))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	byRegion := map[string][]CollectError{}
	for _, e := range res.Errors {
		byRegion[e.Region] = append(byRegion[e.Region], e)
	}
	if got := byRegion["ap-northeast-1"]; len(got) != 1 || got[0].Call != "elbv2-describe-target-health" || !strings.Contains(got[0].Resource, "targetgroup/oyatsu-web-tg") || got[0].Code != "AccessDenied" {
		t.Errorf("ap-northeast-1: %+v", got)
	}
	// Every regional call of the disabled region failed (and none of
	// its per-resource calls was made): none written, each recorded.
	if got := byRegion["me-south-1"]; len(got) != len(regionalCalls) {
		t.Errorf("me-south-1: %d errors, want %d: %+v", len(got), len(regionalCalls), got)
	}
	for _, e := range byRegion["me-south-1"] {
		if e.Code == "" || e.Message == "" {
			t.Errorf("me-south-1: %+v", e)
		}
	}
	if entries, err := os.ReadDir(filepath.Join(out.dir, "me-south-1")); err != nil || len(entries) != 0 {
		t.Errorf("me-south-1 folder: %v %v (want it, empty)", entries, err)
	}
	if _, err := os.Stat(filepath.Join(out.dir, "ap-northeast-1", "elbv2-describe-target-group-attributes")); err != nil {
		t.Errorf("the target group's other call was not made: %v", err)
	}
}

// Throttling that outlasts the attempts is recorded as the service's
// throttling error, saying the SDK gave up; the collection goes on.
func TestCollectThrottledOut(t *testing.T) {
	fakeaws.IsolateEnv(t)
	// Every call in flight at once: the adaptive rate (which throttling
	// lowers) delays no first attempt.
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: exampleDir, PageSize: 50, ThrottleFirst: 1, Latency: 50 * time.Millisecond})
	opt := CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}, MaxAttempts: 1, Concurrency: 32}
	// The first run meets the throttled sts GetCallerIdentity: the account
	// cannot be reached, and the message says why (no hint to log in).
	_, err := Collect(context.Background(), newDiskOutput(t).options(opt))
	var scopeErr *ScopeError
	if !errors.As(err, &scopeErr) || !strings.Contains(err.Error(), "Throttling") || strings.Contains(err.Error(), "logged in") {
		t.Fatalf("first run: %v", err)
	}
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(opt))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if len(res.Errors) != len(regionalCalls) {
		t.Errorf("%d errors, want one per regional call (%d): %+v", len(res.Errors), len(regionalCalls), res.Errors)
	}
	throttles := []string{"RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException"}
	for _, e := range res.Errors {
		if !slices.Contains(throttles, e.Code) || !strings.Contains(e.Message, "gave up after 1 attempts") {
			t.Errorf("%+v", e)
		}
	}
}
