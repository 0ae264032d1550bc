package history

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Scan is one account's scan in the history.
type Scan struct {
	ID          int64     `json:"id"`
	Run         int64     `json:"run"` // the ID of the first scan of the same `scan` run (several accounts share one)
	Account     string    `json:"account"`
	AccountName string    `json:"account_name"`
	Time        time.Time `json:"time"`
	Complete    bool      `json:"complete"`
	Regions     int       `json:"regions"`
	Findings    Counts    `json:"findings"`
	Exposures   int       `json:"exposures"` // internet exposure entries (resource, protocol, ports)
}

// Counts counts a scan's findings by severity; suppressed findings are
// counted only in Suppressed, as in the report's summary.
type Counts struct {
	Total      int `json:"total"`
	Critical   int `json:"critical"`
	High       int `json:"high"`
	Medium     int `json:"medium"`
	Low        int `json:"low"`
	Info       int `json:"info"`
	Suppressed int `json:"suppressed"`
}

// add counts n findings of one severity.
func (c *Counts) add(severity string, suppressed bool, n int) {
	if suppressed {
		c.Suppressed += n
		return
	}
	c.Total += n
	switch severity {
	case "critical":
		c.Critical += n
	case "high":
		c.High += n
	case "medium":
		c.Medium += n
	case "low":
		c.Low += n
	case "info":
		c.Info += n
	}
}

// Finding is a finding as the history keeps it.
type Finding struct {
	Fingerprint string   `json:"fingerprint"` // report.Finding.Fingerprint()
	Rule        string   `json:"rule"`
	Severity    string   `json:"severity"`
	Region      string   `json:"region"`
	Resources   []string `json:"resources"`
	Message     string   `json:"message"`
	Suppressed  bool     `json:"suppressed"`
}

// Scans lists the scans, oldest first (by time, then ID); with account
// non-empty, only that account's.
func (h *DB) Scans(account string) ([]Scan, error) {
	return h.scans("? = '' OR s.account = ?", account, account)
}

// scans lists the scans that where (an SQL condition on s, the scans
// table) selects, oldest first, with their counts.
func (h *DB) scans(where string, args ...any) ([]Scan, error) {
	ctx := context.Background()
	q := `SELECT s.id, s.run, s.account, s.account_name, s.scanned_at, s.complete, s.regions,
		(SELECT count(*) FROM exposures x WHERE x.scan_id = s.id)
		FROM scans s WHERE ` + where + ` ORDER BY s.scanned_at, s.id`
	rows, err := h.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, h.wrap(err)
	}
	defer rows.Close()
	var out []Scan
	index := map[int64]int{}
	for rows.Next() {
		var s Scan
		var at string
		if err := rows.Scan(&s.ID, &s.Run, &s.Account, &s.AccountName, &at, &s.Complete, &s.Regions, &s.Exposures); err != nil {
			return nil, h.wrap(err)
		}
		if s.Time, err = parseTime(at); err != nil {
			return nil, h.wrap(fmt.Errorf("scan %d: %w", s.ID, err))
		}
		index[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, h.wrap(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	counts, err := h.db.QueryContext(ctx, `SELECT f.scan_id, f.severity, f.suppressed, count(*) FROM findings f
		WHERE f.scan_id IN (SELECT s.id FROM scans s WHERE `+where+`) GROUP BY f.scan_id, f.severity, f.suppressed`, args...)
	if err != nil {
		return nil, h.wrap(err)
	}
	defer counts.Close()
	for counts.Next() {
		var id int64
		var sev string
		var sup bool
		var n int
		if err := counts.Scan(&id, &sev, &sup, &n); err != nil {
			return nil, h.wrap(err)
		}
		if i, ok := index[id]; ok {
			out[i].Findings.add(sev, sup, n)
		}
	}
	return out, h.wrap(counts.Err())
}

// Scan returns one scan by ID.
func (h *DB) Scan(id int64) (Scan, error) {
	one, err := h.scans("s.id = ?", id)
	if err != nil {
		return Scan{}, err
	}
	if len(one) == 1 {
		return one[0], nil
	}
	return Scan{}, fmt.Errorf("%s holds no scan %d (vpcdoctor history %s lists them)", h.path, id, h.path)
}

// Findings returns a scan's findings, most severe first, then by rule,
// region and resources.
func (h *DB) Findings(scan int64) ([]Finding, error) {
	rows, err := h.db.QueryContext(context.Background(), `SELECT fingerprint, rule, severity, region, resources, message, suppressed
		FROM findings WHERE scan_id = ?`, scan)
	if err != nil {
		return nil, h.wrap(err)
	}
	defer rows.Close()
	out := []Finding{}
	for rows.Next() {
		var f Finding
		var res string
		if err := rows.Scan(&f.Fingerprint, &f.Rule, &f.Severity, &f.Region, &res, &f.Message, &f.Suppressed); err != nil {
			return nil, h.wrap(err)
		}
		if f.Resources, err = decodeList(res); err != nil {
			return nil, h.wrap(fmt.Errorf("scan %d, finding %s: resources: %w", scan, f.Rule, err))
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, h.wrap(err)
	}
	sortFindings(out)
	return out, nil
}

// Exposures returns a scan's internet exposures (without their paths,
// which the history does not keep), sorted.
func (h *DB) Exposures(scan int64) ([]report.Exposure, error) {
	rows, err := h.db.QueryContext(context.Background(), `SELECT s.account, x.region, x.resource, x.resource_type, x.eni, x.protocol,
		x.except_protocols, x.from_port, x.to_port, x.sources, x.whole_internet, x.via, x.load_balancer
		FROM exposures x JOIN scans s ON s.id = x.scan_id WHERE x.scan_id = ?`, scan)
	if err != nil {
		return nil, h.wrap(err)
	}
	defer rows.Close()
	out := []report.Exposure{}
	for rows.Next() {
		var x report.Exposure
		var except, sources string
		if err := rows.Scan(&x.Account, &x.Region, &x.Resource, &x.ResourceType, &x.ENI, &x.Protocol, &except,
			&x.FromPort, &x.ToPort, &sources, &x.WholeInternet, &x.Via, &x.LoadBalancer); err != nil {
			return nil, h.wrap(err)
		}
		if x.ExceptProtocols, err = decodeList(except); err != nil {
			return nil, h.wrap(fmt.Errorf("scan %d: exposure of %s: %w", scan, x.ENI, err))
		}
		if len(x.ExceptProtocols) == 0 {
			x.ExceptProtocols = nil // as the report leaves it out
		}
		if x.Sources, err = decodeList(sources); err != nil {
			return nil, h.wrap(fmt.Errorf("scan %d: exposure of %s: %w", scan, x.ENI, err))
		}
		x.Path, x.Notes = []report.Hop{}, []string{}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, h.wrap(err)
	}
	sortExposures(out)
	return out, nil
}

// sortFindings orders findings most severe first, then by rule, region,
// resources and fingerprint.
func sortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		sa, _ := check.ParseSeverity(a.Severity)
		sb, _ := check.ParseSeverity(b.Severity)
		switch {
		case sa != sb:
			return sa > sb
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		case a.Region != b.Region:
			return a.Region < b.Region
		case fmt.Sprint(a.Resources) != fmt.Sprint(b.Resources):
			return fmt.Sprint(a.Resources) < fmt.Sprint(b.Resources)
		}
		return a.Fingerprint < b.Fingerprint
	})
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad scan time %q: %w", s, err)
	}
	return t.UTC(), nil
}

func decodeList(s string) ([]string, error) {
	out := []string{}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("not a JSON list of strings: %q", s)
	}
	return out, nil
}
