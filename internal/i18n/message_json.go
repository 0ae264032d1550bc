package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// MarshalJSON writes m as {"key": KEY, "args": [...]} ("args" left out
// when there are none), so that a file (plan.json) can carry a text for a
// later reader to render in its language. Each argument is written as
// itself: a string or a number as such, a Message (or *Message) as a
// nested object of this form, a []Message or a List as {"list": [...]}.
// A fmt.Stringer is written as its string (what %s and %v would print);
// any other type is an error.
func (m Message) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"key":`)
	k, err := json.Marshal(m.Key)
	if err != nil {
		return nil, err
	}
	b.Write(k)
	if len(m.Args) > 0 {
		b.WriteString(`,"args":`)
		if err := writeArgs(&b, m.Args); err != nil {
			return nil, fmt.Errorf("i18n: message %s: %w", m.Key, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeArgs writes a JSON array of message arguments.
func writeArgs(b *bytes.Buffer, args []any) error {
	b.WriteByte('[')
	for i, a := range args {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeArg(b, a); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

// writeArg writes one message argument.
func writeArg(b *bytes.Buffer, a any) error {
	switch v := a.(type) {
	case Message:
		data, err := v.MarshalJSON()
		if err != nil {
			return err
		}
		b.Write(data)
		return nil
	case *Message:
		if v == nil {
			return writeArg(b, Message{})
		}
		return writeArg(b, *v)
	case []Message:
		return writeArg(b, listOf(v))
	case List:
		b.WriteString(`{"list":`)
		if err := writeArgs(b, v); err != nil {
			return err
		}
		b.WriteByte('}')
		return nil
	case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(data)
		return nil
	case fmt.Stringer:
		return writeArg(b, v.String())
	}
	return fmt.Errorf("argument of type %T cannot be written as JSON", a)
}

// UnmarshalJSON reads what MarshalJSON writes. Numbers without a fraction
// or exponent come back as int (for %d), others as float64; nested
// messages as Message, lists as List.
func (m *Message) UnmarshalJSON(data []byte) error {
	var raw struct {
		Key  *string           `json:"key"`
		Args []json.RawMessage `json:"args"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw.Key == nil {
		return fmt.Errorf("i18n: a message needs a \"key\"")
	}
	args, err := readArgs(raw.Args)
	if err != nil {
		return fmt.Errorf("i18n: message %s: %w", *raw.Key, err)
	}
	*m = Message{Key: *raw.Key, Args: args}
	return nil
}

// readArgs reads the JSON values of message arguments.
func readArgs(raws []json.RawMessage) ([]any, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	out := make([]any, len(raws))
	for i, r := range raws {
		a, err := readArg(r)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out[i] = a
	}
	return out, nil
}

// readArg reads one message argument: a string, a number, a message
// ({"key": ...}) or a list ({"list": [...]}).
func readArg(r json.RawMessage) (any, error) {
	r = bytes.TrimSpace(r)
	if len(r) == 0 {
		return nil, fmt.Errorf("empty value")
	}
	switch r[0] {
	case '"':
		var s string
		err := json.Unmarshal(r, &s)
		return s, err
	case 't', 'f':
		var v bool
		err := json.Unmarshal(r, &v)
		return v, err
	case '{':
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(r, &probe); err != nil {
			return nil, err
		}
		if list, ok := probe["list"]; ok {
			if len(probe) != 1 {
				return nil, fmt.Errorf("a list is {\"list\": [...]} and nothing else")
			}
			var items []json.RawMessage
			if err := json.Unmarshal(list, &items); err != nil {
				return nil, err
			}
			args, err := readArgs(items)
			if err != nil {
				return nil, err
			}
			if args == nil {
				args = []any{}
			}
			return List(args), nil
		}
		var m Message
		err := m.UnmarshalJSON(r)
		return m, err
	case '[', 'n':
		return nil, fmt.Errorf("want a string, a number, a message or a list, not %.20s", r)
	}
	s := string(r)
	if n, err := strconv.ParseInt(s, 10, 0); err == nil {
		return int(n), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("not a number: %.20s", s)
	}
	return f, nil
}
