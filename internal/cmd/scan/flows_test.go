package scan

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// The bundled example's interfaces (examples/startup-all-public).
const (
	albA, albAIP     = "eni-0a1b2c3d4e5f60411", "10.0.0.137" // oyatsu-web-alb node, public-1a
	albC, albCIP     = "eni-0a1b2c3d4e5f60412", "10.0.1.244" // oyatsu-web-alb node, public-1c
	web1, web1IP     = "eni-0a1b2c3d4e5f60401", "10.0.0.21"  // web server, public-1a
	web2, web2IP     = "eni-0a1b2c3d4e5f60402", "10.0.1.34"  // web server, public-1c
	writer, writerIP = "eni-0a1b2c3d4e5f60421", "10.0.0.88"  // Aurora writer
	reader, readerIP = "eni-0a1b2c3d4e5f60422", "10.0.1.97"  // Aurora reader

	commonSG = "sg-0a1b2c3d4e5f60103" // oyatsu-common-sg
	albSG    = "sg-0a1b2c3d4e5f60102" // oyatsu-alb-sg
	sshSG    = "sg-0a1b2c3d4e5f60104" // oyatsu-ops-ssh
)

// exampleFlowLogs writes the flow logs of a VPC flow log on the example's
// VPC as S3 delivers them (AWSLogs/…/YYYY/MM/DD/*.log.gz, gzip, a header
// line naming the default format's fields), one file a day for 20 days
// from 2024-05-01. The only traffic: the load balancer's nodes to both web
// servers on port 80, and the web servers to Aurora on 3306; each
// connection is logged on both interfaces, both directions, twice a day.
// It returns the folder to pass to --flows.
func exampleFlowLogs(t *testing.T) string {
	t.Helper()
	conns := []struct {
		clientENI, client, serverENI, server string
		port                                 int
	}{
		{albA, albAIP, web1, web1IP, 80}, {albC, albCIP, web2, web2IP, 80},
		{albA, albAIP, web2, web2IP, 80}, {albC, albCIP, web1, web1IP, 80},
		{web1, web1IP, writer, writerIP, 3306}, {web2, web2IP, writer, writerIP, 3306},
		{web2, web2IP, reader, readerIP, 3306},
	}
	root := t.TempDir()
	base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for d := range 20 {
		day := base.AddDate(0, 0, d)
		var b bytes.Buffer
		b.WriteString("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
		for _, hour := range []int{10, 20} {
			start := day.Add(time.Duration(hour) * time.Hour).Unix()
			for k, c := range conns {
				eph := 32768 + (d*7+hour+k*131)%28000
				for _, at := range []string{c.clientENI, c.serverENI} {
					fmt.Fprintf(&b, "2 111122223333 %s %s %s %d %d 6 12 1800 %d %d ACCEPT OK\n", at, c.client, c.server, eph, c.port, start, start+600)
					fmt.Fprintf(&b, "2 111122223333 %s %s %s %d %d 6 10 9000 %d %d ACCEPT OK\n", at, c.server, c.client, c.port, eph, start, start+600)
				}
			}
		}
		dir := filepath.Join(root, "AWSLogs", "111122223333", "vpcflowlogs", "ap-northeast-1", day.Format("2006/01/02"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		name := "111122223333_vpcflowlogs_ap-northeast-1_fl-0a1b2c3d4e5f60901_" + day.Format("20060102") + "T0000Z_0a1b2c3d.log.gz"
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(b.Bytes())
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// jsonFinding is what the test reads of a finding of the JSON report.
type jsonFinding struct {
	Rule      string   `json:"rule"`
	Severity  string   `json:"severity"`
	Message   string   `json:"message"`
	Resources []string `json:"resources"`
	Evidence  []string `json:"evidence"`
}

// TestFlowsOnExample is item 3's end-to-end test on the bundled example:
// with flow logs showing only the load balancer → web on 80 and web →
// Aurora on 3306, sg-rule-unused-in-flows lists the other inbound rules of
// the groups those interfaces carry — oyatsu-common-sg's 443, 8080 and
// MySQL-from-the-office rules; every rule of oyatsu-alb-sg, whose nodes
// are only clients here — and never a rule that admitted the traffic
// (common-sg's tcp/80 and its all-traffic rule, AWS-SEMANTICS.md §2: any
// matching rule admits). Groups no logged interface carries
// (oyatsu-ops-ssh on the batch server) get no finding: no evidence.
func TestFlowsOnExample(t *testing.T) {
	logs := exampleFlowLogs(t)
	io, out, errOut := cmdutil.Test()
	runScan(t, io, example, "--flows", logs, "--format", "json")
	var rep struct {
		Findings []jsonFinding `json:"findings"`
		Coverage []struct {
			Complete      bool `json:"complete"`
			SkippedChecks []struct {
				Rule string `json:"rule"`
			} `json:"skipped_checks"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	byGroup := map[string]jsonFinding{}
	for _, f := range rep.Findings {
		if f.Rule == check.SGRuleUnusedInFlows.ID {
			byGroup[f.Resources[0]] = f
		}
	}
	common, ok := byGroup[commonSG]
	if !ok {
		t.Fatalf("no finding on oyatsu-common-sg; findings %+v; stderr %s", byGroup, errOut)
	}
	wantCommon := []string{
		commonSG + " ingress tcp/443 from 0.0.0.0/0",
		commonSG + " ingress tcp/8080 from 0.0.0.0/0",
		commonSG + " ingress tcp/3306 from pl-0a1b2c3d4e5f60201",
	}
	if !slices.Equal(common.Evidence, wantCommon) {
		t.Errorf("oyatsu-common-sg's unused rules %q, want %q", common.Evidence, wantCommon)
	}
	// 4 of its 10 interfaces (web ×2, Aurora ×2) are in the logs: the rest
	// (batch, Redis, Lambda, ECS) may use the rules, so the finding is info.
	for _, w := range []string{"3 of 5 inbound rules", "from 2024-05-01 10:00 UTC to 2024-05-20 20:10 UTC (19 days)", "1120 records from 20 files", "Only 4 of the 10 interfaces"} {
		if !strings.Contains(common.Message, w) {
			t.Errorf("oyatsu-common-sg's message %q lacks %q", common.Message, w)
		}
	}
	if common.Severity != "info" {
		t.Errorf("oyatsu-common-sg's finding is %s, want info (only some of its interfaces logged)", common.Severity)
	}
	alb, ok := byGroup[albSG]
	wantALB := []string{albSG + " ingress tcp/80 from 0.0.0.0/0", albSG + " ingress tcp/80 from ::/0", albSG + " ingress tcp/443 from 0.0.0.0/0", albSG + " ingress tcp/443 from ::/0"}
	if !ok || !slices.Equal(alb.Evidence, wantALB) || alb.Severity != "low" {
		t.Errorf("oyatsu-alb-sg's finding %+v, want low with %q", alb, wantALB)
	}
	if f, ok := byGroup[sshSG]; ok {
		t.Errorf("oyatsu-ops-ssh reported without evidence: %+v", f)
	}
	if len(byGroup) != 2 {
		t.Errorf("findings on %d groups, want 2: %+v", len(byGroup), byGroup)
	}
	for _, f := range byGroup {
		for _, e := range f.Evidence {
			if strings.Contains(e, "all traffic") || strings.HasSuffix(e, "tcp/80 from 0.0.0.0/0") && strings.HasPrefix(e, commonSG) {
				t.Errorf("a rule that admitted traffic is reported unused: %s", e)
			}
		}
	}
	for _, c := range rep.Coverage {
		for _, s := range c.SkippedChecks {
			if s.Rule == check.SGRuleUnusedInFlows.ID {
				t.Errorf("the check was skipped with flow logs given")
			}
		}
	}
}

// TestFlowsOnExampleGolden pins the text report of the example scanned
// with its flow logs.
func TestFlowsOnExampleGolden(t *testing.T) {
	logs := exampleFlowLogs(t)
	io, out, _ := cmdutil.Test()
	runScan(t, io, example, "--flows", logs)
	golden(t, "startup-all-public.flows.txt", out.Bytes())
}

// TestFlowsErrors: a --flows path that does not exist, or that holds no
// flow-log file, is an input error naming it, before any output.
func TestFlowsErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		path string
		want string
	}{
		{filepath.Join(empty, "nope"), "nope"},
		{empty, "no flow-log files"},
	} {
		io, out, _ := cmdutil.Test()
		cmd := NewCmd(io, nil)
		cmd.SilenceUsage = true // as root.NewCmd does
		cmd.SetArgs([]string{example, "--flows", tc.path})
		cmd.SetOut(io.Out)
		cmd.SetErr(io.ErrOut)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--flows %s: error %v, want one naming %q", tc.path, err, tc.want)
		}
		if !cmdutil.IsBadInput(err) {
			t.Errorf("--flows %s: %v is not an input error (exit 2)", tc.path, err)
		}
		if out.Len() > 0 {
			t.Errorf("--flows %s: output before the error:\n%s", tc.path, out)
		}
	}
}

// TestFlowsBadLines: a line that does not parse does not stop the scan; the
// report's warnings say how many, and where the first were.
func TestFlowsBadLines(t *testing.T) {
	dir := t.TempDir()
	log := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 111122223333 " + web1 + " " + albAIP + " " + web1IP + " 40000 80 6 10 1000 1714557600 1714558200 ACCEPT OK\n" +
		"2 111122223333 " + web1 + " not-an-address\n"
	if err := os.WriteFile(filepath.Join(dir, "one.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	io, out, errOut := cmdutil.Test()
	runScan(t, io, example, "--flows", filepath.Join(dir, "one.log"), "--format", "json")
	var rep struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "1 line did not parse and was not counted; ") || !strings.Contains(rep.Warnings[0], "one.log:3: ") {
		t.Errorf("warnings %q", rep.Warnings)
	}
	if !strings.Contains(errOut.String(), "did not parse") {
		t.Errorf("stderr %q lacks the warning", errOut)
	}
}

// TestFlowsSkippedFiles: files of a folder that are not flow logs (a
// Parquet delivery, notes) are skipped with a warning naming them.
func TestFlowsSkippedFiles(t *testing.T) {
	logs := exampleFlowLogs(t)
	if err := os.WriteFile(filepath.Join(logs, "README.md"), []byte("notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	io, out, _ := cmdutil.Test()
	runScan(t, io, example, "--flows", logs, "--format", "json")
	var rep struct {
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0], "flow logs: 1 file in the folders read is not flow logs and was skipped (") || !strings.Contains(rep.Warnings[0], "README.md") {
		t.Errorf("warnings %q", rep.Warnings)
	}
}
