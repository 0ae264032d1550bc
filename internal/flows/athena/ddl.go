package athena

import (
	"fmt"
	"strings"
	"time"
)

// DDL returns the CREATE TABLE statement the Athena User Guide gives for
// VPC Flow Logs delivered to S3 ("Create a table for Amazon VPC flow logs
// and query it"): the flow-log fields as columns, space-separated, the
// header line skipped, partitioned by `date` (of type date). location is
// the S3 folder of one account's and region's logs,
// s3://BUCKET/PREFIX/AWSLogs/ACCOUNT/vpcflowlogs/REGION/. Fields (for a
// custom format: the same fields in the same order) and PartitionColumn
// apply; DateRange does not.
//
// vpcdoctor never runs it: creating a table changes the account's Glue
// Data Catalog, which is the user's to do.
func DDL(table, location string, opts ...Option) (string, error) {
	o := options{partition: "date", fields: AllFields()}
	for _, opt := range opts {
		opt(&o)
	}
	name, err := ddlTarget(table, location, o.partition)
	if err != nil {
		return "", err
	}
	var cols []string
	seen := map[string]bool{}
	for _, f := range o.fields {
		c, ok := columnOf(f)
		if !ok {
			return "", fmt.Errorf("field %d is not a flow-log field of versions 2 to 5", f)
		}
		if seen[c.name] {
			return "", fmt.Errorf("field %s is listed twice", c.name)
		}
		seen[c.name] = true
		n := c.name
		if n == "end" {
			n = "`end`" // a reserved word in DDL
		}
		cols = append(cols, "  "+n+" "+c.typ)
	}
	if seen[o.partition] {
		return "", fmt.Errorf("partition column %q is also a field's column", o.partition)
	}
	return fmt.Sprintf("CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n%s\n)\nPARTITIONED BY (`%s` date)\nROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\nLOCATION '%s'\nTBLPROPERTIES (\"skip.header.line.count\"=\"1\");\n",
		name, strings.Join(cols, ",\n"), o.partition, location), nil
}

// AddPartitions returns the ALTER TABLE statement that adds the date
// partitions from through to (UTC days, inclusive) of a table DDL made,
// each at S3's delivery folder location/YYYY/MM/DD/ (the Athena User
// Guide's next step). At most 366 days.
func AddPartitions(table, location string, from, to time.Time, opts ...Option) (string, error) {
	o := options{partition: "date"}
	for _, opt := range opts {
		opt(&o)
	}
	name, err := ddlTarget(table, location, o.partition)
	if err != nil {
		return "", err
	}
	from, to = day(from), day(to)
	if to.Before(from) {
		return "", fmt.Errorf("date range %s to %s: the end is before the start", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	if to.Sub(from) > 365*24*time.Hour {
		return "", fmt.Errorf("date range %s to %s: more than 366 days", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ALTER TABLE %s ADD IF NOT EXISTS", name)
	loc := strings.TrimSuffix(location, "/")
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		fmt.Fprintf(&b, "\n  PARTITION (`%s` = '%s') LOCATION '%s/%s/'", o.partition, d.Format(time.DateOnly), loc, d.Format("2006/01/02"))
	}
	b.WriteString(";\n")
	return b.String(), nil
}

// ddlName quotes a table name for DDL, in backticks (Hive's quoting).
func ddlName(table string) (string, error) {
	q, err := quoteName(table)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(q, `"`, "`"), nil
}

func checkLocation(location string) error {
	if !strings.HasPrefix(location, "s3://") || len(location) <= len("s3://") || strings.ContainsAny(location, "'\\\n\r") {
		return fmt.Errorf("location %q: want s3://BUCKET/PREFIX/ (without quotes or backslashes)", location)
	}
	return nil
}

// ddlTarget checks what DDL and AddPartitions both name — the table, its S3
// location and the partition column — and returns the table's quoted name.
func ddlTarget(table, location, partition string) (string, error) {
	name, err := ddlName(table)
	if err != nil {
		return "", err
	}
	if err := checkLocation(location); err != nil {
		return "", err
	}
	if !identPart.MatchString(partition) {
		return "", fmt.Errorf("partition column %q is not a name Athena accepts", partition)
	}
	return name, nil
}
