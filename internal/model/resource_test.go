package model

import (
	"net/netip"
	"slices"
	"testing"
)

// TestPublicIPs: public IPv4 addresses and global IPv6 addresses are
// reachable from the internet (AWS-SEMANTICS.md §5); private and
// unique-local ones are not.
func TestPublicIPs(t *testing.T) {
	r := &Resource{ENIs: []*ENI{{
		Addresses: []AddressPair{{Private: netip.MustParseAddr("10.0.0.5"), Public: netip.MustParseAddr("203.0.113.7")}, {Private: netip.MustParseAddr("10.0.0.6")}},
		IPv6:      []netip.Addr{netip.MustParseAddr("2406:da14:1:2::10"), netip.MustParseAddr("fd00::1")},
	}}}
	if got, want := r.PublicIPs(), []string{"203.0.113.7", "2406:da14:1:2::10"}; !slices.Equal(got, want) {
		t.Errorf("PublicIPs = %v, want %v", got, want)
	}
}
