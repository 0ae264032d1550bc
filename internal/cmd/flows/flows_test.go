package flows

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

const (
	repoRoot = "../../.."
	logsDir  = "internal/flows/testdata/startup-all-public-flowlogs"
	example  = "examples/startup-all-public"
)

// run runs `vpcdoctor flows args...` with env as its environment.
func run(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	io, out, errOut := cmdutil.Test()
	io.Env = func(k string) string { return env[k] }
	cmd := NewCmd(io, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// TestHelpExamplePathsExist: every local path in --help's examples that
// names something in this repository exists, so the first example works on
// a fresh clone.
func TestHelpExamplePathsExist(t *testing.T) {
	cmd := NewCmd(&cmdutil.IOStreams{}, nil)
	n := 0
	for _, line := range strings.Split(cmd.Example, "\n") {
		for _, f := range strings.Fields(line) {
			if !strings.HasPrefix(f, "examples/") && !strings.HasPrefix(f, "internal/") {
				continue
			}
			n++
			if _, err := os.Stat(filepath.Join(repoRoot, f)); err != nil {
				t.Errorf("--help example names %s, which does not exist: %v", f, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no example names a path of this repository")
	}
}

// TestLocalFolder runs the first --help example from the repository root.
func TestLocalFolder(t *testing.T) {
	out, _, err := run(t, nil, filepath.Join(repoRoot, logsDir), "--snapshot", filepath.Join(repoRoot, example), "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	rep := decode(t, out)
	if len(rep.Flows) == 0 || rep.Stats["files"] != float64(3) {
		t.Fatalf("flows %d, stats %v", len(rep.Flows), rep.Stats)
	}
}

type jsonReport struct {
	Flows []json.RawMessage `json:"flows"`
	Stats map[string]any    `json:"stats"`
}

func decode(t *testing.T, out string) jsonReport {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	return rep
}

// fakeS3 serves the example's flow logs from bucket "flowlogs" under the
// same keys as on disk, from an in-process S3-compatible server.
func fakeS3(t *testing.T) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("flowlogs"); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(repoRoot, logsDir)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key, _ := filepath.Rel(root, p)
		_, err = backend.PutObject("flowlogs", filepath.ToSlash(key), map[string]string{}, bytes.NewReader(body), int64(len(body)), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return srv.URL
}

// awsEnv keeps the SDK away from the caller's AWS configuration.
func awsEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDVPCDOCTORTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "ap-northeast-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// TestS3 reads the example's flow logs from s3:// through an in-process
// S3 server and gets the same flows and counts as from the folder.
func TestS3(t *testing.T) {
	awsEnv(t)
	env := map[string]string{"AWS_ENDPOINT_URL": fakeS3(t)}
	snap := filepath.Join(repoRoot, example)
	s3out, errOut, err := run(t, env, "s3://flowlogs/AWSLogs/111122223333/vpcflowlogs/", "--snapshot", snap, "--format", "json")
	if err != nil {
		t.Fatalf("%v; stderr %s", err, errOut)
	}
	localOut, _, err := run(t, nil, filepath.Join(repoRoot, logsDir), "--snapshot", snap, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	got, want := decode(t, s3out), decode(t, localOut)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("s3:// gives\n%s\nthe folder gives\n%s", s3out, localOut)
	}
	if got.Stats["files"] != float64(3) || got.Stats["records"] != float64(988) {
		t.Errorf("stats %v, want 3 files and 988 records", got.Stats)
	}

	// An empty prefix is bad input, not an empty report.
	_, _, err = run(t, env, "s3://flowlogs/nothing-here/", "--snapshot", snap)
	if !cmdutil.IsBadInput(err) {
		t.Errorf("empty prefix: err %v, want bad input (exit 2)", err)
	}
}

// TestBadFlags: flags that cannot mean anything are bad input (exit 2).
func TestBadFlags(t *testing.T) {
	logs := filepath.Join(repoRoot, logsDir)
	for _, args := range [][]string{
		{logs, "--top", "-1"},
		{logs, "--format", "yaml"},
		{logs, "--log-format", "bogus"},
		{logs, "--engine", "duckdb"},
		{"--athena-sql"},
		{"--engine", "athena", "--table", "t"},
		{"--athena-sql", "--table", "t", "--from", "2025-13-01"},
		{"no-such-folder"},
	} {
		if _, _, err := run(t, nil, args...); !cmdutil.IsBadInput(err) {
			t.Errorf("%q: err %v, want bad input", args, err)
		}
	}
}

// TestTextSummaryOneBadLine: the summary line counts in good English.
func TestTextSummaryOneBadLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.log")
	body := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 111122223333 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 1 2 ACCEPT OK\nnot a record\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, nil, file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 line that did not parse") || !strings.Contains(out, "a.log:3:") {
		t.Errorf("output:\n%s", out)
	}
}

// TestRefreshIPRangesAlone: `vpcdoctor flows --refresh-ip-ranges FILE`
// without flow logs (as internal/flows/ip-ranges.md shows) downloads the
// file and says so, then a run uses it with --ip-ranges.
func TestRefreshIPRangesAlone(t *testing.T) {
	body, err := os.ReadFile("../../flows/ip-ranges.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "ip-ranges.json")
	_, errOut, err := run(t, nil, "--refresh-ip-ranges", file, "--ip-ranges-url", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, file) || !strings.Contains(errOut, "2021-01-27") {
		t.Errorf("stderr %q does not say what was saved", errOut)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, nil, filepath.Join(repoRoot, logsDir), "--ip-ranges", file); err != nil {
		t.Fatal(err)
	}
}

// TestUnknownTimesAreLeftOut: a format without start and end gives edges
// and a period without times, not "0001-01-01T00:00:00Z".
func TestUnknownTimesAreLeftOut(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.log")
	body := "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes action log-status\n" +
		"2 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 ACCEPT OK\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, nil, file, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "0001-01-01") || strings.Contains(out, "first_seen") {
		t.Errorf("unknown times written:\n%s", out)
	}
	if len(decode(t, out).Flows) != 1 {
		t.Errorf("output:\n%s", out)
	}
}
