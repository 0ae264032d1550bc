package flows

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
)

// IANA protocol numbers the observer treats specially.
const (
	protoTCP  = 6
	protoUDP  = 17
	protoSCTP = 132
)

// TCP flags as flow logs carry them (AWS-SEMANTICS.md §9): the OR of the
// flags of the interval's packets, where ACK is only ever logged as part of
// SYN-ACK (18).
const (
	flagSYN = 2
	flagACK = 16
)

// Observer is stage 1 (docs/flows.md) as a flowlog.Sink: it folds records
// into observations. Its memory grows with the number of distinct keys
// (interfaces × client/server address pairs × service ports), never with
// the number of records, since a client's ephemeral port is not part of a
// key. The zero Observer is not usable; an Observer is not safe for
// concurrent use: give each of Read's workers its own and Merge them.
type Observer struct {
	ports  ListeningPorts
	listen [3]*portSet // TCP, UDP, SCTP
	index  map[obsKey]int32
	obs    []Observation
}

// portSet is a set of ports 0–65535, one bit each.
type portSet [65536 / 64]uint64

func (s *portSet) has(p int32) bool { return p >= 0 && p < 65536 && s[p>>6]&(1<<(p&63)) != 0 }

// obsKey is ObservationKey made cheap to hash: the booleans and the basis
// packed into one byte.
type obsKey struct {
	iface          string
	client, server netip.Addr
	port           int32
	proto          int16
	bits           uint8 // bitClientIsSrc | bitAccept | bitNoAction | basis<<basisShift
}

const (
	bitClientIsSrc = 1 << iota
	bitAccept
	bitNoAction
	basisShift = iota
)

func (k obsKey) public() ObservationKey {
	return ObservationKey{
		InterfaceID: k.iface,
		Client:      k.client,
		Server:      k.server,
		Protocol:    k.proto,
		Port:        k.port,
		ClientIsSrc: k.bits&bitClientIsSrc != 0,
		Accept:      k.bits&bitAccept != 0,
		NoAction:    k.bits&bitNoAction != 0,
		Basis:       Bases[k.bits>>basisShift],
	}
}

func keyOf(k ObservationKey) obsKey {
	var bits uint8
	if k.ClientIsSrc {
		bits |= bitClientIsSrc
	}
	if k.Accept {
		bits |= bitAccept
	}
	if k.NoAction {
		bits |= bitNoAction
	}
	bits |= uint8(max(slices.Index(Bases, k.Basis), 0)) << basisShift
	return obsKey{iface: k.InterfaceID, client: k.Client, server: k.Server, port: k.Port, proto: k.Protocol, bits: bits}
}

// NewObserver returns an empty observer deciding service sides with ports.
// ports is read, not kept for writing; it may be nil.
func NewObserver(ports ListeningPorts) *Observer {
	o := &Observer{ports: ports, index: map[obsKey]int32{}}
	for i, proto := range [3]int16{protoTCP, protoUDP, protoSCTP} {
		set := new(portSet)
		for p, on := range ports[proto] {
			if on && p >= 0 && p < 65536 {
				set[p>>6] |= 1 << (p & 63)
			}
		}
		o.listen[i] = set
	}
	return o
}

func (o *Observer) listening(proto int16) *portSet {
	switch proto {
	case protoTCP:
		return o.listen[0]
	case protoUDP:
		return o.listen[1]
	}
	return o.listen[2]
}

// Side decides, for one record, whether it goes client → server, the
// service port and the rule that decided (docs/flows.md, stage 1, rule 1;
// AWS-SEMANTICS.md §9). It does not allocate.
func (o *Observer) Side(r *flowlog.Record) (clientIsSrc bool, port int32, basis Basis) {
	c, p, b := o.side(r)
	return c, p, Bases[b]
}

// side returns the basis as its index in Bases.
func (o *Observer) side(r *flowlog.Record) (clientIsSrc bool, port int32, basis uint8) {
	proto := r.Protocol
	if (proto != protoTCP && proto != protoUDP && proto != protoSCTP) || r.SrcPort < 0 || r.DstPort < 0 {
		// Without ports (or without the ports logged), the destination is
		// the server and the service port is 0.
		return true, 0, 3
	}
	sp, dp := r.SrcPort, r.DstPort
	if proto == protoTCP && r.TCPFlags >= 0 && r.TCPFlags&flagSYN != 0 {
		if r.TCPFlags&flagACK == 0 {
			return true, dp, 0 // SYN: client → server
		}
		return false, sp, 0 // SYN-ACK: server → client
	}
	set := o.listening(proto)
	if sl, dl := set.has(sp), set.has(dp); sl != dl {
		if dl {
			return true, dp, 1
		}
		return false, sp, 1
	}
	if sw, dw := sp < 1024, dp < 1024; sw != dw {
		if dw {
			return true, dp, 2
		}
		return false, sp, 2
	}
	if sp < dp {
		return false, sp, 3
	}
	return true, dp, 3
}

// Add folds one record in (docs/flows.md, stage 1). Records with
// log-status NODATA or SKIPDATA carry no flow and are ignored (Read counts
// them). Add keeps r's strings, which the reader interns, and nothing else
// of r; it allocates only when a key is new.
func (o *Observer) Add(r *flowlog.Record) {
	if r.LogStatus != flowlog.StatusOK {
		return
	}
	clientIsSrc, port, basis := o.side(r)
	k := obsKey{iface: r.InterfaceID, port: port, proto: r.Protocol, bits: basis << basisShift}
	if clientIsSrc {
		k.client, k.server = r.SrcAddr, r.DstAddr
		k.bits |= bitClientIsSrc
	} else {
		k.client, k.server = r.DstAddr, r.SrcAddr
	}
	switch r.Action {
	case flowlog.ActionAccept:
		k.bits |= bitAccept
	case flowlog.ActionNone:
		k.bits |= bitNoAction
	}
	i, ok := o.index[k]
	if !ok {
		i = int32(len(o.obs))
		o.index[k] = i
		o.obs = append(o.obs, Observation{Start: -1, End: -1})
	}
	ob := &o.obs[i]
	ob.Records++
	if r.Packets > 0 {
		ob.Packets += r.Packets
	}
	if r.Bytes > 0 {
		ob.Bytes += r.Bytes
	}
	if clientIsSrc {
		// A connection is a client → server record carrying SYN when TCP
		// flags are logged, else any client → server record.
		if r.Protocol != protoTCP || r.TCPFlags < 0 || r.TCPFlags&flagSYN != 0 {
			ob.Connections++
		}
	}
	if r.Start >= 0 && (ob.Start < 0 || r.Start < ob.Start) {
		ob.Start = r.Start
	}
	if r.End > ob.End {
		ob.End = r.End
	}
}

// Merge folds other's observations into o. other is left as it was.
func (o *Observer) Merge(other *Observer) {
	for k, j := range other.index {
		src := &other.obs[j]
		i, ok := o.index[k]
		if !ok {
			o.index[k] = int32(len(o.obs))
			o.obs = append(o.obs, *src)
			continue
		}
		o.obs[i].add(src)
	}
}

// add folds b's sums into ob.
func (ob *Observation) add(b *Observation) {
	ob.Packets += b.Packets
	ob.Bytes += b.Bytes
	ob.Records += b.Records
	ob.Connections += b.Connections
	if b.Start >= 0 && (ob.Start < 0 || b.Start < ob.Start) {
		ob.Start = b.Start
	}
	ob.End = max(ob.End, b.End)
}

// Len is the number of observations so far.
func (o *Observer) Len() int { return len(o.obs) }

// Observations returns the observations, sorted by key (CompareKeys). The
// slice is the caller's.
func (o *Observer) Observations() []Observation {
	out := make([]Observation, 0, len(o.obs))
	for k, i := range o.index {
		ob := o.obs[i]
		ob.ObservationKey = k.public()
		out = append(out, ob)
	}
	slices.SortFunc(out, func(a, b Observation) int { return CompareKeys(a.ObservationKey, b.ObservationKey) })
	return out
}

// CompareKeys orders observation keys: by interface, client, server,
// protocol, port, then ClientIsSrc, Accept, NoAction (false first) and
// basis (most exact first). Every field takes part, so the order is total.
func CompareKeys(a, b ObservationKey) int {
	return cmp.Or(
		cmp.Compare(a.InterfaceID, b.InterfaceID),
		a.Client.Compare(b.Client),
		a.Server.Compare(b.Server),
		cmp.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.Port, b.Port),
		compareBool(a.ClientIsSrc, b.ClientIsSrc),
		compareBool(a.Accept, b.Accept),
		compareBool(a.NoAction, b.NoAction),
		cmp.Compare(slices.Index(Bases, a.Basis), slices.Index(Bases, b.Basis)),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
