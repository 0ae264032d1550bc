package snapshot

import (
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// A call `vpcdoctor collect` could not make is reported with the reason it
// recorded; another absent call stays "not collected"; an interrupted
// collection says so for the calls it did not reach.
func TestCollectRecordReasons(t *testing.T) {
	s := newSnap(t)
	s.call(model.CallVPCs, `{"Vpcs": []}`)
	s.call(model.CallLoadBalancersV2, `{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1", "Type": "application", "VpcId": "vpc-1"}]}`)
	s.write(collectRecordFile, `{"version": 1, "complete": true, "errors": [
		{"region": "us-east-1", "call": "ec2-describe-flow-logs", "code": "UnauthorizedOperation", "message": "You are not authorized\nto perform this operation."},
		{"region": "us-east-1", "call": "elbv2-describe-listeners", "resource": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1", "code": "AccessDenied", "message": ""},
		{"region": "eu-west-1", "call": "ec2-describe-subnets", "code": "AccessDenied", "message": "other region"}
	]}`)
	r := s.region()
	if got := missing(r, model.CallFlowLogs); len(got) != 1 || got[0].Reason != "not collected: UnauthorizedOperation (You are not authorized to perform this operation.)" {
		t.Errorf("flow logs: %+v", got)
	}
	if got := missing(r, model.CallListeners); len(got) != 1 || got[0].Reason != "not collected: AccessDenied" || !strings.HasSuffix(got[0].Resource, "app/web/1") {
		t.Errorf("listeners: %+v", got)
	}
	if got := missing(r, model.CallSubnets); len(got) != 1 || got[0].Reason != "not collected" {
		t.Errorf("subnets (an error recorded for another region only): %+v", got)
	}

	s.write(collectRecordFile, `{"version": 1, "complete": false, "errors": []}`)
	if got := missing(s.region(), model.CallSubnets); len(got) != 1 || got[0].Reason != "not collected: the collection was interrupted" {
		t.Errorf("interrupted: %+v", got)
	}

	s.write(collectRecordFile, `{"version": 1, "errors": [}`)
	fe := loadFileError(t, s.root)
	if !strings.HasSuffix(fe.Path, collectRecordFile) || fe.Line != 1 {
		t.Errorf("a broken record: %+v", fe)
	}
}
