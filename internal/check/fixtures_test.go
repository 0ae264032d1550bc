package check_test

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// Short names for rules in case tables.
var (
	ingress  = modeltest.Ingress
	fromSG   = modeltest.IngressFromGroup
	fromList = modeltest.IngressFromPrefixList
)

// groupRegion is the fixture of the security-group checks: VPC vpc-1
// (10.0.0.0/16) with subnet-a, group sg-1 ("app") holding rules, an empty
// group sg-2, and four prefix lists:
//
//   - pl-world, customer-managed, entries 0.0.0.0/0;
//   - pl-office, customer-managed, entries 203.0.113.0/24;
//   - pl-cust, customer-managed, entries not collected;
//   - pl-s3, AWS-managed, entries not collected.
//
// users adds what carries sg-1.
func groupRegion(users func(*modeltest.Builder), rules ...model.Rule) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.SecurityGroup("sg-1", "vpc-1", rules...).Name = "app"
		b.SecurityGroup("sg-2", "vpc-1").Name = "other"
		b.PrefixList("pl-world", account, "0.0.0.0/0")
		b.PrefixList("pl-office", account, "203.0.113.0/24")
		b.PrefixListWithoutEntries("pl-cust", account)
		b.PrefixListWithoutEntries("pl-s3", modeltest.AWSOwner)
		// The ENI list is collected (perhaps empty): what carries each
		// group is known.
		b.Collected(model.CallNetworkInterfaces)
		users(b)
		return b.Link()
	}
}

// Who carries sg-1 in groupRegion.

func onNothing(*modeltest.Builder) {}

// withoutENIList: the ENI list was not collected, so what carries sg-1
// beyond the resources that name it is unknown.
func withoutENIList(users func(*modeltest.Builder)) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		users(b)
		b.NotCollected(model.CallNetworkInterfaces)
	}
}

func onInstance(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }

func onPublicLB(b *modeltest.Builder) {
	b.LoadBalancer("web", modeltest.InternetFacing, ids("subnet-a"), "sg-1")
}

// onPublicLBWithENI adds the load balancer's node interface as
// describe-network-interfaces shows it ("ELB app/NAME/ID", §1).
func onPublicLBWithENI(b *modeltest.Builder) {
	onPublicLB(b)
	b.ENI("eni-lb", "subnet-a", "sg-1").Description = "ELB app/web/0123456789abcdef"
}

func onInternalLB(b *modeltest.Builder) {
	b.LoadBalancer("api", modeltest.Internal, ids("subnet-a"), "sg-1")
}

func onPublicLBAndInstance(b *modeltest.Builder) { onPublicLB(b); onInstance(b) }

// onUnknownENI adds an interface with no owner marker (§1): its owner is
// unknown.
func onUnknownENI(b *modeltest.Builder) { b.ENI("eni-x", "subnet-a", "sg-1") }

func onPublicLBAndUnknownENI(b *modeltest.Builder) { onPublicLB(b); onUnknownENI(b) }

// subnetRegion is the fixture of resource-in-public-subnet. VPC vpc-1
// (10.0.0.0/16) has internet gateway igw-1 attached, NAT gateway nat-1 in
// subnet-pub, group sg-1, and one subnet per kind of route table
// (AWS-SEMANTICS.md §4):
//
//	subnet-pub (public-a), subnet-pub2   rtb-pub:      0.0.0.0/0 -> igw-1
//	subnet-priv (main table)             rtb-main:     0.0.0.0/0 -> nat-1
//	subnet-other                         rtb-other:    0.0.0.0/0 -> igw-2, attached to vpc-2 only
//	subnet-detached                      rtb-detached: 0.0.0.0/0 -> igw-3, attached to nothing
//	subnet-bh                            rtb-bh:       0.0.0.0/0 -> igw-1 blackhole
//	subnet-part                          rtb-part:     203.0.113.0/24 -> igw-1, 0.0.0.0/0 -> nat-1
//	subnet-v6                            rtb-v6:       ::/0 -> igw-1, 0.0.0.0/0 -> nat-1
//	subnet-eigw                          rtb-eigw:     ::/0 -> eigw-1, 0.0.0.0/0 -> nat-1
//	subnet-pl                            rtb-pl:       pl-office -> igw-1, 0.0.0.0/0 -> nat-1
//
// VPC vpc-2 (10.1.0.0/16) has igw-2 and subnet-main2, public through its
// main table rtb-main2 (0.0.0.0/0 -> igw-2). add places the resources under
// test.
func subnetRegion(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.VPC("vpc-2", "10.1.0.0/16")
		b.InternetGateway("igw-1", "vpc-1")
		b.InternetGateway("igw-2", "vpc-2")
		b.InternetGateway("igw-3")
		b.PrefixList("pl-office", account, "203.0.113.0/24")
		for _, s := range []struct{ id, cidr string }{
			{"subnet-pub", "10.0.1.0/24"}, {"subnet-pub2", "10.0.2.0/24"}, {"subnet-priv", "10.0.3.0/24"},
			{"subnet-other", "10.0.4.0/24"}, {"subnet-detached", "10.0.5.0/24"}, {"subnet-bh", "10.0.6.0/24"},
			{"subnet-part", "10.0.7.0/24"}, {"subnet-v6", "10.0.8.0/24"}, {"subnet-eigw", "10.0.9.0/24"},
			{"subnet-pl", "10.0.10.0/24"},
		} {
			b.Subnet(s.id, "vpc-1", s.cidr)
		}
		b.Region().Subnets[0].Tags["Name"] = "public-a" // subnet-pub
		b.Subnet("subnet-main2", "vpc-2", "10.1.1.0/24")
		b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-pub", "subnet-pub2").Route("0.0.0.0/0", "igw-1")
		b.RouteTable("rtb-main", "vpc-1").Main().Route("0.0.0.0/0", "nat-1")
		b.RouteTable("rtb-other", "vpc-1").Associate("subnet-other").Route("0.0.0.0/0", "igw-2")
		b.RouteTable("rtb-detached", "vpc-1").Associate("subnet-detached").Route("0.0.0.0/0", "igw-3")
		b.RouteTable("rtb-bh", "vpc-1").Associate("subnet-bh").Blackhole("0.0.0.0/0", "igw-1")
		b.RouteTable("rtb-part", "vpc-1").Associate("subnet-part").Route("203.0.113.0/24", "igw-1").Route("0.0.0.0/0", "nat-1")
		b.RouteTable("rtb-v6", "vpc-1").Associate("subnet-v6").Route("::/0", "igw-1").Route("0.0.0.0/0", "nat-1")
		b.RouteTable("rtb-eigw", "vpc-1").Associate("subnet-eigw").Route("::/0", "eigw-1").Route("0.0.0.0/0", "nat-1")
		b.RouteTable("rtb-pl", "vpc-1").Associate("subnet-pl").Route("pl-office", "igw-1").Route("0.0.0.0/0", "nat-1")
		b.RouteTable("rtb-main2", "vpc-2").Main().Route("0.0.0.0/0", "igw-2")
		b.NATGateway("nat-1", "subnet-pub", "198.51.100.1")
		b.SecurityGroup("sg-1", "vpc-1")
		b.Collected(model.CallInstances, model.CallDBInstances, model.CallLambdaFunctions)
		add(b)
		return b.Link()
	}
}

// publicVPC is the fixture of vpc-public-subnets-only: VPC vpc-1 ("main")
// with igw-1 attached, subnet-a and subnet-b explicitly on rtb-pub
// (0.0.0.0/0 -> igw-1), NAT gateway nat-1 in subnet-a and group sg-1. add
// adds the rest.
func publicVPC(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16").Tags["Name"] = "main"
		b.InternetGateway("igw-1", "vpc-1")
		b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
		b.Subnet("subnet-b", "vpc-1", "10.0.2.0/24")
		b.RouteTable("rtb-pub", "vpc-1").Associate("subnet-a", "subnet-b").Route("0.0.0.0/0", "igw-1")
		b.NATGateway("nat-1", "subnet-a", "198.51.100.1")
		b.SecurityGroup("sg-1", "vpc-1")
		add(b)
		return b.Link()
	}
}
