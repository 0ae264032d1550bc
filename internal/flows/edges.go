package flows

import (
	"cmp"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Edges turns observations into edges (docs/flows.md, stage 2), the same
// for the in-process reader and for Athena's rows.
//
// One connection between two logged interfaces is logged at both, in both
// directions (AWS-SEMANTICS.md §9). For each (client address, server
// address, protocol, port, action, and the interfaces holding the two
// addresses as the logging interface resolves them) only the observations
// of one interface count: the server's interface (the snapshot's interface holding the
// server address) when it logged any of them, else the client's, else —
// neither is known to the snapshot — the interface with the smallest ID.
// Packets and bytes are then both directions as that interface saw them.
//
// Addresses become endpoints through ep; observations whose client and
// server endpoints, protocol, port and action agree are summed into one
// edge. Edges come largest (bytes) first, then by source, destination,
// protocol, port and action.
func Edges(obs []Observation, ep *Endpoints) []Edge {
	// The snapshot's interfaces holding the two addresses, as the logging
	// interface resolves them, are part of the group: VPCs that reuse one
	// private range have connections with the same addresses, each counted
	// at its own server's (or client's) interface.
	type groupKey struct {
		client, server           netip.Addr
		proto                    int16
		port                     int32
		accept, noAction         bool
		clientIface, serverIface string
	}
	groups := map[groupKey][]int{}
	var order []groupKey
	for i := range obs {
		o := &obs[i]
		k := groupKey{o.Client, o.Server, o.Protocol, o.Port, o.Accept, o.NoAction,
			ep.InterfaceOf(o.Client, o.InterfaceID), ep.InterfaceOf(o.Server, o.InterfaceID)}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}

	type edgeKey struct {
		src, dst Endpoint
		proto    int16
		port     int32
		action   string
	}
	type acc struct {
		Edge
		start, end int64
		bases      uint8
	}
	edges := map[edgeKey]*acc{}
	for _, k := range order {
		idx := groups[k]
		iface := countedInterface(obs, idx, k.clientIface, k.serverIface)
		src, dst := ep.Resolve(k.client, iface), ep.Resolve(k.server, iface)
		ek := edgeKey{src, dst, k.proto, k.port, actionName(k.accept, k.noAction)}
		a := edges[ek]
		if a == nil {
			a = &acc{Edge: Edge{Src: src, Dst: dst, Protocol: ProtocolName(k.proto), Port: k.port, Action: ek.action}, start: -1, end: -1}
			edges[ek] = a
		}
		for _, i := range idx {
			o := &obs[i]
			if o.InterfaceID != iface {
				continue
			}
			a.Packets += o.Packets
			a.Bytes += o.Bytes
			a.Connections += o.Connections
			if o.Start >= 0 && (a.start < 0 || o.Start < a.start) {
				a.start = o.Start
			}
			a.end = max(a.end, o.End)
			a.bases |= 1 << max(slices.Index(Bases, o.Basis), 0)
		}
	}

	out := make([]Edge, 0, len(edges))
	for _, a := range edges {
		e := a.Edge
		if a.start >= 0 {
			e.FirstSeen = time.Unix(a.start, 0).UTC()
		}
		if a.end >= 0 {
			e.LastSeen = time.Unix(a.end, 0).UTC()
		}
		e.Direction = []Basis{}
		for i, b := range Bases {
			if a.bases&(1<<i) != 0 {
				e.Direction = append(e.Direction, b)
			}
		}
		out = append(out, e)
	}
	slices.SortFunc(out, compareEdges)
	return out
}

// countedInterface picks the interface whose observations of one group
// count (see Edges): the server's interface s when it logged any, else
// the client's c, else the smallest ID.
func countedInterface(obs []Observation, idx []int, c, s string) string {
	has := func(iface string) bool {
		if iface == "" {
			return false
		}
		for _, i := range idx {
			if obs[i].InterfaceID == iface {
				return true
			}
		}
		return false
	}
	if has(s) {
		return s
	}
	if has(c) {
		return c
	}
	least := obs[idx[0]].InterfaceID
	for _, i := range idx {
		least = min(least, obs[i].InterfaceID)
	}
	return least
}

func compareEdges(a, b Edge) int {
	return cmp.Or(
		cmp.Compare(b.Bytes, a.Bytes),
		compareEndpoints(a.Src, b.Src),
		compareEndpoints(a.Dst, b.Dst),
		strings.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.Port, b.Port),
		strings.Compare(a.Action, b.Action),
	)
}

func compareEndpoints(a, b Endpoint) int {
	return cmp.Or(
		strings.Compare(string(a.Kind), string(b.Kind)),
		strings.Compare(a.ID, b.ID),
		strings.Compare(a.Account, b.Account),
		strings.Compare(a.Region, b.Region),
		strings.Compare(a.ResourceType, b.ResourceType),
		strings.Compare(a.Role, b.Role),
		strings.Compare(a.Name, b.Name),
	)
}

func actionName(accept, noAction bool) string {
	switch {
	case noAction:
		return "-"
	case accept:
		return "ACCEPT"
	}
	return "REJECT"
}

// ProtocolName is how edges name an IANA protocol number: tcp, udp, icmp,
// icmpv6, sctp, else the number; "-" when the format did not log it.
func ProtocolName(p int16) string {
	switch p {
	case 1:
		return "icmp"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 58:
		return "icmpv6"
	case 132:
		return "sctp"
	case -1:
		return "-"
	}
	return strconv.Itoa(int(p))
}
