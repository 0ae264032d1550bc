package check

import (
	"net/netip"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// LambdaInPublicSubnet finds VPC-attached Lambda functions configured with
// public subnets, where their interfaces, which never get a public address,
// cannot use the internet gateway (AWS-SEMANTICS.md §5).
var LambdaInPublicSubnet = &Check{
	Meta: Meta{
		ID:       "lambda-in-public-subnet",
		Title:    "Lambda function is placed in a public subnet",
		Severity: Medium,
		Rationale: "A VPC-attached Lambda function sends through interfaces that never get a public IPv4 " +
			"address, so an internet gateway cannot carry its traffic: in a subnet whose route to the internet " +
			"is the internet gateway, its calls to the internet and to AWS APIs outside the VPC time out. " +
			"Functions need private subnets whose default route goes to a NAT gateway, or VPC endpoints for " +
			"the AWS services they call; a public subnet only puts them beside internet-facing resources.",
		Remediation: "Move the function to private subnets (0.0.0.0/0 to a NAT gateway, or VPC endpoints for " +
			"the services it calls): aws lambda update-function-configuration --function-name FUNCTION " +
			"--vpc-config SubnetIds=PRIVATE_SUBNET_1,PRIVATE_SUBNET_2,SecurityGroupIds=GROUP. A function " +
			"that needs nothing inside the VPC can leave it instead (--vpc-config SubnetIds=[],SecurityGroupIds=[]).",
		References: []string{
			"https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html",
		},
		Needs: []model.Call{model.CallLambdaFunctions, model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if r.Kind != model.KindLambda {
				continue
			}
			public := publicSubnetsOf(p.Region, r.SubnetIDs)
			if len(public) == 0 {
				continue
			}
			key := "lambda-in-public-subnet.some"
			if allDefaultToIGW(public) {
				key = "lambda-in-public-subnet.none-one"
				if len(public) > 1 {
					key = "lambda-in-public-subnet.none-other"
				}
			}
			p.Report([]string{r.ID}, publicRouteEvidence(public), msg(key, r.Label(), subnetsPhrase("public", public)))
		}
	},
}

var ipv4Default = netip.MustParsePrefix("0.0.0.0/0")

// allDefaultToIGW reports whether no subnet of ss has a default IPv4 route
// to anything but an internet gateway: there a function's traffic to the
// internet either goes to the internet gateway, which drops what comes
// from a private address, or nowhere.
func allDefaultToIGW(ss []*model.Subnet) bool {
	for _, s := range ss {
		for _, rt := range s.RouteTable.Routes {
			if rt.Destination == ipv4Default && !rt.Blackhole && rt.TargetKind != model.TargetInternetGateway {
				return false
			}
		}
	}
	return true
}
