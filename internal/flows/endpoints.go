package flows

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Endpoints maps addresses to what holds them (docs/flows.md, stage 2):
// the snapshot's interfaces (private and public IPv4, IPv6, delegated
// prefixes) and NAT gateways, by exact address; then AWS's published
// ranges and the snapshot's AWS-managed prefix lists; then internet for a
// public address and unknown for the rest. Build it with NewEndpoints;
// after that it is read-only and safe for concurrent use.
type Endpoints struct {
	exact     map[netip.Addr][]holder
	delegated []delegatedPrefix // sorted by prefix
	eniVPC    map[string]string // interface ID → VPC ID
	ranges    *IPRanges
}

// holder is one interface holding an address.
type holder struct {
	ep  Endpoint
	eni string // "" for a NAT gateway address known only from the gateway
	vpc string
}

type delegatedPrefix struct {
	prefix netip.Prefix
	holder
}

// NewEndpoints indexes inv's addresses. ranges may be nil (no AWS range is
// known); the snapshot's AWS-managed prefix lists are added to them.
// Several interfaces may hold one private address in different VPCs: the
// one in the VPC of the interface that logged the record wins (Resolve's
// iface), else the first in account, region and interface order.
func NewEndpoints(inv *model.Inventory, ranges *IPRanges) *Endpoints {
	x := &Endpoints{exact: map[netip.Addr][]holder{}, eniVPC: map[string]string{}}
	var managed []AWSRange
	if inv != nil {
		for _, r := range inv.Regions() {
			x.addRegion(r)
			managed = append(managed, managedPrefixLists(r)...)
		}
	}
	if ranges == nil {
		ranges = &IPRanges{}
	}
	x.ranges = ranges.With(managed)
	slices.SortStableFunc(x.delegated, func(a, b delegatedPrefix) int {
		if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
			return c
		}
		return b.prefix.Bits() - a.prefix.Bits()
	})
	return x
}

// Ranges are the AWS ranges in use: the given ones and the snapshot's
// AWS-managed prefix lists.
func (x *Endpoints) Ranges() *IPRanges { return x.ranges }

func (x *Endpoints) addRegion(r *model.Region) {
	enis := slices.Clone(r.ENIs)
	slices.SortStableFunc(enis, func(a, b *model.ENI) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range enis {
		h := holder{ep: eniEndpoint(r, e), eni: e.ID, vpc: e.VPCID}
		if _, dup := x.eniVPC[e.ID]; !dup {
			x.eniVPC[e.ID] = e.VPCID
		}
		for _, a := range e.Addresses {
			x.add(a.Private, h)
			x.add(a.Public, h)
		}
		for _, a := range e.IPv6 {
			x.add(a, h)
		}
		for _, p := range e.Prefixes {
			x.delegated = append(x.delegated, delegatedPrefix{prefix: p.Masked(), holder: h})
		}
	}
	// A NAT gateway's addresses, when its interface is not in the data.
	for _, n := range r.NATGateways {
		ep := Endpoint{Kind: KindResource, ID: n.ID, ResourceType: string(model.KindNATGateway), Account: r.Account, Region: r.Name}
		if res := r.Resource(model.KindNATGateway, n.ID); res != nil {
			ep = resourceEndpoint(r, res)
		}
		for _, a := range slices.Concat(n.PrivateIPs, n.PublicIPs) {
			if len(x.exact[a]) == 0 {
				x.add(a, holder{ep: ep, vpc: n.VPCID})
			}
		}
	}
}

func (x *Endpoints) add(a netip.Addr, h holder) {
	if !a.IsValid() {
		return
	}
	a = a.Unmap()
	for _, o := range x.exact[a] {
		if o.eni == h.eni && o.ep == h.ep {
			return
		}
	}
	x.exact[a] = append(x.exact[a], h)
}

// eniEndpoint is the resource that owns e, or e itself when its owner is
// unknown or ambiguous.
func eniEndpoint(r *model.Region, e *model.ENI) Endpoint {
	if res := e.Owner.Resource; res != nil {
		return resourceEndpoint(r, res)
	}
	ep := Endpoint{Kind: KindResource, ID: e.ID, ResourceType: "network-interface", Account: r.Account, Region: r.Name}
	switch {
	case e.Tags.Name() != "":
		ep.Name = e.Tags.Name()
	case e.Owner.ID != "" && e.Owner.ID != e.Description:
		ep.Name = string(e.Owner.Kind) + " " + e.Owner.ID // e.g. "nat-gateway nat-0abc" not collected
	case e.Description != "":
		ep.Name = e.Description
	}
	return ep
}

func resourceEndpoint(r *model.Region, res *model.Resource) Endpoint {
	ep := Endpoint{Kind: KindResource, ID: res.ID, ResourceType: string(res.Kind), Account: r.Account, Region: r.Name}
	if res.Name != res.ID {
		ep.Name = res.Name
	}
	if res.Role != nil {
		ep.Role = res.Role.ID
	}
	return ep
}

// managedPrefixLists turns the region's AWS-managed prefix lists
// ("com.amazonaws.ap-northeast-1.s3") into ranges of their service.
func managedPrefixLists(r *model.Region) []AWSRange {
	var out []AWSRange
	for _, pl := range r.PrefixLists {
		rest, ok := strings.CutPrefix(pl.Name, "com.amazonaws.")
		if !pl.AWSManaged() || !pl.EntriesKnown || !ok {
			continue
		}
		parts := strings.Split(rest, ".")
		if len(parts) < 2 {
			continue
		}
		region := parts[0]
		if region == "global" {
			region = "GLOBAL"
		}
		for _, p := range pl.Entries {
			out = append(out, AWSRange{Prefix: p.Masked(), Service: strings.ToUpper(parts[1]), Region: region})
		}
	}
	return out
}

// lookup returns the holder of a, preferring one in the VPC of the
// interface iface.
func (x *Endpoints) lookup(a netip.Addr, iface string) (holder, bool) {
	a = a.Unmap()
	hs := x.exact[a]
	if len(hs) == 0 {
		for i := len(x.delegated) - 1; i >= 0; i-- {
			if d := &x.delegated[i]; d.prefix.Contains(a) {
				hs = append(hs, d.holder)
			}
		}
		if len(hs) == 0 {
			return holder{}, false
		}
	}
	if len(hs) > 1 {
		if vpc := x.eniVPC[iface]; vpc != "" {
			for _, h := range hs {
				if h.vpc == vpc {
					return h, true
				}
			}
		}
	}
	return hs[0], true
}

// Resolve names the endpoint of addr, as seen in a record logged by the
// interface iface (which decides between interfaces holding one private
// address in different VPCs).
func (x *Endpoints) Resolve(addr netip.Addr, iface string) Endpoint {
	if !addr.IsValid() {
		return Endpoint{Kind: KindUnknown, ID: "-"}
	}
	addr = addr.Unmap()
	if h, ok := x.lookup(addr, iface); ok {
		return h.ep
	}
	if service, region, ok := x.ranges.Lookup(addr); ok {
		return Endpoint{Kind: KindAWSService, ID: service, Region: region}
	}
	if IsPublic(addr) {
		return Endpoint{Kind: KindInternet, ID: addr.String()}
	}
	return Endpoint{Kind: KindUnknown, ID: addr.String()}
}

// InterfaceOf returns the ID of the snapshot's interface holding addr, ""
// when none does (docs/flows.md, stage 2: which interface's records count).
func (x *Endpoints) InterfaceOf(addr netip.Addr, iface string) string {
	h, _ := x.lookup(addr, iface)
	return h.eni
}

// nonPublic are the IPv4 blocks that are global unicast for netip but not
// reachable on the internet (RFC 6890): shared address space (carrier-grade
// NAT), "this network", IETF protocol assignments, benchmarking, and the
// reserved 240/4.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// IsPublic reports whether addr is an internet address: global unicast,
// not private (RFC 1918, IPv6 unique local) and not one of the reserved
// blocks of RFC 6890. The documentation blocks (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as public: AWS's own
// flow-log examples use them for internet hosts.
func IsPublic(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		return false
	}
	if addr.Is4() {
		for _, p := range nonPublic {
			if p.Contains(addr) {
				return false
			}
		}
	}
	return true
}
