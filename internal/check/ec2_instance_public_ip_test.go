package check_test

import (
	"net/netip"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// publicInstance adds instance i-1 in subnet with the public IPv4 address
// ip on its primary interface, and returns it.
func publicInstance(b *modeltest.Builder, subnet, ip string) *model.Resource {
	inst := b.Instance("i-1", subnet, "sg-1")
	modeltest.SetPublicIP(inst.ENIs[0], ip)
	return inst
}

// The check's rule (FSBP EC2.9, extended to IPv6): an EC2 instance that is
// not a bastion with a public IPv4 address or a global IPv6 address on any
// of its interfaces (AWS-SEMANTICS.md §5.1), whether or not anything
// reaches it now; in a public subnet (§4), named with the route that makes
// it public (resource-in-public-subnet leaves such an instance to this
// check). Fixture: subnetRegion.
var ec2InstancePublicIPCases = []checkCase{
	{"auto-assigned public IPv4 on the primary interface", subnetRegion(func(b *modeltest.Builder) { publicInstance(b, "subnet-pub", "198.51.100.9") }),
		fires(check.Medium, ids("i-1"), "EC2 instance i-1 has the public address 198.51.100.9 and sits in public subnet subnet-pub (public-a); nothing tags it as a bastion").
			withEvidence("eni-i-1 public IPv4 198.51.100.9 on 10.0.1.5", "subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"labelled with its Name tag", subnetRegion(func(b *modeltest.Builder) { publicInstance(b, "subnet-pub", "198.51.100.9").Tags["Name"] = "web-1" }),
		fires(check.Medium, ids("i-1"), "EC2 instance i-1 (web-1) has the public address 198.51.100.9")},
	{"a subnet that maps public IPs on launch is named, for the fix", subnetRegion(func(b *modeltest.Builder) {
		b.Region().Subnets[0].MapPublicIPOnLaunch = true // subnet-pub
		publicInstance(b, "subnet-pub", "198.51.100.9")
	}), fires(check.Medium, ids("i-1"), "198.51.100.9").withEvidence("eni-i-1 public IPv4 198.51.100.9 on 10.0.1.5", "subnet-pub MapPublicIpOnLaunch=true", "subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"a public address in a private subnet is still an address (reachability is internet-exposed's); no subnet named", subnetRegion(func(b *modeltest.Builder) { publicInstance(b, "subnet-priv", "198.51.100.9") }),
		fires(check.Medium, ids("i-1"), "EC2 instance i-1 has the public address 198.51.100.9; nothing tags it").withEvidence("eni-i-1 public IPv4 198.51.100.9 on 10.0.3.4")},
	{"an Elastic IP on a second interface the ENI list attaches to it (§1)", subnetRegion(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-pub", "sg-1")
		e := b.ENI("eni-2", "subnet-pub", "sg-1")
		e.InstanceID = "i-1"
		modeltest.SetPublicIP(e, "203.0.113.50")
	}), fires(check.Medium, ids("i-1"), "the public address 203.0.113.50").withEvidence("eni-2 public IPv4 203.0.113.50 on 10.0.1.6", "subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"a global IPv6 address is routable from the internet (§5.1)", subnetRegion(func(b *modeltest.Builder) {
		withIPv6(b.Instance("i-1", "subnet-v6", "sg-1").ENIs[0], "2600:1f18:1::10")
	}), fires(check.Medium, ids("i-1"), "the public address 2600:1f18:1::10").withEvidence("eni-i-1 IPv6 2600:1f18:1::10", "subnet-v6 route ::/0 -> igw-1 in rtb-v6")},
	{"a delegated IPv6 prefix: every address in it is the instance's (§5.1)", subnetRegion(func(b *modeltest.Builder) {
		e := b.Instance("i-1", "subnet-v6", "sg-1").ENIs[0]
		e.Prefixes = append(e.Prefixes, netip.MustParsePrefix("2600:1f18:1:2::/80"))
	}), fires(check.Medium, ids("i-1"), "2600:1f18:1:2::/80").withEvidence("eni-i-1 delegated IPv6 prefix 2600:1f18:1:2::/80", "subnet-v6 route ::/0 -> igw-1 in rtb-v6")},
	{"IPv4 and IPv6 together", subnetRegion(func(b *modeltest.Builder) {
		withIPv6(publicInstance(b, "subnet-pub", "198.51.100.9").ENIs[0], "2600:1f18:1::10")
	}), fires(check.Medium, ids("i-1"), "the public addresses 198.51.100.9, 2600:1f18:1::10")},
	{"a stopped instance keeps its Elastic IP", subnetRegion(func(b *modeltest.Builder) {
		publicInstance(b, "subnet-pub", "203.0.113.50").Instance.State = "stopped"
	}), fires(check.Medium, ids("i-1"), "has the public address 203.0.113.50 (it is stopped)")},
	{"the instance names its public address though its interface was described without it", subnetRegion(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-pub", "sg-1").Instance.PublicIP = "198.51.100.9"
	}), fires(check.Medium, ids("i-1"), "198.51.100.9").withEvidence("i-1 PublicIpAddress 198.51.100.9", "subnet-pub route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"each instance is its own finding", subnetRegion(func(b *modeltest.Builder) {
		publicInstance(b, "subnet-pub", "198.51.100.9")
		modeltest.SetPublicIP(b.Instance("i-2", "subnet-pub2", "sg-1").ENIs[0], "198.51.100.10")
	}), fires(check.Medium, ids("i-1"), "i-1").and(fires(check.Medium, ids("i-2"), "i-2"))},

	{"no public address", subnetRegion(instanceIn("subnet-pub")), none},
	{"a bastion (Name tag) needs its address", subnetRegion(func(b *modeltest.Builder) {
		publicInstance(b, "subnet-pub", "198.51.100.9").Tags["Name"] = "bastion-1a"
	}), none},
	{"a jump host (Role tag) needs its address", subnetRegion(func(b *modeltest.Builder) {
		publicInstance(b, "subnet-pub", "198.51.100.9").Tags["Role"] = "jump"
	}), none},
	{"a unique-local IPv6 address is not routable from the internet", subnetRegion(func(b *modeltest.Builder) {
		withIPv6(b.Instance("i-1", "subnet-v6", "sg-1").ENIs[0], "fd00:1::10")
	}), none},
	{"a NAT gateway's address is not an instance's (the fixture's nat-1 has one)", subnetRegion(func(*modeltest.Builder) {}), none},
	{"instances not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallInstances) }), skipped(model.CallInstances)},
}

func TestEC2InstancePublicIP(t *testing.T) {
	runCases(t, check.EC2InstancePublicIP, ec2InstancePublicIPCases)
}
