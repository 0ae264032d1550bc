// Package netdoc writes the network-rule document (issue 7): NETWORK-RULES.md,
// the network's rules in words and tables a team can hand over. It
// describes the subnet tiers and what may live in each, the CIDR plan, one
// table per security group (who may reach it on which port and why, what
// it may reach), the rules of the house and whether the network follows
// them, and how to ask for a new service.
//
// For an existing network (`vpcdoctor docs`) the reasons are the rules'
// own descriptions; for a plan (`vpcdoctor plan`) the document describes
// the target and gives the plan's reasons (each rule's basis and
// evidence). Every sentence comes from the message catalogue
// (internal/i18n, area "doc"), so English and Japanese have the same
// structure. The output is deterministic: the same input gives the same
// bytes.
package netdoc

import (
	"errors"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// Write writes the document for inv in lang. p is nil for an existing
// network; with a plan, inv is the plan's target (the snapshot
// plan.WriteTarget wrote, loaded) and the document describes the planned
// network with the plan's reasons.
func Write(w io.Writer, inv *model.Inventory, p *plan.Plan, lang i18n.Lang) error {
	if inv == nil {
		return errors.New("netdoc: no inventory")
	}
	g := &gen{inv: inv, p: p, t: lang.T, lang: lang}
	g.intro()
	g.tiers()
	g.cidrPlan()
	g.groups()
	g.house()
	g.newService()
	out := strings.TrimRight(g.d.b.String(), "\n") + "\n"
	_, err := io.WriteString(w, out)
	return err
}

// gen holds what every section needs.
type gen struct {
	inv *model.Inventory
	p   *plan.Plan
	t   func(key string, args ...any) string
	// lang is the reader's language (t is its T).
	lang i18n.Lang
	d    doc
	// byID finds a region's resources by ID (the plan names its groups'
	// members by ID), built on first use.
	byID map[*model.Region]map[string]*model.Resource
}

// planned reports whether the document describes a plan's target.
func (g *gen) planned() bool { return g.p != nil }

// regionPlan returns the plan of reg, or nil.
func (g *gen) regionPlan(reg *model.Region) *plan.RegionPlan {
	if g.p == nil {
		return nil
	}
	for _, rp := range g.p.Regions {
		if rp.Account == reg.Account && rp.Region == reg.Name {
			return rp
		}
	}
	return nil
}

// vpcPlan returns the plan of one VPC, or nil.
func (g *gen) vpcPlan(reg *model.Region, vpcID string) *plan.VPCPlan {
	rp := g.regionPlan(reg)
	if rp == nil {
		return nil
	}
	for _, v := range rp.VPCs {
		if v.VPCID == vpcID {
			return v
		}
	}
	return nil
}

// intro writes the title and what this document is.
func (g *gen) intro() {
	g.d.heading(1, g.t("doc.title"))
	var accounts []string
	for _, a := range g.inv.Accounts {
		label := code(a.Label())
		if !g.planned() && a.Name != "" && a.Name != a.Label() {
			label = g.t("doc.intro.account_folder", code(a.Label()), code(a.Name))
		}
		accounts = append(accounts, label)
	}
	list := strings.Join(accounts, g.t("doc.list.sep"))
	if list == "" {
		list = g.t("doc.intro.no_account")
	}
	if g.planned() {
		g.d.para(g.t("doc.intro.plan", list))
		g.d.para(g.t("doc.intro.plan_regenerate"))
		if pr := g.p.Proof; pr != nil {
			if pr.Passed {
				g.d.para(g.t("doc.intro.proof_passed", pr.Kept))
			} else {
				g.d.para(g.t("doc.intro.proof_failed", len(pr.Broken), len(pr.Unexpected), len(pr.High)))
			}
		}
	} else {
		g.d.para(g.t("doc.intro.existing", list))
		g.d.para(g.t("doc.intro.existing_regenerate"))
	}
	g.d.para(g.t("doc.intro.contents"))
}
