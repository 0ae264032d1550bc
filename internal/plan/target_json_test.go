package plan

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshalJSON writes exactly what encoding/json writes with a 4-space
// indent and HTML escaping off (the oracle), for every kind of value and
// the strings that need escaping.
func TestMarshalJSONMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `null`, `true`, `"x"`, `12345678901234567890`, `-1.5e300`,
		`{"b": 1, "a": [1, {"z": null, "y": []}, {}], "c": {"d": false}}`,
		`{"s": "quote \" backslash \\ nl \n cr \r tab \t nul \u0000 bell \u0007 del \u007f"}`,
		`{"html": "<a href=\"x\">&amp;</a>", "ls": "\u2028\u2029", "jp": "オヤツ", "emoji": "🍙"}`,
		`{"PolicyDocument": "{\n  \"Statement\": [\n    {\"Action\": \"*\"}\n  ]\n}"}`,
	}
	for _, c := range cases {
		dec := json.NewDecoder(bytes.NewReader([]byte(c)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := marshalJSON(v, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%s:\ngot  %s\nwant %s", c, got, want.Bytes())
		}
	}
	// Invalid UTF-8 becomes U+FFFD, as encoding/json writes it.
	got, _ := marshalJSON("a\xffb", 0)
	want, _ := json.Marshal("a\xffb")
	if !bytes.Equal(got, want) {
		t.Errorf("invalid UTF-8: got %s, want %s", got, want)
	}
}
