package snapshot

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// A call `vpcdoctor collect` could not make is reported with the reason it
// recorded; another absent call stays "not collected"; an interrupted
// collection says so for the calls it did not reach.
func TestCollectRecordReasons(t *testing.T) {
	s := newSnap(t)
	s.call(model.CallVPCs, `{"Vpcs": []}`)
	s.call(model.CallLoadBalancersV2, `{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1", "Type": "application", "VpcId": "vpc-1"}]}`)
	s.write(collectRecordFile, `{"version": 1, "complete": true, "errors": [
		{"region": "us-east-1", "call": "ec2-describe-flow-logs", "code": "UnauthorizedOperation", "message": "You are not authorized\nto perform this operation."},
		{"region": "us-east-1", "call": "elbv2-describe-listeners", "resource": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1", "code": "AccessDenied", "message": ""},
		{"region": "eu-west-1", "call": "ec2-describe-subnets", "code": "AccessDenied", "message": "other region"}
	]}`)
	r := s.region()
	if got := missing(r, model.CallFlowLogs); len(got) != 1 || got[0].Reason != "not collected: UnauthorizedOperation (You are not authorized to perform this operation.)" {
		t.Errorf("flow logs: %+v", got)
	}
	if got := missing(r, model.CallListeners); len(got) != 1 || got[0].Reason != "not collected: AccessDenied" || !strings.HasSuffix(got[0].Resource, "app/web/1") {
		t.Errorf("listeners: %+v", got)
	}
	if got := missing(r, model.CallSubnets); len(got) != 1 || got[0].Reason != "not collected" {
		t.Errorf("subnets (an error recorded for another region only): %+v", got)
	}

	s.write(collectRecordFile, `{"version": 1, "complete": false, "errors": []}`)
	if got := missing(s.region(), model.CallSubnets); len(got) != 1 || got[0].Reason != "not collected: the collection was interrupted" {
		t.Errorf("interrupted: %+v", got)
	}

	s.write(collectRecordFile, `{"version": 1, "errors": [}`)
	fe := loadFileError(t, s.root)
	if !strings.HasSuffix(fe.Path, collectRecordFile) || fe.Line != 1 {
		t.Errorf("a broken record: %+v", fe)
	}
}

// The record at the root of a multi-account folder names the accounts the
// collection could not reach; they come back as Inventory.Unreached (the
// reachable ones load as usual), and a broken root record is an error with
// its position.
func TestCollectRootRecordUnreached(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "111122223333", "us-east-1", string(model.CallVPCs)+".json"), []byte(`{"Vpcs": []}`))
	writeFile(t, filepath.Join(root, "111122223333", string(model.CallCallerIdentity)+".json"), []byte(`{"Account": "111122223333"}`))
	writeFile(t, filepath.Join(root, collectRecordFile), []byte(`{"version": 1, "complete": true, "accounts": ["111122223333"], "errors": [
		{"account": "444455556666", "call": "sts-assume-role", "code": "AccessDenied", "message": "not authorized to perform: sts:AssumeRole"},
		{"account": "", "call": "organizations-list-accounts", "code": "AWSOrganizationsNotInUseException", "message": ""}
	]}`))
	inv, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Accounts) != 1 || inv.Accounts[0].ID != "111122223333" {
		t.Fatalf("accounts: %+v", inv.Accounts)
	}
	want := []model.UnreachedAccount{
		{Account: "(unknown account)", Call: "organizations-list-accounts", Reason: "not collected: AWSOrganizationsNotInUseException"},
		{Account: "444455556666", Call: "sts-assume-role", Reason: "not collected: AccessDenied (not authorized to perform: sts:AssumeRole)"},
	}
	if !slices.Equal(inv.Unreached, want) {
		t.Errorf("unreached: %+v, want %+v", inv.Unreached, want)
	}

	writeFile(t, filepath.Join(root, collectRecordFile), []byte(`{"errors": [`))
	fe := loadFileError(t, root)
	if !strings.HasSuffix(fe.Path, collectRecordFile) {
		t.Errorf("a broken root record: %+v", fe)
	}
}
