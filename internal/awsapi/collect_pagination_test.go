package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
)

// One item a page: every list, the per-resource ones included
// (DescribeListeners' Marker, GetManagedPrefixListEntries' and ListTasks'
// NextToken), is read to its last page, and the files are the example's.
func TestCollectEveryPage(t *testing.T) {
	fakeaws.IsolateEnv(t)
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: exampleDir, PageSize: 1})
	out := newDiskOutput(t)
	if _, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{"ap-northeast-1"}, Endpoint: srv.URL()}})); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	compareSnapshots(t, exampleDir, out.dir, []string{"README.md"})
	onlyReadRequests(t, srv)
	pages := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			pages[r.Operation]++
		}
	}
	// The example has 2 listeners on its load balancer, 2 tasks in its
	// cluster, 2 to 10 entries in each of 3 prefix lists, 12 interfaces and 4
	// security groups: more requests
	// than resources means later pages were asked for.
	for op, min := range map[string]int{"DescribeListeners": 2, "ListTasks": 2, "GetManagedPrefixListEntries": 14, "DescribeNetworkInterfaces": 12, "DescribeSecurityGroups": 4} {
		if pages[op] < min {
			t.Errorf("%s answered %d times, want %d or more (one item a page): not read to its last page", op, pages[op], min)
		}
	}
}

// A cluster of 25 services and 150 tasks: ListServices and ListTasks are
// read to their last page, DescribeServices is asked 10 services a request
// (3 requests) and DescribeTasks 100 tasks (2), ECS's limits, and the one
// file per cluster holds every service and task once.
func TestCollectECSBatches(t *testing.T) {
	fakeaws.IsolateEnv(t)
	const region, account = "ap-northeast-1", "111122223333"
	cluster := "arn:aws:ecs:" + region + ":" + account + ":cluster/big"
	snap := filepath.Join(t.TempDir(), "snap")
	var services, tasks []map[string]any
	for i := range 25 {
		services = append(services, map[string]any{"serviceArn": fmt.Sprintf("arn:aws:ecs:%s:%s:service/big/svc-%02d", region, account, i), "serviceName": fmt.Sprintf("svc-%02d", i), "clusterArn": cluster})
	}
	for i := range 150 {
		tasks = append(tasks, map[string]any{"taskArn": fmt.Sprintf("arn:aws:ecs:%s:%s:task/big/%032x", region, account, i), "clusterArn": cluster})
	}
	for name, v := range map[string]any{
		"sts-get-caller-identity.json":                               map[string]any{"UserId": "AIDAEXAMPLE", "Account": account, "Arn": "arn:aws:iam::" + account + ":user/sre"},
		region + "/ecs-list-clusters.json":                           map[string]any{"clusterArns": []string{cluster}},
		region + "/ecs-describe-services/" + escapeResource(cluster): map[string]any{"services": services, "failures": []any{}},
		region + "/ecs-describe-tasks/" + escapeResource(cluster):    map[string]any{"tasks": tasks, "failures": []any{}},
	} {
		data, _ := json.Marshal(v)
		p := filepath.Join(snap, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := fakeaws.Start(t, fakeaws.Options{Snapshot: snap, PageSize: 7})
	out := newDiskOutput(t)
	res, err := Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: []string{region}, Endpoint: srv.URL()}}))
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("Collect: %v %+v", err, res.Errors)
	}
	requests := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			requests[r.Operation]++
		}
	}
	for op, want := range map[string]int{"DescribeServices": 3, "DescribeTasks": 2, "ListServices": 4, "ListTasks": 22} {
		if requests[op] != want {
			t.Errorf("%s: %d requests, want %d", op, requests[op], want)
		}
	}
	var gotServices struct {
		Services []struct{ ServiceArn string } `json:"services"`
		Failures []any                         `json:"failures"`
	}
	readJSON(t, filepath.Join(out.dir, region, "ecs-describe-services", escapeResource(cluster)), &gotServices)
	var gotTasks struct {
		Tasks    []struct{ TaskArn string } `json:"tasks"`
		Failures []any                      `json:"failures"`
	}
	readJSON(t, filepath.Join(out.dir, region, "ecs-describe-tasks", escapeResource(cluster)), &gotTasks)
	seen := map[string]bool{}
	for _, s := range gotServices.Services {
		seen[s.ServiceArn] = true
	}
	for _, s := range gotTasks.Tasks {
		seen[s.TaskArn] = true
	}
	if len(gotServices.Services) != 25 || len(gotTasks.Tasks) != 150 || len(seen) != 175 || len(gotServices.Failures)+len(gotTasks.Failures) != 0 {
		t.Errorf("%d services, %d tasks, %d distinct, failures %v %v", len(gotServices.Services), len(gotTasks.Tasks), len(seen), gotServices.Failures, gotTasks.Failures)
	}
}

// onlyReadRequests checks at run time what readonly_test.go checks in the
// source: every request the fake answered was a Describe, List or Get
// (or sts AssumeRole, a credential exchange).
func onlyReadRequests(t *testing.T, srv *fakeaws.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		if !readOnlyName.MatchString(r.Operation) && r.Operation != "AssumeRole" {
			t.Errorf("%s %s %s: not a read", r.Service, r.Region, r.Operation)
		}
	}
}
