package fakeaws

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// opSpec says where an operation's answer comes from.
type opSpec struct {
	call model.Call // the snapshot file (or per-resource folder)
	per  string     // per-resource calls: the request parameter naming the resource
	// answer builds the output; nil: the generic list answer from call.
	answer func(s *Server, c *call, def operationDef, spec opSpec) (map[string]any, *apiError)
}

// operations is every operation the fake serves, by "SERVICE.Operation".
var operations = map[string]opSpec{
	"ec2.DescribeVpcs":                       {call: model.CallVPCs},
	"ec2.DescribeSubnets":                    {call: model.CallSubnets},
	"ec2.DescribeRouteTables":                {call: model.CallRouteTables},
	"ec2.DescribeInternetGateways":           {call: model.CallInternetGateways},
	"ec2.DescribeEgressOnlyInternetGateways": {call: model.CallEgressOnlyIGWs},
	"ec2.DescribeNatGateways":                {call: model.CallNATGateways},
	"ec2.DescribeNetworkAcls":                {call: model.CallNetworkACLs},
	"ec2.DescribeSecurityGroups":             {call: model.CallSecurityGroups},
	"ec2.DescribeNetworkInterfaces":          {call: model.CallNetworkInterfaces},
	"ec2.DescribeInstances":                  {call: model.CallInstances},
	"ec2.DescribeVpcEndpoints":               {call: model.CallVPCEndpoints},
	"ec2.DescribeVpcPeeringConnections":      {call: model.CallPeeringConnections},
	"ec2.DescribeManagedPrefixLists":         {call: model.CallManagedPrefixLists},
	"ec2.GetManagedPrefixListEntries":        {call: model.CallPrefixListEntries, per: "PrefixListId"},
	"ec2.DescribeFlowLogs":                   {call: model.CallFlowLogs},
	"ec2.DescribeRegions": {answer: func(s *Server, c *call, _ operationDef, _ opSpec) (map[string]any, *apiError) {
		return s.describeRegions(c), nil
	}},
	"elbv2.DescribeLoadBalancers":           {call: model.CallLoadBalancersV2},
	"elbv2.DescribeListeners":               {call: model.CallListeners, per: "LoadBalancerArn"},
	"elbv2.DescribeTargetGroups":            {call: model.CallTargetGroups},
	"elbv2.DescribeTargetHealth":            {call: model.CallTargetHealth, per: "TargetGroupArn"},
	"elbv2.DescribeTargetGroupAttributes":   {call: model.CallTargetGroupAttributes, per: "TargetGroupArn"},
	"elb.DescribeLoadBalancers":             {call: model.CallClassicLoadBalancers},
	"rds.DescribeDBInstances":               {call: model.CallDBInstances},
	"rds.DescribeDBClusters":                {call: model.CallDBClusters},
	"elasticache.DescribeCacheClusters":     {call: model.CallCacheClusters},
	"elasticache.DescribeCacheSubnetGroups": {call: model.CallCacheSubnetGroups},
	"lambda.ListFunctions":                  {call: model.CallLambdaFunctions},
	"ecs.ListClusters":                      {call: model.CallECSClusters},
	"ecs.ListServices":                      {call: model.CallECSServicesList, per: "cluster", answer: ecsList(model.CallECSServices, "services", "serviceArn")},
	"ecs.DescribeServices":                  {call: model.CallECSServices, per: "cluster", answer: ecsDescribe("services", "serviceArn", "serviceName", 10)},
	"ecs.ListTasks":                         {call: model.CallECSTasksList, per: "cluster", answer: ecsList(model.CallECSTasks, "tasks", "taskArn")},
	"ecs.DescribeTasks":                     {call: model.CallECSTasks, per: "cluster", answer: ecsDescribe("tasks", "taskArn", "", 100)},
	"sts.GetCallerIdentity":                 {call: model.CallCallerIdentity, answer: (*Server).callerIdentity},
	"sts.AssumeRole":                        {answer: (*Server).assumeRole},
	"organizations.ListAccounts":            {answer: (*Server).listAccounts},
}

// minLatency is the least time the fake takes to answer. smithy-go closes
// the request body as soon as the answer arrives; net/http's transport,
// still checking the body for extra bytes, then fails and closes the
// connection under the answer being read ("use of closed network
// connection", aws/aws-sdk-go-v2#2737; the SDK retries it since
// aws/aws-sdk-go-v2#2949). An answer within microseconds on loopback makes
// it frequent; no AWS endpoint answers within 2 ms.
const minLatency = 2 * time.Millisecond

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, aerr := parseCall(r)
	s.mu.Lock()
	s.requestNo++
	c.id = fmt.Sprintf("fakeaws-%08d", s.requestNo)
	s.mu.Unlock()
	rec := Request{Service: c.service, Operation: c.operation, Region: c.region}
	defer func() {
		// The fake must never take a test down: anything unforeseen is a
		// server error, as AWS would answer.
		if p := recover(); p != nil {
			e := errorf(500, "InternalFailure", "fakeaws: %v", p)
			rec.Status, rec.Error = e.status, e.code
			s.record(rec)
			writeError(w, c, e)
		}
	}()
	if latency := max(s.opt.Latency, minLatency); latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			rec.Error = "canceled" // the client went away: nothing answered
			s.record(rec)
			return
		}
	}
	var out map[string]any
	var def operationDef
	if aerr == nil {
		aerr = s.resolveAccount(c)
		rec.Account = c.accountID
	}
	if aerr == nil {
		out, def, aerr = s.answer(c, &rec)
	}
	var ctype string
	var body []byte
	if aerr == nil {
		var err error
		ctype, body, err = s.encode(c, def, out)
		if err != nil {
			aerr = errorf(500, "InternalFailure", "fakeaws cannot encode %s from the snapshot: %v", c.operation, err)
		}
	}
	// Each request is recorded before it is answered: a client that has
	// its answer finds the request in Requests (recording after writing
	// raced a test reading Requests right after its last call).
	if aerr != nil {
		rec.Status, rec.Error = aerr.status, aerr.code
		s.record(rec)
		writeError(w, c, aerr)
		return
	}
	rec.Status = http.StatusOK
	s.record(rec)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Amzn-RequestId", c.id)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// answer checks the region, Deny and throttling, then builds the output.
func (s *Server) answer(c *call, rec *Request) (map[string]any, operationDef, *apiError) {
	name := c.service + "." + c.operation
	spec, ok := operations[name]
	def, ok2 := operationFor(name)
	if !ok || !ok2 {
		return nil, def, unknownOperation(c)
	}
	if spec.per != "" {
		rec.Resource = c.param(spec.per)
	}
	if c.service != "sts" && c.service != "organizations" && optInRegions[c.region] && !s.enabled[c.region] {
		return nil, def, regionDisabled(c)
	}
	if s.denied(c) {
		return nil, def, deniedError(c)
	}
	if s.throttle(c) {
		return nil, def, throttleError(c)
	}
	answer := spec.answer
	if answer == nil {
		answer = (*Server).list
	}
	out, aerr := answer(s, c, def, spec)
	return out, def, aerr
}

func unknownOperation(c *call) *apiError {
	msg := fmt.Sprintf("the fake AWS endpoint serves only vpcdoctor's read-only calls; %s %s is not one", c.service, c.operation)
	switch c.protocol {
	case "ec2", "query":
		return errorf(400, "InvalidAction", "%s", msg)
	}
	return errorf(400, "UnknownOperationException", "%s", msg)
}

func regionDisabled(c *call) *apiError {
	switch c.protocol {
	case "ec2":
		return errorf(401, "AuthFailure", "AWS was not able to validate the provided access credentials (region %s is not enabled)", c.region)
	case "query":
		return errorf(403, "InvalidClientTokenId", "The security token included in the request is invalid (region %s is not enabled)", c.region)
	}
	return errorf(403, "UnrecognizedClientException", "The security token included in the request is invalid (region %s is not enabled)", c.region)
}

// badParameter is the service's error for a missing or invalid parameter.
func badParameter(c *call, format string, args ...any) *apiError {
	switch c.protocol {
	case "ec2":
		return errorf(400, "InvalidParameterValue", format, args...)
	case "query":
		return errorf(400, "ValidationError", format, args...)
	case "rest-json":
		return errorf(400, "InvalidParameterValueException", format, args...)
	}
	return errorf(400, "InvalidParameterException", format, args...)
}

// resolveAccount finds the account c's access key answers for.
func (s *Server) resolveAccount(c *call) *apiError {
	id, assumed := strings.CutPrefix(c.accessKey, "ASIAFAKE")
	if !assumed {
		c.account, c.accountID = s.mgmt, s.mgmt.id
		return nil
	}
	if a := s.byID[id]; a != nil {
		c.account, c.accountID = a, id
		return nil
	}
	if s.inOrganization(id) {
		// An account of the organization with no folder: it has no data.
		c.account, c.accountID = &account{id: id, name: id, regions: map[string]string{}}, id
		return nil
	}
	if c.protocol == "ec2" {
		return errorf(401, "AuthFailure", "AWS was not able to validate the provided access credentials (access key %s)", c.accessKey)
	}
	return errorf(403, "InvalidClientTokenId", "The security token included in the request is invalid (access key %s)", c.accessKey)
}

// regionDir is the folder c's region is answered from; "" when the
// snapshot has none (the region is served empty).
func (s *Server) regionDir(c *call) string {
	served := false
	for _, r := range s.regions {
		served = served || r == c.region
	}
	if !served {
		return ""
	}
	if s.opt.CloneRegion != "" {
		return c.account.regions[s.opt.CloneRegion]
	}
	return c.account.regions[c.region]
}

// document returns the snapshot's answer to c: the call's file, or the
// files of the resource c names merged (their items concatenated). It is
// nil when the snapshot has none.
func (s *Server) document(c *call, call model.Call, resource string) (map[string]any, *apiError) {
	dir := s.regionDir(c)
	if dir == "" {
		s.note("%s/%s: the snapshot has no such region; %s answered with no items", c.accountID, c.region, call)
		return nil, nil
	}
	var files []string
	if resource == "" {
		files = []string{filepath.Join(dir, string(call)+".json")}
	} else {
		files = perResourceFiles(dir, string(call), resource)
	}
	var doc map[string]any
	for _, f := range files {
		d, err := s.data.object(f)
		if err != nil {
			return nil, errorf(500, "InternalFailure", "fakeaws: snapshot file %v", err)
		}
		if d == nil {
			continue
		}
		if doc == nil {
			doc = d
			continue
		}
		merged := map[string]any{}
		for k, v := range doc {
			merged[k] = v
		}
		for k, v := range d {
			a, ok1 := merged[k].([]any)
			b, ok2 := v.([]any)
			if ok1 && ok2 {
				merged[k] = append(append([]any{}, a...), b...)
			} else if _, ok := merged[k]; !ok {
				merged[k] = v
			}
		}
		doc = merged
	}
	if len(files) == 1 && doc != nil {
		c.source = files[0]
	}
	if doc == nil {
		what := string(call)
		if resource != "" {
			what += "/" + resource
		}
		s.note("%s/%s: %s is not in the snapshot; answered with no items", c.accountID, c.region, what)
	}
	return doc, nil
}

// list answers a list call: the items of the call's file, a page at a time.
func (s *Server) list(c *call, def operationDef, spec opSpec) (map[string]any, *apiError) {
	resource := ""
	if spec.per != "" {
		if resource = c.param(spec.per); resource == "" {
			return nil, badParameter(c, "%s is required", spec.per)
		}
	}
	doc, aerr := s.document(c, spec.call, resource)
	if aerr != nil {
		return nil, aerr
	}
	out, aerr := s.page(c, def, doc)
	if aerr == nil && c.source != "" {
		// The same page of the same file encodes to the same bytes: in
		// every region of CloneRegion, in every account's retry.
		c.cacheKey = fmt.Sprintf("%s|%s.%s|%d|%d", c.source, c.service, c.operation, c.first, c.end)
	}
	return out, aerr
}

// page answers the page of doc's items the request's token asks for.
func (s *Server) page(c *call, def operationDef, doc map[string]any) (map[string]any, *apiError) {
	out := map[string]any{}
	for k, v := range doc {
		if k != def.OutputToken && k != "NextToken" && k != "nextToken" {
			out[k] = v
		}
	}
	if def.ResultKey == "" {
		return out, nil
	}
	var items []any
	if v, ok := doc[def.ResultKey]; ok && v != nil {
		if items, ok = v.([]any); !ok {
			return nil, errorf(500, "InternalFailure", "fakeaws: the snapshot's %s of %s is not an array", def.ResultKey, c.operation)
		}
	}
	if def.InputToken == "" {
		out[def.ResultKey] = orEmpty(items)
		return out, nil
	}
	start := 0
	if tok := c.param(def.InputToken); tok != "" {
		n, ok := parseToken(tok, c.operation)
		if !ok || n > len(items) {
			return nil, badParameter(c, "invalid %s %q", def.InputToken, tok)
		}
		start = n
	}
	size := s.opt.PageSize
	if def.LimitKey != "" {
		if v := c.param(def.LimitKey); v != "" {
			lim, err := strconv.Atoi(v)
			if err != nil || lim <= 0 {
				return nil, badParameter(c, "invalid %s %q", def.LimitKey, v)
			}
			size = min(size, lim)
		}
	}
	end := min(start+size, len(items))
	c.first, c.end = start, end
	out[def.ResultKey] = orEmpty(items[start:end])
	if end < len(items) {
		out[def.OutputToken] = makeToken(c.operation, end)
	}
	return out, nil
}

// makeToken and parseToken make opaque page tokens naming the operation
// and the offset of the next item.
func makeToken(op string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fakeaws:" + op + ":" + strconv.Itoa(offset)))
}

func parseToken(tok, op string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(raw), "fakeaws:"+op+":")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}
