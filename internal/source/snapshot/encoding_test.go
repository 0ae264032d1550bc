package snapshot

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

func TestUTF8Text(t *testing.T) {
	const doc = `{"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "本番"}]}]}`
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(doc)) {
		le = append(le, byte(u), byte(u>>8))
		be = append(be, byte(u>>8), byte(u))
	}
	for name, in := range map[string][]byte{
		"plain":                       []byte(doc),
		"UTF-8 with BOM":              append([]byte{0xEF, 0xBB, 0xBF}, doc...),
		"UTF-16LE (PowerShell 5.1 >)": le,
		"UTF-16BE":                    be,
	} {
		got := utf8Text(in)
		if string(got) != doc {
			t.Errorf("%s: got %q", name, got)
		}
		var v describeVpcs
		if err := json.Unmarshal(got, &v); err != nil || (*v.Vpcs)[0].Tags[0].Value != "本番" {
			t.Errorf("%s: does not decode: %v", name, err)
		}
	}
}

// TestWindowsEncodedSnapshotLoads: a snapshot saved by PowerShell loads.
func TestWindowsEncodedSnapshotLoads(t *testing.T) {
	dir := t.TempDir()
	doc := `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`
	le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(doc)) {
		le = append(le, byte(u), byte(u>>8))
	}
	writeFile(t, filepath.Join(dir, "acct/us-east-1/ec2-describe-vpcs.json"), le)
	writeFile(t, filepath.Join(dir, "acct/sts-get-caller-identity.json"), []byte("\ufeff"+`{"Account": "123456789012"}`))
	inv, err := Load(filepath.Join(dir, "acct"))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Accounts[0].ID != "123456789012" || inv.Accounts[0].Regions[0].VPC("vpc-1") == nil {
		t.Fatalf("UTF-16 and BOM files not read: %+v", inv.Accounts[0])
	}
}

// TestQueryOutputHint: a file saved with --query is not the call's output;
// the error says so.
func TestQueryOutputHint(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "acct/us-east-1/ec2-describe-vpcs.json"), []byte(`["vpc-1", "vpc-2"]`))
	_, err := Load(filepath.Join(dir, "acct"))
	if err == nil || !strings.Contains(err.Error(), "ec2-describe-vpcs.json:1:1: got JSON array, want object (saved with --query") {
		t.Fatalf("error = %v", err)
	}
}

// TestTwoEncodingsOfOneResource: the same listener file under two
// URL-encodings is read once, with a note.
func TestTwoEncodingsOfOneResource(t *testing.T) {
	dir := t.TempDir()
	arn := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
	writeFile(t, filepath.Join(dir, "acct/us-east-1/elbv2-describe-load-balancers.json"), []byte(`{"LoadBalancers": [{"LoadBalancerArn": "`+arn+`", "LoadBalancerName": "web", "Type": "application", "Scheme": "internet-facing"}]}`))
	listeners := `{"Listeners": [{"ListenerArn": "l-1", "Port": 443, "Protocol": "HTTPS"}]}`
	writeFile(t, filepath.Join(dir, "acct/us-east-1/elbv2-describe-listeners", quote(arn)), []byte(listeners))
	writeFile(t, filepath.Join(dir, "acct/us-east-1/elbv2-describe-listeners", strings.ReplaceAll(quote(arn), "%3A", ":")), []byte(listeners))
	inv, err := Load(filepath.Join(dir, "acct"))
	if err != nil {
		t.Fatal(err)
	}
	reg := inv.Regions()[0]
	lb := reg.Resource(model.KindLoadBalancer, "web")
	if len(lb.LoadBalancer.Listeners) != 1 {
		t.Errorf("listeners read %d times, want once", len(lb.LoadBalancer.Listeners))
	}
	if len(reg.Notes) != 1 || !strings.Contains(reg.Notes[0].Text, "for the same resource; only the first is read") {
		t.Errorf("notes = %v", reg.Notes)
	}
}

func TestTaskFamily(t *testing.T) {
	for _, tc := range []struct{ group, def, want string }{
		{"family:nightly", "", "nightly"},
		{"service:api", "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/api:42", "api"},
		{"", "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/batch-job:3", "batch-job"},
		{"", "", ""},
	} {
		if got := taskFamily(tc.group, tc.def); got != tc.want {
			t.Errorf("taskFamily(%q, %q) = %q, want %q", tc.group, tc.def, got, tc.want)
		}
	}
}

// TestDelegatedPrefixes: prefixes delegated to an interface are its
// addresses too.
func TestDelegatedPrefixes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "acct/us-east-1/ec2-describe-network-interfaces.json"), []byte(`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1",
		"Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.16/28"}], "Ipv6Prefixes": [{"Ipv6Prefix": "2406:da14:1:2:a::/80"}]}]}`))
	inv, err := Load(filepath.Join(dir, "acct"))
	if err != nil {
		t.Fatal(err)
	}
	e := inv.Regions()[0].ENI("eni-1")
	if len(e.Prefixes) != 2 || e.Prefixes[0].String() != "10.0.1.16/28" || e.Prefixes[1].String() != "2406:da14:1:2:a::/80" {
		t.Errorf("prefixes = %v", e.Prefixes)
	}
}
