package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Protocol is an IP protocol number (0–255), or ProtocolAll for AWS's "-1"
// (every protocol and every port). The zero value is protocol 0 (HOPOPT),
// which AWS never uses in rules; build values with ParseProtocol.
type Protocol int16

// Protocols AWS names in rules (AWS-SEMANTICS.md §2, §3).
const (
	ProtocolAll    Protocol = -1
	ProtocolICMP   Protocol = 1
	ProtocolTCP    Protocol = 6
	ProtocolUDP    Protocol = 17
	ProtocolICMPv6 Protocol = 58
)

// ParseProtocol reads a security-group IpProtocol ("tcp", "udp", "icmp",
// "icmpv6", "-1", "all") or a network-ACL Protocol (a decimal number as a
// string, "-1" for all).
func ParseProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-1", "all":
		return ProtocolAll, nil
	case "tcp":
		return ProtocolTCP, nil
	case "udp":
		return ProtocolUDP, nil
	case "icmp":
		return ProtocolICMP, nil
	case "icmpv6":
		return ProtocolICMPv6, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("protocol %q: want tcp, udp, icmp, icmpv6, -1 or a number 0-255", s)
	}
	return Protocol(n), nil
}

// String returns the name AWS uses in security-group rules ("tcp", "all",
// or the number for protocols without a name there).
func (p Protocol) String() string {
	switch p {
	case ProtocolAll:
		return "all"
	case ProtocolTCP:
		return "tcp"
	case ProtocolUDP:
		return "udp"
	case ProtocolICMP:
		return "icmp"
	case ProtocolICMPv6:
		return "icmpv6"
	}
	return strconv.Itoa(int(p))
}

// HasPorts reports whether rules of this protocol select by port: TCP and UDP
// only. ICMP rules select type and code instead; other protocols have no ports
// and a rule for them matches every packet of that protocol.
func (p Protocol) HasPorts() bool { return p == ProtocolTCP || p == ProtocolUDP }

// IsICMP reports whether p is ICMP or ICMPv6, whose rules carry type and code.
func (p Protocol) IsICMP() bool { return p == ProtocolICMP || p == ProtocolICMPv6 }

// Matches reports whether a rule for p matches a packet of protocol q.
func (p Protocol) Matches(q Protocol) bool { return p == ProtocolAll || p == q }

// PortRange is an inclusive range of TCP/UDP ports. The zero value is the
// single port 0; AllPorts is 0–65535. Valid when From <= To.
type PortRange struct {
	From, To uint16
}

// AllPorts covers every port.
var AllPorts = PortRange{0, 65535}

// Port returns the range holding the single port p.
func Port(p uint16) PortRange { return PortRange{p, p} }

// PortRangeFromAWS converts a rule's FromPort/ToPort (absent, or -1, meaning
// every port) to a range. It fails on values outside 0–65535 or From > To.
func PortRangeFromAWS(from, to *int64) (PortRange, error) {
	if from == nil && to == nil {
		return AllPorts, nil
	}
	f, t := int64(-1), int64(-1)
	if from != nil {
		f = *from
	}
	if to != nil {
		t = *to
	}
	if f == -1 && t == -1 {
		return AllPorts, nil
	}
	if f == -1 {
		f = 0
	}
	if t == -1 {
		t = 65535
	}
	if f < 0 || f > 65535 || t < 0 || t > 65535 || f > t {
		return PortRange{}, fmt.Errorf("port range %d-%d: want 0-65535 with from <= to", f, t)
	}
	return PortRange{uint16(f), uint16(t)}, nil
}

// Contains reports whether port p is in r.
func (r PortRange) Contains(p uint16) bool { return r.From <= p && p <= r.To }

// Overlaps reports whether r and o share a port.
func (r PortRange) Overlaps(o PortRange) bool { return r.From <= o.To && o.From <= r.To }

// IsAll reports whether r covers every port.
func (r PortRange) IsAll() bool { return r == AllPorts }

// String prints "443", "8000-8080" or "all".
func (r PortRange) String() string {
	switch {
	case r.IsAll():
		return "all"
	case r.From == r.To:
		return strconv.Itoa(int(r.From))
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// ICMPMatch selects ICMP messages by type and code; -1 means any.
type ICMPMatch struct {
	Type, Code int16
}

// String prints "any", "type 8" or "type 3 code 4".
func (m ICMPMatch) String() string {
	switch {
	case m.Type < 0:
		return "any"
	case m.Code < 0:
		return fmt.Sprintf("type %d", m.Type)
	}
	return fmt.Sprintf("type %d code %d", m.Type, m.Code)
}

// Tristate is a fact that may be unknown because the data to decide it was
// not collected. The zero value is Unknown.
type Tristate int8

const (
	Unknown Tristate = iota
	No
	Yes
)

// String prints "unknown", "no" or "yes".
func (t Tristate) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return "unknown"
}
