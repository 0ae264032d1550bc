package plan

import (
	"fmt"
	"io"

	"github.com/vpcdoctor/vpcdoctor/internal/diagram"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/htmlreport"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/netdoc"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// What people read of the plan (issue 7): the diagrams before and after,
// the network-rule document of the target, and the HTML report.

// writeDiagram draws inv (the account before, or the target after) with
// the plan's needed flows as arrows; after, the plan's subnets carry
// their planned tiers.
func writeDiagram(p *plan.Plan, inv *model.Inventory, after bool, lang i18n.Lang, path string) (htmlreport.Diagram, error) {
	var edges []flows.Edge
	tiers := map[string]string{}
	for _, rp := range p.Regions {
		for _, n := range rp.Needed {
			edges = append(edges, n.Edge())
		}
		if !after {
			continue
		}
		for _, v := range rp.VPCs {
			for _, s := range v.Subnets {
				tiers[s.ID] = s.Tier
			}
			for _, id := range v.PublicSubnets {
				tiers[id] = plan.TierPublic
			}
		}
	}
	title := lang.T("diagram.plan.before")
	if after {
		title = lang.T("diagram.plan.after")
	}
	svg, err := diagram.SVG(inv, diagram.Options{Lang: lang, Title: title, Flows: edges, Tiers: tiers})
	if err != nil {
		return htmlreport.Diagram{}, fmt.Errorf("drawing %s: %w", path, err)
	}
	return htmlreport.Diagram{Title: title, SVG: svg}, writeFile(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(svg)
		return err
	})
}

// writeHTML writes report.html: the scan of the account as it is, the
// diagrams before and after, and the plan with its stages and proof.
func writeHTML(p *plan.Plan, rep *report.Report, diagrams []htmlreport.Diagram, lang i18n.Lang, label, path string) error {
	in := htmlreport.Input{Lang: lang, Report: rep, Plan: p, Diagrams: diagrams, Generated: label}
	return writeFile(path, 0o644, func(w io.Writer) error { return htmlreport.Write(w, in) })
}

// writeRules writes the target's network-rule document in lang.
func writeRules(p *plan.Plan, target *model.Inventory, lang i18n.Lang, path string) error {
	return writeFile(path, 0o644, func(w io.Writer) error { return netdoc.Write(w, target, p, lang) })
}
