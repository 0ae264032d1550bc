package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Stage kinds and risks.
const (
	StageAdditive    = "additive"
	StageSubtractive = "subtractive"
	StageCutover     = "cutover"

	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"
)

// BuildStages turns the plan's decisions into the staged migration
// (AWS-SEMANTICS.md §8: the new, narrower access is added before the broad
// one is removed, and every removal is checked against flow logs):
//
//	0 Prepare                        flow log on, snapshot saved
//	1 Network plumbing               subnets, route tables, NAT, endpoints
//	2 New security groups beside the old
//	3 Move compute to private subnets
//	4 Database cut-over              clones, replicas, caches from snapshots
//	5 Remove the old access          one role at a time, each checked
//	6 Clean up                       replaced and old resources, retired groups
//
// Every object a step creates is tagged TagPlaceholder = its placeholder ID
// and looked up by that tag first, so re-running a step does not create it
// twice. inv is the account as it is: it supplies the values a rollback
// puts back (subnets, groups, public-address settings, rules); with a nil
// inv, or a resource it does not know, steps fall back to what the plan
// says. The result is deterministic: it follows the plan's order.
func BuildStages(p *Plan, inv *model.Inventory) []*Stage {
	b := &stageBuilder{p: p, inv: inv}
	return []*Stage{
		b.prepare(),
		b.plumbing(),
		b.groups(),
		b.compute(),
		b.data(),
		b.removeOld(),
		b.cleanUp(),
	}
}

// stageBuilder builds one stage at a time, region by region.
type stageBuilder struct {
	p     *Plan
	inv   *model.Inventory
	stage *Stage
	rp    *RegionPlan   // the region being built
	reg   *model.Region // its inventory; nil when inv lacks it
}

// newStage starts stage n.
func (b *stageBuilder) newStage(n int, name, kind, risk, note string) *Stage {
	b.stage = &Stage{Number: n, Name: name, Kind: kind, Risk: risk, RiskNote: note, Steps: []*Step{}, Checks: []Check{}}
	return b.stage
}

// eachRegion calls f with b.rp and b.reg set to each region of the plan.
func (b *stageBuilder) eachRegion(f func()) {
	for _, rp := range b.p.Regions {
		b.rp, b.reg = rp, b.regionOf(rp)
		f()
	}
	b.rp, b.reg = nil, nil
}

// regionOf finds the inventory region of a region plan.
func (b *stageBuilder) regionOf(rp *RegionPlan) *model.Region {
	if b.inv == nil {
		return nil
	}
	for _, r := range b.inv.Regions() {
		if r.Account == rp.Account && r.Name == rp.Region {
			return r
		}
	}
	return nil
}

// resource finds a move's resource in the inventory, or nil.
func (b *stageBuilder) resource(m *Move) *model.Resource {
	if b.reg == nil {
		return nil
	}
	return b.reg.Resource(model.ResourceKind(m.Kind), m.Resource)
}

// step appends a step to the stage being built, in the current region.
func (b *stageBuilder) step(title, decision string) *Step {
	s := &Step{
		ID:       fmt.Sprintf("%d.%d", b.stage.Number, len(b.stage.Steps)+1),
		Title:    title,
		Decision: decision,
		Commands: []Command{},
		Rollback: []Command{},
	}
	if b.rp != nil {
		s.Account, s.Region = b.rp.Account, b.rp.Region
	}
	b.stage.Steps = append(b.stage.Steps, s)
	return s
}

// check adds a check to the stage being built; an AWS CLI check runs in
// the current region. The texts are messages: plan.json carries both the
// English (What, Expect) and the messages (WhatMsg, ExpectMsg).
func (b *stageBuilder) check(what, expect i18n.Message, args ...string) {
	if b.rp != nil {
		what = i18n.M("plan.check.where", what, b.rp.Account, b.rp.Region)
	}
	c := Check{What: i18n.English.Render(what), WhatMsg: what, Expect: i18n.English.Render(expect), ExpectMsg: expect}
	if b.rp != nil {
		if len(args) > 0 {
			args = append(args, "--region", b.rp.Region)
		}
	}
	if len(args) > 0 {
		c.Args = args
	}
	b.stage.Checks = append(b.stage.Checks, c)
}

// do adds a command to the step.
func (s *Step) do(args ...string) {
	s.Commands = append(s.Commands, Command{Args: args, Idempotent: idempotenceOf(args, "")})
}

// create adds a command that creates the object placeholder: the runbook
// looks it up by tag first and runs the command only when it is missing;
// the command's output (its --query) is the new object's ID.
func (s *Step) create(placeholder string, args ...string) {
	v := varName(placeholder)
	s.Commands = append(s.Commands, Command{Args: args, Sets: v, Idempotent: idempotenceOf(args, v)})
}

// undo adds a command to the step's rollback.
func (s *Step) undo(args ...string) {
	s.Rollback = append(s.Rollback, Command{Args: args, Idempotent: idempotenceOf(args, "")})
}

// manual appends sentences to the step's manual work.
func (s *Step) manual(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if s.Manual != "" {
		s.Manual += "\n\n"
	}
	s.Manual += text
}

// prepare is stage 0: the flow log the subtractive steps are checked
// against, and a snapshot of the account as it is.
func (b *stageBuilder) prepare() *Stage {
	st := b.newStage(0, "Prepare", StageAdditive, RiskLow,
		"Nothing anyone uses changes: a flow log only records traffic (it costs per GB delivered), and the snapshot only reads. "+
			"Let the flow log collect at least a few days of ordinary traffic before stage 5: it is the baseline every removal is checked against.")
	profiles := map[string]bool{}
	b.eachRegion(func() {
		for _, v := range b.rp.VPCs {
			if v.FlowLog != nil {
				b.flowLogStep(v)
			}
		}
		if !profiles[b.rp.Account] && b.needsSSMProfile() {
			profiles[b.rp.Account] = true
			b.ssmProfileStep()
		}
		s := b.step("Save a snapshot of the account as it is", "snapshot")
		s.manual("Save the account as it is now, to compare with later and to restore from by hand if ever needed. "+
			"From a clone of the vpcdoctor repository, with credentials for account %s:\n"+
			"  scripts/snapshot.sh snapshots/before-migration %s\n"+
			"Then `vpcdoctor scan snapshots/before-migration` should report what the plan was made from.",
			b.rp.Account, b.rp.Region)
	})
	b.eachRegion(func() {
		for _, v := range b.rp.VPCs {
			if v.FlowLog == nil {
				continue
			}
			b.check(i18n.M("plan.check.flow-log", v.VPCID),
				i18n.M("plan.expect.flow-log", v.FlowLog.Destination),
				"ec2", "describe-flow-logs", "--filter", "Name=tag:"+TagPlaceholder+",Values="+v.FlowLog.ID,
				"--query", "FlowLogs[].[FlowLogId,FlowLogStatus,DeliverLogsStatus]", "--output", "text")
		}
	})
	return st
}

// flowLogStep turns on a VPC's planned flow log.
func (b *stageBuilder) flowLogStep(v *VPCPlan) {
	fl := v.FlowLog
	s := b.step("Turn on the VPC flow log of "+v.VPCID, fl.ID)
	destType, dest := flowLogDestination(fl.Destination, b.rp)
	args := []string{"ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", v.VPCID,
		"--traffic-type", "ALL", "--log-destination-type", destType, "--log-destination", dest,
		"--max-aggregation-interval", "60"}
	if destType == "cloud-watch-logs" {
		role := "arn:aws:iam::" + b.rp.Account + ":role/" + flowLogRole
		args = append(args, "--deliver-logs-permission-arn", role)
		s.manual("CloudWatch Logs needs a role that lets the flow-log service deliver: the command uses %s. "+
			"If it does not exist yet, create it first (trust vpc-flow-logs.amazonaws.com; allow logs:CreateLogStream, logs:PutLogEvents, "+
			"logs:DescribeLogGroups and logs:DescribeLogStreams on the log group), then run this stage again.", role)
	}
	if fl.Format != "" {
		args = append(args, "--log-format", fl.Format)
	}
	args = append(args, "--tag-specifications", tagSpecs(fl.ID, v.Name+" flow log", "vpc-flow-log"),
		"--query", "FlowLogIds[0]", "--output", "text")
	s.create(fl.ID, args...)
	s.undo("ec2", "delete-flow-logs", "--flow-log-ids", ref(fl.ID))
}

// flowLogRole is the IAM role name the runbook expects for delivery to
// CloudWatch Logs.
const flowLogRole = "vpcdoctor-flow-logs"

// flowLogDestination turns the plan's destination into
// --log-destination-type and --log-destination: "s3://bucket/prefix" or an
// S3 ARN → s3; a CloudWatch Logs ARN or a bare log group name →
// cloud-watch-logs.
func flowLogDestination(d string, rp *RegionPlan) (string, string) {
	switch {
	case strings.HasPrefix(d, "s3://"):
		return "s3", "arn:aws:s3:::" + strings.TrimPrefix(d, "s3://")
	case strings.HasPrefix(d, "arn:") && strings.Contains(d, ":s3:::"):
		return "s3", d
	case strings.HasPrefix(d, "arn:"):
		return "cloud-watch-logs", d
	}
	name := strings.TrimPrefix(d, "cloud-watch-logs:")
	return "cloud-watch-logs", "arn:aws:logs:" + rp.Region + ":" + rp.Account + ":log-group:" + name
}

// ssmInstanceProfile is the instance profile the runbook creates for
// replacement instances whose original had none: Session Manager replaces
// SSH (AWS-SEMANTICS.md §8) and needs AmazonSSMManagedInstanceCore.
const ssmInstanceProfile = "vpcdoctor-ssm-instance"

// needsSSMProfile reports whether a replaced instance of the region has no
// instance profile of its own.
func (b *stageBuilder) needsSSMProfile() bool {
	for _, m := range b.rp.Moves {
		if m.Method != MoveReplaceInstance {
			continue
		}
		if r := b.resource(m); r == nil || r.Instance == nil || r.Instance.InstanceProfile == "" {
			return true
		}
	}
	return false
}

// ssmProfileStep creates the Session Manager instance profile (IAM is
// global: once per account).
func (b *stageBuilder) ssmProfileStep() {
	s := b.step("Instance profile for Session Manager ("+ssmInstanceProfile+")", ssmInstanceProfile)
	trust := jsonArg(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]string{"Service": "ec2.amazonaws.com"},
			"Action":    "sts:AssumeRole",
		}},
	})
	policy := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
	s.do("iam", "create-role", "--role-name", ssmInstanceProfile, "--assume-role-policy-document", trust,
		"--tags", tagsArg(ssmInstanceProfile, ""))
	s.do("iam", "attach-role-policy", "--role-name", ssmInstanceProfile, "--policy-arn", policy)
	s.do("iam", "create-instance-profile", "--instance-profile-name", ssmInstanceProfile)
	s.do("iam", "add-role-to-instance-profile", "--instance-profile-name", ssmInstanceProfile, "--role-name", ssmInstanceProfile)
	s.undo("iam", "remove-role-from-instance-profile", "--instance-profile-name", ssmInstanceProfile, "--role-name", ssmInstanceProfile)
	s.undo("iam", "delete-instance-profile", "--instance-profile-name", ssmInstanceProfile)
	s.undo("iam", "detach-role-policy", "--role-name", ssmInstanceProfile, "--policy-arn", policy)
	s.undo("iam", "delete-role", "--role-name", ssmInstanceProfile)
	// An instance profile holds one role: AWS refuses a second with
	// LimitExceeded, which the runbook takes as done; this shows which.
	b.check(i18n.M("plan.check.instance-profile", ssmInstanceProfile, ssmInstanceProfile),
		i18n.M("plan.expect.instance-profile", ssmInstanceProfile),
		"iam", "get-instance-profile", "--instance-profile-name", ssmInstanceProfile,
		"--query", "InstanceProfile.Roles[].RoleName", "--output", "text")
}

// union is a followed by the members of b not in a.
func union(a, b []string) []string {
	out := append([]string{}, a...)
	seen := map[string]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }

// sortStrings sorts in place.
func sortStrings(s []string) { sort.Strings(s) }

// sortRegistrations sorts by ARN, then port.
func sortRegistrations(r []registration) {
	sort.Slice(r, func(i, j int) bool {
		if r[i].arn != r[j].arn {
			return r[i].arn < r[j].arn
		}
		return r[i].port < r[j].port
	})
}
