package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: the inbound entries of an ACL associated with a subnet,
// evaluated first match by rule number (AWS-SEMANTICS.md §3), let every
// internet address reach TCP 22, or TCP or UDP 3389. Fixture: naclVPC.
var naclAdminPortWorldOpenCases = []checkCase{
	{"AWS's default ACL allows all traffic (§3): low, it filters nothing", func() *model.Region {
		r := naclVPC(entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0"), entry(100, "out", "allow", "-1", 0, 0, "0.0.0.0/0"))()
		r.NetworkACLs[0].IsDefault = true
		return r
	}, fires(check.Low, ids("acl-1", "subnet-a", "subnet-b"),
		"The default network ACL acl-1 of VPC vpc-1 lets the whole internet reach SSH (22) and RDP (3389) in its 2 subnets.", "filters nothing").
		withEvidence("acl-1 inbound #100 allow all traffic from 0.0.0.0/0")},
	{"an entry naming tcp/22 opens SSH on purpose: medium",
		naclVPC(entry(100, "in", "allow", "6", 22, 22, "0.0.0.0/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "The network ACL acl-1 of VPC vpc-1 lets the whole internet reach SSH (22) in its 2 subnets.").
			withEvidence("acl-1 inbound #100 allow tcp/22 from 0.0.0.0/0")},
	{"a range holding 22 but not 3389 (CIS: 0-1024 includes 22)",
		naclVPC(entry(100, "in", "allow", "6", 0, 1024, "0.0.0.0/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "reach SSH (22) in").withEvidence("acl-1 inbound #100 allow tcp/0-1024 from 0.0.0.0/0")},
	{"the ephemeral ports for replies (§3) hold 3389: low, saying why", naclVPC(
		entry(100, "in", "allow", "6", 443, 443, "0.0.0.0/0"),
		entry(110, "in", "allow", "6", 1024, 65535, "0.0.0.0/0")),
		fires(check.Low, ids("acl-1", "subnet-a", "subnet-b"), "reach RDP (3389) in", "the usual allowance for replies").
			withEvidence("acl-1 inbound #110 allow tcp/1024-65535 from 0.0.0.0/0")},
	{"every TCP port is no filter either: low",
		naclVPC(entry(100, "in", "allow", "6", 0, 65535, "0.0.0.0/0")),
		fires(check.Low, ids("acl-1", "subnet-a", "subnet-b"), "SSH (22) and RDP (3389)")},
	{"RDP over UDP 3389 counts",
		naclVPC(entry(100, "in", "allow", "17", 3389, 3389, "0.0.0.0/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "reach RDP (3389) in").withEvidence("acl-1 inbound #100 allow udp/3389 from 0.0.0.0/0")},
	{"IPv6: ::/0 is the whole internet too",
		naclVPC(entry(100, "in", "allow", "6", 22, 22, "::/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "SSH (22)").withEvidence("acl-1 inbound #100 allow tcp/22 from ::/0")},
	{"an earlier deny of 22 from everywhere wins (first match, §3); RDP stays open", naclVPC(
		entry(50, "in", "deny", "6", 22, 22, "0.0.0.0/0"),
		entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0")),
		fires(check.Low, ids("acl-1", "subnet-a", "subnet-b"), "reach RDP (3389) in").withEvidence("acl-1 inbound #100 allow all traffic from 0.0.0.0/0")},
	{"an earlier deny of part of the internet leaves it open, and is named", naclVPC(
		entry(90, "in", "deny", "6", 22, 22, "203.0.113.0/24"),
		entry(100, "in", "allow", "6", 22, 22, "0.0.0.0/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "SSH (22)").
			withEvidence("acl-1 inbound #100 allow tcp/22 from 0.0.0.0/0", "acl-1 inbound #90 deny tcp/22 from 203.0.113.0/24 (keeps these addresses out)")},
	{"earlier denies that together cover the internet close it", naclVPC(
		entry(10, "in", "deny", "6", 22, 22, "0.0.0.0/1"),
		entry(20, "in", "deny", "6", 22, 22, "128.0.0.0/1"),
		entry(100, "in", "allow", "6", 22, 22, "0.0.0.0/0")),
		none},
	{"allow entries that together cover the internet open it", naclVPC(
		entry(100, "in", "allow", "6", 22, 22, "0.0.0.0/1"),
		entry(110, "in", "allow", "6", 22, 22, "128.0.0.0/1")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "SSH (22)").
			withEvidence("acl-1 inbound #100 allow tcp/22 from 0.0.0.0/1", "acl-1 inbound #110 allow tcp/22 from 128.0.0.0/1")},
	{"a deny numbered after the allow comes too late (§3)", naclVPC(
		entry(100, "in", "allow", "6", 22, 22, "0.0.0.0/0"),
		entry(200, "in", "deny", "6", 22, 22, "0.0.0.0/0")),
		fires(check.Medium, ids("acl-1", "subnet-a", "subnet-b"), "SSH (22)").withEvidence("acl-1 inbound #100 allow tcp/22 from 0.0.0.0/0")},

	{"SSH from the office only", naclVPC(entry(100, "in", "allow", "6", 22, 22, "203.0.113.0/24")), none},
	{"SSH from private space only", naclVPC(entry(100, "in", "allow", "6", 22, 22, "10.0.0.0/8")), none},
	{"web ports only", naclVPC(entry(100, "in", "allow", "6", 80, 80, "0.0.0.0/0"), entry(110, "in", "allow", "6", 443, 443, "::/0")), none},
	{"an outbound allow is not inbound", naclVPC(entry(100, "out", "allow", "6", 22, 22, "0.0.0.0/0")), none},
	{"only the final deny", naclVPC(), none},
	{"an ACL associated with no subnet is not reported", func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.NetworkACL("acl-1", "vpc-1", nil, append([]model.NACLEntry{entry(100, "in", "allow", "-1", 0, 0, "0.0.0.0/0")}, finalDenies...)...)
		return b.Link()
	}, none},

	{"network ACLs not collected: skipped", func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		return b.Link()
	}, skipped(model.CallNetworkACLs)},
}

func TestNACLAdminPortWorldOpen(t *testing.T) {
	runCases(t, check.NACLAdminPortWorldOpen, naclAdminPortWorldOpenCases)
}
