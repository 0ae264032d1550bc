package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// SGWorldOpenPort finds ports opened to the whole internet, except HTTP and
// HTTPS on groups that only internet-facing load balancers carry.
var SGWorldOpenPort = &Check{
	Meta: Meta{
		ID:       "sg-world-open-port",
		Title:    "Security group opens a port to the whole internet",
		Severity: High,
		Rationale: "A port open to 0.0.0.0/0 or ::/0 can be reached by anyone on the internet wherever " +
			"the group sits on something with a public address. Only internet-facing load balancers need " +
			"to accept HTTP and HTTPS from everywhere; the servers behind them should accept traffic from " +
			"the load balancer's security group alone.",
		Remediation: "Restrict the source: reference the security group of the load balancer or the " +
			"service that calls this port (e.g. aws ec2 authorize-security-group-ingress --group-id GROUP " +
			"--ip-permissions IpProtocol=tcp,FromPort=80,ToPort=80,UserIdGroupPairs=[{GroupId=LB_GROUP}]), " +
			"or a known CIDR or prefix list, then revoke the world-open rule.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.18, EC2.19",
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			lbOnly := usageKnown(p.Region) && usedOnlyByInternetFacingLoadBalancers(g)
			var ports []string
			var used []openRule
			for _, o := range worldOpenIngress(p.Region, g) {
				switch {
				case o.Protocol == model.ProtocolAll:
					continue // sg-world-open-all-protocols says it
				case o.Protocol.IsICMP():
					continue // ICMP has no ports; ping and path-MTU messages are commonly allowed
				case lbOnly && o.Protocol == model.ProtocolTCP && (o.Ports == model.Port(80) || o.Ports == model.Port(443)):
					continue
				}
				ports = append(ports, o.portsString())
				used = append(used, o)
			}
			if len(ports) == 0 {
				continue
			}
			reportGroup(p, g, used,
				"%s opens %s to the whole internet; it is %s.", g.Label(), strings.Join(ports, ", "), usedBy(p.Region, g))
		}
	},
}

// usedOnlyByInternetFacingLoadBalancers reports whether g is carried by at
// least one resource and every resource carrying it is an internet-facing
// load balancer.
func usedOnlyByInternetFacingLoadBalancers(g *model.SecurityGroup) bool {
	if len(g.Resources) == 0 {
		return false
	}
	for _, r := range g.Resources {
		if !r.IsInternetFacingLoadBalancer() {
			return false
		}
	}
	for _, e := range g.ENIs {
		if e.Owner.Resource == nil {
			return false
		}
	}
	return true
}
