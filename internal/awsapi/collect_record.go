package awsapi

import (
	"context"
	"encoding/json"
	"time"
)

// RecordFile is the file Collect writes at the root of each account folder
// (and of a multi-account output): what was collected, when, and every
// call that failed. The snapshot loader reads its errors into the
// coverage ("not collected: AccessDenied"); docs/collect.md describes it.
const RecordFile = "vpcdoctor-collect.json"

// RecordVersion is the version of RecordFile's format.
const RecordVersion = 1

// record is RecordFile's content.
type record struct {
	Version        int             `json:"version"`
	Collector      string          `json:"collector"`
	Started        string          `json:"started"`
	Finished       string          `json:"finished"`
	Complete       bool            `json:"complete"`
	Account        string          `json:"account,omitempty"`
	Arn            string          `json:"arn,omitempty"`
	Source         string          `json:"source,omitempty"`
	Regions        []string        `json:"regions"`
	SkippedRegions []skippedRegion `json:"skipped_regions"`
	Accounts       []string        `json:"accounts,omitempty"`
	Calls          int             `json:"calls"`
	Errors         []CollectError  `json:"errors"`
	Notes          []string        `json:"notes,omitempty"`
}

func (c *collector) stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeAccountRecord writes an account's RecordFile: its errors and
// whether every call was made (false when interrupted).
func (c *collector) writeAccountRecord(ctx context.Context, a *account, started time.Time) {
	rec := record{
		Version: RecordVersion, Collector: "vpcdoctor " + c.opt.Version,
		Started: c.stamp(started), Finished: c.stamp(c.opt.Now()), Complete: ctx.Err() == nil,
		Account: a.id, Arn: a.arn, Source: a.source,
		Regions: a.regions, SkippedRegions: a.skipped, Errors: []CollectError{},
	}
	if rec.SkippedRegions == nil {
		rec.SkippedRegions = []skippedRegion{}
	}
	c.mu.Lock()
	for _, e := range c.errs {
		if e.Account == a.id {
			e.Account = ""
			rec.Errors = append(rec.Errors, e)
		}
	}
	c.mu.Unlock()
	sortErrors(rec.Errors)
	rec.Calls = int(a.calls.Load())
	c.writeJSON(a.dir+RecordFile, rec)
}

// writeRootRecord writes the RecordFile of a multi-account output: the
// accounts, and the accounts that could not be reached.
func (c *collector) writeRootRecord(res *CollectResult, complete bool) {
	rec := record{Version: RecordVersion, Collector: "vpcdoctor " + c.opt.Version, Complete: complete && c.fatal == nil, Calls: res.Calls, Errors: []CollectError{}, Regions: []string{}, SkippedRegions: []skippedRegion{}, Notes: res.Notes}
	rec.Started, rec.Finished = c.stamp(c.started), c.stamp(c.opt.Now())
	for _, a := range res.Accounts {
		rec.Accounts = append(rec.Accounts, a.ID)
	}
	for _, e := range res.Errors {
		if e.Region == "" {
			rec.Errors = append(rec.Errors, e)
		}
	}
	c.writeJSON(RecordFile, rec)
}

func (c *collector) writeJSON(p string, v any) {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		c.stop(err)
		return
	}
	c.write(p, append(data, '\n'))
}
