package scan

import (
	"errors"

	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/source/tfplan"
)

// loadInventory reads the scan's PATHs: snapshot folders with
// snapshot.Load, a Terraform plan (a file, tfplan.IsPlan) with tfplan.Load,
// applied on base when --base is given. Its errors are input errors.
func loadInventory(paths, base []string) (*model.Inventory, error) {
	var plans, snapshots []string
	for _, p := range paths {
		if tfplan.IsPlan(p) {
			plans = append(plans, p)
		} else {
			snapshots = append(snapshots, p)
		}
	}
	switch {
	case len(plans) > 1:
		return nil, cmdutil.BadInput(errors.New("one Terraform plan per scan: " + plans[0] + " and " + plans[1] + " are both plans"))
	case len(base) > 0 && len(plans) == 0:
		return nil, cmdutil.BadInput(errors.New("--base applies a Terraform plan on a snapshot: give the plan (terraform show -json output) as PATH"))
	}
	inv := &model.Inventory{}
	if len(snapshots) > 0 {
		s, err := snapshot.Load(snapshots...)
		if err != nil {
			return nil, cmdutil.BadInput(err)
		}
		inv = s
	}
	if len(plans) == 1 {
		p, err := tfplan.Load(plans[0], base...)
		if err != nil {
			return nil, cmdutil.BadInput(err)
		}
		inv.Accounts = append(inv.Accounts, p.Accounts...)
	}
	return inv, nil
}
