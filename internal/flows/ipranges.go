package flows

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// IPRangesURL is where AWS publishes its address ranges (AWS General
// Reference, "AWS IP address ranges").
const IPRangesURL = "https://ip-ranges.amazonaws.com/ip-ranges.json"

// embeddedIPRanges is a dated subset of AWS's ip-ranges.json, in AWS's
// format (see ip-ranges.md beside it for where it comes from and what it
// holds). --ip-ranges FILE replaces it with a full copy.
//
//go:embed ip-ranges.json
var embeddedIPRanges []byte

// IPRanges are AWS's published address ranges, indexed for lookups. Build
// them with ParseIPRanges, LoadIPRanges or EmbeddedIPRanges; after that
// they are read-only and safe for concurrent use. The zero value holds no
// range.
type IPRanges struct {
	// SyncToken and CreateDate are the file's own (createDate is
	// "YYYY-MM-DD-hh-mm-ss", UTC): the date of the data.
	SyncToken  string
	CreateDate string
	// Source says where the ranges were read: "embedded", a file name, or
	// a URL.
	Source string

	entries []AWSRange
	v4, v6  rangeTree
}

// AWSRange is one published range: a prefix, the service that uses it
// ("AMAZON" is every service) and its region ("GLOBAL" for global
// services).
type AWSRange struct {
	Prefix  netip.Prefix
	Service string
	Region  string
}

// Date is CreateDate as a time; zero when it does not parse.
func (r *IPRanges) Date() time.Time {
	t, _ := time.Parse("2006-01-02-15-04-05", r.CreateDate)
	return t
}

// Len is the number of ranges.
func (r *IPRanges) Len() int { return len(r.entries) }

// ipRangesFile is ip-ranges.json's shape.
type ipRangesFile struct {
	SyncToken  string `json:"syncToken"`
	CreateDate string `json:"createDate"`
	Prefixes   []struct {
		IPPrefix string `json:"ip_prefix"`
		Region   string `json:"region"`
		Service  string `json:"service"`
	} `json:"prefixes"`
	IPv6Prefixes []struct {
		IPv6Prefix string `json:"ipv6_prefix"`
		Region     string `json:"region"`
		Service    string `json:"service"`
	} `json:"ipv6_prefixes"`
}

// ParseIPRanges reads ip-ranges.json as AWS publishes it. source names it
// in errors and in IPRanges.Source. A prefix that does not parse is an
// error naming its position; a file without syncToken is not AWS's file.
func ParseIPRanges(data []byte, source string) (*IPRanges, error) {
	var f ipRangesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read AWS IP ranges %s: %w", source, err)
	}
	if f.SyncToken == "" || (f.Prefixes == nil && f.IPv6Prefixes == nil) {
		return nil, fmt.Errorf("read AWS IP ranges %s: no syncToken or prefixes: not AWS's ip-ranges.json", source)
	}
	var entries []AWSRange
	for i, p := range f.Prefixes {
		pfx, err := netip.ParsePrefix(p.IPPrefix)
		if err != nil {
			return nil, fmt.Errorf("read AWS IP ranges %s: prefixes[%d]: %w", source, i, err)
		}
		entries = append(entries, AWSRange{Prefix: pfx.Masked(), Service: p.Service, Region: p.Region})
	}
	for i, p := range f.IPv6Prefixes {
		pfx, err := netip.ParsePrefix(p.IPv6Prefix)
		if err != nil {
			return nil, fmt.Errorf("read AWS IP ranges %s: ipv6_prefixes[%d]: %w", source, i, err)
		}
		entries = append(entries, AWSRange{Prefix: pfx.Masked(), Service: p.Service, Region: p.Region})
	}
	r := NewIPRanges(entries)
	r.SyncToken, r.CreateDate, r.Source = f.SyncToken, f.CreateDate, source
	return r, nil
}

// LoadIPRanges reads an ip-ranges.json file (the --ip-ranges flag).
func LoadIPRanges(file string) (*IPRanges, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read AWS IP ranges: %w", err)
	}
	return ParseIPRanges(data, file)
}

// EmbeddedIPRanges returns the copy built into vpcdoctor.
func EmbeddedIPRanges() *IPRanges {
	r, err := ParseIPRanges(embeddedIPRanges, "embedded")
	if err != nil {
		panic(err) // a test parses it
	}
	return r
}

// RefreshIPRanges downloads ip-ranges.json from url (IPRangesURL unless
// testing) into file, replacing it only once the download is complete and
// parses, and returns what it holds. client nil means http.DefaultClient.
func RefreshIPRanges(ctx context.Context, client *http.Client, url, file string) (*IPRanges, error) {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("download AWS IP ranges: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download AWS IP ranges: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download AWS IP ranges from %s: %s", url, resp.Status)
	}
	const maxSize = 64 << 20 // the file is a few MB
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("download AWS IP ranges from %s: %w", url, err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("download AWS IP ranges from %s: larger than %d bytes", url, maxSize)
	}
	r, err := ParseIPRanges(data, url)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return nil, fmt.Errorf("save AWS IP ranges: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := cmp.Or(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("save AWS IP ranges %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("save AWS IP ranges %s: %w", file, err)
	}
	r.Source = file
	return r, nil
}

// NewIPRanges indexes entries (SyncToken, CreateDate and Source are left
// for the caller).
func NewIPRanges(entries []AWSRange) *IPRanges {
	r := &IPRanges{entries: slices.Clone(entries)}
	var v4, v6 []AWSRange
	for _, e := range r.entries {
		if e.Prefix.Addr().Is4() {
			v4 = append(v4, e)
		} else {
			v6 = append(v6, e)
		}
	}
	r.v4.build(v4)
	r.v6.build(v6)
	return r
}

// With returns r with more ranges (the snapshot's AWS-managed prefix
// lists), keeping r's date and source.
func (r *IPRanges) With(more []AWSRange) *IPRanges {
	if len(more) == 0 {
		return r
	}
	out := NewIPRanges(append(slices.Clone(r.entries), more...))
	out.SyncToken, out.CreateDate, out.Source = r.SyncToken, r.CreateDate, r.Source
	return out
}

// Lookup returns the AWS service and region of addr. AWS lists every range
// under AMAZON and again under the service that uses it, so the most
// specific range naming a service other than AMAZON wins; AMAZON alone
// means an AWS address of no listed service. Ties on one prefix go to a
// service other than EC2 (EC2 ranges also hold other services' addresses),
// then by name.
func (r *IPRanges) Lookup(addr netip.Addr) (service, region string, ok bool) {
	if r == nil {
		return "", "", false
	}
	addr = addr.Unmap()
	var e *AWSRange
	switch {
	case addr.Is4():
		e = r.v4.lookup(addr)
	case addr.Is6():
		e = r.v6.lookup(addr.WithZone(""))
	}
	if e == nil {
		return "", "", false
	}
	return e.Service, e.Region, true
}

// rangeTree holds prefixes sorted by first address, outer before inner,
// each with the index of the nearest prefix enclosing it: prefixes either
// nest or are disjoint, so the prefixes holding an address are the last
// prefix starting at or before it and its enclosing chain.
type rangeTree struct {
	nodes []rangeNode
}

type rangeNode struct {
	prefix netip.Prefix
	best   AWSRange // the range of this prefix that names it
	parent int32    // -1 at the top
}

// serviceRank orders services on one prefix: specific services, then EC2,
// then AMAZON.
func serviceRank(s string) int {
	switch s {
	case "AMAZON":
		return 2
	case "EC2":
		return 1
	}
	return 0
}

func (t *rangeTree) build(entries []AWSRange) {
	slices.SortFunc(entries, func(a, b AWSRange) int {
		return cmp.Or(
			a.Prefix.Addr().Compare(b.Prefix.Addr()),
			cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()),
			cmp.Compare(serviceRank(a.Service), serviceRank(b.Service)),
			strings.Compare(a.Service, b.Service),
			strings.Compare(a.Region, b.Region),
		)
	})
	t.nodes = t.nodes[:0]
	var stack []int32
	for _, e := range entries {
		if n := len(t.nodes); n > 0 && t.nodes[n-1].prefix == e.Prefix {
			continue // the same prefix again: the first, best ranked, names it
		}
		for len(stack) > 0 && !t.nodes[stack[len(stack)-1]].prefix.Overlaps(e.Prefix) {
			stack = stack[:len(stack)-1]
		}
		parent := int32(-1)
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		t.nodes = append(t.nodes, rangeNode{prefix: e.Prefix, best: e, parent: parent})
		stack = append(stack, int32(len(t.nodes)-1))
	}
}

func (t *rangeTree) lookup(addr netip.Addr) *AWSRange {
	// The last node whose prefix starts at or before addr.
	i := int32(sort.Search(len(t.nodes), func(i int) bool { return t.nodes[i].prefix.Addr().Compare(addr) > 0 })) - 1
	var amazon *AWSRange
	for ; i >= 0; i = t.nodes[i].parent {
		n := &t.nodes[i]
		if !n.prefix.Contains(addr) {
			continue
		}
		if n.best.Service != "AMAZON" {
			return &n.best
		}
		if amazon == nil {
			amazon = &n.best
		}
	}
	return amazon
}
