package flows

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmbeddedIPRanges: the embedded copy parses, is dated, and names the
// services it holds.
func TestEmbeddedIPRanges(t *testing.T) {
	r := EmbeddedIPRanges()
	if r.SyncToken != "1611783258" || r.Date().Format("2006-01-02") != "2021-01-27" || r.Len() != 98 {
		t.Fatalf("embedded ranges: token %q date %v, %d ranges", r.SyncToken, r.Date(), r.Len())
	}
	for _, tt := range []struct {
		addr, service, region string
	}{
		{"13.32.1.1", "CLOUDFRONT", "GLOBAL"},
		{"205.251.193.5", "ROUTE53", "GLOBAL"},
		{"13.113.5.5", "EC2", "ap-northeast-1"},
		{"54.248.113.96", "AMAZON", "ap-northeast-1"},
		{"99.82.170.1", "GLOBALACCELERATOR", "ap-northeast-1"},
		{"8.8.8.8", "", ""},
	} {
		s, reg, ok := r.Lookup(netip.MustParseAddr(tt.addr))
		if s != tt.service || reg != tt.region || ok != (tt.service != "") {
			t.Errorf("Lookup(%s) = %q %q %v, want %q %q", tt.addr, s, reg, ok, tt.service, tt.region)
		}
	}
}

// TestIPRangesLookup: AWS lists each range under AMAZON and again under
// its service; the most specific range of a service other than AMAZON
// wins, AMAZON alone means no listed service.
func TestIPRangesLookup(t *testing.T) {
	data := `{"syncToken": "1", "createDate": "2024-01-02-03-04-05",
	 "prefixes": [
	  {"ip_prefix": "52.219.0.0/16", "region": "ap-northeast-1", "service": "AMAZON"},
	  {"ip_prefix": "52.219.0.0/20", "region": "ap-northeast-1", "service": "AMAZON"},
	  {"ip_prefix": "52.219.0.0/20", "region": "ap-northeast-1", "service": "S3"},
	  {"ip_prefix": "52.219.8.0/24", "region": "ap-northeast-1", "service": "AMAZON"},
	  {"ip_prefix": "52.219.64.0/18", "region": "ap-northeast-1", "service": "EC2"},
	  {"ip_prefix": "52.219.64.0/18", "region": "ap-northeast-1", "service": "ROUTE53_HEALTHCHECKS"},
	  {"ip_prefix": "52.219.128.0/24", "region": "ap-northeast-1", "service": "EC2"},
	  {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "S3"}
	 ],
	 "ipv6_prefixes": [
	  {"ipv6_prefix": "2600:1f00::/24", "region": "GLOBAL", "service": "AMAZON"},
	  {"ipv6_prefix": "2600:1fa0:4000::/40", "region": "ap-northeast-1", "service": "S3"}
	 ]}`
	r, err := ParseIPRanges([]byte(data), "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ addr, service string }{
		{"52.219.1.1", "S3"},                    // the /20 of S3 within AMAZON's /16
		{"52.219.8.8", "S3"},                    // an inner AMAZON /24 does not hide S3
		{"52.219.20.1", "AMAZON"},               // AMAZON only
		{"52.219.70.1", "ROUTE53_HEALTHCHECKS"}, // one prefix, two services: not EC2
		{"52.219.128.9", "EC2"},                 // EC2 is a service too
		{"52.220.0.1", ""},                      // outside
		{"3.5.31.255", "S3"},                    // last address
		{"3.5.32.0", ""},                        // one past
		{"::ffff:52.219.1.1", "S3"},             // IPv4-mapped
		{"2600:1fa0:4000::1", "S3"},             // IPv6
		{"2600:1f00::1", "AMAZON"},              // IPv6, AMAZON only
		{"2001:db8::1", ""},                     // IPv6 outside
	} {
		s, _, _ := r.Lookup(netip.MustParseAddr(tt.addr))
		if s != tt.service {
			t.Errorf("Lookup(%s) = %q, want %q", tt.addr, s, tt.service)
		}
	}
	if r.Date().Format("2006-01-02 15:04:05") != "2024-01-02 03:04:05" {
		t.Errorf("Date = %v", r.Date())
	}
}

// TestParseIPRangesErrors: what is not AWS's file is an error naming it.
func TestParseIPRangesErrors(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{`{`, "unexpected end"},
		{`{"prefixes": []}`, "not AWS's ip-ranges.json"},
		{`{"syncToken": "1", "prefixes": [{"ip_prefix": "10.0.0.0/33"}]}`, "prefixes[0]"},
		{`{"syncToken": "1", "prefixes": [], "ipv6_prefixes": [{"ipv6_prefix": "zz"}]}`, "ipv6_prefixes[0]"},
	} {
		_, err := ParseIPRanges([]byte(tt.data), "f.json")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "f.json") {
			t.Errorf("ParseIPRanges(%s) = %v, want an error naming f.json and %q", tt.data, err, tt.want)
		}
	}
	if _, err := LoadIPRanges(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadIPRanges of a missing file: no error")
	}
}

// TestRefreshIPRanges downloads from a local server into a file, which is
// replaced only by a complete, valid download.
func TestRefreshIPRanges(t *testing.T) {
	good := `{"syncToken": "1700000000", "createDate": "2023-11-14-22-13-20", "prefixes": [{"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "S3"}], "ipv6_prefixes": []}`
	body, status := good, http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "ip-ranges.json")
	r, err := RefreshIPRanges(context.Background(), srv.Client(), srv.URL, file)
	if err != nil {
		t.Fatal(err)
	}
	if r.SyncToken != "1700000000" || r.Source != file {
		t.Errorf("refreshed %q from %q", r.SyncToken, r.Source)
	}
	loaded, err := LoadIPRanges(file)
	if err != nil || loaded.SyncToken != "1700000000" {
		t.Fatalf("LoadIPRanges after refresh: %v, %v", loaded, err)
	}
	for _, bad := range []struct {
		body   string
		status int
	}{{"not json", http.StatusOK}, {good, http.StatusNotFound}} {
		body, status = bad.body, bad.status
		if _, err := RefreshIPRanges(context.Background(), srv.Client(), srv.URL, file); err == nil {
			t.Errorf("refresh with status %d and body %q: no error", bad.status, bad.body)
		}
		if got, _ := os.ReadFile(file); string(got) != good {
			t.Errorf("a failed refresh changed the file: %q", got)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
