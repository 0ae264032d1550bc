package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// VPCPublicSubnetsOnly finds VPCs whose every subnet is public while they
// host resources that need no inbound internet traffic.
var VPCPublicSubnetsOnly = &Check{
	Meta: Meta{
		ID:       "vpc-public-subnets-only",
		Title:    "VPC has only public subnets",
		Severity: Medium,
		Rationale: "When every subnet routes to the internet gateway, servers, databases and functions have " +
			"nowhere private to live: each is one public address and one loose security-group rule away " +
			"from the internet, and nothing in the network itself separates the tiers.",
		Remediation: "Add a private subnet per availability zone in use (aws ec2 create-subnet --vpc-id VPC " +
			"--cidr-block CIDR --availability-zone AZ), with a route table that sends 0.0.0.0/0 to a NAT gateway " +
			"(aws ec2 create-route --route-table-id RTB --destination-cidr-block 0.0.0.0/0 --nat-gateway-id NAT, " +
			"then aws ec2 associate-route-table --route-table-id RTB --subnet-id SUBNET; one NAT gateway per AZ, " +
			"or one to save cost), gateway endpoints for S3 and " +
			"DynamoDB and interface endpoints for the AWS APIs the workloads call; then move everything but " +
			"internet-facing load balancers and NAT gateways into them.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-example-private-subnets-nat.html",
		},
		Needs: []model.Call{model.CallSubnets, model.CallRouteTables},
	},
	Run: func(p *Pass) {
		// VPCs are taken from the subnets, so that the check concludes even
		// when ec2-describe-vpcs was not collected.
		subnetsOf := map[string][]*model.Subnet{}
		var vpcIDs []string
		for _, s := range p.Region.Subnets {
			if subnetsOf[s.VPCID] == nil {
				vpcIDs = append(vpcIDs, s.VPCID)
			}
			subnetsOf[s.VPCID] = append(subnetsOf[s.VPCID], s)
		}
		sort.Strings(vpcIDs)
		for _, vpcID := range vpcIDs {
			subnets := subnetsOf[vpcID]
			if len(subnets) == 0 {
				continue
			}
			allPublic := true
			gateways := map[string]bool{}
			for _, s := range subnets {
				if s.Public != model.Yes {
					allPublic = false
					break
				}
				gateways[s.PublicRoute.TargetID] = true
			}
			if !allPublic {
				continue
			}
			var private []*model.Resource
			for _, r := range p.Region.Resources {
				if r.VPCID == vpcID && !r.BelongsInPublicSubnet() {
					private = append(private, r)
				}
			}
			if len(private) == 0 {
				continue
			}
			parts := countByKind(private)
			gw := make([]string, 0, len(gateways))
			for id := range gateways {
				gw = append(gw, id)
			}
			sort.Strings(gw)
			name := vpcID
			if vpc := p.Region.VPC(vpcID); vpc != nil && vpc.Tags.Name() != "" {
				name += " (" + vpc.Tags.Name() + ")"
			}
			evidence := make([]string, 0, len(subnets))
			for _, s := range subnets {
				evidence = append(evidence, s.ID+" route "+s.PublicRoute.DestinationString()+" -> "+s.PublicRoute.TargetID)
			}
			p.Report([]string{vpcID}, evidence,
				msg("vpc-public-subnets-only.msg."+map[bool]string{true: "one", false: "other"}[len(private) == 1],
					name, count(len(subnets), "subnet"), commaList(strs(gw)), count(len(private), "resource"), commaList(parts)))
		}
	},
}
