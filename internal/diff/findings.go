package diff

import (
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// compareFindings matches findings by fingerprint (rule, account, region,
// main resource): on one side only they are new or removed; on both, with
// another severity, changed; otherwise unchanged. New and changed findings
// are the after side's, removed ones the before side's; each list is
// sorted by severity (highest first), then rule, account, region and main
// resource.
func compareFindings(before, after []report.Finding) FindingChanges {
	out := FindingChanges{New: []report.Finding{}, Removed: []report.Finding{}, Changed: []ChangedFinding{}}
	was := map[string]report.Finding{}
	fps := make([]string, len(before)) // before's fingerprints, by index
	for i, f := range before {
		fps[i] = f.Fingerprint()
		was[fps[i]] = f
	}
	is := map[string]bool{}
	for _, f := range after {
		fp := f.Fingerprint()
		is[fp] = true
		b, ok := was[fp]
		switch {
		case !ok:
			out.New = append(out.New, f)
		case b.Severity != f.Severity:
			out.Changed = append(out.Changed, ChangedFinding{BeforeSeverity: b.Severity, Finding: f})
		default:
			out.Unchanged++
		}
	}
	for i, f := range before {
		if !is[fps[i]] {
			out.Removed = append(out.Removed, f)
		}
	}
	sortFindings(out.New)
	sortFindings(out.Removed)
	sort.SliceStable(out.Changed, func(i, j int) bool { return findingLess(out.Changed[i].Finding, out.Changed[j].Finding) })
	return out
}

func sortFindings(fs []report.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(fs[i], fs[j]) })
}

func findingLess(a, b report.Finding) bool {
	if sa, sb := rank(a.Severity), rank(b.Severity); sa != sb {
		return sa > sb
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.Account != b.Account {
		return a.Account < b.Account
	}
	if a.Region != b.Region {
		return a.Region < b.Region
	}
	return mainResource(a) < mainResource(b)
}

func mainResource(f report.Finding) string {
	if len(f.Resources) == 0 {
		return ""
	}
	return f.Resources[0]
}

// rank orders severities; 0 for a name check does not know.
func rank(s string) int {
	v, err := check.ParseSeverity(s)
	if err != nil {
		return 0
	}
	return int(v)
}
