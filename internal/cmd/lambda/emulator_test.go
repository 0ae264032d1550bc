package lambda

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
)

// rieModule is the AWS Lambda Runtime Interface Emulator, at the version
// the Go module proxy serves; its cmd/aws-lambda-rie is the emulator
// the provided.al2023 image runs outside Lambda.
const (
	rieModule  = "github.com/aws/aws-lambda-runtime-interface-emulator"
	rieVersion = "v0.0.0-20261030222936-bef5c4ba774d"
)

// buildEmulator returns the emulator's binary, built once per machine
// into the user's cache folder (go install into a temporary GOBIN, then
// renamed). It skips the test, saying why, where the emulator cannot be
// built: no Go command, no Linux, no module proxy.
func buildEmulator(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the Lambda Runtime Interface Emulator runs on Linux only, not %s", runtime.GOOS)
	}
	goCmd := goCommand(t)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "vpcdoctor-test", "aws-lambda-rie-"+rieVersion)
	bin := filepath.Join(dir, "aws-lambda-rie")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Skipf("the emulator cannot be built: %v", err)
	}
	gobin, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		t.Skipf("the emulator cannot be built: %v", err)
	}
	defer os.RemoveAll(gobin)
	cmd := exec.Command(goCmd, "install", rieModule+"/cmd/aws-lambda-rie@"+rieVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "CGO_ENABLED=0")
	cmd.Dir = gobin // outside this module: go install PKG@VERSION builds the module alone
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("the Lambda Runtime Interface Emulator cannot be built here (%v): go install %s/cmd/aws-lambda-rie@%s:\n%s", err, rieModule, rieVersion, out)
	}
	if err := os.Rename(filepath.Join(gobin, "aws-lambda-rie"), bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// goCommand is the go command that runs the tests.
func goCommand(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the emulator and vpcdoctor with")
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// buildVpcdoctor builds the vpcdoctor binary, the function's bootstrap,
// as deploy/Dockerfile does (static, no cgo).
func buildVpcdoctor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vpcdoctor")
	// As deploy/Dockerfile builds it but for -trimpath, which would
	// compile every package again instead of reusing the tests' cache.
	cmd := exec.Command(goCommand(t), "build", "-ldflags=-s -w", "-o", bin, "./cmd/vpcdoctor")
	cmd.Dir = filepath.Join("..", "..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/vpcdoctor: %v\n%s", err, out)
	}
	return bin
}

// freeAddr is an address on 127.0.0.1 nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// emulator is the emulator running vpcdoctor as its function.
type emulator struct {
	addr string
	mu   sync.Mutex
	log  bytes.Buffer // the emulator's and the function's output
}

func (e *emulator) Write(p []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.log.Write(p)
}

func (e *emulator) output() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.log.String()
}

// startEmulator runs the emulator with vpcdoctor and args as the
// bootstrap, the environment env added to a clean one, and stops it (and
// the function it started: one process group) when the test ends.
func startEmulator(t *testing.T, rie string, env []string, bootstrap ...string) *emulator {
	t.Helper()
	e := &emulator{addr: freeAddr(t)}
	cmd := exec.Command(rie, append([]string{"--runtime-interface-emulator-address", e.addr, "--runtime-api-address", freeAddr(t)}, bootstrap...)...)
	home := t.TempDir()
	cmd.Dir = home
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + t.TempDir(), "LOG_LEVEL=info",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_LAMBDA_FUNCTION_TIMEOUT=120"}, env...)
	cmd.Stdout, cmd.Stderr = e, e
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if t.Failed() {
			t.Logf("emulator and function output:\n%s", e.output())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", e.addr)
		if err == nil {
			c.Close()
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("the emulator does not listen on %s: %v\n%s", e.addr, err, e.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// invoke posts event to the function, as Lambda's Invoke API is
// emulated, and returns the response's body.
func (e *emulator) invoke(t *testing.T, event string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+e.addr+"/2015-03-31/functions/function/invocations", strings.NewReader(event))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: HTTP %d: %s", resp.StatusCode, body)
	}
	return body
}

// awsRouter is one endpoint for every AWS service, as AWS_ENDPOINT_URL
// makes it: S3 requests (by their signature's credential scope) go to
// s3, the others to rest (nil: 501).
func awsRouter(s3 http.Handler, rest http.Handler) *httptest.Server {
	scope := regexp.MustCompile(`Credential=[^/]+/[0-9]+/[^/]+/([^/]+)/aws4_request`)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := scope.FindStringSubmatch(r.Header.Get("Authorization"))
		switch {
		case m != nil && m[1] == "s3":
			s3.ServeHTTP(w, r)
		case rest != nil:
			rest.ServeHTTP(w, r)
		default:
			http.Error(w, "no fake for this service", http.StatusNotImplemented)
		}
	}))
}

// initLine is the emulator's report of the function's initialisation.
var initLine = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// reportLine is the emulator's REPORT line of an invocation.
var reportLine = regexp.MustCompile(`REPORT RequestId: \S+\s+(Init Duration: [0-9.]+ ms\s+)?Duration: ([0-9.]+) ms`)

// TestUnderEmulator runs the vpcdoctor binary as a Lambda function under
// the AWS Lambda Runtime Interface Emulator, every AWS service behind
// AWS_ENDPOINT_URL on this machine: an in-process S3-compatible server
// (gofakes3) and the fake AWS endpoint (internal/fakeaws).
func TestUnderEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the emulator test builds two binaries")
	}
	rie := buildEmulator(t)
	vpcdoctor := buildVpcdoctor(t)
	t.Run("stored snapshot", func(t *testing.T) { testStoredSnapshotUnderEmulator(t, rie, vpcdoctor) })
	t.Run("organisation", func(t *testing.T) { testOrganisationUnderEmulator(t, rie, vpcdoctor) })
}

// testStoredSnapshotUnderEmulator: a stored snapshot is scanned, its
// reports land in the bucket (the JSON equal to `vpcdoctor scan --format
// json`'s), the summary answered is the one written, a wrong event fails
// with the error type InputError, and the function goes on serving.
func testStoredSnapshotUnderEmulator(t *testing.T, rie, vpcdoctor string) {
	s := newTestS3(t)
	s.putFolder(t, example, "snapshots/startup-all-public/")
	router := awsRouter(gofakes3.New(s.backend).Server(), nil)
	defer router.Close()
	// `vpcdoctor lambda`, as an image whose ENTRYPOINT names the command.
	e := startEmulator(t, rie, []string{
		"AWS_ACCESS_KEY_ID=AKIDVPCDOCTORTEST", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_REGION=ap-northeast-1",
		"AWS_ENDPOINT_URL=" + router.URL, "VPCDOCTOR_BUCKET=reports", "VPCDOCTOR_PREFIX=vpcdoctor",
	}, vpcdoctor, "lambda")

	// A wrong event first: the cold start (the emulator starts the
	// function on the first invocation), answered with Lambda's error
	// document, typed InputError.
	start := time.Now()
	wrong := func() {
		t.Helper()
		var failed struct{ ErrorMessage, ErrorType string }
		if err := json.Unmarshal(e.invoke(t, `{"regions": "ap-northeast-1"}`), &failed); err != nil || failed.ErrorType != "InputError" || !strings.Contains(failed.ErrorMessage, `member "regions"`) {
			t.Errorf("a wrong event answered %+v (%v)", failed, err)
		}
	}
	wrong()
	cold := time.Since(start)
	start = time.Now()
	wrong()
	warm := time.Since(start)

	start = time.Now()
	body := e.invoke(t, `{"snapshot": "s3://reports/snapshots/startup-all-public/", "run": "rie-1"}`)
	scanned := time.Since(start)
	var sum Summary
	if err := json.Unmarshal(body, &sum); err != nil || sum.Account != exampleID {
		t.Fatalf("response %s (%v)", body, err)
	}
	folder := "vpcdoctor/rie-1/" + exampleID + "/"
	if want := (ReportKeys{JSON: folder + "vpcdoctor.json", SARIF: folder + "vpcdoctor.sarif", HTML: folder + "vpcdoctor.html", Summary: folder + "summary.json"}); sum.Keys != want {
		t.Errorf("keys %+v, want %+v", sum.Keys, want)
	}
	golden, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.get(t, sum.Keys.JSON), golden) {
		t.Errorf("the JSON report in S3 differs from %s", exampleGolden)
	}
	if sum.Counts.Critical != 7 || sum.Counts.High != 2 || sum.Exposures == 0 {
		t.Errorf("counts %+v, %d exposures", sum.Counts, sum.Exposures)
	}
	var written Summary
	if err := json.Unmarshal(s.get(t, sum.Keys.Summary), &written); err != nil || fmt.Sprint(written) != fmt.Sprint(sum) {
		t.Errorf("summary.json %+v, answered %+v (%v)", written, sum, err)
	}
	s.get(t, sum.Keys.SARIF)
	s.get(t, sum.Keys.HTML)
	// The function stays up: a second scan, another run.
	start = time.Now()
	if err := json.Unmarshal(e.invoke(t, `{"snapshot": "s3://reports/snapshots/startup-all-public/", "run": "rie-2"}`), &sum); err != nil || sum.Run != "rie-2" {
		t.Errorf("the second scan: %+v (%v)", sum, err)
	}
	t.Logf("cold start (first invocation, a wrong event) %v, warm %v; scan of the example from S3 %v, again %v", cold.Round(time.Millisecond), warm.Round(time.Millisecond), scanned.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	logReport(t, e.output())
}

// logReport logs the emulator's REPORT lines: the cold start (Init
// Duration) and each invocation's duration.
func logReport(t *testing.T, out string) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m := initLine.FindStringSubmatch(sc.Text()); m != nil {
			t.Logf("emulator: the function's init (process start to its first request for an event): %s ms", m[1])
		}
		if m := reportLine.FindStringSubmatch(sc.Text()); m != nil {
			t.Logf("emulator: %s", strings.Join(strings.Fields(sc.Text()), " "))
		}
	}
}

// rieAccount is the account of the function the emulator invokes (its
// ARN is arn:aws:lambda:us-east-1:012345678912:function:test_function).
const rieAccount = "012345678912"

// testOrganisationUnderEmulator runs what the state machine runs, each
// step an invocation of the emulated function, against the fake AWS
// endpoint serving an organisation of two accounts: accounts mode lists
// them (organizations ListAccounts), each listed event scans its account
// through the role (sts AssumeRole with the external ID, then every call
// of the collector; one call denied in one account), and index mode
// writes the run's index.
func testOrganisationUnderEmulator(t *testing.T, rie, vpcdoctor string) {
	const other = "222233334444"
	org := t.TempDir()
	if err := copyExample(filepath.Join(org, exampleID), ""); err != nil {
		t.Fatal(err)
	}
	if err := copyExample(filepath.Join(org, other), other); err != nil {
		t.Fatal(err)
	}
	// The function's own account, where its base credentials are
	// answered: the organisation's management account.
	if err := copyExample(filepath.Join(org, rieAccount), rieAccount); err != nil {
		t.Fatal(err)
	}
	fake, err := fakeaws.New(fakeaws.Options{
		Snapshot: org, Regions: []string{"ap-northeast-1"}, ExternalID: "org-1234",
		Management: rieAccount, Organization: []string{exampleID, other},
		Deny: []string{other + "/*/ec2:DescribeFlowLogs"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	s := newTestS3(t)
	router := awsRouter(gofakes3.New(s.backend).Server(), fake)
	defer router.Close()
	// The bare binary, as the provided.al2023 image's entrypoint starts
	// /var/runtime/bootstrap (deploy/Dockerfile): no argument.
	e := startEmulator(t, rie, []string{
		"AWS_ACCESS_KEY_ID=AKIDVPCDOCTORTEST", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_REGION=ap-northeast-1",
		"AWS_ENDPOINT_URL=" + router.URL, "VPCDOCTOR_BUCKET=reports",
	}, vpcdoctor)

	var list AccountsList
	if err := json.Unmarshal(e.invoke(t, `{"mode": "accounts", "role": "vpcdoctor-scan", "external_id": "org-1234", "regions": ["ap-northeast-1"], "prefix": "org", "run": "nightly"}`), &list); err != nil || list.Accounts != 2 {
		t.Fatalf("accounts mode answered %+v (%v)", list, err)
	}
	var items []Event
	if err := json.Unmarshal(s.get(t, list.Key), &items); err != nil || len(items) != 2 {
		t.Fatalf("%s: %d items (%v)", list.Key, len(items), err)
	}
	golden, err := os.ReadFile(exampleGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Summary struct{ Findings, Critical, High, Medium, Low, Info int }
	}
	json.Unmarshal(golden, &want)
	for _, item := range items {
		if item.Role != "arn:aws:iam::"+item.Account+":role/vpcdoctor-scan" || item.ExternalID != "org-1234" {
			t.Errorf("item %+v: not through the role", item)
		}
		event, _ := json.Marshal(item)
		var sum Summary
		if body := e.invoke(t, string(event)); json.Unmarshal(body, &sum) != nil || sum.Account != item.Account {
			t.Fatalf("scan of %s answered %s", item.Account, body)
		}
		// The example's own account, collected from the fake, finds
		// what its files give (the other account is a copy under
		// another ID, with a call denied: its findings differ).
		got := sum.Counts
		if item.Account == exampleID && (got.Findings != want.Summary.Findings || got.Critical != want.Summary.Critical || got.High != want.Summary.High) {
			t.Errorf("%s collected from the fake: %+v; the example scanned from its files: %+v", item.Account, got, want.Summary)
		}
		// The denied call is reported missing, and the scan incomplete.
		if denied := item.Account == other; got.Complete == denied || (sum.MissingCalls > 0) != denied {
			t.Errorf("%s: complete %v, %d calls missing", item.Account, got.Complete, sum.MissingCalls)
		}
		var rep struct {
			Coverage []struct {
				Missing []struct{ Call, Reason string }
			}
		}
		json.Unmarshal(s.get(t, sum.Keys.JSON), &rep)
		if item.Account == other && (len(rep.Coverage) != 1 || len(rep.Coverage[0].Missing) == 0 || rep.Coverage[0].Missing[0].Call != "ec2-describe-flow-logs" || !strings.Contains(rep.Coverage[0].Missing[0].Reason, "UnauthorizedOperation")) {
			t.Errorf("%s: the JSON report's coverage %+v does not say the denied call", other, rep.Coverage)
		}
	}
	var idx Index
	if err := json.Unmarshal(e.invoke(t, `{"mode": "index", "prefix": "org", "run": "nightly"}`), &idx); err != nil || idx.Scanned != 2 || idx.Missing != 0 || idx.Totals.Critical < want.Summary.Critical {
		t.Errorf("index answered %+v (%v)", idx, err)
	}
	s.get(t, "org/nightly/index.html")
	// The fake saw the organisation listed and the roles assumed with
	// the function's own credentials, and every other call made through
	// the roles.
	var roles, lists int
	for _, r := range fake.Requests() {
		switch {
		case r.Operation == "ListAccounts" && r.Account == rieAccount:
			lists++
		case r.Operation == "AssumeRole" && r.Account == rieAccount:
			roles++
		case r.Account != exampleID && r.Account != other:
			t.Errorf("%s %s answered from account %s, not through a role", r.Service, r.Operation, r.Account)
		}
	}
	if lists == 0 || roles < 2 {
		t.Errorf("the fake saw %d ListAccounts and %d AssumeRole", lists, roles)
	}
}
