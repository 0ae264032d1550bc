package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// defaultVPC is the region's default VPC vpc-d (172.31.0.0/16, IsDefault)
// with default subnet subnet-d and group sg-d, and the ENI list collected;
// add places resources.
func defaultVPC(add func(*modeltest.Builder)) func() *model.Region {
	return func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-d", "172.31.0.0/16").IsDefault = true
		b.Subnet("subnet-d", "vpc-d", "172.31.0.0/20").MapPublicIPOnLaunch = true
		b.SecurityGroup("sg-d", "vpc-d").Name = "default"
		b.Collected(model.CallNetworkInterfaces)
		add(b)
		return b.Link()
	}
}

// The check's rule: resources or interfaces in the VPC whose IsDefault is
// true.
var defaultVPCInUseCases = []checkCase{
	{"an instance in the default VPC", defaultVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-d", "sg-d") }),
		fires(check.Low, ids("vpc-d", "i-1"), "The default VPC vpc-d holds 1 EC2 instance.").
			withEvidence("vpc-d IsDefault=true", "EC2 instance i-1 in vpc-d")},
	{"resources by kind, and interfaces of no known resource", defaultVPC(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-d", "sg-d")
		b.Instance("i-2", "subnet-d", "sg-d")
		b.DBInstance("db-1", "", ids("subnet-d"), "sg-d")
		b.ENI("eni-x", "subnet-d", "sg-d")
	}), fires(check.Low, ids("vpc-d", "i-1", "i-2", "db-1", "eni-x"), "holds 2 EC2 instances, 1 RDS DB instance, 1 other network interface.")},
	{"without the ENI list, resources still count, and the gap is said", defaultVPC(func(b *modeltest.Builder) {
		b.Lambda("fn", ids("subnet-d"), "sg-d")
		b.NotCollected(model.CallNetworkInterfaces)
	}), fires(check.Low, ids("vpc-d", "fn"), "holds 1 Lambda function.", "ec2-describe-network-interfaces was not collected")},

	{"an empty default VPC is not reported", defaultVPC(func(*modeltest.Builder) {}), none},
	{"a non-default VPC in use", publicVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }), none},

	{"VPCs not collected: skipped", defaultVPC(func(b *modeltest.Builder) {
		b.Instance("i-1", "subnet-d", "sg-d")
		b.NotCollected(model.CallVPCs)
	}), skipped(model.CallVPCs)},
}

func TestDefaultVPCInUse(t *testing.T) {
	runCases(t, check.DefaultVPCInUse, defaultVPCInUseCases)
}
