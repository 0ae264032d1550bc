package check

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// VPCNoDynamoDBGatewayEndpoint finds VPCs whose subnets reach the internet
// through a NAT gateway while their route tables have no gateway endpoint
// for DynamoDB (see reportMissingGatewayEndpoint).
var VPCNoDynamoDBGatewayEndpoint = &Check{
	Meta: Meta{
		ID:       "vpc-no-dynamodb-gateway-endpoint",
		Title:    "Subnets behind a NAT gateway reach DynamoDB without a gateway endpoint",
		Severity: Low,
		Rationale: "Without a gateway endpoint, DynamoDB requests from private subnets go out through the NAT gateway: " +
			"every gigabyte pays NAT data processing and the traffic leaves the VPC, so table policies cannot " +
			"require that it came from the VPC. A gateway endpoint for DynamoDB costs nothing.",
		Remediation: "Create a gateway endpoint and associate it with the private route tables (aws ec2 create-vpc-endpoint " +
			"--vpc-id VPC --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.dynamodb --route-table-ids " +
			"RTB...; for an existing endpoint, aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --add-route-table-ids RTB).",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html",
			"https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables, model.CallVPCEndpoints},
	},
	Run: func(p *Pass) { reportMissingGatewayEndpoint(p, "dynamodb", "DynamoDB") },
}
