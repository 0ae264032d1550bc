package awsapi

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/fakeaws"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// seventeenRegions are AWS's commercial regions enabled by default.
var seventeenRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// BenchmarkCollectSeventeenRegions is the speed target: every call
// of a 500-ENI account (internal/synth's realistic account) in 17 regions,
// 100 ms of latency added to every request, 100 items a page, written to
// disk; under 10 s an operation.
//
//	go test ./internal/awsapi -run '^$' -bench CollectSeventeenRegions -benchtime 1x
func BenchmarkCollectSeventeenRegions(b *testing.B) {
	fakeaws.IsolateEnv(b)
	src := filepath.Join(b.TempDir(), "account")
	if err := synth.WriteAccount(src, synth.Size{VPCs: 2, SecurityGroups: 60, ENIs: 500}); err != nil {
		b.Fatal(err)
	}
	srv := fakeaws.Start(b, fakeaws.Options{Snapshot: src, Regions: seventeenRegions, CloneRegion: "ap-northeast-1", Latency: 100 * time.Millisecond, PageSize: 100})
	var res *CollectResult
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := newDiskOutput(b)
		var err error
		res, err = Collect(context.Background(), out.options(CollectOptions{Scope: livescope.Scope{Regions: seventeenRegions, Endpoint: srv.URL()}}))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Errors) > 0 {
			b.Fatalf("%d calls failed: %+v", len(res.Errors), res.Errors[0])
		}
		b.StopTimer()
		if _, err := os.Stat(filepath.Join(out.dir, "us-west-2", "ec2-describe-network-interfaces.json")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(res.Calls), "calls/op")
	b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
}
