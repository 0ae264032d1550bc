package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	flowsql "github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
)

// fakeAthena speaks Athena's JSON 1.1 protocol (POST /, X-Amz-Target:
// AmazonAthena.<Operation>) for the three calls a query run makes, and
// fails the test on any other. A query goes QUEUED, RUNNING, then the
// final state; its result is served pageSize rows a page, header first.
type fakeAthena struct {
	t        *testing.T
	srv      *httptest.Server
	final    string // SUCCEEDED, FAILED, CANCELLED
	reason   string
	rows     [][]*string // data rows; nil is NULL
	header   []string
	pageSize int

	mu      sync.Mutex
	calls   []string
	start   map[string]any // the StartQueryExecution request
	polls   int
	started bool
}

func newFakeAthena(t *testing.T, rows [][]*string) *fakeAthena {
	f := &fakeAthena{t: t, final: "SUCCEEDED", rows: rows, header: flowsql.Columns, pageSize: 2}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAthena) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AmazonAthena.")
	f.calls = append(f.calls, op)
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || json.Unmarshal(body, &in) != nil {
		f.t.Errorf("not an Athena JSON 1.1 request: %s %s %s %q", r.Method, r.URL, r.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/athena/aws4_request") {
		f.t.Errorf("request not signed for Athena in us-east-1: %q", r.Header.Get("Authorization"))
	}
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
	}
	switch op {
	case "StartQueryExecution":
		if f.started {
			f.t.Errorf("StartQueryExecution called twice")
		}
		f.started = true
		f.start = in
		reply(map[string]any{"QueryExecutionId": "11111111-2222-3333-4444-555555555555"})
	case "GetQueryExecution":
		if in["QueryExecutionId"] != "11111111-2222-3333-4444-555555555555" {
			fail(400, "InvalidRequestException", "QueryExecution not found")
			return
		}
		f.polls++
		state := []string{"QUEUED", "RUNNING", f.final}[min(f.polls-1, 2)]
		status := map[string]any{"State": state, "SubmissionDateTime": 1.7145216e9}
		if state == "FAILED" || state == "CANCELLED" {
			status["StateChangeReason"] = f.reason
			status["AthenaError"] = map[string]any{"ErrorCategory": 2, "ErrorType": 1301, "ErrorMessage": f.reason}
		}
		reply(map[string]any{"QueryExecution": map[string]any{
			"QueryExecutionId": "11111111-2222-3333-4444-555555555555",
			"Status":           status,
			"Statistics":       map[string]any{"DataScannedInBytes": 123456789, "EngineExecutionTimeInMillis": 4200},
		}})
	case "GetQueryResults":
		if f.polls < 3 {
			f.t.Errorf("GetQueryResults before the query succeeded")
		}
		all := [][]*string{}
		h := make([]*string, len(f.header))
		for i := range f.header {
			h[i] = &f.header[i]
		}
		all = append(all, h)
		all = append(all, f.rows...)
		from := 0
		if tok, ok := in["NextToken"].(string); ok {
			from, _ = strconv.Atoi(tok)
		}
		if mr, _ := in["MaxResults"].(float64); mr != 1000 {
			f.t.Errorf("MaxResults %v, want 1000", in["MaxResults"])
		}
		to := min(from+f.pageSize, len(all))
		var rows []any
		for _, row := range all[from:to] {
			var data []any
			for _, v := range row {
				if v == nil {
					data = append(data, map[string]any{})
				} else {
					data = append(data, map[string]any{"VarCharValue": *v})
				}
			}
			rows = append(rows, map[string]any{"Data": data})
		}
		out := map[string]any{"ResultSet": map[string]any{"Rows": rows, "ResultSetMetadata": map[string]any{}}, "UpdateCount": 0}
		if to < len(all) {
			out["NextToken"] = strconv.Itoa(to)
		}
		reply(out)
	default:
		f.t.Errorf("Athena was asked for %q: only StartQueryExecution, GetQueryExecution and GetQueryResults are expected", op)
		fail(400, "UnknownOperationException", "unexpected "+op)
	}
}

func strs(vs ...string) []*string {
	out := make([]*string, len(vs))
	for i, v := range vs {
		if v != "\x00" {
			out[i] = &vs[i]
		}
	}
	return out
}

func fastPolls(t *testing.T) {
	first, mx := pollFirst, pollMax
	pollFirst, pollMax = time.Millisecond, 2*time.Millisecond
	t.Cleanup(func() { pollFirst, pollMax = first, mx })
}

func TestRunAthena(t *testing.T) {
	fastPolls(t)
	f := newFakeAthena(t, [][]*string{
		strs("eni-1235b8ca123456789", "52.213.180.42", "10.0.0.62", "6", "5001", "true", "ACCEPT", "tcp-flags", "78", "101269", "2", "2", "1566848875", "1566848933"),
		strs("eni-1235b8ca123456789", "10.0.0.62", "2001:db8::1", "17", "53", "false", "REJECT", "well-known-port", "3", "300", "1", "0", "1566848875", "1566848933"),
		strs("\x00", "\x00", "\x00", "1", "0", "true", "-", "lower-port", "0", "0", "1", "1", "-1", "-1"), // NULLs: not logged
	})
	query, err := flowsql.SQL("flowlogs.vpc_flow_logs", flows.ListeningPorts{6: {5001: true}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunAthenaQuery(context.Background(), testConfig(f.srv.URL, "us-east-1"), AthenaQuery{SQL: query, Database: "flowlogs", WorkGroup: "vpcdoctor", Output: "s3://athena-results-123456789010/vpcdoctor/"})
	if err != nil {
		t.Fatal(err)
	}
	want := []flows.Observation{
		{ObservationKey: flows.ObservationKey{Protocol: 1, ClientIsSrc: true, NoAction: true, Basis: flows.BasisLowerPort}, Records: 1, Connections: 1, Start: -1, End: -1},
		{ObservationKey: flows.ObservationKey{InterfaceID: "eni-1235b8ca123456789", Client: netip.MustParseAddr("10.0.0.62"), Server: netip.MustParseAddr("2001:db8::1"), Protocol: 17, Port: 53, Basis: flows.BasisWellKnownPort}, Packets: 3, Bytes: 300, Records: 1, Start: 1566848875, End: 1566848933},
		{ObservationKey: flows.ObservationKey{InterfaceID: "eni-1235b8ca123456789", Client: netip.MustParseAddr("52.213.180.42"), Server: netip.MustParseAddr("10.0.0.62"), Protocol: 6, Port: 5001, ClientIsSrc: true, Accept: true, Basis: flows.BasisTCPFlags}, Packets: 78, Bytes: 101269, Records: 2, Connections: 2, Start: 1566848875, End: 1566848933},
	}
	if !reflect.DeepEqual(res.Observations, want) {
		t.Errorf("observations\n%+v\nwant\n%+v", res.Observations, want)
	}
	if res.QueryExecutionID != "11111111-2222-3333-4444-555555555555" || res.DataScanned != 123456789 || res.EngineTime != 4200*time.Millisecond {
		t.Errorf("result facts %+v", res)
	}
	wantStart := map[string]any{
		"QueryString":           query,
		"QueryExecutionContext": map[string]any{"Database": "flowlogs"},
		"WorkGroup":             "vpcdoctor",
		"ResultConfiguration":   map[string]any{"OutputLocation": "s3://athena-results-123456789010/vpcdoctor/"},
	}
	delete(f.start, "ClientRequestToken") // the SDK's idempotency token
	if !reflect.DeepEqual(f.start, wantStart) {
		t.Errorf("StartQueryExecution request\n%v\nwant\n%v", f.start, wantStart)
	}
	// Header and 3 rows at 2 a page: 2 pages.
	if want := []string{"StartQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryResults", "GetQueryResults"}; !reflect.DeepEqual(f.calls, want) {
		t.Errorf("calls %q, want %q", f.calls, want)
	}

	// RunAthena is the same run; without workgroup nor output they are left out.
	f2 := newFakeAthena(t, nil)
	obs, err := RunAthena(context.Background(), testConfig(f2.srv.URL, "us-east-1"), query, "", "", "")
	if err != nil || len(obs) != 0 {
		t.Errorf("RunAthena of no rows: %v, %v", obs, err)
	}
	if _, ok := f2.start["WorkGroup"]; ok || f2.start["ResultConfiguration"] != nil || f2.start["QueryExecutionContext"] != nil {
		t.Errorf("StartQueryExecution request %v has fields not asked for", f2.start)
	}
}

func TestRunAthenaErrors(t *testing.T) {
	fastPolls(t)
	run := func(f *fakeAthena) error {
		_, err := RunAthena(context.Background(), testConfig(f.srv.URL, "us-east-1"), "SELECT 1", "db", "", "s3://out/")
		return err
	}
	failed := newFakeAthena(t, nil)
	failed.final, failed.reason = "FAILED", "TABLE_NOT_FOUND: line 30:8: Table 'awsdatacatalog.db.vpc_flow_logs' does not exist"
	if err := run(failed); err == nil || !strings.Contains(err.Error(), "athena query 11111111-2222-3333-4444-555555555555 failed: TABLE_NOT_FOUND") {
		t.Errorf("failed query: %v", err)
	}
	cancelled := newFakeAthena(t, nil)
	cancelled.final, cancelled.reason = "CANCELLED", "Query cancelled by user"
	if err := run(cancelled); err == nil || !strings.Contains(err.Error(), "cancelled: Query cancelled by user") {
		t.Errorf("cancelled query: %v", err)
	}
	other := newFakeAthena(t, [][]*string{strs("a", "b")})
	other.header = []string{"x", "y"}
	if err := run(other); err == nil || !strings.Contains(err.Error(), "has 2 columns, want 14") {
		t.Errorf("another query's result: %v", err)
	}
	renamed := newFakeAthena(t, nil)
	renamed.header = append([]string{"eni"}, flowsql.Columns[1:]...)
	if err := run(renamed); err == nil || !strings.Contains(err.Error(), "the result's columns are eni, client") {
		t.Errorf("renamed columns: %v", err)
	}
	badRow := newFakeAthena(t, [][]*string{strs("eni-1", "not-an-address", "10.0.0.1", "6", "443", "true", "ACCEPT", "listening-port", "1", "1", "1", "1", "1", "2")})
	if err := run(badRow); err == nil || !strings.Contains(err.Error(), `result row 2: client "not-an-address" is not an address`) {
		t.Errorf("bad row: %v", err)
	}
	if _, err := RunAthena(context.Background(), testConfig(failed.srv.URL, "us-east-1"), "SELECT 1", "db", "", "/tmp/out"); err == nil || !strings.Contains(err.Error(), "want s3://") {
		t.Errorf("output not in S3: %v", err)
	}
	// An API error names the call and keeps AWS's message.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(400)
		fmt.Fprint(w, `{"__type":"InvalidRequestException","Message":"WorkGroup vpcdoctor is disabled."}`)
	}))
	defer srv.Close()
	if _, err := RunAthena(context.Background(), testConfig(srv.URL, "us-east-1"), "SELECT 1", "db", "vpcdoctor", ""); err == nil || !strings.Contains(err.Error(), "athena: start query: ") || !strings.Contains(err.Error(), "WorkGroup vpcdoctor is disabled.") {
		t.Errorf("API error: %v", err)
	}
	// A context that ends while the query runs names the query.
	slow := newFakeAthena(t, nil)
	slow.final = "RUNNING"
	pollFirst, pollMax = 5*time.Millisecond, 5*time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := RunAthena(ctx, testConfig(slow.srv.URL, "us-east-1"), "SELECT 1", "db", "", "s3://out/"); err == nil || !strings.Contains(err.Error(), "athena query 11111111-2222-3333-4444-555555555555: context deadline exceeded (it may still be running)") {
		t.Errorf("ended context: %v", err)
	}
}
