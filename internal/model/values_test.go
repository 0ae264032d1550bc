package model

import "testing"

func int64p(v int64) *int64 { return &v }

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		in   string
		want Protocol
		ok   bool
	}{
		{"-1", ProtocolAll, true}, // AWS-SEMANTICS.md §2: -1 = every protocol and port
		{"all", ProtocolAll, true},
		{"tcp", ProtocolTCP, true},
		{"TCP", ProtocolTCP, true},
		{"udp", ProtocolUDP, true},
		{"icmp", ProtocolICMP, true},
		{"icmpv6", ProtocolICMPv6, true},
		{"6", ProtocolTCP, true}, // §3: NACL protocols are decimal strings
		{"17", ProtocolUDP, true},
		{"58", ProtocolICMPv6, true},
		{"50", Protocol(50), true}, // §2: a protocol number such as 50 (ESP)
		{"255", Protocol(255), true},
		{"256", 0, false},
		{"-2", 0, false},
		{"", 0, false},
		{"sctp", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseProtocol(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestProtocolString(t *testing.T) {
	for p, want := range map[Protocol]string{ProtocolAll: "all", ProtocolTCP: "tcp", ProtocolUDP: "udp", ProtocolICMP: "icmp", ProtocolICMPv6: "icmpv6", 50: "50"} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", p, got, want)
		}
		if back, err := ParseProtocol(p.String()); err != nil || back != p {
			t.Errorf("round trip of %v gave %v, %v", p, back, err)
		}
	}
}

func TestPortRangeFromAWS(t *testing.T) {
	tests := []struct {
		name     string
		from, to *int64
		want     PortRange
		ok       bool
	}{
		{"absent means all (§2, -1 rules)", nil, nil, AllPorts, true},
		{"-1/-1 means all", int64p(-1), int64p(-1), AllPorts, true},
		{"single", int64p(22), int64p(22), Port(22), true},
		{"range", int64p(1024), int64p(65535), PortRange{1024, 65535}, true},
		{"zero", int64p(0), int64p(0), Port(0), true},
		{"reversed", int64p(443), int64p(80), PortRange{}, false},
		{"too big", int64p(0), int64p(70000), PortRange{}, false},
		{"negative", int64p(-5), int64p(10), PortRange{}, false},
	}
	for _, tt := range tests {
		got, err := PortRangeFromAWS(tt.from, tt.to)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: got %v, %v; want %v ok=%v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}

func TestPortRange(t *testing.T) {
	r := PortRange{80, 443}
	for p, want := range map[uint16]bool{79: false, 80: true, 200: true, 443: true, 444: false} {
		if r.Contains(p) != want {
			t.Errorf("%v.Contains(%d) != %v", r, p, want)
		}
	}
	if !r.Overlaps(PortRange{443, 500}) || r.Overlaps(PortRange{444, 500}) || !r.Overlaps(PortRange{0, 80}) {
		t.Errorf("Overlaps wrong at the edges")
	}
	for pr, want := range map[PortRange]string{AllPorts: "all", Port(22): "22", {8000, 8080}: "8000-8080"} {
		if pr.String() != want {
			t.Errorf("%#v.String() = %q, want %q", pr, pr.String(), want)
		}
	}
}

func TestRuleString(t *testing.T) {
	tests := []struct {
		r    Rule
		want string
	}{
		{Rule{Direction: Ingress, Protocol: ProtocolTCP, Ports: Port(22), Peer: Peer{Kind: PeerPrefixList, PrefixListID: "pl-1"}}, "ingress tcp/22 from pl-1"},
		{Rule{Direction: Ingress, Protocol: ProtocolAll, Ports: AllPorts, Peer: Peer{Kind: PeerGroup, GroupID: "sg-1", UserID: "111122223333"}}, "ingress all traffic from 111122223333/sg-1"},
		{Rule{Direction: Egress, Protocol: ProtocolICMP, ICMP: ICMPMatch{8, -1}, Peer: Peer{Kind: PeerGroup, GroupID: "sg-2"}}, "egress icmp type 8 to sg-2"},
		{Rule{Direction: Ingress, Protocol: 50, Peer: Peer{Kind: PeerGroup, GroupID: "sg-3"}}, "ingress protocol 50 from sg-3"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
