package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

const s3Service = "com.amazonaws." + region + ".s3"

// The check's rule: subnets whose 0.0.0.0/0 goes to a NAT gateway
// (AWS-SEMANTICS.md §4) and whose route table has no gateway endpoint for
// S3 (listed by the endpoint, or a pl-… route to it). Fixture: natVPC.
var vpcNoS3GatewayEndpointCases = []checkCase{
	{"private subnets behind a NAT gateway, no endpoint", natVPC("nat-a", func(*modeltest.Builder) {}),
		fires(check.Low, ids("vpc-1", "rtb-priv-a", "rtb-priv-c"),
			"In VPC vpc-1 (main), 2 subnets reach the internet through NAT gateway nat-a, and the route tables rtb-priv-a and rtb-priv-c have no gateway endpoint for Amazon S3 (com.amazonaws.ap-northeast-1.s3): any Amazon S3 traffic from them pays NAT gateway data processing and leaves the VPC.").
			withEvidence("rtb-priv-a 0.0.0.0/0 -> nat-a; no route to a gateway endpoint for com.amazonaws.ap-northeast-1.s3",
				"rtb-priv-c 0.0.0.0/0 -> nat-a; no route to a gateway endpoint for com.amazonaws.ap-northeast-1.s3")},
	{"the endpoint is on one of the two tables", natVPC("nat-c", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-s3", "vpc-1", s3Service, "rtb-priv-a")
	}), fires(check.Low, ids("vpc-1", "rtb-priv-c"), "1 subnet reaches the internet through NAT gateway nat-c, and the route table rtb-priv-c has no gateway endpoint")},
	{"a DynamoDB endpoint is not an S3 one", natVPC("nat-a", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-ddb", "vpc-1", "com.amazonaws."+region+".dynamodb", "rtb-priv-a", "rtb-priv-c")
	}), fires(check.Low, ids("vpc-1", "rtb-priv-a", "rtb-priv-c"), "Amazon S3")},

	{"the endpoint lists both tables", natVPC("nat-a", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-s3", "vpc-1", s3Service, "rtb-priv-a", "rtb-priv-c")
	}), none},
	{"the tables route the S3 prefix list to a vpce- the endpoint list lacks", natVPC("nat-a", func(b *modeltest.Builder) {
		b.PrefixListWithoutEntries("pl-61a54008", modeltest.AWSOwner).Name = s3Service
		for _, rt := range b.Region().RouteTables[1:] {
			rt.Routes = append(rt.Routes, model.Route{DestinationPrefixList: "pl-61a54008", TargetKind: model.TargetGatewayEndpoint, TargetID: "vpce-gone", Origin: "CreateRoute"})
		}
	}), none},
	{"an S3 interface endpoint with private DNS keeps S3 off the NAT gateway", natVPC("nat-a", func(b *modeltest.Builder) {
		b.InterfaceEndpoint("vpce-s3i", s3Service, ids("subnet-priv-a", "subnet-priv-c"))
	}), none},
	{"no NAT gateway route: nothing to save", publicVPC(func(b *modeltest.Builder) {
		b.Collected(model.CallVPCEndpoints)
		b.Instance("i-1", "subnet-a", "sg-1")
	}), none},

	{"VPC endpoints not collected: skipped", natVPC("nat-a", func(b *modeltest.Builder) {
		b.NotCollected(model.CallVPCEndpoints)
	}), skipped(model.CallVPCEndpoints)},
}

func TestVPCNoS3GatewayEndpoint(t *testing.T) {
	runCases(t, check.VPCNoS3GatewayEndpoint, vpcNoS3GatewayEndpointCases)
}
