package athena_test

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
)

// fixturePorts are the listening ports the fixture's traffic is drawn
// around (and the SQL and the observer are given).
var fixturePorts = flows.ListeningPorts{
	6:   {22: true, 443: true, 5432: true, 6379: true, 8080: true, 3306: true},
	17:  {53: true, 5353: true},
	132: {3868: true},
}

// writeFixture writes n records of every kind stage 1 tells apart, with
// a header line naming all fields of versions 2 to 5 in AWS's order (the
// columns of AWS's Athena table), deterministic for a seed. Small pools
// of interfaces, addresses and ports make keys repeat, so observations
// sum many records. gzip compresses the file as S3 delivers it.
func writeFixture(t testing.TB, path string, n int, seed uint64, gz bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
	}
	bw := bufio.NewWriter(w)
	var names []string
	for _, fl := range athena.AllFields() {
		names = append(names, strings.ReplaceAll(athena.ColumnName(fl), "_", "-"))
	}
	fmt.Fprintln(bw, strings.Join(names, " "))
	g := fixtureGen{r: rand.New(rand.NewPCG(seed, 5))}
	for range n {
		fmt.Fprintln(bw, strings.Join(g.record(), " "))
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

type fixtureGen struct{ r *rand.Rand }

func (g fixtureGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g fixtureGen) chance(p float64) bool    { return g.r.Float64() < p }
func (g fixtureGen) num(lo, hi int) string    { return strconv.Itoa(lo + g.r.IntN(hi-lo+1)) }

var (
	fixtureENIs = []string{"eni-0a1b2c3d4e5f60001", "eni-0a1b2c3d4e5f60002", "eni-0a1b2c3d4e5f60003", "eni-0a1b2c3d4e5f60004", "eni-0a1b2c3d4e5f60005"}
	fixtureV4   = []string{"10.0.1.10", "10.0.1.11", "10.0.2.20", "10.0.2.21", "172.31.16.139", "203.0.113.12", "198.51.100.7", "52.95.128.179"}
	fixtureV6   = []string{"2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a102:3304:8879:34cf:4071", "2600:1f18:aaaa:bbbb::1", "2001:db8::2"}
)

// record is one line's fields in AWS's order.
func (g fixtureGen) record() []string {
	eni := g.pick(fixtureENIs...)
	if g.chance(0.01) {
		eni = "-"
	}
	start := 1714521600 + g.r.IntN(86400)
	end := start + 30 + g.r.IntN(60)
	startS, endS := strconv.Itoa(start), strconv.Itoa(end)
	if g.chance(0.01) {
		startS = "-"
	}
	if g.chance(0.01) {
		endS = "-"
	}
	rec := make([]string, 29)
	for i := range rec {
		rec[i] = "-"
	}
	rec[0], rec[1], rec[2], rec[10], rec[11] = "5", "123456789012", eni, startS, endS
	switch {
	case g.chance(0.03):
		rec[13] = "NODATA"
		return rec
	case g.chance(0.02):
		rec[13] = "SKIPDATA"
		return rec
	}
	v6 := g.chance(0.2)
	pool, typ := fixtureV4, "IPv4"
	if v6 {
		pool, typ = fixtureV6, "IPv6"
	}
	src, dst := g.pick(pool...), g.pick(pool...)
	if g.chance(0.01) {
		src = "-"
	}
	if g.chance(0.01) {
		dst = "-"
	}
	var proto string
	switch x := g.r.IntN(100); {
	case x < 55:
		proto = "6"
	case x < 75:
		proto = "17"
	case x < 83:
		proto = "1"
		if v6 {
			proto = "58"
		}
	case x < 90:
		proto = "132"
	case x < 95:
		proto = "47"
	case x < 97:
		proto = "-"
	default:
		proto = "6"
	}
	sport, dport := g.ports(proto)
	flags := "-"
	switch {
	case proto == "6" && !g.chance(0.1):
		flags = g.pick("0", "1", "2", "2", "3", "4", "6", "16", "18", "18", "19", "22", "27")
	case !g.chance(0.3):
		flags = "0"
	}
	packets, bytes := g.num(1, 5000), g.num(40, 9000000)
	if g.chance(0.02) {
		packets = "-"
	}
	if g.chance(0.02) {
		bytes = "-"
	}
	action := g.pick("ACCEPT", "ACCEPT", "ACCEPT", "ACCEPT", "REJECT")
	if g.chance(0.02) {
		action = "-"
	}
	rec[3], rec[4], rec[5], rec[6], rec[7], rec[8], rec[9], rec[12], rec[13] = src, dst, sport, dport, proto, packets, bytes, action, "OK"
	rec[14], rec[15] = "vpc-0123456789abcdef0", "subnet-0123456789abcdef"+g.num(0, 3)
	if g.chance(0.7) {
		rec[16] = "i-0123456789abcdef" + g.num(10, 14)
	}
	rec[17], rec[18], rec[19], rec[20] = flags, typ, src, dst
	rec[21], rec[22] = "us-east-1", g.pick("use1-az1", "use1-az2")
	if g.chance(0.1) {
		rec[25] = g.pick("S3", "DYNAMODB", "AMAZON")
	}
	rec[27] = g.pick("ingress", "egress")
	if rec[27] == "egress" {
		rec[28] = g.num(1, 8)
	}
	return rec
}

// ports gives the scenarios each rule of stage 1 decides.
func (g fixtureGen) ports(proto string) (string, string) {
	switch proto {
	case "1", "58":
		return "0", g.pick("0", "0", "8", "3") // ICMP logs type/code or 0: no ports either way
	case "47":
		return "0", "0"
	}
	eph := g.num(32768, 61000)
	listen := map[string][]string{"6": {"22", "443", "5432", "6379", "8080", "3306"}, "17": {"53", "5353"}, "132": {"3868"}, "-": {"443"}}[proto]
	switch g.r.IntN(10) {
	case 0, 1:
		return eph, g.pick(listen...) // to a listening port
	case 2, 3:
		return g.pick(listen...), eph // its answer
	case 4:
		return eph, g.pick("80", "25", "123", "1023") // well-known, not listening
	case 5:
		return g.pick("80", "1023"), g.num(1024, 65535)
	case 6:
		return g.num(1024, 9000), g.num(1024, 65535) // the lower port
	case 7:
		p := g.pick("123", "4500", "50000")
		return p, p // equal ports: the destination's
	case 8:
		return g.pick("443", "22"), g.pick("5432", "8080") // both listening: fall through
	}
	if g.chance(0.5) {
		return "-", g.pick(listen...)
	}
	return eph, "-"
}
