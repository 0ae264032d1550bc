package lambda

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
)

// The modes of an invocation (Event.Mode).
const (
	// ModeScan collects one account (or reads a stored snapshot), scans it
	// and writes its reports. The default.
	ModeScan = "scan"
	// ModeAccounts lists the organisation's active accounts and writes
	// them as the scan events of a run (accounts.json), the items the
	// Step Functions Distributed Map reads.
	ModeAccounts = "accounts"
	// ModeIndex reads the summaries a run's scans wrote and writes the
	// run's index (index.json, index.html).
	ModeIndex = "index"
)

// Event is what one invocation is asked to do (docs/lambda.md). Every
// member is optional but where a mode needs it; an unknown member is an
// error, so that a misspelt one is not silently ignored.
type Event struct {
	Mode string `json:"mode,omitempty"`
	// Account is the 12-digit account to scan; "" for the account the
	// function runs in (or the stored snapshot's).
	Account string `json:"account,omitempty"`
	// Role is the role to assume in Account: an ARN, or a role name (the
	// role of that name in Account). "" scans with the function's own
	// role. In accounts mode, the role name assumed in every account but
	// the function's own.
	Role       string `json:"role,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	// Regions to collect; none for VPCDOCTOR_REGIONS (comma-separated)
	// in the function's environment, else every region enabled in the
	// account.
	Regions []string `json:"regions,omitempty"`
	// Bucket and Prefix say where the reports go: the bucket's
	// PREFIX/RUN/ACCOUNT/ folder. Defaults: VPCDOCTOR_BUCKET and
	// VPCDOCTOR_PREFIX in the function's environment.
	Bucket string `json:"bucket,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	// Run names the run (a folder of the prefix); "" for the time of the
	// invocation, UTC, as 20261126T094800Z.
	Run string `json:"run,omitempty"`
	// Snapshot, s3://BUCKET/PREFIX/, scans a snapshot stored there (the
	// layout `vpcdoctor collect` writes) instead of collecting.
	Snapshot string `json:"snapshot,omitempty"`
	// Lang is the HTML report's language: en (default) or ja.
	Lang string `json:"lang,omitempty"`
	// Accounts and ExcludeAccounts filter accounts mode's list;
	// ExcludeAccounts defaults to VPCDOCTOR_EXCLUDE_ACCOUNTS
	// (comma-separated).
	Accounts        []string `json:"accounts,omitempty"`
	ExcludeAccounts []string `json:"exclude_accounts,omitempty"`
}

var (
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
	roleARN    = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$`)
	roleName   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	runName    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	externalID = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// ParseEvent decodes an invocation's JSON. Errors name the member and
// what was expected.
func ParseEvent(data []byte) (Event, error) {
	var e Event
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return e, nil // an empty event: scan the function's own account
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Event{}, fmt.Errorf("the event is not the JSON object vpcdoctor expects (docs/lambda.md): %w", describeJSONError(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Event{}, errors.New("the event has more after its JSON object")
	}
	return e, nil
}

// describeJSONError adds the byte offset to a syntax error.
func describeJSONError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("at byte %d: %w", se.Offset, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("member %q: expected %s, found a JSON %s", te.Field, te.Type, te.Value)
	}
	return err
}

// withDefaults fills what the event leaves to the environment.
func (e Event) withDefaults(getenv func(string) string) Event {
	if e.Mode == "" {
		e.Mode = ModeScan
	}
	if e.Bucket == "" {
		e.Bucket = getenv("VPCDOCTOR_BUCKET")
	}
	if e.Prefix == "" {
		e.Prefix = getenv("VPCDOCTOR_PREFIX")
	}
	if len(e.Regions) == 0 && e.Snapshot == "" && e.Mode != ModeIndex {
		e.Regions = envList(getenv("VPCDOCTOR_REGIONS"))
	}
	if len(e.ExcludeAccounts) == 0 && e.Mode == ModeAccounts {
		e.ExcludeAccounts = envList(getenv("VPCDOCTOR_EXCLUDE_ACCOUNTS"))
	}
	if e.Lang == "" {
		e.Lang = string(i18n.English)
	}
	if l, err := i18n.Parse(e.Lang); err == nil {
		e.Lang = string(l) // "JA" is ja for the report and the index alike; validate refuses the rest
	}
	return e
}

// envList splits a comma-separated environment variable, dropping empty
// items.
func envList(v string) []string {
	var out []string
	for x := range strings.SplitSeq(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// validate checks every member the mode reads.
func (e Event) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch e.Mode {
	case ModeScan, ModeAccounts, ModeIndex:
	default:
		bad("mode %q: expected %q, %q or %q", e.Mode, ModeScan, ModeAccounts, ModeIndex)
	}
	if e.Account != "" && !accountID.MatchString(e.Account) {
		bad("account %q: expected a 12-digit account ID", e.Account)
	}
	for _, a := range append(append([]string{}, e.Accounts...), e.ExcludeAccounts...) {
		if !accountID.MatchString(a) {
			bad("accounts/exclude_accounts %q: expected 12-digit account IDs", a)
		}
	}
	switch m := roleARN.FindStringSubmatch(e.Role); {
	case e.Role == "":
	case m != nil:
		if e.Mode == ModeAccounts {
			bad("role %q: in accounts mode, expected a role name (the role of that name is assumed in each account), not an ARN", e.Role)
		} else if e.Account != "" && m[2] != e.Account {
			bad("role %q is in account %s, not in the account to scan, %s", e.Role, m[2], e.Account)
		}
	case roleName.MatchString(e.Role):
		if e.Mode == ModeScan && e.Account == "" {
			bad("role %q is a role name: name the account too (\"account\"), or give the role's ARN", e.Role)
		}
	default:
		bad("role %q: expected a role ARN (arn:aws:iam::ACCOUNT:role/NAME) or a role name", e.Role)
	}
	if e.ExternalID != "" && (len(e.ExternalID) < 2 || len(e.ExternalID) > 1224 || !externalID.MatchString(e.ExternalID)) {
		bad("external_id: expected 2 to 1224 characters of letters, digits and +=,.@:/-")
	}
	if e.ExternalID != "" && e.Role == "" {
		bad("external_id is given without a role to assume")
	}
	for _, r := range e.Regions {
		if !regionName.MatchString(r) {
			bad("regions: %q is not a region name (such as ap-northeast-1)", r)
		}
	}
	if e.Bucket == "" {
		bad("no bucket for the reports: name it in the event (\"bucket\") or set VPCDOCTOR_BUCKET in the function's environment")
	} else if !bucketName.MatchString(e.Bucket) {
		bad("bucket %q: expected an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)", e.Bucket)
	}
	if strings.HasPrefix(e.Prefix, "/") || strings.Contains("/"+e.Prefix+"/", "/../") || strings.Contains("/"+e.Prefix+"/", "/./") {
		bad("prefix %q: expected a relative folder of the bucket (no leading /, no . or .. parts)", e.Prefix)
	}
	if e.Run != "" && !runName.MatchString(e.Run) {
		bad("run %q: expected up to 128 letters, digits, dots, underscores and hyphens (a folder name)", e.Run)
	}
	if e.Mode == ModeIndex && e.Run == "" {
		bad("index mode needs the run whose reports it indexes (\"run\")")
	}
	if e.Snapshot != "" {
		if !strings.HasPrefix(e.Snapshot, "s3://") || len(e.Snapshot) <= len("s3://") {
			bad("snapshot %q: expected s3://BUCKET/PREFIX/", e.Snapshot)
		}
		if e.Role != "" || len(e.Regions) > 0 {
			bad("snapshot: a stored snapshot is read as it is; role and regions apply only to collecting")
		}
	}
	if _, err := i18n.Parse(e.Lang); err != nil {
		bad("lang: %v", err)
	}
	return errors.Join(errs...)
}

// roleARNFor is the ARN of the role to assume for the event: Role itself
// when it is an ARN, else the role of that name in account, in partition.
func roleARNFor(role, partition, account string) string {
	if role == "" || roleARN.MatchString(role) {
		return role
	}
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + account + ":role/" + role
}
