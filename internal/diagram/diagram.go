// Package diagram draws a snapshot's network as one self-contained SVG
// (issue 7): VPC → Availability Zone → subnets coloured by tier, the
// internet gateway, NAT gateways, VPC endpoints, load balancers and the
// resources grouped by role inside their subnets, arrows for the flows
// between roles and, in a warning colour, the internet exposures. Large
// accounts are collapsed (roles per subnet, subnets per tier and AZ) and a
// note says what was. docs/diagrams.md describes what is drawn and why.
//
// The layout is Graphviz's dot, compiled to WebAssembly and run in-process
// (github.com/goccy/go-graphviz): users install nothing.
package diagram

import (
	"fmt"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Subnet tiers (Options.Tiers and the colours of the diagram).
const (
	TierPublic   = "public"
	TierPrivate  = "private"
	TierIsolated = "isolated"
)

// Options say what to draw besides the inventory.
type Options struct {
	// Lang is the language of every label; "" is English.
	Lang i18n.Lang
	// Title is the diagram's heading; "" draws the accounts' labels.
	Title string
	// Flows are allowed or observed flows to draw as arrows between roles:
	// ACCEPT edges whose both ends are resources with a role (the plan
	// passes its needed flows). Other edges are left out.
	Flows []flows.Edge
	// Tiers maps a subnet ID to its tier (TierPublic, TierPrivate,
	// TierIsolated) when known, as for a plan's new subnets. Subnets it
	// does not name are decided from their routes (TierOf).
	Tiers map[string]string
	// Limits are how much is drawn before collapsing; the zero value is
	// DefaultLimits.
	Limits Limits
}

// Limits bound the drawing so that a large account stays legible. A zero
// field is no limit.
type Limits struct {
	// RolesPerSubnet is the most role boxes drawn in one subnet; the rest
	// become one "+K more roles" box.
	RolesPerSubnet int
	// SubnetsPerTier is the most subnets of one tier drawn in one AZ of
	// one VPC; the rest become one "+K more subnets" box.
	SubnetsPerTier int
	// Boxes is the most role boxes in the whole diagram: past it,
	// RolesPerSubnet is lowered until they fit (to one per subnet).
	Boxes int
	// Arrows is the most flow arrows drawn; the flows with the most
	// connections are kept (exposures are always drawn).
	Arrows int
}

// DefaultLimits keep a diagram of 500 resources legible.
var DefaultLimits = Limits{RolesPerSubnet: 8, SubnetsPerTier: 3, Boxes: 400, Arrows: 150}

// SVG draws inv as an SVG document. The same inventory and options give
// the same bytes.
func SVG(inv *model.Inventory, opts Options) ([]byte, error) {
	if inv == nil {
		return nil, fmt.Errorf("diagram: no inventory")
	}
	if opts.Lang == "" {
		opts.Lang = i18n.English
	}
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	for id, t := range opts.Tiers {
		if t != TierPublic && t != TierPrivate && t != TierIsolated {
			return nil, fmt.Errorf("diagram: subnet %s: tier %q: want %s, %s or %s", id, t, TierPublic, TierPrivate, TierIsolated)
		}
	}
	sc := buildScene(inv, opts)
	dot := writeDOT(sc, opts.Lang)
	return render(dot)
}
