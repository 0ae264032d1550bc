package diff

import (
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/config"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Side is one side of a comparison: the inventory and its scan. Build it
// with Scan; it is read-only afterwards.
type Side struct {
	Inventory *model.Inventory
	Report    *report.Report
	// exposures are the engine's internet exposures, by region.
	exposures map[*model.Region][]reach.Exposure
}

// Scan runs every check on inv as `vpcdoctor scan` does, builds the
// report and applies cfg's suppressions (nil: none) on day now.
func Scan(inv *model.Inventory, cfg *config.Config, now time.Time) *Side {
	res := check.RunWith(inv, check.All, check.Options{})
	rep := report.Build(inv, res, check.All)
	rep.Suppress(cfg, now)
	return &Side{Inventory: inv, Report: rep, exposures: res.Exposures}
}

// Compare compares two sides.
func Compare(before, after *Side) *Diff {
	d := &Diff{
		SchemaVersion: SchemaVersion,
		Before:        scanned(before.Report),
		After:         scanned(after.Report),
		Warnings:      []string{},
	}
	d.Findings = compareFindings(before.Report.Findings, after.Report.Findings)
	d.Exposures = compareExposures(before, after)
	d.Roles = compareRoles(before.Inventory, after.Inventory)
	d.count()
	for _, s := range []struct {
		name string
		rep  *report.Report
	}{{"before", before.Report}, {"after", after.Report}} {
		if !s.rep.Summary.Complete {
			d.Warnings = append(d.Warnings, "the "+s.name+" side's data is incomplete (calls missing, or checks skipped): changes that depend on it may be missing; scan it for its coverage")
		}
	}
	return d
}

func scanned(rep *report.Report) Scanned {
	return Scanned{Accounts: rep.Scanned.Accounts, Regions: rep.Scanned.Regions, Complete: rep.Summary.Complete}
}

func (d *Diff) count() {
	s := &d.Summary
	s.NewFindings, s.RemovedFindings, s.ChangedFindings, s.UnchangedFindings = len(d.Findings.New), len(d.Findings.Removed), len(d.Findings.Changed), d.Findings.Unchanged
	for _, x := range d.Exposures {
		if x.Change == New {
			s.NewExposures++
		} else {
			s.RemovedExposures++
		}
	}
	for _, r := range d.Roles {
		if r.Change == New {
			s.NewRoleReach++
		} else {
			s.RemovedRoleReach++
		}
	}
	s.Complete = d.Before.Complete && d.After.Complete
}
