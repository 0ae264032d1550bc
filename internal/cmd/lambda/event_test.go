package lambda

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseEvent: no event crashes the parser or the checks, and an
// event that parses gives itself back through JSON.
func FuzzParseEvent(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[1]`, `{"bucket": "reports"`,
		`{"mode": "accounts", "role": "vpcdoctor-scan", "external_id": "org-1234", "regions": ["ap-northeast-1"], "bucket": "reports", "prefix": "org", "exclude_accounts": ["555566667777"]}`,
		`{"account": "222233334444", "role": "arn:aws:iam::222233334444:role/x", "snapshot": "s3://b/p/", "run": "r", "lang": "ja"}`,
		`{"mode": "index", "run": "../..", "prefix": "/a/./b"}`,
		`{"regions": "ap-northeast-1"}`, `{"acount": 1}`, `{"bucket": "reports"} {}`,
	} {
		f.Add([]byte(seed))
	}
	getenv := func(k string) string {
		if k == "VPCDOCTOR_REGIONS" {
			return "ap-northeast-1,,us-east-1"
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEvent(data)
		if err != nil {
			if !reflect.DeepEqual(e, Event{}) {
				t.Errorf("an error (%v) with a partial event %+v", err, e)
			}
			return
		}
		full := e.withDefaults(getenv)
		if err := full.validate(); err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Error("an error without a message")
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseEvent(b)
		if err != nil || !reflect.DeepEqual(normalize(again), normalize(e)) {
			t.Errorf("%s gives %+v, which gives back %+v (%v)", data, e, again, err)
		}
	})
}

// normalize makes empty lists nil (omitempty drops them).
func normalize(e Event) Event {
	for _, l := range []*[]string{&e.Regions, &e.Accounts, &e.ExcludeAccounts} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return e
}

func TestRoleARNFor(t *testing.T) {
	for _, tt := range []struct{ role, partition, account, want string }{
		{"vpcdoctor-scan", "aws", "222233334444", "arn:aws:iam::222233334444:role/vpcdoctor-scan"},
		{"vpcdoctor-scan", "aws-cn", "222233334444", "arn:aws-cn:iam::222233334444:role/vpcdoctor-scan"},
		{"vpcdoctor-scan", "", "222233334444", "arn:aws:iam::222233334444:role/vpcdoctor-scan"},
		{"arn:aws:iam::333344445555:role/path/x", "aws", "222233334444", "arn:aws:iam::333344445555:role/path/x"},
		{"", "aws", "222233334444", ""},
	} {
		if got := roleARNFor(tt.role, tt.partition, tt.account); got != tt.want {
			t.Errorf("roleARNFor(%q, %q, %q) = %q, want %q", tt.role, tt.partition, tt.account, got, tt.want)
		}
	}
}

// The event's language is read as the catalogue reads it ("JA" is ja),
// once, so the report and the index page agree; an unknown one is left
// for validate to refuse.
func TestEventLangNormalised(t *testing.T) {
	none := func(string) string { return "" }
	for in, want := range map[string]string{"": "en", "JA": "ja", " ja ": "ja", "En": "en", "fr": "fr"} {
		if got := (Event{Lang: in}).withDefaults(none).Lang; got != want {
			t.Errorf("lang %q: %q, want %q", in, got, want)
		}
	}
}
