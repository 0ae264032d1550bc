// Package athena writes stage 1 of the flows pipeline (docs/flows.md:
// observations) as one SQL query for Amazon Athena (Trino), over the table
// AWS documents for VPC Flow Logs, and reads the query's rows back into
// flows.Observation values. The query and flows.Observer compute the same
// rows from the same records: TestAthenaSQLMatchesReader runs the query on
// DuckDB over the file the in-process reader reads and compares.
//
// The package only writes and parses text; internal/awsapi runs the query.
package athena

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
)

// Columns are the columns of the query's rows, in order: the fields of
// flows.ObservationKey (action is ACCEPT, REJECT or "-" when the table has
// no action), then the sums of flows.Observation (first_start and last_end
// are -1 when no record logged them).
var Columns = []string{
	"interface_id", "client", "server", "protocol", "port", "client_is_src", "action", "basis",
	"packets", "bytes", "records", "connections", "first_start", "last_end",
}

// Option tunes SQL.
type Option func(*options)

type options struct {
	from, to  time.Time
	partition string
	fields    []flowlog.Field
}

// DateRange keeps the records of the days from through to (inclusive, UTC
// dates) by the table's date partition, so Athena scans only those days. A
// zero time leaves that end open.
func DateRange(from, to time.Time) Option {
	return func(o *options) { o.from, o.to = from, to }
}

// PartitionColumn names the table's partition column of type date that
// DateRange filters; AWS's statement calls it "date" (the default).
func PartitionColumn(name string) Option {
	return func(o *options) { o.partition = name }
}

// Fields says which flow-log fields the table has as columns, when it was
// made for a custom format (AWS: "create a table with fields that match
// the fields that you specified when you created the flow log"). The
// query reads a missing field as not logged. The default is every field of
// versions 2 to 5, as in AWS's statement (DDL).
func Fields(fs ...flowlog.Field) Option {
	return func(o *options) { o.fields = fs }
}

// SQL returns the query computing the observations of docs/flows.md, stage
// 1, over table ("TABLE" or "DATABASE.TABLE"), with the snapshot's
// listening ports inline. Its rows have the Columns; ParseRow reads them.
// The text is deterministic: the same arguments give the same bytes.
//
// It uses only Trino functions DuckDB also has, but for bitwise_and, which
// a DuckDB test defines as a macro of its & operator.
func SQL(table string, ports flows.ListeningPorts, opts ...Option) (string, error) {
	o := options{partition: "date", fields: AllFields()}
	for _, opt := range opts {
		opt(&o)
	}
	name, err := quoteName(table)
	if err != nil {
		return "", err
	}
	var where []string
	if !o.from.IsZero() || !o.to.IsZero() {
		if !identPart.MatchString(o.partition) {
			return "", fmt.Errorf("partition column %q is not a name Athena accepts", o.partition)
		}
		if !o.from.IsZero() && !o.to.IsZero() && day(o.to).Before(day(o.from)) {
			return "", fmt.Errorf("date range %s to %s: the end is before the start", o.from.Format(time.DateOnly), o.to.Format(time.DateOnly))
		}
		if !o.from.IsZero() {
			where = append(where, fmt.Sprintf("%q >= DATE '%s'", o.partition, o.from.UTC().Format(time.DateOnly)))
		}
		if !o.to.IsZero() {
			where = append(where, fmt.Sprintf("%q <= DATE '%s'", o.partition, o.to.UTC().Format(time.DateOnly)))
		}
	}
	has := map[flowlog.Field]bool{}
	for _, f := range o.fields {
		if _, ok := columnOf(f); !ok {
			return "", fmt.Errorf("field %d is not a flow-log field of versions 2 to 5", f)
		}
		has[f] = true
	}
	// col is a field's column, or a typed NULL when the table lacks it: the
	// query then reads the field as not logged, as the reader does.
	col := func(f flowlog.Field) string {
		c, _ := columnOf(f)
		if has[f] {
			return `"` + c.name + `"`
		}
		return "CAST(NULL AS " + map[string]string{"int": "integer", "bigint": "bigint", "string": "varchar"}[c.typ] + ")"
	}

	var b strings.Builder
	b.WriteString(`-- vpcdoctor flows: the observations of docs/flows.md (stage 1) from the VPC
-- Flow Logs in Athena table ` + name + `.
-- One row per observation: interface, client, server, protocol, service port,
-- whether the records go client -> server, action, and how the client side
-- was decided (basis); then the sums of packets, bytes, records and
-- connections, the earliest start and the latest end (-1 when none was
-- logged).
WITH listening (protocol, port) AS (
  -- the ports the snapshot says something listens on: (IANA protocol, port)
  VALUES
`)
	b.WriteString(listeningRows(ports))
	b.WriteString(`
),
records AS (
  -- the records that carry a flow; a number not logged ('-') reads as -1,
  -- a string as ''.
  SELECT
    coalesce(nullif(` + col(flowlog.FieldInterfaceID) + `, '-'), '') AS interface_id,
    coalesce(nullif(` + col(flowlog.FieldSrcAddr) + `, '-'), '') AS srcaddr,
    coalesce(nullif(` + col(flowlog.FieldDstAddr) + `, '-'), '') AS dstaddr,
    coalesce(` + col(flowlog.FieldSrcPort) + `, -1) AS srcport,
    coalesce(` + col(flowlog.FieldDstPort) + `, -1) AS dstport,
    coalesce(` + col(flowlog.FieldProtocol) + `, -1) AS protocol,
    coalesce(` + col(flowlog.FieldTCPFlags) + `, -1) AS tcp_flags,
    CASE WHEN ` + col(flowlog.FieldPackets) + ` > 0 THEN ` + col(flowlog.FieldPackets) + ` ELSE 0 END AS packets,
    CASE WHEN ` + col(flowlog.FieldBytes) + ` > 0 THEN ` + col(flowlog.FieldBytes) + ` ELSE 0 END AS bytes,
    coalesce(` + col(flowlog.FieldStart) + `, -1) AS start_time,
    coalesce(` + col(flowlog.FieldEnd) + `, -1) AS end_time,
    CASE ` + col(flowlog.FieldAction) + ` WHEN 'ACCEPT' THEN 'ACCEPT' WHEN 'REJECT' THEN 'REJECT' ELSE '-' END AS action
  FROM ` + name + `
  WHERE coalesce(` + col(flowlog.FieldLogStatus) + `, '-') NOT IN ('NODATA', 'SKIPDATA')`)
	for _, w := range where {
		b.WriteString("\n    AND " + w)
	}
	b.WriteString(`
),
sides AS (
  -- the facts that decide the client side: whether the protocol has ports
  -- (TCP, UDP, SCTP, both logged), the TCP flags, which port listens
  SELECT
    r.*,
    (r.protocol NOT IN (6, 17, 132) OR r.srcport < 0 OR r.dstport < 0) AS portless,
    (r.protocol = 6 AND r.tcp_flags >= 0 AND bitwise_and(r.tcp_flags, 2) <> 0) AS syn,
    (bitwise_and(r.tcp_flags, 16) <> 0) AS ack,
    (s.port IS NOT NULL) AS src_listens,
    (d.port IS NOT NULL) AS dst_listens
  FROM records r
  LEFT JOIN listening s ON s.protocol = r.protocol AND s.port = r.srcport
  LEFT JOIN listening d ON d.protocol = r.protocol AND d.port = r.dstport
),
decided AS (
  -- the first rule that applies decides (basis) whether the source is the
  -- client: SYN without ACK is the client's, SYN-ACK the server's; else
  -- exactly one listening port, else exactly one port below 1024, else the
  -- lower port (the destination's when equal) is the server's
  SELECT
    p.*,
    CASE
      WHEN portless THEN 'lower-port'
      WHEN syn THEN 'tcp-flags'
      WHEN src_listens <> dst_listens THEN 'listening-port'
      WHEN (srcport < 1024) <> (dstport < 1024) THEN 'well-known-port'
      ELSE 'lower-port'
    END AS basis,
    CASE
      WHEN portless THEN true
      WHEN syn THEN NOT ack
      WHEN src_listens <> dst_listens THEN dst_listens
      WHEN (srcport < 1024) <> (dstport < 1024) THEN dstport < 1024
      ELSE dstport <= srcport
    END AS client_is_src
  FROM sides p
)
SELECT
  interface_id,
  CASE WHEN client_is_src THEN srcaddr ELSE dstaddr END AS client,
  CASE WHEN client_is_src THEN dstaddr ELSE srcaddr END AS server,
  protocol,
  CASE WHEN portless THEN 0 WHEN client_is_src THEN dstport ELSE srcport END AS port,
  client_is_src,
  action,
  basis,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) AS records,
  -- a connection: a client -> server record with SYN when TCP flags are
  -- logged, else any client -> server record
  sum(CASE WHEN client_is_src AND (protocol <> 6 OR tcp_flags < 0 OR bitwise_and(tcp_flags, 2) <> 0) THEN 1 ELSE 0 END) AS connections,
  coalesce(min(CASE WHEN start_time >= 0 THEN start_time END), -1) AS first_start,
  coalesce(max(CASE WHEN end_time >= 0 THEN end_time END), -1) AS last_end
FROM decided
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
`)
	return b.String(), nil
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// listeningRows are the VALUES rows of the listening ports of the
// protocols with ports (the others never reach that rule), sorted. With
// none, one row that matches no record with ports (their ports are >= 0).
func listeningRows(ports flows.ListeningPorts) string {
	var rows []string
	for _, proto := range []int16{6, 17, 132} {
		for _, p := range slices.Sorted(maps.Keys(ports[proto])) {
			if ports[proto][p] && p >= 0 && p < 65536 {
				rows = append(rows, fmt.Sprintf("    (%d, %d)", proto, p))
			}
		}
	}
	if len(rows) == 0 {
		return "    (-1, -1) -- none: matches no record with ports"
	}
	return strings.Join(rows, ",\n")
}

// ParseRow reads one row of the query's result (the Columns, as text: an
// Athena result's VarCharValue, "" for NULL) into an observation.
func ParseRow(row []string) (flows.Observation, error) {
	var ob flows.Observation
	if len(row) != len(Columns) {
		return ob, fmt.Errorf("row has %d columns, want %d (%s)", len(row), len(Columns), strings.Join(Columns, ", "))
	}
	var errs []string
	addr := func(i int) netip.Addr {
		if row[i] == "" {
			return netip.Addr{}
		}
		a, err := netip.ParseAddr(row[i])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %q is not an address", Columns[i], row[i]))
		}
		return a
	}
	num := func(i, bits int) int64 {
		n, err := strconv.ParseInt(row[i], 10, bits)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %q is not a number", Columns[i], row[i]))
		}
		return n
	}
	ob.InterfaceID = row[0]
	ob.Client = addr(1)
	ob.Server = addr(2)
	ob.Protocol = int16(num(3, 16))
	ob.Port = int32(num(4, 32))
	switch row[5] {
	case "true":
		ob.ClientIsSrc = true
	case "false":
	default:
		errs = append(errs, fmt.Sprintf("client_is_src %q is not true or false", row[5]))
	}
	switch row[6] {
	case "ACCEPT":
		ob.Accept = true
	case "REJECT":
	case "-":
		ob.NoAction = true
	default:
		errs = append(errs, fmt.Sprintf("action %q is not ACCEPT, REJECT or -", row[6]))
	}
	ob.Basis = flows.Basis(row[7])
	if !slices.Contains(flows.Bases, ob.Basis) {
		errs = append(errs, fmt.Sprintf("basis %q is not one of %v", row[7], flows.Bases))
	}
	ob.Packets = num(8, 64)
	ob.Bytes = num(9, 64)
	ob.Records = num(10, 64)
	ob.Connections = num(11, 64)
	ob.Start, ob.End = -1, -1 // NULL: no record of the key logged them
	if row[12] != "" {
		ob.Start = num(12, 64)
	}
	if row[13] != "" {
		ob.End = num(13, 64)
	}
	if len(errs) > 0 {
		return flows.Observation{}, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return ob, nil
}
