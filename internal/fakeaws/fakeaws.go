// Package fakeaws is an in-process fake AWS endpoint for tests: an
// httptest server that speaks the wire protocols of every call vpcdoctor
// makes (EC2 Query; the Query protocol of ELB, ELBv2, RDS, ElastiCache and
// STS; Lambda's REST JSON; the JSON protocol of ECS and Organizations) and
// answers them from a snapshot folder, the AWS CLI's JSON of PRODUCT.md's
// layout.
//
// A test starts it on a snapshot and points the AWS SDK at it through the
// endpoint configuration, exactly as a user points the SDK at LocalStack
// (AWS_ENDPOINT_URL, or config.WithBaseEndpoint), with any static
// credentials:
//
//	srv, err := fakeaws.New(fakeaws.Options{Snapshot: "../../examples/startup-all-public"})
//	if err != nil { t.Fatal(err) }
//	defer srv.Close()
//	cfg, _ := config.LoadDefaultConfig(ctx,
//		config.WithRegion("ap-northeast-1"),
//		config.WithBaseEndpoint(srv.URL()),
//		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDFAKE", "secret", "")))
//	out, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
//
// The service and the region of a request are read from its SigV4
// Authorization header (the signature itself is not checked); the account
// from its access key: credentials returned by the fake's sts AssumeRole
// have the access key ID "ASIAFAKE" + the account ID and are answered from
// that account's folder of a multi-account snapshot; any other key is the
// management account (Options.Management, else the first account).
//
// A multi-account test lays out a folder of account folders, calls sts
// AssumeRole (with stscreds or directly) for arn:aws:iam::ACCOUNT:role/ANY
// and uses the credentials returned; organizations ListAccounts lists the
// accounts (Options.Organization).
//
// The latency scenario serves internal/synth's 500-interface
// account in 17 regions:
//
//	synth.WriteAccount(dir, synth.Size{ENIs: 500})
//	fakeaws.New(fakeaws.Options{Snapshot: dir, Regions: seventeen,
//		CloneRegion: "ap-northeast-1", Latency: 100 * time.Millisecond, PageSize: 100})
//
// Every list call answers the items of its file, Options.PageSize at a time
// with opaque tokens; per-resource calls answer the file of the resource the
// request names (the LoadBalancerArn, TargetGroupArn, PrefixListId, ECS
// cluster and the services or tasks asked for); a call whose file is absent
// answers no items and is noted (Notes). Request filters (Filter.N, IDs,
// names) are ignored: the collector makes every call unfiltered. Options
// add latency, throttling (the service's own throttling error) and denied
// calls (its own access-denied error); Requests lists every request
// answered. Only Describe, List and Get operations exist here: any other
// action is answered with the service's unknown-action error, and malformed
// requests with an error response, never a panic.
package fakeaws

import (
	"fmt"
	"net/http/httptest"
	"sort"
	"sync"
	"time"
)

// Options configure a fake endpoint.
type Options struct {
	// Snapshot is a snapshot folder: one account (regions as subfolders)
	// or a multi-account folder of account folders.
	Snapshot string
	// Regions are the regions served; nil: the regions the snapshot has. A
	// region not in the snapshot is served empty (every list call returns
	// no items).
	Regions []string
	// CloneRegion, when set, serves every region of Regions this snapshot
	// region's data (for the 17-region benchmark).
	CloneRegion string
	// EnabledRegions are reported by DescribeRegions as enabled (opted in
	// or not needing it), every other known region as "not-opted-in"; nil:
	// all of Regions. A request to a region that is not enabled is refused
	// as AWS refuses it (EC2's AuthFailure, the other services' invalid
	// token error).
	EnabledRegions []string
	// PageSize is the number of items per page of every paginated call (0:
	// 2, small, so tests exercise pagination); MaxResults, MaxItems,
	// PageSize or MaxRecords in the request lower it.
	PageSize int
	// Latency is added to every request before answering (at least 2 ms
	// always are, see minLatency).
	Latency time.Duration
	// Throttle is the fraction of requests answered with the service's
	// throttling error; seeded, so a run is repeatable, and a request
	// throttled once is answered when retried.
	Throttle float64
	// ThrottleFirst throttles the first N requests of every operation in
	// every account and region (a deterministic alternative to Throttle).
	// The SDK's standard retryer makes 3 attempts: N above 2 makes calls
	// fail.
	ThrottleFirst int
	// Deny lists the operations answered with the service's access-denied
	// error, in IAM's spelling ("ec2:DescribeFlowLogs",
	// "elasticloadbalancing:DescribeTargetHealth"), optionally for one
	// account and region: "ACCOUNT/REGION/ec2:DescribeFlowLogs" ("*" for
	// any account or region).
	Deny []string
	// Organization lists the account IDs Organizations ListAccounts returns
	// (all ACTIVE); nil: the snapshot's accounts.
	Organization []string
	// Management is the account base credentials (any access key not
	// issued by the fake's AssumeRole) are answered from; empty: the
	// first account of the snapshot in ID order.
	Management string
	// ExternalID, when set, is required by AssumeRole: a request without
	// it, or with another, is denied.
	ExternalID string
}

// Request is one request the fake answered.
type Request struct {
	Service   string // the fake's service name: ec2, elb, elbv2, rds, elasticache, lambda, ecs, sts, organizations
	Operation string // e.g. "DescribeVpcs"
	Region    string
	Account   string
	Resource  string // for per-resource calls: the resource asked about
	Status    int    // the HTTP status answered; 0 when the client went away first
	Error     string // the error code answered, if any ("canceled" with Status 0)
}

// Server is a running fake endpoint.
type Server struct {
	opt      Options
	http     *httptest.Server
	accounts []*account
	byID     map[string]*account
	mgmt     *account
	regions  []string
	enabled  map[string]bool
	deny     []denyRule
	data     *fileCache
	encoded  sync.Map // cache key (see call.cacheKey) → encoded members

	mu        sync.Mutex
	requests  []Request
	notes     map[string]bool
	faults    faultState
	requestNo int
}

// New reads the snapshot's layout and starts the server on 127.0.0.1.
func New(opt Options) (*Server, error) {
	if opt.PageSize <= 0 {
		opt.PageSize = 2
	}
	if opt.Throttle < 0 || opt.Throttle >= 1 {
		return nil, fmt.Errorf("fakeaws: Throttle %v: want a fraction in [0, 1)", opt.Throttle)
	}
	accounts, err := openSnapshot(opt.Snapshot)
	if err != nil {
		return nil, err
	}
	s := &Server{opt: opt, accounts: accounts, byID: map[string]*account{}, data: newFileCache(), notes: map[string]bool{}}
	for _, a := range accounts {
		s.byID[a.id] = a
	}
	s.mgmt = accounts[0]
	if opt.Management != "" {
		if s.mgmt = s.byID[opt.Management]; s.mgmt == nil {
			return nil, fmt.Errorf("fakeaws: Management %s is not an account of %s", opt.Management, opt.Snapshot)
		}
	}
	if s.deny, err = parseDeny(opt.Deny); err != nil {
		return nil, err
	}
	s.regions = opt.Regions
	if s.regions == nil {
		seen := map[string]bool{}
		for _, a := range accounts {
			for r := range a.regions {
				if !seen[r] {
					seen[r] = true
					s.regions = append(s.regions, r)
				}
			}
		}
		sort.Strings(s.regions)
	}
	if opt.CloneRegion != "" {
		found := false
		for _, a := range accounts {
			_, ok := a.regions[opt.CloneRegion]
			found = found || ok
		}
		if !found {
			return nil, fmt.Errorf("fakeaws: CloneRegion %s: %s has no such region folder", opt.CloneRegion, opt.Snapshot)
		}
	}
	enabled := opt.EnabledRegions
	if enabled == nil {
		enabled = s.regions
	}
	s.enabled = map[string]bool{}
	for _, r := range enabled {
		s.enabled[r] = true
	}
	s.faults.init()
	s.http = httptest.NewServer(s)
	return s, nil
}

// URL is the endpoint to give the SDK (http://127.0.0.1:PORT).
func (s *Server) URL() string { return s.http.URL }

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Requests returns every request answered so far (and those the client
// gave up waiting for), in the order they were answered.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Notes returns what the fake noticed while answering, sorted: calls
// answered empty because the snapshot has no file for them.
func (s *Server) Notes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.notes))
	for n := range s.notes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Server) note(format string, args ...any) {
	s.mu.Lock()
	s.notes[fmt.Sprintf(format, args...)] = true
	s.mu.Unlock()
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}
