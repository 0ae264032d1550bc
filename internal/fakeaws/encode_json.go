package fakeaws

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
