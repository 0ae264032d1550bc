package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// removeOld is stage 5: one role at a time, its members keep only their
// new group, and the flow log is checked for new REJECTs before the next
// role (AWS-SEMANTICS.md §8: removing a rule stops new connections at once).
func (b *stageBuilder) removeOld() *Stage {
	st := b.newStage(5, "Remove the old access", StageSubtractive, RiskMedium,
		"This is where a flow the plan missed stops: new connections that only an old group allowed are refused at once "+
			"(tracked connections may live on until idle). Each step removes one role's old groups and is checked against the flow log "+
			"before the next; a needed REJECT means: roll that step back (./rollback.sh 5 --from STEP), add the flow to the configuration's plan.flows "+
			"and plan again. Who notices: the flow log's REJECTs first, then the applications.")
	b.eachRegion(func() {
		byGroup := map[string][]groupTarget{}
		for _, t := range b.groupTargets() {
			for _, id := range t.move.NewGroups {
				byGroup[id] = append(byGroup[id], t)
			}
		}
		for _, g := range b.rp.Groups {
			b.detachStep(g, byGroup[g.ID])
		}
		b.releaseAddressesStep()
		for _, id := range b.rp.DefaultGroups {
			b.revokeAllStep(id, "Empty the default group "+id+" (AWS does not delete a VPC's default group)")
		}
		for _, id := range b.rp.RetiredGroups {
			b.revokeAllStep(id, "Revoke the rules of retired group "+id)
		}
	})
	b.eachRegion(func() {
		for _, v := range b.rp.VPCs {
			b.check(i18n.M("plan.check.no-needed-reject", v.VPCID), rejectQueriesMsg(v, b.rp, ""))
		}
	})
	b.check(i18n.M("plan.check.scans-clean"), i18n.M("plan.expect.scans-clean"))
	return st
}

// detachStep removes the old groups from every member of one new group
// (targets: the group-setting targets whose new groups hold it).
func (b *stageBuilder) detachStep(g *Group, targets []groupTarget) {
	s := b.step("Remove the old groups from "+g.Name+"'s members: they keep only "+g.ID, g.ID)
	for _, t := range targets {
		m := t.move
		switch m.Method {
		case MoveAuroraClone, MoveRDSReplica, MoveCacheSnapshot:
			continue // the copy was made with the new group only
		}
		subnets, assign, instance := m.FromSubnets, b.currentAssignPublicIP(m), ""
		switch m.Method {
		case MoveLambdaConfig:
			subnets = m.ToSubnets
		case MoveECSConfig:
			subnets, assign = m.ToSubnets, "DISABLED"
		case MoveReplaceInstance:
			instance, _ = replacementOf(m.Resource)
		}
		only := func([]string) []string { return m.NewGroups }
		both := func(old []string) []string { return union(old, m.NewGroups) }
		cmds, manual := b.groupCommands(m, only, subnets, assign, instance)
		undo, _ := b.groupCommands(m, both, subnets, assign, instance)
		for _, c := range cmds {
			s.do(c...)
		}
		for _, c := range undo {
			s.undo(c...)
		}
		if manual != "" {
			s.manual("%s", manual)
		}
	}
	if len(s.Commands) == 0 && s.Manual == "" {
		b.stage.Steps = b.stage.Steps[:len(b.stage.Steps)-1]
		return
	}
	var vpc *VPCPlan
	for _, v := range b.rp.VPCs {
		if v.VPCID == g.VPCID {
			vpc = v
		}
	}
	s.manual("Check before the next step: wait 15 minutes (the flow log delivers within about 10), then look for REJECTs since this step.\n%s%s",
		rejectQueries(vpc, b.rp, s.ID), reachChecks(b.rp, g))
}

// rejectQueries says how to find REJECTs of the account's own traffic in
// a VPC's flow log since a step: a CloudWatch Logs Insights or Athena
// query, or vpcdoctor on the delivered files.
func rejectQueries(v *VPCPlan, rp *RegionPlan, stepID string) string {
	return i18n.English.Render(rejectQueriesMsg(v, rp, stepID))
}

// rejectQueriesMsg is rejectQueries as a catalogue message: the sentences
// translated, the queries as they are.
func rejectQueriesMsg(v *VPCPlan, rp *RegionPlan, stepID string) i18n.Message {
	since := i18n.M("plan.reject.since-step")
	if stepID == "" {
		since = i18n.M("plan.reject.since-stage")
	}
	var cidrs []string
	dest := ""
	if v != nil {
		cidrs = append(cidrs, v.CIDRs...)
		if v.SecondaryCIDR != "" {
			cidrs = append(cidrs, v.SecondaryCIDR)
		}
		if v.FlowLog != nil {
			dest = v.FlowLog.Destination
		}
	}
	var insights, athena []string
	for _, c := range cidrs {
		if strings.Contains(c, ":") {
			continue
		}
		insights = append(insights, fmt.Sprintf("isIpv4InSubnet(srcAddr, %q)", c))
		athena = append(athena, fmt.Sprintf("contains('%s', CAST(srcaddr AS IPADDRESS))", c))
	}
	if len(insights) == 0 {
		insights, athena = []string{"true"}, []string{"true"}
	}
	var logs, sql any = "", ""
	kind, _ := flowLogDestination(dest, rp)
	if dest == "" || kind == "cloud-watch-logs" {
		logs = i18n.M("plan.reject.insights", since, "  fields @timestamp, interfaceId, srcAddr, dstAddr, dstPort, protocol\n"+
			"  | filter action = \"REJECT\" and ("+strings.Join(insights, " or ")+")\n"+
			"  | stats count(*) as rejects by srcAddr, dstAddr, dstPort, protocol\n")
	}
	if dest == "" || kind == "s3" {
		sql = i18n.M("plan.reject.athena", since, "  SELECT srcaddr, dstaddr, dstport, protocol, count(*) AS records FROM vpc_flow_logs\n"+
			"  WHERE action = 'REJECT' AND \"start\" >= START AND ("+strings.Join(athena, " OR ")+")\n"+
			"  GROUP BY srcaddr, dstaddr, dstport, protocol ORDER BY records DESC\n")
	}
	return i18n.M("plan.reject.queries", logs, sql)
}

// reachChecks lists `vpcdoctor reach` calls on the target for the needed
// flows into or out of a group's role, to confirm what the plan promises.
func reachChecks(rp *RegionPlan, g *Group) string {
	if g.Role == "" {
		return ""
	}
	seen := map[string]bool{}
	var lines []string
	for _, n := range rp.Needed {
		if n.Dst.Role != g.Role && n.Src.Role != g.Role {
			continue
		}
		from := n.Src.ID
		if n.Src.Kind == flows.KindInternet {
			from = "internet"
		}
		line := fmt.Sprintf("  vpcdoctor reach target --from %s --to %s --protocol %s --port %d", shellWord(from), shellWord(n.Dst.ID), n.Protocol, n.Port)
		if !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	sort.Strings(lines)
	return "\nThe needed flows of this role, as the plan's target allows them (run in the plan's folder):\n" + strings.Join(lines, "\n")
}

// releaseAddressesStep tells how to release the Elastic IPs of replaced
// instances; the snapshot does not say which public addresses are Elastic
// IPs.
func (b *stageBuilder) releaseAddressesStep() {
	var ids []string
	for _, m := range b.rp.Moves {
		if m.Method == MoveReplaceInstance && m.DropsPublicIP {
			ids = append(ids, m.Resource)
		}
	}
	if len(ids) == 0 {
		return
	}
	s := b.step("Release the public addresses of the replaced instances", strings.Join(ids, " "))
	s.do("ec2", "describe-addresses", "--filters", jsonArg([]map[string]any{{"Name": "instance-id", "Values": ids}}),
		"--query", "Addresses[].[InstanceId,PublicIp,AllocationId,AssociationId]", "--output", "text")
	s.manual("The lines above are Elastic IPs still held by the stopped instances %s (an automatic public address went when they stopped). "+
		"Unless someone still needs an address (a partner's allowlist, a DNS record), release each: "+
		"aws ec2 disassociate-address --association-id ASSOCIATION, then aws ec2 release-address --allocation-id ALLOCATION. "+
		"A released address cannot be had back.", strings.Join(ids, ", "))
}

// revokeAllStep revokes every rule of an existing group, with the rules
// put back as its rollback.
func (b *stageBuilder) revokeAllStep(id, title string) {
	var g *model.SecurityGroup
	if b.reg != nil {
		g = b.reg.SecurityGroup(id)
	}
	s := b.step(title, id)
	if g == nil {
		s.manual("The snapshot does not describe %s: revoke its rules by hand "+
			"(aws ec2 describe-security-group-rules --filters Name=group-id,Values=%s, then revoke-security-group-ingress/egress --security-group-rule-ids ...).", id, id)
		return
	}
	if len(g.Ingress) > 0 {
		perms := modelPermissions(g.Ingress)
		s.do("ec2", "revoke-security-group-ingress", "--group-id", id, "--ip-permissions", perms)
		s.undo("ec2", "authorize-security-group-ingress", "--group-id", id, "--ip-permissions", perms)
	}
	if len(g.Egress) > 0 {
		perms := modelPermissions(g.Egress)
		s.do("ec2", "revoke-security-group-egress", "--group-id", id, "--ip-permissions", perms)
		s.undo("ec2", "authorize-security-group-egress", "--group-id", id, "--ip-permissions", perms)
	}
	if len(s.Commands) == 0 {
		b.stage.Steps = b.stage.Steps[:len(b.stage.Steps)-1]
	}
}

// cleanUp is stage 6: after a waiting period, what the migration replaced
// goes: stopped instances, old databases (with a final snapshot), old
// caches, retired groups.
func (b *stageBuilder) cleanUp() *Stage {
	st := b.newStage(6, "Clean up", StageSubtractive, RiskMedium,
		"Deletions cannot be undone by the rollback: terminated instances are gone (their image from stage 3 remains), "+
			"old databases leave a final snapshot to restore from, old caches a final snapshot. "+
			"Wait first: the old resources are the fastest way back while anything is in doubt.")
	b.eachRegion(func() {
		wait := b.step("Wait before deleting", "wait")
		wait.manual("Wait at least 7 days after stage 5 (a full weekly cycle of batch jobs and traffic) with no needed REJECT in the flow log " +
			"and no error the migration could explain. Only then go on: the next steps delete the replaced and old resources.")
		seen := map[string]bool{}
		for _, m := range b.rp.Moves {
			switch m.Method {
			case MoveReplaceInstance:
				s := b.step("Terminate the replaced instance "+m.Resource, m.Resource)
				s.do("ec2", "terminate-instances", "--instance-ids", m.Resource)
				s.do("ec2", "wait", "instance-terminated", "--instance-ids", m.Resource)
			case MoveAuroraClone:
				c := b.clusterOf(m)
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				old := c.ID + "-old"
				s := b.step("Delete the old DB cluster "+old+" (final snapshot "+old+"-final)", old)
				s.do("rds", "modify-db-cluster", "--db-cluster-identifier", old, "--no-deletion-protection", "--apply-immediately")
				for _, mem := range b.clusterMembers(c, m) {
					s.do("rds", "delete-db-instance", "--db-instance-identifier", mem.id+"-old")
				}
				for _, mem := range b.clusterMembers(c, m) {
					s.do("rds", "wait", "db-instance-deleted", "--db-instance-identifier", mem.id+"-old")
				}
				s.do("rds", "delete-db-cluster", "--db-cluster-identifier", old, "--final-db-snapshot-identifier", old+"-final")
				s.do("rds", "wait", "db-cluster-deleted", "--db-cluster-identifier", old)
			case MoveRDSReplica:
				old := m.Resource + "-old"
				s := b.step("Delete the old DB instance "+old+" (final snapshot "+old+"-final)", old)
				s.do("rds", "modify-db-instance", "--db-instance-identifier", old, "--no-deletion-protection", "--apply-immediately")
				s.do("rds", "delete-db-instance", "--db-instance-identifier", old, "--final-db-snapshot-identifier", old+"-final")
				s.do("rds", "wait", "db-instance-deleted", "--db-instance-identifier", old)
			case MoveCacheSnapshot:
				id, isGroup := b.cacheIDOf(m)
				if seen["cache:"+id] {
					continue
				}
				seen["cache:"+id] = true
				s := b.step("Delete the old cache "+id+" (final snapshot "+id+"-final)", id)
				if isGroup {
					s.do("elasticache", "delete-replication-group", "--replication-group-id", id, "--final-snapshot-identifier", id+"-final")
					s.do("elasticache", "wait", "replication-group-deleted", "--replication-group-id", id)
				} else {
					s.do("elasticache", "delete-cache-cluster", "--cache-cluster-id", id, "--final-snapshot-identifier", id+"-final")
					s.do("elasticache", "wait", "cache-cluster-deleted", "--cache-cluster-id", id)
				}
			}
		}
		for _, id := range b.rp.RetiredGroups {
			s := b.step("Delete retired group "+id, id)
			s.do("ec2", "delete-security-group", "--group-id", id)
			s.manual("If AWS refuses with DependencyViolation, something still uses %[1]s or a rule of another group names it: "+
				"aws ec2 describe-network-interfaces --filters Name=group-id,Values=%[1]s and "+
				"aws ec2 describe-security-group-rules --filters Name=referenced-group-id,Values=%[1]s say what.", id)
		}
	})
	b.eachRegion(func() {
		if len(b.rp.RetiredGroups) == 0 {
			return
		}
		b.check(i18n.M("plan.check.old-network-gone"), i18n.M("plan.expect.old-network-gone"),
			"ec2", "describe-network-interfaces", "--filters",
			jsonArg([]map[string]any{{"Name": "group-id", "Values": append([]string{}, b.rp.RetiredGroups...)}}),
			"--query", "NetworkInterfaces[].[NetworkInterfaceId,Description]", "--output", "text")
	})
	b.check(i18n.M("plan.check.is-target"), i18n.M("plan.expect.is-target"))
	return st
}

// shellWord quotes a word for a command shown in text.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@+-%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
