package render

import (
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// Localize returns rep with what the checks wrote in l: each finding's
// message (Finding.MessageIn), title and remediation (the
// catalogue's check.<rule>.title and .remediation, as CheckText), the
// evidence lines that are sentences (Finding.EvidenceIn), and the rules'
// texts (RulesIn). The rest of the report (IDs, rule and route notation,
// coverage, warnings) stays as it is. In English, or with l empty, rep itself comes
// back; otherwise rep is not changed.
func Localize(rep *report.Report, l i18n.Lang) *report.Report {
	if l == i18n.English || l == "" || rep == nil {
		return rep
	}
	out := *rep
	out.Findings = make([]report.Finding, len(rep.Findings))
	for i, f := range rep.Findings {
		out.Findings[i] = LocalizeFinding(f, l)
	}
	out.Rules = RulesIn(rep.Rules, l)
	return &out
}

// LocalizeFinding is f with what its check wrote in l, as Localize puts
// each finding of a report.
func LocalizeFinding(f report.Finding, l i18n.Lang) report.Finding {
	f.Message = f.MessageIn(l)
	f.Evidence = f.EvidenceIn(l)
	f.Title = CheckText(l, f.Rule, "title", f.Title)
	f.Remediation = CheckText(l, f.Rule, "remediation", f.Remediation)
	return f
}
