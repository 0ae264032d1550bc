package awsapi

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ecachetypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
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

// regionalCall is one call of model.Calls made once per region: how to
// make it (every page), and the per-resource calls its result leads to.
type regionalCall struct {
	call    model.Call
	service string // the semaphore's and the IAM action's service prefix
	run     func(ctx context.Context, r *regionRun) (any, error)
	// then starts the per-resource calls for the result run returned.
	then func(r *regionRun, out any)
}

// regionalCalls is every regional call of model.Calls, in its order.
var regionalCalls = []regionalCall{
	{call: model.CallVPCs, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{}}
		return out, drain(ctx, r, ec2.NewDescribeVpcsPaginator(r.ec2, &ec2.DescribeVpcsInput{}), func(o *ec2.DescribeVpcsOutput) { out.Vpcs = append(out.Vpcs, o.Vpcs...) })
	}},
	{call: model.CallSubnets, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeSubnetsOutput{Subnets: []ec2types.Subnet{}}
		return out, drain(ctx, r, ec2.NewDescribeSubnetsPaginator(r.ec2, &ec2.DescribeSubnetsInput{}), func(o *ec2.DescribeSubnetsOutput) { out.Subnets = append(out.Subnets, o.Subnets...) })
	}},
	{call: model.CallRouteTables, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{}}
		return out, drain(ctx, r, ec2.NewDescribeRouteTablesPaginator(r.ec2, &ec2.DescribeRouteTablesInput{}), func(o *ec2.DescribeRouteTablesOutput) { out.RouteTables = append(out.RouteTables, o.RouteTables...) })
	}},
	{call: model.CallInternetGateways, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeInternetGatewaysOutput{InternetGateways: []ec2types.InternetGateway{}}
		return out, drain(ctx, r, ec2.NewDescribeInternetGatewaysPaginator(r.ec2, &ec2.DescribeInternetGatewaysInput{}), func(o *ec2.DescribeInternetGatewaysOutput) {
			out.InternetGateways = append(out.InternetGateways, o.InternetGateways...)
		})
	}},
	{call: model.CallEgressOnlyIGWs, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeEgressOnlyInternetGatewaysOutput{EgressOnlyInternetGateways: []ec2types.EgressOnlyInternetGateway{}}
		return out, drain(ctx, r, ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(r.ec2, &ec2.DescribeEgressOnlyInternetGatewaysInput{}), func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) {
			out.EgressOnlyInternetGateways = append(out.EgressOnlyInternetGateways, o.EgressOnlyInternetGateways...)
		})
	}},
	{call: model.CallNATGateways, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeNatGatewaysOutput{NatGateways: []ec2types.NatGateway{}}
		return out, drain(ctx, r, ec2.NewDescribeNatGatewaysPaginator(r.ec2, &ec2.DescribeNatGatewaysInput{}), func(o *ec2.DescribeNatGatewaysOutput) { out.NatGateways = append(out.NatGateways, o.NatGateways...) })
	}},
	{call: model.CallNetworkACLs, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeNetworkAclsOutput{NetworkAcls: []ec2types.NetworkAcl{}}
		return out, drain(ctx, r, ec2.NewDescribeNetworkAclsPaginator(r.ec2, &ec2.DescribeNetworkAclsInput{}), func(o *ec2.DescribeNetworkAclsOutput) { out.NetworkAcls = append(out.NetworkAcls, o.NetworkAcls...) })
	}},
	{call: model.CallSecurityGroups, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeSecurityGroupsOutput{SecurityGroups: []ec2types.SecurityGroup{}}
		return out, drain(ctx, r, ec2.NewDescribeSecurityGroupsPaginator(r.ec2, &ec2.DescribeSecurityGroupsInput{}), func(o *ec2.DescribeSecurityGroupsOutput) {
			out.SecurityGroups = append(out.SecurityGroups, o.SecurityGroups...)
		})
	}},
	{call: model.CallNetworkInterfaces, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: []ec2types.NetworkInterface{}}
		return out, drain(ctx, r, ec2.NewDescribeNetworkInterfacesPaginator(r.ec2, &ec2.DescribeNetworkInterfacesInput{}), func(o *ec2.DescribeNetworkInterfacesOutput) {
			out.NetworkInterfaces = append(out.NetworkInterfaces, o.NetworkInterfaces...)
		})
	}},
	{call: model.CallInstances, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{}}
		return out, drain(ctx, r, ec2.NewDescribeInstancesPaginator(r.ec2, &ec2.DescribeInstancesInput{}), func(o *ec2.DescribeInstancesOutput) { out.Reservations = append(out.Reservations, o.Reservations...) })
	}},
	{call: model.CallVPCEndpoints, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeVpcEndpointsOutput{VpcEndpoints: []ec2types.VpcEndpoint{}}
		return out, drain(ctx, r, ec2.NewDescribeVpcEndpointsPaginator(r.ec2, &ec2.DescribeVpcEndpointsInput{}), func(o *ec2.DescribeVpcEndpointsOutput) {
			out.VpcEndpoints = append(out.VpcEndpoints, o.VpcEndpoints...)
		})
	}},
	{call: model.CallPeeringConnections, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: []ec2types.VpcPeeringConnection{}}
		return out, drain(ctx, r, ec2.NewDescribeVpcPeeringConnectionsPaginator(r.ec2, &ec2.DescribeVpcPeeringConnectionsInput{}), func(o *ec2.DescribeVpcPeeringConnectionsOutput) {
			out.VpcPeeringConnections = append(out.VpcPeeringConnections, o.VpcPeeringConnections...)
		})
	}},
	{call: model.CallManagedPrefixLists, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeManagedPrefixListsOutput{PrefixLists: []ec2types.ManagedPrefixList{}}
		return out, drain(ctx, r, ec2.NewDescribeManagedPrefixListsPaginator(r.ec2, &ec2.DescribeManagedPrefixListsInput{}), func(o *ec2.DescribeManagedPrefixListsOutput) {
			out.PrefixLists = append(out.PrefixLists, o.PrefixLists...)
		})
	}, then: func(r *regionRun, out any) {
		for _, pl := range out.(*ec2.DescribeManagedPrefixListsOutput).PrefixLists {
			id := aws.ToString(pl.PrefixListId)
			r.perResource(model.CallPrefixListEntries, "ec2", id, func(ctx context.Context) (any, error) {
				out := &ec2.GetManagedPrefixListEntriesOutput{Entries: []ec2types.PrefixListEntry{}}
				return out, drain(ctx, r, ec2.NewGetManagedPrefixListEntriesPaginator(r.ec2, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String(id)}), func(o *ec2.GetManagedPrefixListEntriesOutput) {
					out.Entries = append(out.Entries, o.Entries...)
				})
			})
		}
	}},
	{call: model.CallFlowLogs, service: "ec2", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ec2.DescribeFlowLogsOutput{FlowLogs: []ec2types.FlowLog{}}
		return out, drain(ctx, r, ec2.NewDescribeFlowLogsPaginator(r.ec2, &ec2.DescribeFlowLogsInput{}), func(o *ec2.DescribeFlowLogsOutput) { out.FlowLogs = append(out.FlowLogs, o.FlowLogs...) })
	}},
	{call: model.CallLoadBalancersV2, service: "elasticloadbalancing", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &elbv2.DescribeLoadBalancersOutput{LoadBalancers: []elbv2types.LoadBalancer{}}
		return out, drain(ctx, r, elbv2.NewDescribeLoadBalancersPaginator(r.elbv2, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(400)}), func(o *elbv2.DescribeLoadBalancersOutput) {
			out.LoadBalancers = append(out.LoadBalancers, o.LoadBalancers...)
		})
	}, then: func(r *regionRun, out any) {
		for _, lb := range out.(*elbv2.DescribeLoadBalancersOutput).LoadBalancers {
			arn := aws.ToString(lb.LoadBalancerArn)
			r.perResource(model.CallListeners, "elasticloadbalancing", arn, func(ctx context.Context) (any, error) {
				out := &elbv2.DescribeListenersOutput{Listeners: []elbv2types.Listener{}}
				return out, drain(ctx, r, elbv2.NewDescribeListenersPaginator(r.elbv2, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(arn), PageSize: aws.Int32(400)}), func(o *elbv2.DescribeListenersOutput) {
					out.Listeners = append(out.Listeners, o.Listeners...)
				})
			})
		}
	}},
	{call: model.CallTargetGroups, service: "elasticloadbalancing", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &elbv2.DescribeTargetGroupsOutput{TargetGroups: []elbv2types.TargetGroup{}}
		return out, drain(ctx, r, elbv2.NewDescribeTargetGroupsPaginator(r.elbv2, &elbv2.DescribeTargetGroupsInput{PageSize: aws.Int32(400)}), func(o *elbv2.DescribeTargetGroupsOutput) {
			out.TargetGroups = append(out.TargetGroups, o.TargetGroups...)
		})
	}, then: func(r *regionRun, out any) {
		for _, tg := range out.(*elbv2.DescribeTargetGroupsOutput).TargetGroups {
			arn := aws.ToString(tg.TargetGroupArn)
			r.perResource(model.CallTargetHealth, "elasticloadbalancing", arn, func(ctx context.Context) (any, error) {
				out, err := once(ctx, r, func(ctx context.Context) (*elbv2.DescribeTargetHealthOutput, error) {
					return r.elbv2.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
				})
				if out != nil && out.TargetHealthDescriptions == nil {
					out.TargetHealthDescriptions = []elbv2types.TargetHealthDescription{}
				}
				return out, err
			})
			r.perResource(model.CallTargetGroupAttributes, "elasticloadbalancing", arn, func(ctx context.Context) (any, error) {
				out, err := once(ctx, r, func(ctx context.Context) (*elbv2.DescribeTargetGroupAttributesOutput, error) {
					return r.elbv2.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(arn)})
				})
				if out != nil && out.Attributes == nil {
					out.Attributes = []elbv2types.TargetGroupAttribute{}
				}
				return out, err
			})
		}
	}},
	{call: model.CallClassicLoadBalancers, service: "elasticloadbalancing", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &elb.DescribeLoadBalancersOutput{LoadBalancerDescriptions: []elbtypes.LoadBalancerDescription{}}
		return out, drain(ctx, r, elb.NewDescribeLoadBalancersPaginator(r.elb, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(400)}), func(o *elb.DescribeLoadBalancersOutput) {
			out.LoadBalancerDescriptions = append(out.LoadBalancerDescriptions, o.LoadBalancerDescriptions...)
		})
	}},
	{call: model.CallDBInstances, service: "rds", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{}}
		return out, drain(ctx, r, rds.NewDescribeDBInstancesPaginator(r.rds, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)}), func(o *rds.DescribeDBInstancesOutput) {
			out.DBInstances = append(out.DBInstances, o.DBInstances...)
		})
	}},
	{call: model.CallDBClusters, service: "rds", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &rds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{}}
		return out, drain(ctx, r, rds.NewDescribeDBClustersPaginator(r.rds, &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(100)}), func(o *rds.DescribeDBClustersOutput) {
			out.DBClusters = append(out.DBClusters, o.DBClusters...)
		})
	}},
	{call: model.CallCacheClusters, service: "elasticache", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &elasticache.DescribeCacheClustersOutput{CacheClusters: []ecachetypes.CacheCluster{}}
		in := &elasticache.DescribeCacheClustersInput{ShowCacheNodeInfo: aws.Bool(true), MaxRecords: aws.Int32(100)}
		return out, drain(ctx, r, elasticache.NewDescribeCacheClustersPaginator(r.elasticache, in), func(o *elasticache.DescribeCacheClustersOutput) {
			out.CacheClusters = append(out.CacheClusters, o.CacheClusters...)
		})
	}},
	{call: model.CallCacheSubnetGroups, service: "elasticache", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &elasticache.DescribeCacheSubnetGroupsOutput{CacheSubnetGroups: []ecachetypes.CacheSubnetGroup{}}
		return out, drain(ctx, r, elasticache.NewDescribeCacheSubnetGroupsPaginator(r.elasticache, &elasticache.DescribeCacheSubnetGroupsInput{MaxRecords: aws.Int32(100)}), func(o *elasticache.DescribeCacheSubnetGroupsOutput) {
			out.CacheSubnetGroups = append(out.CacheSubnetGroups, o.CacheSubnetGroups...)
		})
	}},
	{call: model.CallLambdaFunctions, service: "lambda", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{}}
		return out, drain(ctx, r, lambda.NewListFunctionsPaginator(r.lambda, &lambda.ListFunctionsInput{MaxItems: aws.Int32(50)}), func(o *lambda.ListFunctionsOutput) { out.Functions = append(out.Functions, o.Functions...) })
	}},
	{call: model.CallECSClusters, service: "ecs", run: func(ctx context.Context, r *regionRun) (any, error) {
		out := &ecs.ListClustersOutput{ClusterArns: []string{}}
		return out, drain(ctx, r, ecs.NewListClustersPaginator(r.ecs, &ecs.ListClustersInput{MaxResults: aws.Int32(100)}), func(o *ecs.ListClustersOutput) { out.ClusterArns = append(out.ClusterArns, o.ClusterArns...) })
	}, then: func(r *regionRun, out any) {
		for _, cluster := range out.(*ecs.ListClustersOutput).ClusterArns {
			r.ecsServices(cluster)
			r.ecsTasks(cluster)
		}
	}},
}

// ecsServices lists a cluster's services, then describes them 10 a call
// (DescribeServices' limit) with their tags. The batches' results go to one
// file per cluster, {"services": [...], "failures": [...]}: what the CLI
// prints for one batch, and what the loader reads for many.
func (r *regionRun) ecsServices(cluster string) {
	r.perResourceThen(model.CallECSServicesList, "ecs", cluster, func(ctx context.Context) (any, error) {
		out := &ecs.ListServicesOutput{ServiceArns: []string{}}
		return out, drain(ctx, r, ecs.NewListServicesPaginator(r.ecs, &ecs.ListServicesInput{Cluster: aws.String(cluster), MaxResults: aws.Int32(100)}), func(o *ecs.ListServicesOutput) {
			out.ServiceArns = append(out.ServiceArns, o.ServiceArns...)
		})
	}, model.CallECSServices, func(list any) {
		arns := list.(*ecs.ListServicesOutput).ServiceArns
		if len(arns) == 0 {
			return // nothing to describe: the list says so
		}
		r.perResource(model.CallECSServices, "ecs", cluster, func(ctx context.Context) (any, error) {
			all := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{}, Failures: []ecstypes.Failure{}}
			for batch := range slices.Chunk(arns, 10) {
				out, err := once(ctx, r, func(ctx context.Context) (*ecs.DescribeServicesOutput, error) {
					return r.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: batch, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
				})
				if err != nil {
					return nil, err
				}
				all.Services = append(all.Services, out.Services...)
				all.Failures = append(all.Failures, out.Failures...)
			}
			return all, nil
		})
	})
}

// ecsTasks lists a cluster's running tasks, then describes them 100 a call
// (DescribeTasks' limit), into one file per cluster as ecsServices does.
func (r *regionRun) ecsTasks(cluster string) {
	r.perResourceThen(model.CallECSTasksList, "ecs", cluster, func(ctx context.Context) (any, error) {
		out := &ecs.ListTasksOutput{TaskArns: []string{}}
		return out, drain(ctx, r, ecs.NewListTasksPaginator(r.ecs, &ecs.ListTasksInput{Cluster: aws.String(cluster), MaxResults: aws.Int32(100)}), func(o *ecs.ListTasksOutput) {
			out.TaskArns = append(out.TaskArns, o.TaskArns...)
		})
	}, model.CallECSTasks, func(list any) {
		arns := list.(*ecs.ListTasksOutput).TaskArns
		if len(arns) == 0 {
			return
		}
		r.perResource(model.CallECSTasks, "ecs", cluster, func(ctx context.Context) (any, error) {
			all := &ecs.DescribeTasksOutput{Tasks: []ecstypes.Task{}, Failures: []ecstypes.Failure{}}
			for batch := range slices.Chunk(arns, 100) {
				out, err := once(ctx, r, func(ctx context.Context) (*ecs.DescribeTasksOutput, error) {
					return r.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: batch, Include: []ecstypes.TaskField{ecstypes.TaskFieldTags}})
				})
				if err != nil {
					return nil, err
				}
				all.Tasks = append(all.Tasks, out.Tasks...)
				all.Failures = append(all.Failures, out.Failures...)
			}
			return all, nil
		})
	})
}
