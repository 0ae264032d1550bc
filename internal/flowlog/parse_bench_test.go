package flowlog

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// benchLines makes n lines of format for 10,000 interfaces.
func benchLines(n int, format []Field) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	var lines [][]byte
	for i := 0; i < n; i++ {
		rec := Record{Version: 5, AccountID: "111122223333", InterfaceID: fmt.Sprintf("eni-%017x", r.IntN(10000)),
			SrcAddr: netip.AddrFrom4([4]byte{10, byte(r.IntN(20)), byte(r.IntN(256)), byte(r.IntN(256))}),
			DstAddr: netip.AddrFrom4([4]byte{10, byte(r.IntN(20)), byte(r.IntN(256)), byte(r.IntN(256))}),
			SrcPort: int32(32768 + r.IntN(28000)), DstPort: 443, Protocol: 6, Packets: int64(r.IntN(100)), Bytes: int64(r.IntN(100000)),
			Start: 1717372800 + int64(r.IntN(300)), End: 1717372900, Action: ActionAccept, VPCID: fmt.Sprintf("vpc-%017x", r.IntN(20)),
			SubnetID: fmt.Sprintf("subnet-%017x", r.IntN(180)), InstanceID: fmt.Sprintf("i-%017x", r.IntN(8000)), TCPFlags: 19, Type: "IPv4",
			Region: "ap-northeast-1", AZID: "apne1-az1", FlowDirection: DirectionIngress, TrafficPath: -1}
		rec.PktSrcAddr, rec.PktDstAddr = rec.SrcAddr, rec.DstAddr
		lines = append(lines, AppendLine(nil, &rec, format))
	}
	return lines
}

// BenchmarkParseLine parses lines on one goroutine: the cost per line,
// each of a random interface of 10,000 (the worst case for interning):
//
//	go test ./internal/flowlog -run '^$' -bench ParseLine -benchmem
func BenchmarkParseLine(b *testing.B) {
	// observed are the fields flows.Observer reads (flows' observedFields),
	// the others only delimited, as the flows command reads.
	observed := []Field{FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldSrcPort, FieldDstPort, FieldProtocol,
		FieldPackets, FieldBytes, FieldStart, FieldEnd, FieldAction, FieldLogStatus, FieldTCPFlags}
	for _, c := range []struct {
		name   string
		format []Field
		only   []Field
	}{{"v2", DefaultFormat, nil}, {"v5", AllFields, nil}, {"v2-observed", DefaultFormat, observed}, {"v5-observed", AllFields, observed}} {
		b.Run(c.name, func(b *testing.B) {
			lines := benchLines(100000, c.format)
			size := 0
			for _, l := range lines {
				size += len(l) + 1
			}
			f := newFormat(c.format)
			p := newParser()
			if c.only != nil {
				p.readOnly(c.only)
				p.keepOnly([]Field{FieldInterfaceID})
			}
			var rec Record
			b.SetBytes(int64(size) / int64(len(lines)))
			b.ReportAllocs()
			i := 0
			cpu := CPUTime()
			for b.Loop() {
				if bad := p.parse(f, lines[i], &rec); bad.kind != badNone {
					b.Fatal(bad.reason(f), string(lines[i]))
				}
				i++
				if i == len(lines) {
					i = 0
				}
			}
			b.ReportMetric(float64(CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
