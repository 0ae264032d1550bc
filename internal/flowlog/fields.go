package flowlog

import (
	"fmt"
	"strings"
)

// fieldNames are the fields' names in AWS's format strings and header
// lines, indexed by Field.
var fieldNames = [fieldCount]string{
	FieldVersion:          "version",
	FieldAccountID:        "account-id",
	FieldInterfaceID:      "interface-id",
	FieldSrcAddr:          "srcaddr",
	FieldDstAddr:          "dstaddr",
	FieldSrcPort:          "srcport",
	FieldDstPort:          "dstport",
	FieldProtocol:         "protocol",
	FieldPackets:          "packets",
	FieldBytes:            "bytes",
	FieldStart:            "start",
	FieldEnd:              "end",
	FieldAction:           "action",
	FieldLogStatus:        "log-status",
	FieldVPCID:            "vpc-id",
	FieldSubnetID:         "subnet-id",
	FieldInstanceID:       "instance-id",
	FieldTCPFlags:         "tcp-flags",
	FieldType:             "type",
	FieldPktSrcAddr:       "pkt-srcaddr",
	FieldPktDstAddr:       "pkt-dstaddr",
	FieldRegion:           "region",
	FieldAZID:             "az-id",
	FieldSublocationType:  "sublocation-type",
	FieldSublocationID:    "sublocation-id",
	FieldPktSrcAWSService: "pkt-src-aws-service",
	FieldPktDstAWSService: "pkt-dst-aws-service",
	FieldFlowDirection:    "flow-direction",
	FieldTrafficPath:      "traffic-path",
}

// FieldIgnored stands, in a format, for a column the reader skips: a field
// AWS documents that Record does not carry (the ECS fields of version 7,
// reject-reason, the fields of Transit Gateway flow logs), or, in a header
// line, a name it does not know.
const FieldIgnored Field = 0

// laterFields are fields AWS documents beyond versions 2–5 (ECS fields of
// version 7, reject-reason of version 8, encryption-status) and the fields
// of Transit Gateway flow logs (version 6), which share the syntax: a
// format may name them, and the reader skips their columns.
var laterFields = map[string]bool{
	"ecs-cluster-arn": true, "ecs-cluster-name": true, "ecs-container-instance-arn": true,
	"ecs-container-instance-id": true, "ecs-container-id": true, "ecs-second-container-id": true,
	"ecs-service-name": true, "ecs-task-definition-arn": true, "ecs-task-arn": true, "ecs-task-id": true,
	"reject-reason": true, "encryption-status": true,
	"resource-type": true, "tgw-id": true, "tgw-attachment-id": true, "tgw-src-vpc-account-id": true,
	"tgw-dst-vpc-account-id": true, "tgw-src-vpc-id": true, "tgw-dst-vpc-id": true, "tgw-src-subnet-id": true,
	"tgw-dst-subnet-id": true, "tgw-src-eni": true, "tgw-dst-eni": true, "tgw-src-az-id": true,
	"tgw-dst-az-id": true, "tgw-pair-attachment-id": true, "packets-lost-no-route": true,
	"packets-lost-blackhole": true, "packets-lost-mtu-exceeded": true, "packets-lost-ttl-expired": true,
}

var fieldByName = func() map[string]Field {
	m := make(map[string]Field, fieldCount)
	for f := FieldVersion; f < fieldCount; f++ {
		m[fieldNames[f]] = f
	}
	return m
}()

// DefaultFormat is AWS's default format: the version-2 fields in the
// order of the User Guide's table (AWS-SEMANTICS.md §9).
var DefaultFormat = []Field{
	FieldVersion, FieldAccountID, FieldInterfaceID, FieldSrcAddr, FieldDstAddr, FieldSrcPort, FieldDstPort,
	FieldProtocol, FieldPackets, FieldBytes, FieldStart, FieldEnd, FieldAction, FieldLogStatus,
}

// AllFields are the fields of versions 2 to 5 in the order of the User
// Guide's table, which is the order of a custom format that names them all.
var AllFields = func() []Field {
	fs := make([]Field, 0, fieldCount-1)
	for f := FieldVersion; f < fieldCount; f++ {
		fs = append(fs, f)
	}
	return fs
}()

// String returns the field's name as format strings spell it without
// ${}: "srcaddr". FieldIgnored is "-".
func (f Field) String() string {
	if f > 0 && f < fieldCount {
		return fieldNames[f]
	}
	return "-"
}

// ParseField returns the field a name (without ${}) names; ok is false for
// names outside versions 2–5.
func ParseField(name string) (f Field, ok bool) {
	f, ok = fieldByName[name]
	return f, ok
}

// ParseFormat reads a format in AWS's format-string syntax, fields as
// ${name} separated by spaces: "${version} ${srcaddr} ...". Fields of
// versions 2–5 map to their Field; fields AWS documents beyond them (ECS,
// reject-reason, Transit Gateway) become FieldIgnored columns. An unknown
// name, a token not of the form ${name}, a field named twice or an empty
// format is an error naming the token and its position.
func ParseFormat(s string) ([]Field, error) {
	toks := strings.Fields(s)
	if len(toks) == 0 {
		return nil, fmt.Errorf("log format %q names no field", s)
	}
	out := make([]Field, 0, len(toks))
	var seen FieldSet
	for i, tok := range toks {
		name, ok := strings.CutPrefix(tok, "${")
		if ok {
			name, ok = strings.CutSuffix(name, "}")
		}
		if !ok || name == "" || strings.ContainsAny(name, "${}") {
			return nil, fmt.Errorf("log format: token %d %q is not a field of the form ${name}", i+1, tok)
		}
		f, known := fieldByName[name]
		switch {
		case known && seen.Has(f):
			return nil, fmt.Errorf("log format: token %d %q names a field already named", i+1, tok)
		case known:
			seen |= 1 << f
		case laterFields[name]:
			f = FieldIgnored
		default:
			return nil, fmt.Errorf("log format: token %d %q is not a flow-log field", i+1, tok)
		}
		out = append(out, f)
	}
	return out, nil
}

// FormatString returns format in AWS's format-string syntax; an ignored
// column is written as ${-}, which ParseFormat rejects.
func FormatString(format []Field) string {
	var b strings.Builder
	for i, f := range format {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("${" + f.String() + "}")
	}
	return b.String()
}

// HeaderLine returns the header line AWS writes first in each file of
// flow logs delivered to S3 in format: the field names separated by
// spaces, without a newline.
func HeaderLine(format []Field) string {
	names := make([]string, len(format))
	for i, f := range format {
		names[i] = f.String()
	}
	return strings.Join(names, " ")
}

// header is a header line read as a format: the fields, and the names of
// the columns it ignores because Record does not carry them.
type header struct {
	fields  []Field
	ignored []string // in column order; unknown names as well as laterFields
}

// parseHeader reads line as a header line: every token a name made of
// lowercase letters and hyphens, the first one a field of versions 2–5 or
// a later field AWS documents, no known field twice. Unknown names become
// ignored columns (a later AWS version may add fields). ok is false when
// the line is not a header line.
func parseHeader(line []byte) (h header, ok bool) {
	var seen FieldSet
	col := 0
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			c := line[j]
			if (c < 'a' || c > 'z') && c != '-' {
				return header{}, false
			}
			j++
		}
		name := line[i:j]
		if name[0] == '-' {
			return header{}, false
		}
		f, known := fieldByName[string(name)]
		switch {
		case known && seen.Has(f):
			return header{}, false
		case known:
			seen |= 1 << f
		case col == 0 && !laterFields[string(name)]:
			return header{}, false
		default:
			h.ignored = append(h.ignored, string(name))
		}
		h.fields = append(h.fields, f)
		col++
		i = j
	}
	return h, col > 0
}

// mightBeHeader is the cheap test before parseHeader: header lines start
// with a lowercase letter.
func mightBeHeader(line []byte) bool {
	return len(line) > 0 && line[0] >= 'a' && line[0] <= 'z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }
