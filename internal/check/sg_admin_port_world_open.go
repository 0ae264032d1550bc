package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// adminPorts are remote-administration ports that must never face the
// internet.
// RDP also runs over UDP 3389; SSH is TCP only.
var adminPorts = []struct {
	name   string
	protos []model.Protocol
	port   uint16
}{
	{"SSH (22)", []model.Protocol{model.ProtocolTCP}, 22},
	{"RDP (3389)", []model.Protocol{model.ProtocolTCP, model.ProtocolUDP}, 3389},
}

// SGAdminPortWorldOpen finds SSH or RDP reachable from the whole internet
// through TCP or UDP rules of a group (alone, or together with all-protocol
// rules that do not open the port to the whole internet by themselves). An
// all-protocol rule open to the whole internet is one problem, which
// sg-world-open-all-protocols reports, naming SSH and RDP.
var SGAdminPortWorldOpen = &Check{
	Meta: Meta{
		ID:       "sg-admin-port-world-open",
		Title:    "SSH or RDP open to the whole internet",
		Severity: Critical,
		Rationale: "SSH and RDP open to 0.0.0.0/0 are scanned and brute-forced within minutes of an " +
			"address going public. A stolen or weak key is then a shell inside the VPC. A rule for all " +
			"protocols open to the whole internet opens them too; sg-world-open-all-protocols reports that rule, " +
			"naming SSH and RDP.",
		Remediation: "Remove the rule (aws ec2 revoke-security-group-ingress --group-id GROUP --ip-permissions " +
			"IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}], with the port, protocol and " +
			"source the evidence shows) and reach instances with AWS Systems Manager Session Manager " +
			"(aws ssm start-session --target INSTANCE_ID): no inbound port, access through IAM, every " +
			"session logged. It needs the SSM agent, an instance profile with AmazonSSMManagedInstanceCore, " +
			"and a route to Systems Manager (a NAT gateway, or the ssm, ssmmessages and ec2messages " +
			"interface endpoints). For RDP use Fleet Manager or Session Manager port forwarding.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.19",
			"AWS Security Hub controls EC2.13, EC2.14, EC2.53, EC2.54 (CIS and PCI DSS standards)",
			"CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3",
			"https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
		},
		Needs: []model.Call{model.CallSecurityGroups},
	},
	Run: func(p *Pass) {
		for _, g := range p.Region.SecurityGroups {
			var names []string
			var used []openRule
			open := worldOpenIngress(p.Region, g)
			for _, ap := range adminPorts {
				found := false
				for _, o := range open {
					if o.Protocol == model.ProtocolAll {
						continue // sg-world-open-all-protocols reports the rule
					}
					for _, proto := range ap.protos {
						if !found && o.covers(proto, ap.port) {
							names = append(names, ap.name)
							used = append(used, o)
							found = true
						}
					}
				}
			}
			if len(names) == 0 {
				continue
			}
			reportGroup(p, g, used, msg("world-reach", g.Label(), andList(names), worldUsedBy(p.Region, g)))
		}
	},
}
