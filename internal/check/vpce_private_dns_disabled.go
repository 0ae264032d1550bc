package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// VPCEPrivateDNSDisabled finds interface endpoints for AWS services with
// private DNS turned off. Endpoints for other endpoint services (names
// "com.amazonaws.vpce.…", partners' and your own PrivateLink services) are
// left out: most have no private DNS name to turn on, and clients use the
// endpoint's own DNS names.
var VPCEPrivateDNSDisabled = &Check{
	Meta: Meta{
		ID:       "vpce-private-dns-disabled",
		Title:    "Interface endpoint for an AWS service has private DNS disabled",
		Severity: Low,
		Rationale: "With private DNS off, the service's usual name (ssm.REGION.amazonaws.com, say) still resolves to its " +
			"public addresses inside the VPC, so SDKs and agents send their traffic through the NAT gateway or " +
			"internet gateway (or fail without one) instead of the endpoint you pay for, and endpoint policies and " +
			"security groups do not apply to it.",
		Remediation: "Turn private DNS on (aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --private-dns-enabled; the " +
			"VPC needs enableDnsSupport and enableDnsHostnames). If the endpoint is shared with other VPCs through " +
			"a Route 53 private hosted zone for the service's name, it is deliberate: keep the zone associated with " +
			"every VPC that should use it.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns",
		},
		Needs: []model.Call{model.CallVPCEndpoints},
	},
	Run: func(p *Pass) {
		for _, ep := range p.Region.VPCEndpoints {
			if !strings.EqualFold(ep.Type, "Interface") || ep.PrivateDNSEnabled || !awsServiceEndpoint(ep.ServiceName) {
				continue
			}
			p.Report([]string{ep.ID, ep.VPCID}, []string{ep.ID + " " + ep.ServiceName + " PrivateDnsEnabled=false"},
				msg("vpce-private-dns-disabled.msg", labelTagged(ep.ID, ep.Tags), ep.ServiceName, vpcLabelOf(p.Region, ep.VPCID)))
		}
	},
}

// awsServiceEndpoint reports whether an endpoint service name is one of
// AWS's own services ("com.amazonaws.REGION.SERVICE"), not a PrivateLink
// endpoint service ("com.amazonaws.vpce.REGION.vpce-svc-…") or a partner's.
func awsServiceEndpoint(name string) bool {
	name = strings.TrimPrefix(name, "cn.")
	return strings.HasPrefix(name, "com.amazonaws.") && !strings.HasPrefix(name, "com.amazonaws.vpce.")
}
