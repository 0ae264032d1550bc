// Package flows gives flow-log records their meaning (docs/flows.md): which
// side is the client, which port is the service's, which resource each
// address belongs to, and how much traffic each edge (client → server,
// protocol, port, action) carried. Stage 1 (Observe) is also written as SQL
// for Athena (package athena); stage 2 (Edges) is shared by both paths.
package flows

import (
	"net/netip"
	"strings"
	"time"
)

// Basis says how the client side of an observation was decided, most exact
// first.
type Basis string

// Bases, in the order they are tried (docs/flows.md, stage 1).
const (
	BasisTCPFlags      Basis = "tcp-flags"
	BasisListeningPort Basis = "listening-port"
	BasisWellKnownPort Basis = "well-known-port"
	BasisLowerPort     Basis = "lower-port"
)

// Bases lists them, most exact first.
var Bases = []Basis{BasisTCPFlags, BasisListeningPort, BasisWellKnownPort, BasisLowerPort}

// ListeningPorts are the ports the snapshot says something listens on, per
// IANA protocol number.
type ListeningPorts map[int16]map[int32]bool

// ObservationKey identifies an observation (docs/flows.md, stage 1).
type ObservationKey struct {
	InterfaceID string
	Client      netip.Addr
	Server      netip.Addr
	Protocol    int16
	Port        int32 // the service port; 0 for protocols without ports
	ClientIsSrc bool  // the records go client → server
	Accept      bool  // ACCEPT, else REJECT (or no action, see NoAction)
	// NoAction: the record's format has no action field (a custom format
	// without ${action}); Accept is then false.
	NoAction bool
	Basis    Basis
}

// Observation sums the records of one key.
type Observation struct {
	ObservationKey
	Packets, Bytes       int64
	Records, Connections int64
	Start, End           int64 // earliest start, latest end (Unix seconds); -1 when no record logged it
}

// EndpointKind is what an address was found to be.
type EndpointKind string

// Endpoint kinds.
const (
	KindResource   EndpointKind = "resource"
	KindInternet   EndpointKind = "internet"
	KindAWSService EndpointKind = "aws-service"
	KindUnknown    EndpointKind = "unknown"
)

// Endpoint is one side of an edge.
type Endpoint struct {
	Kind EndpointKind `json:"kind"`
	// ID is the resource's ID (as findings name it), the ENI's ID when its
	// owner is unknown, the AWS service's name (e.g. "S3"), or the address
	// for the internet and unknown addresses.
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"`          // a human name (Name tag) when known
	ResourceType string `json:"resource_type,omitempty"` // e.g. ec2-instance, rds-db-instance
	Role         string `json:"role,omitempty"`          // the role's ID
	Account      string `json:"account,omitempty"`
	Region       string `json:"region,omitempty"`
}

// Label names the endpoint for a person, in English: the resource and
// its name, the AWS service, or the address.
func (e Endpoint) Label() string {
	switch e.Kind {
	case KindResource:
		switch {
		case e.Name == "" || e.Name == e.ID:
			return e.ID
		case strings.HasPrefix(e.ID, "arn:"):
			return e.Name // an ECS service: its ARN says nothing more to a person
		}
		return e.Name + " (" + e.ID + ")"
	case KindAWSService:
		return "AWS " + e.ID
	case KindInternet:
		return "internet " + e.ID
	}
	return e.ID
}

// Edge is the traffic from one client endpoint to one server endpoint on
// one protocol and service port, with one action.
type Edge struct {
	Src         Endpoint  `json:"src"`
	Dst         Endpoint  `json:"dst"`
	Protocol    string    `json:"protocol"` // tcp, udp, icmp, icmpv6, or the number
	Port        int32     `json:"port"`     // the service port; 0 without ports
	Action      string    `json:"action"`   // ACCEPT or REJECT
	Packets     int64     `json:"packets"`
	Bytes       int64     `json:"bytes"`
	Connections int64     `json:"connections"`
	FirstSeen   time.Time `json:"first_seen,omitzero"` // zero (left out) when no record logged start
	LastSeen    time.Time `json:"last_seen,omitzero"`  // likewise end
	// Direction is how the client side was decided: the bases of the
	// edge's observations, most exact first.
	Direction []Basis `json:"direction"`
}
