// Package diff compares two scans of one estate, before and after a
// change (two snapshots, or a snapshot and a Terraform plan applied on
// top of it): the findings that appear, disappear or change severity, and
// above all the exposure changes: what the internet can newly reach (or no
// longer reach), with the path that lets it through, and the ports on
// which one role can newly reach another. Its JSON form is documented in
// docs/diff.md; every list is sorted, so the same input gives the same
// bytes.
package diff

import (
	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// SchemaVersion is bumped when a field of Diff changes meaning or
// disappears; new fields may appear without a bump.
const SchemaVersion = 1

// The kinds of change.
const (
	New     = "new"
	Removed = "removed"
	Changed = "changed"
)

// Diff is the comparison of two scans.
type Diff struct {
	SchemaVersion int     `json:"schema_version"`
	Before        Scanned `json:"before"`
	After         Scanned `json:"after"`
	Summary       Summary `json:"summary"`
	// Exposures are the changes of internet exposure, new ones first,
	// highest severity first.
	Exposures []ExposureChange `json:"exposures"`
	// Roles are the changes of reach between roles, new ones first.
	Roles    []RoleChange   `json:"roles"`
	Findings FindingChanges `json:"findings"`
	// Warnings say what weakens the comparison (data missing on a side).
	Warnings []string `json:"warnings"`
}

// Scanned names what one side covers.
type Scanned struct {
	Accounts []report.Account `json:"accounts"`
	Regions  []report.Region  `json:"regions"`
	// Complete is the side's report's Summary.Complete: every call was
	// collected and every check ran.
	Complete bool `json:"complete"`
}

// Summary counts the changes.
type Summary struct {
	NewFindings       int `json:"new_findings"`
	RemovedFindings   int `json:"removed_findings"`
	ChangedFindings   int `json:"changed_findings"`
	UnchangedFindings int `json:"unchanged_findings"`
	NewExposures      int `json:"new_exposures"`
	RemovedExposures  int `json:"removed_exposures"`
	NewRoleReach      int `json:"new_role_reach"`
	RemovedRoleReach  int `json:"removed_role_reach"`
	// Complete is true when both sides' data were complete, so no change
	// can hide behind missing data.
	Complete bool `json:"complete"`
}

// FindingChanges are the findings matched by report.Finding.Fingerprint.
type FindingChanges struct {
	New       []report.Finding `json:"new"`
	Removed   []report.Finding `json:"removed"`
	Changed   []ChangedFinding `json:"changed"`
	Unchanged int              `json:"unchanged"`
}

// ChangedFinding is a finding present on both sides whose severity
// changed; Finding is the after side's.
type ChangedFinding struct {
	BeforeSeverity string         `json:"before_severity"`
	Finding        report.Finding `json:"finding"`
}

// ExposureChange is traffic the internet can newly send to an interface
// (new), or no longer can (removed).
type ExposureChange struct {
	Change string `json:"change"` // new or removed
	// Severity grades the exposure as internet-exposed does.
	Severity string `json:"severity"`
	// Suppressed is set when the configuration accepts the after side's
	// internet-exposed finding of the resource; a suppressed change does
	// not fail --fail-on-new.
	Suppressed bool `json:"suppressed"`
	// Exposure is the traffic that changed: its protocol, ports and
	// sources are the difference between the two sides; its path and
	// notes are those of the side where it exists (after for new, before
	// for removed).
	Exposure report.Exposure `json:"exposure"`
}

// RoleChange is traffic one role can newly open to another (new), or no
// longer can (removed), in one account and region.
type RoleChange struct {
	Change   string    `json:"change"`
	Severity string    `json:"severity"`
	Account  string    `json:"account"`
	Region   string    `json:"region"`
	From     Role      `json:"from"`
	To       Role      `json:"to"`
	Traffic  []Traffic `json:"traffic"`
	// Example is one pair of interfaces and one packet of the traffic,
	// on the after side, with the path that lets it through; only for
	// the first maxExamples new changes, and nil when no pair could be
	// shown.
	Example *Example `json:"example,omitempty"`

	rest packet.Set // the traffic, as a set
}

// Role names a role (model.Role).
type Role struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Members []string `json:"members"`
}

// Traffic is one (protocol, port range).
type Traffic struct {
	Protocol        string   `json:"protocol"` // tcp, udp, icmp, icmpv6, all, or a number
	ExceptProtocols []string `json:"except_protocols,omitempty"`
	FromPort        int      `json:"from_port"` // for ICMP: the type
	ToPort          int      `json:"to_port"`
}

// Example is one connection of a role change and its path.
type Example struct {
	FromENI  string       `json:"from_eni"`
	ToENI    string       `json:"to_eni"`
	Protocol string       `json:"protocol"`
	Port     int          `json:"port"`
	Path     []report.Hop `json:"path"`
	Notes    []string     `json:"notes"`
}

// AtOrAbove counts what fails a gate at sev: new unsuppressed findings and
// changed ones now at or above sev, and new unsuppressed internet
// exposures and new reach between roles at or above sev.
func (d *Diff) AtOrAbove(sev check.Severity) int {
	n := 0
	at := func(s string) bool {
		v, err := check.ParseSeverity(s)
		return err == nil && v >= sev
	}
	for _, f := range d.Findings.New {
		if !f.Suppressed && at(f.Severity) {
			n++
		}
	}
	for _, c := range d.Findings.Changed {
		if !c.Finding.Suppressed && at(c.Finding.Severity) && !at(c.BeforeSeverity) {
			n++
		}
	}
	for _, x := range d.Exposures {
		if x.Change == New && !x.Suppressed && at(x.Severity) {
			n++
		}
	}
	for _, r := range d.Roles {
		if r.Change == New && at(r.Severity) {
			n++
		}
	}
	return n
}
