package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// RouteBlackhole finds routes in state blackhole: their target (a NAT
// gateway, a peering connection, an instance, an interface, a gateway) was
// deleted, and packets they match are dropped (AWS-SEMANTICS.md §4). One
// finding per route table.
var RouteBlackhole = &Check{
	Meta: Meta{
		ID:       "route-blackhole",
		Title:    "Route table has a blackhole route to a deleted target",
		Severity: Low,
		Rationale: "A blackhole route points at something that no longer exists (a deleted NAT gateway, peering " +
			"connection, instance, interface or gateway), so every packet it matches is dropped without an error. " +
			"Either traffic that should flow is broken, or the route is dead weight that misleads whoever reads the table.",
		Remediation: "Delete the route (aws ec2 delete-route --route-table-id RTB --destination-cidr-block CIDR, or " +
			"--destination-ipv6-cidr-block / --destination-prefix-list-id), or point it at a live target (aws ec2 " +
			"replace-route --route-table-id RTB --destination-cidr-block CIDR --nat-gateway-id NAT).",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html",
			"https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html",
		},
		Needs: []model.Call{model.CallRouteTables},
	},
	Run: func(p *Pass) {
		// Subnets per table, for the message.
		users := map[*model.RouteTable]int{}
		for _, s := range p.Region.Subnets {
			if s.RouteTable != nil {
				users[s.RouteTable]++
			}
		}
		for _, rt := range p.Region.RouteTables {
			var evidence, dests, targets []string
			for i := range rt.Routes {
				r := &rt.Routes[i]
				if !r.Blackhole {
					continue
				}
				evidence = append(evidence, routeString(rt, r))
				dests = append(dests, r.DestinationString()+" -> "+r.TargetID)
				targets = append(targets, r.TargetID)
			}
			if len(evidence) == 0 {
				continue
			}
			var who any = ""
			switch {
			case users[rt] > 0:
				who = msg("route-blackhole.used-by", count(users[rt], "subnet"))
			case rt.Main && p.Region.Coverage.Has(model.CallSubnets):
				who = msg("route-blackhole.main-unused")
			case len(rt.SubnetIDs) == 0 && !rt.Main && len(rt.GatewayIDs) == 0:
				who = msg("route-blackhole.unused")
			}
			key := "route-blackhole.other"
			if len(dests) == 1 {
				key = "route-blackhole.one"
			}
			p.Report(append([]string{rt.ID}, dedupe(targets)...), evidence,
				msg(key, labelTagged(rt.ID, rt.Tags), vpcLabelOf(p.Region, rt.VPCID), count(len(dests), "blackhole-route"), andList(dests), who))
		}
	},
}
