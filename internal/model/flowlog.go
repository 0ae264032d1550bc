package model

import "strings"

// FlowLogResourceType is what a flow log captures, spelled as
// `aws ec2 create-flow-logs --resource-type` spells it.
type FlowLogResourceType string

// Flow-log resource types. A flow log on a VPC captures every interface in
// it; one on a subnet only that subnet's interfaces; one on an interface
// only that interface (AWS-SEMANTICS.md §9).
const (
	FlowLogVPC                      FlowLogResourceType = "VPC"
	FlowLogSubnet                   FlowLogResourceType = "Subnet"
	FlowLogENI                      FlowLogResourceType = "NetworkInterface"
	FlowLogTransitGateway           FlowLogResourceType = "TransitGateway"
	FlowLogTransitGatewayAttachment FlowLogResourceType = "TransitGatewayAttachment"
)

// FlowLogResourceTypeOf derives the type from a ResourceId's prefix
// (describe-flow-logs does not print it): "vpc-…" is a VPC, "subnet-…" a
// subnet, "eni-…" an interface. It returns "" for a prefix it does not know.
func FlowLogResourceTypeOf(resourceID string) FlowLogResourceType {
	for _, p := range []struct {
		prefix string
		typ    FlowLogResourceType
	}{
		// tgw-attach- before tgw-: the longer prefix first.
		{"vpc-", FlowLogVPC}, {"subnet-", FlowLogSubnet}, {"eni-", FlowLogENI},
		{"tgw-attach-", FlowLogTransitGatewayAttachment}, {"tgw-", FlowLogTransitGateway},
	} {
		if strings.HasPrefix(resourceID, p.prefix) {
			return p.typ
		}
	}
	return ""
}

// FlowLog is one VPC flow log as ec2-describe-flow-logs describes it.
type FlowLog struct {
	ID           string // fl-…
	ResourceID   string // the VPC, subnet, interface or transit gateway it captures
	ResourceType FlowLogResourceType
	TrafficType  string // ACCEPT, REJECT or ALL
	// Status is FlowLogStatus (ACTIVE); DeliverLogsStatus is SUCCESS or
	// FAILED, with DeliverLogsError saying why it failed.
	Status            string
	DeliverLogsStatus string
	DeliverLogsError  string
	// LogDestinationType is cloud-watch-logs, s3 or kinesis-data-firehose.
	// LogDestination is the destination's ARN; flow logs to CloudWatch Logs
	// made by name may have only LogGroupName.
	LogDestinationType string
	LogDestination     string
	LogGroupName       string
	// LogFormat is the record format, "${version} ${account-id} …"; AWS
	// prints the default format when none was chosen.
	LogFormat string
	// MaxAggregationInterval is in seconds: 60 or 600; 0 when not printed.
	MaxAggregationInterval int
	Tags                   Tags
}

// Active reports whether the flow log is capturing: FlowLogStatus ACTIVE
// (or not printed, which is taken as active). It says nothing about
// delivery; see DeliveryFailed.
func (f *FlowLog) Active() bool { return f.Status == "" || strings.EqualFold(f.Status, "ACTIVE") }

// DeliveryFailed reports whether AWS says the logs cannot be delivered
// (DeliverLogsStatus FAILED: a missing role permission, a deleted bucket…).
func (f *FlowLog) DeliveryFailed() bool { return strings.EqualFold(f.DeliverLogsStatus, "FAILED") }
