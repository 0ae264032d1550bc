package plan

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// stagedPlans are the plans the stage and script tests run on: the
// hand-made fixture, and Design's own plans of the bundled example, with
// its flow logs and without, so that the runbook is proved complete for
// every decision Design really makes.
func stagedPlans(t *testing.T) map[string]*Plan {
	t.Helper()
	fixture, _ := fixtureStaged(t)
	out := map[string]*Plan{"fixture": fixture}
	for name, edges := range map[string]bool{"designed with flow logs": true, "designed without flow logs": false} {
		p, inv := designedExample(t, edges)
		p.Stages = BuildStages(p, inv)
		out[name] = p
	}
	return out
}

// designedExample is Design's plan of the bundled example, with or
// without its flow logs.
func designedExample(t testing.TB, withFlows bool) (*Plan, *model.Inventory) {
	t.Helper()
	inv := loadExample(t)
	opts := Options{NAT: NATPerAZ, ClientVPN: true}
	var p *Plan
	var err error
	if withFlows {
		p, err = Design(inv, exampleEdges(t, inv), opts)
	} else {
		p, err = Design(inv, nil, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p, inv
}
