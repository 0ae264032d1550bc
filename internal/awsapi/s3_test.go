package awsapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// testConfig reaches a server on this machine with static credentials,
// never AWS nor the caller's own configuration.
func testConfig(url, region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDVPCDOCTORTEST", "test-secret", ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
	}
}

// fakeS3 is an in-process S3-compatible server (gofakes3) holding objects
// in bucket "flowlogs". It records the S3 operations it was asked for.
type fakeS3 struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newFakeS3(t *testing.T, objects map[string][]byte) *fakeS3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("flowlogs"); err != nil {
		t.Fatal(err)
	}
	for key, body := range objects {
		if _, err := backend.PutObject("flowlogs", key, map[string]string{}, bytes.NewReader(body), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	f := &fakeS3{}
	s3 := gofakes3.New(backend).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, s3Operation(r))
		f.mu.Unlock()
		s3.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// s3Operation names a path-style request's S3 operation.
func s3Operation(r *http.Request) string {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	switch {
	case r.Method == http.MethodGet && len(parts) == 1 && r.URL.Query().Get("list-type") == "2":
		return "ListObjectsV2"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] != "":
		return "GetObject"
	}
	return r.Method + " " + r.URL.String()
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
	// AWS VPC User Guide, flow log record examples (accepted and rejected
	// traffic; no data and skipped records).
	accepted = header +
		"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK\n"
	nodata = header +
		"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n" +
		"2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA\n"
	ipv6 = header +
		"2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK\n"
)

const day = "AWSLogs/123456789010/vpcflowlogs/us-east-1/2024/05/"

func flowLogBucket(t *testing.T) map[string][]byte {
	objects := map[string][]byte{
		day + "01/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240501T0000Z_aaaa.log.gz": gz(t, accepted),
		day + "01/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240501T0005Z_bbbb.log.gz": gz(t, nodata),
		day + "02/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240502T0000Z_cccc.log":    []byte(ipv6),
		day + "02/notes.json": []byte("{}"),
		day + "02/.DS_Store":  []byte("x"),
		day + "03/":           nil, // a folder marker
		"AWSLogs/1234567890100/vpcflowlogs/us-east-1/x.log":     []byte(accepted), // another account, same leading digits
		"AWSLogs/123456789010/CloudTrail/us-east-1/trail.gz":    gz(t, "{}"),
		"AWSLogs/123456789010/vpcflowlogs/us-east-1/.tmp/y.log": []byte(accepted),
	}
	return objects
}

func sourceNames(srcs []flowlog.Source) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func TestS3Walk(t *testing.T) {
	objects := flowLogBucket(t)
	f := newFakeS3(t, objects)
	cfg := testConfig(f.srv.URL, "us-east-1")
	defer func(n int32) { listPage = n }(listPage)
	listPage = 2 // several pages

	srcs, skipped, err := S3Walk(context.Background(), cfg, "s3://flowlogs/AWSLogs/123456789010/vpcflowlogs")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"s3://flowlogs/" + day + "01/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240501T0000Z_aaaa.log.gz",
		"s3://flowlogs/" + day + "01/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240501T0005Z_bbbb.log.gz",
		"s3://flowlogs/" + day + "02/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20240502T0000Z_cccc.log",
	}
	if got := sourceNames(srcs); !reflect.DeepEqual(got, want) {
		t.Errorf("sources\n%q\nwant\n%q", got, want)
	}
	if want := []string{"s3://flowlogs/" + day + "02/notes.json"}; !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped %q, want %q", skipped, want)
	}
	// Open streams each object, byte for byte.
	for _, s := range srcs {
		rc, err := s.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		key := strings.TrimPrefix(s.Name, "s3://flowlogs/")
		if !bytes.Equal(body, objects[key]) || s.Size != int64(len(objects[key])) {
			t.Errorf("%s: read %d bytes (size %d), want %d", s.Name, len(body), s.Size, len(objects[key]))
		}
	}
	// A prefix without "/" is a folder: AWSLogs/1234567890100 is not under
	// AWSLogs/123456789010.
	srcs, _, err = S3Walk(context.Background(), cfg, "s3://flowlogs/AWSLogs/123456789010")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if strings.Contains(s.Name, "1234567890100") {
			t.Errorf("prefix AWSLogs/123456789010 took in %s", s.Name)
		}
	}
	if len(srcs) != 4 { // the three logs and CloudTrail's trail.gz (a .gz name: the reader will count its lines as bad)
		t.Errorf("prefix AWSLogs/123456789010: %q", sourceNames(srcs))
	}
	// An object named exactly is a source whatever its name.
	srcs, _, err = S3Walk(context.Background(), cfg, "s3://flowlogs/"+day+"02/notes.json")
	if err != nil || len(srcs) != 1 {
		t.Errorf("one object: %q, %v", sourceNames(srcs), err)
	}
	// The whole bucket.
	srcs, _, err = S3Walk(context.Background(), cfg, "s3://flowlogs")
	if err != nil || len(srcs) != 5 {
		t.Errorf("whole bucket: %q, %v", sourceNames(srcs), err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, op := range f.seen {
		if op != "ListObjectsV2" && op != "GetObject" {
			t.Errorf("the S3 server was asked for %s", op)
		}
	}
}

// TestS3SourcesRead reads the objects through flowlog.Read: gzip and plain,
// NODATA and SKIPDATA counted, not passed on.
func TestS3SourcesRead(t *testing.T) {
	f := newFakeS3(t, flowLogBucket(t))
	srcs, err := S3Sources(context.Background(), testConfig(f.srv.URL, "us-east-1"), "s3://flowlogs/AWSLogs/123456789010/vpcflowlogs/")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	stats, err := flowlog.Read(context.Background(), srcs, flowlog.Options{}, func() flowlog.Sink {
		return sinkFunc(func(r *flowlog.Record) {
			mu.Lock()
			got = append(got, r.InterfaceID+" "+r.SrcAddr.String()+" "+r.DstAddr.String())
			mu.Unlock()
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 3 || stats.Records != 3 || stats.NoData != 1 || stats.SkipData != 1 || stats.BadLines != 0 {
		t.Errorf("stats %+v, want 3 files, 3 records, 1 NODATA, 1 SKIPDATA", stats)
	}
	want := map[string]bool{
		"eni-1235b8ca123456789 172.31.16.139 172.31.16.21":                                                    true,
		"eni-1235b8ca123456789 172.31.9.69 172.31.9.12":                                                       true,
		"eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071": true,
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected record %s", g)
		}
		delete(want, g)
	}
	for w := range want {
		t.Errorf("record %s not read", w)
	}
}

type sinkFunc func(*flowlog.Record)

func (f sinkFunc) Add(r *flowlog.Record) { f(r) }

func TestS3WalkErrors(t *testing.T) {
	f := newFakeS3(t, nil)
	cfg := testConfig(f.srv.URL, "us-east-1")
	for _, tt := range []struct{ url, want string }{
		{"https://flowlogs/x", "is not an S3 URL"},
		{"s3://", "names no bucket"},
		{"s3:///key", "names no bucket"},
		{"s3://no-such-bucket/AWSLogs/", "list s3://no-such-bucket/AWSLogs/: "},
	} {
		_, err := S3Sources(context.Background(), cfg, tt.url)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("S3Sources(%q): error %v, want %q", tt.url, err, tt.want)
		}
	}
	// An object that vanished between the listing and the read.
	backend := s3mem.New()
	backend.CreateBucket("flowlogs")
	backend.PutObject("flowlogs", "a.log", map[string]string{}, strings.NewReader(accepted), int64(len(accepted)), nil)
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	srcs, err := S3Sources(context.Background(), testConfig(srv.URL, "us-east-1"), "s3://flowlogs/")
	if err != nil || len(srcs) != 1 {
		t.Fatalf("%q, %v", sourceNames(srcs), err)
	}
	backend.DeleteObject("flowlogs", "a.log")
	if _, err := srcs[0].Open(); err == nil || !strings.Contains(err.Error(), "get s3://flowlogs/a.log: ") {
		t.Errorf("Open of a deleted object: %v", err)
	}
}

// TestS3WalkFollowsBucketRegion: S3 answers a request signed for the wrong
// region with a redirect naming the bucket's region (x-amz-bucket-region);
// the listing is asked again there.
func TestS3WalkFollowsBucketRegion(t *testing.T) {
	backend := s3mem.New()
	backend.CreateBucket("flowlogs")
	backend.PutObject("flowlogs", "a.log", map[string]string{}, strings.NewReader(accepted), int64(len(accepted)), nil)
	s3 := gofakes3.New(backend).Server()
	scope := regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/s3/`)
	var regions []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		region := ""
		if m := scope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			region = m[1]
		}
		mu.Lock()
		regions = append(regions, region)
		mu.Unlock()
		if region != "eu-west-1" {
			w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusMovedPermanently)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`)
			return
		}
		s3.ServeHTTP(w, r)
	}))
	defer srv.Close()
	srcs, err := S3Sources(context.Background(), testConfig(srv.URL, "us-east-1"), "s3://flowlogs/")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := srcs[0].Open() // read in the bucket's region too
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if string(body) != accepted {
		t.Errorf("read %q", body)
	}
	if want := []string{"us-east-1", "eu-west-1", "eu-west-1"}; !reflect.DeepEqual(regions, want) {
		t.Errorf("requests signed for %q, want %q", regions, want)
	}
}

// TestOnlyReadCalls pins the calls this package can make: reads, and
// Athena's StartQueryExecution, which writes only the query's result.
func TestOnlyReadCalls(t *testing.T) {
	allowed := regexp.MustCompile(`^(Describe|List|Get)[A-Za-z0-9]*$|^StartQueryExecution$`)
	for _, iface := range []reflect.Type{reflect.TypeFor[s3API](), reflect.TypeFor[athenaAPI]()} {
		for i := range iface.NumMethod() {
			if m := iface.Method(i).Name; !allowed.MatchString(m) {
				t.Errorf("%s has %s: awsapi only reads (Describe, List, Get, StartQueryExecution)", iface, m)
			}
		}
	}
}

// TestS3ReadLogsNothing: objects without a stored checksum (older
// deliveries, S3-compatible servers) are read without the SDK writing a
// DEBUG line about the skipped validation to the user's stderr.
func TestS3ReadLogsNothing(t *testing.T) {
	f := newFakeS3(t, flowLogBucket(t))
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDVPCDOCTORTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	cfg, err := LoadConfig(context.Background(), Options{Endpoint: f.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logged []string
	cfg.Logger = logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		mu.Lock()
		logged = append(logged, fmt.Sprintf(string(c)+" "+format, v...))
		mu.Unlock()
	})
	srcs, err := S3Sources(context.Background(), cfg, "s3://flowlogs/AWSLogs/123456789010/vpcflowlogs/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flowlog.Read(context.Background(), srcs, flowlog.Options{}, func() flowlog.Sink { return sinkFunc(func(*flowlog.Record) {}) }); err != nil {
		t.Fatal(err)
	}
	if len(logged) > 0 {
		t.Errorf("the SDK logged %q", logged)
	}
}
