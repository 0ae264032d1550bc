package athena

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (go test -update rewrites it):\n%s", path, got)
	}
}

var ports = flows.ListeningPorts{
	6:   {22: true, 443: true, 5432: true, 6379: true, 8080: true, 9999: false},
	17:  {53: true, 123: true},
	132: {3868: true},
	1:   {8: true}, // ICMP has no ports: never listed
}

// tcpFlagFormat is the custom format of the AWS docs' tcp-flag sample
// (../shared/corpus/vpc-flow-logs/aws-docs-derived/tcp-flag.log).
var tcpFlagFormat = []flowlog.Field{
	flowlog.FieldVersion, flowlog.FieldVPCID, flowlog.FieldSubnetID, flowlog.FieldInstanceID,
	flowlog.FieldInterfaceID, flowlog.FieldAccountID, flowlog.FieldType, flowlog.FieldSrcAddr,
	flowlog.FieldDstAddr, flowlog.FieldSrcPort, flowlog.FieldDstPort, flowlog.FieldPktSrcAddr,
	flowlog.FieldPktDstAddr, flowlog.FieldProtocol, flowlog.FieldBytes, flowlog.FieldPackets,
	flowlog.FieldStart, flowlog.FieldEnd, flowlog.FieldAction, flowlog.FieldTCPFlags, flowlog.FieldLogStatus,
}

func TestSQLGolden(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		file  string
		table string
		ports flows.ListeningPorts
		opts  []Option
	}{
		{"default.sql", "vpc_flow_logs", ports, nil},
		{"date-range.sql", "flowlogs_db.vpc_flow_logs", ports, []Option{DateRange(day("2024-05-01"), day("2024-05-07"))}},
		{"date-from.sql", "vpc_flow_logs", ports, []Option{DateRange(day("2024-05-01"), time.Time{}), PartitionColumn("day")}},
		// The default version-2 format: no tcp_flags column, no ports known.
		{"v2-no-ports.sql", "vpc_flow_logs_v2", nil, []Option{Fields(AllFields()[:14]...)}},
		{"custom-no-action.sql", "nat", nil, []Option{Fields(flowlog.FieldInstanceID, flowlog.FieldInterfaceID, flowlog.FieldSrcAddr, flowlog.FieldDstAddr, flowlog.FieldPktSrcAddr, flowlog.FieldPktDstAddr)}},
	}
	for _, tt := range tests {
		got, err := SQL(tt.table, tt.ports, tt.opts...)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		golden(t, tt.file, got)
		again, _ := SQL(tt.table, tt.ports, tt.opts...)
		if again != got {
			t.Errorf("%s: SQL is not deterministic", tt.file)
		}
	}
}

// TestSQLText pins what a reader of the query relies on, beside the goldens.
func TestSQLText(t *testing.T) {
	q, err := SQL("vpc_flow_logs", ports)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    (6, 22),\n    (6, 443),\n    (6, 5432),\n    (6, 6379),\n    (6, 8080),\n    (17, 53),\n    (17, 123),\n    (132, 3868)\n",
		`FROM "vpc_flow_logs"`,
		`coalesce("tcp_flags", -1)`,
		`NOT IN ('NODATA', 'SKIPDATA')`,
	} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q", want)
		}
	}
	for _, bad := range []string{"(6, 9999)", "(1, 8)", `"date"`} {
		if strings.Contains(q, bad) {
			t.Errorf("query has %q", bad)
		}
	}
	// The query's last SELECT names exactly the Columns, in order.
	final := q[strings.LastIndex(q, "\nSELECT\n"):]
	var names []string
	for _, line := range strings.Split(final, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), ","))
		if i := strings.LastIndex(line, " AS "); i >= 0 {
			names = append(names, line[i+4:])
		} else if line != "" && !strings.HasPrefix(line, "--") && !strings.Contains(line, " ") && line != "SELECT" {
			names = append(names, line)
		}
	}
	if !reflect.DeepEqual(names, Columns) {
		t.Errorf("final SELECT names %v, want Columns %v", names, Columns)
	}
	// No ports: a row that matches no record with ports.
	q, _ = SQL("t", flows.ListeningPorts{})
	if !strings.Contains(q, "(-1, -1)") {
		t.Errorf("query without ports lacks the empty row")
	}
	// Without tcp_flags in the table the query reads it as not logged.
	q, _ = SQL("t", nil, Fields(AllFields()[:14]...))
	if !strings.Contains(q, "coalesce(CAST(NULL AS integer), -1) AS tcp_flags") || strings.Contains(q, `"tcp_flags"`) {
		t.Errorf("query over a version-2 table reads tcp_flags")
	}
}

func TestSQLErrors(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		name  string
		table string
		opts  []Option
		want  string
	}{
		{"quote in table", `vpc"; DROP TABLE x; --`, nil, "is not a name Athena accepts"},
		{"empty table", "", nil, "is not a name Athena accepts"},
		{"three parts", "a.b.c", nil, "want TABLE or DATABASE.TABLE"},
		{"empty part", "db.", nil, "is not a name Athena accepts"},
		{"reversed range", "t", []Option{DateRange(day("2024-05-07"), day("2024-05-01"))}, "the end is before the start"},
		{"bad partition", "t", []Option{DateRange(day("2024-05-07"), time.Time{}), PartitionColumn("d ay")}, "partition column"},
		{"unknown field", "t", []Option{Fields(flowlog.Field(200))}, "not a flow-log field"},
	}
	for _, tt := range tests {
		_, err := SQL(tt.table, nil, tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: SQL error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestDDLGolden(t *testing.T) {
	ddl, err := DDL("vpc_flow_logs", "s3://amzn-s3-demo-bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "ddl.sql", ddl)
	custom, err := DDL("flowlogs_db.tcp_flag", "s3://amzn-s3-demo-bucket/AWSLogs/123456789010/vpcflowlogs/us-east-1/", Fields(tcpFlagFormat...))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "ddl-custom.sql", custom)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	parts, err := AddPartitions("vpc_flow_logs", "s3://amzn-s3-demo-bucket/prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1", day("2024-02-28"), day("2024-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "partitions.sql", parts)
}

func TestDDLErrors(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"http location", second(DDL("t", "https://bucket/")), "want s3://"},
		{"quote in location", second(DDL("t", "s3://b/x'; DROP")), "want s3://"},
		{"bare s3://", second(DDL("t", "s3://")), "want s3://"},
		{"bad table", second(DDL("t`x", "s3://b/")), "not a name"},
		{"field twice", second(DDL("t", "s3://b/", Fields(flowlog.FieldSrcAddr, flowlog.FieldSrcAddr))), "listed twice"},
		{"reversed", second(AddPartitions("t", "s3://b/", day("2024-01-02"), day("2024-01-01"))), "before the start"},
		{"a year and more", second(AddPartitions("t", "s3://b/", day("2024-01-01"), day("2025-01-02"))), "more than 366 days"},
	} {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, tt.err, tt.want)
		}
	}
	if _, err := AddPartitions("t", "s3://b/", day("2024-01-01"), day("2024-12-31")); err != nil {
		t.Errorf("a leap year's 366 days: %v", err)
	}
}

func second(_ string, err error) error { return err }

func TestColumnNames(t *testing.T) {
	if len(columns) != 29 {
		t.Errorf("%d columns, want the 29 fields of versions 2 to 5", len(columns))
	}
	for i, c := range columns {
		if int(c.field) != i+1 {
			t.Errorf("column %s is field %d, want %d (AWS's order is flowlog's)", c.name, c.field, i+1)
		}
		if f, ok := FieldOfColumn(strings.ReplaceAll(c.name, "_", "-")); !ok || f != c.field {
			t.Errorf("FieldOfColumn(%q) = %d, %v", c.name, f, ok)
		}
	}
	if ColumnName(flowlog.FieldTCPFlags) != "tcp_flags" || ColumnType(flowlog.FieldProtocol) != "bigint" || ColumnName(0) != "" {
		t.Error("ColumnName/ColumnType disagree with AWS's statement")
	}
}

func TestParseRow(t *testing.T) {
	row := []string{"eni-1235b8ca123456789", "52.213.180.42", "10.0.0.62", "6", "5001", "true", "ACCEPT", "tcp-flags", "78", "101269", "2", "2", "1566848875", "1566848933"}
	got, err := ParseRow(row)
	if err != nil {
		t.Fatal(err)
	}
	want := flows.Observation{
		ObservationKey: flows.ObservationKey{InterfaceID: "eni-1235b8ca123456789", Client: netip.MustParseAddr("52.213.180.42"), Server: netip.MustParseAddr("10.0.0.62"), Protocol: 6, Port: 5001, ClientIsSrc: true, Accept: true, Basis: flows.BasisTCPFlags},
		Packets:        78, Bytes: 101269, Records: 2, Connections: 2, Start: 1566848875, End: 1566848933,
	}
	if got != want {
		t.Errorf("ParseRow =\n%+v\nwant\n%+v", got, want)
	}
	// Fields not logged: no interface, no addresses, no action, no times.
	got, err = ParseRow([]string{"", "", "", "-1", "0", "true", "-", "lower-port", "0", "0", "1", "1", "-1", ""})
	if err != nil {
		t.Fatal(err)
	}
	if got.Client.IsValid() || !got.NoAction || got.Accept || got.Protocol != -1 || got.Start != -1 || got.End != -1 {
		t.Errorf("ParseRow of a row of fields not logged = %+v", got)
	}
	for _, tt := range []struct {
		i    int
		v    string
		want string
	}{
		{1, "not-an-ip", "client"},
		{3, "tcp", "protocol"},
		{3, "70000", "protocol"},
		{5, "yes", "client_is_src"},
		{6, "accept", "action"},
		{7, "flow-direction", "basis"},
		{8, "", "packets"},
	} {
		bad := append([]string(nil), row...)
		bad[tt.i] = tt.v
		if _, err := ParseRow(bad); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRow with %s %q: error %v", Columns[tt.i], tt.v, err)
		}
	}
	if _, err := ParseRow(row[:13]); err == nil {
		t.Error("ParseRow of 13 columns: no error")
	}
}
