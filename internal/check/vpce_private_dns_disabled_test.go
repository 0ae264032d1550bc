package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// withEndpoint adds an interface endpoint vpce-1 for service in subnet-a
// with private DNS set to privateDNS.
func withEndpoint(service string, privateDNS bool) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-1", service, ids("subnet-a"), "sg-1")
		b.VPCEndpoint("vpce-1").PrivateDNSEnabled = privateDNS
	}
}

// The check's rule: an interface endpoint for one of AWS's own services
// (com.amazonaws.REGION.SERVICE) with PrivateDnsEnabled false. Fixture:
// publicVPC.
var vpcePrivateDNSDisabledCases = []checkCase{
	{"an SSM endpoint without private DNS", publicVPC(withEndpoint("com.amazonaws."+region+".ssm", false)),
		fires(check.Low, ids("vpce-1", "vpc-1"),
			"Interface endpoint vpce-1 for com.amazonaws.ap-northeast-1.ssm in VPC vpc-1 (main) has private DNS disabled", "Route 53 private hosted zone").
			withEvidence("vpce-1 com.amazonaws.ap-northeast-1.ssm PrivateDnsEnabled=false")},
	{"a service name with a dot (ecr.dkr)", publicVPC(withEndpoint("com.amazonaws."+region+".ecr.dkr", false)),
		fires(check.Low, ids("vpce-1", "vpc-1"), "for com.amazonaws.ap-northeast-1.ecr.dkr")},

	{"private DNS on", publicVPC(withEndpoint("com.amazonaws."+region+".ssm", true)), none},
	{"a PrivateLink endpoint service has no private DNS name to turn on", publicVPC(withEndpoint("com.amazonaws.vpce."+region+".vpce-svc-0123456789abcdef0", false)), none},
	{"a partner's service", publicVPC(withEndpoint("aws.sagemaker."+region+".notebook", false)), none},
	{"a gateway endpoint has no DNS", publicVPC(func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-s3", "vpc-1", s3Service, "rtb-pub")
	}), none},

	{"VPC endpoints not collected: skipped", publicVPC(func(b *modeltest.Builder) {
		withEndpoint("com.amazonaws."+region+".ssm", false)(b)
		b.NotCollected(model.CallVPCEndpoints)
	}), skipped(model.CallVPCEndpoints)},
}

func TestVPCEPrivateDNSDisabled(t *testing.T) {
	runCases(t, check.VPCEPrivateDNSDisabled, vpcePrivateDNSDisabledCases)
}
