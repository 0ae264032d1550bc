package fakeaws

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
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

// writeXMLMembers writes the members of structure ref present in v. Members
// the model does not know (the CLI that wrote the snapshot was newer than
// the corpus' models) are written by guessing, see writeXMLGuess.
func writeXMLMembers(b *bytes.Buffer, ec2 bool, ref string, v map[string]any) error {
	def, ok := shapeFor(ref)
	if !ok || def.Kind != kindStructure {
		return fmt.Errorf("shape %s is not a known structure", ref)
	}
	known := make(map[string]bool, len(def.Members))
	for _, m := range def.Members {
		known[m.Name] = true
		mv, ok := v[m.Name]
		if !ok || mv == nil {
			continue
		}
		if err := writeXMLValue(b, ec2, m.Wire, m.Shape, mv); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	for _, k := range sortedKeys(v) {
		if !known[k] && v[k] != nil {
			writeXMLGuess(b, ec2, guessWire(ec2, k), v[k])
		}
	}
	return nil
}

// guessWire is the usual element of a member the model does not know:
// EC2 lower-cases its first letter, the Query protocol keeps it.
func guessWire(ec2 bool, member string) string {
	if ec2 && member != "" {
		return strings.ToLower(member[:1]) + member[1:]
	}
	return member
}

// writeXMLGuess writes a value of a member the model does not know, its
// shape guessed from the JSON: objects as structures, arrays wrapped in
// <item> (EC2) or <member>, a string in the CLI's timestamp form as a
// timestamp, anything else as its text. (EC2 names some lists "...Set";
// an unknown list is then not decoded: the fake's tests list such members.)
func writeXMLGuess(b *bytes.Buffer, ec2 bool, name string, v any) {
	b.WriteString("<" + name + ">")
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if v[k] != nil {
				writeXMLGuess(b, ec2, guessWire(ec2, k), v[k])
			}
		}
	case []any:
		item := "member"
		if ec2 {
			item = "item"
		}
		for _, it := range v {
			writeXMLGuess(b, ec2, item, it)
		}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && strings.Contains(v, "T") {
			v = t.UTC().Format("2006-01-02T15:04:05.999999999Z")
		}
		xml.EscapeText(b, []byte(v))
	default:
		text, _ := scalarText("string", v)
		xml.EscapeText(b, []byte(text))
	}
	b.WriteString("</" + name + ">")
}

// writeXMLValue writes <name>v</name> for a value of shape ref.
func writeXMLValue(b *bytes.Buffer, ec2 bool, name, ref string, v any) error {
	def, ok := shapeFor(ref)
	if !ok {
		text, err := scalarText(ref, v)
		if err != nil {
			return err
		}
		b.WriteString("<" + name + ">")
		if err := xml.EscapeText(b, []byte(text)); err != nil {
			return err
		}
		b.WriteString("</" + name + ">")
		return nil
	}
	switch def.Kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("want a JSON object for %s, found %s", ref, jsonKind(v))
		}
		b.WriteString("<" + name + ">")
		if err := writeXMLMembers(b, ec2, ref, obj); err != nil {
			return err
		}
		b.WriteString("</" + name + ">")
	case kindList:
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("want a JSON array for %s, found %s", ref, jsonKind(v))
		}
		if def.Flattened {
			for i, item := range arr {
				if err := writeXMLValue(b, ec2, name, def.Item, item); err != nil {
					return fmt.Errorf("[%d]: %w", i, err)
				}
			}
			return nil
		}
		b.WriteString("<" + name + ">")
		for i, item := range arr {
			if err := writeXMLValue(b, ec2, def.ItemName, def.Item, item); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		b.WriteString("</" + name + ">")
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("want a JSON object for %s, found %s", ref, jsonKind(v))
		}
		if !def.Flattened {
			b.WriteString("<" + name + ">")
		}
		for _, k := range sortedKeys(obj) {
			entry := "entry"
			if def.Flattened {
				entry = name
			}
			b.WriteString("<" + entry + ">")
			if err := writeXMLValue(b, ec2, def.KeyName, def.Key, k); err != nil {
				return err
			}
			if err := writeXMLValue(b, ec2, def.ItemName, def.Item, obj[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			b.WriteString("</" + entry + ">")
		}
		if !def.Flattened {
			b.WriteString("</" + name + ">")
		}
	}
	return nil
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

// jsonValue converts v for the JSON protocols: timestamps become epoch
// seconds (the CLI prints them as ISO 8601); the rest is as the CLI printed
// it (its member names are the wire names).
func jsonValue(ref string, v any) (any, error) {
	if ref == "timestamp" {
		if _, ok := v.(json.Number); ok {
			return v, nil
		}
		t, err := timestampOf(v)
		if err != nil {
			return nil, err
		}
		return json.Number(epochSeconds(t)), nil
	}
	def, ok := shapeFor(ref)
	if !ok {
		return v, nil
	}
	switch def.Kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		out := make(map[string]any, len(obj))
		for k, mv := range obj {
			out[k] = guessJSON(mv) // members the model does not know
		}
		for _, m := range def.Members {
			mv, ok := obj[m.Name]
			if !ok || mv == nil {
				continue
			}
			cv, err := jsonValue(m.Shape, mv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name, err)
			}
			out[m.Name] = cv
		}
		return out, nil
	case kindList:
		arr, ok := v.([]any)
		if !ok {
			return v, nil
		}
		out := make([]any, len(arr))
		for i, item := range arr {
			cv, err := jsonValue(def.Item, item)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = cv
		}
		return out, nil
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		out := make(map[string]any, len(obj))
		for k, mv := range obj {
			cv, err := jsonValue(def.Item, mv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = cv
		}
		return out, nil
	}
	return v, nil
}

// guessJSON converts a value of a member the model does not know: a string
// in the CLI's timestamp form becomes epoch seconds, as the JSON protocols
// send timestamps.
func guessJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, mv := range v {
			out[k] = guessJSON(mv)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, it := range v {
			out[i] = guessJSON(it)
		}
		return out
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && strings.Contains(v, "T") {
			return json.Number(epochSeconds(t))
		}
	}
	return v
}

// epochSeconds writes t as the JSON protocols' epoch seconds, its fraction
// in decimal exactly as the CLI printed it (AWS sends milliseconds).
func epochSeconds(t time.Time) string {
	sec, ns := t.Unix(), t.Nanosecond()
	if ns == 0 {
		return strconv.FormatInt(sec, 10)
	}
	return strconv.FormatInt(sec, 10) + "." + strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
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

// writeError answers e in the error format of c's protocol.
func writeError(w http.ResponseWriter, c *call, e *apiError) {
	h := w.Header()
	switch c.protocol {
	case "ec2":
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, "%s<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>",
			xml.Header, escape(e.code), escape(e.message), c.id)
	case "query":
		kind := "Sender"
		if e.status >= 500 {
			kind = "Receiver"
		}
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, "%s<ErrorResponse xmlns=%q><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
			xml.Header, xmlNamespaces[c.service], kind, escape(e.code), escape(e.message), c.id)
	default:
		if c.protocol == "json" {
			h.Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			h.Set("Content-Type", "application/json")
		}
		h.Set("X-Amzn-ErrorType", e.code)
		h.Set("X-Amzn-RequestId", c.id)
		w.WriteHeader(e.status)
		body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
		w.Write(body)
	}
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
