package packet

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ips builds an address set from prefixes or single addresses.
func ips(t testing.TB, ss ...string) *netipx.IPSet {
	t.Helper()
	var b netipx.IPSetBuilder
	for _, s := range ss {
		if strings.Contains(s, "/") {
			b.AddPrefix(netip.MustParsePrefix(s))
		} else {
			b.Add(netip.MustParseAddr(s))
		}
	}
	s, err := b.IPSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	tcp    = model.ProtocolTCP
	udp    = model.ProtocolUDP
	icmp   = model.ProtocolICMP
	icmpv6 = model.ProtocolICMPv6
	esp    = model.Protocol(50)
	anyP   = model.ProtocolAll
)

func ports(from, to uint16) model.PortRange { return model.PortRange{From: from, To: to} }

func TestICMPPorts(t *testing.T) {
	tests := []struct {
		m    model.ICMPMatch
		want model.PortRange
	}{
		{model.ICMPMatch{Type: -1, Code: -1}, model.AllPorts},              // §2: -1 means all types
		{model.ICMPMatch{Type: -1, Code: 4}, model.AllPorts},               // a code without a type selects every type
		{model.ICMPMatch{Type: 8, Code: -1}, ports(8<<8, 8<<8|255)},        // echo request, every code
		{model.ICMPMatch{Type: 3, Code: 4}, model.Port(3<<8 | 4)},          // fragmentation needed
		{model.ICMPMatch{Type: 0, Code: 0}, model.Port(0)},                 // echo reply
		{model.ICMPMatch{Type: 255, Code: 255}, model.Port(65535)},         // last type and code
		{model.ICMPMatch{Type: 256, Code: 0}, model.AllPorts},              // invalid type: err towards exposure
		{model.ICMPMatch{Type: 128, Code: 300}, ports(128<<8, 128<<8|255)}, // invalid code: every code
	}
	for _, tt := range tests {
		if got := ICMPPorts(tt.m); got != tt.want {
			t.Errorf("ICMPPorts(%v) = %v, want %v", tt.m, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	world := ips(t, "0.0.0.0/0", "::/0")
	ten := ips(t, "10.0.0.0/8")
	v6 := ips(t, "2001:db8::/32")
	a := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	tests := []struct {
		name string
		set  Set
		p    model.Protocol
		port uint16
		addr netip.Addr
		want bool
	}{
		{"zero value is empty", Set{}, tcp, 22, a("10.0.0.1"), false},
		{"All holds any packet", All(), esp, 0, a("2001:db8::1"), true},
		{"All holds protocol 0", All(), 0, 65535, a("0.0.0.0"), true},
		{"tcp/22 world, port 22", New(tcp, model.Port(22), world), tcp, 22, a("198.51.100.7"), true},
		{"tcp/22 world, port 23", New(tcp, model.Port(22), world), tcp, 23, a("198.51.100.7"), false},
		{"tcp/22 world, port 21", New(tcp, model.Port(22), world), tcp, 21, a("198.51.100.7"), false},
		{"tcp/22 is not udp/22", New(tcp, model.Port(22), world), udp, 22, a("198.51.100.7"), false},
		{"tcp/22 world holds IPv6", New(tcp, model.Port(22), world), tcp, 22, a("2600::1"), true},
		{"range ends are inclusive (from)", New(udp, ports(1024, 65535), ten), udp, 1024, a("10.0.0.1"), true},
		{"range ends are inclusive (to)", New(udp, ports(1024, 65535), ten), udp, 65535, a("10.255.255.255"), true},
		{"below range", New(udp, ports(1024, 65535), ten), udp, 1023, a("10.0.0.1"), false},
		{"address outside prefix", New(udp, ports(1024, 65535), ten), udp, 2000, a("11.0.0.0"), false},
		{"-1 is every protocol (§2)", New(anyP, model.AllPorts, ten), 132, 0, a("10.1.1.1"), true},
		{"-1 is every port (§2)", New(anyP, model.AllPorts, ten), tcp, 3389, a("10.1.1.1"), true},
		{"ESP has no ports: ports ignored", New(esp, model.Port(500), ten), esp, 4500, a("10.1.1.1"), true},
		{"ESP rule is not AH", New(esp, model.AllPorts, ten), 51, 0, a("10.1.1.1"), false},
		{"icmp echo request", New(icmp, ICMPPorts(model.ICMPMatch{Type: 8, Code: -1}), world), icmp, 8<<8 | 0, a("192.0.2.1"), true},
		{"icmp echo request, not reply", New(icmp, ICMPPorts(model.ICMPMatch{Type: 8, Code: -1}), world), icmp, 0, a("192.0.2.1"), false},
		{"icmp is not icmpv6", New(icmp, model.AllPorts, world), icmpv6, 0, a("2001:db8::1"), false},
		{"icmpv6 type 128", New(icmpv6, ICMPPorts(model.ICMPMatch{Type: 128, Code: 0}), v6), icmpv6, 128 << 8, a("2001:db8::5"), true},
		{"invalid protocol", All(), 256, 0, a("10.0.0.1"), false},
		{"ProtocolAll is not a packet's protocol", All(), anyP, 0, a("10.0.0.1"), false},
		{"zoned address in no set", All(), tcp, 0, a("fe80::1%eth0"), false},
		{"4in6 is IPv6, not IPv4", New(tcp, model.AllPorts, ten), tcp, 0, a("::ffff:10.0.0.1"), false},
		{"subtract a port", All().Subtract(New(tcp, model.Port(22), world)), tcp, 22, a("10.0.0.1"), false},
		{"subtract a port keeps the next", All().Subtract(New(tcp, model.Port(22), world)), tcp, 23, a("10.0.0.1"), true},
		{"subtract a port keeps udp", All().Subtract(New(tcp, model.Port(22), world)), udp, 22, a("10.0.0.1"), true},
		{"restrict addresses", All().RestrictAddrs(v6), udp, 53, a("2001:db8::53"), true},
		{"restrict addresses drops IPv4", All().RestrictAddrs(v6), udp, 53, a("10.0.0.53"), false},
		{"-1 with ports limits only ported protocols", New(anyP, model.Port(22), ten), tcp, 80, a("10.0.0.1"), false},
		{"-1 with ports keeps other protocols whole", New(anyP, model.Port(22), ten), esp, 80, a("10.0.0.1"), true},
		{"invalid range selects nothing", New(tcp, ports(23, 22), ten), tcp, 22, a("10.0.0.1"), false},
	}
	for _, tt := range tests {
		if got := tt.set.Contains(tt.p, tt.port, tt.addr); got != tt.want {
			t.Errorf("%s: %v.Contains(%v, %d, %v) = %v, want %v", tt.name, tt.set, tt.p, tt.port, tt.addr, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	ten := ips(t, "10.0.0.0/8")
	tests := []struct {
		name string
		got  Set
		want string
	}{
		{"nil addresses", New(tcp, model.Port(22), nil), "none"},
		{"empty addresses", New(anyP, model.AllPorts, &netipx.IPSet{}), "none"},
		{"invalid port range", New(udp, ports(5, 4), ten), "none"},
		{"tcp all ports", New(tcp, model.AllPorts, ten), "tcp/all from 10.0.0.0/8"},
		{"tcp range", New(tcp, ports(1024, 65535), ten), "tcp/1024-65535 from 10.0.0.0/8"},
		{"port-less protocol", New(esp, model.Port(22), ten), "50 from 10.0.0.0/8"},
		{"all", New(anyP, model.AllPorts, ten), "all from 10.0.0.0/8"},
		{"all with ports", New(anyP, model.Port(22), ten),
			"all except icmp,tcp,udp,icmpv6 from 10.0.0.0/8; icmp/0:22 from 10.0.0.0/8; tcp/22 from 10.0.0.0/8; udp/22 from 10.0.0.0/8; icmpv6/0:22 from 10.0.0.0/8"},
		{"icmp type", New(icmp, ICMPPorts(model.ICMPMatch{Type: 8, Code: -1}), ten), "icmp/8 from 10.0.0.0/8"},
		{"icmp type and code", New(icmp, ICMPPorts(model.ICMPMatch{Type: 3, Code: 4}), ten), "icmp/3:4 from 10.0.0.0/8"},
		{"icmpv6 all", New(icmpv6, ICMPPorts(model.ICMPMatch{Type: -1, Code: -1}), ten), "icmpv6/all from 10.0.0.0/8"},
		{"All", All(), "all from 0.0.0.0/0,::/0"},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, s, tt.want)
		}
	}
}

func TestEntries(t *testing.T) {
	world := ips(t, "0.0.0.0/0", "::/0")
	ten := ips(t, "10.0.0.0/8")
	tests := []struct {
		name string
		set  Set
		want []string
	}{
		{"empty", Set{}, nil},
		{"common part first, then per protocol beyond it",
			New(tcp, model.Port(22), world).Union(New(anyP, model.AllPorts, ten)),
			[]string{"all from 10.0.0.0/8", "tcp/22 from 0.0.0.0/5,8.0.0.0/7,11.0.0.0/8,12.0.0.0/6,16.0.0.0/4,32.0.0.0/3,64.0.0.0/2,128.0.0.0/1,::/0"}},
		{"all but one port: Except names the protocol",
			All().Subtract(New(tcp, model.Port(22), world)),
			[]string{"all except tcp from 0.0.0.0/0,::/0", "tcp/0-21 from 0.0.0.0/0,::/0", "tcp/23-65535 from 0.0.0.0/0,::/0"}},
		{"listed protocol that covers the default is not excepted",
			New(anyP, model.AllPorts, ten).Subtract(New(esp, model.AllPorts, ips(t, "10.0.0.0/9"))).Union(New(tcp, model.Port(443), world)),
			[]string{"all from 10.128.0.0/9", "all except 50 from 10.0.0.0/9", "tcp/0-442 from 10.0.0.0/9",
				"tcp/443 from 0.0.0.0/5,8.0.0.0/7,10.0.0.0/9,11.0.0.0/8,12.0.0.0/6,16.0.0.0/4,32.0.0.0/3,64.0.0.0/2,128.0.0.0/1,::/0",
				"tcp/444-65535 from 10.0.0.0/9"}},
		{"adjacent ranges with equal addresses merge",
			New(udp, ports(10, 20), ten).Union(New(udp, ports(21, 30), ten)),
			[]string{"udp/10-30 from 10.0.0.0/8"}},
		{"ports are sorted within a protocol, protocols ascending",
			New(udp, model.Port(53), ten).Union(New(tcp, model.Port(443), world)).Union(New(tcp, model.Port(80), ten)),
			[]string{"tcp/80 from 10.0.0.0/8", "tcp/443 from 0.0.0.0/0,::/0", "udp/53 from 10.0.0.0/8"}},
	}
	for _, tt := range tests {
		es := tt.set.Entries()
		var got []string
		for _, e := range es {
			got = append(got, e.String())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Entries()\n got %q\nwant %q", tt.name, got, tt.want)
		}
		checkEntries(t, tt.set)
	}
}

// checkEntries checks the listing's promises: deterministic, non-empty
// addresses, Except only with ProtocolAll and sorted, and the union of
// the entries is the set.
func checkEntries(t *testing.T, s Set) {
	t.Helper()
	es := s.Entries()
	var u Set
	for _, e := range es {
		if e.Addrs == nil || len(e.Addrs.Ranges()) == 0 {
			t.Errorf("%v: entry %v has no addresses", s, e)
		}
		if e.Protocol != model.ProtocolAll && e.Except != nil {
			t.Errorf("%v: entry %v: Except with a concrete protocol", s, e)
		}
		if !slices.IsSorted(e.Except) {
			t.Errorf("%v: entry %v: Except not sorted", s, e)
		}
		if !hasPorts(e.Protocol) && !e.Ports.IsAll() {
			t.Errorf("%v: entry %v: ports on a protocol without ports", s, e)
		}
		u = u.Union(e.Set())
	}
	if !u.Equal(s) {
		t.Errorf("union of Entries() = %v, want %v", u, s)
	}
	again := s.Entries()
	if len(again) != len(es) {
		t.Fatalf("%v: Entries() not deterministic", s)
	}
	for i := range es {
		if es[i].String() != again[i].String() {
			t.Errorf("%v: Entries() not deterministic: %v then %v", s, es[i], again[i])
		}
	}
}

func TestAddrs(t *testing.T) {
	world := ips(t, "0.0.0.0/0", "::/0")
	ten := ips(t, "10.0.0.0/8")
	v6 := ips(t, "2001:db8::/32")
	s := New(tcp, model.Port(22), ten).Union(New(tcp, model.Port(443), world)).Union(New(esp, model.AllPorts, v6))
	tests := []struct {
		name  string
		p     model.Protocol
		ports model.PortRange
		want  *netipx.IPSet
	}{
		{"tcp 22", tcp, model.Port(22), ten},
		{"tcp 0-442 holds 22", tcp, ports(0, 442), ten},
		{"tcp all", tcp, model.AllPorts, world},
		{"tcp 23-442 none", tcp, ports(23, 442), &netipx.IPSet{}},
		{"udp none", udp, model.AllPorts, &netipx.IPSet{}},
		{"esp ignores ports", esp, model.Port(7), v6},
		{"any protocol, port 22", anyP, model.Port(22), ips(t, "10.0.0.0/8", "2001:db8::/32")},
		{"any protocol, any port", anyP, model.AllPorts, world},
		{"invalid range on tcp", tcp, ports(9, 8), &netipx.IPSet{}},
		{"invalid range still finds port-less protocols", anyP, ports(9, 8), v6},
	}
	for _, tt := range tests {
		if got := s.Addrs(tt.p, tt.ports); !got.Equal(tt.want) {
			t.Errorf("%s: Addrs(%v, %v) = %v, want %v", tt.name, tt.p, tt.ports, got.Prefixes(), tt.want.Prefixes())
		}
	}
	if got := New(tcp, model.AllPorts, ten).Addrs(tcp, ports(9, 8)); len(got.Ranges()) != 0 {
		t.Errorf("invalid range on a constant tcp map: Addrs = %v, want none", got.Prefixes())
	}
	if got := All().Addrs(anyP, model.Port(1)); !got.Equal(world) {
		t.Errorf("All().Addrs = %v", got.Prefixes())
	}
}

// TestCanonicalManyProtocols builds sets in which 128 or more protocols
// differ from the default, where the representation must choose its
// default by majority to stay canonical.
func TestCanonicalManyProtocols(t *testing.T) {
	x, y := ips(t, "10.0.0.0/8"), ips(t, "192.168.0.0/16")
	var byProto, byProtoRev Set
	for p := 0; p < 256; p++ {
		a := x
		if p >= 128 {
			a = y
		}
		byProto = byProto.Union(New(model.Protocol(p), model.AllPorts, a))
		q := 255 - p
		a = x
		if q >= 128 {
			a = y
		}
		byProtoRev = byProtoRev.Union(New(model.Protocol(q), model.AllPorts, a))
	}
	// The same set from the other side: everything from x ∪ y, minus y
	// on the low half and x on the high half.
	viaDefault := New(anyP, model.AllPorts, ips(t, "10.0.0.0/8", "192.168.0.0/16"))
	for p := 0; p < 256; p++ {
		a := y
		if p >= 128 {
			a = x
		}
		viaDefault = viaDefault.Subtract(New(model.Protocol(p), model.AllPorts, a))
	}
	if !byProto.Equal(byProtoRev) || !byProto.Equal(viaDefault) {
		t.Errorf("equal sets compare unequal:\n%v\n%v\n%v", byProto, byProtoRev, viaDefault)
	}
	checkEntries(t, byProto)
	checkEntries(t, viaDefault)

	// Every protocol one by one is All.
	var every Set
	for p := 255; p >= 0; p-- {
		every = every.Union(New(model.Protocol(p), model.AllPorts, ips(t, "0.0.0.0/0", "::/0")))
	}
	if !every.Equal(All()) || len(every.ex) != 0 {
		t.Errorf("union of every protocol = %v, want All", every)
	}
	// Protocol 0 alone, subtracted from All, keeps a small listing.
	noHop := All().Subtract(New(0, model.AllPorts, ips(t, "0.0.0.0/0", "::/0")))
	if len(noHop.ex) != 1 || noHop.Contains(0, 0, netip.MustParseAddr("10.0.0.1")) || !noHop.Contains(255, 0, netip.MustParseAddr("10.0.0.1")) {
		t.Errorf("All minus protocol 0 = %v", noHop)
	}
}

func TestZeroAndImmutability(t *testing.T) {
	var z Set
	if !z.IsEmpty() || !z.Equal(Set{}) || z.String() != "none" || len(z.Entries()) != 0 {
		t.Errorf("zero Set is not empty: %v", z)
	}
	if All().IsEmpty() || All().Equal(z) {
		t.Error("All is empty")
	}
	ten := ips(t, "10.0.0.0/8")
	a := New(tcp, ports(1, 100), ten)
	before := a.String()
	_ = a.Union(New(tcp, ports(50, 200), ips(t, "11.0.0.0/8")))
	_ = a.Subtract(New(tcp, model.Port(60), ten))
	_ = a.Intersect(New(tcp, ports(60, 70), ips(t, "10.1.0.0/16")))
	_ = a.RestrictAddrs(ips(t, "10.0.0.0/9"))
	if a.String() != before {
		t.Errorf("operations changed their operand: %v, was %v", a, before)
	}
}
