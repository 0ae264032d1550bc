package fakeaws

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// seventeen are the regions enabled in every account.
var seventeen = defaultRegions

// BenchmarkSeventeenRegions is the latency scenario as the fake
// sees it: the 500-interface synthetic account served in 17 regions with
// 100 ms per request, read by plain SDK clients, regions in parallel and
// each region's calls one after the other (no concurrency inside a region:
// the collector should do better). It measures the fake's share and gives
// a baseline.
//
//	go test ./internal/fakeaws -run '^$' -bench SeventeenRegions -benchtime 1x
func BenchmarkSeventeenRegions(b *testing.B) {
	dir := b.TempDir()
	if err := synth.WriteAccount(dir, synth.Size{VPCs: 2, SecurityGroups: 60, ENIs: 500}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Options{Snapshot: dir, Regions: seventeen, CloneRegion: "ap-northeast-1", Latency: 100 * time.Millisecond, PageSize: 100})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		errs := make(chan error, len(seventeen)*40)
		for _, region := range seventeen {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cfg := sdkConfig(b, srv, region, staticCreds)
				client := ec2.NewFromConfig(cfg)
				for _, lc := range ec2Lists {
					if _, err := lc.read(ctx, client); err != nil {
						errs <- err
					}
				}
				_, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
				errs <- err
				_, err = elbv2.NewFromConfig(cfg).DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
				errs <- err
				_, err = elb.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
				errs <- err
				_, err = rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
				errs <- err
				_, err = elasticache.NewFromConfig(cfg).DescribeCacheClusters(ctx, &elasticache.DescribeCacheClustersInput{})
				errs <- err
				_, err = lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
				errs <- err
				_, err = ecs.NewFromConfig(cfg).ListClusters(ctx, &ecs.ListClustersInput{})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
}
