package plan

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// CloudMapper's demo account is real-format data nobody here wrote: the
// plan must run through it and write every file. Its proof fails, and
// says why: the demo gives all its instances one network interface ID
// (eni-00000000), so their groups cannot all be what the plan wants.
func TestPlanCloudMapperDemo(t *testing.T) {
	demo := filepath.Join("..", "..", "..", "..", "shared", "corpus", "cloudmapper-demo", "account-data-demo")
	if _, err := os.Stat(demo); err != nil {
		t.Skipf("CloudMapper's demo account not found at %s (the shared corpus is beside the clone only on the build machine): %v", demo, err)
	}
	out := filepath.Join(t.TempDir(), "plan")
	io, stdout, stderr := cmdutil.Test()
	err := Run(&Options{IO: io, Paths: []string{demo}, Out: out, Format: "text", Lang: "en"})
	var st *cmdutil.ExitStatus
	if err != nil && !(errors.As(err, &st) && st.Code == cmdutil.ExitFindings) {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, name := range []string{"plan.json", "runbook.sh", "rollback.sh", "terraform/network.tf", "before.svg", "after.svg", "NETWORK-RULES.md", "NETWORK-RULES.ja.md", "report.html", "target/us-east-1/ec2-describe-subnets.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	if len(stdout.String()) == 0 {
		t.Error("no summary printed")
	}
	// The demo's ECS task runs outside any service (run-task): it moves
	// by itself, to a private subnet, without its public address.
	raw, err := os.ReadFile(filepath.Join(out, "target", "us-east-1", "ec2-describe-network-interfaces.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		NetworkInterfaces []struct {
			NetworkInterfaceId string
			SubnetId           string
			Association        *struct{ PublicIp string }
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range doc.NetworkInterfaces {
		if e.NetworkInterfaceId != "eni-00000001" {
			continue
		}
		found = true
		if !strings.HasPrefix(e.SubnetId, "subnet-new-private-") || e.Association != nil {
			t.Errorf("the task's interface is in %s with association %+v; want a new private subnet and no public address", e.SubnetId, e.Association)
		}
	}
	if !found {
		t.Error("the task's interface eni-00000001 is not in the target")
	}
}
