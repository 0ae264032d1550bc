package history

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Drift is one account's internet exposure over time: one point per scan,
// oldest first.
type Drift struct {
	Account string       `json:"account"`
	Points  []DriftPoint `json:"series"`
}

// DriftPoint is one scan's internet exposure.
type DriftPoint struct {
	Scan      int64     `json:"scan"`
	Time      time.Time `json:"time"`
	Exposures int       `json:"exposures"` // exposure entries (resource, traffic, sources)
	// WholeInternet counts the entries open to every internet address.
	WholeInternet int `json:"whole_internet"`
	// Resources counts the distinct resources (or interfaces, when the
	// owner is unknown) the internet reaches.
	Resources int `json:"resources"`
	// Traffic lists the distinct traffic the internet can send to at
	// least one resource: tcp/22, udp/53, all, ... (report.Exposure.Traffic).
	Traffic []string `json:"traffic"`
}

// Drift returns the exposure series of every account (or of account, when
// non-empty), accounts sorted. The sums are SQL's: no exposure is read
// whole.
func (h *DB) Drift(account string) ([]Drift, error) {
	scans, err := h.Scans(account)
	if err != nil {
		return nil, err
	}
	points := make(map[int64]*DriftPoint, len(scans))
	byAccount := map[string]*Drift{}
	var names []string
	for _, s := range scans {
		d := byAccount[s.Account]
		if d == nil {
			d = &Drift{Account: s.Account, Points: []DriftPoint{}}
			byAccount[s.Account] = d
			names = append(names, s.Account)
		}
		d.Points = append(d.Points, DriftPoint{Scan: s.ID, Time: s.Time, Exposures: s.Exposures, Traffic: []string{}})
	}
	for _, d := range byAccount {
		for i := range d.Points {
			points[d.Points[i].Scan] = &d.Points[i]
		}
	}
	if err := h.sumExposures(points); err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Drift, 0, len(names))
	for _, n := range names {
		out = append(out, *byAccount[n])
	}
	return out, nil
}

// sumExposures fills the points' whole-internet, resource and traffic
// figures.
func (h *DB) sumExposures(points map[int64]*DriftPoint) error {
	ctx := context.Background()
	rows, err := h.db.QueryContext(ctx, `SELECT scan_id, sum(whole_internet),
		count(DISTINCT CASE WHEN resource = '' THEN 'eni:' || eni ELSE resource END)
		FROM exposures GROUP BY scan_id`)
	if err != nil {
		return h.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var whole, resources int
		if err := rows.Scan(&id, &whole, &resources); err != nil {
			return h.wrap(err)
		}
		if p := points[id]; p != nil {
			p.WholeInternet, p.Resources = whole, resources
		}
	}
	if err := rows.Err(); err != nil {
		return h.wrap(err)
	}
	// Traffic: the distinct (protocol, ports) of each scan, by protocol
	// then port (tcp/22 before tcp/443 before tcp/3306).
	rows, err = h.db.QueryContext(ctx, `SELECT DISTINCT scan_id, protocol, except_protocols, from_port, to_port
		FROM exposures ORDER BY scan_id, protocol, from_port, to_port, except_protocols`)
	if err != nil {
		return h.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var x report.Exposure
		var except string
		if err := rows.Scan(&id, &x.Protocol, &except, &x.FromPort, &x.ToPort); err != nil {
			return h.wrap(err)
		}
		if x.ExceptProtocols, err = decodeList(except); err != nil {
			return h.wrap(fmt.Errorf("scan %d: except_protocols: %w", id, err))
		}
		p := points[id]
		if p == nil {
			continue
		}
		if t := x.Traffic(); len(p.Traffic) == 0 || p.Traffic[len(p.Traffic)-1] != t {
			p.Traffic = append(p.Traffic, t)
		}
	}
	return h.wrap(rows.Err())
}
