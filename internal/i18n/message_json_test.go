package i18n

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestMessageJSONRoundTrip(t *testing.T) {
	for _, c := range []struct {
		m    Message
		json string
	}{
		{M("common.internet"), `{"key":"common.internet"}`},
		{M("common.list.pair", "a", 7), `{"key":"common.list.pair","args":["a",7]}`},
		{M("k", 1.5, true, -3), `{"key":"k","args":[1.5,true,-3]}`},
		{M("common.list.item", M("common.list.pair", "x", M("common.internet"))), `{"key":"common.list.item","args":[{"key":"common.list.pair","args":["x",{"key":"common.internet"}]}]}`},
		{M("common.list.item", List{"a", M("common.internet"), 3}), `{"key":"common.list.item","args":[{"list":["a",{"key":"common.internet"},3]}]}`},
		{M("common.list.item", List{}), `{"key":"common.list.item","args":[{"list":[]}]}`},
		{M("common.list.item", `quote " and <tag>`), `{"key":"common.list.item","args":["quote \" and \u003ctag\u003e"]}`},
	} {
		data, err := json.Marshal(c.m)
		if err != nil {
			t.Fatalf("%v: %v", c.m, err)
		}
		if string(data) != c.json {
			t.Errorf("marshal %v:\n got %s\nwant %s", c.m, data, c.json)
		}
		var back Message
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", data, err)
		}
		if !reflect.DeepEqual(back, c.m) {
			t.Errorf("round trip of %s: got %#v, want %#v", data, back, c.m)
		}
		for _, l := range []Lang{English, Japanese} {
			if l.Render(back) != l.Render(c.m) {
				t.Errorf("%s: %s renders %q after the round trip, %q before", l, data, l.Render(back), l.Render(c.m))
			}
		}
	}
}

// []Message, *Message and Stringers are written as the list, the message
// and the string they render as; they come back as List, Message, string.
func TestMessageJSONNormalises(t *testing.T) {
	p := M("common.internet")
	m := M("report.exposure.line", []Message{M("common.severity.high"), M("common.severity.low")}, &p, netip.MustParseAddr("192.0.2.1"))
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	want := M("report.exposure.line", List{M("common.severity.high"), M("common.severity.low")}, M("common.internet"), "192.0.2.1")
	if !reflect.DeepEqual(back, want) {
		t.Errorf("got %#v, want %#v", back, want)
	}
	for _, l := range []Lang{English, Japanese} {
		if l.Render(back) != l.Render(m) {
			t.Errorf("%s: %q after, %q before", l, l.Render(back), l.Render(m))
		}
	}
}

func TestMessageJSONErrors(t *testing.T) {
	if _, err := json.Marshal(M("k", []string{"a"})); err == nil || !strings.Contains(err.Error(), "[]string") {
		t.Errorf("a []string argument: got %v, want an error naming the type", err)
	}
	for _, bad := range []string{
		`{}`,
		`{"args":[1]}`,
		`{"key":"k","args":[null]}`,
		`{"key":"k","args":[[1]]}`,
		`{"key":"k","args":[{"list":[1],"key":"x"}]}`,
		`{"key":"k","args":[{"list":[null]}]}`,
		`{"key":"k","args":[{"args":[]}]}`,
		`{"key":"k","args":"x"}`,
		`"k"`,
	} {
		var m Message
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("%s: no error, got %#v", bad, m)
		}
	}
}

func FuzzMessageJSON(f *testing.F) {
	f.Add(`{"key":"common.list.item","args":[{"list":["a",{"key":"common.internet"},3]}]}`)
	f.Add(`{"key":"k","args":[1.5,true,-3,"x"]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var m Message
		if json.Unmarshal([]byte(s), &m) != nil {
			return
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("%s read but cannot be written: %v", s, err)
		}
		var again Message
		if err := json.Unmarshal(data, &again); err != nil {
			t.Fatalf("%s written as %s, which does not read: %v", s, data, err)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("%s: %#v, then %#v", s, m, again)
		}
	})
}

func TestKnownAndMapStrings(t *testing.T) {
	good := M("common.list.pair", List{"a<b", M("common.internet")}, []Message{M("common.severity.high")})
	if !good.Known() {
		t.Errorf("%v: not known", good)
	}
	for _, bad := range []Message{M("no.such.key"), M("common.list.item", M("no.such")), M("common.list.item", List{M("no.such")}), M("common.list.item", []Message{M("no.such")})} {
		if bad.Known() {
			t.Errorf("%v: known", bad)
		}
	}
	esc := good.MapStrings(func(s string) string { return strings.ReplaceAll(s, "<", "&lt;") })
	if got, want := English.Render(esc), "a&lt;b and Internet and high"; got != want {
		t.Errorf("escaped: %q, want %q", got, want)
	}
	if got := English.Render(good); got != "a<b and Internet and high" {
		t.Errorf("MapStrings changed the original: %q", got)
	}
}
