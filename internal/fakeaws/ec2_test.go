package fakeaws

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// drain follows a paginator to its end.
func drain[O any](more func() bool, next func() (O, error), add func(O)) error {
	for more() {
		o, err := next()
		if err != nil {
			return err
		}
		add(o)
	}
	return nil
}

// ec2Lists reads every regional EC2 list call through the SDK's paginators.
var ec2Lists = []struct {
	call model.Call
	key  string
	read func(context.Context, *ec2.Client) (any, error)
}{
	{model.CallVPCs, "Vpcs", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.Vpc
		p := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{})
		return all, drain(p.HasMorePages, func() (*ec2.DescribeVpcsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeVpcsOutput) { all = append(all, o.Vpcs...) })
	}},
	{model.CallSubnets, "Subnets", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.Subnet
		p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeSubnetsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeSubnetsOutput) { all = append(all, o.Subnets...) })
		return all, err
	}},
	{model.CallRouteTables, "RouteTables", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.RouteTable
		p := ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeRouteTablesOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeRouteTablesOutput) { all = append(all, o.RouteTables...) })
		return all, err
	}},
	{model.CallInternetGateways, "InternetGateways", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.InternetGateway
		p := ec2.NewDescribeInternetGatewaysPaginator(c, &ec2.DescribeInternetGatewaysInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeInternetGatewaysOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeInternetGatewaysOutput) { all = append(all, o.InternetGateways...) })
		return all, err
	}},
	{model.CallEgressOnlyIGWs, "EgressOnlyInternetGateways", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.EgressOnlyInternetGateway
		p := ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(c, &ec2.DescribeEgressOnlyInternetGatewaysInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeEgressOnlyInternetGatewaysOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) {
			all = append(all, o.EgressOnlyInternetGateways...)
		})
		return all, err
	}},
	{model.CallNATGateways, "NatGateways", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.NatGateway
		p := ec2.NewDescribeNatGatewaysPaginator(c, &ec2.DescribeNatGatewaysInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeNatGatewaysOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeNatGatewaysOutput) { all = append(all, o.NatGateways...) })
		return all, err
	}},
	{model.CallNetworkACLs, "NetworkAcls", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.NetworkAcl
		p := ec2.NewDescribeNetworkAclsPaginator(c, &ec2.DescribeNetworkAclsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeNetworkAclsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeNetworkAclsOutput) { all = append(all, o.NetworkAcls...) })
		return all, err
	}},
	{model.CallSecurityGroups, "SecurityGroups", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.SecurityGroup
		p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeSecurityGroupsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeSecurityGroupsOutput) { all = append(all, o.SecurityGroups...) })
		return all, err
	}},
	{model.CallNetworkInterfaces, "NetworkInterfaces", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.NetworkInterface
		p := ec2.NewDescribeNetworkInterfacesPaginator(c, &ec2.DescribeNetworkInterfacesInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeNetworkInterfacesOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeNetworkInterfacesOutput) { all = append(all, o.NetworkInterfaces...) })
		return all, err
	}},
	{model.CallInstances, "Reservations", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.Reservation
		p := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeInstancesOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeInstancesOutput) { all = append(all, o.Reservations...) })
		return all, err
	}},
	{model.CallVPCEndpoints, "VpcEndpoints", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.VpcEndpoint
		p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeVpcEndpointsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeVpcEndpointsOutput) { all = append(all, o.VpcEndpoints...) })
		return all, err
	}},
	{model.CallPeeringConnections, "VpcPeeringConnections", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.VpcPeeringConnection
		p := ec2.NewDescribeVpcPeeringConnectionsPaginator(c, &ec2.DescribeVpcPeeringConnectionsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeVpcPeeringConnectionsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeVpcPeeringConnectionsOutput) {
			all = append(all, o.VpcPeeringConnections...)
		})
		return all, err
	}},
	{model.CallManagedPrefixLists, "PrefixLists", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.ManagedPrefixList
		p := ec2.NewDescribeManagedPrefixListsPaginator(c, &ec2.DescribeManagedPrefixListsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeManagedPrefixListsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeManagedPrefixListsOutput) { all = append(all, o.PrefixLists...) })
		return all, err
	}},
	{model.CallFlowLogs, "FlowLogs", func(ctx context.Context, c *ec2.Client) (any, error) {
		var all []types.FlowLog
		p := ec2.NewDescribeFlowLogsPaginator(c, &ec2.DescribeFlowLogsInput{})
		err := drain(p.HasMorePages, func() (*ec2.DescribeFlowLogsOutput, error) { return p.NextPage(ctx) }, func(o *ec2.DescribeFlowLogsOutput) { all = append(all, o.FlowLogs...) })
		return all, err
	}},
}

// TestEC2MatchesFixtures: every EC2 call, followed through the SDK's
// paginators, decodes to exactly the fixture's items.
func TestEC2MatchesFixtures(t *testing.T) {
	for name, dir := range fixtureDirs(t) {
		for _, region := range regionsOf(t, dir) {
			t.Run(name+"/"+region, func(t *testing.T) {
				srv, cfg := startFake(t, Options{Snapshot: dir}, region)
				client := ec2.NewFromConfig(cfg)
				ctx := context.Background()
				for _, lc := range ec2Lists {
					got, err := lc.read(ctx, client)
					if err != nil {
						t.Fatalf("%s: %v", lc.call, err)
					}
					path := file(dir, region, string(lc.call))
					if _, err := os.Stat(path); err != nil {
						if n := len(asJSON(t, got)); n != 0 {
							t.Errorf("%s: no fixture file, yet the fake answered %d items", lc.call, n)
						}
						continue
					}
					want := fixture(t, path, lc.key)
					sameItems(t, string(lc.call), want, asJSON(t, got))
					if len(want) > 2 && count(srv, operationName(lc.call), region) < 2 {
						t.Errorf("%s: %d items in pages of 2 took %d request(s)", lc.call, len(want), count(srv, operationName(lc.call), region))
					}
				}
				// Per prefix list: its entries.
				for _, pl := range fixtureIfAny(t, file(dir, region, string(model.CallManagedPrefixLists)), "PrefixLists") {
					id := pl.(map[string]any)["PrefixListId"].(string)
					var got []types.PrefixListEntry
					p := ec2.NewGetManagedPrefixListEntriesPaginator(client, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: &id})
					if err := drain(p.HasMorePages, func() (*ec2.GetManagedPrefixListEntriesOutput, error) { return p.NextPage(ctx) }, func(o *ec2.GetManagedPrefixListEntriesOutput) { got = append(got, o.Entries...) }); err != nil {
						t.Fatal(err)
					}
					path := filepath.Join(dir, region, string(model.CallPrefixListEntries), url.PathEscape(id))
					if _, err := os.Stat(path); err != nil {
						if len(got) != 0 {
							t.Errorf("%s: no entries file, yet %d entries", id, len(got))
						}
						continue
					}
					sameItems(t, "entries of "+id, fixture(t, path, "Entries"), asJSON(t, got))
				}
			})
		}
	}
}

// operationName is the API operation of a call: ec2-describe-vpcs →
// DescribeVpcs.
func operationName(c model.Call) string {
	for name, spec := range operations {
		if spec.call == c {
			_, op, _ := strings.Cut(name, ".")
			return op
		}
	}
	return ""
}
