package flows

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// rec is a record as the reader gives it: every field of a version-3
// format logged, tcp-flags -1 when flags < 0 (not logged).
func rec(proto int16, src string, sport int32, dst string, dport int32, flags int16) *flowlog.Record {
	r := &flowlog.Record{
		Version: 3, AccountID: "123456789010", InterfaceID: "eni-1",
		SrcAddr: netip.MustParseAddr(src), DstAddr: netip.MustParseAddr(dst),
		SrcPort: sport, DstPort: dport, Protocol: proto,
		Packets: 1, Bytes: 100, Start: 1000, End: 1060,
		Action: flowlog.ActionAccept, TCPFlags: flags,
	}
	if flags >= 0 {
		r.Has = 1 << flowlog.FieldTCPFlags
	}
	return r
}

// TestSide pins stage 1's rule 1 (docs/flows.md): who is the client, in
// the order tcp-flags, listening-port, well-known-port, lower-port
// (AWS-SEMANTICS.md §9: "flow-direction and tcp-flags (SYN = 2 marks the
// initiator) are exact; without them, the side whose port is a listening
// port ... or the lower well-known port is the server").
func TestSide(t *testing.T) {
	ports := ListeningPorts{6: {8080: true, 5001: true, 3306: true}, 17: {5353: true}}
	const a, b = "10.0.0.1", "10.0.0.2"
	tests := []struct {
		name        string
		r           *flowlog.Record
		clientIsSrc bool
		port        int32
		basis       Basis
	}{
		// §9: SYN (2) marks the initiator: the record goes client → server.
		{"SYN goes client to server", rec(6, a, 43416, b, 5001, 2), true, 5001, BasisTCPFlags},
		// SYN-ACK (18) is the server's answer.
		{"SYN-ACK goes server to client", rec(6, a, 5001, b, 43416, 18), false, 5001, BasisTCPFlags},
		// Flags are OR-ed over the interval (AWS docs' tcp-flag sample: 3 and 19).
		{"SYN+FIN (3) is the client's", rec(6, a, 34210, b, 80, 3), true, 80, BasisTCPFlags},
		{"SYN-ACK+FIN (19) is the server's", rec(6, b, 80, a, 34210, 19), false, 80, BasisTCPFlags},
		{"SYN+RST (6) is the client's", rec(6, a, 40000, b, 22, 6), true, 22, BasisTCPFlags},
		// Flags decide even against every port heuristic.
		{"SYN beats the ports", rec(6, a, 80, b, 50000, 2), true, 50000, BasisTCPFlags},
		// Other flag values do not decide: fall through to the ports.
		{"FIN alone does not decide", rec(6, b, 5001, a, 43418, 1), false, 5001, BasisListeningPort},
		{"flags 0 do not decide", rec(6, a, 43418, b, 5001, 0), true, 5001, BasisListeningPort},
		{"flags not logged", rec(6, a, 43418, b, 5001, -1), true, 5001, BasisListeningPort},
		// tcp-flags only for TCP.
		{"UDP with SYN bit is not TCP", rec(17, a, 5353, b, 40000, 2), false, 5353, BasisListeningPort},
		// Listening ports: exactly one side listens; it beats the well-known rule.
		{"listening beats well-known", rec(6, a, 443, b, 8080, -1), true, 8080, BasisListeningPort},
		{"listening on the source", rec(6, a, 3306, b, 51000, -1), false, 3306, BasisListeningPort},
		{"both listening: no decision", rec(6, a, 3306, b, 8080, -1), false, 3306, BasisLowerPort},
		{"listening is per protocol", rec(17, a, 40000, b, 8080, -1), true, 8080, BasisLowerPort},
		// Well-known: exactly one port below 1024.
		{"well-known on the destination", rec(6, a, 50000, b, 443, -1), true, 443, BasisWellKnownPort},
		{"well-known on the source", rec(6, a, 443, b, 50000, -1), false, 443, BasisWellKnownPort},
		{"1023 is well-known, 1024 is not", rec(17, a, 1024, b, 1023, -1), true, 1023, BasisWellKnownPort},
		// Lower port: both or neither below 1024.
		{"lower port on the source", rec(6, a, 6000, b, 43418, -1), false, 6000, BasisLowerPort},
		{"lower port on the destination", rec(17, a, 40000, b, 9000, -1), true, 9000, BasisLowerPort},
		{"both well-known: lower", rec(6, a, 22, b, 80, -1), false, 22, BasisLowerPort},
		{"equal ports: the destination", rec(17, a, 123, b, 123, -1), true, 123, BasisLowerPort},
		// Protocols without ports: destination is the server, port 0.
		{"ICMP", rec(1, "203.0.113.12", 0, "172.31.16.139", 0, -1), true, 0, BasisLowerPort},
		{"ICMPv6", rec(58, "2001:db8::1", 0, "2001:db8::2", 0, -1), true, 0, BasisLowerPort},
		{"GRE ignores logged ports", rec(47, a, 40000, b, 20, -1), true, 0, BasisLowerPort},
		{"SCTP has ports", rec(132, a, 40000, b, 3868, -1), true, 3868, BasisLowerPort},
		// Fields a custom format did not carry (-1).
		{"protocol not logged", rec(-1, a, -1, b, -1, -1), true, 0, BasisLowerPort},
		{"ports not logged", rec(6, a, -1, b, -1, 2), true, 0, BasisLowerPort},
	}
	o := NewObserver(ports)
	for _, tt := range tests {
		c, p, basis := o.Side(tt.r)
		if c != tt.clientIsSrc || p != tt.port || basis != tt.basis {
			t.Errorf("%s: Side = (client is src %v, port %d, %s), want (%v, %d, %s)", tt.name, c, p, basis, tt.clientIsSrc, tt.port, tt.basis)
		}
	}
}

// TestObserveKeysAndSums pins stage 1's rules 2 and 3: the key, the sums,
// connections, earliest start and latest end.
func TestObserveKeysAndSums(t *testing.T) {
	o := NewObserver(nil)
	// AWS docs' tcp-flag sample (AWS-SEMANTICS.md §9): one ENI, a client
	// 52.213.180.42 connecting twice to port 5001 of 10.0.0.62.
	const client, server = "52.213.180.42", "10.0.0.62"
	in := []*flowlog.Record{
		with(rec(6, client, 43416, server, 5001, 2), 8, 568, 1566848875, 1566848933),
		with(rec(6, server, 5001, client, 43416, 18), 7, 376, 1566848875, 1566848933),
		with(rec(6, client, 43418, server, 5001, 2), 70, 100701, 1566848875, 1566848933),
		with(rec(6, server, 5001, client, 43418, 18), 12, 632, 1566848875, 1566848933),
		// The next interval: FIN only, the ports decide (lower port).
		with(rec(6, server, 5001, client, 43418, 1), 1219, 63388, 1566848933, 1566849113),
		with(rec(6, client, 43418, server, 5001, 1), 15774, 23294588, 1566848933, 1566849113),
		// NODATA carries no flow.
		{LogStatus: flowlog.StatusNoData, InterfaceID: "eni-1", Packets: -1, Bytes: -1, Start: 1, End: 2},
	}
	for _, r := range in {
		o.Add(r)
	}
	c, s := netip.MustParseAddr(client), netip.MustParseAddr(server)
	key := func(clientIsSrc bool, b Basis) ObservationKey {
		return ObservationKey{InterfaceID: "eni-1", Client: c, Server: s, Protocol: 6, Port: 5001, ClientIsSrc: clientIsSrc, Accept: true, Basis: b}
	}
	want := []Observation{
		{ObservationKey: key(false, BasisTCPFlags), Packets: 19, Bytes: 1008, Records: 2, Connections: 0, Start: 1566848875, End: 1566848933},
		{ObservationKey: key(false, BasisLowerPort), Packets: 1219, Bytes: 63388, Records: 1, Connections: 0, Start: 1566848933, End: 1566849113},
		{ObservationKey: key(true, BasisTCPFlags), Packets: 78, Bytes: 101269, Records: 2, Connections: 2, Start: 1566848875, End: 1566848933},
		// TCP flags logged, no SYN: not a new connection.
		{ObservationKey: key(true, BasisLowerPort), Packets: 15774, Bytes: 23294588, Records: 1, Connections: 0, Start: 1566848933, End: 1566849113},
	}
	if got := o.Observations(); !reflect.DeepEqual(got, want) {
		t.Errorf("Observations =\n%+v\nwant\n%+v", got, want)
	}
}

func with(r *flowlog.Record, packets, bytes, start, end int64) *flowlog.Record {
	r.Packets, r.Bytes, r.Start, r.End = packets, bytes, start, end
	return r
}

// TestObserveConnectionsAndActions: connections without TCP flags, REJECT,
// a format without action, and fields not logged (-1).
func TestObserveConnectionsAndActions(t *testing.T) {
	o := NewObserver(nil)
	udp := rec(17, "10.0.0.1", 40000, "10.0.0.2", 53, -1) // no flags logged: every client → server record
	o.Add(udp)
	o.Add(udp)
	o.Add(rec(17, "10.0.0.2", 53, "10.0.0.1", 40000, -1))      // server → client: not a connection
	udpFlags0 := rec(17, "10.0.0.1", 40001, "10.0.0.2", 53, 0) // v3+ logs 0 for UDP: still counted
	o.Add(udpFlags0)
	rej := rec(6, "198.51.100.7", 51000, "10.0.0.2", 22, -1)
	rej.Action = flowlog.ActionReject
	o.Add(rej)
	none := rec(6, "198.51.100.7", 51000, "10.0.0.2", 22, -1)
	none.Action = flowlog.ActionNone
	none.Packets, none.Bytes, none.Start, none.End = -1, -1, -1, -1
	o.Add(none)
	got := o.Observations()
	if len(got) != 4 {
		t.Fatalf("got %d observations, want 4: %+v", len(got), got)
	}
	// Sorted by client: 10.0.0.1 → 10.0.0.2:53 (the replies, then the
	// requests), then 198.51.100.7 (REJECT, then no action).
	u, req, r, n := got[0], got[1], got[2], got[3]
	if u.ClientIsSrc || !req.ClientIsSrc {
		t.Fatalf("order: %+v", got)
	}
	if req.Records != 3 || req.Connections != 3 || req.Port != 53 || req.Basis != BasisWellKnownPort {
		t.Errorf("UDP client → server = %+v, want 3 records, 3 connections, port 53", req)
	}
	if u.Records != 1 || u.Connections != 0 {
		t.Errorf("UDP server → client = %+v, want 1 record, 0 connections", u)
	}
	if r.Accept || r.NoAction || r.Connections != 1 {
		t.Errorf("REJECT = %+v", r)
	}
	if !n.NoAction || n.Accept || n.Packets != 0 || n.Bytes != 0 || n.Start != -1 || n.End != -1 {
		t.Errorf("no action, nothing logged = %+v, want NoAction, sums 0, start and end -1", n)
	}
}

// TestMergeIsAdd: merging observers that each saw part of the records
// gives what one observer seeing them all gives, in any split.
func TestMergeIsAdd(t *testing.T) {
	recs := randomRecords(rand.New(rand.NewPCG(1, 2)), 5000, 40)
	ports := ListeningPorts{6: {443: true, 8080: true}}
	whole := NewObserver(ports)
	for i := range recs {
		whole.Add(&recs[i])
	}
	parts := [3]*Observer{NewObserver(ports), NewObserver(ports), NewObserver(ports)}
	for i := range recs {
		parts[i%3].Add(&recs[i])
	}
	merged := NewObserver(ports)
	for _, p := range parts {
		merged.Merge(p)
	}
	want := whole.Observations()
	if got := merged.Observations(); !reflect.DeepEqual(got, want) {
		t.Errorf("merged observations differ from one observer's (%d vs %d)", len(got), len(want))
	}
	if len(want) < 100 {
		t.Errorf("only %d observations: the random records are too uniform to test anything", len(want))
	}
	// Observations is deterministic and sorted.
	if again := whole.Observations(); !reflect.DeepEqual(again, want) {
		t.Error("Observations is not deterministic")
	}
	for i := 1; i < len(want); i++ {
		if CompareKeys(want[i-1].ObservationKey, want[i].ObservationKey) >= 0 {
			t.Fatalf("not sorted at %d: %+v then %+v", i, want[i-1].ObservationKey, want[i].ObservationKey)
		}
	}
}

// TestCombinedIsMerge: combined (how Read's workers' observers are put
// together) gives what one observer seeing all the records gives, for 1
// to 5 observers, with IPv6 keys, interfaces only some observers saw,
// and observers of very different sizes.
func TestCombinedIsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	recs := randomRecords(rng, 20000, 400)
	for i := range recs {
		if rng.IntN(15) == 0 {
			recs[i].SrcAddr = netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", rng.IntN(40)))
		}
	}
	ports := ListeningPorts{6: {443: true}}
	whole := NewObserver(ports)
	for i := range recs {
		whole.Add(&recs[i])
	}
	want := whole.Observations()
	for parts := 1; parts <= 5; parts++ {
		for _, skew := range []bool{false, true} {
			obs := make([]*Observer, parts)
			for i := range obs {
				obs[i] = NewObserver(ports)
			}
			for i := range recs {
				p := i % parts
				if skew && i%10 != 0 {
					p = 0 // the first sees nine records in ten
				}
				if skew && parts > 1 && recs[i].InterfaceID == "eni-00000000000000007" {
					p = parts - 1 // an interface only the last saw
				}
				obs[p].Add(&recs[i])
			}
			got := combined(obs)
			slices.SortFunc(got, func(a, b Observation) int { return CompareKeys(a.ObservationKey, b.ObservationKey) })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d observers (skewed %v): %d observations, want %d, or different sums", parts, skew, len(got), len(want))
			}
		}
	}
	if combined(nil) != nil {
		t.Error("no observers, some observations")
	}
}

// TestObserverManyReads: one Observer as the sink of two Reads (day by
// day), and one shared by two workers, counts each interface's records
// as an Observer per worker does: each reader numbers interfaces from 1.
func TestObserverManyReads(t *testing.T) {
	src := func(lines string) []flowlog.Source {
		return []flowlog.Source{{Name: "f", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(lines)), nil }}}
	}
	line := func(eni string) string {
		return "2 123456789012 " + eni + " 10.0.0.1 10.0.0.2 40000 443 6 1 100 1700000000 1700000060 ACCEPT OK\n"
	}
	o := NewObserver(nil)
	for _, eni := range []string{"eni-aaaaaaaaaaaaaaaaa", "eni-bbbbbbbbbbbbbbbbb", "eni-aaaaaaaaaaaaaaaaa"} {
		if _, err := flowlog.Read(context.Background(), src(line(eni)), flowlog.Options{Workers: 1}, func() flowlog.Sink { return o }); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int64{}
	for _, ob := range o.Observations() {
		got[ob.InterfaceID] += ob.Records
	}
	if want := map[string]int64{"eni-aaaaaaaaaaaaaaaaa": 2, "eni-bbbbbbbbbbbbbbbbb": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("two reads into one observer: %v, want %v", got, want)
	}

	// Two workers, one observer behind a lock, chunks of many interfaces.
	var b strings.Builder
	for i := range 200000 {
		b.WriteString(line(fmt.Sprintf("eni-%017x", i%5000)))
	}
	shared := lockedObserver{o: NewObserver(nil)}
	if _, err := flowlog.Read(context.Background(), src(b.String()), flowlog.Options{Workers: 2}, func() flowlog.Sink { return &shared }); err != nil {
		t.Fatal(err)
	}
	for _, ob := range shared.o.Observations() {
		if ob.Records != 40 {
			t.Fatalf("%s: %d records, want 40", ob.InterfaceID, ob.Records)
		}
	}
	if n := len(shared.o.Observations()); n != 5000 {
		t.Errorf("%d observations, want 5000", n)
	}
}

type lockedObserver struct {
	mu sync.Mutex
	o  *Observer
}

func (l *lockedObserver) Add(r *flowlog.Record) {
	l.mu.Lock()
	l.o.Add(r)
	l.mu.Unlock()
}

// TestObservationKeyRoundTrip: the packed key keeps every field, and
// tells apart an IPv4 address, the same as IPv4-mapped IPv6, and an
// address the format did not log.
func TestObservationKeyRoundTrip(t *testing.T) {
	addrs := []netip.Addr{{}, netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("::ffff:10.1.2.3"), netip.MustParseAddr("2001:db8::7")}
	seen := map[slotKey]bool{}
	for _, b := range Bases {
		for bits := range 8 {
			for i, c := range addrs {
				s := addrs[(i+1)%len(addrs)]
				k := ObservationKey{InterfaceID: "eni-9", Client: c, Server: s,
					Protocol: 17, Port: 53, ClientIsSrc: bits&1 != 0, Accept: bits&2 != 0, NoAction: bits&4 != 0, Basis: b}
				sk := packKey(k, 0)
				if got := sk.public("eni-9"); got != k {
					t.Errorf("round trip of %+v = %+v", k, got)
				}
				if seen[sk] {
					t.Errorf("%+v packs like another key", k)
				}
				seen[sk] = true
			}
		}
	}
}

// randomRecords returns n records of a realistic account of hosts
// interfaces: each host is the client of 3 others, each server offers one
// service; every record is logged at the client's or the server's
// interface, in either direction, with an ephemeral client port, TCP flags
// sometimes, and a REJECT now and then.
func randomRecords(rng *rand.Rand, n, hosts int) []flowlog.Record {
	return randomRecordsPick(rng, n, hosts, nil)
}

// randomRecordsPick is randomRecords choosing each record's client with
// pick (uniformly when nil).
func randomRecordsPick(rng *rand.Rand, n, hosts int, pick func() int) []flowlog.Record {
	if pick == nil {
		pick = func() int { return rng.IntN(hosts) }
	}
	ifaces := make([]string, hosts)
	addrs := make([]netip.Addr, hosts)
	peers := make([][3]int, hosts)
	for i := range hosts {
		ifaces[i] = fmt.Sprintf("eni-%017x", i)
		addrs[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		peers[i] = [3]int{rng.IntN(hosts), rng.IntN(hosts), rng.IntN(hosts)}
	}
	services := []int32{443, 80, 8080, 3306, 6379, 22, 53, 5432, 9200, 11211}
	out := make([]flowlog.Record, n)
	for i := range out {
		c := pick()
		s := peers[c][rng.IntN(3)]
		svc := services[s%len(services)]
		eph := int32(32768 + rng.IntN(28000))
		r := flowlog.Record{
			Version: 3, InterfaceID: ifaces[[2]int{c, s}[rng.IntN(2)]], Protocol: 6,
			SrcAddr: addrs[c], DstAddr: addrs[s], SrcPort: eph, DstPort: svc,
			Packets: int64(1 + rng.IntN(100)), Bytes: int64(40 + rng.IntN(100000)),
			Start: int64(1700000000 + rng.IntN(3600)), Action: flowlog.ActionAccept, TCPFlags: -1,
		}
		r.End = r.Start + 60
		switch rng.IntN(4) {
		case 0:
			r.TCPFlags = 2
		case 1:
			r.TCPFlags = 0
		}
		if svc == 53 {
			r.Protocol = 17
		}
		if rng.IntN(2) == 0 { // the reply
			r.SrcAddr, r.DstAddr, r.SrcPort, r.DstPort = r.DstAddr, r.SrcAddr, r.DstPort, r.SrcPort
			if r.TCPFlags == 2 {
				r.TCPFlags = 18
			}
		}
		if rng.IntN(10) == 0 {
			r.Action = flowlog.ActionReject
		}
		out[i] = r
	}
	return out
}

// TestObserveInterfaces: interface IDs with a reader's number or none
// (0), one ID under two numbers (the reader's intern table started over),
// and a format without interface-id (""), each ID keeps its own
// observations.
func TestObserveInterfaces(t *testing.T) {
	o := NewObserver(nil)
	ids := []struct {
		id string
		n  uint32
	}{{"eni-1", 1}, {"", 0}, {"eni-1", 0}, {"eni-2", 2}, {"", 0}, {"eni-2", 2}, {"eni-1", 1}, {"eni-1", 7}, {"eni-1", 7}, {"eni-3", maxByN + 1}, {"eni-3", maxByN + 1}}
	for _, x := range ids {
		r := rec(6, "10.0.0.1", 40000, "10.0.0.2", 443, -1)
		r.InterfaceID, r.InterfaceN = x.id, x.n
		o.Add(r)
	}
	got := map[string]int64{}
	for _, ob := range o.Observations() {
		got[ob.InterfaceID] += ob.Records
	}
	if want := map[string]int64{"": 2, "eni-1": 5, "eni-2": 2, "eni-3": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("records by interface %v, want %v", got, want)
	}
	if len(o.Observations()) != 4 {
		t.Errorf("%d observations, want one per interface", len(o.Observations()))
	}
}

// TestObserveReaderNumbers: records as flowlog.Read gives them, numbered
// by the reader, fold to the observations of the same records with their
// numbers taken away, on a file of more interfaces than the reader's
// intern table holds (so numbers are given anew).
func TestObserveReaderNumbers(t *testing.T) {
	var b strings.Builder
	for i := range 80000 {
		fmt.Fprintf(&b, "2 123456789010 eni-%017x 10.0.%d.%d 10.1.0.5 %d 443 6 1 100 1700000000 1700000060 ACCEPT OK\n", i%70000, i%200, i%250, 32768+i%20000)
	}
	data := b.String()
	numbered, plain := NewObserver(nil), NewObserver(nil)
	seen := map[uint32]string{}
	unnumbered := 0
	_, err := flowlog.Read(context.Background(), []flowlog.Source{{Name: "f", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(data)), nil
	}}}, flowlog.Options{Workers: 1, Strings: observedStrings, Only: observedFields}, func() flowlog.Sink {
		return sinkFunc(func(r *flowlog.Record) {
			// A value whose search in the intern table is too long is not
			// interned and has no number. (t.Error, not t.Fatal: this
			// runs on Read's worker.)
			if r.InterfaceN == 0 {
				unnumbered++
			} else if id, ok := seen[r.InterfaceN]; ok && id != r.InterfaceID {
				t.Errorf("number %d for %s and %s", r.InterfaceN, id, r.InterfaceID)
			} else {
				seen[r.InterfaceN] = r.InterfaceID
			}
			numbered.Add(r)
			c := *r
			c.InterfaceN = 0
			plain.Add(&c)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if unnumbered > 1000 {
		t.Errorf("%d records of 80,000 without a number", unnumbered)
	}
	if len(seen) <= 70000 {
		t.Fatalf("%d numbers for 70,000 interfaces: the intern table never started over", len(seen))
	}
	if got, want := numbered.Observations(), plain.Observations(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%d observations with numbers, %d without, or different", len(got), len(want))
	}
}

// TestObserverMatchesNaive: the packed, batched table gives what a plain
// map of ObservationKey gives, on random records of many keys (including
// IPv6, records without addresses, REJECT and records without action).
func TestObserverMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	recs := randomRecords(rng, 20000, 300)
	for i := range recs {
		switch rng.IntN(20) {
		case 0:
			recs[i].SrcAddr = netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", rng.IntN(50)))
		case 1:
			recs[i].DstAddr = netip.Addr{}
		case 2:
			recs[i].Action = flowlog.ActionNone
		case 3:
			recs[i].Start, recs[i].End = -1, -1
		}
	}
	ports := ListeningPorts{6: {443: true, 3306: true}}
	o := NewObserver(ports)
	naive := map[ObservationKey]*Observation{}
	for i := range recs {
		r := &recs[i]
		o.Add(r)
		c, port, basis := o.Side(r)
		k := ObservationKey{InterfaceID: r.InterfaceID, Client: r.SrcAddr, Server: r.DstAddr, Protocol: r.Protocol, Port: port,
			ClientIsSrc: c, Accept: r.Action == flowlog.ActionAccept, NoAction: r.Action == flowlog.ActionNone, Basis: basis}
		if !c {
			k.Client, k.Server = r.DstAddr, r.SrcAddr
		}
		n := naive[k]
		if n == nil {
			n = &Observation{ObservationKey: k, Start: -1, End: -1}
			naive[k] = n
		}
		n.Records++
		n.Packets += max(r.Packets, 0)
		n.Bytes += max(r.Bytes, 0)
		if c && (r.Protocol != 6 || r.TCPFlags < 0 || r.TCPFlags&2 != 0) {
			n.Connections++
		}
		if r.Start >= 0 && (n.Start < 0 || r.Start < n.Start) {
			n.Start = r.Start
		}
		n.End = max(n.End, r.End)
	}
	var want []Observation
	for _, n := range naive {
		want = append(want, *n)
	}
	slices.SortFunc(want, func(a, b Observation) int { return CompareKeys(a.ObservationKey, b.ObservationKey) })
	got := o.Observations()
	if len(got) != len(want) {
		t.Fatalf("%d observations, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("observation %d:\n %+v\nwant\n %+v", i, got[i], want[i])
		}
	}
}

// TestKey4: an IPv4 key packs into the 64-byte slot and comes back as the
// general key would; IPv4-mapped IPv6 addresses stay in the general table.
func TestKey4(t *testing.T) {
	if n := unsafe.Sizeof(slot[key4]{}); n != 64 {
		t.Errorf("IPv4 slot is %d bytes", n)
	}
	k := ObservationKey{InterfaceID: "eni-9", Client: netip.MustParseAddr("10.1.2.3"), Server: netip.MustParseAddr("192.168.255.1"),
		Protocol: 6, Port: 5432, ClientIsSrc: true, Accept: true, Basis: Bases[2]}
	o := NewObserver(ListeningPorts{})
	for _, mapped := range []bool{false, true} {
		src, dst := k.Client, k.Server
		if mapped {
			src, dst = netip.AddrFrom16(src.As16()), netip.AddrFrom16(dst.As16())
		}
		o.Add(&flowlog.Record{InterfaceID: "eni-9", SrcAddr: src, DstAddr: dst, SrcPort: 40000, DstPort: 5432, Protocol: 6, TCPFlags: -1,
			Packets: 2, Bytes: 100, Start: 10, End: 20, Action: flowlog.ActionAccept})
	}
	if o.t4.len() != 1 || o.table.len() != 1 {
		t.Fatalf("IPv4 table %d, general %d", o.t4.len(), o.table.len())
	}
	got := o.Observations()
	if len(got) != 2 {
		t.Fatalf("observations %+v", got)
	}
	for _, ob := range got {
		if ob.Client.Unmap() != k.Client || ob.Server.Unmap() != k.Server || ob.Port != 5432 || !ob.ClientIsSrc || !ob.Accept || ob.Packets != 2 || ob.Bytes != 100 || ob.Start != 10 || ob.End != 20 {
			t.Errorf("observation %+v", ob)
		}
	}
	sk := o.t4.slots[0].k.slotKey()
	if p := packKey(got[0].ObservationKey, 0); !got[0].Client.Is4() || sk != p {
		t.Errorf("key4 as slotKey %+v, packed %+v of %+v", sk, p, got[0])
	}
}
