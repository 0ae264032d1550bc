// Package plantest runs the planner's pipeline as the plan command does,
// for the tests of the packages that show a plan (the network document,
// the HTML report). Only tests import it; the plan package's own tests
// cannot (an import cycle) and keep their helpers.
package plantest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// Edges reads the flow logs under logs as scan --flows does, into the
// edges between the endpoints of inv.
func Edges(t testing.TB, inv *model.Inventory, logs string) []flows.Edge {
	t.Helper()
	sources, err := flowlog.Files(logs)
	if err != nil {
		t.Fatal(err)
	}
	obs, _, err := flows.ReadObservations(context.Background(), sources, flowlog.Options{}, flows.ListeningPortsOf(inv))
	if err != nil {
		t.Fatal(err)
	}
	return flows.Edges(obs, flows.NewEndpoints(inv, flows.EmbeddedIPRanges()))
}

// Proved plans inv from edges with opt (Design), writes the target
// (WriteTarget), reads it back with the snapshot loader and proves the
// plan (Prove). It returns the plan and the target.
func Proved(t testing.TB, inv *model.Inventory, edges []flows.Edge, opt plan.Options) (*plan.Plan, *model.Inventory) {
	t.Helper()
	p, err := plan.Design(inv, edges, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "target")
	if err := plan.WriteTarget(p, inv, dir); err != nil {
		t.Fatal(err)
	}
	target, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p.Proof = plan.Prove(p, target, edges)
	return p, target
}
