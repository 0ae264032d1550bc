package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// AccountsList is accounts mode's response: where the run's scan events
// were written (the Distributed Map's ItemReader reads that object) and
// how many there are.
type AccountsList struct {
	Run      string `json:"run"`
	Bucket   string `json:"bucket"`
	Key      string `json:"key"`
	Accounts int    `json:"accounts"`
}

// accountsFile is the name of a run's list of scan events.
const accountsFile = "accounts.json"

// listAccounts lists the organisation's active accounts, keeps those the
// filters keep, and writes one scan event per account to the run's
// accounts.json: the function's own account is scanned with its own role,
// every other through the role the event names.
func (h *Handler) listAccounts(ctx context.Context, e Event) (*AccountsList, error) {
	if h.Services.Accounts == nil {
		return nil, errors.New("this build of vpcdoctor cannot list an organisation's accounts")
	}
	partition, own := h.function(ctx)
	all, err := h.Services.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the organisation's accounts: %w", err)
	}
	accounts := filterAccounts(all, e.Accounts, e.ExcludeAccounts)
	if len(accounts) == 0 {
		return nil, cmdutil.BadInput(fmt.Errorf("no account to scan: the organisation lists %d, the filters keep none", len(all)))
	}
	items := make([]Event, 0, len(accounts))
	for _, a := range accounts {
		item := Event{Mode: ModeScan, Account: a, Regions: e.Regions, Bucket: e.Bucket, Prefix: e.Prefix, Run: e.Run, Lang: e.Lang}
		if a != own {
			if e.Role == "" {
				return nil, cmdutil.BadInput(fmt.Errorf("account %s is not the function's own: name the role to assume in each account (\"role\")", a))
			}
			item.Role, item.ExternalID = roleARNFor(e.Role, partition, a), e.ExternalID
		}
		items = append(items, item)
	}
	body, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		return nil, err
	}
	key := awsapi.S3Key(e.Prefix, e.Run, accountsFile)
	if err := h.Services.Put(ctx, e.Bucket, []awsapi.S3Object{{Key: key, ContentType: "application/json", Body: append(body, '\n')}}); err != nil {
		return nil, err
	}
	h.logf("%d accounts to scan in run %s: s3://%s/%s", len(items), e.Run, e.Bucket, key)
	return &AccountsList{Run: e.Run, Bucket: e.Bucket, Key: key, Accounts: len(items)}, nil
}

// filterAccounts keeps the accounts of all that only names (all of them
// when only is empty) and exclude does not, sorted, once each.
func filterAccounts(all, only, exclude []string) []string {
	var out []string
	for _, a := range all {
		if (len(only) == 0 || slices.Contains(only, a)) && !slices.Contains(exclude, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
