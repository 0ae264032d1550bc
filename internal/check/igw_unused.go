package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// IGWUnused finds internet gateways that carry no traffic: attached to no
// VPC, or attached to VPCs where no route table routes to them (an
// internet gateway only passes traffic a route sends it, AWS-SEMANTICS.md
// §4). A gateway named by an edge association (ingress routing) counts as
// used. Without route tables only detached gateways are reported.
var IGWUnused = &Check{
	Meta: Meta{
		ID:       "igw-unused",
		Title:    "Internet gateway is not used by any route",
		Severity: Low,
		Rationale: "An internet gateway no route uses does nothing but wait: one route added to any table of its VPC " +
			"(0.0.0.0/0 -> igw) makes that table's subnets public, with no other change needed. A detached " +
			"gateway is clutter that invites being attached to the wrong VPC.",
		Remediation: "If the VPC is meant to be private, detach and delete the gateway (aws ec2 " +
			"detach-internet-gateway --internet-gateway-id IGW --vpc-id VPC, then aws ec2 delete-internet-gateway " +
			"--internet-gateway-id IGW); a detached one needs only the second command.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
		},
		Needs: []model.Call{model.CallInternetGateways},
	},
	Run: func(p *Pass) {
		routesKnown := p.Region.Coverage.Has(model.CallRouteTables)
		used := map[string]bool{}
		for _, rt := range p.Region.RouteTables {
			for _, r := range rt.Routes {
				if r.TargetKind == model.TargetInternetGateway && !r.Blackhole {
					used[r.TargetID] = true
				}
			}
			for _, g := range rt.GatewayIDs {
				used[g] = true
			}
		}
		for _, g := range p.Region.InternetGateways {
			switch {
			case len(g.Attached) == 0:
				p.Report([]string{g.ID}, []string{g.ID + " attachments: none"},
					msg("igw-unused.detached", labelTagged(g.ID, g.Tags)))
			case routesKnown && !used[g.ID]:
				vpcs := append([]string{}, g.Attached...)
				sort.Strings(vpcs)
				labels := make([]string, len(vpcs))
				for i, v := range vpcs {
					labels[i] = vpcLabelOf(p.Region, v)
				}
				p.Report(append([]string{g.ID}, vpcs...), []string{p.say(msg("ev.igw-unrouted", g.ID, andList(vpcs)))},
					msg("igw-unused.unrouted", labelTagged(g.ID, g.Tags), andList(labels)))
			}
		}
	},
}
