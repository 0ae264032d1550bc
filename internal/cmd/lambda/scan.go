package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	scancmd "github.com/vpcdoctor/vpcdoctor/internal/cmd/scan"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/version"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Summary is scan mode's response, and the summary.json written beside
// the reports (what the index reads).
type Summary struct {
	Account string `json:"account"`
	Run     string `json:"run"`
	// Scanned is when the scan ran, UTC, RFC 3339.
	Scanned string     `json:"scanned"`
	Bucket  string     `json:"bucket"`
	Keys    ReportKeys `json:"keys"`
	// Counts are the report's: findings by severity, suppressed, and
	// whether every call was collected in every region.
	Counts report.Summary `json:"counts"`
	// Exposures counts the ports reachable from the internet.
	Exposures int `json:"exposures"`
	// Regions are the regions scanned, as account/region pairs are in the
	// report; MissingCalls counts the calls absent or incomplete.
	Regions      []string `json:"regions"`
	MissingCalls int      `json:"missing_calls"`
	Warnings     []string `json:"warnings"`
}

// ReportKeys are the object keys of one scan's files in the bucket.
type ReportKeys struct {
	JSON    string `json:"json"`
	SARIF   string `json:"sarif"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

// multiAccount is the folder of a stored snapshot that holds more than
// one account.
const multiAccount = "multi-account"

// scan collects (or reads the stored snapshot), scans, writes the reports
// and then the summary.
func (h *Handler) scan(ctx context.Context, e Event, now time.Time) (*Summary, error) {
	tmp, err := os.MkdirTemp("", "vpcdoctor-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	// The snapshot's folder names the account in the report (its
	// scanned.accounts[].name): the account, or the stored snapshot's
	// folder.
	dir := filepath.Join(tmp, snapshotName(e))
	start := time.Now()
	if e.Snapshot != "" {
		err = h.fetchSnapshot(ctx, e.Snapshot, dir)
	} else {
		err = h.collect(ctx, e, dir)
	}
	if err != nil {
		return nil, err
	}
	collected := time.Since(start)
	io := &cmdutil.IOStreams{Out: h.Log, ErrOut: h.Log, Now: func() time.Time { return now }, Env: h.Getenv}
	rep, err := scancmd.BuildReport(&scancmd.Options{IO: io, Paths: []string{dir}, Color: "never"})
	if err != nil {
		return nil, err
	}
	account, err := reportAccount(rep, e.Account)
	if err != nil {
		return nil, err
	}
	folder := awsapi.S3Key(e.Prefix, e.Run, account)
	sum := &Summary{
		Account: account, Run: e.Run, Scanned: now.Format(time.RFC3339), Bucket: e.Bucket,
		Keys: ReportKeys{
			JSON:    folder + "/vpcdoctor.json",
			SARIF:   folder + "/vpcdoctor.sarif",
			HTML:    folder + "/vpcdoctor.html",
			Summary: folder + "/summary.json",
		},
		Counts: rep.Summary, Exposures: len(rep.Exposures), Regions: []string{}, Warnings: append([]string{}, rep.Warnings...),
	}
	for _, c := range rep.Coverage {
		sum.Regions = append(sum.Regions, c.Account+"/"+c.Region)
		sum.MissingCalls += len(c.Missing)
	}
	objects, err := reportObjects(rep, sum, e.Lang, now)
	if err != nil {
		return nil, err
	}
	if err := h.Services.Put(ctx, e.Bucket, objects); err != nil {
		return nil, err
	}
	h.logf("scanned %s in %s (collected in %s): %d findings (%d critical, %d high); reports in s3://%s/%s/",
		account, time.Since(start).Round(time.Millisecond), collected.Round(time.Millisecond),
		rep.Summary.Findings, rep.Summary.Critical, rep.Summary.High, e.Bucket, folder)
	return sum, nil
}

// snapshotName is the name of the folder the scan reads.
func snapshotName(e Event) string {
	if e.Snapshot != "" {
		_, prefix, _ := strings.Cut(strings.TrimPrefix(e.Snapshot, "s3://"), "/")
		if name := path.Base(strings.Trim(prefix, "/")); name != "." && name != ".." && name != "/" {
			return name
		}
		return "snapshot"
	}
	if e.Account != "" {
		return e.Account
	}
	return "account"
}

// collect writes the account of the event into dir.
func (h *Handler) collect(ctx context.Context, e Event, dir string) error {
	if h.Services.Collect == nil {
		return errNoCollector
	}
	partition, own := h.function(ctx)
	t := Target{Account: e.Account, ExternalID: e.ExternalID, Regions: e.Regions}
	if e.Role != "" {
		t.RoleARN = roleARNFor(e.Role, partition, e.Account)
	}
	if t.RoleARN == "" && e.Account != "" && own != "" && e.Account != own {
		return cmdutil.BadInput(fmt.Errorf("account %s is not the account the function runs in (%s): name the role to assume in it (\"role\")", e.Account, own))
	}
	if err := h.Services.Collect(ctx, t, dir); err != nil {
		return fmt.Errorf("collect %s: %w", orOwn(e.Account), err)
	}
	return nil
}

func orOwn(account string) string {
	if account == "" {
		return "the function's account"
	}
	return "account " + account
}

// fetchSnapshot copies the snapshot stored under url into dir.
func (h *Handler) fetchSnapshot(ctx context.Context, url, dir string) error {
	objects, err := h.Services.GetAll(ctx, url, nil)
	if err != nil {
		return err
	}
	if len(objects) == 0 {
		return cmdutil.BadInput(fmt.Errorf("snapshot %s: no object there", url))
	}
	for _, o := range objects {
		rel := filepath.FromSlash(o.Key)
		if !filepath.IsLocal(rel) {
			return cmdutil.BadInput(fmt.Errorf("snapshot %s: the key %q leaves the snapshot's folder", url, o.Key))
		}
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, o.Body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// reportAccount names the folder of the scan's reports: the report's one
// account ID, else the event's account, else multiAccount. A report of
// another account than the one asked for is an error: the role or the
// stored snapshot is not what the event says.
func reportAccount(rep *report.Report, asked string) (string, error) {
	if len(rep.Scanned.Accounts) == 1 && rep.Scanned.Accounts[0].ID != "" {
		got := rep.Scanned.Accounts[0].ID
		if asked != "" && got != asked {
			return "", fmt.Errorf("asked to scan account %s, the data collected is of account %s", asked, got)
		}
		return got, nil
	}
	if asked != "" {
		return asked, nil
	}
	return multiAccount, nil
}

// reportObjects renders the report as JSON, SARIF and HTML, then the
// summary, in the order they are written: the summary last, so that an
// index never lists a scan whose reports are not all there.
func reportObjects(rep *report.Report, sum *Summary, lang string, now time.Time) ([]awsapi.S3Object, error) {
	ropts := render.Options{Now: now, Version: version.Short()}
	var js, sarif, html bytes.Buffer
	if err := render.Write(&js, render.FormatJSON, rep, ropts); err != nil {
		return nil, err
	}
	if err := render.Write(&sarif, render.FormatSARIF, rep, ropts); err != nil {
		return nil, err
	}
	l, err := i18n.Parse(lang)
	if err != nil {
		return nil, cmdutil.BadInput(err)
	}
	if err := htmlreport.Write(&html, htmlreport.Input{Lang: l, Report: rep, Generated: now.Format("2006-01-02 15:04 UTC")}); err != nil {
		return nil, err
	}
	summary, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	return []awsapi.S3Object{
		{Key: sum.Keys.JSON, ContentType: "application/json", Body: js.Bytes()},
		{Key: sum.Keys.SARIF, ContentType: "application/sarif+json", Body: sarif.Bytes()},
		{Key: sum.Keys.HTML, ContentType: "text/html; charset=utf-8", Body: html.Bytes()},
		{Key: sum.Keys.Summary, ContentType: "application/json", Body: append(summary, '\n')},
	}, nil
}

// decodeSummary reads a summary.json the scan wrote.
func decodeSummary(data []byte) (*Summary, error) {
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Account == "" || s.Run == "" {
		return nil, errors.New("not a vpcdoctor scan summary (no account or run)")
	}
	return &s, nil
}
