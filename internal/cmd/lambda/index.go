package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Index is index mode's response and the run's index.json: every
// account of the run with its summary, or marked as without a report
// (its scan failed or has not finished), and the totals.
type Index struct {
	Run    string `json:"run"`
	Bucket string `json:"bucket"`
	// Generated is when the index was written, UTC, RFC 3339.
	Generated string       `json:"generated"`
	Keys      IndexKeys    `json:"keys"`
	Accounts  []IndexEntry `json:"accounts"`
	// Scanned and Missing count the accounts with and without a report.
	Scanned int `json:"scanned"`
	Missing int `json:"missing"`
	// Totals add up the scanned accounts' counts; Complete only when
	// every account was scanned and every scan was complete.
	Totals    report.Summary `json:"totals"`
	Exposures int            `json:"exposures"`
}

// IndexKeys are the object keys of a run's index.
type IndexKeys struct {
	JSON string `json:"json"`
	HTML string `json:"html"`
}

// IndexEntry is one account of a run.
type IndexEntry struct {
	Account string `json:"account"`
	// Status is "scanned", or "no report" for an account the run's list
	// names whose scan wrote no summary.
	Status  string   `json:"status"`
	Summary *Summary `json:"summary,omitempty"`
}

// index reads the summaries of the run and writes its index.
func (h *Handler) index(ctx context.Context, e Event, now time.Time) (*Index, error) {
	folder := awsapi.S3Key(e.Prefix, e.Run)
	objects, err := h.Services.GetAll(ctx, "s3://"+e.Bucket+"/"+folder+"/", func(rel string) bool {
		return rel == accountsFile || path.Base(rel) == "summary.json" && strings.Count(rel, "/") == 1
	})
	if err != nil {
		return nil, err
	}
	idx := &Index{Run: e.Run, Bucket: e.Bucket, Generated: now.Format(time.RFC3339),
		Keys: IndexKeys{JSON: folder + "/index.json", HTML: folder + "/index.html"}, Accounts: []IndexEntry{}}
	entries := map[string]*IndexEntry{}
	for _, o := range objects {
		if o.Key == accountsFile {
			var listed []Event
			if err := json.Unmarshal(o.Body, &listed); err != nil {
				return nil, fmt.Errorf("s3://%s/%s/%s: %w", e.Bucket, folder, o.Key, err)
			}
			for _, l := range listed {
				if entries[l.Account] == nil {
					entries[l.Account] = &IndexEntry{Account: l.Account, Status: "no report"}
				}
			}
			continue
		}
		s, err := decodeSummary(o.Body)
		if err != nil {
			return nil, fmt.Errorf("s3://%s/%s/%s: %w", e.Bucket, folder, o.Key, err)
		}
		entries[s.Account] = &IndexEntry{Account: s.Account, Status: "scanned", Summary: s}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("s3://%s/%s/ holds no scan of run %s (no accounts.json, no ACCOUNT/summary.json)", e.Bucket, folder, e.Run)
	}
	idx.Totals.Complete = true
	for _, en := range entries {
		idx.Accounts = append(idx.Accounts, *en)
		if en.Summary == nil {
			idx.Missing++
			idx.Totals.Complete = false
			continue
		}
		idx.Scanned++
		addCounts(&idx.Totals, en.Summary.Counts)
		idx.Exposures += en.Summary.Exposures
	}
	slices.SortFunc(idx.Accounts, func(a, b IndexEntry) int { return strings.Compare(a.Account, b.Account) })
	js, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return nil, err
	}
	var html bytes.Buffer
	if err := writeIndexHTML(&html, idx, folder, e.Lang); err != nil {
		return nil, err
	}
	err = h.Services.Put(ctx, e.Bucket, []awsapi.S3Object{
		{Key: idx.Keys.JSON, ContentType: "application/json", Body: append(js, '\n')},
		{Key: idx.Keys.HTML, ContentType: "text/html; charset=utf-8", Body: html.Bytes()},
	})
	if err != nil {
		return nil, err
	}
	h.logf("index of run %s: %d accounts scanned, %d without a report: s3://%s/%s", e.Run, idx.Scanned, idx.Missing, e.Bucket, idx.Keys.HTML)
	return idx, nil
}

// addCounts adds one scan's counts to the totals (Complete is and-ed).
func addCounts(t *report.Summary, c report.Summary) {
	t.Findings += c.Findings
	t.Suppressed += c.Suppressed
	t.Critical += c.Critical
	t.High += c.High
	t.Medium += c.Medium
	t.Low += c.Low
	t.Info += c.Info
	t.Complete = t.Complete && c.Complete
}
