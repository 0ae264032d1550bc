package awsapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// putS3 is an in-process S3-compatible server with the bucket "reports",
// recording every request's method, path and expected-owner header.
type putS3 struct {
	backend *s3mem.Backend
	srv     *httptest.Server
	mu      sync.Mutex
	seen    []string
	owners  []string
	// refuse answers PUTs of keys with this suffix with 403 AccessDenied.
	refuse string
}

func newPutS3(t *testing.T) *putS3 {
	t.Helper()
	f := &putS3{backend: s3mem.New()}
	if err := f.backend.CreateBucket("reports"); err != nil {
		t.Fatal(err)
	}
	s3 := gofakes3.New(f.backend).Server()
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.Path)
		f.owners = append(f.owners, r.Header.Get("X-Amz-Expected-Bucket-Owner"))
		refuse := f.refuse != "" && r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, f.refuse)
		f.mu.Unlock()
		if refuse {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
			return
		}
		s3.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *putS3) object(t *testing.T, key string) (string, string) {
	t.Helper()
	o, err := f.backend.GetObject("reports", key, nil)
	if err != nil {
		t.Fatalf("object %s: %v", key, err)
	}
	defer o.Contents.Close()
	body, _ := io.ReadAll(o.Contents)
	return string(body), o.Metadata["Content-Type"]
}

func TestS3PutWritesInOrderWithContentTypes(t *testing.T) {
	f := newPutS3(t)
	objects := []S3Object{
		{Key: "vpcdoctor/run1/111122223333/vpcdoctor.json", ContentType: "application/json", Body: []byte(`{"a":1}`)},
		{Key: "vpcdoctor/run1/111122223333/vpcdoctor.html", ContentType: "text/html; charset=utf-8", Body: []byte("<p>é</p>")},
		{Key: "vpcdoctor/run1/111122223333/empty", Body: nil},
	}
	if err := S3Put(context.Background(), testConfig(f.srv.URL, "us-east-1"), "reports", "111122223333", objects); err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		body, ct := f.object(t, o.Key)
		if body != string(o.Body) {
			t.Errorf("%s: body %q, want %q", o.Key, body, o.Body)
		}
		if o.ContentType != "" && ct != o.ContentType {
			t.Errorf("%s: content type %q, want %q", o.Key, ct, o.ContentType)
		}
	}
	want := []string{"PUT /reports/" + objects[0].Key, "PUT /reports/" + objects[1].Key, "PUT /reports/" + objects[2].Key}
	if !reflect.DeepEqual(f.seen, want) {
		t.Errorf("requests %q, want %q", f.seen, want)
	}
	for _, o := range f.owners {
		if o != "111122223333" {
			t.Errorf("a request's expected bucket owner is %q, want 111122223333", o)
		}
	}
}

// TestS3PutStopsAtFirstFailure: a write that fails stops the ones after it
// (the summary a caller writes last is then not written) and names the
// object.
func TestS3PutStopsAtFirstFailure(t *testing.T) {
	f := newPutS3(t)
	f.refuse = "b.sarif"
	err := S3Put(context.Background(), testConfig(f.srv.URL, "us-east-1"), "reports", "", []S3Object{
		{Key: "r/a.json", Body: []byte("{}")}, {Key: "r/b.sarif", Body: []byte("{}")}, {Key: "r/summary.json", Body: []byte("{}")},
	})
	if err == nil || !strings.Contains(err.Error(), "write s3://reports/r/b.sarif: ") || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("error %v, want the refused object and AccessDenied", err)
	}
	if _, err := f.backend.HeadObject("reports", "r/summary.json"); err == nil {
		t.Error("the object after the failed one was written")
	}
	if f.owners[0] != "" {
		t.Errorf("no owner given, yet the request expects %q", f.owners[0])
	}
	if err := S3Put(context.Background(), testConfig(f.srv.URL, "us-east-1"), "", "", nil); err == nil {
		t.Error("S3Put without a bucket: no error")
	}
}

func TestS3GetAllReadsAFolder(t *testing.T) {
	f := newPutS3(t)
	for key, body := range map[string]string{
		"snap/111122223333/sts-get-caller-identity.json":          "{}",
		"snap/111122223333/ap-northeast-1/ec2-describe-vpcs.json": `{"Vpcs":[]}`,
		"snap/111122223333/ap-northeast-1/":                       "",   // a folder marker
		"snapshot-other/x.json":                                   "{}", // a sibling sharing the name's start
		"snap/notes.txt":                                          "n",
	} {
		f.backend.PutObject("reports", key, map[string]string{}, strings.NewReader(body), int64(len(body)), nil)
	}
	cfg := testConfig(f.srv.URL, "us-east-1")
	got, err := S3GetAll(context.Background(), cfg, "s3://reports/snap", func(rel string) bool { return strings.HasSuffix(rel, ".json") })
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range got {
		keys = append(keys, o.Key+"="+string(o.Body))
	}
	want := []string{"111122223333/ap-northeast-1/ec2-describe-vpcs.json={\"Vpcs\":[]}", "111122223333/sts-get-caller-identity.json={}"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("read %q, want %q", keys, want)
	}
	if _, err := S3GetAll(context.Background(), cfg, "s3://no-such-bucket/x/", nil); err == nil || !strings.Contains(err.Error(), "list s3://no-such-bucket/x/: ") {
		t.Errorf("a missing bucket: %v", err)
	}
}

func TestS3Key(t *testing.T) {
	for _, tt := range []struct {
		parts []string
		want  string
	}{
		{[]string{"", "run", "111122223333"}, "run/111122223333"},
		{[]string{"vpcdoctor/", "/run/", "a.json"}, "vpcdoctor/run/a.json"},
		{[]string{"a/b", "c"}, "a/b/c"},
	} {
		if got := S3Key(tt.parts...); got != tt.want {
			t.Errorf("S3Key(%q) = %q, want %q", tt.parts, got, tt.want)
		}
	}
}

// TestOnlyPutWrites pins the one write: the interface of S3 writes holds
// PutObject and nothing else.
func TestOnlyPutWrites(t *testing.T) {
	iface := reflect.TypeFor[s3PutAPI]()
	var names []string
	for i := range iface.NumMethod() {
		names = append(names, iface.Method(i).Name)
	}
	if !reflect.DeepEqual(names, []string{"PutObject"}) {
		t.Errorf("s3PutAPI has %q; the only write vpcdoctor makes is PutObject", names)
	}
}
