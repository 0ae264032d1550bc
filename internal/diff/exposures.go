package diff

import (
	"net/netip"
	"sort"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/reach/packet"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// target is what an exposure reaches and how: the same key on both sides
// is the same door, whose traffic is compared as packet sets.
type target struct {
	account, region, eni, resource, lb string
	via                                reach.Via
}

// opened is one side's exposures of one target.
type opened struct {
	reg *model.Region
	xs  []reach.Exposure
	set packet.Set // the union of xs
}

func exposuresBy(s *Side) (map[target]*opened, []target) {
	m := map[target]*opened{}
	var order []target
	for _, reg := range s.Inventory.Regions() {
		for _, x := range s.exposures[reg] {
			k := target{account: reg.Account, region: reg.Name, via: x.Via}
			if x.ENI != nil {
				k.eni = x.ENI.ID
			}
			if x.Resource != nil {
				k.resource = x.Resource.ID
			}
			if x.LoadBalancer != nil {
				k.lb = x.LoadBalancer.ID
			}
			o := m[k]
			if o == nil {
				o = &opened{reg: reg}
				m[k] = o
				order = append(order, k)
			}
			o.xs = append(o.xs, x)
			o.set = o.set.Union(setOfExposure(x))
		}
	}
	return m, order
}

// setOfExposure is the packets an exposure admits, keyed on the source.
func setOfExposure(x reach.Exposure) packet.Set {
	var b netipx.IPSetBuilder
	for _, p := range x.Sources {
		b.AddPrefix(p)
	}
	srcs, _ := b.IPSet()
	s := packet.New(x.Protocol, x.Ports, srcs)
	for _, p := range x.Except {
		s = s.Subtract(packet.New(p, model.AllPorts, everything))
	}
	return s
}

var everything = func() *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix("0.0.0.0/0"))
	b.AddPrefix(netip.MustParsePrefix("::/0"))
	s, _ := b.IPSet()
	return s
}()

// compareExposures lists the traffic the internet can send on one side
// and not on the other, per interface, way (direct or through which load
// balancer) and owner. Each change keeps the path of the exposure it
// belongs to on its side, so a new exposure names the rules that open it.
func compareExposures(before, after *Side) []ExposureChange {
	was, wasOrder := exposuresBy(before)
	is, isOrder := exposuresBy(after)
	var out []ExposureChange
	for _, k := range isOrder {
		out = append(out, changes(New, is[k], was[k], after.Report)...)
	}
	for _, k := range wasOrder {
		out = append(out, changes(Removed, was[k], is[k], nil)...)
	}
	sortExposureChanges(out)
	if out == nil {
		out = []ExposureChange{}
	}
	return out
}

// changes lists what side has beyond other (nil: nothing), one change per
// piece of each exposure of side. rep, when given, is the report whose
// suppressions of internet-exposed apply.
func changes(kind string, side, other *opened, rep *report.Report) []ExposureChange {
	var already packet.Set
	if other != nil {
		already = other.set
	}
	var out []ExposureChange
	for _, x := range side.xs {
		rest := setOfExposure(x).Subtract(already)
		if rest.IsEmpty() {
			continue
		}
		already = already.Union(rest)
		var whole *netipx.IPSet
		if x.WholeInternet {
			var b netipx.IPSetBuilder
			for _, p := range x.Sources {
				b.AddPrefix(p)
			}
			whole, _ = b.IPSet()
		}
		for _, e := range rest.Entries() {
			piece := x
			piece.Protocol, piece.Except, piece.Ports = e.Protocol, e.Except, e.Ports
			piece.Sources = e.Addrs.Prefixes()
			piece.WholeInternet = whole != nil && e.Addrs.Equal(whole)
			c := ExposureChange{Change: kind, Severity: check.ExposureSeverity(piece).String(), Exposure: report.ExposureOf(side.reg, piece)}
			if rep != nil {
				c.Suppressed = suppressed(rep, c.Exposure)
			}
			out = append(out, c)
		}
	}
	return out
}

// suppressed reports whether rep's internet-exposed finding of the
// exposure's resource (or interface) is suppressed.
func suppressed(rep *report.Report, x report.Exposure) bool {
	unit := x.Resource
	if unit == "" {
		unit = x.ENI
	}
	for _, f := range rep.Findings {
		if f.Rule == check.InternetExposed.ID && f.Suppressed && f.Account == x.Account && f.Region == x.Region && mainResource(f) == unit {
			return true
		}
	}
	return false
}

func sortExposureChanges(xs []ExposureChange) {
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := xs[i], xs[j]
		if a.Change != b.Change {
			return a.Change == New
		}
		if sa, sb := rank(a.Severity), rank(b.Severity); sa != sb {
			return sa > sb
		}
		ka, kb := exposureKey(a.Exposure), exposureKey(b.Exposure)
		for n := range ka {
			if ka[n] != kb[n] {
				return ka[n] < kb[n]
			}
		}
		if a.Exposure.FromPort != b.Exposure.FromPort {
			return a.Exposure.FromPort < b.Exposure.FromPort
		}
		return a.Exposure.ToPort < b.Exposure.ToPort
	})
}

func exposureKey(x report.Exposure) [7]string {
	first := ""
	if len(x.Sources) > 0 {
		first = x.Sources[0]
	}
	return [7]string{x.Account, x.Region, x.Resource, x.ENI, x.Via + " " + x.LoadBalancer, x.Protocol, first}
}
