package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// oracleDecode is what readJSONFile did before decodeGeneric: encoding/json's
// Decoder with UseNumber, one value, then whether anything but a valid
// token follows.
func oracleDecode(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// decodeCases are values and broken inputs with every kind of value, the
// escapes, invalid UTF-8, repeated keys and the number grammar's edges.
var decodeCases = []string{
	`{}`, `[]`, `null`, `true`, `false`, `"x"`, `0`, `-0`, `12345678901234567890`, `-1.5e300`, `1E+2`, `1e-0`, `0.5`,
	` {"b": 1, "a": [1, {"z": null, "y": []}, {}], "c": {"d": false}} ` + "\n",
	`{"s": "quote \" backslash \\ slash \/ nl \n cr \r tab \t nul \u0000 bell \u0007 del \u007f \b \f"}`,
	`{"html": "<a href=\"x\">&amp;</a>", "ls": "\u2028\u2029", "jp": "オヤツ", "emoji": "🍙", "pair": "\ud83c\udf59", "lone": "\ud83c x", "lone2": "\udf59"}`,
	"{\"bad\": \"a\xffb\xc3\"}", "[\"\xe3\x81\"]",
	`{"k": 1, "k": 2, "k": {"x": 1}}`,
	`{"Tags": [{"Key": "Name", "Value": "web-01"}], "N": 3, "F": 1.0, "E": 1e3}`,
	// Broken: encoding/json's verdict and message are used.
	``, ` `, `{`, `[`, `"abc`, `"a\`, `{"a" 1}`, `{"a": 1,}`, `[1,]`, `[1 2]`, `01`, `-`, `1.`, `1e`, `.5`, `+1`, `nul`, `tru`,
	"\"tab\there\"", `{"a": 1} x`, `{"a": 1} {}`, `{1: 2}`, `[1}`, `{"a": [}`, `"\x"`, `"\u12"`, `NaN`, `Infinity`,
}

// TestDecodeGenericMatchesEncodingJSON: what decodeGeneric decodes,
// encoding/json decodes to the same value; what it refuses, readJSONFile
// hands to encoding/json (so refusing is safe, accepting must be right).
func TestDecodeGenericMatchesEncodingJSON(t *testing.T) {
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	for _, c := range append(decodeCases, deep, strings.Repeat("[", 100)+strings.Repeat("]", 100)) {
		got, ok := decodeGeneric([]byte(c))
		want, wantOK := oracleDecode([]byte(c))
		if ok && !wantOK {
			t.Errorf("%.60q: decoded, encoding/json refuses it", c)
			continue
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Errorf("%.60q:\ngot  %#v\nwant %#v", c, got, want)
		}
		// Refusing only costs time; trailing data is left to
		// encoding/json (readJSONFile then refuses "01", accepts "{} x").
		if !ok && wantOK && c != `{"a": 1} x` && c != `{"a": 1} {}` && c != `01` {
			t.Errorf("%.60q: refused, encoding/json decodes it", c)
		}
	}
}

// TestDecodeGenericExampleFiles: every JSON file of the bundled examples
// decodes as encoding/json decodes it.
func TestDecodeGenericExampleFiles(t *testing.T) {
	n := 0
	for _, ex := range []string{"startup-all-public", "startup-rebuilt"} {
		root := filepath.Join("..", "..", "examples", ex)
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			got, ok := decodeGeneric(data)
			want, wantOK := oracleDecode(data)
			if !ok || !wantOK || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: decoded %v (encoding/json %v), or the values differ", path, ok, wantOK)
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 20 {
		t.Errorf("only %d files read", n)
	}
}

// FuzzDecodeGeneric: decodeGeneric never accepts what encoding/json
// refuses, and never decodes a value differently.
func FuzzDecodeGeneric(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeGeneric(data)
		if !ok {
			return
		}
		want, wantOK := oracleDecode(data)
		if !wantOK {
			t.Fatalf("%q: decoded, encoding/json refuses it", data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\ngot  %#v\nwant %#v", data, got, want)
		}
	})
}

// BenchmarkDecode times decoding the scale-target account's largest file
// (the instance list, 69 MB) with decodeGeneric and with encoding/json, the way
// readJSONFile did before:
//
//	go test ./internal/plan -run '^$' -bench Decode -benchmem
func BenchmarkDecode(b *testing.B) {
	src := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(src, synth.Target); err != nil {
		b.Fatal(err)
	}
	var path string
	var size int64
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() > size {
			path, size = p, info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d bytes", filepath.Base(path), len(data))
	b.Run("decodeGeneric", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, ok := decodeGeneric(data); !ok {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, ok := oracleDecode(data); !ok {
				b.Fatal("not decoded")
			}
		}
	})
}

// BenchmarkEncode times writing the scale-target account's instance list
// back (marshalJSON, with the fingerprint that decides whether to):
//
//	go test ./internal/plan -run '^$' -bench Encode -benchmem
func BenchmarkEncode(b *testing.B) {
	src := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(src, synth.Target); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(src, "ap-northeast-1", "ec2-describe-instances.json"))
	if err != nil {
		b.Fatal(err)
	}
	v, ok := decodeGeneric(data)
	if !ok {
		b.Fatal("not decoded")
	}
	b.Run("fingerprint", func(b *testing.B) {
		for b.Loop() {
			fingerprint(v)
		}
	})
	b.Run("marshalJSON", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := marshalJSON(v, len(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
