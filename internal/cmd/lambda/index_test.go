package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestOrganisationRun runs what the state machine runs: accounts mode
// lists the organisation, one scan per listed event (one of them
// failing), then index mode, which lists every account, marks the failed
// one as without a report, and adds up the others.
func TestOrganisationRun(t *testing.T) {
	s := newTestS3(t)
	h, collected := newTestHandler(t, s)
	var list AccountsList
	err := invoke(t, h, `{"mode": "accounts", "role": "vpcdoctor-scan", "external_id": "org-1234", "regions": ["ap-northeast-1"], "bucket": "reports", "prefix": "org", "exclude_accounts": ["555566667777"]}`, &list)
	if err != nil {
		t.Fatal(err)
	}
	if want := (AccountsList{Run: "20261126T094800Z", Bucket: "reports", Key: "org/20261126T094800Z/accounts.json", Accounts: 3}); list != want {
		t.Fatalf("accounts: %+v, want %+v", list, want)
	}
	var items []Event
	if err := json.Unmarshal(s.get(t, list.Key), &items); err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{Mode: ModeScan, Account: exampleID, Role: "arn:aws:iam::111122223333:role/vpcdoctor-scan", ExternalID: "org-1234", Regions: []string{"ap-northeast-1"}, Bucket: "reports", Prefix: "org", Run: list.Run, Lang: "en"},
		{Mode: ModeScan, Account: "222233334444", Role: "arn:aws:iam::222233334444:role/vpcdoctor-scan", ExternalID: "org-1234", Regions: []string{"ap-northeast-1"}, Bucket: "reports", Prefix: "org", Run: list.Run, Lang: "en"},
		// the function's own account: its own role, nothing assumed
		{Mode: ModeScan, Account: "999988887777", Regions: []string{"ap-northeast-1"}, Bucket: "reports", Prefix: "org", Run: list.Run, Lang: "en"},
	}
	if !reflect.DeepEqual(items, want) {
		t.Fatalf("accounts.json:\n%+v\nwant\n%+v", items, want)
	}
	// The Map: each item is one invocation's event, as it is.
	collect := h.Services.Collect
	h.Services.Collect = func(ctx context.Context, tg Target, dir string) error {
		if tg.Account == "222233334444" {
			return errors.New("AccessDenied")
		}
		return collect(ctx, tg, dir)
	}
	for _, item := range items {
		b, _ := json.Marshal(item)
		var sum Summary
		err := invoke(t, h, string(b), &sum)
		if (err != nil) != (item.Account == "222233334444") {
			t.Errorf("scan of %s: %v", item.Account, err)
		}
	}
	if len(*collected) != 2 {
		t.Errorf("collected %+v", *collected)
	}
	var idx Index
	if err := invoke(t, h, `{"mode": "index", "bucket": "reports", "prefix": "org", "run": "20261126T094800Z"}`, &idx); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, a := range idx.Accounts {
		statuses = append(statuses, a.Account+" "+a.Status)
	}
	if !reflect.DeepEqual(statuses, []string{"111122223333 scanned", "222233334444 no report", "999988887777 scanned"}) {
		t.Errorf("index accounts %q", statuses)
	}
	var critical, high, findings int
	for _, a := range []string{exampleID, "999988887777"} {
		var sum Summary
		json.Unmarshal(s.get(t, "org/20261126T094800Z/"+a+"/summary.json"), &sum)
		critical, high, findings = critical+sum.Counts.Critical, high+sum.Counts.High, findings+sum.Counts.Findings
	}
	if idx.Scanned != 2 || idx.Missing != 1 || critical < 14 || idx.Totals.Critical != critical || idx.Totals.High != high || idx.Totals.Findings != findings || idx.Totals.Complete {
		t.Errorf("index totals: scanned %d, missing %d, %+v; the summaries add up to %d critical, %d high, %d findings", idx.Scanned, idx.Missing, idx.Totals, critical, high, findings)
	}
	var written Index
	if err := json.Unmarshal(s.get(t, "org/20261126T094800Z/index.json"), &written); err != nil || !reflect.DeepEqual(written, idx) {
		t.Errorf("index.json differs from the response (%v)", err)
	}
	html := string(s.get(t, "org/20261126T094800Z/index.html"))
	for _, w := range []string{`<a href="111122223333/vpcdoctor.html">HTML</a>`, `<a href="999988887777/vpcdoctor.sarif">SARIF</a>`, "222233334444</th><td>no report (the scan failed or has not finished)"} {
		if !strings.Contains(html, w) {
			t.Errorf("index.html lacks %q", w)
		}
	}
	// The same run indexed again gives the same bytes.
	first := s.get(t, "org/20261126T094800Z/index.html")
	if err := invoke(t, h, `{"mode": "index", "bucket": "reports", "prefix": "org", "run": "20261126T094800Z"}`, &idx); err != nil {
		t.Fatal(err)
	}
	if string(first) != string(s.get(t, "org/20261126T094800Z/index.html")) {
		t.Error("index.html changed when written again")
	}
}

func TestAccountsErrors(t *testing.T) {
	s := newTestS3(t)
	h, _ := newTestHandler(t, s)
	for _, tt := range []struct{ event, want string }{
		{`{"mode": "accounts", "bucket": "reports"}`, "account 111122223333 is not the function's own: name the role"},
		{`{"mode": "accounts", "bucket": "reports", "role": "r", "accounts": ["123456789012"]}`, "no account to scan: the organisation lists 4, the filters keep none"},
		{`{"mode": "index", "bucket": "reports", "run": "never"}`, "s3://reports/never/ holds no scan of run never"},
	} {
		_, err := h.Invoke(context.Background(), []byte(tt.event))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.event, err, tt.want)
		}
	}
	// The environment's exclusions apply when the event names none.
	getenv := h.Getenv
	h.Getenv = func(k string) string {
		if k == "VPCDOCTOR_EXCLUDE_ACCOUNTS" {
			return "111122223333, 222233334444,555566667777"
		}
		return getenv(k)
	}
	var list AccountsList
	if err := invoke(t, h, `{"mode": "accounts", "bucket": "reports", "role": "r", "run": "env"}`, &list); err != nil || list.Accounts != 1 {
		t.Errorf("VPCDOCTOR_EXCLUDE_ACCOUNTS: %+v (%v), want the one account left", list, err)
	}
	h.Getenv = getenv
	h.Services.Accounts = func(context.Context) ([]string, error) { return nil, errors.New("AWSOrganizationsNotInUseException") }
	if _, err := h.Invoke(context.Background(), []byte(`{"mode": "accounts", "bucket": "reports", "role": "r"}`)); err == nil || !strings.Contains(err.Error(), "list the organisation's accounts: AWSOrganizationsNotInUseException") {
		t.Errorf("a failed listing: %v", err)
	}
	// A summary that is not one is an error naming the object.
	s.backend.PutObject("reports", "bad/111122223333/summary.json", map[string]string{}, strings.NewReader("{}"), 2, nil)
	if _, err := h.Invoke(context.Background(), []byte(`{"mode": "index", "bucket": "reports", "run": "bad"}`)); err == nil || !strings.Contains(err.Error(), "s3://reports/bad/111122223333/summary.json: not a vpcdoctor scan summary") {
		t.Errorf("a bad summary: %v", err)
	}
}

func TestFilterAccounts(t *testing.T) {
	all := []string{"3", "1", "2", "1"}
	if got := filterAccounts(all, nil, []string{"2"}); !reflect.DeepEqual(got, []string{"1", "3"}) {
		t.Errorf("exclude: %q", got)
	}
	if got := filterAccounts(all, []string{"2", "9"}, nil); !reflect.DeepEqual(got, []string{"2"}) {
		t.Errorf("only: %q", got)
	}
}
