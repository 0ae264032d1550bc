package check

import "github.com/vpcdoctor/vpcdoctor/internal/model"

// VPCNoS3GatewayEndpoint finds VPCs whose subnets reach the internet through
// a NAT gateway while their route tables have no gateway endpoint for
// Amazon S3 (see reportMissingGatewayEndpoint). A VPC without NAT gateway
// routes is not reported: there is no NAT cost to save.
var VPCNoS3GatewayEndpoint = &Check{
	Meta: Meta{
		ID:       "vpc-no-s3-gateway-endpoint",
		Title:    "Subnets behind a NAT gateway reach Amazon S3 without a gateway endpoint",
		Severity: Low,
		Rationale: "Without a gateway endpoint, S3 requests from private subnets go out through the NAT gateway: every " +
			"gigabyte pays NAT data processing (often the largest line of a NAT bill: backups, logs, container " +
			"images), and the traffic leaves the VPC, so bucket policies cannot require that it came from the VPC " +
			"(aws:SourceVpce). A gateway endpoint for S3 costs nothing.",
		Remediation: "Create a gateway endpoint and associate it with the private route tables (aws ec2 create-vpc-endpoint " +
			"--vpc-id VPC --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.s3 --route-table-ids RTB...; " +
			"for an existing endpoint, aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --add-route-table-ids RTB). " +
			"Its policy can limit which buckets the VPC may reach.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
			"https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables, model.CallVPCEndpoints},
	},
	Run: func(p *Pass) { reportMissingGatewayEndpoint(p, "s3", "Amazon S3") },
}
