// Package flowlog reads VPC Flow Log records as AWS delivers them: files
// (plain or gzip) in S3's layout or exported from CloudWatch Logs, any
// version (2–5) and any field order, streamed in constant memory. It knows
// nothing of accounts or resources; internal/flows gives records meaning.
package flowlog

import "net/netip"

// Field is one flow-log field, named as AWS's format strings name it
// (${srcaddr} is "srcaddr").
type Field uint8

// The fields of versions 2 to 5 (AWS VPC User Guide, "Flow log records").
const (
	FieldVersion Field = iota + 1
	FieldAccountID
	FieldInterfaceID
	FieldSrcAddr
	FieldDstAddr
	FieldSrcPort
	FieldDstPort
	FieldProtocol
	FieldPackets
	FieldBytes
	FieldStart
	FieldEnd
	FieldAction
	FieldLogStatus
	FieldVPCID
	FieldSubnetID
	FieldInstanceID
	FieldTCPFlags
	FieldType
	FieldPktSrcAddr
	FieldPktDstAddr
	FieldRegion
	FieldAZID
	FieldSublocationType
	FieldSublocationID
	FieldPktSrcAWSService
	FieldPktDstAWSService
	FieldFlowDirection
	FieldTrafficPath
	fieldCount
)

// FieldSet is a set of fields, one bit each.
type FieldSet uint32

// Has reports whether f is in the set.
func (s FieldSet) Has(f Field) bool { return s&(1<<f) != 0 }

// Action is ACCEPT or REJECT; zero when the record has none ("-").
type Action uint8

// Actions.
const (
	ActionNone Action = iota
	ActionAccept
	ActionReject
)

// LogStatus says whether a record carries a flow.
type LogStatus uint8

// Log statuses. NODATA and SKIPDATA records carry no flow.
const (
	StatusOK LogStatus = iota
	StatusNoData
	StatusSkipData
)

// Direction is the v5 flow-direction: whether the record is traffic into
// or out of the interface that logged it; zero when not logged.
type Direction uint8

// Directions.
const (
	DirectionUnknown Direction = iota
	DirectionIngress
	DirectionEgress
)

// Record is one line of a flow log: one interface's view of one 5-tuple in
// one aggregation interval. Numbers a format does not carry, or that are
// "-", are -1; addresses are the zero netip.Addr; strings are "". Has says
// which fields the line's format carried. Strings are interned by the
// reader, so a Record may be kept without copying.
type Record struct {
	Has FieldSet

	Version                int8
	AccountID, InterfaceID string
	// InterfaceN numbers InterfaceID, so that a sink may key a cache by
	// it rather than hash the string: records of the same Numbering
	// with the same nonzero InterfaceN have the same InterfaceID.
	// Numbering names the parser that numbered it, unique in the
	// process: records of one Read's sink are of one numbering, but a
	// sink handed to several workers or Reads sees several. One ID may
	// come with several numbers (the reader's intern table starts over
	// past 32,768 values), and 0 means not numbered.
	InterfaceN                         uint32
	Numbering                          uint32
	VPCID, SubnetID, InstanceID        string
	SrcAddr, DstAddr                   netip.Addr
	PktSrcAddr, PktDstAddr             netip.Addr
	SrcPort, DstPort                   int32
	Protocol                           int16 // IANA number
	Packets, Bytes                     int64
	Start, End                         int64 // Unix seconds
	Action                             Action
	LogStatus                          LogStatus
	TCPFlags                           int16  // OR of the interval's flags: SYN 2, ACK 16, FIN 1, RST 4
	Type                               string // IPv4, IPv6, EFA
	Region, AZID                       string
	SublocationType, SublocationID     string
	PktSrcAWSService, PktDstAWSService string
	FlowDirection                      Direction
	TrafficPath                        int8
}
