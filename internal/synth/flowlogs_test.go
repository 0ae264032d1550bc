package synth_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

var small = synth.Size{VPCs: 4, SecurityGroups: 120, ENIs: 600}

func TestFlowLogsDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		var b bytes.Buffer
		if err := synth.WriteFlowLog(&b, small, synth.FlowLogOptions{Records: 2000, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := gen(1), gen(1), gen(2)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("another seed gave the same bytes")
	}
	if lines := bytes.Count(a, []byte("\n")); lines != 2001 {
		t.Errorf("%d lines, want a header and 2000 records", lines)
	}
}

// TestFlowLogsTraffic reads generated flow logs with the reader and checks
// them against the account they were generated for: every record is
// logged by an interface of the account and has that interface's address
// on one side; accepted TCP connections go to a service port from an
// ephemeral port (or a NAT gateway's translated one); rejections are
// inbound SSH or RDP; both directions are logged.
func TestFlowLogsTraffic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	if err := synth.WriteAccount(dir, small); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := inv.Regions()[0]
	var b bytes.Buffer
	const n = 30000
	if err := synth.WriteFlowLog(&b, small, synth.FlowLogOptions{Records: n, Format: synth.FlowLogsV5, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var recs []flowlog.Record
	st, err := flowlog.Read(context.Background(), []flowlog.Source{{Name: "gen", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b.Bytes())), nil
	}}}, flowlog.Options{}, func() flowlog.Sink {
		return sinkFunc(func(r *flowlog.Record) { mu.Lock(); recs = append(recs, *r); mu.Unlock() })
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.BadLines != 0 || st.Records+st.NoData+st.SkipData != n || st.NoData < n/200 || st.SkipData == 0 {
		t.Fatalf("stats %+v", st)
	}
	service := map[int32]bool{0: true, 22: true, 80: true, 443: true, 3306: true, 3389: true, 5432: true, 8443: true, 9100: true}
	for _, p := range []int32{8080, 8443, 3000, 9000, 5000, 8000, 7070, 4000} {
		service[p] = true
	}
	flags := map[int16]bool{0: true, 1: true, 2: true, 3: true, 4: true, 18: true, 19: true}
	dirs := map[flowlog.Direction]int{}
	kinds := map[model.OwnerKind]int{}
	rejects := 0
	for _, r := range recs {
		e := reg.ENI(r.InterfaceID)
		if e == nil {
			t.Fatalf("logged by %s, not an interface of the account", r.InterfaceID)
		}
		kinds[e.Owner.Kind]++
		if !holds(e, r.SrcAddr) && !holds(e, r.DstAddr) {
			t.Errorf("%s logs %s → %s, neither of its addresses", e.ID, r.SrcAddr, r.DstAddr)
		}
		if r.VPCID != e.VPCID || r.SubnetID != e.SubnetID || r.InstanceID != e.InstanceID || r.Version != 5 || r.Region != "ap-northeast-1" {
			t.Errorf("record fields disagree with %s: %+v", e.ID, r)
		}
		if !flags[r.TCPFlags] {
			t.Errorf("tcp-flags %d", r.TCPFlags)
		}
		dirs[r.FlowDirection]++
		lo, hi := min(r.SrcPort, r.DstPort), max(r.SrcPort, r.DstPort)
		if !service[lo] || (r.Protocol == 6 && hi < 1024) {
			t.Errorf("ports %d → %d: no service port and a client port", r.SrcPort, r.DstPort)
		}
		if r.Action == flowlog.ActionReject {
			rejects++
			if (r.DstPort != 22 && r.DstPort != 3389) || r.FlowDirection != flowlog.DirectionIngress || !holds(e, r.DstAddr) {
				t.Errorf("rejected: %+v", r)
			}
		}
	}
	if rejects == 0 || dirs[flowlog.DirectionIngress] == 0 || dirs[flowlog.DirectionEgress] == 0 {
		t.Errorf("rejects %d, directions %v", rejects, dirs)
	}
	for _, k := range []model.OwnerKind{model.OwnerInstance, model.OwnerLoadBalancer, model.OwnerNATGateway, model.OwnerVPCEndpoint, model.OwnerLambda, model.OwnerRDS} {
		if kinds[k] == 0 {
			t.Errorf("no record logged by an interface of %s: %v", k, kinds)
		}
	}
}

func holds(e *model.ENI, a netip.Addr) bool {
	for _, p := range e.Addresses {
		if p.Private == a {
			return true
		}
	}
	for _, x := range e.IPv6 {
		if x == a {
			return true
		}
	}
	return false
}

type sinkFunc func(*flowlog.Record)

func (f sinkFunc) Add(r *flowlog.Record) { f(r) }

// TestWriteFlowLogs: S3's delivery layout, a header in each file, gzip.
func TestWriteFlowLogs(t *testing.T) {
	dir := t.TempDir()
	paths, err := synth.WriteFlowLogs(dir, small, synth.FlowLogOptions{Records: 1000, Files: 3, Gzip: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^AWSLogs/111122223333/vpcflowlogs/ap-northeast-1/2024/06/03/111122223333_vpcflowlogs_ap-northeast-1_fl-0f10f10f10f10f10f_20240603T00(00|05|10)Z_[0-9a-f]{8}\.log\.gz$`)
	if len(paths) != 3 {
		t.Fatalf("%d files", len(paths))
	}
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		if !name.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("file %s", rel)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		f.Close()
		if err != nil || !strings.HasPrefix(string(data), flowlog.HeaderLine(flowlog.DefaultFormat)+"\n") {
			t.Errorf("%s: %v, starts %.60q", rel, err, data)
		}
	}
	srcs, err := flowlog.Files(dir)
	if err != nil || len(srcs) != 3 || srcs[0].Name != paths[0] || srcs[2].Name != paths[2] {
		t.Fatalf("Files: %v, %d", err, len(srcs))
	}
	st, err := flowlog.Read(context.Background(), srcs, flowlog.Options{}, func() flowlog.Sink { return sinkFunc(func(*flowlog.Record) {}) })
	if err != nil || st.Records+st.NoData+st.SkipData != 1000 || st.BadLines != 0 {
		t.Errorf("read: %v, %+v", err, st)
	}
	if _, err := synth.WriteFlowLogs(dir, synth.Size{Instances: 4}, synth.FlowLogOptions{Records: 1}); err == nil {
		t.Error("no error for a plain account")
	}
}
