package htmlreport

import (
	"fmt"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// planView is the plan section: its stages and its proof.
type planView struct {
	Stages   []stageView
	Proof    *proofView // nil when the plan carries no proof
	Cost     string     // the monthly estimate in a sentence, "" without items
	Warnings []string
}

// stageView is one row of the stages table.
type stageView struct {
	Number    int
	Name      string
	Kind      string // additive, subtractive, cutover: the CSS class
	KindLabel string
	Risk      string // low, medium, high: the CSS class
	RiskLabel string
	RiskNote  string
	Steps     int
	Checks    []checkView
}

// checkView is one check to run before the next stage.
type checkView struct {
	What    string
	Command string // "aws ...", "" when it is not an AWS CLI call
	Expect  string
}

// proofView is what the reachability engine said about the target.
type proofView struct {
	Passed     bool
	Kept       int
	Broken     []flowView
	Dropped    []flowView
	Exposures  []targetExposure
	Unexpected []targetExposure
	Findings   []severityCount // the target scan's findings
	High       []string
}

// flowView is one needed or observed flow and what the engine said.
type flowView struct {
	From, To string
	Traffic  string
	Reason   string
	Evidence string
}

// targetExposure is one internet exposure of the target.
type targetExposure struct {
	Resource string
	Traffic  string
	Sources  string
	Via      string
}

func planViewOf(l i18n.Lang, p *plan.Plan) *planView {
	pv := &planView{Warnings: p.Warnings}
	if len(p.WarningMsgs) == len(p.Warnings) {
		pv.Warnings = make([]string, len(p.Warnings))
		for i, m := range p.WarningMsgs {
			pv.Warnings[i] = msgOr(l, m, p.Warnings[i])
		}
	}
	for _, s := range p.Stages {
		sv := stageView{
			Number: s.Number, Name: planText(l, fmt.Sprintf("report.stage.%d", s.Number), s.Name), Kind: s.Kind, KindLabel: labelOr(l, "report.stage.kind."+s.Kind, s.Kind),
			Risk: s.Risk, RiskLabel: labelOr(l, "report.risk."+s.Risk, s.Risk), RiskNote: planText(l, fmt.Sprintf("report.stage.%d.note", s.Number), s.RiskNote), Steps: len(s.Steps),
		}
		for _, c := range s.Checks {
			cv := checkView{What: msgOr(l, c.WhatMsg, c.What), Expect: msgOr(l, c.ExpectMsg, c.Expect)}
			if len(c.Args) > 0 {
				cv.Command = "aws " + strings.Join(c.Args, " ")
			}
			sv.Checks = append(sv.Checks, cv)
		}
		pv.Stages = append(pv.Stages, sv)
	}
	if len(p.Cost.Items) > 0 {
		pv.Cost = l.T("report.plan.cost", fmt.Sprintf("%.2f", p.Cost.Monthly), p.Cost.Currency, p.Cost.PricesDate)
	}
	if p.Proof != nil {
		pv.Proof = proofViewOf(l, p.Proof)
	}
	return pv
}

func proofViewOf(l i18n.Lang, pr *plan.Proof) *proofView {
	v := &proofView{Passed: pr.Passed, Kept: pr.Kept, High: pr.High}
	for _, f := range pr.Broken {
		v.Broken = append(v.Broken, flowViewOf(l, f))
	}
	for _, f := range pr.Dropped {
		v.Dropped = append(v.Dropped, flowViewOf(l, f))
	}
	for _, x := range pr.Exposures {
		v.Exposures = append(v.Exposures, targetExposureOf(l, x))
	}
	for _, x := range pr.Unexpected {
		v.Unexpected = append(v.Unexpected, targetExposureOf(l, x))
	}
	for _, s := range severities {
		v.Findings = append(v.Findings, severityCount{Name: s, Label: severityLabel(l, s), Count: pr.Findings[s]})
	}
	return v
}

func flowViewOf(l i18n.Lang, f plan.FlowCheck) flowView {
	t := f.Flow.Protocol
	if f.Flow.Port != 0 {
		t = fmt.Sprintf("%s/%d", f.Flow.Protocol, f.Flow.Port)
	}
	return flowView{From: endpointLabel(l, f.Flow.Src), To: endpointLabel(l, f.Flow.Dst), Traffic: t, Reason: msgOr(l, f.ReasonMsg, f.Reason), Evidence: msgOr(l, f.Flow.EvidenceMsg, f.Flow.Evidence)}
}

// wholeInternet is what plan.json says for an exposure to every internet
// address (plan.Exposure.Sources).
const wholeInternet = "the whole internet"

func targetExposureOf(l i18n.Lang, x plan.Exposure) targetExposure {
	t := targetExposure{Resource: x.Resource, Traffic: x.Protocol + "/" + x.Ports, Sources: x.Sources, Via: l.T("report.via.direct")}
	if x.Sources == wholeInternet {
		t.Sources = l.T("report.sources.internet")
	}
	if x.Protocol == "all" || x.Protocol == "-1" {
		t.Traffic = l.T("report.traffic.all")
	}
	if x.Via != "" {
		t.Via = l.T("report.via.load-balancer", x.Via)
	}
	return t
}

// endpointLabel names one side of a flow: the resource and its name, the
// AWS service, or the address.
func endpointLabel(l i18n.Lang, e flows.Endpoint) string {
	switch e.Kind {
	case flows.KindAWSService:
		return l.T("report.endpoint.aws-service", e.ID)
	case flows.KindInternet:
		return l.T("report.endpoint.internet", e.ID)
	}
	return e.Label()
}

// msgOr is one of the plan's run-time texts in l: its message, or its
// English text when the plan carries no message for it (a plan.json
// written before messages, or a text with none). A message whose key the
// catalogue lacks (a newer plan) is shown in English too.
func msgOr(l i18n.Lang, m i18n.Message, english string) string {
	if m.IsZero() || !m.Known() {
		return english
	}
	return l.Render(m)
}

// labelOr is key's text in l, or fallback when the catalogue lacks it (a
// value a newer plan brings).
func labelOr(l i18n.Lang, key, fallback string) string {
	if !i18n.Has(key) {
		return fallback
	}
	return l.T(key)
}

// planText is one of the plan's fixed English sentences (a stage's name,
// its risk note) in l: the catalogue's key when its English is exactly
// the plan's text, else the plan's text as it is (a plan whose wording
// changed is shown in English rather than mistranslated).
func planText(l i18n.Lang, key, english string) string {
	if !i18n.Has(key) || i18n.English.T(key) != english {
		return english
	}
	return l.T(key)
}
