package awsapi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// account is one account to collect, with the credentials that reach it.
type account struct {
	id           string
	cfg          aws.Config
	identityJSON []byte // sts-get-caller-identity.json
	arn          string // the caller's ARN
	source       string // "profile prod", "role arn:...", "organization role NAME"
	regions      []string
	skipped      []skippedRegion
	dir          string // "" or "ACCOUNT/"
	calls        atomic.Int64
}

// skippedRegion is a region --all-regions left out.
type skippedRegion struct {
	Region string `json:"region"`
	Reason string `json:"reason"`
}

const noRegion = "no region: pass --region (repeatable) or --all-regions, or set one in the profile or AWS_REGION"

// homeRegion is where the global calls (sts, organizations, ec2
// DescribeRegions) go when nothing names a region.
const homeRegion = "us-east-1"

// resolve finds the accounts of the scope and their regions. Accounts that
// cannot be reached are recorded in res.Errors; when none can be, or the
// scope names no region, it returns a *ScopeError.
func (c *collector) resolve(ctx context.Context, res *CollectResult) ([]*account, error) {
	profiles := c.opt.Profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	var accounts []*account
	fail := func(who, call string, err error) {
		code, msg := errorCode(err, c.opt.CallTimeout)
		res.Errors = append(res.Errors, CollectError{Account: who, Call: call, Code: code, Message: msg})
	}
	for _, p := range profiles {
		base, err := c.config(ctx, p)
		if err != nil {
			return nil, &ScopeError{Msg: err.Error()}
		}
		if !c.opt.AllRegions && len(c.opt.Regions) == 0 && base.Region == "" {
			return nil, &ScopeError{Msg: noRegion}
		}
		source := "the default credentials"
		if p != "" {
			source = "profile " + p
		}
		if c.opt.AssumeRole != "" {
			base.Credentials = c.assume(base, c.opt.AssumeRole)
			source += ", role " + c.opt.AssumeRole
		}
		me, err := c.identify(ctx, base, source)
		if err != nil {
			fail(source, "sts-get-caller-identity", err)
			continue
		}
		if c.opt.OrgRole == "" {
			accounts = append(accounts, me)
			continue
		}
		members, err := c.organization(ctx, base)
		if err != nil {
			fail(me.id, "organizations-list-accounts", err)
			continue
		}
		partition := "aws"
		if parts := strings.Split(me.arn, ":"); len(parts) > 2 {
			partition = parts[1]
		}
		for _, id := range members {
			if !c.wanted(id) {
				continue
			}
			if id == me.id { // the caller's own account: its own credentials
				accounts = append(accounts, me)
				continue
			}
			role := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, c.opt.OrgRole)
			cfg := base.Copy()
			cfg.Credentials = c.assume(base, role)
			a, err := c.identify(ctx, cfg, "organization role "+c.opt.OrgRole)
			if err != nil {
				fail(id, "sts-assume-role", err)
				continue
			}
			accounts = append(accounts, a)
		}
	}
	// Filters, and each account once.
	var kept []*account
	seen := map[string]string{}
	for _, a := range accounts {
		if !c.wanted(a.id) {
			continue
		}
		if first, dup := seen[a.id]; dup {
			if first != a.source {
				res.Notes = append(res.Notes, fmt.Sprintf("account %s is reached by %s and %s: collected once, with %s", a.id, first, a.source, first))
			}
			continue
		}
		seen[a.id] = a.source
		kept = append(kept, a)
	}
	slices.SortFunc(kept, func(a, b *account) int { return strings.Compare(a.id, b.id) })
	// Each account's regions; one whose regions cannot be listed is left
	// out, recorded, as an account that cannot be reached.
	var reached []*account
	for _, a := range kept {
		err := c.regionsOf(ctx, a)
		if err == nil {
			reached = append(reached, a)
			continue
		}
		var se *ScopeError
		if errors.As(err, &se) {
			return nil, err
		}
		fail(a.id, "ec2-describe-regions", err)
	}
	for _, a := range reached {
		if len(a.skipped) > 0 {
			names := make([]string, len(a.skipped))
			for i, s := range a.skipped {
				names[i] = s.Region
			}
			res.Notes = append(res.Notes, fmt.Sprintf("account %s: %d regions not enabled, skipped: %s", a.id, len(names), strings.Join(names, ", ")))
		}
	}
	if err := context.Cause(ctx); err != nil {
		// Interrupted while finding the accounts: the failures above are
		// the interruption's, not the accounts'.
		res.Errors = nil
		return nil, err
	}
	if len(reached) == 0 {
		if len(res.Errors) > 0 {
			e := res.Errors[0]
			msg := fmt.Sprintf("no account could be reached: %s: %s: %s: %s", e.Account, e.Call, e.Code, e.Message)
			switch {
			case e.Call == "ec2-describe-regions":
				msg += " (name the regions with --region instead of --all-regions)"
			case !isThrottle(e.Code) && e.Code != "Timeout":
				msg += " (are you logged in? for SSO: aws sso login --profile NAME)"
			}
			return nil, &ScopeError{Msg: msg}
		}
		return nil, &ScopeError{Msg: "no account left to collect after --accounts and --exclude-accounts"}
	}
	return reached, nil
}

// wanted applies --accounts and --exclude-accounts.
func (c *collector) wanted(id string) bool {
	if len(c.opt.Accounts) > 0 && !slices.Contains(c.opt.Accounts, id) {
		return false
	}
	return !slices.Contains(c.opt.ExcludeAccounts, id)
}

// config loads a profile's configuration with the collector's retry mode.
func (c *collector) config(ctx context.Context, profile string) (aws.Config, error) {
	cfg, err := LoadConfig(ctx, Options{Profile: profile, Endpoint: c.opt.Endpoint})
	if err != nil {
		return cfg, err
	}
	cfg.Retryer = c.retryer
	return cfg, nil
}

// retryer is the SDK's adaptive retry mode: exponential backoff with
// jitter, and a client-side rate that drops when AWS throttles and climbs
// back after. Every client gets its own (one per account, region and
// service: AWS throttles per account, region and API). The retry quota is
// off: the adaptive rate already slows a throttled client, and a quota
// would turn a long throttled spell into failed calls.
func (c *collector) retryer() aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = c.opt.MaxAttempts
			so.RateLimiter = ratelimit.None
			if c.opt.MaxBackoff > 0 {
				so.MaxBackoff = c.opt.MaxBackoff
				so.Backoff = retry.NewExponentialJitterBackoff(c.opt.MaxBackoff)
			}
		})
	})
}

// assume returns credentials of role, obtained with base's (sts
// AssumeRole, cached and refreshed by the SDK).
func (c *collector) assume(base aws.Config, role string) aws.CredentialsProvider {
	client := sts.NewFromConfig(c.global(base))
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, role, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "vpcdoctor"
		if c.opt.ExternalID != "" {
			o.ExternalID = aws.String(c.opt.ExternalID)
		}
		o.Duration = time.Hour
	}))
}

// global is cfg for the calls made once per account (sts, organizations,
// ec2 DescribeRegions): in its region, else the first region asked for,
// else us-east-1.
func (c *collector) global(cfg aws.Config) aws.Config {
	cfg = cfg.Copy()
	if cfg.Region == "" {
		cfg.Region = homeRegion
		if len(c.opt.Regions) > 0 {
			cfg.Region = c.opt.Regions[0]
		}
	}
	return cfg
}

// identify calls sts GetCallerIdentity with cfg: the account's ID and the
// file the snapshot keeps.
func (c *collector) identify(ctx context.Context, cfg aws.Config, source string) (*account, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.CallTimeout)
	defer cancel()
	out, err := sts.NewFromConfig(c.global(cfg)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	data, err := encodeCLI(out, false)
	if err != nil {
		return nil, err
	}
	return &account{id: aws.ToString(out.Account), arn: aws.ToString(out.Arn), cfg: cfg, identityJSON: data, source: source}, nil
}

// organization lists the ACTIVE accounts of the caller's organization.
func (c *collector) organization(ctx context.Context, cfg aws.Config) ([]string, error) {
	client := organizations.NewFromConfig(c.global(cfg))
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	var ids []string
	for p.HasMorePages() {
		pctx, cancel := context.WithTimeout(ctx, c.opt.CallTimeout)
		page, err := p.NextPage(pctx)
		cancel()
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			if a.State == orgtypes.AccountStateActive || a.State == "" && a.Status == orgtypes.AccountStatusActive {
				ids = append(ids, aws.ToString(a.Id))
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// regionsOf decides an account's regions: --region's, the enabled ones
// with --all-regions (an error of ec2 DescribeRegions is returned as it
// is), else the configuration's (a *ScopeError when there is none).
func (c *collector) regionsOf(ctx context.Context, a *account) error {
	switch {
	case c.opt.AllRegions:
		cctx, cancel := context.WithTimeout(ctx, c.opt.CallTimeout)
		defer cancel()
		out, err := ec2.NewFromConfig(c.global(a.cfg)).DescribeRegions(cctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
		if err != nil {
			return err
		}
		for _, r := range out.Regions {
			name, status := aws.ToString(r.RegionName), aws.ToString(r.OptInStatus)
			if status == "opted-in" || status == "opt-in-not-required" || status == "" {
				a.regions = append(a.regions, name)
				continue
			}
			a.skipped = append(a.skipped, skippedRegion{Region: name, Reason: "not enabled (" + status + ")"})
		}
		slices.Sort(a.regions)
		slices.SortFunc(a.skipped, func(x, y skippedRegion) int { return strings.Compare(x.Region, y.Region) })
	case len(c.opt.Regions) > 0:
		a.regions = slices.Clone(c.opt.Regions)
		slices.Sort(a.regions)
		a.regions = slices.Compact(a.regions)
	case a.cfg.Region != "":
		a.regions = []string{a.cfg.Region}
	default:
		return &ScopeError{Msg: noRegion}
	}
	return nil
}
