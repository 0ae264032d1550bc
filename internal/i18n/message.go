package i18n

import "strings"

// Message is a text to write later, in the reader's language: a catalogue
// key and its arguments. An argument that is itself a Message (or a
// []Message, or a List) is rendered in the same language, so a sentence
// can be built from translated fragments. Code that produces a text for
// several outputs (a finding's message, a hop of a path, a reason in a
// plan) keeps the Message and renders it where the language is known;
// English is l.Render with English.
type Message struct {
	Key  string
	Args []any
}

// M builds a Message.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// IsZero reports whether m is the zero Message (no key).
func (m Message) IsZero() bool { return m.Key == "" }

// List is a list of items written as the language writes lists: "a, b
// and c" in English (common.list.and), "a、b、c" in Japanese. Items are
// rendered like Message arguments (strings as they are, Messages in the
// language).
type List []any

// Render writes m in l: its key's text in l (English when l lacks it)
// formatted with its arguments, each Message, []Message or List argument
// rendered in l first.
func (l Lang) Render(m Message) string {
	if m.Key == "" {
		return ""
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = l.arg(a)
	}
	return l.T(m.Key, args...)
}

// arg renders one argument of a Message in l.
func (l Lang) arg(a any) any {
	switch v := a.(type) {
	case Message:
		return l.Render(v)
	case *Message:
		if v == nil {
			return ""
		}
		return l.Render(*v)
	case []Message:
		return l.join(listOf(v))
	case List:
		return l.join(v)
	}
	return a
}

// listOf is ms as a List.
func listOf(ms []Message) List {
	items := make(List, len(ms))
	for i, m := range ms {
		items[i] = m
	}
	return items
}

// join writes items as a list in l: "a", "a and b", "a, b and c"
// (common.list.pair, common.list.sep, common.list.last).
func (l Lang) join(items List) string {
	parts := make([]string, len(items))
	for i, it := range items {
		switch v := l.arg(it).(type) {
		case string:
			parts[i] = v
		default:
			parts[i] = l.T("common.list.item", v)
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	case 2:
		return l.T("common.list.pair", parts[0], parts[1])
	}
	head := strings.Join(parts[:len(parts)-1], l.T("common.list.sep"))
	return l.T("common.list.last", head, parts[len(parts)-1])
}

// Known reports whether the catalogue has m's key and the key of every
// message among its arguments (a message read from a file a newer
// version wrote may name keys this one lacks).
func (m Message) Known() bool {
	if !Has(m.Key) {
		return false
	}
	for _, a := range m.Args {
		if !knownArg(a) {
			return false
		}
	}
	return true
}

func knownArg(a any) bool {
	switch v := a.(type) {
	case Message:
		return v.Known()
	case *Message:
		return v == nil || v.Known()
	case []Message:
		for _, m := range v {
			if !m.Known() {
				return false
			}
		}
	case List:
		for _, it := range v {
			if !knownArg(it) {
				return false
			}
		}
	}
	return true
}

// MapStrings returns m with every string argument, at any depth, replaced
// by f of it: a renderer escapes the data a message carries for its
// format (Markdown, HTML) and leaves the catalogue's text as it is.
func (m Message) MapStrings(f func(string) string) Message {
	out := Message{Key: m.Key, Args: make([]any, len(m.Args))}
	for i, a := range m.Args {
		out.Args[i] = mapArg(a, f)
	}
	return out
}

func mapArg(a any, f func(string) string) any {
	switch v := a.(type) {
	case string:
		return f(v)
	case Message:
		return v.MapStrings(f)
	case *Message:
		if v == nil {
			return v
		}
		return v.MapStrings(f)
	case []Message:
		out := make([]Message, len(v))
		for i, m := range v {
			out[i] = m.MapStrings(f)
		}
		return out
	case List:
		out := make(List, len(v))
		for i, it := range v {
			out[i] = mapArg(it, f)
		}
		return out
	}
	return a
}
