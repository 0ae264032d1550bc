package reach_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// TestCloudMapperDemoExposure runs the engine on CloudMapper's demo account
// (third-party data, no route tables or ACLs collected): the bastion is
// reachable on SSH from the two known office CIDRs only, and every
// conclusion carries the notes that it assumed routes and ACLs.
func TestCloudMapperDemoExposure(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "cloudmapper-demo", "account-data-demo")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the corpus is not beside this clone (%s): %v", dir, err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	xs := reach.InternetExposures(inv.Regions()[0])
	if _, ok := reaches(xs, "eni-00000000", reach.ViaDirect, model.ProtocolTCP, 22, "1.1.1.1"); !ok {
		t.Errorf("bastion not reachable on 22 from 1.1.1.1:%s", dump(xs))
	}
	if _, ok := reaches(xs, "eni-00000000", reach.ViaDirect, model.ProtocolTCP, 22, "8.8.8.8"); ok {
		t.Errorf("bastion reachable from 8.8.8.8")
	}
	if _, ok := reaches(xs, "eni-00000001", reach.ViaDirect, model.ProtocolTCP, 443, "8.8.8.8"); !ok {
		t.Errorf("ECS task with a public address and 443 open to the world not exposed")
	}
	for _, x := range xs {
		if !strings.Contains(strings.Join(x.Notes, " "), "route table unknown") {
			t.Errorf("exposure of %v lacks the route-table note: %v", x.ENI, x.Notes)
		}
	}
}
