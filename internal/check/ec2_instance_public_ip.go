package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// EC2InstancePublicIP finds EC2 instances with an internet-routable address
// that are not in a public-facing role (AWS-SEMANTICS.md §5.1). Whether the
// address is reachable now is internet-exposed's finding; this one is about
// having the address at all, and, in a public subnet, about being there:
// resource-in-public-subnet leaves such an instance to this check.
var EC2InstancePublicIP = &Check{
	Meta: Meta{
		ID:       "ec2-instance-public-ip",
		Title:    "EC2 instance has a public IP address",
		Severity: Medium,
		Rationale: "A public IPv4 address (auto-assigned or an Elastic IP) or a global IPv6 address makes an " +
			"instance addressable from the whole internet: from then on only its security groups and its " +
			"subnet's network ACL keep the world out, and one loose rule exposes it. Application servers behind " +
			"a load balancer, workers and batch hosts need no inbound path from the internet; they reach out " +
			"through a NAT gateway or VPC endpoints. Only deliberate bastions are spared (by a Name or Role tag " +
			"saying bastion or jump); whether the address is reachable now is reported by internet-exposed. An " +
			"instance with an address in a public subnet is reported here only, not by resource-in-public-subnet: " +
			"both are fixed by the same move.",
		Remediation: "Move the instance to a private subnet whose default route goes to a NAT gateway (an " +
			"instance cannot change subnet: launch a replacement from its AMI or launch template there and register " +
			"it behind the load balancer). An instance that stays where it is needs another way out first (a NAT " +
			"gateway route, or VPC endpoints for the AWS APIs it calls); then remove the address: an auto-assigned " +
			"public IPv4 with aws ec2 " +
			"modify-network-interface-attribute --network-interface-id ENI --no-associate-public-ip-address, " +
			"an Elastic IP with aws ec2 disassociate-address --association-id ASSOCIATION_ID, an IPv6 address " +
			"with aws ec2 unassign-ipv6-addresses --network-interface-id ENI --ipv6-addresses ADDRESS. Stop new " +
			"instances from getting one: aws ec2 modify-subnet-attribute --subnet-id SUBNET " +
			"--no-map-public-ip-on-launch, and AssociatePublicIpAddress=false in launch templates.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.9",
			"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
		},
		Needs: []model.Call{model.CallInstances},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if r.Kind != model.KindInstance || r.BelongsInPublicSubnet() {
				continue
			}
			addrs := publicAddressesOf(r)
			var evidence []string
			for _, a := range addrs {
				evidence = append(evidence, a.text)
			}
			if len(addrs) == 0 && r.Instance != nil && r.Instance.PublicIP != "" {
				// The interfaces were not described with their association,
				// but the instance names its public address.
				addrs = []publicAddress{{addr: r.Instance.PublicIP}}
				evidence = append(evidence, r.ID+" PublicIpAddress "+r.Instance.PublicIP)
			}
			if len(addrs) == 0 {
				continue
			}
			// Say where new addresses come from, for the fix.
			seen := map[string]bool{}
			for _, e := range r.ENIs {
				if s := p.Region.Subnet(e.SubnetID); s != nil && s.MapPublicIPOnLaunch && !seen[s.ID] {
					seen[s.ID] = true
					evidence = append(evidence, s.ID+" MapPublicIpOnLaunch=true")
				}
			}
			var state, where any = "", ""
			if r.Instance != nil && r.Instance.State != "" && r.Instance.State != "running" {
				state = msg("ec2-instance-public-ip.state", r.Instance.State)
			}
			// In a public subnet the address and the placement are one
			// problem, reported here: resource-in-public-subnet leaves it.
			if phrase, routes := publicPlacement(p.Region, r); phrase != nil {
				where = msg("ec2-instance-public-ip.sits", phrase)
				evidence = append(evidence, routes...)
			}
			p.Report([]string{r.ID}, evidence, msg("ec2-instance-public-ip.msg", r.Label(), addressList(addrs), state, where))
		}
	},
}
