package check

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// VPCFlowLogsDisabled finds VPCs without a working flow log on the VPC
// itself: none whose ResourceId is the VPC, active, and not failing to
// deliver. Flow logs on some subnets or interfaces cover only those
// (AWS-SEMANTICS.md §9); the message names them. A VPC known to hold no
// network interface is reported at low severity: there is nothing to log
// yet. A VPC another account shares with this one is not judged: its flow
// logs are the owner's, which this account's data does not show.
var VPCFlowLogsDisabled = &Check{
	Meta: Meta{
		ID:       "vpc-flow-logs-disabled",
		Title:    "VPC has no flow log",
		Severity: Medium,
		Rationale: "Without flow logs nobody can say afterwards which addresses connected to what, whether a port scan " +
			"or exfiltration happened, or which ports a security group can be narrowed to without breaking anything. " +
			"Flow logs only record from the moment they are created, so they must be on before they are needed.",
		Remediation: "Create a flow log on the VPC (aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC " +
			"--traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET/PREFIX; REJECT " +
			"alone is the cheaper minimum, ALL also shows which allowed ports are used). S3 delivery needs no IAM role.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.6",
			"CIS AWS Foundations Benchmark v3.0.0 3.7",
			"https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
		},
		Needs: []model.Call{model.CallVPCs, model.CallFlowLogs},
	},
	Run: func(p *Pass) {
		reg := p.Region
		vpcOf := func(f *model.FlowLog) string {
			switch f.ResourceType {
			case model.FlowLogVPC:
				return f.ResourceID
			case model.FlowLogSubnet:
				if s := reg.Subnet(f.ResourceID); s != nil {
					return s.VPCID
				}
			case model.FlowLogENI:
				if e := reg.ENI(f.ResourceID); e != nil {
					return e.VPCID
				}
			}
			return ""
		}
		logs := map[string][]*model.FlowLog{}
		for _, f := range reg.FlowLogs {
			if v := vpcOf(f); v != "" {
				logs[v] = append(logs[v], f)
			}
		}
		occupied := map[string]bool{}
		for _, e := range reg.ENIs {
			occupied[e.VPCID] = true
		}
		for _, r := range reg.Resources {
			occupied[r.VPCID] = true
		}
		for _, vpc := range reg.VPCs {
			if sharedFromElsewhere(reg, vpc) {
				continue
			}
			var failing, inactive, partial []*model.FlowLog
			working := false
			for _, f := range logs[vpc.ID] {
				switch {
				case f.ResourceType != model.FlowLogVPC:
					if f.Active() && !f.DeliveryFailed() {
						partial = append(partial, f)
					}
				case !f.Active():
					inactive = append(inactive, f)
				case f.DeliveryFailed():
					failing = append(failing, f)
				default:
					working = true
				}
			}
			if working {
				continue
			}
			evidence := []string{p.say(msg("ev.no-flow-log", vpc.ID))}
			text := []any{msg("vpc-flow-logs-disabled.none", labelTagged(vpc.ID, vpc.Tags))}
			if len(failing) > 0 {
				var ids []string
				for _, f := range failing {
					ids = append(ids, f.ID)
					e := f.ID + " on " + vpc.ID + " DeliverLogsStatus=FAILED"
					if f.DeliverLogsError != "" {
						e += " (" + f.DeliverLogsError + ")"
					}
					evidence = append(evidence, e)
				}
				key := "vpc-flow-logs-disabled.failing.other"
				if len(ids) == 1 {
					key = "vpc-flow-logs-disabled.failing.one"
				}
				text[0] = msg(key, labelTagged(vpc.ID, vpc.Tags), andList(ids))
			}
			for _, f := range inactive {
				evidence = append(evidence, f.ID+" on "+vpc.ID+" FlowLogStatus="+f.Status)
			}
			if len(partial) > 0 {
				var subnets, enis, ids []string
				for _, f := range partial {
					ids = append(ids, f.ID)
					evidence = append(evidence, f.ID+" on "+f.ResourceID+" ("+f.TrafficType+")")
					if f.ResourceType == model.FlowLogSubnet {
						subnets = append(subnets, f.ResourceID)
					} else {
						enis = append(enis, f.ResourceID)
					}
				}
				subnets, enis = dedupe(subnets), dedupe(enis)
				sort.Strings(ids)
				var parts []any
				if len(subnets) > 0 {
					parts = append(parts, count(len(subnets), "subnet"))
				}
				if len(enis) > 0 {
					parts = append(parts, count(len(enis), "eni"))
				}
				if len(ids) == 1 {
					text = append(text, msg("vpc-flow-logs-disabled.partial.one", i18n.List(parts), ids[0]))
				} else {
					text = append(text, msg("vpc-flow-logs-disabled.partial.other", i18n.List(parts), listSome(ids)))
				}
			}
			sev := p.check.Severity
			if usageKnown(reg) && !occupied[vpc.ID] {
				sev = Low
				text = append(text, msg("vpc-flow-logs-disabled.empty"))
			}
			p.ReportAt(sev, []string{vpc.ID}, evidence, sentences(text))
		}
	},
}

// sharedFromElsewhere reports whether vpc belongs to another account that
// shares it with the region's account (VPC sharing): its flow logs, route
// tables and gateways are the owner's. It is false when either account ID
// is unknown.
func sharedFromElsewhere(reg *model.Region, vpc *model.VPC) bool {
	return isAccountID(vpc.OwnerID) && isAccountID(reg.Account) && vpc.OwnerID != reg.Account
}
