package model

import "testing"

// describe-flow-logs prints no resource type: it follows from the ID
// (AWS-SEMANTICS.md §9).
func TestFlowLogResourceTypeOf(t *testing.T) {
	for id, want := range map[string]FlowLogResourceType{
		"vpc-0a1b2c3d":               FlowLogVPC,
		"subnet-12345678901234567":   FlowLogSubnet,
		"eni-0a1b2c3d4e5f60401":      FlowLogENI,
		"tgw-0a1b2c3d4e5f60789":      FlowLogTransitGateway,
		"tgw-attach-0a1b2c3d4e5f607": FlowLogTransitGatewayAttachment,
		"i-0a1b2c3d":                 "",
		"":                           "",
	} {
		if got := FlowLogResourceTypeOf(id); got != want {
			t.Errorf("FlowLogResourceTypeOf(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestFlowLogStatus(t *testing.T) {
	for _, tc := range []struct {
		status, deliver string
		active, failed  bool
	}{
		{"ACTIVE", "SUCCESS", true, false},
		{"", "", true, false}, // not printed: taken as active
		{"ACTIVE", "FAILED", true, true},
		{"INACTIVE", "SUCCESS", false, false},
	} {
		f := &FlowLog{Status: tc.status, DeliverLogsStatus: tc.deliver}
		if f.Active() != tc.active || f.DeliveryFailed() != tc.failed {
			t.Errorf("%q/%q: Active %v DeliveryFailed %v, want %v %v", tc.status, tc.deliver, f.Active(), f.DeliveryFailed(), tc.active, tc.failed)
		}
	}
}
