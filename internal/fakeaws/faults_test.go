package fakeaws

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// someCalls makes one call of each protocol and returns their errors by
// operation.
func someCalls(cfg aws.Config) map[string]error {
	ctx := context.Background()
	errs := map[string]error{}
	_, errs["DescribeSubnets"] = ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	_, errs["DescribeFlowLogs"] = ec2.NewFromConfig(cfg).DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})
	_, errs["DescribeTargetGroups"] = elbv2.NewFromConfig(cfg).DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
	_, errs["DescribeDBInstances"] = rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
	_, errs["ListFunctions"] = lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	_, errs["ListClusters"] = ecs.NewFromConfig(cfg).ListClusters(ctx, &ecs.ListClustersInput{})
	_, errs["ListAccounts"] = organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
	return errs
}

// TestThrottleFirstIsRetried: the first two requests of every operation are
// the service's throttling error, which the SDK retries to success.
func TestThrottleFirstIsRetried(t *testing.T) {
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, ThrottleFirst: 2}, "ap-northeast-1")
	for op, err := range someCalls(cfg) {
		if err != nil {
			t.Errorf("%s: %v", op, err)
		}
	}
	want := map[string]string{
		"DescribeSubnets": "RequestLimitExceeded", "DescribeTargetGroups": "Throttling", "DescribeDBInstances": "Throttling",
		"ListFunctions": "TooManyRequestsException", "ListClusters": "ThrottlingException", "ListAccounts": "TooManyRequestsException",
	}
	for op, code := range want {
		var throttled, ok int
		for _, r := range srv.Requests() {
			switch {
			case r.Operation != op:
			case r.Error == code && r.Status >= 400:
				throttled++
			case r.Status == 200:
				ok++
			}
		}
		if throttled != 2 || ok != 1 {
			t.Errorf("%s: %d throttled (%s) and %d answered, want 2 and 1", op, throttled, code, ok)
		}
	}
	if r := srv.Requests()[0]; r.Status != 503 {
		t.Errorf("EC2 throttling answered %d, want 503", r.Status)
	}
}

// TestThrottleFraction: a seeded fraction of requests is throttled, and
// every call still succeeds through the SDK's retries.
func TestThrottleFraction(t *testing.T) {
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, Throttle: 0.5}, "ap-northeast-1")
	client := ec2.NewFromConfig(cfg)
	for _, lc := range ec2Lists {
		if _, err := lc.read(context.Background(), client); err != nil {
			t.Errorf("%s: %v", lc.call, err)
		}
	}
	throttled := 0
	for _, r := range srv.Requests() {
		if r.Error == "RequestLimitExceeded" {
			throttled++
		}
	}
	if n := len(srv.Requests()); throttled < n/5 || throttled > n*4/5 {
		t.Errorf("%d of %d requests throttled at 0.5", throttled, n)
	}
}

// TestDenied: denied calls get the service's own access-denied error, the
// SDK does not retry them, and other accounts or regions are unaffected.
func TestDenied(t *testing.T) {
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, Regions: []string{"ap-northeast-1", "us-east-1"}, Deny: []string{
		"ec2:DescribeFlowLogs", "elasticloadbalancing:DescribeTargetGroups", "lambda:ListFunctions",
		"ecs:ListClusters", "organizations:ListAccounts", "111122223333/ap-northeast-1/rds:DescribeDBInstances",
	}}, "ap-northeast-1")
	errs := someCalls(cfg)
	want := map[string]string{
		"DescribeFlowLogs": "UnauthorizedOperation", "DescribeTargetGroups": "AccessDenied", "DescribeDBInstances": "AccessDenied",
		"ListFunctions": "AccessDeniedException", "ListClusters": "AccessDeniedException", "ListAccounts": "AccessDeniedException",
		"DescribeSubnets": "",
	}
	for op, code := range want {
		if got := apiCode(errs[op]); got != code || (code == "" && errs[op] != nil) {
			t.Errorf("%s: %v, want error code %q", op, errs[op], code)
		}
		if code != "" && count(srv, op, "") != 1 {
			t.Errorf("%s: denied, yet requested %d times", op, count(srv, op, ""))
		}
	}
	east := cfg.Copy()
	east.Region = "us-east-1"
	if _, err := rds.NewFromConfig(east).DescribeDBInstances(context.Background(), &rds.DescribeDBInstancesInput{}); err != nil {
		t.Errorf("rds denied only in ap-northeast-1, yet us-east-1: %v", err)
	}
	if _, err := New(Options{Snapshot: exampleDir, Deny: []string{"DescribeFlowLogs"}}); err == nil {
		t.Error("Deny without a service prefix accepted")
	}
}

// TestRegions: DescribeRegions reports the enabled regions and, with
// AllRegions, the others as not opted in; a region the snapshot lacks is
// served empty, a disabled opt-in region is refused, CloneRegion serves
// one region's data everywhere.
func TestRegions(t *testing.T) {
	ctx := context.Background()
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, Regions: []string{"ap-northeast-1", "us-east-1"},
		EnabledRegions: []string{"ap-northeast-1", "us-east-1", "ap-east-1"}}, "us-east-1")
	client := ec2.NewFromConfig(cfg)
	out, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	must(t, err)
	status := map[string]string{}
	for _, r := range out.Regions {
		status[*r.RegionName] = *r.OptInStatus
	}
	for r, want := range map[string]string{"ap-northeast-1": "opt-in-not-required", "ap-east-1": "opted-in", "me-south-1": "not-opted-in", "eu-west-1": "not-opted-in"} {
		if status[r] != want {
			t.Errorf("%s: %q, want %q", r, status[r], want)
		}
	}
	enabled, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	must(t, err)
	if len(enabled.Regions) != 3 {
		t.Errorf("without AllRegions: %d regions, want the 3 enabled", len(enabled.Regions))
	}
	vpcs, err := client.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	must(t, err)
	if len(vpcs.Vpcs) != 0 {
		t.Errorf("us-east-1 (not in the snapshot): %d VPCs, want none", len(vpcs.Vpcs))
	}
	if len(srv.Notes()) == 0 || !strings.Contains(srv.Notes()[0], "us-east-1") {
		t.Errorf("no note of the absent file: %v", srv.Notes())
	}
	me := cfg.Copy()
	me.Region = "me-south-1"
	if _, err := ec2.NewFromConfig(me).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); apiCode(err) != "AuthFailure" {
		t.Errorf("disabled opt-in region: %v, want AuthFailure", err)
	}

	_, cloned := startFake(t, Options{Snapshot: exampleDir, Regions: []string{"eu-west-1", "sa-east-1"}, CloneRegion: "ap-northeast-1"}, "sa-east-1")
	subnets, err := ec2Lists[1].read(ctx, ec2.NewFromConfig(cloned))
	must(t, err)
	sameItems(t, "cloned subnets", fixture(t, file(exampleDir, "ap-northeast-1", "ec2-describe-subnets"), "Subnets"), asJSON(t, subnets))
	// Answered again, from the encoded pages the first region left.
	eu := cloned.Copy()
	eu.Region = "eu-west-1"
	again, err := ec2Lists[1].read(ctx, ec2.NewFromConfig(eu))
	must(t, err)
	sameItems(t, "cloned subnets, encoded once", fixture(t, file(exampleDir, "ap-northeast-1", "ec2-describe-subnets"), "Subnets"), asJSON(t, again))
}

// TestLatency: every request waits Options.Latency.
func TestLatency(t *testing.T) {
	_, cfg := startFake(t, Options{Snapshot: exampleDir, Latency: 60 * time.Millisecond}, "ap-northeast-1")
	start := time.Now()
	_, err := ec2.NewFromConfig(cfg).DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{})
	must(t, err)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("answered in %v, want at least 60ms", d)
	}
}

// TestPaginationEveryProtocol: at one item a page, lists of each protocol
// take one request per item and still decode whole.
func TestPaginationEveryProtocol(t *testing.T) {
	ctx := context.Background()
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, PageSize: 1}, "ap-northeast-1")
	var n int
	p := rds.NewDescribeDBInstancesPaginator(rds.NewFromConfig(cfg), &rds.DescribeDBInstancesInput{})
	must(t, drain(p.HasMorePages, func() (*rds.DescribeDBInstancesOutput, error) { return p.NextPage(ctx) }, func(o *rds.DescribeDBInstancesOutput) { n += len(o.DBInstances) }))
	if n != 2 || count(srv, "DescribeDBInstances", "") != 2 {
		t.Errorf("RDS: %d instances in %d requests, want 2 in 2", n, count(srv, "DescribeDBInstances", ""))
	}
	lbs, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	must(t, err)
	n = 0
	pl := elbv2.NewDescribeListenersPaginator(elbv2.NewFromConfig(cfg), &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	must(t, drain(pl.HasMorePages, func() (*elbv2.DescribeListenersOutput, error) { return pl.NextPage(ctx) }, func(o *elbv2.DescribeListenersOutput) { n += len(o.Listeners) }))
	if n != 2 || count(srv, "DescribeListeners", "") != 2 {
		t.Errorf("ELBv2 listeners: %d in %d requests, want 2 in 2", n, count(srv, "DescribeListeners", ""))
	}
	n = 0
	pe := ec2.NewDescribeSubnetsPaginator(ec2.NewFromConfig(cfg), &ec2.DescribeSubnetsInput{})
	must(t, drain(pe.HasMorePages, func() (*ec2.DescribeSubnetsOutput, error) { return pe.NextPage(ctx) }, func(o *ec2.DescribeSubnetsOutput) { n += len(o.Subnets) }))
	if n != 3 || count(srv, "DescribeSubnets", "") != 3 {
		t.Errorf("EC2 subnets: %d in %d requests, want 3 in 3", n, count(srv, "DescribeSubnets", ""))
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{NextToken: aws.String("not-a-token")}); apiCode(err) != "InvalidParameterValue" {
		t.Errorf("a forged token: %v", err)
	}
}

// TestMalformedRequests: requests no SDK would send get an error in the
// service's format, never a crash, and the server keeps answering.
func TestMalformedRequests(t *testing.T) {
	srv, cfg := startFake(t, Options{Snapshot: exampleDir}, "ap-northeast-1")
	auth := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/ap-northeast-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	cases := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		code                     string
	}{
		{"unsigned", "POST", "/", "Action=DescribeVpcs&Version=2016-11-15", nil, 403, "MissingAuthenticationToken"},
		{"bad scope", "POST", "/", "Action=DescribeVpcs&Version=2016-11-15", map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/x"}, 403, "IncompleteSignature"},
		{"write action", "POST", "/", "Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-1", map[string]string{"Authorization": auth("ec2")}, 400, "InvalidAction"},
		{"no action", "POST", "/", "Version=2015-12-01", map[string]string{"Authorization": auth("elasticloadbalancing")}, 400, "InvalidAction"},
		{"bad form", "POST", "/", "Action=%zz", map[string]string{"Authorization": auth("rds")}, 400, "MalformedQueryString"},
		{"wrong service scope", "POST", "/", "Action=DescribeDBInstances&Version=2014-10-31", map[string]string{"Authorization": auth("ec2")}, 400, "InvalidAction"},
		{"missing resource", "POST", "/", "Action=DescribeListeners&Version=2015-12-01", map[string]string{"Authorization": auth("elasticloadbalancing")}, 400, "ValidationError"},
		{"bad JSON", "POST", "/", "{not json", map[string]string{"Authorization": auth("ecs"), "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters"}, 400, "SerializationException"},
		{"unknown target", "POST", "/", "{}", map[string]string{"Authorization": auth("ecs"), "X-Amz-Target": "Nope.ListClusters"}, 400, "UnknownOperationException"},
		{"ECS write", "POST", "/", "{}", map[string]string{"Authorization": auth("ecs"), "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DeleteCluster"}, 400, "UnknownOperationException"},
		{"too many tasks", "POST", "/", `{"cluster":"oyatsu-cluster","tasks":[]}`, map[string]string{"Authorization": auth("ecs"), "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeTasks"}, 400, "InvalidParameterException"},
		{"Lambda write", "DELETE", "/2015-03-31/functions/f", "", map[string]string{"Authorization": auth("lambda")}, 404, "UnknownOperationException"},
		{"bad MaxItems", "GET", "/2015-03-31/functions/?MaxItems=-3", "", map[string]string{"Authorization": auth("lambda")}, 400, "InvalidParameterValueException"},
		{"huge body", "POST", "/", "Action=DescribeVpcs&x=" + strings.Repeat("a", maxBody), map[string]string{"Authorization": auth("ec2")}, 413, "RequestEntityTooLarge"},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(tc.method, srv.URL()+tc.path, strings.NewReader(tc.body))
		must(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || errorCodeOf(body) != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, resp.StatusCode, body, tc.status, tc.code)
		}
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{}); err != nil {
		t.Errorf("after the malformed requests: %v", err)
	}
}

// errorCodeOf reads the code of any of the protocols' error bodies.
func errorCodeOf(body []byte) string {
	var j struct {
		Type string `json:"__type"`
	}
	if json.Unmarshal(body, &j) == nil {
		return j.Type
	}
	var x struct {
		Code  string `xml:"Errors>Error>Code"`
		Code2 string `xml:"Error>Code"`
	}
	if xml.Unmarshal(body, &x) == nil {
		return x.Code + x.Code2
	}
	return ""
}

// TestCanceledRequest: a request the client gives up on is recorded as
// such, and the server goes on answering.
func TestCanceledRequest(t *testing.T) {
	srv, cfg := startFake(t, Options{Snapshot: exampleDir, Latency: 300 * time.Millisecond}, "ap-northeast-1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err == nil {
		t.Fatal("a call canceled after 50ms of 300 succeeded")
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(srv.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].Status != 0 || r[0].Error != "canceled" || r[0].Operation != "DescribeVpcs" {
		t.Errorf("recorded %+v", r)
	}
}
