package fakeaws

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"time"
)

// xmlNamespaces are the namespaces of the XML protocols' responses.
var xmlNamespaces = map[string]string{
	"ec2":         "http://ec2.amazonaws.com/doc/2016-11-15/",
	"elb":         "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/",
	"elbv2":       "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
	"rds":         "http://rds.amazonaws.com/doc/2014-10-31/",
	"elasticache": "http://elasticache.amazonaws.com/doc/2015-02-02/",
	"sts":         "https://sts.amazonaws.com/doc/2011-06-15/",
}

// encode is encodeOutput, remembering the encoded members of answers that
// depend only on a snapshot file and the page (Server.encoded).
func (s *Server) encode(c *call, def operationDef, out map[string]any) (string, []byte, error) {
	if c.cacheKey == "" {
		return encodeOutput(c, def, out, nil)
	}
	if v, ok := s.encoded.Load(c.cacheKey); ok {
		return encodeOutput(c, def, out, v.([]byte))
	}
	ctype, body, err := encodeOutput(c, def, out, nil)
	if err == nil {
		s.encoded.Store(c.cacheKey, c.members)
	}
	return ctype, body, err
}

// encodeOutput writes out (generic JSON in the AWS CLI's member names) as
// the body of op's response in its protocol; members, when given, are the
// answer's members already encoded (the whole body of the JSON protocols).
// It leaves the encoded members in c.members.
func encodeOutput(c *call, def operationDef, out map[string]any, members []byte) (contentType string, body []byte, err error) {
	switch def.Protocol {
	case "ec2", "query":
		if members == nil {
			var m bytes.Buffer
			if err := writeXMLMembers(&m, def.Protocol == "ec2", def.Output, out); err != nil {
				return "", nil, err
			}
			members = m.Bytes()
		}
		c.members = members
		var b bytes.Buffer
		b.WriteString(xml.Header)
		ns := xmlNamespaces[c.service]
		if def.Protocol == "ec2" {
			fmt.Fprintf(&b, "<%sResponse xmlns=%q><requestId>%s</requestId>", c.operation, ns, c.id)
			b.Write(members)
			fmt.Fprintf(&b, "</%sResponse>", c.operation)
		} else {
			fmt.Fprintf(&b, "<%sResponse xmlns=%q><%s>", c.operation, ns, def.ResultWrapper)
			b.Write(members)
			fmt.Fprintf(&b, "</%s><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", def.ResultWrapper, c.id, c.operation)
		}
		return "text/xml;charset=UTF-8", b.Bytes(), nil
	default:
		if members == nil {
			v, err := jsonValue(def.Output, out)
			if err != nil {
				return "", nil, err
			}
			if members, err = json.Marshal(v); err != nil {
				return "", nil, err
			}
		}
		c.members = members
		if def.Protocol == "json" {
			return "application/x-amz-json-1.1", members, nil
		}
		return "application/json", members, nil
	}
}

// scalarText is the XML text of a scalar: timestamps in the ISO 8601 UTC
// form the SDK parses, numbers and booleans as JSON writes them.
func scalarText(ref string, v any) (string, error) {
	if ref == "timestamp" {
		t, err := timestampOf(v)
		if err != nil {
			return "", err
		}
		return t.UTC().Format("2006-01-02T15:04:05.999999999Z"), nil
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("want a %s, found %s", ref, jsonKind(v))
}

// timestampLayouts are the forms the AWS CLI prints timestamps in.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// timestampOf reads a timestamp as the CLI prints it: ISO 8601 text, or
// epoch seconds.
func timestampOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case string:
		for _, l := range timestampLayouts {
			if t, err := time.Parse(l, v); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("timestamp %q is not ISO 8601", v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return time.Time{}, err
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)), nil
	}
	return time.Time{}, fmt.Errorf("want a timestamp, found %s", jsonKind(v))
}
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
