package flows

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// MaxPairs is how many (source interface, destination interface) pairs
// Verify checks per edge; the rest are left out, and the reason says so.
const MaxPairs = 64

// Verified is the verdict of one edge against a configuration.
type Verified struct {
	Edge Edge
	// Checked is false when the engine cannot answer (see Reason).
	Checked bool
	// Allowed: the configuration lets this flow's connections through, for
	// every interface pair of the two endpoints that can talk at all (same
	// VPC or peered).
	Allowed bool
	// Reason is one sentence: the first hop that drops the flow (kind, ID,
	// detail), or why it was not checked. When allowed it is empty, unless
	// only the first MaxPairs pairs were checked.
	Reason string
	// BlockedBy is the hop that drops the flow, when checked and not allowed.
	BlockedBy *reach.Hop
	// Path is, when allowed, the hops passed for one representative
	// interface pair (the first in interface-ID order).
	Path []reach.Hop
	// Notes are the engine's caveats on the pairs checked (an unverified
	// transit-gateway route, ...), sorted, without repeats.
	Notes []string
}

// Verify decides, for each edge, whether inv's configuration lets its
// connections through (AWS-SEMANTICS.md §5 from the internet, §7 between
// interfaces), with the reachability engine's reach.Between. The result is
// in the order of edges. REJECT edges are verified like the others: Allowed
// then says the configuration would let them through.
//
// Endpoints are found in inv by ID (the resource ID flows names them by,
// or an interface ID), within their Account and Region when set. A source
// on the internet is one address when its ID is an address. Destinations
// on the internet or at AWS services, sources at AWS services, unknown
// addresses, and IDs not in inv are not checked. A resource with several
// interfaces is allowed only if every comparable pair (the two interfaces
// in one region's data, in the same VPC or in VPCs with an active peering)
// is; with no comparable pair the edge is not checked.
func Verify(inv *model.Inventory, edges []Edge) []Verified {
	v := NewVerifier(inv)
	out := make([]Verified, len(edges))
	for i, e := range edges {
		out[i] = v.Verify(e)
	}
	return out
}

// Verifier checks edges against one configuration. It indexes resources,
// interfaces and peerings once, and remembers the engine's verdict for
// each interface pair, protocol and port, so that thousands of edges cost
// little more than their distinct questions. It is not safe for
// concurrent use.
type Verifier struct {
	byID    map[string][]target
	byName  map[string][]target // resources by Name tag, when it differs from the ID
	peered  map[*model.Region]map[[2]string]bool
	answers map[question]reach.Verdict
	asker   *reach.Asker
}

// target is one thing an ID names: a resource or an interface, with its
// interfaces sorted by ID.
type target struct {
	reg  *model.Region
	id   string
	kind string // the resource type, or "network-interface"
	noun string
	enis []*model.ENI
	// assumed: the interfaces are stand-ins (reach.AssumedInterfaces),
	// not the data's.
	assumed bool
}

// question is one call of reach.Between.
type question struct {
	src, dst *model.ENI // src nil: from the internet
	addr     netip.Addr // the internet source address, invalid for any
	proto    model.Protocol
	port     uint16
}

// NewVerifier indexes inv.
func NewVerifier(inv *model.Inventory) *Verifier {
	v := &Verifier{byID: map[string][]target{}, byName: map[string][]target{}, peered: map[*model.Region]map[[2]string]bool{}, answers: map[question]reach.Verdict{}, asker: reach.NewAsker()}
	if inv == nil {
		return v
	}
	for _, reg := range inv.Regions() {
		for _, res := range reg.Resources {
			enis := slices.Clone(res.ENIs)
			slices.SortStableFunc(enis, func(a, b *model.ENI) int { return strings.Compare(a.ID, b.ID) })
			t := target{reg: reg, id: res.ID, kind: string(res.Kind), noun: res.Kind.Noun(), enis: enis}
			if len(enis) == 0 {
				t.enis = reach.AssumedInterfaces(reg, res)
				t.assumed = len(t.enis) > 0
			}
			v.byID[res.ID] = append(v.byID[res.ID], t)
			if res.Name != "" && res.Name != res.ID {
				v.byName[res.Name] = append(v.byName[res.Name], t)
			}
		}
		for _, e := range reg.ENIs {
			v.byID[e.ID] = append(v.byID[e.ID], target{reg: reg, id: e.ID, kind: "network-interface", noun: "network interface", enis: []*model.ENI{e}})
		}
		p := map[[2]string]bool{}
		for _, pc := range reg.PeeringConnections {
			if pc.Status == "active" {
				p[[2]string{pc.RequesterVPC, pc.AccepterVPC}] = true
				p[[2]string{pc.AccepterVPC, pc.RequesterVPC}] = true
			}
		}
		v.peered[reg] = p
	}
	return v
}

// Interfaces returns the interfaces an edge's endpoint stands for in the
// configuration (sorted by ID), with their region; nil when the endpoint
// is not a resource or interface of it.
func (v *Verifier) Interfaces(ep Endpoint) ([]*model.ENI, *model.Region) {
	t, ok := v.find(ep)
	if !ok {
		return nil, nil
	}
	return t.enis, t.reg
}

// find is the first target of ep's ID (in inventory order) within its
// account, region and resource type when they are set. When no resource
// or interface has the ID, a resource of the same type with the same Name
// stands for it, if it is the only one (an instance replaced by a new one
// of the same name, in a rebuilt configuration).
func (v *Verifier) find(ep Endpoint) (target, bool) {
	if ep.Kind != KindResource {
		return target{}, false
	}
	if ts := v.matching(v.byID[ep.ID], ep); len(ts) > 0 {
		return ts[0], true
	}
	if ep.Name == "" || ep.ResourceType == "" {
		return target{}, false
	}
	if ts := v.matching(v.byName[ep.Name], ep); len(ts) == 1 {
		return ts[0], true
	}
	return target{}, false
}

// matching are the targets within ep's account, region and resource type
// when they are set.
func (v *Verifier) matching(ts []target, ep Endpoint) []target {
	var out []target
	for _, t := range ts {
		if ep.Account != "" && t.reg.Account != ep.Account ||
			ep.Region != "" && t.reg.Name != ep.Region ||
			ep.ResourceType != "" && t.kind != ep.ResourceType {
			continue
		}
		out = append(out, t)
	}
	return out
}

// assumedNote says when t's interfaces are stand-ins.
func assumedNote(t target) []string {
	if !t.assumed {
		return nil
	}
	return []string{"the network interfaces of " + t.noun + " " + t.id + " are not in the data: one is assumed in each of its subnets, with its security groups"}
}

// renamed is a note when t stands for ep under another ID (find).
func renamed(ep Endpoint, t target) []string {
	if t.id == ep.ID {
		return nil
	}
	return []string{ep.ID + " is not in this configuration: checked as " + t.id + ", the only " + t.noun + " named " + ep.Name}
}

// Verify decides one edge (see the package function Verify).
func (v *Verifier) Verify(e Edge) Verified {
	out := Verified{Edge: e}
	proto, port, why := packetOf(e)
	if why != "" {
		out.Reason = why
		return out
	}
	dst, why := v.destination(e.Dst)
	if why != "" {
		out.Reason = why
		return out
	}
	pairs, notes, why := v.pairsOf(e, dst)
	if why != "" {
		out.Reason = why
		return out
	}
	out.Checked = true
	total := len(pairs)
	if total > MaxPairs {
		pairs = pairs[:MaxPairs]
	}
	for i, p := range pairs {
		ans, err := v.between(p, dst.reg, proto, port)
		if err != nil {
			return Verified{Edge: e, Reason: err.Error()}
		}
		notes = append(notes, ans.Notes...)
		if !ans.Reachable {
			h := hopOf(ans)
			out.BlockedBy = &h
			out.Reason = h.Kind + " " + h.ID + ": " + h.Detail
			if total > 1 {
				out.Reason += " (" + p.label() + ")"
			}
			out.Notes = sortedNotes(notes)
			return out
		}
		if i == 0 {
			out.Path = ans.Path
		}
	}
	out.Allowed = true
	out.Notes = sortedNotes(notes)
	if total > MaxPairs {
		out.Reason = fmt.Sprintf("checked the first %d of %d interface pairs, in interface-ID order", MaxPairs, total)
	}
	return out
}

// pairsOf are the interface pairs of an edge to dst that can talk at all
// (in interface-ID order), with notes on endpoints found by Name, or why
// there are none to ask about.
func (v *Verifier) pairsOf(e Edge, dst target) ([]pair, []string, string) {
	notes := append(renamed(e.Dst, dst), assumedNote(dst)...)
	var pairs []pair
	var srcENIs []*model.ENI
	switch e.Src.Kind {
	case KindInternet:
		addr, _ := netip.ParseAddr(e.Src.ID)
		for _, d := range dst.enis {
			pairs = append(pairs, pair{dst: d, addr: addr})
		}
	case KindResource:
		src, ok := v.find(e.Src)
		if !ok {
			return nil, nil, "the source " + e.Src.ID + " is not a resource or network interface of this configuration"
		}
		if len(src.enis) == 0 {
			return nil, nil, "the source " + src.noun + " " + e.Src.ID + " has no network interface in this configuration"
		}
		if src.reg != dst.reg {
			return nil, nil, "the source and destination are in different accounts or regions of the data; only peerings within one region are followed"
		}
		srcENIs = src.enis
		notes = append(notes, renamed(e.Src, src)...)
		notes = append(notes, assumedNote(src)...)
		for _, s := range src.enis {
			for _, d := range dst.enis {
				if s.VPCID == d.VPCID || v.peered[dst.reg][[2]string{s.VPCID, d.VPCID}] {
					pairs = append(pairs, pair{src: s, dst: d})
				}
			}
		}
	case KindAWSService:
		return nil, nil, "the source is AWS service " + e.Src.ID + ", whose addresses the edge does not keep"
	default:
		return nil, nil, "the source " + e.Src.ID + " is an address no interface of the snapshot holds"
	}
	if len(pairs) == 0 {
		return nil, nil, fmt.Sprintf("no interface of %s (%d) is in the same VPC as, or a VPC peered with, an interface of %s (%d)", e.Src.ID, len(srcENIs), e.Dst.ID, len(dst.enis))
	}
	return pairs, notes, ""
}

// pair is one (source interface, destination interface) question; src is
// nil for the internet.
type pair struct {
	src, dst *model.ENI
	addr     netip.Addr
}

func (p pair) label() string {
	if p.src == nil {
		return "to " + p.dst.ID
	}
	return "from " + p.src.ID + " to " + p.dst.ID
}

// hopOf is the hop that dropped a verdict's packet.
func hopOf(ans reach.Verdict) reach.Hop {
	if ans.BlockedBy != nil {
		return *ans.BlockedBy
	}
	return reach.Hop{Kind: "unknown", Detail: "the engine gave no reason"}
}

// packetOf is the edge's protocol and port as the engine takes them, or
// why it cannot be asked.
func packetOf(e Edge) (model.Protocol, uint16, string) {
	var proto model.Protocol
	switch e.Protocol {
	case "-", "":
		return 0, 0, "the flow logs did not record the protocol"
	case "sctp":
		proto = 132
	default:
		p, err := model.ParseProtocol(e.Protocol)
		if err != nil || p == model.ProtocolAll {
			return 0, 0, fmt.Sprintf("protocol %q is not one the engine can ask about", e.Protocol)
		}
		proto = p
	}
	if proto.HasPorts() && (e.Port < 0 || e.Port > 65535) {
		return 0, 0, fmt.Sprintf("port %d is not a port", e.Port)
	}
	return proto, uint16(max(e.Port, 0)), ""
}

// destination is the target of an edge's destination, or why it cannot be
// asked about.
func (v *Verifier) destination(ep Endpoint) (target, string) {
	switch ep.Kind {
	case KindInternet:
		return target{}, "connections to the internet (outbound) are not answered by the reachability engine yet"
	case KindAWSService:
		return target{}, "connections to AWS service " + ep.ID + " are not answered by the reachability engine yet"
	case KindResource:
		t, ok := v.find(ep)
		switch {
		case !ok:
			return target{}, "the destination " + ep.ID + " is not a resource or network interface of this configuration"
		case len(t.enis) == 0:
			return target{}, "the destination " + t.noun + " " + ep.ID + " has no network interface in this configuration"
		}
		return t, ""
	}
	return target{}, "the destination " + ep.ID + " is an address no interface of the snapshot holds"
}

// between asks the engine once per question. From the internet it first
// asks about any source address: when no internet address gets through,
// this one does not either (its packets are a subset), and the answer is
// shared by every address.
func (v *Verifier) between(p pair, reg *model.Region, proto model.Protocol, port uint16) (reach.Verdict, error) {
	if p.src == nil {
		anyAddr, err := v.ask(question{dst: p.dst, proto: proto, port: port}, reg)
		if err != nil || !anyAddr.Reachable || !p.addr.IsValid() {
			return anyAddr, err
		}
	}
	return v.ask(question{src: p.src, dst: p.dst, addr: p.addr, proto: proto, port: port}, reg)
}

// ask is one question of the engine, answered once. The engine errs only
// on questions it does not answer (to the internet), which Verify never
// asks; such an edge would be left unchecked.
func (v *Verifier) ask(q question, reg *model.Region) (reach.Verdict, error) {
	if ans, ok := v.answers[q]; ok {
		return ans, nil
	}
	from := reach.Endpoint{Internet: true, Addr: q.addr}
	if q.src != nil {
		from = reach.Endpoint{ENI: q.src, Region: reg}
	}
	ans, err := v.asker.Between(from, reach.Endpoint{ENI: q.dst, Region: reg}, q.proto, q.port)
	if err != nil {
		return reach.Verdict{}, err
	}
	v.answers[q] = ans
	return ans, nil
}

func sortedNotes(notes []string) []string {
	if len(notes) == 0 {
		return nil
	}
	slices.Sort(notes)
	return slices.Compact(notes)
}
