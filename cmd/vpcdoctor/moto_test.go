package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/cmd/root"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// TestMotoAccountSnapshot is the user's path end to end on real formats:
// build the story's account in moto (an AWS API emulator) with boto3, save
// it with scripts/snapshot.sh and the real AWS CLI exactly as a user would,
// and scan the result. It skips where moto_server, python3 with boto3, or
// the aws command are absent.
func TestMotoAccountSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: starts moto_server and runs the AWS CLI about 40 times")
	}
	for _, tool := range []string{"moto_server", "python3", "aws", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: this test needs moto_server, python3 with boto3, and the AWS CLI", tool)
		}
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 has no boto3")
	}
	port := freePort(t)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	server := exec.CommandContext(ctx, "moto_server", "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var serverLog bytes.Buffer
	server.Stdout, server.Stderr = &serverLog, &serverLog
	if err := server.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
	waitForPort(t, port, &serverLog)

	env := append(os.Environ(),
		"AWS_ENDPOINT_URL="+endpoint, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=ap-northeast-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run("python3", "testdata/moto/build_account.py")
	snap := filepath.Join(t.TempDir(), "story")
	run("bash", "../../scripts/snapshot.sh", snap, "ap-northeast-1")

	io, out, errOut := cmdutil.Test()
	if code := root.Main([]string{"scan", snap}, io); code != 0 {
		t.Fatalf("scan exited %d: %s", code, errOut)
	}
	text := out.String()
	sameAsCollected(t, snap, env)
	for _, want := range []string{
		"vpc-public-subnets-only",
		"ec2-instance-public-ip",
		"(web-1) has the public address", // web and batch servers are named, with their public subnet
		"rds-subnet-group-public-subnet",
		"RDS DB instance story-db uses it", // the database, by its subnet group (moto gives it no interface)
		"sg-world-open-all-protocols",      // common-sg: -1 from 0.0.0.0/0
		"(common-sg) opens tcp/80, tcp/443, tcp/8080 to the whole internet",
		"(ops-ssh) lets the whole internet reach SSH (22)",
		"sg-shared-across-roles",
		"db-publicly-accessible",
		// moto gives an interface's public address in its Association
		// only, not in PrivateIpAddresses: the instances must still be
		// found reachable directly, through common-sg's -1 rule.
		"(web-1) is reachable from the internet on all traffic",
		// snapshot.sh saved ec2-describe-flow-logs (an empty list in the
		// story), or the check would be skipped.
		"vpc-flow-logs-disabled",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scan output lacks %q:\n%s", want, text)
		}
	}
	// The ALB's own group opens only 80/443 and is carried only by the
	// internet-facing ALB: no finding may name it, except the note that its
	// rules have no description (sg-rule-undocumented, info).
	rule := ""
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") && len(f) > 0 {
			rule = f[0]
		}
		if strings.Contains(line, "(alb-sg)") && rule != "sg-rule-undocumented" {
			t.Errorf("alb-sg should raise no finding but %s:\n%s", rule, text)
			break
		}
	}
}

// sameAsCollected collects the same account from moto with `vpcdoctor
// collect` (the SDK, in this process, with the environment the AWS CLI
// had) and checks that it scans exactly as the AWS CLI's snapshot does:
// the two are interchangeable.
func sameAsCollected(t *testing.T, cliSnap string, env []string) {
	t.Helper()
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, v)
		}
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	collected := filepath.Join(t.TempDir(), "collected")
	io, _, errOut := cmdutil.Test()
	if code := root.Main([]string{"collect", "--region", "ap-northeast-1", "--out", collected}, io); code != 0 {
		t.Fatalf("collect exited %d: %s", code, errOut)
	}
	scanJSON := func(dir string) string {
		io, out, errOut := cmdutil.Test()
		if code := root.Main([]string{"scan", dir, "--format", "json"}, io); code != 0 {
			t.Fatalf("scan %s exited %d: %s", dir, code, errOut)
		}
		var rep struct {
			Findings  []json.RawMessage `json:"findings"`
			Exposures []json.RawMessage `json:"exposures"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(rep, "", "  ")
		return string(b)
	}
	if cli, sdk := scanJSON(cliSnap), scanJSON(collected); cli != sdk {
		t.Errorf("the AWS CLI's snapshot and vpcdoctor collect's scan differently:\nCLI:\n%s\ncollect:\n%s", cli, sdk)
	}
	sameFiles(t, cliSnap, collected)
}

// sameFiles checks, file by file, that collect wrote what the AWS CLI
// printed: the same files (collect's record aside), each the same JSON
// member for member. Timestamps are compared as present on both sides
// only: moto gives some (an RDS instance's LatestRestorableTime) as the
// time of the request.
func sameFiles(t *testing.T, cliSnap, collected string) {
	t.Helper()
	list := func(root string) map[string]bool {
		out := map[string]bool{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() != "vpcdoctor-collect.json" {
				rel, _ := filepath.Rel(root, p)
				out[filepath.ToSlash(rel)] = true
			}
			return err
		})
		return out
	}
	cliFiles, sdkFiles := list(cliSnap), list(collected)
	for f := range cliFiles {
		if !sdkFiles[f] {
			t.Errorf("%s: saved by the AWS CLI, not by collect", f)
			continue
		}
		var a, b any
		for _, x := range []struct {
			root string
			v    *any
		}{{cliSnap, &a}, {collected, &b}} {
			data, err := os.ReadFile(filepath.Join(x.root, f))
			if err == nil {
				err = json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), x.v)
			}
			if err != nil {
				t.Fatalf("%s: %v", filepath.Join(x.root, f), err)
			}
		}
		if d := jsonDifference(a, b, "$"); d != "" {
			t.Errorf("%s: collect wrote otherwise than the AWS CLI printed: %s", f, d)
		}
	}
	for f := range sdkFiles {
		if !cliFiles[f] {
			t.Errorf("%s: written by collect, not saved by the AWS CLI", f)
		}
	}
}

// jsonDifference is the first difference between a and b, "" for none;
// two timestamps (RFC 3339) are the same.
func jsonDifference(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path + ": an object, and not in collect's"
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			e, inA := x[k]
			f, inB := y[k]
			switch {
			case !inB:
				return path + "." + k + ": only in the CLI's"
			case !inA:
				return path + "." + k + ": only in collect's"
			}
			if d := jsonDifference(e, f, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: %d items in the CLI's, %v in collect's", path, len(x), b)
		}
		for i := range x {
			if d := jsonDifference(x[i], y[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case string:
		if y, ok := b.(string); ok {
			_, errA := time.Parse(time.RFC3339Nano, x)
			_, errB := time.Parse(time.RFC3339Nano, y)
			if x == y || errA == nil && errB == nil {
				return ""
			}
		}
	default:
		if reflect.DeepEqual(a, b) {
			return ""
		}
	}
	return fmt.Sprintf("%s: %v in the CLI's, %v in collect's", path, a, b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitForPort(t *testing.T, port int, log *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("moto_server did not listen on %d within 30s:\n%s", port, log)
}
