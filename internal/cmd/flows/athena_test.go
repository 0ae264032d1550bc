package flows

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	flowsql "github.com/vpcdoctor/vpcdoctor/internal/flows/athena"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// athenaRows are the rows Athena's run of the SQL returns over the
// example's flow logs: the reader's observations, as Athena's text.
func athenaRows(t *testing.T, inv *model.Inventory) [][]string {
	t.Helper()
	sources, _, err := flowlog.Walk(filepath.Join(repoRoot, logsDir))
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, o := range obs {
		addr := func(a netip.Addr) string {
			if !a.IsValid() {
				return "" // NULL
			}
			return a.String()
		}
		action := "REJECT"
		if o.Accept {
			action = "ACCEPT"
		} else if o.NoAction {
			action = "-"
		}
		rows = append(rows, []string{o.InterfaceID, addr(o.Client), addr(o.Server),
			strconv.Itoa(int(o.Protocol)), strconv.Itoa(int(o.Port)), strconv.FormatBool(o.ClientIsSrc), action, string(o.Basis),
			strconv.FormatInt(o.Packets, 10), strconv.FormatInt(o.Bytes, 10), strconv.FormatInt(o.Records, 10),
			strconv.FormatInt(o.Connections, 10), strconv.FormatInt(o.Start, 10), strconv.FormatInt(o.End, 10)})
	}
	return rows
}

// fakeAthena answers Athena's JSON 1.1 protocol: the query succeeds at
// once and its result is rows, 1000 a page, header first. It keeps the SQL
// it was given.
func fakeAthena(t *testing.T, rows [][]string) (url string, query func() string) {
	var mu sync.Mutex
	var sql string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var in map[string]any
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		id := "11111111-2222-3333-4444-555555555555"
		switch op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AmazonAthena."); op {
		case "StartQueryExecution":
			sql, _ = in["QueryString"].(string)
			json.NewEncoder(w).Encode(map[string]any{"QueryExecutionId": id})
		case "GetQueryExecution":
			json.NewEncoder(w).Encode(map[string]any{"QueryExecution": map[string]any{"QueryExecutionId": id, "Status": map[string]any{"State": "SUCCEEDED"}}})
		case "GetQueryResults":
			all := append([][]string{flowsql.Columns}, rows...)
			from := 0
			if tok, ok := in["NextToken"].(string); ok {
				from, _ = strconv.Atoi(tok)
			}
			to := min(from+1000, len(all))
			var page []any
			for _, row := range all[from:to] {
				var data []any
				for _, v := range row {
					if v == "" {
						data = append(data, map[string]any{})
					} else {
						data = append(data, map[string]any{"VarCharValue": v})
					}
				}
				page = append(page, map[string]any{"Data": data})
			}
			out := map[string]any{"ResultSet": map[string]any{"Rows": page}}
			if to < len(all) {
				out["NextToken"] = strconv.Itoa(to)
			}
			json.NewEncoder(w).Encode(out)
		default:
			t.Errorf("Athena asked for %q", op)
			w.WriteHeader(400)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() string { mu.Lock(); defer mu.Unlock(); return sql }
}

// TestEngineAthena runs --engine athena against a fake Athena that returns
// what the SQL computes over the example's flow logs: the command sends
// the SQL --athena-sql prints and reports the flows the reader reports.
func TestEngineAthena(t *testing.T) {
	awsEnv(t)
	snap := filepath.Join(repoRoot, example)
	inv, err := snapshot.Load(snap)
	if err != nil {
		t.Fatal(err)
	}
	url, query := fakeAthena(t, athenaRows(t, inv))
	env := map[string]string{"AWS_ENDPOINT_URL": url}
	out, errOut, err := run(t, env, "--engine", "athena", "--database", "default", "--table", "vpc_flow_logs",
		"--output", "s3://results/vpcdoctor/", "--snapshot", snap, "--format", "json")
	if err != nil {
		t.Fatalf("%v; stderr %s", err, errOut)
	}
	sql, _, err := run(t, nil, "--athena-sql", "--table", "vpc_flow_logs", "--snapshot", snap)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(query()) != strings.TrimSpace(sql) {
		t.Errorf("--engine athena ran\n%s\n--athena-sql prints\n%s", query(), sql)
	}
	local, _, err := run(t, nil, filepath.Join(repoRoot, logsDir), "--snapshot", snap, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	got, want := decode(t, out), decode(t, local)
	if len(got.Flows) == 0 || !reflect.DeepEqual(got.Flows, want.Flows) {
		t.Errorf("athena's flows\n%s\nthe reader's\n%s", out, local)
	}
	if got.Stats["records"] != want.Stats["records"] || got.Stats["source"] != "athena" {
		t.Errorf("athena's stats %v; the reader's %v", got.Stats, want.Stats)
	}
}

// TestEngineAthenaWorkgroupOutput: without --output the workgroup's own
// result location is used (docs/athena.md), so --output is not required.
func TestEngineAthenaWorkgroupOutput(t *testing.T) {
	awsEnv(t)
	url, _ := fakeAthena(t, nil)
	if _, errOut, err := run(t, map[string]string{"AWS_ENDPOINT_URL": url}, "--engine", "athena", "--database", "default", "--table", "vpc_flow_logs"); err != nil {
		t.Fatalf("%v; stderr %s", err, errOut)
	}
	if _, _, err := run(t, nil, "--engine", "athena", "--database", "default", "--table", "vpc_flow_logs", "--output", "/tmp/out"); !cmdutil.IsBadInput(err) {
		t.Errorf("--output not in S3: %v, want bad input", err)
	}
}
