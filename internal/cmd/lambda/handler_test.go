package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

const (
	example       = "../../../examples/startup-all-public"
	exampleGolden = "../scan/testdata/startup-all-public.json"
	exampleID     = "111122223333" // the example's account
	functionARN   = "arn:aws:lambda:ap-northeast-1:999988887777:function:vpcdoctor"
)

// testS3 is an in-process S3-compatible server with the bucket "reports".
type testS3 struct {
	backend *s3mem.Backend
	url     string
}

func newTestS3(t *testing.T) *testS3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("reports"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return &testS3{backend: backend, url: srv.URL}
}

func (s *testS3) get(t *testing.T, key string) []byte {
	t.Helper()
	o, err := s.backend.GetObject("reports", key, nil)
	if err != nil {
		t.Fatalf("s3://reports/%s: %v", key, err)
	}
	defer o.Contents.Close()
	b, _ := io.ReadAll(o.Contents)
	return b
}

func (s *testS3) keys(t *testing.T, prefix string) []string {
	t.Helper()
	list, err := s.backend.ListBucket("reports", &gofakes3.Prefix{Prefix: prefix, HasPrefix: true}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	return keys
}

// putFolder stores the files of dir under prefix.
func (s *testS3) putFolder(t *testing.T, dir, prefix string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = s.backend.PutObject("reports", prefix+filepath.ToSlash(rel), map[string]string{}, bytes.NewReader(b), int64(len(b)), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// newTestHandler is a handler whose S3 is s (through internal/awsapi, as
// in the function), with static credentials and no configuration file of
// the machine, and whose collector copies the example account, its
// caller identity made the target's account.
func newTestHandler(t *testing.T, s *testS3) (*Handler, *[]Target) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDVPCDOCTORTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	env := map[string]string{"AWS_ENDPOINT_URL": s.url}
	getenv := func(k string) string { return env[k] }
	services, err := awsServices(context.Background(), getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var collected []Target
	services.Collect = func(ctx context.Context, tg Target, dir string) error {
		collected = append(collected, tg)
		return copyExample(dir, tg.Account)
	}
	services.Accounts = func(context.Context) ([]string, error) {
		return []string{"222233334444", "999988887777", exampleID, "555566667777"}, nil
	}
	var log bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function log:\n%s", log.String())
		}
	})
	return &Handler{
		Services:    services,
		Getenv:      getenv,
		Now:         func() time.Time { return time.Date(2026, 11, 26, 9, 48, 0, 0, time.UTC) },
		Log:         &log,
		FunctionARN: func(context.Context) string { return functionARN },
	}, &collected
}

// copyExample writes the example account into dir as account's (the
// example's own when account is "").
func copyExample(dir, account string) error {
	err := os.CopyFS(dir, os.DirFS(example))
	if err != nil || account == "" {
		return err
	}
	id := filepath.Join(dir, "sts-get-caller-identity.json")
	b, err := os.ReadFile(id)
	if err != nil {
		return err
	}
	return os.WriteFile(id, bytes.ReplaceAll(b, []byte(exampleID), []byte(account)), 0o644)
}

func invoke(t *testing.T, h *Handler, event string, out any) error {
	t.Helper()
	resp, err := h.Invoke(context.Background(), []byte(event))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp, out); err != nil {
		t.Fatalf("response %s: %v", resp, err)
	}
	return nil
}

// TestScanStoredSnapshot: a snapshot stored in S3 is scanned; the JSON
// report written equals `vpcdoctor scan --format json` of the same
// account (the scan command's golden file), and the summary returned is
// the one written.
func TestScanStoredSnapshot(t *testing.T) {
	s := newTestS3(t)
	s.putFolder(t, example, "snapshots/startup-all-public/")
	h, collected := newTestHandler(t, s)
	var sum Summary
	if err := invoke(t, h, `{"snapshot": "s3://reports/snapshots/startup-all-public/", "bucket": "reports", "prefix": "vpcdoctor"}`, &sum); err != nil {
		t.Fatal(err)
	}
	if len(*collected) != 0 {
		t.Errorf("a stored snapshot was collected too: %v", *collected)
	}
	folder := "vpcdoctor/20261126T094800Z/" + exampleID + "/"
	want := ReportKeys{JSON: folder + "vpcdoctor.json", SARIF: folder + "vpcdoctor.sarif", HTML: folder + "vpcdoctor.html", Summary: folder + "summary.json"}
	if sum.Keys != want || sum.Account != exampleID || sum.Run != "20261126T094800Z" || sum.Bucket != "reports" {
		t.Errorf("summary names %+v", sum)
	}
	golden, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.get(t, want.JSON); !bytes.Equal(got, golden) {
		t.Errorf("the JSON report differs from %s", exampleGolden)
	}
	// The counts are the report's (the story's account: 7 critical, 2 high).
	var rep struct {
		Summary struct{ Findings, Critical, High int }
	}
	json.Unmarshal(golden, &rep)
	if sum.Counts.Findings != rep.Summary.Findings || sum.Counts.Critical != 7 || sum.Counts.High != 2 || sum.Exposures == 0 {
		t.Errorf("counts %+v, exposures %d; the report says %+v", sum.Counts, sum.Exposures, rep.Summary)
	}
	if !reflect.DeepEqual(sum.Regions, []string{exampleID + "/ap-northeast-1"}) {
		t.Errorf("regions %q", sum.Regions)
	}
	var sarif struct {
		Version string
		Runs    []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(s.get(t, want.SARIF), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != rep.Summary.Findings {
		t.Errorf("SARIF: version %q, %d runs, %v", sarif.Version, len(sarif.Runs), err)
	}
	if html := string(s.get(t, want.HTML)); !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "oyatsu-aurora-instance-1") {
		t.Errorf("the HTML report is not the scan's page: %.200q", html)
	}
	var written Summary
	if err := json.Unmarshal(s.get(t, want.Summary), &written); err != nil || !reflect.DeepEqual(written, sum) {
		t.Errorf("summary.json %+v (%v), returned %+v", written, err, sum)
	}
}

// TestScanCollects: the account to scan is collected through the role
// named, by its ARN in the function's partition, with the external ID.
func TestScanCollects(t *testing.T) {
	s := newTestS3(t)
	h, collected := newTestHandler(t, s)
	var sum Summary
	event := `{"account": "222233334444", "role": "vpcdoctor-scan", "external_id": "org-1234", "regions": ["ap-northeast-1", "us-east-1"], "bucket": "reports", "run": "manual-1", "lang": "ja"}`
	if err := invoke(t, h, event, &sum); err != nil {
		t.Fatal(err)
	}
	want := []Target{{Account: "222233334444", RoleARN: "arn:aws:iam::222233334444:role/vpcdoctor-scan", ExternalID: "org-1234", Regions: []string{"ap-northeast-1", "us-east-1"}}}
	if !reflect.DeepEqual(*collected, want) {
		t.Errorf("collected %+v, want %+v", *collected, want)
	}
	if sum.Account != "222233334444" || sum.Keys.HTML != "manual-1/222233334444/vpcdoctor.html" {
		t.Errorf("summary %+v", sum)
	}
	if html := string(s.get(t, sum.Keys.HTML)); !strings.Contains(html, `lang="ja"`) {
		t.Error("the HTML report is not in Japanese")
	}
	// The function's own account, with its own role: nothing assumed.
	*collected = nil
	if err := invoke(t, h, `{"bucket": "reports"}`, &sum); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*collected, []Target{{}}) || sum.Account != exampleID {
		t.Errorf("collected %+v, account %s", *collected, sum.Account)
	}
}

// TestScanRefusesAnotherAccountsData: data of another account than the
// one asked for is an error, and nothing is written.
func TestScanRefusesAnotherAccountsData(t *testing.T) {
	s := newTestS3(t)
	h, _ := newTestHandler(t, s)
	h.Services.Collect = func(ctx context.Context, tg Target, dir string) error { return copyExample(dir, "") }
	var sum Summary
	err := invoke(t, h, `{"account": "222233334444", "role": "vpcdoctor-scan", "bucket": "reports"}`, &sum)
	if err == nil || !strings.Contains(err.Error(), "asked to scan account 222233334444, the data collected is of account 111122223333") {
		t.Errorf("error %v", err)
	}
	if keys := s.keys(t, ""); len(keys) != 0 {
		t.Errorf("wrote %q", keys)
	}
}

// TestScanFailures: a collector's error, a broken stored snapshot, a
// missing one, and a bucket that does not exist fail the invocation;
// no summary is written.
func TestScanFailures(t *testing.T) {
	s := newTestS3(t)
	s.putFolder(t, example, "broken/")
	broken := `{"Vpcs": [`
	if _, err := s.backend.PutObject("reports", "broken/ap-northeast-1/ec2-describe-vpcs.json", map[string]string{}, strings.NewReader(broken), int64(len(broken)), nil); err != nil {
		t.Fatal(err)
	}
	h, _ := newTestHandler(t, s)
	h.Services.Collect = func(context.Context, Target, string) error {
		return errors.New("AccessDenied: not authorized to perform sts:AssumeRole")
	}
	for _, tt := range []struct{ event, want string }{
		{`{"account": "222233334444", "role": "r", "bucket": "reports"}`, "collect account 222233334444: AccessDenied"},
		{`{"snapshot": "s3://reports/broken/", "bucket": "reports"}`, "ec2-describe-vpcs.json"},
		{`{"snapshot": "s3://reports/nothing-here/", "bucket": "reports"}`, "snapshot s3://reports/nothing-here/: no object there"},
		{`{"snapshot": "s3://reports/broken/", "bucket": "no-such-bucket"}`, "ec2-describe-vpcs.json"},
	} {
		var sum Summary
		err := invoke(t, h, tt.event, &sum)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.event, err, tt.want)
		}
	}
	for _, k := range s.keys(t, "") {
		if !strings.HasPrefix(k, "broken/") {
			t.Errorf("wrote %s", k)
		}
	}
	// A good snapshot, a bucket that does not exist: the write fails.
	s.putFolder(t, example, "good/")
	var sum Summary
	if err := invoke(t, h, `{"snapshot": "s3://reports/good/", "bucket": "no-such-bucket"}`, &sum); err == nil || !strings.Contains(err.Error(), "write s3://no-such-bucket/") {
		t.Errorf("writing to a missing bucket: %v", err)
	}
}

// TestBadEvents: every wrong event is an input error naming the member.
func TestBadEvents(t *testing.T) {
	s := newTestS3(t)
	h, collected := newTestHandler(t, s)
	for _, tt := range []struct{ event, want string }{
		{`{"acount": "111122223333", "bucket": "reports"}`, `unknown field "acount"`},
		{`{"regions": "ap-northeast-1", "bucket": "reports"}`, `member "regions": expected []string, found a JSON string`},
		{`{"bucket": "reports"`, "unexpected EOF"},
		{`{"bucket": "reports"} {}`, "more after its JSON object"},
		{`[1]`, "expected lambda.Event, found a JSON array"},
		{`{}`, "no bucket for the reports"},
		{`{"bucket": "Reports_1"}`, `bucket "Reports_1": expected an S3 bucket name`},
		{`{"bucket": "reports", "mode": "delete"}`, `mode "delete"`},
		{`{"bucket": "reports", "account": "1234"}`, `account "1234": expected a 12-digit account ID`},
		{`{"bucket": "reports", "role": "vpcdoctor-scan"}`, `role "vpcdoctor-scan" is a role name: name the account too`},
		{`{"bucket": "reports", "account": "222233334444", "role": "arn:aws:iam::333344445555:role/x"}`, "is in account 333344445555, not in the account to scan, 222233334444"},
		{`{"bucket": "reports", "role": "arn:aws:s3:::x"}`, "expected a role ARN"},
		{`{"bucket": "reports", "account": "222233334444", "external_id": "abc"}`, "external_id is given without a role"},
		{`{"bucket": "reports", "regions": ["tokyo"]}`, `"tokyo" is not a region name`},
		{`{"bucket": "reports", "prefix": "/abs"}`, `prefix "/abs"`},
		{`{"bucket": "reports", "prefix": "a/../b"}`, `prefix "a/../b"`},
		{`{"bucket": "reports", "run": "a/b"}`, `run "a/b"`},
		{`{"bucket": "reports", "mode": "index"}`, "index mode needs the run"},
		{`{"bucket": "reports", "lang": "fr"}`, "lang: "},
		{`{"bucket": "reports", "snapshot": "reports/x"}`, "expected s3://BUCKET/PREFIX/"},
		{`{"bucket": "reports", "snapshot": "s3://reports/x/", "role": "arn:aws:iam::222233334444:role/x"}`, "role and regions apply only to collecting"},
		{`{"bucket": "reports", "mode": "accounts", "role": "arn:aws:iam::222233334444:role/x"}`, "in accounts mode, expected a role name"},
		{`{"bucket": "reports", "account": "222233334444"}`, "is not the account the function runs in (999988887777)"},
	} {
		_, err := h.Invoke(context.Background(), []byte(tt.event))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.event, err, tt.want)
			continue
		}
		var ie *cmdutil.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: %T is not an input error", tt.event, err)
		}
	}
	if len(*collected) != 0 {
		t.Errorf("a bad event was collected: %+v", *collected)
	}
	if keys := s.keys(t, ""); len(keys) != 0 {
		t.Errorf("a bad event wrote %q", keys)
	}
}

// TestDefaultsFromEnvironment: the bucket and prefix come from the
// function's environment when the event does not name them (the
// schedule's empty event).
func TestDefaultsFromEnvironment(t *testing.T) {
	s := newTestS3(t)
	h, collected := newTestHandler(t, s)
	getenv := h.Getenv
	h.Getenv = func(k string) string {
		switch k {
		case "VPCDOCTOR_BUCKET":
			return "reports"
		case "VPCDOCTOR_PREFIX":
			return "scheduled/"
		case "VPCDOCTOR_REGIONS":
			return "ap-northeast-1, us-east-1,"
		}
		return getenv(k)
	}
	var sum Summary
	if err := invoke(t, h, ``, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Bucket != "reports" || sum.Keys.Summary != "scheduled/20261126T094800Z/111122223333/summary.json" {
		t.Errorf("summary %+v", sum)
	}
	if want := []Target{{Regions: []string{"ap-northeast-1", "us-east-1"}}}; !reflect.DeepEqual(*collected, want) {
		t.Errorf("collected %+v, want %+v", *collected, want)
	}
	s.get(t, sum.Keys.Summary)
}

// TestErrorTypes: Lambda names an error by its type; an input error
// wrapped on the way (the collector's scope error under "collect ...")
// is still reported as InputError, any other error not.
func TestErrorTypes(t *testing.T) {
	s := newTestS3(t)
	s.putFolder(t, example, "good/")
	h, _ := newTestHandler(t, s)
	for _, tt := range []struct {
		collect error
		event   string
		input   bool
	}{
		{cmdutil.BadInput(errors.New("no region: name one")), `{"bucket": "reports"}`, true},
		{errors.New("RequestLimitExceeded"), `{"bucket": "reports"}`, false},
		{nil, `{"snapshot": "s3://reports/good/", "bucket": "no-such-bucket"}`, false},
	} {
		h.Services.Collect = func(context.Context, Target, string) error { return tt.collect }
		_, err := h.Invoke(context.Background(), []byte(tt.event))
		if err == nil {
			t.Fatalf("%s: no error", tt.event)
		}
		_, isInput := err.(*cmdutil.InputError)
		if isInput != tt.input {
			t.Errorf("%s (%v): error of type %T", tt.event, tt.collect, err)
		}
	}
}
