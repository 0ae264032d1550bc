package fakeaws

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

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
	for _, k := range slices.Sorted(maps.Keys(v)) {
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
		for _, k := range slices.Sorted(maps.Keys(v)) {
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
		for _, k := range slices.Sorted(maps.Keys(obj)) {
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
