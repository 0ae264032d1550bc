package flowlog

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// corpusDir is the third-party corpus of real flow-log samples beside the
// clone (<clone>/../shared/corpus/vpc-flow-logs; see its formats.json and
// aws-docs-derived/index.json).
const corpusDir = "../../../shared/corpus/vpc-flow-logs"

func corpus(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(corpusDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("flow-log corpus not found at %s (expected beside the clone): %v", p, err)
	}
	return p
}

// collect is a Sink keeping copies of the records (strings are interned,
// so a copy of the struct is enough).
type collect struct {
	mu   *sync.Mutex
	recs *[]Record
}

// Add keeps a copy of r without its InterfaceN and Numbering: numbers are
// per worker, and collect gathers the records of all (TestInterfaceNumbers
// tests them).
func (c collect) Add(r *Record) {
	rec := *r
	rec.InterfaceN, rec.Numbering = 0, 0
	c.mu.Lock()
	*c.recs = append(*c.recs, rec)
	c.mu.Unlock()
}

func readAll(t *testing.T, opt Options, sources ...Source) ([]Record, Stats, error) {
	t.Helper()
	var mu sync.Mutex
	var recs []Record
	st, err := Read(context.Background(), sources, opt, func() Sink { return collect{&mu, &recs} })
	return recs, st, err
}

func readPaths(t *testing.T, opt Options, paths ...string) ([]Record, Stats) {
	t.Helper()
	srcs, err := Files(paths...)
	if err != nil {
		t.Fatal(err)
	}
	recs, st, err := readAll(t, opt, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	return recs, st
}

// formatOf turns a list of names as formats.json writes them into a format.
func formatOf(t *testing.T, names string) []Field {
	t.Helper()
	var b strings.Builder
	for _, n := range strings.Fields(names) {
		b.WriteString("${" + n + "} ")
	}
	f, err := ParseFormat(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestCorpusAWSDocs reads the User Guide's examples (flow-logs-records-
// examples.md), each as S3 delivers it (gzip, header line) and unpacked,
// and checks the record counts index.json gives.
func TestCorpusAWSDocs(t *testing.T) {
	dir := corpus(t, "aws-docs-derived")
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		File, Gzip, Format string
		Records            int64
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	if len(index) == 0 {
		t.Fatal("index.json lists no file")
	}
	for _, e := range index {
		for _, name := range []string{e.File, e.Gzip} {
			t.Run(name, func(t *testing.T) {
				_, st := readPaths(t, Options{}, filepath.Join(dir, name))
				if got := st.Records + st.NoData + st.SkipData; got != e.Records || st.BadLines != 0 || st.Files != 1 {
					t.Errorf("records+nodata+skipdata = %d, bad %d, files %d; want %d, 0, 1 (%+v)", got, st.BadLines, st.Files, e.Records, st.Bad)
				}
			})
		}
	}
	// The whole folder at once: every file, in order, each by its header.
	_, st := readPaths(t, Options{Workers: 3}, dir)
	var want int64
	for _, e := range index {
		want += 2 * e.Records
	}
	if got := st.Records + st.NoData + st.SkipData; got != want || st.Files != int64(2*len(index)) {
		t.Errorf("folder: %d records in %d files, want %d in %d", got, st.Files, want, 2*len(index))
	}
}

// TestCorpusValues spot-checks field values against the User Guide's
// explanations of its examples.
func TestCorpusValues(t *testing.T) {
	dir := corpus(t, "aws-docs-derived")
	one := func(name string) []Record {
		recs, _ := readPaths(t, Options{Workers: 1}, filepath.Join(dir, name))
		return recs
	}
	a := netip.MustParseAddr
	// Accepted and rejected traffic: SSH accepted, RDP rejected.
	recs := one("accepted-rejected.log")
	want := Record{Has: setOf(DefaultFormat), Version: 2, AccountID: "123456789010", InterfaceID: "eni-1235b8ca123456789",
		SrcAddr: a("172.31.16.139"), DstAddr: a("172.31.16.21"), SrcPort: 20641, DstPort: 22, Protocol: 6, Packets: 20, Bytes: 4249,
		Start: 1418530010, End: 1418530070, Action: ActionAccept, TCPFlags: -1, TrafficPath: -1}
	if len(recs) != 2 || recs[0] != want {
		t.Errorf("accepted-rejected:\n got %+v\nwant %+v", recs, want)
	}
	if len(recs) == 2 && (recs[1].Action != ActionReject || recs[1].DstPort != 3389) {
		t.Errorf("accepted-rejected second record: %+v", recs[1])
	}
	// IPv6.
	recs = one("ipv6.log")
	if len(recs) != 1 || recs[0].SrcAddr != a("2001:db8:1234:a100:8d6e:3477:df66:f105") || recs[0].DstAddr != a("2001:db8:1234:a102:3304:8879:34cf:4071") {
		t.Errorf("ipv6: %+v", recs)
	}
	// NAT gateway: a custom format without version; pkt-* addresses.
	recs = one("nat.log")
	if len(recs) != 6 || recs[0].Version != -1 || recs[0].InstanceID != "" || recs[0].PktDstAddr != a("203.0.113.5") ||
		recs[4].InstanceID != "i-01234567890123456" || recs[0].Has.Has(FieldVersion) || !recs[0].Has.Has(FieldPktDstAddr) || recs[0].SrcPort != -1 {
		t.Errorf("nat: %+v", recs)
	}
	// TCP flags, including the last line's double space.
	recs = one("tcp-flag.log")
	var flags []int16
	for _, r := range recs {
		flags = append(flags, r.TCPFlags)
	}
	if got := flagsString(flags); got != "2 18 2 18 1 1 3 19" {
		t.Errorf("tcp-flag: flags %s", got)
	}
	if len(recs) == 8 && (recs[2].Bytes != 100701 || recs[2].Packets != 70 || recs[0].Type != "IPv4" || recs[0].VPCID != "vpc-abcdefab012345678") {
		t.Errorf("tcp-flag: %+v", recs[2])
	}
	// Version 5: service names, flow direction, traffic path.
	recs = one("traffic-path.log")
	if len(recs) != 2 {
		t.Fatalf("traffic-path: %d records", len(recs))
	}
	in, out := recs[0], recs[1]
	if in.FlowDirection != DirectionIngress || in.PktSrcAWSService != "S3" || in.TrafficPath != -1 || in.Region != "ap-southeast-2" || in.AZID != "apse2-az3" ||
		in.SublocationType != "" || out.FlowDirection != DirectionEgress || out.PktDstAWSService != "S3" || out.TrafficPath != 8 || out.TCPFlags != 3 {
		t.Errorf("traffic-path:\n%+v\n%+v", in, out)
	}
	// No data: counted, not records.
	_, st := readPaths(t, Options{}, filepath.Join(dir, "no-data.log"))
	if st.NoData != 1 || st.SkipData != 1 || st.Records != 0 {
		t.Errorf("no-data: %+v", st)
	}
}

func setOf(fs []Field) FieldSet {
	var s FieldSet
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

func flagsString(fs []int16) string {
	var b []byte
	for i, f := range fs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendNum(b, int64(f))
	}
	return string(b)
}

// TestCorpusFormats reads every file formats.json lists, with the format
// it gives for files without a header, and checks what each line is.
func TestCorpusFormats(t *testing.T) {
	corpus(t, "formats.json")
	data, err := os.ReadFile(filepath.Join(corpusDir, "formats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		File         string
		FormatSource string `json:"format_source"`
		Format       string
		Lines        int64
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	type want struct {
		records, nodata, skipdata, bad, blank int64
		headers                               int64 // header lines, not counted
		explicit                              bool  // read with the format formats.json gives
		notes                                 int
	}
	wants := map[string]want{
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/accept-reject-traffic.log":                      {records: 4, headers: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/bad.log":                                        {bad: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/custom-nat-gateway.log":                         {records: 2, headers: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/custom-transit-gateway.log":                     {records: 1, explicit: true},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/ipv6.log":                                       {records: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/no-data-skip-data.log":                          {nodata: 1, skipdata: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/tcp-flag-sequence.log":                          {records: 1, headers: 1},
		"elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/tcp-flag-sequence-skip-data.log":                {nodata: 1, skipdata: 1, headers: 2, blank: 1},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-extra-samples.log":      {records: 5, nodata: 1, skipdata: 1},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-tcp-flag-sequence.log":  {records: 1, nodata: 1, skipdata: 1, headers: 3},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-v5-all-fields.log":      {records: 1, explicit: true},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-ecs-samples.log":        {records: 4, nodata: 4, skipdata: 2, explicit: true},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-v8-samples.log":         {nodata: 1, explicit: true},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-tgw-samples.log":        {records: 3, nodata: 1, skipdata: 6, explicit: true},
		"elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline/test-with-message-field.log": {nodata: 1},
		"grafana-loki/tools/lambda-promtail/testdata/vpcflowlog.log.gz":                                        {records: 3, headers: 1},
		"elastic-beats/x-pack/filebeat/processors/aws_vpcflow/testdata/aws-vpc-flow-logs.yml":                  {}, // TestCorpusBeatsSamples
	}
	for _, e := range entries {
		w, ok := wants[e.File]
		if !ok {
			t.Errorf("%s: a corpus file this test does not know; add it", e.File)
			continue
		}
		if strings.HasSuffix(e.File, ".yml") {
			continue
		}
		t.Run(filepath.Base(e.File), func(t *testing.T) {
			var opt Options
			if w.explicit {
				opt.Format = formatOf(t, e.Format)
			}
			_, st := readPaths(t, opt, filepath.Join(corpusDir, e.File))
			got := want{records: st.Records, nodata: st.NoData, skipdata: st.SkipData, bad: st.BadLines, blank: st.BlankLines, headers: w.headers, explicit: w.explicit}
			if got != w {
				t.Errorf("got %+v, want %+v (bad lines %+v)", got, w, st.Bad)
			}
			if lines := w.records + w.nodata + w.skipdata + w.bad + w.headers; lines != e.Lines {
				t.Errorf("the table's lines add up to %d, formats.json says %d", lines, e.Lines)
			}
		})
	}
}

// TestCorpusValuesOthers spot-checks values of the other corpora.
func TestCorpusValuesOthers(t *testing.T) {
	corpus(t, "formats.json")
	a := netip.MustParseAddr
	pipeline := filepath.Join(corpusDir, "elastic-integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline")
	// The upstream typo: a 9-digit start is still a number.
	all := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
	if got := HeaderLine(AllFields); got != all {
		t.Errorf("AllFields = %s", got)
	}
	recs, _ := readPaths(t, Options{Format: AllFields}, filepath.Join(pipeline, "test-v5-all-fields.log"))
	if len(recs) != 1 || recs[0].Start != 164000066 || recs[0].End != 1640000297 || recs[0].PktSrcAWSService != "AMAZON" ||
		recs[0].PktDstAWSService != "CLOUDFRONT" || recs[0].TrafficPath != 1 || recs[0].Protocol != 17 || recs[0].AccountID != "64111117617" {
		t.Errorf("v5 all fields: %+v", recs)
	}
	// ECS: interface-id "-", ECS columns skipped.
	ecs := formatOf(t, all+" ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id")
	recs, _ = readPaths(t, Options{Format: ecs, Workers: 1}, filepath.Join(pipeline, "test-ecs-samples.log"))
	if len(recs) != 4 || recs[0].InterfaceID != "" || recs[0].SrcAddr != a("1.128.0.0") || recs[0].DstAddr != a("2a02:cf40::") || recs[0].FlowDirection != DirectionIngress {
		t.Errorf("ecs: %+v", recs)
	}
	// gzip, S3 style, public AWS address.
	recs, st := readPaths(t, Options{}, filepath.Join(corpusDir, "grafana-loki/tools/lambda-promtail/testdata/vpcflowlog.log.gz"))
	if len(recs) != 3 || st.Bytes == 0 {
		t.Fatalf("loki: %d records, %+v", len(recs), st)
	}
	found := false
	for _, r := range recs {
		found = found || r.DstAddr == a("3.239.232.29") && r.DstPort == 443 && r.Bytes == 21869
	}
	if !found {
		t.Errorf("loki: no record to 3.239.232.29:443 of 21869 bytes: %+v", recs)
	}
	// bad.log is reported with its position and text.
	_, st = readPaths(t, Options{}, filepath.Join(corpusDir, "elastic-beats/x-pack/filebeat/module/aws/vpcflow/test/bad.log"))
	if len(st.Bad) != 1 || st.Bad[0].Line != 1 || st.Bad[0].Text != "Phony unsupported log format." || st.Bad[0].Reason != "4 fields, the format has 14" ||
		!strings.HasSuffix(st.Bad[0].File, "bad.log") {
		t.Errorf("bad.log: %+v", st.Bad)
	}
}

// TestCorpusBeatsSamples parses every sample of Beats' processor tests
// with the format the case gives (the v6 case is a Transit Gateway flow
// log with double spaces; the v7 one has ECS fields).
func TestCorpusBeatsSamples(t *testing.T) {
	path := corpus(t, "elastic-beats/x-pack/filebeat/processors/aws_vpcflow/testdata/aws-vpc-flow-logs.yml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]struct {
		Format  string
		Samples []string
	}
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	total := 0
	for name, c := range cases {
		f := formatOf(t, c.Format)
		p := newParser()
		fm := newFormat(f)
		for i, s := range c.Samples {
			var r Record
			if b := p.parse(fm, []byte(s), &r); b.kind != badNone {
				t.Errorf("%s sample %d: %s: %s", name, i+1, b.reason(fm), s)
			}
			total++
		}
	}
	if total < 30 {
		t.Errorf("only %d samples", total)
	}
}
