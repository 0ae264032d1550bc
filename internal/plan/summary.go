package plan

import (
	"fmt"
	"io"
	"strings"
)

// WriteSummary writes the short summary the plan command prints: what
// changes, what it costs, what the proof found, and the stages.
func WriteSummary(w io.Writer, p *Plan) error {
	var b strings.Builder
	for _, rp := range p.Regions {
		fmt.Fprintf(&b, "Account %s, %s\n", rp.Account, rp.Region)
		for _, v := range rp.VPCs {
			name := v.VPCID
			if v.Name != "" {
				name += " (" + v.Name + ")"
			}
			fmt.Fprintf(&b, "  VPC %s\n", name)
			if v.SecondaryCIDR != "" {
				fmt.Fprintf(&b, "    secondary CIDR  %s (the VPC has no room left)\n", v.SecondaryCIDR)
			}
			if len(v.Subnets) > 0 {
				var parts []string
				for _, s := range v.Subnets {
					parts = append(parts, fmt.Sprintf("%s %s (%s)", s.Tier, s.CIDR, azSuffix(rp.Region, s.AZ)))
				}
				fmt.Fprintf(&b, "    new subnets     %d: %s\n", len(v.Subnets), strings.Join(parts, ", "))
			}
			if len(v.NATGateways) > 0 {
				var azs []string
				for _, n := range v.NATGateways {
					azs = append(azs, azSuffix(rp.Region, n.AZ))
				}
				fmt.Fprintf(&b, "    NAT gateways    %d new (%s; --nat %s)\n", len(v.NATGateways), strings.Join(azs, ", "), p.Options.NAT)
			}
			if len(v.Endpoints) > 0 {
				var gw, ifc []string
				for _, e := range v.Endpoints {
					short := e.Service[strings.LastIndexByte(e.Service, '.')+1:]
					if i := strings.Index(e.Service, "."+rp.Region+"."); i >= 0 {
						short = e.Service[i+len(rp.Region)+2:]
					}
					if e.Type == "Gateway" {
						gw = append(gw, short)
					} else {
						ifc = append(ifc, short)
					}
				}
				var parts []string
				if len(gw) > 0 {
					parts = append(parts, strings.Join(gw, ", ")+" (gateway)")
				}
				if len(ifc) > 0 {
					parts = append(parts, strings.Join(ifc, ", ")+" (interface)")
				}
				fmt.Fprintf(&b, "    endpoints       %s\n", strings.Join(parts, "; "))
			}
			if v.FlowLog != nil {
				fmt.Fprintf(&b, "    flow log        turned on (%s), to check each step\n", v.FlowLog.Destination)
			}
		}
		fmt.Fprintf(&b, "  security groups  %d new (one per role), %d retired, %d default %s emptied\n",
			len(rp.Groups), len(rp.RetiredGroups), len(rp.DefaultGroups), pluralWord(len(rp.DefaultGroups), "group", "groups"))
		fmt.Fprintf(&b, "  placement        %s\n", movesSummary(rp.Moves))
		inferred := 0
		for _, n := range rp.Needed {
			if n.Basis == "inferred" {
				inferred++
			}
		}
		fmt.Fprintf(&b, "  needed flows     %d", len(rp.Needed))
		if inferred > 0 {
			fmt.Fprintf(&b, " (%d inferred from the wiring: confirm with flow logs)", inferred)
		}
		b.WriteString("\n")
	}

	if len(p.Cost.Items) > 0 || p.Cost.Monthly != 0 {
		fmt.Fprintf(&b, "\nCost  about %s %.2f a month", p.Cost.Currency, p.Cost.Monthly)
		if p.Cost.PricesDate != "" {
			fmt.Fprintf(&b, " (prices of %s, %s)", p.Cost.PricesDate, p.Cost.PricesFrom)
		}
		b.WriteString("\n")
		writeCost(&b, p)
	}

	if pr := p.Proof; pr != nil {
		verdict := "PASSED"
		if !pr.Passed {
			verdict = "FAILED"
		}
		fmt.Fprintf(&b, "\nProof %s: %d needed %s kept", verdict, pr.Kept, pluralWord(pr.Kept, "flow", "flows"))
		if len(pr.Broken) > 0 {
			fmt.Fprintf(&b, ", %d BROKEN", len(pr.Broken))
		}
		if len(pr.Dropped) > 0 {
			fmt.Fprintf(&b, ", %d observed %s dropped on purpose", len(pr.Dropped), pluralWord(len(pr.Dropped), "flow", "flows"))
		}
		b.WriteString("\n")
		for _, fc := range pr.Broken {
			fmt.Fprintf(&b, "  BROKEN   %s: %s\n", flowLabel(fc.Flow), fc.Reason)
		}
		for _, fc := range pr.Dropped {
			fmt.Fprintf(&b, "  dropped  %s: %s\n", flowLabel(fc.Flow), fc.Reason)
		}
		fmt.Fprintf(&b, "  the internet reaches %s\n", exposureSummary(pr.Exposures))
		for _, x := range pr.Unexpected {
			fmt.Fprintf(&b, "  UNEXPECTED exposure: %s %s/%s from %s\n", x.Resource, x.Protocol, x.Ports, x.Sources)
		}
		var counts []string
		for _, s := range []string{"critical", "high", "medium", "low", "info"} {
			counts = append(counts, fmt.Sprintf("%d %s", pr.Findings[s], s))
		}
		fmt.Fprintf(&b, "  the target scans with %s\n", strings.Join(counts, ", "))
		for _, h := range pr.High {
			fmt.Fprintf(&b, "  HIGH  %s\n", h)
		}
	}

	if len(p.Stages) > 0 {
		b.WriteString("\nStages\n")
		for _, s := range p.Stages {
			fmt.Fprintf(&b, "  %d  %-40s %-11s risk %-6s %d %s\n", s.Number, s.Name, s.Kind, s.Risk, len(s.Steps), pluralWord(len(s.Steps), "step", "steps"))
		}
	}
	for _, wn := range p.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s", wn)
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// movesSummary counts the moves by method, in words.
func movesSummary(moves []*Move) string {
	words := []struct{ method, one, many string }{
		{MoveReplaceInstance, "instance replaced in a private subnet", "instances replaced in private subnets"},
		{MoveLambdaConfig, "function moved by its configuration", "functions moved by their configuration"},
		{MoveECSConfig, "ECS service or task moved by its configuration", "ECS services and tasks moved by their configuration"},
		{MoveAuroraClone, "Aurora resource moved by clone and binlog replication", "Aurora resources moved by clone and binlog replication"},
		{MoveRDSReplica, "database moved by a read replica", "databases moved by read replicas"},
		{MoveCacheSnapshot, "cache restored from a snapshot", "caches restored from snapshots"},
		{MoveLBSubnets, "internal load balancer moved", "internal load balancers moved"},
		{MoveEndpointSubnets, "endpoint moved", "endpoints moved"},
		{MoveStay, "resource stays (groups replaced)", "resources stay (groups replaced)"},
	}
	count := map[string]int{}
	for _, m := range moves {
		count[m.Method]++
	}
	var parts []string
	for _, w := range words {
		if n := count[w.method]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, pluralWord(n, w.one, w.many)))
		}
	}
	if len(parts) == 0 {
		return "nothing moves"
	}
	return strings.Join(parts, ", ")
}

// flowLabel names a flow: "web-1 → oyatsu-aurora tcp/3306".
func flowLabel(n NeededFlow) string {
	name := func(id, label string) string {
		if label != "" && label != id {
			return label + " (" + id + ")"
		}
		return id
	}
	return fmt.Sprintf("%s → %s %s/%d", name(n.Src.ID, n.Src.Name), name(n.Dst.ID, n.Dst.Name), n.Protocol, n.Port)
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
