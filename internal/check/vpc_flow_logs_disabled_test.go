package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// withFlowLogs marks ec2-describe-flow-logs collected (empty unless add
// adds some), with the ENI list collected, and an instance in subnet-a.
func withFlowLogs(add func(*modeltest.Builder)) func() *model.Region {
	return publicVPC(func(b *modeltest.Builder) {
		b.Collected(model.CallFlowLogs, model.CallNetworkInterfaces)
		b.Instance("i-1", "subnet-a", "sg-1")
		add(b)
	})
}

// The check's rule: a VPC with no active, delivering flow log whose
// ResourceId is the VPC; subnet and interface flow logs cover only their
// own (AWS-SEMANTICS.md §9). Fixture: publicVPC.
var vpcFlowLogsDisabledCases = []checkCase{
	{"no flow log at all", withFlowLogs(func(*modeltest.Builder) {}),
		fires(check.Medium, ids("vpc-1"), "VPC vpc-1 (main) has no flow log, so its traffic is not recorded.").
			withEvidence("vpc-1: no active, delivering flow log with ResourceId vpc-1")},
	{"a subnet's flow log covers only that subnet, and is named", withFlowLogs(func(b *modeltest.Builder) {
		b.FlowLog("fl-1", "subnet-a", "REJECT")
	}), fires(check.Medium, ids("vpc-1"), "has no flow log", "Its flow log on 1 subnet (fl-1) records only that, not the rest of the VPC.").
		withEvidence("vpc-1: no active, delivering flow log with ResourceId vpc-1", "fl-1 on subnet-a (REJECT)")},
	{"subnet and interface flow logs", withFlowLogs(func(b *modeltest.Builder) {
		b.FlowLog("fl-1", "subnet-a", "ALL")
		b.FlowLog("fl-2", "subnet-b", "ALL")
		b.FlowLog("fl-3", "eni-i-1", "ACCEPT")
	}), fires(check.Medium, ids("vpc-1"), "Its flow logs on 2 subnets and 1 network interface (fl-1, fl-2 and fl-3) record only those")},
	{"a VPC flow log that AWS fails to deliver records nothing", withFlowLogs(func(b *modeltest.Builder) {
		f := b.FlowLog("fl-1", "vpc-1", "ALL")
		f.DeliverLogsStatus, f.DeliverLogsError = "FAILED", "Access error"
	}), fires(check.Medium, ids("vpc-1"), "VPC vpc-1 (main) has a flow log (fl-1) that AWS fails to deliver, so its traffic is not recorded.").
		withEvidence("vpc-1: no active, delivering flow log with ResourceId vpc-1", "fl-1 on vpc-1 DeliverLogsStatus=FAILED (Access error)")},
	{"an inactive VPC flow log does not count", withFlowLogs(func(b *modeltest.Builder) {
		b.FlowLog("fl-1", "vpc-1", "ALL").Status = "INACTIVE"
	}), fires(check.Medium, ids("vpc-1"), "has no flow log").withEvidence("vpc-1: no active, delivering flow log with ResourceId vpc-1", "fl-1 on vpc-1 FlowLogStatus=INACTIVE")},
	{"a VPC known to hold nothing: low", func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Collected(model.CallFlowLogs, model.CallNetworkInterfaces)
		return b.Link()
	}, fires(check.Low, ids("vpc-1"), "has no flow log", "Nothing runs in it yet.")},
	{"an empty VPC whose interfaces are unknown stays medium", func() *model.Region {
		b := modeltest.New(account, region)
		b.VPC("vpc-1", "10.0.0.0/16")
		b.Collected(model.CallFlowLogs)
		return b.Link()
	}, fires(check.Medium, ids("vpc-1"), "has no flow log")},

	{"a flow log on the VPC (REJECT is enough, CIS 3.7)", withFlowLogs(func(b *modeltest.Builder) { b.FlowLog("fl-1", "vpc-1", "REJECT") }), none},
	{"one failing and one delivering flow log", withFlowLogs(func(b *modeltest.Builder) {
		b.FlowLog("fl-1", "vpc-1", "ALL").DeliverLogsStatus = "FAILED"
		b.FlowLog("fl-2", "vpc-1", "REJECT")
	}), none},
	{"a transit gateway's flow log is not the VPC's", withFlowLogs(func(b *modeltest.Builder) {
		b.FlowLog("fl-1", "tgw-1", "ALL")
	}), fires(check.Medium, ids("vpc-1"), "has no flow log, so its traffic is not recorded.").withEvidence("vpc-1: no active, delivering flow log with ResourceId vpc-1")},

	{"a VPC another account shares with this one: its flow logs are the owner's", withFlowLogs(func(b *modeltest.Builder) {
		b.Region().VPCs[0].OwnerID = "444455556666"
	}), none},

	{"flow logs not collected: skipped", publicVPC(func(b *modeltest.Builder) { b.Instance("i-1", "subnet-a", "sg-1") }), skipped(model.CallFlowLogs)},
}

func TestVPCFlowLogsDisabled(t *testing.T) {
	runCases(t, check.VPCFlowLogsDisabled, vpcFlowLogsDisabledCases)
}
