package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: as vpc-no-s3-gateway-endpoint, for DynamoDB. Fixture:
// natVPC.
var vpcNoDynamoDBGatewayEndpointCases = []checkCase{
	{"an S3 endpoint only", natVPC("nat-a", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-s3", "vpc-1", s3Service, "rtb-priv-a", "rtb-priv-c")
	}), fires(check.Low, ids("vpc-1", "rtb-priv-a", "rtb-priv-c"),
		"have no gateway endpoint for DynamoDB (com.amazonaws.ap-northeast-1.dynamodb): any DynamoDB traffic from them").
		withEvidence("rtb-priv-a 0.0.0.0/0 -> nat-a; no route to a gateway endpoint for com.amazonaws.ap-northeast-1.dynamodb",
			"rtb-priv-c 0.0.0.0/0 -> nat-a; no route to a gateway endpoint for com.amazonaws.ap-northeast-1.dynamodb")},

	{"a DynamoDB endpoint on both tables", natVPC("nat-a", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-ddb", "vpc-1", "com.amazonaws."+region+".dynamodb", "rtb-priv-a", "rtb-priv-c")
	}), none},
	{"an endpoint of another region's service is not this one", natVPC("nat-a", func(b *modeltest.Builder) {
		b.GatewayEndpoint("vpce-ddb", "vpc-1", "com.amazonaws.us-east-1.dynamodb", "rtb-priv-a", "rtb-priv-c")
	}), fires(check.Low, ids("vpc-1", "rtb-priv-a", "rtb-priv-c"), "DynamoDB")},

	{"VPC endpoints not collected: skipped", natVPC("nat-a", func(b *modeltest.Builder) {
		b.NotCollected(model.CallVPCEndpoints)
	}), skipped(model.CallVPCEndpoints)},
}

func TestVPCNoDynamoDBGatewayEndpoint(t *testing.T) {
	runCases(t, check.VPCNoDynamoDBGatewayEndpoint, vpcNoDynamoDBGatewayEndpointCases)
}
