package fakeaws

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// perResource returns the fixture file of a per-resource call, "" if none.
func perResourcePath(dir, region string, call model.Call, id string) string {
	files := perResourceFiles(filepath.Join(dir, region), string(call), id)
	if len(files) != 1 {
		return ""
	}
	return files[0]
}

// TestServicesMatchFixtures: ELB, ELBv2, RDS, ElastiCache, Lambda and ECS
// calls, through the SDK's paginators, decode to the fixture's items.
func TestServicesMatchFixtures(t *testing.T) {
	ctx := context.Background()
	for name, dir := range fixtureDirs(t) {
		for _, region := range regionsOf(t, dir) {
			t.Run(name+"/"+region, func(t *testing.T) {
				srv, cfg := startFake(t, Options{Snapshot: dir}, region)
				check := func(call model.Call, key string, got any, path string) {
					t.Helper()
					if path == "" {
						path = file(dir, region, string(call))
					}
					sameItems(t, string(call), fixtureIfAny(t, path, key), asJSON(t, got))
				}

				v2 := elbv2.NewFromConfig(cfg)
				var lbs []elbv2types.LoadBalancer
				p1 := elbv2.NewDescribeLoadBalancersPaginator(v2, &elbv2.DescribeLoadBalancersInput{})
				must(t, drain(p1.HasMorePages, func() (*elbv2.DescribeLoadBalancersOutput, error) { return p1.NextPage(ctx) }, func(o *elbv2.DescribeLoadBalancersOutput) { lbs = append(lbs, o.LoadBalancers...) }))
				check(model.CallLoadBalancersV2, "LoadBalancers", lbs, "")
				for _, lb := range lbs {
					var ls []elbv2types.Listener
					p := elbv2.NewDescribeListenersPaginator(v2, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
					must(t, drain(p.HasMorePages, func() (*elbv2.DescribeListenersOutput, error) { return p.NextPage(ctx) }, func(o *elbv2.DescribeListenersOutput) { ls = append(ls, o.Listeners...) }))
					check(model.CallListeners, "Listeners", ls, perResourcePath(dir, region, model.CallListeners, *lb.LoadBalancerArn))
				}
				var tgs []elbv2types.TargetGroup
				p2 := elbv2.NewDescribeTargetGroupsPaginator(v2, &elbv2.DescribeTargetGroupsInput{})
				must(t, drain(p2.HasMorePages, func() (*elbv2.DescribeTargetGroupsOutput, error) { return p2.NextPage(ctx) }, func(o *elbv2.DescribeTargetGroupsOutput) { tgs = append(tgs, o.TargetGroups...) }))
				check(model.CallTargetGroups, "TargetGroups", tgs, "")
				for _, tg := range tgs {
					h, err := v2.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
					must(t, err)
					check(model.CallTargetHealth, "TargetHealthDescriptions", h.TargetHealthDescriptions, perResourcePath(dir, region, model.CallTargetHealth, *tg.TargetGroupArn))
					a, err := v2.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: tg.TargetGroupArn})
					must(t, err)
					check(model.CallTargetGroupAttributes, "Attributes", a.Attributes, perResourcePath(dir, region, model.CallTargetGroupAttributes, *tg.TargetGroupArn))
				}

				var classic []elbtypes.LoadBalancerDescription
				p3 := elb.NewDescribeLoadBalancersPaginator(elb.NewFromConfig(cfg), &elb.DescribeLoadBalancersInput{})
				must(t, drain(p3.HasMorePages, func() (*elb.DescribeLoadBalancersOutput, error) { return p3.NextPage(ctx) }, func(o *elb.DescribeLoadBalancersOutput) {
					classic = append(classic, o.LoadBalancerDescriptions...)
				}))
				check(model.CallClassicLoadBalancers, "LoadBalancerDescriptions", classic, "")

				rc := rds.NewFromConfig(cfg)
				var dbs []rdstypes.DBInstance
				p4 := rds.NewDescribeDBInstancesPaginator(rc, &rds.DescribeDBInstancesInput{})
				must(t, drain(p4.HasMorePages, func() (*rds.DescribeDBInstancesOutput, error) { return p4.NextPage(ctx) }, func(o *rds.DescribeDBInstancesOutput) { dbs = append(dbs, o.DBInstances...) }))
				check(model.CallDBInstances, "DBInstances", dbs, "")
				var clusters []rdstypes.DBCluster
				p5 := rds.NewDescribeDBClustersPaginator(rc, &rds.DescribeDBClustersInput{})
				must(t, drain(p5.HasMorePages, func() (*rds.DescribeDBClustersOutput, error) { return p5.NextPage(ctx) }, func(o *rds.DescribeDBClustersOutput) { clusters = append(clusters, o.DBClusters...) }))
				check(model.CallDBClusters, "DBClusters", clusters, "")

				ec := elasticache.NewFromConfig(cfg)
				var caches []ectypes.CacheCluster
				p6 := elasticache.NewDescribeCacheClustersPaginator(ec, &elasticache.DescribeCacheClustersInput{})
				must(t, drain(p6.HasMorePages, func() (*elasticache.DescribeCacheClustersOutput, error) { return p6.NextPage(ctx) }, func(o *elasticache.DescribeCacheClustersOutput) { caches = append(caches, o.CacheClusters...) }))
				check(model.CallCacheClusters, "CacheClusters", caches, "")
				var groups []ectypes.CacheSubnetGroup
				p7 := elasticache.NewDescribeCacheSubnetGroupsPaginator(ec, &elasticache.DescribeCacheSubnetGroupsInput{})
				must(t, drain(p7.HasMorePages, func() (*elasticache.DescribeCacheSubnetGroupsOutput, error) { return p7.NextPage(ctx) }, func(o *elasticache.DescribeCacheSubnetGroupsOutput) {
					groups = append(groups, o.CacheSubnetGroups...)
				}))
				check(model.CallCacheSubnetGroups, "CacheSubnetGroups", groups, "")

				var fns []lambdatypes.FunctionConfiguration
				p8 := lambda.NewListFunctionsPaginator(lambda.NewFromConfig(cfg), &lambda.ListFunctionsInput{})
				must(t, drain(p8.HasMorePages, func() (*lambda.ListFunctionsOutput, error) { return p8.NextPage(ctx) }, func(o *lambda.ListFunctionsOutput) { fns = append(fns, o.Functions...) }))
				check(model.CallLambdaFunctions, "Functions", fns, "")

				checkECS(t, ctx, ecs.NewFromConfig(cfg), dir, region)
				if len(dbs) > 2 && count(srv, "DescribeDBInstances", region) < 2 {
					t.Errorf("%d DB instances in pages of 2 took one request", len(dbs))
				}
			})
		}
	}
}

// checkECS lists clusters, their services and tasks, and describes them, as
// the collector does.
func checkECS(t *testing.T, ctx context.Context, c *ecs.Client, dir, region string) {
	t.Helper()
	var clusters []string
	p := ecs.NewListClustersPaginator(c, &ecs.ListClustersInput{})
	must(t, drain(p.HasMorePages, func() (*ecs.ListClustersOutput, error) { return p.NextPage(ctx) }, func(o *ecs.ListClustersOutput) { clusters = append(clusters, o.ClusterArns...) }))
	sameItems(t, "clusters", fixtureIfAny(t, file(dir, region, string(model.CallECSClusters)), "clusterArns"), asJSON(t, clusters))
	for _, cl := range clusters {
		var services []string
		ps := ecs.NewListServicesPaginator(c, &ecs.ListServicesInput{Cluster: &cl})
		must(t, drain(ps.HasMorePages, func() (*ecs.ListServicesOutput, error) { return ps.NextPage(ctx) }, func(o *ecs.ListServicesOutput) { services = append(services, o.ServiceArns...) }))
		if f := perResourcePath(dir, region, model.CallECSServicesList, cl); f != "" {
			sameItems(t, "services of "+cl, fixture(t, f, "serviceArns"), asJSON(t, services))
		}
		wantServices := fixtureIfAny(t, perResourcePathOr(dir, region, model.CallECSServices, cl), "services")
		if len(services) != len(wantServices) {
			t.Errorf("%s: ListServices answered %d services, the describe file has %d", cl, len(services), len(wantServices))
		}
		if len(services) > 0 {
			out, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &cl, Services: services})
			must(t, err)
			sameItems(t, "described services of "+cl, wantServices, asJSON(t, out.Services))
		}
		var tasks []string
		pt := ecs.NewListTasksPaginator(c, &ecs.ListTasksInput{Cluster: &cl})
		must(t, drain(pt.HasMorePages, func() (*ecs.ListTasksOutput, error) { return pt.NextPage(ctx) }, func(o *ecs.ListTasksOutput) { tasks = append(tasks, o.TaskArns...) }))
		wantTasks := ecsTasksFixture(t, dir, region, cl)
		if len(tasks) != len(wantTasks) {
			t.Errorf("%s: ListTasks answered %d tasks, the describe files have %d", cl, len(tasks), len(wantTasks))
		}
		if len(tasks) > 0 {
			out, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: &cl, Tasks: tasks})
			must(t, err)
			sameItems(t, "described tasks of "+cl, wantTasks, asJSON(t, out.Tasks))
			if len(out.Tasks) > 0 && len(out.Tasks[0].Attachments) == 0 {
				t.Errorf("task %s decoded without its attachments", *out.Tasks[0].TaskArn)
			}
		}
	}
}

func perResourcePathOr(dir, region string, call model.Call, id string) string {
	if p := perResourcePath(dir, region, call, id); p != "" {
		return p
	}
	return filepath.Join(dir, region, string(call), "absent")
}

// ecsTasksFixture reads the described tasks of a cluster: one file, or
// CloudMapper's folder of one file per task.
func ecsTasksFixture(t *testing.T, dir, region, cluster string) []any {
	var out []any
	for _, f := range perResourceFiles(filepath.Join(dir, region), string(model.CallECSTasks), cluster) {
		out = append(out, fixture(t, f, "tasks")...)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
