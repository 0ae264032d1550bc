package check_test

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// entry is a network ACL entry in case tables: number, "in"/"out",
// "allow"/"deny", protocol, port range, CIDR.
var entry = modeltest.Entry

// finalDenies are AWS's last entries of every ACL, rule 32767 (*) for IPv4
// and IPv6 both ways (AWS-SEMANTICS.md §3).
var finalDenies = []model.NACLEntry{
	entry(32767, "in", "deny", "-1", 0, 0, "0.0.0.0/0"), entry(32767, "in", "deny", "-1", 0, 0, "::/0"),
	entry(32767, "out", "deny", "-1", 0, 0, "0.0.0.0/0"), entry(32767, "out", "deny", "-1", 0, 0, "::/0"),
}

// naclVPC is the fixture of nacl-admin-port-world-open: VPC vpc-1
// (10.0.0.0/16) with subnet-a and subnet-b, both associated with network
// ACL acl-1, which holds entries and the final denies.
func naclVPC(entries ...model.NACLEntry) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
		b.NetworkACL("acl-1", "vpc-1", ids("subnet-a", "subnet-b"), append(entries, finalDenies...)...)
		return b.Link()
	}
}

// natVPC is the fixture of the NAT gateway and gateway endpoint checks:
// VPC vpc-1 ("main", 10.0.0.0/16) with internet gateway igw-1 and
//
//	subnet-pub-a  (…1a)  rtb-pub:    0.0.0.0/0 -> igw-1; NAT gateway nat-a lives here
//	subnet-pub-c  (…1c)  rtb-pub
//	subnet-priv-a (…1a)  rtb-priv-a: 0.0.0.0/0 -> nat-a
//	subnet-priv-c (…1c)  rtb-priv-c: 0.0.0.0/0 -> natForC ("nat-a", or "nat-c",
//	                                 which is then added in subnet-pub-c)
//
// VPC endpoints and managed prefix lists are collected (none yet); add
// adds the rest.
func natVPC(natForC string, add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16").Tags["Name"] = "main"
		b.InternetGateway("igw-1", "vpc-1")
		b.Subnet("subnet-pub-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-pub-c", "vpc-1", "10.0.2.0/24").AZ = region + "c"
		b.Subnet("subnet-priv-a", "vpc-1", "10.0.11.0/24")
		b.Subnet("subnet-priv-c", "vpc-1", "10.0.12.0/24").AZ = region + "c"
		b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub-a", "subnet-pub-c").Route("0.0.0.0/0", "igw-1")
		b.RouteTable("rtb-priv-a", "vpc-1").Associate("subnet-priv-a").Route("0.0.0.0/0", "nat-a")
		b.RouteTable("rtb-priv-c", "vpc-1").Associate("subnet-priv-c").Route("0.0.0.0/0", natForC)
		b.NATGateway("nat-a", "subnet-pub-a", "198.51.100.1")
		if natForC == "nat-c" {
			b.NATGateway("nat-c", "subnet-pub-c", "198.51.100.2")
		}
		b.Collected(model.CallVPCEndpoints, model.CallManagedPrefixLists)
		add(b)
		return b.Link()
	}
}

// peeredVPCs is the fixture of peering-route-too-wide: VPC vpc-1
// (10.0.0.0/16) with route table rtb-1, VPC vpc-2 with peerCIDRs and route
// table rtb-2, and peering connection pcx-1 (requester vpc-1, accepter
// vpc-2). add adds the routes.
func peeredVPCs(peerCIDRs []string, add func(b *modeltest.Builder, rtb1, rtb2 *modeltest.RouteTable)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		if len(peerCIDRs) > 0 {
			b.VPC("vpc-2", peerCIDRs[0])
		}
		rtb1 := b.RouteTable("rtb-1", "vpc-1").Main()
		rtb2 := b.RouteTable("rtb-2", "vpc-2").Main()
		b.PeeringConnection("pcx-1", "vpc-1", ids("10.0.0.0/16"), "vpc-2", peerCIDRs)
		add(b, rtb1, rtb2)
		return b.Link()
	}
}
