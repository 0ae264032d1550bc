package history

import (
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
// non-empty), accounts sorted.
func (h *DB) Drift(account string) ([]Drift, error) {
	scans, err := h.Scans(account)
	if err != nil {
		return nil, err
	}
	byAccount := map[string]*Drift{}
	var names []string
	for _, s := range scans {
		d := byAccount[s.Account]
		if d == nil {
			d = &Drift{Account: s.Account, Points: []DriftPoint{}}
			byAccount[s.Account] = d
			names = append(names, s.Account)
		}
		xs, err := h.Exposures(s.ID)
		if err != nil {
			return nil, err
		}
		d.Points = append(d.Points, pointOf(s, xs))
	}
	sort.Strings(names)
	out := make([]Drift, 0, len(names))
	for _, n := range names {
		out = append(out, *byAccount[n])
	}
	return out, nil
}

// pointOf sums up one scan's exposures.
func pointOf(s Scan, xs []report.Exposure) DriftPoint {
	p := DriftPoint{Scan: s.ID, Time: s.Time, Exposures: len(xs), Traffic: []string{}}
	resources := map[string]bool{}
	traffic := map[string]report.Exposure{}
	for _, x := range xs {
		if x.WholeInternet {
			p.WholeInternet++
		}
		r := x.Resource
		if r == "" {
			r = x.ENI
		}
		resources[r] = true
		traffic[x.Traffic()] = x
	}
	p.Resources = len(resources)
	for t := range traffic {
		p.Traffic = append(p.Traffic, t)
	}
	// By protocol, then port: tcp/22 before tcp/443 before tcp/3306.
	sort.Slice(p.Traffic, func(i, j int) bool {
		a, b := traffic[p.Traffic[i]], traffic[p.Traffic[j]]
		switch {
		case a.Protocol != b.Protocol:
			return a.Protocol < b.Protocol
		case a.FromPort != b.FromPort:
			return a.FromPort < b.FromPort
		case a.ToPort != b.ToPort:
			return a.ToPort < b.ToPort
		}
		return p.Traffic[i] < p.Traffic[j]
	})
	return p
}
