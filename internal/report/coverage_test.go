package report

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// TestCoverageOfChecksNotGivenTheirInput: a check skipped because flow
// logs were not given is listed with its reason and leaves the coverage
// complete; one skipped for a missing call makes it incomplete.
func TestCoverageOfChecksNotGivenTheirInput(t *testing.T) {
	reg := &model.Region{Account: "111122223333", Name: "ap-northeast-1"}
	inv := &model.Inventory{Accounts: []*model.Account{{ID: reg.Account, Regions: []*model.Region{reg}}}}
	flowSkip := check.Skip{Rule: "sg-rule-unused-in-flows", Account: reg.Account, Region: reg.Name, Reason: check.NoFlowLogs}
	rep := Build(inv, check.Result{Skipped: []check.Skip{flowSkip}}, nil)
	c := rep.Coverage[0]
	if !c.Complete || !rep.Summary.Complete {
		t.Errorf("complete %v, summary %v: want both true", c.Complete, rep.Summary.Complete)
	}
	if len(c.SkippedChecks) != 1 || c.SkippedChecks[0].Reason != check.NoFlowLogs || c.SkippedChecks[0].MissingCalls == nil {
		t.Errorf("skipped %+v", c.SkippedChecks)
	}
	lacking := check.Skip{Rule: "sg-unused", Account: reg.Account, Region: reg.Name, Missing: []model.Call{model.CallNetworkInterfaces}}
	rep = Build(inv, check.Result{Skipped: []check.Skip{flowSkip, lacking}}, nil)
	if rep.Coverage[0].Complete || rep.Summary.Complete {
		t.Error("a check skipped for a missing call leaves the coverage complete")
	}
}
