package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// baseWithACL copies examples/startup-rebuilt into a temporary folder and
// gives its public subnets 011 and 012 a network ACL of their own that
// denies SSH (rule 50) and HTTP (rule 40) before allowing everything.
func baseWithACL(t *testing.T) string {
	t.Helper()
	const src = "../../../examples/startup-rebuilt"
	dst := filepath.Join(t.TempDir(), "startup-rebuilt")
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	regions, _ := filepath.Glob(filepath.Join(dst, "*", "ec2-describe-network-acls.json"))
	if len(regions) != 1 {
		t.Fatalf("want one region in %s, got %v", src, regions)
	}
	raw, err := os.ReadFile(regions[0])
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	acls := doc["NetworkAcls"].([]any)
	def := acls[0].(map[string]any)
	def["Associations"] = dropAssoc(dropAssoc(anyList(def["Associations"]), "SubnetId", "subnet-0a1b2c3d4e5f60011"), "SubnetId", "subnet-0a1b2c3d4e5f60012")
	entry := func(n int, egress bool, action string, port int) map[string]any {
		e := map[string]any{"RuleNumber": n, "Egress": egress, "RuleAction": action, "Protocol": "-1", "CidrBlock": "0.0.0.0/0"}
		if port != 0 {
			e["Protocol"], e["PortRange"] = "6", map[string]any{"From": port, "To": port}
		}
		return e
	}
	doc["NetworkAcls"] = append(acls, map[string]any{
		"NetworkAclId": "acl-0a1b2c3d4e5f600aa", "VpcId": def["VpcId"], "IsDefault": false, "Tags": []any{},
		"Associations": []any{map[string]any{"SubnetId": "subnet-0a1b2c3d4e5f60011"}, map[string]any{"SubnetId": "subnet-0a1b2c3d4e5f60012"}},
		"Entries": []any{entry(40, false, "deny", 80), entry(50, false, "deny", 22), entry(100, false, "allow", 0), entry(32767, false, "deny", 0),
			entry(100, true, "allow", 0), entry(32767, true, "deny", 0)},
	})
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(regions[0], out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// testdata/base-deletes.json (by hand, format 1.2) deletes the SSH deny of
// that ACL, turns its HTTP deny into an allow in place, deletes the
// association of private subnet 014 with its route table and that of
// public subnet 012 with the ACL. Left in, the deleted deny and the old
// deny hide what the plan opens.
func TestOnBaseDeletesRulesAndAssociations(t *testing.T) {
	base := baseWithACL(t)
	before := loadOne(t, filepath.Join("testdata", "rebuilt-open-db.json"), base) // only adds a group rule
	if got := aclIngress(before, "acl-0a1b2c3d4e5f600aa"); !slices.Equal(got, []string{"40 deny tcp 80 0.0.0.0/0", "50 deny tcp 22 0.0.0.0/0", "100 allow all all 0.0.0.0/0", "32767 deny all all 0.0.0.0/0"}) {
		t.Fatalf("the base's ACL reads %v", got)
	}
	r := loadOne(t, filepath.Join("testdata", "base-deletes.json"), base)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"the deleted deny is gone and the updated entry replaces what it was",
			aclIngress(r, "acl-0a1b2c3d4e5f600aa"), []string{"40 allow tcp 80 0.0.0.0/0", "100 allow all all 0.0.0.0/0", "32767 deny all all 0.0.0.0/0"}},
		{"a subnet whose route table association is deleted is back on the main table",
			r.Subnet("subnet-0a1b2c3d4e5f60014").RouteTable.ID, "rtb-0a1b2c3d4e5f60030"},
		{"a subnet whose ACL association is deleted is back on the default ACL",
			r.Subnet("subnet-0a1b2c3d4e5f60012").NetworkACL.ID, "acl-0a1b2c3d4e5f60041"},
		{"the other subnet keeps its ACL", r.Subnet("subnet-0a1b2c3d4e5f60011").NetworkACL.ID, "acl-0a1b2c3d4e5f600aa"},
		{"an untouched subnet keeps its route table", r.Subnet("subnet-0a1b2c3d4e5f60015").RouteTable.ID, "rtb-0a1b2c3d4e5f60033"},
	} {
		if fmtAny(c.got) != fmtAny(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func fmtAny(v any) string { b, _ := json.Marshal(v); return string(b) }
