package fakeaws

import (
	"path/filepath"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// clusterArn is the ARN of the cluster c names (ECS accepts a name or an
// ARN; no cluster is the cluster named "default").
func (s *Server) clusterArn(c *call) (string, *apiError) {
	name := c.param("cluster")
	if name == "" {
		name = "default"
	}
	if strings.HasPrefix(name, "arn:") {
		return name, nil
	}
	if dir := s.regionDir(c); dir != "" {
		doc, err := s.data.object(filepath.Join(dir, string(model.CallECSClusters)+".json"))
		if err != nil {
			return "", errorf(500, "InternalFailure", "fakeaws: snapshot file %v", err)
		}
		arns, _ := doc["clusterArns"].([]any)
		for _, a := range arns {
			if s, ok := a.(string); ok && strings.HasSuffix(s, ":cluster/"+name) {
				return s, nil
			}
		}
	}
	return "arn:aws:ecs:" + c.region + ":" + c.accountID + ":cluster/" + name, nil
}

// ecsList answers ListServices or ListTasks: the cluster's list file, or,
// when the snapshot has none, the ARNs of its describe file (described,
// the key of the items, arnKey their ARN member).
func ecsList(described model.Call, key, arnKey string) func(*Server, *call, operationDef, opSpec) (map[string]any, *apiError) {
	return func(s *Server, c *call, def operationDef, spec opSpec) (map[string]any, *apiError) {
		cluster, aerr := s.clusterArn(c)
		if aerr != nil {
			return nil, aerr
		}
		dir := s.regionDir(c)
		var doc map[string]any
		if dir != "" && len(perResourceFiles(dir, string(spec.call), cluster)) > 0 {
			if doc, aerr = s.document(c, spec.call, cluster); aerr != nil {
				return nil, aerr
			}
		} else {
			d, aerr := s.document(c, described, cluster)
			if aerr != nil {
				return nil, aerr
			}
			items, _ := d[key].([]any)
			arns := []any{}
			for _, it := range items {
				if obj, ok := it.(map[string]any); ok && obj[arnKey] != nil {
					arns = append(arns, obj[arnKey])
				}
			}
			doc = map[string]any{def.ResultKey: arns}
		}
		return s.page(c, def, doc)
	}
}

// ecsDescribe answers DescribeServices or DescribeTasks: the items of the
// cluster's describe file the request names (by ARN, by ID or by name), a
// failure "MISSING" for each it does not have; at most max at once, as
// ECS allows.
func ecsDescribe(key, arnKey, nameKey string, max int) func(*Server, *call, operationDef, opSpec) (map[string]any, *apiError) {
	return func(s *Server, c *call, def operationDef, spec opSpec) (map[string]any, *apiError) {
		cluster, aerr := s.clusterArn(c)
		if aerr != nil {
			return nil, aerr
		}
		want := c.list(key)
		if len(want) == 0 || len(want) > max {
			return nil, badParameter(c, "%s must name 1 to %d items, not %d", key, max, len(want))
		}
		doc, aerr := s.document(c, spec.call, cluster)
		if aerr != nil {
			return nil, aerr
		}
		items, _ := doc[key].([]any)
		found, failures := []any{}, []any{}
		for _, w := range want {
			var hit any
			for _, it := range items {
				obj, ok := it.(map[string]any)
				if !ok {
					continue
				}
				arn, _ := obj[arnKey].(string)
				name, _ := obj[nameKey].(string)
				if w == arn || (name != "" && w == name) || (arn != "" && strings.HasSuffix(arn, "/"+w)) {
					hit = it
					break
				}
			}
			if hit != nil {
				found = append(found, hit)
			} else {
				failures = append(failures, map[string]any{"arn": w, "reason": "MISSING"})
			}
		}
		return map[string]any{key: found, "failures": failures}, nil
	}
}
