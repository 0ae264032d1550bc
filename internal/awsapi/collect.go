package awsapi

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// CollectOptions say what Collect collects, from where, and where it
// writes.
type CollectOptions struct {
	// Scope is which accounts and regions, from which endpoint.
	livescope.Scope

	// Concurrency bounds the calls in flight per account, region and
	// service (0: 8).
	Concurrency int
	// MaxAttempts bounds the attempts of one request, throttled or failed
	// (0: 10), with the SDK's adaptive retry mode.
	MaxAttempts int
	// MaxBackoff caps the wait between two attempts (0: the SDK's 20 s).
	MaxBackoff time.Duration
	// CallTimeout bounds one request with its retries (0: 2 minutes).
	CallTimeout time.Duration

	// MakeDir creates a folder and Write writes a whole file, creating
	// the folders it needs; paths are slash-separated, relative to the
	// output folder. Write must put the file whole or not at all (a
	// temporary file renamed: cmdutil.WriteFileWhole).
	MakeDir func(path string) error
	Write   func(path string, data []byte) error
	// Progress, when set, is told the counts after every call.
	Progress func(CollectProgress)
	// Now gives the time recorded in the metadata (nil: time.Now).
	Now func() time.Time
	// Version is the collector's version, recorded in the metadata.
	Version string
}

// CollectProgress counts what is done.
type CollectProgress struct {
	Accounts, AccountsDone int
	Regions, RegionsDone   int
	Calls, CallsDone       int
	Errors                 int
}

// CollectResult is what Collect did.
type CollectResult struct {
	// Accounts collected, sorted by ID, and where each went.
	Accounts []CollectedAccount
	// MultiAccount is true when the output holds a folder per account.
	MultiAccount bool
	// Calls is the number of calls made (a paginated call counts once).
	Calls int
	// Errors are the calls that failed, sorted; accounts that could not be
	// reached have Region "".
	Errors []CollectError
	// Notes say what was left out on purpose (regions not opted in,
	// accounts listed twice).
	Notes []string
}

// CollectedAccount is one account collected.
type CollectedAccount struct {
	ID      string
	Dir     string // its folder, relative to the output ("" for a single account)
	Source  string // the profile or role it was reached with
	Regions []string
}

// CollectError is one call that failed.
type CollectError struct {
	Account  string `json:"account,omitempty"`
	Region   string `json:"region,omitempty"`
	Call     string `json:"call"`
	Resource string `json:"resource,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// ScopeError says the scope cannot be collected at all: no credentials,
// no region, no account left after the filters. Commands exit with the
// bad-input status.
type ScopeError struct{ Msg string }

func (e *ScopeError) Error() string { return e.Msg }

// Collect makes every call of model.Calls in every account and region of
// the scope and writes each result as the AWS CLI prints it, in the
// snapshot layout (one account: the output is the account folder; several:
// a folder per account ID). A call that fails is recorded (in the result
// and the account's vpcdoctor-collect.json) and the others go on. When ctx
// is cancelled, Collect stops, writes the metadata of what was done, and
// returns ctx's error with the result so far; every file written is whole.
func Collect(ctx context.Context, opt CollectOptions) (*CollectResult, error) {
	if opt.Write == nil || opt.MakeDir == nil {
		return nil, errors.New("awsapi.Collect: Write and MakeDir are required")
	}
	opt = opt.withDefaults()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	c := &collector{opt: opt, cancel: cancel, sems: map[string]chan struct{}{}, started: opt.Now()}
	res := &CollectResult{}
	accounts, err := c.resolve(ctx, res)
	if err != nil {
		return res, err
	}
	// The layout follows the scope, not its success: an account that
	// could not be reached (res.Errors holds one entry for each so far)
	// still makes the output multi-account, so that the root record says
	// which, beside the accounts that were.
	res.MultiAccount = len(accounts)+len(res.Errors) > 1
	c.accounts.Store(int64(len(accounts)))
	for _, a := range accounts {
		c.regions.Add(int64(len(a.regions)))
	}
	var wg sync.WaitGroup
	for _, a := range accounts {
		if res.MultiAccount {
			a.dir = a.id + "/"
		}
		res.Accounts = append(res.Accounts, CollectedAccount{ID: a.id, Dir: strings.TrimSuffix(a.dir, "/"), Source: a.source, Regions: a.regions})
		wg.Go(func() { c.collectAccount(ctx, a) })
	}
	wg.Wait()
	res.Calls = int(c.callsDone.Load())
	res.Errors = append(res.Errors, c.errs...)
	sortErrors(res.Errors)
	sort.Strings(res.Notes)
	if res.MultiAccount {
		c.writeRootRecord(res, ctx.Err() == nil)
	}
	if c.fatal != nil {
		return res, c.fatal
	}
	if err := context.Cause(ctx); err != nil {
		return res, err
	}
	return res, nil
}

// withDefaults is opt with its zero fields set to their defaults.
func (opt CollectOptions) withDefaults() CollectOptions {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 8
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 10
	}
	if opt.CallTimeout <= 0 {
		opt.CallTimeout = 2 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return opt
}

// collector is one Collect run.
type collector struct {
	opt     CollectOptions
	cancel  context.CancelCauseFunc
	started time.Time

	mu    sync.Mutex
	errs  []CollectError
	sems  map[string]chan struct{}
	fatal error // a file that could not be written

	accounts, accountsDone atomic.Int64
	regions, regionsDone   atomic.Int64
	calls, callsDone       atomic.Int64
	errCount               atomic.Int64
}

// sem is the semaphore of one account, region and service.
func (c *collector) sem(key string) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sems[key]
	if !ok {
		s = make(chan struct{}, c.opt.Concurrency)
		c.sems[key] = s
	}
	return s
}

func (c *collector) progress() {
	if c.opt.Progress == nil {
		return
	}
	c.opt.Progress(CollectProgress{
		Accounts: int(c.accounts.Load()), AccountsDone: int(c.accountsDone.Load()),
		Regions: int(c.regions.Load()), RegionsDone: int(c.regionsDone.Load()),
		Calls: int(c.calls.Load()), CallsDone: int(c.callsDone.Load()),
		Errors: int(c.errCount.Load()),
	})
}

// record keeps a call's error.
func (c *collector) record(e CollectError) {
	c.mu.Lock()
	c.errs = append(c.errs, e)
	c.mu.Unlock()
	c.errCount.Add(1)
}

// write writes a file; the first failure stops the whole collection.
func (c *collector) write(p string, data []byte) {
	if err := c.opt.Write(p, data); err != nil {
		c.stop(err)
	}
}

// stop ends the collection for an error that makes going on pointless (a
// full disk): the first is returned by Collect.
func (c *collector) stop(err error) {
	c.mu.Lock()
	if c.fatal == nil {
		c.fatal = err
	}
	c.mu.Unlock()
	c.cancel(err)
}

// collectAccount collects every region of an account, then writes its
// vpcdoctor-collect.json.
func (c *collector) collectAccount(ctx context.Context, a *account) {
	started := c.opt.Now()
	c.write(a.dir+"sts-get-caller-identity.json", a.identityJSON)
	var wg sync.WaitGroup
	for _, region := range a.regions {
		r := newRegionRun(ctx, c, a, region, &wg)
		if err := c.opt.MakeDir(a.dir + region); err != nil {
			c.stop(err)
			break
		}
		r.start()
	}
	wg.Wait()
	c.accountsDone.Add(1)
	c.writeAccountRecord(ctx, a, started)
	c.progress()
}

// regionRun is the calls of one account and region, with their clients.
type regionRun struct {
	ctx    context.Context
	c      *collector
	acct   *account
	region string
	wg     *sync.WaitGroup
	left   atomic.Int64 // calls not finished; the region is done at 0

	ec2         *ec2.Client
	elb         *elb.Client
	elbv2       *elbv2.Client
	rds         *rds.Client
	elasticache *elasticache.Client
	lambda      *lambda.Client
	ecs         *ecs.Client
}

func newRegionRun(ctx context.Context, c *collector, a *account, region string, wg *sync.WaitGroup) *regionRun {
	cfg := a.cfg.Copy()
	cfg.Region = region
	return &regionRun{
		ctx: ctx, c: c, acct: a, region: region, wg: wg,
		ec2:         ec2.NewFromConfig(cfg),
		elb:         elb.NewFromConfig(cfg),
		elbv2:       elbv2.NewFromConfig(cfg),
		rds:         rds.NewFromConfig(cfg),
		elasticache: elasticache.NewFromConfig(cfg),
		lambda:      lambda.NewFromConfig(cfg),
		ecs:         ecs.NewFromConfig(cfg),
	}
}

// start makes every regional call; each starts its per-resource calls.
func (r *regionRun) start() {
	r.left.Add(1) // held until every regional call is started
	for _, rc := range regionalCalls {
		var then func(any)
		if rc.then != nil {
			then = func(out any) { rc.then(r, out) }
		}
		r.job(rc.call, rc.service, "", func(ctx context.Context) (any, error) { return rc.run(ctx, r) }, "", then)
	}
	r.finish()
}

// perResource makes a per-resource call.
func (r *regionRun) perResource(call model.Call, service, resource string, run func(context.Context) (any, error)) {
	r.job(call, service, resource, run, "", nil)
}

// perResourceThen makes a per-resource call whose result leads to another
// (dependent) call for the same resource; when it fails, the dependent call
// is recorded as failed for the same reason.
func (r *regionRun) perResourceThen(call model.Call, service, resource string, run func(context.Context) (any, error), dependent model.Call, then func(any)) {
	r.job(call, service, resource, run, dependent, then)
}

// job runs one call in its own goroutine, bounded by its service's
// semaphore, and writes its result or records its error.
func (r *regionRun) job(call model.Call, service, resource string, run func(context.Context) (any, error), dependent model.Call, then func(any)) {
	r.c.calls.Add(1)
	r.acct.calls.Add(1)
	r.left.Add(1)
	r.wg.Go(func() {
		defer r.finish()
		defer r.c.progress()
		defer r.c.callsDone.Add(1)
		sem := r.c.sem(r.acct.id + "/" + r.region + "/" + service)
		select {
		case sem <- struct{}{}:
		case <-r.ctx.Done():
			return
		}
		out, err := run(r.ctx)
		<-sem
		if r.ctx.Err() != nil {
			return // interrupted: not a failure of the call, and nothing written
		}
		if err != nil {
			code, msg := errorCode(err, r.c.opt.CallTimeout)
			r.c.record(CollectError{Account: r.acct.id, Region: r.region, Call: string(call), Resource: resource, Code: code, Message: msg})
			if dependent != "" {
				r.c.record(CollectError{Account: r.acct.id, Region: r.region, Call: string(dependent), Resource: resource, Code: code, Message: "not made: " + string(call) + " failed: " + msg})
			}
			return
		}
		data, err := encodeCLI(out, service == "ecs")
		if err != nil {
			r.c.record(CollectError{Account: r.acct.id, Region: r.region, Call: string(call), Resource: resource, Code: "EncodingError", Message: err.Error()})
			return
		}
		r.c.write(r.filePath(call, resource), data)
		if then != nil {
			then(out)
		}
	})
}

// finish counts a call done, and the region when it was its last.
func (r *regionRun) finish() {
	if r.left.Add(-1) == 0 {
		r.c.regionsDone.Add(1)
	}
}

// filePath is where a call's result goes in the snapshot layout.
func (r *regionRun) filePath(call model.Call, resource string) string {
	if resource == "" {
		return r.acct.dir + r.region + "/" + string(call) + ".json"
	}
	return r.acct.dir + path.Join(r.region, string(call), escapeResource(resource))
}

// escapeResource is a resource ID or ARN as a file name: every byte but
// letters, digits and -_.~ percent-encoded (Python's
// urllib.parse.quote(id, safe="") as scripts/snapshot.sh and CloudMapper
// name them; the loader decodes with url.PathUnescape).
func escapeResource(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		ch := id[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '_', ch == '.', ch == '~':
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// pager is an SDK paginator.
type pager[O, F any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...F) (*O, error)
}

// drain reads every page of p, passing each to each.
func drain[O, F any](ctx context.Context, r *regionRun, p pager[O, F], each func(*O)) error {
	for p.HasMorePages() {
		page, err := once(ctx, r, func(ctx context.Context) (*O, error) { return p.NextPage(ctx) })
		if err != nil {
			return err
		}
		each(page)
	}
	return nil
}

// once makes one request (with the SDK's retries) within the call
// timeout.
func once[O any](ctx context.Context, r *regionRun, f func(context.Context) (*O, error)) (*O, error) {
	ctx, cancel := context.WithTimeout(ctx, r.c.opt.CallTimeout)
	defer cancel()
	return f(ctx)
}

func sortErrors(errs []CollectError) {
	sort.Slice(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		for _, p := range [][2]string{{a.Account, b.Account}, {a.Region, b.Region}, {a.Call, b.Call}, {a.Resource, b.Resource}, {a.Code, b.Code}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return a.Message < b.Message
	})
}
