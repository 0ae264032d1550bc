package history

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Comparison is what changed in one account between two of its scans.
type Comparison struct {
	Account string `json:"account"`
	From    Scan   `json:"from"`
	To      Scan   `json:"to"`
	// Appeared are findings in To that no scan of the account up to From
	// had: new problems.
	Appeared []Finding `json:"appeared"`
	// Reopened are findings in To, absent from From, that an earlier scan
	// had: problems that were resolved and came back.
	Reopened []Reopened `json:"reopened"`
	// Disappeared are findings in From that To does not have: resolved.
	Disappeared []Finding `json:"disappeared"`
	// Changed are findings in both whose severity or suppression changed
	// (the finding as To has it, and what From had).
	Changed []Changed `json:"changed"`
	// ExposuresOpened and ExposuresClosed are the internet exposures
	// (resource, traffic, sources) To has and From has not, and the
	// reverse; a narrowed source range is one closed and one opened.
	ExposuresOpened []report.Exposure `json:"exposures_opened"`
	ExposuresClosed []report.Exposure `json:"exposures_closed"`
}

// Changed is a finding present in both scans that is graded or
// suppressed differently in the later one.
type Changed struct {
	Finding
	WasSeverity   string `json:"was_severity"`
	WasSuppressed bool   `json:"was_suppressed"`
}

// Reopened is a finding that came back.
type Reopened struct {
	Finding
	// LastSeen is the last scan before From that had it; ResolvedIn the
	// first scan after LastSeen without it.
	LastSeen   int64 `json:"last_seen_scan"`
	ResolvedIn int64 `json:"resolved_in_scan"`
}

// Compare tells what changed between scans from and to, two scans of one
// account with from the earlier. Findings match by fingerprint.
func (h *DB) Compare(from, to int64) (Comparison, error) {
	a, err := h.Scan(from)
	if err != nil {
		return Comparison{}, err
	}
	b, err := h.Scan(to)
	if err != nil {
		return Comparison{}, err
	}
	if a.Account != b.Account {
		return Comparison{}, fmt.Errorf("scan %d is of account %s and scan %d of account %s: compare two scans of one account", from, a.Account, to, b.Account)
	}
	if !before(a, b) {
		return Comparison{}, fmt.Errorf("scan %d (%s) is not earlier than scan %d (%s): give the earlier one as --from", from, a.Time.Format(timeLayout), to, b.Time.Format(timeLayout))
	}
	fa, err := h.Findings(from)
	if err != nil {
		return Comparison{}, err
	}
	fb, err := h.Findings(to)
	if err != nil {
		return Comparison{}, err
	}
	seen, err := h.earlier(a)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Account: a.Account, From: a, To: b, Appeared: []Finding{}, Reopened: []Reopened{}, Disappeared: []Finding{}, Changed: []Changed{}}
	was := make(map[string]Finding, len(fa))
	for _, f := range fa {
		was[f.Fingerprint] = f
	}
	inB := fingerprints(fb)
	for _, f := range fb {
		if w, ok := was[f.Fingerprint]; ok {
			if w.Severity != f.Severity || w.Suppressed != f.Suppressed {
				c.Changed = append(c.Changed, Changed{Finding: f, WasSeverity: w.Severity, WasSuppressed: w.Suppressed})
			}
			continue
		}
		if last, ok := seen.last[f.Fingerprint]; ok {
			c.Reopened = append(c.Reopened, Reopened{Finding: f, LastSeen: last, ResolvedIn: seen.resolvedAfter(f.Fingerprint, last, from)})
			continue
		}
		c.Appeared = append(c.Appeared, f)
	}
	for _, f := range fa {
		if !inB[f.Fingerprint] {
			c.Disappeared = append(c.Disappeared, f)
		}
	}
	xa, err := h.Exposures(from)
	if err != nil {
		return Comparison{}, err
	}
	xb, err := h.Exposures(to)
	if err != nil {
		return Comparison{}, err
	}
	c.ExposuresOpened, c.ExposuresClosed = exposureChanges(xa, xb)
	return c, nil
}

// before orders scans as Scans lists them: by time, then ID.
func before(a, b Scan) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	return a.ID < b.ID
}

// past is what an account's scans before one scan held.
type past struct {
	order []int64                   // the scans, oldest first
	has   map[int64]map[string]bool // scan → fingerprints
	last  map[string]int64          // fingerprint → last scan that had it
}

// earlier reads the findings of the account's scans before s.
func (h *DB) earlier(s Scan) (past, error) {
	p := past{has: map[int64]map[string]bool{}, last: map[string]int64{}}
	scans, err := h.Scans(s.Account)
	if err != nil {
		return p, err
	}
	for _, e := range scans {
		if !before(e, s) {
			break
		}
		p.order = append(p.order, e.ID)
		p.has[e.ID] = map[string]bool{}
	}
	if len(p.order) == 0 {
		return p, nil
	}
	rows, err := h.db.QueryContext(context.Background(), `SELECT f.scan_id, f.fingerprint FROM findings f JOIN scans s ON s.id = f.scan_id
		WHERE s.account = ?`, s.Account)
	if err != nil {
		return p, h.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var fp string
		if err := rows.Scan(&id, &fp); err != nil {
			return p, h.wrap(err)
		}
		if m, ok := p.has[id]; ok {
			m[fp] = true
		}
	}
	if err := rows.Err(); err != nil {
		return p, h.wrap(err)
	}
	for _, id := range p.order {
		for fp := range p.has[id] {
			p.last[fp] = id // order is oldest first: the last write wins
		}
	}
	return p, nil
}

// resolvedAfter is the first scan after last that lacks fp: one before
// the comparison's From, else From itself.
func (p past) resolvedAfter(fp string, last, from int64) int64 {
	after := false
	for _, id := range p.order {
		if id == last {
			after = true
			continue
		}
		if after && !p.has[id][fp] {
			return id
		}
	}
	return from
}

func fingerprints(fs []Finding) map[string]bool {
	m := make(map[string]bool, len(fs))
	for _, f := range fs {
		m[f.Fingerprint] = true
	}
	return m
}

// exposureKey identifies an exposure across scans: where, what traffic,
// from which sources, by which way.
func exposureKey(x report.Exposure) string {
	return strings.Join([]string{x.Region, x.Resource, x.ENI, x.Protocol, strings.Join(x.ExceptProtocols, ","),
		strconv.Itoa(200000 + x.FromPort), strconv.Itoa(200000 + x.ToPort), strings.Join(x.Sources, ","), x.Via, x.LoadBalancer}, "\x00")
}

// exposureChanges returns the exposures only in b (opened) and only in a
// (closed), sorted.
func exposureChanges(a, b []report.Exposure) (opened, closed []report.Exposure) {
	ka, kb := map[string]bool{}, map[string]bool{}
	for _, x := range a {
		ka[exposureKey(x)] = true
	}
	for _, x := range b {
		kb[exposureKey(x)] = true
	}
	opened, closed = []report.Exposure{}, []report.Exposure{}
	for _, x := range b {
		if !ka[exposureKey(x)] {
			opened = append(opened, x)
		}
	}
	for _, x := range a {
		if !kb[exposureKey(x)] {
			closed = append(closed, x)
		}
	}
	sortExposures(opened)
	sortExposures(closed)
	return opened, closed
}

// sortExposures sorts by exposureKey, computed once per exposure.
func sortExposures(xs []report.Exposure) {
	keys := make([]string, len(xs))
	for i, x := range xs {
		keys[i] = exposureKey(x)
	}
	sort.Sort(byKey{keys, xs})
}

type byKey struct {
	keys []string
	xs   []report.Exposure
}

func (b byKey) Len() int           { return len(b.keys) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
	b.xs[i], b.xs[j] = b.xs[j], b.xs[i]
}
