package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// decodeJSON must be json.Unmarshal: the same value and the same error for
// every input. The pruner may give up (and decode the original) whenever
// it likes, but it must never accept invalid JSON or drop a member that
// decoding would read.

// sameAsUnmarshal decodes data both ways into call's shape and says how
// they differ.
func sameAsUnmarshal(call model.Call, data []byte) error {
	shape := shapes[call]
	got, want := shape(), shape()
	_, gerr := decodeJSON(data, got)
	werr := json.Unmarshal(data, want)
	if fmt.Sprint(gerr) != fmt.Sprint(werr) {
		return fmt.Errorf("error %v, json.Unmarshal's %v", gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("decoded %+v, json.Unmarshal decoded %+v", got, want)
	}
	if pruned, ok := prune(data, shapeOf(reflect.TypeOf(got).Elem())); ok && !json.Valid(data) {
		return fmt.Errorf("pruned invalid JSON into %q", pruned)
	}
	// Read in pieces of every size, and decoding the root's big array in
	// pieces of every size, decodeStream decodes what the whole file's
	// path decodes (after utf8Text), or gives up.
	text := utf8Text(data)
	want = shape()
	werr = json.Unmarshal(text, want)
	defer func(n int) { splitChunk = n }(splitChunk)
	for i, r := range []func() io.Reader{
		func() io.Reader { return bytes.NewReader(data) },
		func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
	} {
		splitChunk = []int{1 << 20, 1, 40, 300}[i]
		got := shape()
		if !decodeStream(r(), got) {
			if !reflect.ValueOf(got).Elem().IsZero() {
				return fmt.Errorf("decodeStream gave up but left %+v", got)
			}
			continue
		}
		if werr != nil {
			return fmt.Errorf("decodeStream decoded what json.Unmarshal rejects: %v", werr)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("decodeStream decoded %+v, json.Unmarshal decoded %+v", got, want)
		}
	}
	// A reader that fails makes it give up.
	if decodeStream(io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(errors.New("disk on fire"))), shape()) && len(data) > 1 {
		return fmt.Errorf("decodeStream did not give up on a read error")
	}
	return nil
}

func shapeCalls() []model.Call {
	var calls []model.Call
	for c := range shapes {
		calls = append(calls, c)
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i] < calls[j] })
	return calls
}

func TestDecodeJSONIsUnmarshal(t *testing.T) {
	vpcs := model.CallVPCs
	cases := []struct {
		name string
		call model.Call
		json string
	}{
		{"members it ignores", vpcs, `{"Vpcs": [{"VpcId": "vpc-1", "State": "available", "DhcpOptionsId": "dopt-1", "CidrBlock": "10.0.0.0/16"}], "ResponseMetadata": {"a": [1, 2, {"b": null}]}}`},
		{"keys in another case", vpcs, `{"vpcs": [{"vpcid": "vpc-1", "CIDRBLOCK": "10.0.0.0/16", "cIdRbLoCk": "10.1.0.0/16"}]}`},
		{"escaped key", vpcs, `{"Vpcs": [{"Vpc\u0049d": "vpc-1", "\u0056pcId": "vpc-2"}]}`},
		{"key folding onto a field only in Unicode", vpcs, `{"Vpcs": [{"VpcId": "vpc-1", "Iſdefault": true, "IsDefault": false, "Tags": [{"Key": "K", "Value": "v"}]}]}`},
		{"Kelvin sign", vpcs, "{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"Tags\": [{\"\u212aey\": \"a\", \"Value\": \"b\"}]}]}"},
		{"key with underscore or dash", vpcs, `{"Vpcs": [{"Vpc_Id": "vpc-1", "vpc-id": "vpc-2"}]}`},
		{"duplicate keys", vpcs, `{"Vpcs": [{"VpcId": "vpc-1"}], "Vpcs": [{"VpcId": "vpc-2"}, {"VpcId": "vpc-3"}]}`},
		{"null where an object is", vpcs, `{"Vpcs": [null, {"VpcId": "vpc-1", "Tags": null}]}`},
		{"wrong type in a member it reads", vpcs, `{"Vpcs": [{"VpcId": 7, "IsDefault": "yes"}]}`},
		{"wrong type in a member it ignores", vpcs, `{"Vpcs": [{"VpcId": "vpc-1", "State": 7}]}`},
		{"array where an object is", vpcs, `{"Vpcs": {"VpcId": "vpc-1"}}`},
		{"not an object", vpcs, `[1, 2, 3]`},
		{"trailing comma in an ignored member", vpcs, `{"Vpcs": [], "X": [1, 2,]}`},
		{"trailing comma in an ignored object", vpcs, `{"Vpcs": [], "X": {"a": 1,}}`},
		{"control character in an ignored string", vpcs, "{\"Vpcs\": [], \"X\": \"a\tb\"}"},
		{"bad escape in an ignored string", vpcs, `{"Vpcs": [], "X": "a\qb"}`},
		{"short unicode escape", vpcs, `{"Vpcs": [], "X": "\u12"}`},
		{"bad numbers", vpcs, `{"Vpcs": [], "X": 01}`},
		{"bad fraction", vpcs, `{"Vpcs": [], "X": 1.}`},
		{"bad exponent", vpcs, `{"Vpcs": [], "X": 1e}`},
		{"minus alone", vpcs, `{"Vpcs": [], "X": -}`},
		{"good numbers", vpcs, `{"Vpcs": [], "X": [0, -0, 1.5e+10, -2.25E-3, 123456789012345678901234567890]}`},
		{"bad literal", vpcs, `{"Vpcs": [], "X": tru}`},
		{"missing colon", vpcs, `{"Vpcs": [], "X" 1}`},
		{"missing comma", vpcs, `{"Vpcs": [] "X": 1}`},
		{"trailing data", vpcs, `{"Vpcs": []} {}`},
		{"unterminated", vpcs, `{"Vpcs": [{"VpcId": "vpc-1"`},
		{"invalid UTF-8", vpcs, "{\"Vpcs\": [{\"VpcId\": \"vpc-\xff\"}], \"X\": \"\xfe\"}"},
		{"deep nesting in an ignored member", vpcs, `{"Vpcs": [], "X": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`},
		{"very deep nesting", vpcs, `{"Vpcs": [], "X": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`},
		{"pointer to an int", model.CallListeners, `{"Listeners": [{"Port": 443, "Protocol": "HTTPS"}, {"Port": 4.5}]}`},
		{"lower-case shape", model.CallECSClusters, `{"clusterArns": ["arn:1"], "ClusterArns": ["arn:2"], "nextToken": "t", "other": {}}`},
		{"the root array twice in two cases", vpcs, `{"Vpcs": [{"VpcId": "vpc-1"}], "vpcs": [{"VpcId": "vpc-2"}]}`},
		{"an escaped key before the root array", vpcs, `{"V\u0070cs": [{"VpcId": "vpc-1"}], "Vpcs": [{"VpcId": "vpc-2"}]}`},
		{"an escaped key after the root array", vpcs, `{"Vpcs": [{"VpcId": "vpc-2"}], "V\u0070cs": [{"VpcId": "vpc-1"}]}`},
		{"the root array null", vpcs, `{"Vpcs": null, "NextToken": "t"}`},
		{"the root array empty", vpcs, `{"NextToken": "t", "Vpcs": [ ]}`},
		{"a bad element among good ones", vpcs, `{"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": 5}, {"VpcId": "vpc-3"}, null, {"Tags": [{"Key": 1}]}]}`},
		{"elements of every kind", vpcs, `{"Vpcs": [null, {}, {"VpcId": "vpc-1", "Other": [1, {"a": "b"}]}, {"CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}]}]}`},
		{"empty", vpcs, ``},
		{"UTF-8 byte-order mark", vpcs, "\xEF\xBB\xBF{\"Vpcs\": [{\"VpcId\": \"vpc-1\"}]}"},
		{"UTF-16 byte-order mark", vpcs, "\xFF\xFE{\x00}\x00"},
		{"long strings and numbers across reads", vpcs, `{"Vpcs": [{"VpcId": "` + strings.Repeat("v", 300000) + `", "X": ` + strings.Repeat("9", 300000) + `, "Tags": [{"Key": "\u00e9\n", "Value": "` + strings.Repeat("\\\"", 1000) + `"}]}]}`},
		{"white space only", vpcs, " \n\t"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			call := tc.call
			if _, ok := shapes[call]; !ok {
				call = vpcs
			}
			if err := sameAsUnmarshal(call, []byte(tc.json)); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestDecodeJSONSeeds compares the two on every sample file of every call.
func TestDecodeJSONSeeds(t *testing.T) {
	seeds := callSeeds(t)
	for _, call := range shapeCalls() {
		for i, data := range seeds[call] {
			if err := sameAsUnmarshal(call, data); err != nil {
				t.Errorf("%s sample %d: %v", call, i, err)
			}
		}
	}
}

// FuzzDecodeJSON: go test ./internal/source/snapshot -run '^$' -fuzz FuzzDecodeJSON
func FuzzDecodeJSON(f *testing.F) {
	calls := shapeCalls()
	seeds := callSeeds(f)
	for i, call := range calls {
		for _, data := range seeds[call] {
			f.Add(uint8(i), data)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		call := calls[int(which)%len(calls)]
		if err := sameAsUnmarshal(call, data); err != nil {
			t.Errorf("%s: %v", call, err)
		}
	})
}

// allPaths lists the path of every value in data (valid JSON), and some
// that lead nowhere or differ in case.
func allPaths(data []byte) []jsonPath {
	var out []jsonPath
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(p jsonPath) bool
	walk = func(p jsonPath) bool {
		out = append(out, p)
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return false
				}
				ks, _ := k.(string)
				out = append(out, p.key(strings.ToUpper(ks)), p.key(ks+"x"))
				if !walk(p.key(ks)) {
					return false
				}
			}
		case json.Delim('['):
			n := 0
			for ; dec.More(); n++ {
				if !walk(p.at(n)) {
					return false
				}
			}
			out = append(out, p.at(n), p.at(-1))
		default:
			return true
		}
		_, err = dec.Token()
		return err == nil
	}
	walk(nil)
	return out
}

// TestLocatorIsLocate: the locator finds every value where locate does.
func TestLocatorIsLocate(t *testing.T) {
	seeds := callSeeds(t)
	extra := [][]byte{
		[]byte(`{"a": {"b": [1, {"c": "x\"y"}, [2, 3]], "B": 4}, "\u0041": [], "e\u0301": {}, "k": "\u00e9"}`),
		[]byte("{\n\t\"a\" :\r\n [ 1 ,\n 2 ] , \"a\": 3 }\n"),
		[]byte(`[]`), []byte(`"s"`), []byte(`{}`),
	}
	for _, call := range shapeCalls() {
		for _, data := range append(seeds[call], extra...) {
			if !json.Valid(data) {
				continue
			}
			l := newLocator(data)
			for _, p := range allPaths(data) {
				got, want := l.locate(p), locate(data, p)
				if got != want {
					t.Fatalf("%s: path %v: locator %d, locate %d", call, p, got, want)
				}
				if want >= 0 {
					gl, gc := l.lineCol(want)
					wl, wc := lineCol(data, want)
					if gl != wl || gc != wc {
						t.Fatalf("%s: offset %d: locator %d:%d, lineCol %d:%d", call, want, gl, gc, wl, wc)
					}
				}
			}
		}
	}
}
