package athena

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// column is one flow-log field as a column of AWS's Athena table: its name
// (the field's name with "_" for "-") and its Hive type, as the CREATE
// TABLE statement of the Athena User Guide ("Create a table for Amazon VPC
// flow logs and query it") declares them.
type column struct {
	field flowlog.Field
	name  string
	typ   string
}

// columns are the fields of versions 2 to 5 in the order AWS's statement
// lists them, which is also the order of flowlog's Field constants.
var columns = []column{
	{flowlog.FieldVersion, "version", "int"},
	{flowlog.FieldAccountID, "account_id", "string"},
	{flowlog.FieldInterfaceID, "interface_id", "string"},
	{flowlog.FieldSrcAddr, "srcaddr", "string"},
	{flowlog.FieldDstAddr, "dstaddr", "string"},
	{flowlog.FieldSrcPort, "srcport", "int"},
	{flowlog.FieldDstPort, "dstport", "int"},
	{flowlog.FieldProtocol, "protocol", "bigint"},
	{flowlog.FieldPackets, "packets", "bigint"},
	{flowlog.FieldBytes, "bytes", "bigint"},
	{flowlog.FieldStart, "start", "bigint"},
	{flowlog.FieldEnd, "end", "bigint"},
	{flowlog.FieldAction, "action", "string"},
	{flowlog.FieldLogStatus, "log_status", "string"},
	{flowlog.FieldVPCID, "vpc_id", "string"},
	{flowlog.FieldSubnetID, "subnet_id", "string"},
	{flowlog.FieldInstanceID, "instance_id", "string"},
	{flowlog.FieldTCPFlags, "tcp_flags", "int"},
	{flowlog.FieldType, "type", "string"},
	{flowlog.FieldPktSrcAddr, "pkt_srcaddr", "string"},
	{flowlog.FieldPktDstAddr, "pkt_dstaddr", "string"},
	{flowlog.FieldRegion, "region", "string"},
	{flowlog.FieldAZID, "az_id", "string"},
	{flowlog.FieldSublocationType, "sublocation_type", "string"},
	{flowlog.FieldSublocationID, "sublocation_id", "string"},
	{flowlog.FieldPktSrcAWSService, "pkt_src_aws_service", "string"},
	{flowlog.FieldPktDstAWSService, "pkt_dst_aws_service", "string"},
	{flowlog.FieldFlowDirection, "flow_direction", "string"},
	{flowlog.FieldTrafficPath, "traffic_path", "int"},
}

func columnOf(f flowlog.Field) (column, bool) {
	for _, c := range columns {
		if c.field == f {
			return c, true
		}
	}
	return column{}, false
}

// ColumnName is the Athena column of a flow-log field ("tcp_flags" for
// ${tcp-flags}); "" for a field that is not one of versions 2 to 5.
func ColumnName(f flowlog.Field) string {
	c, _ := columnOf(f)
	return c.name
}

// ColumnType is the Hive type AWS's table gives the field's column (int,
// bigint or string); "" for a field that is not one of versions 2 to 5.
func ColumnType(f flowlog.Field) string {
	c, _ := columnOf(f)
	return c.typ
}

// FieldOfColumn is the field an Athena column (or a format's field name,
// with "-") holds; false when it is none of versions 2 to 5.
func FieldOfColumn(name string) (flowlog.Field, bool) {
	name = strings.ReplaceAll(strings.ToLower(name), "-", "_")
	for _, c := range columns {
		if c.name == name {
			return c.field, true
		}
	}
	return 0, false
}

// AllFields are the fields of versions 2 to 5 in AWS's documented order:
// the columns of the table DDL writes by default.
func AllFields() []flowlog.Field {
	out := make([]flowlog.Field, len(columns))
	for i, c := range columns {
		out[i] = c.field
	}
	return out
}

// identPart is what this package accepts as a database, table or column
// name: Athena's own rule (lower-case letters, digits, underscore) widened
// to upper case, which Athena folds, and to "-", which database names may
// hold.
var identPart = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]*$`)

// quoteName quotes a "table" or "database.table" name for a query, each
// part in double quotes (Athena's DML quoting, also DuckDB's).
func quoteName(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("table name %q: want TABLE or DATABASE.TABLE", name)
	}
	for i, p := range parts {
		if !identPart.MatchString(p) {
			return "", fmt.Errorf("table name %q: %q is not a name Athena accepts (letters, digits, _)", name, p)
		}
		parts[i] = `"` + p + `"`
	}
	return strings.Join(parts, "."), nil
}
