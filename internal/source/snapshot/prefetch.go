package snapshot

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Decoding JSON is most of a scan's work, and a region's files are
// independent: workers read and decode them all at once, largest first,
// while the region's readers consume them in their usual order. What the
// readers record (errors, coverage, notes) and the order they record it in
// are those of reading one file after the other.

// shapes says which shape each regional call's file is decoded into; the
// readers in adapt.go decode into the same types. A call missing here, or
// read into another type, is read when its reader asks for it.
var shapes = map[model.Call]func() cliOutput{
	model.CallVPCs:                 func() cliOutput { return new(describeVpcs) },
	model.CallSubnets:              func() cliOutput { return new(describeSubnets) },
	model.CallRouteTables:          func() cliOutput { return new(describeRouteTables) },
	model.CallInternetGateways:     func() cliOutput { return new(describeInternetGateways) },
	model.CallEgressOnlyIGWs:       func() cliOutput { return new(describeEgressOnlyInternetGateways) },
	model.CallNATGateways:          func() cliOutput { return new(describeNatGateways) },
	model.CallNetworkACLs:          func() cliOutput { return new(describeNetworkAcls) },
	model.CallSecurityGroups:       func() cliOutput { return new(describeSecurityGroups) },
	model.CallManagedPrefixLists:   func() cliOutput { return new(describeManagedPrefixLists) },
	model.CallNetworkInterfaces:    func() cliOutput { return new(describeNetworkInterfaces) },
	model.CallInstances:            func() cliOutput { return new(describeInstances) },
	model.CallVPCEndpoints:         func() cliOutput { return new(describeVpcEndpoints) },
	model.CallPeeringConnections:   func() cliOutput { return new(describeVpcPeeringConnections) },
	model.CallFlowLogs:             func() cliOutput { return new(describeFlowLogs) },
	model.CallLoadBalancersV2:      func() cliOutput { return new(describeLoadBalancersV2) },
	model.CallTargetGroups:         func() cliOutput { return new(describeTargetGroups) },
	model.CallClassicLoadBalancers: func() cliOutput { return new(describeClassicLoadBalancers) },
	model.CallDBInstances:          func() cliOutput { return new(describeDBInstances) },
	model.CallDBClusters:           func() cliOutput { return new(describeDBClusters) },
	model.CallCacheSubnetGroups:    func() cliOutput { return new(describeCacheSubnetGroups) },
	model.CallCacheClusters:        func() cliOutput { return new(describeCacheClusters) },
	model.CallLambdaFunctions:      func() cliOutput { return new(listFunctions) },
	model.CallECSClusters:          func() cliOutput { return new(ecsListClusters) },
}

// fetched is one call's file, read and decoded by a worker.
type fetched struct {
	done    chan struct{}
	path    string
	size    int64
	readErr error // as os.ReadFile returned it
	v       any   // the decoded shape
	d       decoded
}

// prefetch starts the workers that read and decode the region's regional
// calls.
func (r *regionReader) prefetch() {
	var jobs []*fetched
	r.fetched = map[model.Call]*fetched{}
	for call, shape := range shapes {
		f := &fetched{done: make(chan struct{}), path: filepath.Join(r.dir, string(call)+".json"), v: shape()}
		if st, err := os.Stat(f.path); err == nil {
			f.size = st.Size()
		}
		r.fetched[call] = f
		jobs = append(jobs, f)
	}
	sort.Slice(jobs, func(i, j int) bool {
		if jobs[i].size != jobs[j].size {
			return jobs[i].size > jobs[j].size
		}
		return jobs[i].path < jobs[j].path
	})
	work := make(chan *fetched, len(jobs))
	for _, f := range jobs {
		work <- f
	}
	close(work)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		go func() {
			for f := range work {
				f.fetch()
				close(f.done)
			}
		}()
	}
}

// fetch reads and decodes the file. It first streams it through the
// pruner (prune.go), which never holds the whole file; anything unusual
// (an absent or unreadable file, an empty one, UTF-16, invalid JSON, a
// decoding error) makes it read the whole file and decode that, so that
// what the reader records is exactly what it would be had it read the
// file itself.
func (f *fetched) fetch() {
	if fh, err := os.Open(f.path); err == nil {
		ok := decodeStream(fh, f.v)
		fh.Close()
		if ok {
			// The shape holds everything the reader needs; the rare
			// error that needs a position reads the file again (see
			// file.bytes).
			f.d = decoded{pruned: true, dropped: true}
			return
		}
	}
	data, err := os.ReadFile(f.path)
	f.readErr = err
	if !errors.Is(err, fs.ErrNotExist) {
		f.d = decode(data, err, f.v)
	}
	if f.d.usable() && f.d.pruned {
		// Let the bytes go now rather than when the reader gets to them.
		f.d.data, f.d.dropped = nil, true
	}
}

// take waits for call's prefetched file and hands it over once, or returns
// nil when the call was not prefetched into v's type.
func (r *regionReader) take(call model.Call, v any) *fetched {
	f := r.fetched[call]
	if f == nil || reflect.TypeOf(f.v) != reflect.TypeOf(v) {
		return nil
	}
	delete(r.fetched, call)
	<-f.done
	return f
}

// drain waits for the workers, whose files were not all asked for (a
// reader returned early), so that none outlives the load.
func (r *regionReader) drain() {
	for _, f := range r.fetched {
		<-f.done
	}
	r.fetched = nil
}

// set copies the decoded shape src into dst, both pointers to one type.
func set(dst, src any) {
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src).Elem())
}
