package awsapi

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
)

// twoAccounts is an organization of two copies of the example: the
// management account 111122223333 and the member 444455556666.
func twoAccounts(t *testing.T) string {
	t.Helper()
	org := filepath.Join(t.TempDir(), "org")
	for _, id := range []string{"111122223333", "444455556666"} {
		dst := filepath.Join(org, id)
		err := filepath.WalkDir(exampleDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(exampleDir, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			if rel == "README.md" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		id := `{"UserId": "AROAEXAMPLE:vpcdoctor", "Account": "` + id + `", "Arn": "arn:aws:sts::` + id + `:assumed-role/OrganizationAccountAccessRole/vpcdoctor"}`
		if err := os.WriteFile(filepath.Join(dst, "sts-get-caller-identity.json"), []byte(id), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return org
}

// An organization member whose role cannot be assumed is recorded, the
// rest is collected, and the output stays multi-account although only one
// account was reached: the root record names the one that was not (a
// single-account layout would have nowhere to say so).
func TestCollectOrgMemberUnreachable(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: twoAccounts(t), PageSize: 50, Management: "111122223333", Deny: []string{"sts:AssumeRole"}})
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, OrgRole: "OrganizationAccountAccessRole", Endpoint: srv.URL()}}))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if !res.MultiAccount || len(res.Accounts) != 1 || res.Accounts[0].ID != "111122223333" {
		t.Errorf("multi-account %v, accounts %+v", res.MultiAccount, res.Accounts)
	}
	if len(res.Errors) != 1 || res.Errors[0].Account != "444455556666" || res.Errors[0].Call != "sts-assume-role" || res.Errors[0].Code != "AccessDenied" {
		t.Errorf("errors: %+v", res.Errors)
	}
	if _, err := os.Stat(filepath.Join(out.dir, "111122223333", "ap-northeast-1", "ec2-describe-vpcs.json")); err != nil {
		t.Errorf("the reachable account was not collected into its folder: %v", err)
	}
	onlyReadRequests(t, srv)
	var rec record
	readJSON(t, filepath.Join(out.dir, RecordFile), &rec)
	if !slices.Equal(rec.Accounts, []string{"111122223333"}) || len(rec.Errors) != 1 || rec.Errors[0].Account != "444455556666" {
		t.Errorf("root record: %+v", rec)
	}
}

// With --all-regions, an account whose regions cannot be listed (ec2
// DescribeRegions denied there, as an SCP may) is recorded and left out;
// the other accounts are collected. Only when no account is left is it a
// scope error.
func TestCollectAllRegionsDeniedInOneAccount(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: twoAccounts(t), PageSize: 50, Management: "111122223333", Regions: []string{"ap-northeast-1"},
		Deny: []string{"444455556666/us-east-1/ec2:DescribeRegions"}})
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{AllRegions: true, OrgRole: "OrganizationAccountAccessRole", Endpoint: srv.URL()}}))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if len(res.Accounts) != 1 || res.Accounts[0].ID != "111122223333" || !slices.Equal(res.Accounts[0].Regions, []string{"ap-northeast-1"}) {
		t.Errorf("accounts: %+v", res.Accounts)
	}
	if len(res.Errors) != 1 || res.Errors[0].Account != "444455556666" || res.Errors[0].Call != "ec2-describe-regions" || res.Errors[0].Code != "UnauthorizedOperation" {
		t.Errorf("errors: %+v", res.Errors)
	}
	if _, err := os.Stat(filepath.Join(out.dir, "111122223333", "ap-northeast-1", "ec2-describe-vpcs.json")); err != nil {
		t.Errorf("the other account was not collected: %v", err)
	}

	// The member alone: nothing left to collect, a scope error that says
	// what to do.
	_, err = Collect(context.Background(), newDiskOutput(t).options(CollectOptions{Scope: livescope.Scope{AllRegions: true, OrgRole: "OrganizationAccountAccessRole", Accounts: []string{"444455556666"}, Endpoint: srv.URL()}}))
	var scopeErr *ScopeError
	if !errors.As(err, &scopeErr) || !strings.Contains(err.Error(), "ec2-describe-regions") || !strings.Contains(err.Error(), "--region") {
		t.Errorf("member alone: %v", err)
	}
}

// Ctrl-C while the accounts are being found is an interruption (the
// command exits 130), not "no account could be reached" (exit 2, "are you
// logged in?").
func TestCollectInterruptedBeforeAnyAccount(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: exampleDir})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Collect(ctx, newDiskOutput(t).options(CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}}))
	var scopeErr *ScopeError
	if !errors.Is(err, context.Canceled) || errors.As(err, &scopeErr) {
		t.Fatalf("Collect: %v, want context.Canceled", err)
	}
	if res == nil || len(res.Errors) != 0 || len(res.Accounts) != 0 {
		t.Errorf("result: %+v", res)
	}
}
