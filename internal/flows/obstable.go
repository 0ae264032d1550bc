package flows

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"slices"
)

// slotKey is an ObservationKey packed for hashing: the addresses as their
// 16 bytes (IPv4 mapped), the interface as its index in the observer, the
// booleans and the basis in one byte. 44 bytes and no pointer, so tables
// of slots cost the garbage collector nothing to scan.
type slotKey struct {
	c0, c1, s0, s1 uint64 // client and server addresses, big-endian halves
	iface          uint32
	port           int32
	proto          int16
	bits           uint8 // bitClientIsSrc | bitAccept | bitNoAction | basis<<basisShift
	kinds          uint8 // client's address kind | server's<<2
}

const (
	bitClientIsSrc = 1 << iota
	bitAccept
	bitNoAction
	basisShift = iota
)

// Address kinds in slotKey.kinds.
const (
	addrNone = iota // the zero netip.Addr: the format did not log it
	addr4
	addr6
)

func addrKind(a netip.Addr) uint8 {
	switch {
	case a.Is4():
		return addr4
	case a.Is6():
		return addr6
	}
	return addrNone
}

// setAddrs sets the client and server addresses. Zones are dropped: flow
// logs carry none.
func (k *slotKey) setAddrs(client, server netip.Addr) {
	c, s := client.As16(), server.As16()
	k.c0, k.c1 = binary.BigEndian.Uint64(c[:8]), binary.BigEndian.Uint64(c[8:])
	k.s0, k.s1 = binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:])
	k.kinds = addrKind(client) | addrKind(server)<<2
}

func unpackAddr(hi, lo uint64, kind uint8) netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	switch kind {
	case addr4:
		return netip.AddrFrom16(b).Unmap()
	case addr6:
		return netip.AddrFrom16(b)
	}
	return netip.Addr{}
}

// public returns the key as ObservationKey, with the interface's ID.
func (k *slotKey) public(iface string) ObservationKey {
	return ObservationKey{
		InterfaceID: iface,
		Client:      unpackAddr(k.c0, k.c1, k.kinds&3),
		Server:      unpackAddr(k.s0, k.s1, k.kinds>>2&3),
		Protocol:    k.proto,
		Port:        k.port,
		ClientIsSrc: k.bits&bitClientIsSrc != 0,
		Accept:      k.bits&bitAccept != 0,
		NoAction:    k.bits&bitNoAction != 0,
		Basis:       Bases[k.bits>>basisShift],
	}
}

// packKey packs k with iface as the interface's index (tests use it).
func packKey(k ObservationKey, iface uint32) slotKey {
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
	s := slotKey{iface: iface, port: k.Port, proto: k.Protocol, bits: bits}
	s.setAddrs(k.Client, k.Server)
	return s
}

func (k *slotKey) hash(seed uint64) uint64 {
	h := mix(k.c0^seed, k.c1^0x9e3779b97f4a7c15)
	h = mix(h^k.s0^0xbf58476d1ce4e5b9, k.s1^0x94d049bb133111eb)
	return mix(h^(uint64(k.iface)<<32|uint64(uint32(k.port))),
		(uint64(uint16(k.proto))<<16|uint64(k.bits)<<8|uint64(k.kinds))^0xd6e8feb86659fd93)
}

// mix is wyhash's: the 128-bit product folded.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// slotSums are an observation's sums. start and end are Unix seconds, 0
// until a record logs them (a flow log has no record of 1970; uint32 lasts
// until 2106).
type slotSums struct {
	packets, bytes, records, conns uint64
	start, end                     uint32
}

func (s *slotSums) add(b *slotSums) {
	s.packets += b.packets
	s.bytes += b.bytes
	s.records += b.records
	s.conns += b.conns
	if b.start != 0 && (s.start == 0 || b.start < s.start) {
		s.start = b.start
	}
	s.end = max(s.end, b.end)
}

// key4 is a slotKey whose addresses are both IPv4: 20 bytes, so that a
// slot of it with its sums is 64 bytes, one cache line, against 88 for a
// slotKey's. Most flow-log records are IPv4.
type key4 struct {
	c, s  uint32 // client and server addresses, big-endian
	iface uint32
	port  int32
	proto int16
	bits  uint8
	kinds uint8 // always addr4 | addr4<<2
}

// slotKey returns k as a slotKey.
func (k *key4) slotKey() slotKey {
	return slotKey{
		c0: 0, c1: 0xffff<<32 | uint64(k.c), s0: 0, s1: 0xffff<<32 | uint64(k.s),
		iface: k.iface, port: k.port, proto: k.proto, bits: k.bits, kinds: k.kinds,
	}
}

func (k *key4) hash(seed uint64) uint64 {
	h := mix(uint64(k.c)<<32|uint64(k.s)^seed, uint64(k.iface)<<32|uint64(uint32(k.port))^0x9e3779b97f4a7c15)
	return mix(h, (uint64(uint16(k.proto))<<16|uint64(k.bits)<<8|uint64(k.kinds))^0xd6e8feb86659fd93)
}

// tableKey is what an obsTable is keyed by: slotKey or key4.
type tableKey interface {
	slotKey | key4
}

type slot[K tableKey] struct {
	k K
	slotSums
}

// hashKey hashes k, without the indirect call a method of a type
// parameter costs.
func hashKey[K tableKey](k *K, seed uint64) uint64 {
	switch k := any(k).(type) {
	case *key4:
		return k.hash(seed)
	case *slotKey:
		return k.hash(seed)
	}
	panic("unreachable")
}

// obsTable is a hash table of slots: a compact index (open addressing,
// linear probing, at most 3/4 full) of 32-bit hash tags and positions into
// a dense slice of slots, so probing stays in a small array and the slots
// take no room for empty places. Its zero value is not usable: call init.
type obsTable[K tableKey] struct {
	index []uint64 // tag<<32 | position+1; 0 is empty
	slots []slot[K]
	mask  uint64
	seed  uint64

	pend    [batchSize]pending[K]
	npend   int
	touched uint64
}

// init empties the table with room for size slots, a power of two.
func (t *obsTable[K]) init(size int) {
	t.index = make([]uint64, size)
	t.slots = make([]slot[K], 0, size/2)
	t.mask = uint64(size - 1)
	t.seed = rand.Uint64() | 1
}

// len is the number of slots, after a flush.
func (t *obsTable[K]) len() int {
	t.flush()
	return len(t.slots)
}

// batchSize is how many records add holds before looking them up
// together. A lookup is two dependent loads from memory that is mostly
// cold once the table outgrows the caches; one record at a time the
// processor waits for each. In a batch the first loads of all its records
// are issued together, then the second ones, so their latencies overlap;
// the lookups proper then hit the cache.
const batchSize = 32

type pending[K tableKey] struct {
	k K
	d slotSums
	h uint64
}

// add adds d to k's sums, now or at the next flush.
func (t *obsTable[K]) add(k *K, d *slotSums) {
	p := &t.pend[t.npend]
	p.k, p.d, p.h = *k, *d, hashKey(k, t.seed)
	t.npend++
	if t.npend == batchSize {
		t.flush()
	}
}

// flush applies the pending additions.
func (t *obsTable[K]) flush() {
	pend := t.pend[:t.npend]
	var touch uint64
	for i := range pend {
		touch += t.index[pend[i].h&t.mask]
	}
	for i := range pend {
		if e := t.index[pend[i].h&t.mask]; e != 0 {
			touch += t.slots[uint32(e)-1].packets
		}
	}
	t.touched += touch // keeps the loads
	for i := range pend {
		t.find(&pend[i].k, pend[i].h).add(&pend[i].d)
	}
	t.npend = 0
}

// find returns the sums of k, whose hash is h, adding k when new.
func (t *obsTable[K]) find(k *K, h uint64) *slotSums {
	tag := h >> 32 << 32
	i := h & t.mask
	for {
		e := t.index[i]
		if e == 0 {
			break
		}
		if e&^0xffffffff == tag {
			if s := &t.slots[uint32(e)-1]; s.k == *k {
				return &s.slotSums
			}
		}
		i = (i + 1) & t.mask
	}
	if (len(t.slots)+1)*4 > len(t.index)*3 {
		t.grow()
		return t.find(k, h)
	}
	t.slots = append(t.slots, slot[K]{k: *k})
	t.index[i] = tag | uint64(len(t.slots))
	return &t.slots[len(t.slots)-1].slotSums
}

// lookup returns the sums of k, whose hash is h, or nil when k is not in
// the table (flushed). It only reads the table's keys and index, so
// lookups may run in parallel (and add to sums they found).
func (t *obsTable[K]) lookup(k *K, h uint64) *slotSums {
	tag := h >> 32 << 32
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		e := t.index[i]
		if e == 0 {
			return nil
		}
		if e&^0xffffffff == tag {
			if s := &t.slots[uint32(e)-1]; s.k == *k {
				return &s.slotSums
			}
		}
	}
}

// grow doubles the index.
func (t *obsTable[K]) grow() {
	t.rehash(2 * len(t.index))
}

// rehash makes the index size places long, a power of two.
func (t *obsTable[K]) rehash(size int) {
	t.index = make([]uint64, size)
	t.mask = uint64(len(t.index) - 1)
	for p := range t.slots {
		h := hashKey(&t.slots[p].k, t.seed)
		i := h & t.mask
		for t.index[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.index[i] = h>>32<<32 | uint64(p+1)
	}
}

// initialTableSize is an observer's first index size: 2^18 places (2 MiB
// of index and 11 MiB of slots reserved per observer, whatever the read;
// room for 192Ki slots before the index grows) skips the first eight
// doublings, each of which rehashes every slot and copies
// the slots. On 1M records of the 10,000-ENI account (~200,000
// observations per worker) it took the v5 read from 0.45–0.50 s to
// 0.37–0.41 s against 2^17.
const initialTableSize = 1 << 18
