package fakeaws

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// iamPrefix is the IAM action prefix of each fake service.
var iamPrefix = map[string]string{
	"ec2": "ec2", "elb": "elasticloadbalancing", "elbv2": "elasticloadbalancing",
	"rds": "rds", "elasticache": "elasticache", "lambda": "lambda", "ecs": "ecs",
	"sts": "sts", "organizations": "organizations",
}

// denyRule is one entry of Options.Deny.
type denyRule struct {
	account, region string // "*": any
	action          string // "ec2:DescribeFlowLogs"
}

func parseDeny(entries []string) ([]denyRule, error) {
	var out []denyRule
	for _, e := range entries {
		r := denyRule{account: "*", region: "*", action: e}
		if parts := strings.Split(e, "/"); len(parts) == 3 {
			r = denyRule{account: parts[0], region: parts[1], action: parts[2]}
		} else if len(parts) != 1 {
			return nil, fmt.Errorf("fakeaws: Deny %q: want SERVICE:Operation or ACCOUNT/REGION/SERVICE:Operation", e)
		}
		prefix, op, ok := strings.Cut(r.action, ":")
		known := false
		for _, p := range iamPrefix {
			known = known || p == prefix
		}
		if !ok || !known || op == "" {
			return nil, fmt.Errorf("fakeaws: Deny %q: %q is not an IAM action of a service the fake serves (such as ec2:DescribeFlowLogs)", e, r.action)
		}
		out = append(out, r)
	}
	return out, nil
}

// denied reports whether c is denied by Options.Deny.
func (s *Server) denied(c *call) bool {
	action := iamPrefix[c.service] + ":" + c.operation
	for _, r := range s.deny {
		if r.action == action && (r.account == "*" || r.account == c.accountID) && (r.region == "*" || r.region == c.region) {
			return true
		}
	}
	return false
}

// deniedError is the service's access-denied error.
func deniedError(c *call) *apiError {
	msg := fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/fake/fake is not authorized to perform: %s:%s", c.accountID, iamPrefix[c.service], c.operation)
	switch c.service {
	case "ec2":
		return errorf(403, "UnauthorizedOperation", "You are not authorized to perform this operation. %s", msg)
	case "lambda":
		return errorf(403, "AccessDeniedException", "%s", msg)
	case "ecs", "organizations":
		return errorf(400, "AccessDeniedException", "%s", msg)
	}
	return errorf(403, "AccessDenied", "%s", msg)
}

// throttleError is the service's throttling error.
func throttleError(c *call) *apiError {
	const msg = "Rate exceeded"
	switch c.service {
	case "ec2":
		return errorf(503, "RequestLimitExceeded", "Request limit exceeded.")
	case "lambda":
		return errorf(429, "TooManyRequestsException", "%s", msg)
	case "ecs":
		return errorf(400, "ThrottlingException", "%s", msg)
	case "organizations":
		return errorf(400, "TooManyRequestsException", "%s", msg)
	}
	return errorf(400, "Throttling", "%s", msg)
}

// faultState is what Throttle and ThrottleFirst remember. The caller holds
// Server.mu.
type faultState struct {
	rng       *rand.Rand
	throttled map[string]bool // request digests throttled last time
	seen      map[string]int  // requests per account/region/operation
}

func (f *faultState) init() {
	f.rng = rand.New(rand.NewPCG(8, 2026))
	f.throttled = map[string]bool{}
	f.seen = map[string]int{}
}

// throttle decides whether to throttle c.
func (s *Server) throttle(c *call) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	key := c.accountID + "/" + c.region + "/" + c.service + ":" + c.operation
	n := f.seen[key]
	f.seen[key] = n + 1
	if n < s.opt.ThrottleFirst {
		return true
	}
	if s.opt.Throttle == 0 {
		return false
	}
	id := key + "/" + c.digest
	if f.throttled[id] {
		delete(f.throttled, id) // a retried request is answered
		return false
	}
	if f.rng.Float64() < s.opt.Throttle {
		f.throttled[id] = true
		return true
	}
	return false
}
