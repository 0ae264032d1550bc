package flows

import (
	"cmp"
	"encoding/binary"
	"math"
	"runtime"
	"slices"
	"sync"

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
//
// Observations live in a hash table of compact slots without pointers
// (addresses as 16 bytes, the interface as an index), looked up in batches
// so that the memory latencies of many records overlap (obstable.go). No
// allocation per record.
type Observer struct {
	listen [3]*portSet // TCP, UDP, SCTP

	ifaceIndex map[string]uint32 // interface ID → index in ifaces
	ifaces     []string
	byN        []uint32 // flowlog.Record.InterfaceN → index in ifaces + 1
	numbering  uint32   // the flowlog.Record.Numbering byN is of

	table obsTable[slotKey] // keys with an address that is not IPv4
	t4    obsTable[key4]    // keys with both addresses IPv4
}

// portSet is a set of ports 0–65535, one bit each.
type portSet [65536 / 64]uint64

func (s *portSet) has(p int32) bool { return p >= 0 && p < 65536 && s[p>>6]&(1<<(p&63)) != 0 }

// NewObserver returns an empty observer deciding service sides with ports.
// ports is only read, during the call; it may be nil.
func NewObserver(ports ListeningPorts) *Observer {
	o := &Observer{ifaceIndex: map[string]uint32{}}
	for i, proto := range [3]int16{protoTCP, protoUDP, protoSCTP} {
		set := new(portSet)
		for p, on := range ports[proto] {
			if on && p >= 0 && p < 65536 {
				set[p>>6] |= 1 << (p & 63)
			}
		}
		o.listen[i] = set
	}
	o.table.init(initialTableSize / 16)
	o.t4.init(initialTableSize)
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
// them). Add keeps r's interface ID, which the reader interns, and nothing
// else of r; it allocates only when the table grows or an interface is new.
// Records of any number of reads and workers may be added: the interface
// numbers of a reader (flowlog.Record.InterfaceN) are trusted within their
// numbering.
func (o *Observer) Add(r *flowlog.Record) {
	if r.LogStatus != flowlog.StatusOK {
		return
	}
	clientIsSrc, port, basis := o.side(r)
	d := sums(r, clientIsSrc)
	bits := basis << basisShift
	if clientIsSrc {
		bits |= bitClientIsSrc
	}
	switch r.Action {
	case flowlog.ActionAccept:
		bits |= bitAccept
	case flowlog.ActionNone:
		bits |= bitNoAction
	}
	if r.SrcAddr.Is4() && r.DstAddr.Is4() {
		src, dst := r.SrcAddr.As4(), r.DstAddr.As4()
		k := key4{iface: o.ifaceOf(r), port: port, proto: r.Protocol, bits: bits, kinds: addr4 | addr4<<2}
		if clientIsSrc {
			k.c, k.s = binary.BigEndian.Uint32(src[:]), binary.BigEndian.Uint32(dst[:])
		} else {
			k.c, k.s = binary.BigEndian.Uint32(dst[:]), binary.BigEndian.Uint32(src[:])
		}
		o.t4.add(&k, &d)
		return
	}
	k := slotKey{iface: o.ifaceOf(r), port: port, proto: r.Protocol, bits: bits}
	if clientIsSrc {
		k.setAddrs(r.SrcAddr, r.DstAddr)
	} else {
		k.setAddrs(r.DstAddr, r.SrcAddr)
	}
	o.table.add(&k, &d)
}

// sums returns a record's contribution to its observation's sums.
func sums(r *flowlog.Record, clientIsSrc bool) slotSums {
	d := slotSums{records: 1}
	if r.Packets > 0 {
		d.packets = uint64(r.Packets)
	}
	if r.Bytes > 0 {
		d.bytes = uint64(r.Bytes)
	}
	if clientIsSrc {
		// A connection is a client → server record carrying SYN when TCP
		// flags are logged, else any client → server record.
		if r.Protocol != protoTCP || r.TCPFlags < 0 || r.TCPFlags&flagSYN != 0 {
			d.conns = 1
		}
	}
	if r.Start > 0 && r.Start <= math.MaxUint32 {
		d.start = uint32(r.Start)
	}
	if r.End > 0 && r.End <= math.MaxUint32 {
		d.end = uint32(r.End)
	}
	return d
}

// unix returns a slot's time as Observation has it: -1 when not logged.
func unix(t uint32) int64 {
	if t == 0 {
		return -1
	}
	return int64(t)
}

// maxByN bounds Observer.byN: interfaces numbered above it are looked up
// by ID. A reader numbers each new string it interns, so numbers pass the
// number of interfaces only when its intern table starts over.
const maxByN = 1 << 22

// ifaceOf returns the index of r's interface.
func (o *Observer) ifaceOf(r *flowlog.Record) uint32 {
	if r.Numbering != o.numbering && r.InterfaceN != 0 {
		// Another reader's numbers: forget the last one's (records of
		// one numbering come in long runs: a worker's whole read).
		clear(o.byN)
		o.numbering = r.Numbering
	}
	return o.iface(r.InterfaceID, r.InterfaceN)
}

// iface returns the index of interface id, numbered n by the reader,
// adding it when new. A number answers without hashing the ID (a map
// lookup by the string was a third of Add's time on the generator's
// records); an ID without a number, or seen under a new one, is looked up
// by ID.
func (o *Observer) iface(id string, n uint32) uint32 {
	if n != 0 && int(n) < len(o.byN) {
		if x := o.byN[n]; x != 0 {
			return x - 1
		}
	}
	i, ok := o.ifaceIndex[id]
	if !ok {
		i = uint32(len(o.ifaces))
		o.ifaceIndex[id] = i
		o.ifaces = append(o.ifaces, id)
	}
	if n != 0 && n < maxByN {
		if int(n) >= len(o.byN) {
			o.byN = append(o.byN, make([]uint32, int(n)+1-len(o.byN))...)
		}
		o.byN[n] = i + 1
	}
	return i
}

// Merge folds other's observations into o. other is left as it was.
func (o *Observer) Merge(other *Observer) {
	remap := o.remap(other)
	o.mergeGeneral(other, remap)
	other.t4.flush()
	for i := range other.t4.slots {
		src := &other.t4.slots[i]
		k := src.k
		k.iface = remap[k.iface]
		o.t4.add(&k, &src.slotSums)
	}
}

// mergeGeneral folds other's keys with an address that is not IPv4 into
// o, its interfaces mapped by remap.
func (o *Observer) mergeGeneral(other *Observer, remap []uint32) {
	other.table.flush()
	for i := range other.table.slots {
		src := &other.table.slots[i]
		k := src.k
		k.iface = remap[k.iface]
		o.table.add(&k, &src.slotSums)
	}
}

// remap returns, for each of other's interface indexes, o's index of the
// same interface, adding to o those it does not have.
func (o *Observer) remap(other *Observer) []uint32 {
	out := make([]uint32, len(other.ifaces))
	for i, id := range other.ifaces {
		out[i] = o.iface(id, 0)
	}
	return out
}

// Len is the number of observations so far.
func (o *Observer) Len() int { return o.table.len() + o.t4.len() }

// Observations returns the observations, sorted by key (CompareKeys). The
// slice is the caller's.
func (o *Observer) Observations() []Observation {
	return sortByKey(o.Unsorted())
}

// sortByKey sorts observations by key (CompareKeys) and returns them.
func sortByKey(obs []Observation) []Observation {
	slices.SortFunc(obs, func(a, b Observation) int { return CompareKeys(a.ObservationKey, b.ObservationKey) })
	return obs
}

// Unsorted returns the observations in no particular order, for consumers
// whose result does not depend on it (Edges sorts what it makes): sorting
// hundreds of thousands of keys costs as much as reading the records.
func (o *Observer) Unsorted() []Observation {
	o.table.flush()
	o.t4.flush()
	n := len(o.table.slots)
	out := make([]Observation, n+len(o.t4.slots))
	for i := range o.table.slots {
		s := &o.table.slots[i]
		out[i] = observation(&s.k, &s.slotSums, o.ifaces[s.k.iface])
	}
	// The IPv4 observations, most of them, in as many parts as there are
	// processors: this runs after the reading, alone.
	parts := runtime.GOMAXPROCS(0)
	size := (len(o.t4.slots) + parts - 1) / parts
	var wg sync.WaitGroup
	for lo := 0; lo < len(o.t4.slots); lo += size {
		hi := min(lo+size, len(o.t4.slots))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				s := &o.t4.slots[i]
				k := s.k.slotKey()
				out[n+i] = observation(&k, &s.slotSums, o.ifaces[k.iface])
			}
		})
	}
	wg.Wait()
	return out
}

func observation(k *slotKey, s *slotSums, iface string) Observation {
	return Observation{
		ObservationKey: k.public(iface),
		Packets:        int64(s.packets), Bytes: int64(s.bytes), Records: int64(s.records), Connections: int64(s.conns),
		Start: unix(s.start), End: unix(s.end),
	}
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
