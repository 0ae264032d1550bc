package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The tests in this file read the third-party corpus (shared/corpus, see its
// README.md): CloudMapper's demo account, the AWS CLI's documented example
// outputs and botocore's example responses. Corpus files are read in place
// and copied only into temp dirs, never into the repository.

// TestCloudMapperDemo loads CloudMapper's demo account as CloudMapper's
// collect saved it.
func TestCloudMapperDemo(t *testing.T) {
	dir := corpus(t, "cloudmapper-demo/account-data-demo")
	inv, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(inv.Accounts) != 1 {
		t.Fatalf("got %d accounts, want 1", len(inv.Accounts))
	}
	acct := inv.Accounts[0]
	// CloudMapper saves sts-get-caller-identity.json in the region folder.
	if acct.ID != "123456789012" || acct.Name != "account-data-demo" {
		t.Errorf("account = %q (%q), want 123456789012 (account-data-demo)", acct.ID, acct.Name)
	}
	if got := ids(acct.Regions, func(r *model.Region) string { return r.Name }); !slices.Equal(got, []string{"us-east-1"}) {
		t.Fatalf("regions = %q, want [us-east-1]", got)
	}
	r := acct.Regions[0]
	if r.Account != "123456789012" {
		t.Errorf("region's account = %q, want 123456789012", r.Account)
	}

	sameSet(t, "VPCs", ids(r.VPCs, func(v *model.VPC) string { return v.ID }), []string{"vpc-12345678"})
	sameSet(t, "security groups", ids(r.SecurityGroups, func(g *model.SecurityGroup) string { return g.ID }),
		[]string{"sg-00000001", "sg-00000002", "sg-00000003", "sg-00000004", "sg-00000005", "sg-00000006", "sg-00000007", "sg-00000008"})
	sameSet(t, "instances", resourceIDs(r, model.KindInstance), []string{"i-00000000000000000", "i-00000000000000001", "i-00000000000000002"})
	sameSet(t, "load balancers", resourceIDs(r, model.KindLoadBalancer), []string{"webalb", "weblb"})
	sameSet(t, "DB instances", resourceIDs(r, model.KindDBInstance), []string{"database"})

	// The three instances all claim eni-00000000, which the ENI list lacks:
	// each keeps its own description, in its own subnet, and a note says so.
	subnetOf := map[string]string{}
	for _, id := range resourceIDs(r, model.KindInstance) {
		inst := r.Resource(model.KindInstance, id)
		if len(inst.ENIs) != 1 || inst.ENIs[0].ID != "eni-00000000" {
			t.Errorf("%s: ENIs = %q, want its own eni-00000000", id, ids(inst.ENIs, func(e *model.ENI) string { return e.ID }))
			continue
		}
		e := inst.ENIs[0]
		if e.Owner.Resource != inst || e.Owner.Kind != model.OwnerInstance {
			t.Errorf("%s: its interface's owner is %+v", id, e.Owner)
		}
		subnetOf[id] = e.SubnetID
	}
	wantSubnets := map[string]string{"i-00000000000000000": "subnet-00000001", "i-00000000000000001": "subnet-00000003", "i-00000000000000002": "subnet-00000004"}
	if fmt.Sprint(subnetOf) != fmt.Sprint(wantSubnets) {
		t.Errorf("instance interfaces' subnets = %v, want %v", subnetOf, wantSubnets)
	}
	shared := 0
	for _, e := range r.ENIs {
		if e.ID == "eni-00000000" {
			shared++
		}
	}
	if shared != 3 {
		t.Errorf("region holds %d interfaces eni-00000000, want 3 (one per instance)", shared)
	}
	if notes := notesAbout(r, "eni-00000000"); len(notes) != 1 || !strings.Contains(notes[0], "claimed by 3 resources") {
		t.Errorf("notes about eni-00000000 = %q, want one saying it is claimed by 3 resources", notes)
	}

	// The Fargate task's interface is in the ENI list and in the task's
	// attachment: one interface, attributed to the task.
	task := r.Resource(model.KindECSTask, "arn:aws:ecs:us-east-1:123456789012:task/d190d14a-2404-45d6-9113-4eda22d7f2c7")
	if task == nil {
		t.Fatalf("ECS task not loaded; resources: %q", ids(r.Resources, func(x *model.Resource) string { return x.ID }))
	}
	eni := r.ENI("eni-00000001")
	if eni == nil {
		t.Fatal("eni-00000001 not loaded")
	}
	if eni.Owner.Kind != model.OwnerECSTask || eni.Owner.Resource != task {
		t.Errorf("eni-00000001 owner = %s %q (resource %p), want the ECS task %p", eni.Owner.Kind, eni.Owner.ID, eni.Owner.Resource, task)
	}
	if len(task.ENIs) != 1 || task.ENIs[0] != eni {
		t.Errorf("task's ENIs = %q, want [eni-00000001] as listed", ids(task.ENIs, func(e *model.ENI) string { return e.ID }))
	}
	if eni.Origin != string(model.CallNetworkInterfaces) {
		t.Errorf("eni-00000001 origin = %q, want the ENI list's description", eni.Origin)
	}
	if task.ECS == nil || task.ECS.Cluster != "arn:aws:ecs:us-east-1:123456789012:cluster/myecs" || task.ECS.LaunchType != "FARGATE" {
		t.Errorf("task ECS info = %+v", task.ECS)
	}

	fn := r.Resource(model.KindLambda, "invpclambda")
	if fn == nil {
		t.Fatal("Lambda function invpclambda not loaded")
	}
	if !slices.Equal(fn.SubnetIDs, []string{"subnet-00000003", "subnet-00000004"}) || fn.VPCID != "vpc-12345678" {
		t.Errorf("invpclambda: VPC %s subnets %q, want vpc-12345678 [subnet-00000003 subnet-00000004]", fn.VPCID, fn.SubnetIDs)
	}
	if !slices.Equal(fn.SecurityGroupIDs, []string{"sg-09920178"}) {
		t.Errorf("invpclambda groups = %q", fn.SecurityGroupIDs)
	}
	if notes := notesAbout(r, "sg-09920178"); len(notes) != 1 || !strings.Contains(notes[0], "invpclambda") || !strings.Contains(notes[0], "not in ec2-describe-security-groups") {
		t.Errorf("notes about sg-09920178 = %q, want one saying invpclambda uses it but it is absent", notes)
	}

	// What the demo lacks is reported, never taken as "none".
	for _, call := range []model.Call{model.CallRouteTables, model.CallNetworkACLs, model.CallNATGateways, model.CallInternetGateways,
		model.CallEgressOnlyIGWs, model.CallManagedPrefixLists, model.CallTargetGroups, model.CallDBClusters, model.CallCacheClusters, model.CallFlowLogs} {
		if r.Coverage.Has(call) {
			t.Errorf("Coverage.Has(%s) = true, but the demo has no such file", call)
		}
		if m := missing(r, call); len(m) != 1 || m[0].Reason != "not collected" || m[0].Resource != "" {
			t.Errorf("Coverage.Missing for %s = %+v, want one 'not collected'", call, m)
		}
	}
	for _, call := range []model.Call{model.CallVPCs, model.CallSubnets, model.CallSecurityGroups, model.CallNetworkInterfaces, model.CallInstances,
		model.CallVPCEndpoints, model.CallPeeringConnections, model.CallLoadBalancersV2, model.CallClassicLoadBalancers, model.CallDBInstances,
		model.CallLambdaFunctions, model.CallECSClusters} {
		if !r.Coverage.Has(call) {
			t.Errorf("Coverage.Has(%s) = false, but the demo has the file", call)
		}
	}
	// Per-resource calls missing for the resources the lists name.
	if m := missing(r, model.CallListeners); len(m) != 1 || m[0].Resource != "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/qwerty" {
		t.Errorf("missing listeners = %+v, want the ALB's", m)
	}
	if m := missing(r, model.CallECSServices); len(m) != 1 || m[0].Resource != "arn:aws:ecs:us-east-1:123456789012:cluster/myecs" {
		t.Errorf("missing ECS services = %+v, want cluster myecs's", m)
	}
	if m := missing(r, model.CallECSTasks); len(m) != 0 {
		t.Errorf("missing ECS tasks = %+v, want none (the demo has them)", m)
	}
	// The cache subnet groups call is optional: never reported.
	if m := missing(r, model.CallCacheSubnetGroups); len(m) != 0 {
		t.Errorf("optional call reported missing: %+v", m)
	}
}

// A sample is one documented output of a call the loader reads.
type sample struct {
	name string // e.g. "awscli/ec2/describe-vpcs/example-1.json"
	call model.Call
	data []byte
	// hint is a parent resource ID the example's command or input names
	// (--target-group-arn, --prefix-list-id, ...), for per-resource calls.
	hint string
	// query is true when the command had --query: the output is a
	// projection, not what the call's file holds.
	query bool
}

// callSpec says how to place one call's sample in a snapshot and what the
// loaded region must then hold.
type callSpec struct {
	// parent, for per-resource calls, returns the resource ID to file the
	// sample under and the parent list that names it.
	parent func(doc any, hint string) (id string, call model.Call, content string)
	// companion, when set, writes other files that make the sample's data
	// visible in the model (a cache cluster naming a subnet group).
	companion func(doc any) (call model.Call, content string)
	check     func(t *testing.T, doc any, r *model.Region, id string)
}

// readCalls are the calls the loader reads: every model.Calls entry. (The
// ECS list calls are read when a cluster's describe files are absent.)
func readCalls() []model.Call {
	var out []model.Call
	for _, ci := range model.Calls {
		out = append(out, ci.Call)
	}
	return out
}

// pluck follows a path through a decoded JSON document: "Vpcs[].VpcId" is
// the VpcId of every element of Vpcs.
func pluck(v any, path string) []any {
	cur := []any{v}
	for _, part := range strings.Split(path, ".") {
		each := strings.HasSuffix(part, "[]")
		key := strings.TrimSuffix(part, "[]")
		var next []any
		for _, c := range cur {
			if key != "" {
				m, ok := c.(map[string]any)
				if !ok {
					continue
				}
				if c, ok = m[key]; !ok {
					continue
				}
			}
			if each {
				arr, _ := c.([]any)
				next = append(next, arr...)
			} else {
				next = append(next, c)
			}
		}
		cur = next
	}
	return cur
}

// strs returns the non-empty strings among vs.
func strs(vs []any) []string {
	var out []string
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func str(v any, path string) string {
	if s := strs(pluck(v, path)); len(s) > 0 {
		return s[0]
	}
	return ""
}

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// firstOr returns the first of ss, else def.
func firstOr(ss []string, def string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return def
}

func prefixStrings(ps []netip.Prefix) []string {
	return ids(ps, netip.Prefix.String)
}

func eniIDs(es []*model.ENI) []string { return ids(es, func(e *model.ENI) string { return e.ID }) }

// masked parses CIDRs as the model stores them.
func masked(t *testing.T, cidrs []string) []string {
	var out []string
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			t.Errorf("sample CIDR %q: %v", c, err)
			continue
		}
		out = append(out, p.Masked().String())
	}
	return out
}

var callSpecs = map[model.Call]callSpec{
	model.CallVPCs: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "VPC IDs", ids(r.VPCs, func(v *model.VPC) string { return v.ID }), strs(pluck(doc, "Vpcs[].VpcId")))
		for _, v := range pluck(doc, "Vpcs[]") {
			if vpc := r.VPC(str(v, "VpcId")); vpc != nil {
				wantAll(t, vpc.ID+" CIDRs", prefixStrings(vpc.CIDRs), masked(t, strs(pluck(v, "CidrBlock"))))
			}
		}
	}},
	model.CallSubnets: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "subnet IDs", ids(r.Subnets, func(s *model.Subnet) string { return s.ID }), strs(pluck(doc, "Subnets[].SubnetId")))
		for _, v := range pluck(doc, "Subnets[]") {
			if s := r.Subnet(str(v, "SubnetId")); s != nil {
				sameSet(t, s.ID+" CIDR", []string{s.CIDR.String()}, masked(t, strs(pluck(v, "CidrBlock"))))
				if s.VPCID != str(v, "VpcId") {
					t.Errorf("%s VPC = %q, want %q", s.ID, s.VPCID, str(v, "VpcId"))
				}
			}
		}
	}},
	model.CallRouteTables: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "route table IDs", ids(r.RouteTables, func(x *model.RouteTable) string { return x.ID }), strs(pluck(doc, "RouteTables[].RouteTableId")))
		for i, v := range pluck(doc, "RouteTables[]") {
			if i >= len(r.RouteTables) {
				break
			}
			rt := r.RouteTables[i]
			if n := len(pluck(v, "Routes[]")); len(rt.Routes) != n {
				t.Errorf("%s: %d routes, want %d", rt.ID, len(rt.Routes), n)
			}
			sameSet(t, rt.ID+" subnets", rt.SubnetIDs, strs(pluck(v, "Associations[].SubnetId")))
		}
	}},
	model.CallInternetGateways: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "internet gateway IDs", ids(r.InternetGateways, func(x *model.InternetGateway) string { return x.ID }),
			strs(pluck(doc, "InternetGateways[].InternetGatewayId")))
		for i, v := range pluck(doc, "InternetGateways[]") {
			if i < len(r.InternetGateways) {
				sameSet(t, r.InternetGateways[i].ID+" attachments", r.InternetGateways[i].Attached, strs(pluck(v, "Attachments[].VpcId")))
			}
		}
	}},
	model.CallEgressOnlyIGWs: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "egress-only gateway IDs", ids(r.EgressOnlyInternetGateways, func(x *model.EgressOnlyInternetGateway) string { return x.ID }),
			strs(pluck(doc, "EgressOnlyInternetGateways[].EgressOnlyInternetGatewayId")))
	}},
	model.CallNATGateways: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		var want []string
		for _, v := range pluck(doc, "NatGateways[]") {
			if st := str(v, "State"); st == "deleted" || st == "failed" {
				continue
			}
			id := str(v, "NatGatewayId")
			want = append(want, id)
			for _, eniID := range strs(pluck(v, "NatGatewayAddresses[].NetworkInterfaceId")) {
				e := r.ENI(eniID)
				if e == nil || e.Owner.Kind != model.OwnerNATGateway || e.Owner.ID != id {
					t.Errorf("NAT gateway %s's interface %s not loaded as its own (%+v)", id, eniID, e)
				}
			}
		}
		sameIDs(t, "NAT gateway IDs", ids(r.NATGateways, func(x *model.NATGateway) string { return x.ID }), want)
		sameSet(t, "NAT gateway resources", resourceIDs(r, model.KindNATGateway), want)
	}},
	model.CallNetworkACLs: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "network ACL IDs", ids(r.NetworkACLs, func(x *model.NetworkACL) string { return x.ID }), strs(pluck(doc, "NetworkAcls[].NetworkAclId")))
		for i, v := range pluck(doc, "NetworkAcls[]") {
			if i >= len(r.NetworkACLs) {
				break
			}
			n := r.NetworkACLs[i]
			if want := len(pluck(v, "Entries[]")); len(n.Entries) != want {
				t.Errorf("%s: %d entries, want %d", n.ID, len(n.Entries), want)
			}
			sameSet(t, n.ID+" subnets", n.SubnetIDs, strs(pluck(v, "Associations[].SubnetId")))
		}
	}},
	model.CallSecurityGroups: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "security group IDs", ids(r.SecurityGroups, func(x *model.SecurityGroup) string { return x.ID }), strs(pluck(doc, "SecurityGroups[].GroupId")))
		for i, v := range pluck(doc, "SecurityGroups[]") {
			if i >= len(r.SecurityGroups) {
				break
			}
			// One Rule per (permission, peer) (AWS-SEMANTICS.md §2).
			g := r.SecurityGroups[i]
			for _, dir := range []struct {
				key   string
				rules []model.Rule
			}{{"IpPermissions", g.Ingress}, {"IpPermissionsEgress", g.Egress}} {
				want := 0
				for _, peers := range []string{"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"} {
					want += len(pluck(v, dir.key+"[]."+peers+"[]"))
				}
				if len(dir.rules) != want {
					t.Errorf("%s %s: %d rules, want %d", g.ID, dir.key, len(dir.rules), want)
				}
			}
		}
	}},
	model.CallNetworkInterfaces: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "ENI IDs", eniIDs(r.ENIs), strs(pluck(doc, "NetworkInterfaces[].NetworkInterfaceId")))
		for _, v := range pluck(doc, "NetworkInterfaces[]") {
			e := r.ENI(str(v, "NetworkInterfaceId"))
			if e == nil {
				continue
			}
			if inst := str(v, "Attachment.InstanceId"); inst != "" && (e.Owner.Kind != model.OwnerInstance || e.Owner.ID != inst) {
				t.Errorf("%s owner = %s %q, want instance %s", e.ID, e.Owner.Kind, e.Owner.ID, inst)
			}
			sameSet(t, e.ID+" groups", e.SecurityGroupIDs, strs(pluck(v, "Groups[].GroupId")))
			if e.SubnetID != str(v, "SubnetId") {
				t.Errorf("%s subnet = %q, want %q", e.ID, e.SubnetID, str(v, "SubnetId"))
			}
		}
	}},
	model.CallInstances: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		var want []string
		for _, v := range pluck(doc, "Reservations[].Instances[]") {
			if st := str(v, "State.Name"); st == "terminated" || st == "shutting-down" {
				continue
			}
			id := str(v, "InstanceId")
			want = append(want, id)
			if inst := r.Resource(model.KindInstance, id); inst != nil {
				sameSet(t, id+" ENIs", eniIDs(inst.ENIs), strs(pluck(v, "NetworkInterfaces[].NetworkInterfaceId")))
				wantAll(t, id+" groups", inst.SecurityGroupIDs, strs(pluck(v, "SecurityGroups[].GroupId")))
			}
		}
		sameIDs(t, "instance IDs", resourceIDs(r, model.KindInstance), want)
	}},
	model.CallVPCEndpoints: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		var want []string
		for _, v := range pluck(doc, "VpcEndpoints[]") {
			switch str(v, "State") {
			case "deleted", "deleting", "failed", "rejected":
				continue
			}
			id := str(v, "VpcEndpointId")
			want = append(want, id)
			for _, eniID := range strs(pluck(v, "NetworkInterfaceIds[]")) {
				if e := r.ENI(eniID); e == nil || e.Owner.Kind != model.OwnerVPCEndpoint || e.Owner.ID != id {
					t.Errorf("endpoint %s's interface %s not attributed to it", id, eniID)
				}
			}
		}
		sameIDs(t, "VPC endpoint IDs", ids(r.VPCEndpoints, func(x *model.VPCEndpoint) string { return x.ID }), want)
	}},
	model.CallPeeringConnections: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "peering IDs", ids(r.PeeringConnections, func(x *model.PeeringConnection) string { return x.ID }),
			strs(pluck(doc, "VpcPeeringConnections[].VpcPeeringConnectionId")))
		for i, v := range pluck(doc, "VpcPeeringConnections[]") {
			if i < len(r.PeeringConnections) {
				pc := r.PeeringConnections[i]
				if pc.RequesterVPC != str(v, "RequesterVpcInfo.VpcId") || pc.AccepterVPC != str(v, "AccepterVpcInfo.VpcId") {
					t.Errorf("%s joins %s and %s, want %s and %s", pc.ID, pc.RequesterVPC, pc.AccepterVPC, str(v, "RequesterVpcInfo.VpcId"), str(v, "AccepterVpcInfo.VpcId"))
				}
			}
		}
	}},
	model.CallFlowLogs: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "flow log IDs", ids(r.FlowLogs, func(x *model.FlowLog) string { return x.ID }), strs(pluck(doc, "FlowLogs[].FlowLogId")))
		for i, v := range pluck(doc, "FlowLogs[]") {
			if i >= len(r.FlowLogs) {
				break
			}
			f := r.FlowLogs[i]
			if f.ResourceID != str(v, "ResourceId") || f.TrafficType != str(v, "TrafficType") || f.Status != str(v, "FlowLogStatus") ||
				f.LogDestinationType != str(v, "LogDestinationType") || f.LogFormat != str(v, "LogFormat") {
				t.Errorf("%s = %+v, want the sample's ResourceId, TrafficType, FlowLogStatus, LogDestinationType and LogFormat", f.ID, f)
			}
			if want := model.FlowLogResourceTypeOf(str(v, "ResourceId")); f.ResourceType != want || want == "" {
				t.Errorf("%s captures %s of type %q, want %q", f.ID, f.ResourceID, f.ResourceType, want)
			}
		}
	}},
	model.CallManagedPrefixLists: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "prefix list IDs", ids(r.PrefixLists, func(x *model.PrefixList) string { return x.ID }), strs(pluck(doc, "PrefixLists[].PrefixListId")))
	}},
	model.CallPrefixListEntries: {
		parent: func(_ any, hint string) (string, model.Call, string) {
			id := hint
			if id == "" {
				id = "pl-madeup"
			}
			return id, model.CallManagedPrefixLists, mustJSON(map[string]any{"PrefixLists": []any{map[string]any{
				"PrefixListId": id, "PrefixListName": "made-up", "OwnerId": "123456789012", "AddressFamily": "IPv4",
			}}})
		},
		check: func(t *testing.T, doc any, r *model.Region, id string) {
			pl := r.PrefixList(id)
			if pl == nil || !pl.EntriesKnown {
				t.Fatalf("prefix list %s: %+v, want its entries known", id, pl)
			}
			sameIDs(t, id+" entries", prefixStrings(pl.Entries), masked(t, strs(pluck(doc, "Entries[].Cidr"))))
		},
	},
	model.CallLoadBalancersV2: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "load balancer names", resourceIDs(r, model.KindLoadBalancer), strs(pluck(doc, "LoadBalancers[].LoadBalancerName")))
		for _, v := range pluck(doc, "LoadBalancers[]") {
			if lb := r.Resource(model.KindLoadBalancer, str(v, "LoadBalancerName")); lb != nil {
				sameSet(t, lb.ID+" subnets", lb.SubnetIDs, strs(pluck(v, "AvailabilityZones[].SubnetId")))
				if lb.ARN != str(v, "LoadBalancerArn") {
					t.Errorf("%s ARN = %q", lb.ID, lb.ARN)
				}
			}
		}
	}},
	model.CallListeners: {
		parent: func(doc any, hint string) (string, model.Call, string) {
			arn := firstOr(strs(pluck(doc, "Listeners[].LoadBalancerArn")), hint)
			if arn == "" {
				arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/made-up/0123456789abcdef"
			}
			return arn, model.CallLoadBalancersV2, mustJSON(map[string]any{"LoadBalancers": []any{map[string]any{
				"LoadBalancerArn": arn, "LoadBalancerName": "made-up", "Type": "application", "Scheme": "internal", "VpcId": "vpc-madeup",
			}}})
		},
		check: func(t *testing.T, doc any, r *model.Region, _ string) {
			lb := r.Resource(model.KindLoadBalancer, "made-up")
			if lb == nil || !lb.LoadBalancer.ListenersKnown {
				t.Fatalf("load balancer made-up: %+v, want its listeners known", lb)
			}
			sameIDs(t, "listener ARNs", ids(lb.LoadBalancer.Listeners, func(l model.Listener) string { return l.ARN }), strs(pluck(doc, "Listeners[].ListenerArn")))
			for _, l := range lb.LoadBalancer.Listeners {
				if l.Port == 0 {
					t.Errorf("listener %s has no port", l.ARN)
				}
			}
		},
	},
	model.CallTargetGroups: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "target group ARNs", ids(r.TargetGroups, func(x *model.TargetGroup) string { return x.ARN }), strs(pluck(doc, "TargetGroups[].TargetGroupArn")))
	}},
	model.CallTargetHealth: {
		parent: targetGroupParent,
		check: func(t *testing.T, doc any, r *model.Region, id string) {
			tg := r.TargetGroup(id)
			if tg == nil || !tg.TargetsKnown {
				t.Fatalf("target group %s: %+v, want its targets known", id, tg)
			}
			sameIDs(t, "targets", ids(tg.Targets, func(x model.Target) string { return x.ID }), strs(pluck(doc, "TargetHealthDescriptions[].Target.Id")))
		},
	},
	model.CallTargetGroupAttributes: {
		parent: targetGroupParent,
		check: func(t *testing.T, doc any, r *model.Region, id string) {
			tg := r.TargetGroup(id)
			if tg == nil || tg.Attributes == nil {
				t.Fatalf("target group %s: %+v, want its attributes", id, tg)
			}
			sameIDs(t, "attributes", keys(tg.Attributes), strs(pluck(doc, "Attributes[].Key")))
		},
	},
	model.CallClassicLoadBalancers: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "classic load balancer names", resourceIDs(r, model.KindLoadBalancer), strs(pluck(doc, "LoadBalancerDescriptions[].LoadBalancerName")))
		for _, v := range pluck(doc, "LoadBalancerDescriptions[]") {
			if lb := r.Resource(model.KindLoadBalancer, str(v, "LoadBalancerName")); lb != nil {
				sameSet(t, lb.ID+" instances", lb.LoadBalancer.InstanceIDs, strs(pluck(v, "Instances[].InstanceId")))
				sameSet(t, lb.ID+" subnets", lb.SubnetIDs, strs(pluck(v, "Subnets[]")))
			}
		}
	}},
	model.CallDBInstances: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "DB instance IDs", resourceIDs(r, model.KindDBInstance), strs(pluck(doc, "DBInstances[].DBInstanceIdentifier")))
	}},
	model.CallDBClusters: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "DB cluster IDs", ids(r.DBClusters, func(x *model.DBCluster) string { return x.ID }), strs(pluck(doc, "DBClusters[].DBClusterIdentifier")))
		for i, v := range pluck(doc, "DBClusters[]") {
			if i < len(r.DBClusters) {
				sameSet(t, r.DBClusters[i].ID+" groups", r.DBClusters[i].SecurityGroupIDs, strs(pluck(v, "VpcSecurityGroups[].VpcSecurityGroupId")))
			}
		}
	}},
	model.CallCacheClusters: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		sameIDs(t, "cache cluster IDs", resourceIDs(r, model.KindCacheCluster), strs(pluck(doc, "CacheClusters[].CacheClusterId")))
	}},
	model.CallCacheSubnetGroups: {
		// A cache cluster per group shows the group's subnets in the model.
		companion: func(doc any) (model.Call, string) {
			var clusters []any
			for i, name := range strs(pluck(doc, "CacheSubnetGroups[].CacheSubnetGroupName")) {
				clusters = append(clusters, map[string]any{"CacheClusterId": fmt.Sprintf("made-up-%d", i), "CacheSubnetGroupName": name})
			}
			return model.CallCacheClusters, mustJSON(map[string]any{"CacheClusters": clusters})
		},
		check: func(t *testing.T, doc any, r *model.Region, _ string) {
			if !r.Coverage.Has(model.CallCacheSubnetGroups) {
				t.Error("cache subnet groups not marked collected")
			}
			for i, g := range pluck(doc, "CacheSubnetGroups[]") {
				res := r.Resource(model.KindCacheCluster, fmt.Sprintf("made-up-%d", i))
				if res == nil {
					t.Errorf("made-up cache cluster %d not loaded", i)
					continue
				}
				sameSet(t, str(g, "CacheSubnetGroupName")+" subnets", res.SubnetIDs, strs(pluck(g, "Subnets[].SubnetIdentifier")))
				sameSet(t, str(g, "CacheSubnetGroupName")+" subnet group subnets", res.Cache.SubnetGroupSubnetIDs, strs(pluck(g, "Subnets[].SubnetIdentifier")))
			}
		},
	},
	model.CallLambdaFunctions: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		// Functions outside a VPC have no interfaces: not in the network.
		var want []string
		for _, v := range pluck(doc, "Functions[]") {
			if str(v, "VpcConfig.VpcId") == "" && len(strs(pluck(v, "VpcConfig.SubnetIds[]"))) == 0 {
				continue
			}
			want = append(want, str(v, "FunctionName"))
			if fn := r.Resource(model.KindLambda, str(v, "FunctionName")); fn != nil {
				sameSet(t, fn.ID+" subnets", fn.SubnetIDs, strs(pluck(v, "VpcConfig.SubnetIds[]")))
			}
		}
		sameSet(t, "Lambda functions in VPCs", resourceIDs(r, model.KindLambda), want)
		if !r.Coverage.Has(model.CallLambdaFunctions) {
			t.Error("lambda-list-functions not marked collected")
		}
	}},
	model.CallECSClusters: {check: func(t *testing.T, doc any, r *model.Region, _ string) {
		// Each cluster's per-cluster calls are now expected, and absent.
		clusters := strs(pluck(doc, "clusterArns[]"))
		for _, call := range []model.Call{model.CallECSServices, model.CallECSTasks} {
			sameSet(t, string(call)+" missing for", ids(missing(r, call), func(m model.MissingCall) string { return m.Resource }), clusters)
		}
	}},
	// A cluster's list of services or tasks matters when the describe call
	// has no file for it: an empty list means there was nothing to describe.
	model.CallECSServicesList: {
		parent: ecsClusterParent("none"),
		check:  ecsListCheck("serviceArns[]", model.CallECSServices),
	},
	model.CallECSTasksList: {
		parent: ecsClusterParent("none"),
		check:  ecsListCheck("taskArns[]", model.CallECSTasks),
	},
	model.CallECSServices: {
		parent: ecsClusterParent("services[].clusterArn"),
		check: func(t *testing.T, doc any, r *model.Region, cluster string) {
			sameIDs(t, "ECS services", ids(r.ECSServices, func(s *model.ECSService) string { return s.Name }), strs(pluck(doc, "services[].serviceName")))
			wantAll(t, "ECS service resources", resourceIDs(r, model.KindECSService), strs(pluck(doc, "services[].serviceArn")))
		},
	},
	model.CallECSTasks: {
		parent: ecsClusterParent("tasks[].clusterArn"),
		check: func(t *testing.T, doc any, r *model.Region, cluster string) {
			// Tasks of a service are folded into the service; others stay tasks.
			var tasks, folded []string
			for _, v := range pluck(doc, "tasks[]") {
				if str(v, "lastStatus") == "STOPPED" {
					continue
				}
				if svc, ok := strings.CutPrefix(str(v, "group"), "service:"); ok && svc != "" {
					folded = append(folded, str(v, "taskArn"))
				} else {
					tasks = append(tasks, str(v, "taskArn"))
				}
				for _, a := range pluck(v, "attachments[]") {
					for _, d := range pluck(a, "details[]") {
						if str(d, "name") != "networkInterfaceId" {
							continue
						}
						if e := r.ENI(str(d, "value")); e == nil || e.Owner.Kind != model.OwnerECSTask {
							t.Errorf("task %s's interface %s not attributed to an ECS task: %+v", str(v, "taskArn"), str(d, "value"), e)
						}
					}
				}
			}
			sameSet(t, "ECS tasks", resourceIDs(r, model.KindECSTask), tasks)
			var inServices []string
			for _, res := range r.Resources {
				if res.Kind == model.KindECSService {
					inServices = append(inServices, res.ECS.TaskARNs...)
				}
			}
			sameSet(t, "tasks folded into services", inServices, folded)
		},
	},
}

func ecsListCheck(path string, describe model.Call) func(t *testing.T, doc any, r *model.Region, cluster string) {
	return func(t *testing.T, doc any, r *model.Region, cluster string) {
		var want []string
		if len(strs(pluck(doc, path))) > 0 || str(doc, "nextToken") != "" {
			want = []string{cluster}
		}
		sameSet(t, string(describe)+" missing for", ids(missing(r, describe), func(m model.MissingCall) string { return m.Resource }), want)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func targetGroupParent(_ any, hint string) (string, model.Call, string) {
	arn := hint
	if arn == "" {
		arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/made-up/0123456789abcdef"
	}
	return arn, model.CallTargetGroups, mustJSON(map[string]any{"TargetGroups": []any{map[string]any{
		"TargetGroupArn": arn, "TargetGroupName": "made-up", "TargetType": "instance", "Protocol": "HTTP", "Port": 80,
	}}})
}

func ecsClusterParent(path string) func(doc any, hint string) (string, model.Call, string) {
	return func(doc any, hint string) (string, model.Call, string) {
		arn := firstOr(strs(pluck(doc, path)), hint)
		if arn == "" {
			arn = "arn:aws:ecs:us-east-1:123456789012:cluster/made-up"
		}
		return arn, model.CallECSClusters, mustJSON(map[string]any{"clusterArns": []string{arn}})
	}
}

// TestCallSpecsCoverEveryCall keeps the corpus tests honest: a call the
// loader starts reading needs a spec, or its samples would go untested.
func TestCallSpecsCoverEveryCall(t *testing.T) {
	for _, call := range readCalls() {
		spec, ok := callSpecs[call]
		if !ok {
			t.Errorf("no callSpec for %s", call)
			continue
		}
		info, _ := model.CallInfoFor(call)
		if (info.Per != "") != (spec.parent != nil) {
			t.Errorf("%s: per-resource is %v but the spec's parent is set: %v", call, info.Per != "", spec.parent != nil)
		}
	}
}

// placeSample writes s (and the parent list or companion it needs) into a
// fresh snapshot, returning the account folder, the sample file's path and
// the parent resource ID.
func placeSample(t *testing.T, s sample, spec callSpec, doc any) (root, file, id string) {
	sn := newSnap(t)
	if spec.parent != nil {
		var parentCall model.Call
		var parent string
		id, parentCall, parent = spec.parent(doc, s.hint)
		sn.call(parentCall, parent)
		file = sn.perResource(s.call, id, string(s.data))
	} else {
		file = sn.call(s.call, string(s.data))
	}
	if spec.companion != nil {
		call, content := spec.companion(doc)
		sn.call(call, content)
	}
	return sn.root, file, id
}

// docTypos are AWS documentation outputs that are valid JSON but hold a
// value the AWS CLI could never print. The loader rejects such a value as
// it would in a real file; the test checks the error, then fixes the typo
// and checks the rest of the sample.
var docTypos = map[string]struct {
	fields   []string
	bad, fix string
}{
	"awscli/ec2/describe-instances/example-1.json": {
		fields: []string{
			"Reservations[0].Instances[0].NetworkInterfaces[0].PrivateIpAddress",
			"Reservations[0].Instances[0].NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress",
		},
		bad: `"10-0-0-157"`, fix: `"10.0.0.157"`,
	},
	"awscli/ec2/describe-nat-gateways/example-1.json": {
		fields: []string{"NatGateways[0].NatGatewayAddresses[0].PublicIp"},
		bad:    `"198.11.222.333"`, fix: `"198.11.222.33"`,
	},
	"botocore/ec2/DescribeNatGateways/0": {
		fields: []string{"NatGateways[0].NatGatewayAddresses[0].PublicIp"},
		bad:    `"198.11.222.333"`, fix: `"198.11.222.33"`,
	},
}

// checkSample loads one sample and checks the model against it.
func checkSample(t *testing.T, s sample) {
	spec, ok := callSpecs[s.call]
	if !ok {
		t.Fatalf("no callSpec for %s", s.call)
	}
	var doc any
	if err := json.Unmarshal(s.data, &doc); err != nil {
		t.Fatalf("sample is not JSON: %v", err)
	}
	root, file, id := placeSample(t, s, spec, doc)
	inv, err := Load(root)

	if _, isObject := doc.(map[string]any); s.query || !isObject || len(doc.(map[string]any)) == 0 {
		// A --query projection or botocore's empty "output": {} is not
		// what the call prints: an error naming the file.
		if err == nil {
			t.Fatalf("Load accepted a sample that is not the call's output")
		}
		for _, fe := range fileErrors(t, err) {
			if fe.Path != file || fe.Line != 1 || fe.Col != 1 {
				t.Errorf("error %v: want %s:1:1", fe, file)
			}
		}
		return
	}

	if typo, ok := docTypos[s.name]; ok {
		if err == nil {
			t.Fatalf("Load accepted %s", typo.bad)
		}
		var got []string
		for _, fe := range fileErrors(t, err) {
			got = append(got, fe.Field)
			if fe.Path != file {
				t.Errorf("error names %s, want %s", fe.Path, file)
			}
			if at := textAt(s.data, fe.Line, fe.Col); !strings.HasPrefix(at, typo.bad) {
				t.Errorf("%v points at %.20q, want the bad value %s", fe, at, typo.bad)
			}
		}
		sameSet(t, "bad fields", got, typo.fields)
		s.data = []byte(strings.ReplaceAll(string(s.data), typo.bad, typo.fix))
		root, _, id = placeSample(t, s, spec, doc)
		inv, err = Load(root)
	}
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r := onlyRegion(t, inv)
	if !r.Coverage.Has(s.call) && spec.parent == nil {
		t.Errorf("Coverage.Has(%s) = false", s.call)
	}
	for _, m := range missing(r, s.call) {
		t.Errorf("the sample's own call reported missing: %+v", m)
	}
	spec.check(t, doc, r, id)
}

// textAt returns data from the 1-based line and column on.
func textAt(data []byte, line, col int) string {
	lines := strings.SplitAfter(string(data), "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) {
		return ""
	}
	return strings.Join(lines[line-1:], "")[col-1:]
}

// cliIndexEntry is one line of awscli-examples/index.json.
type cliIndexEntry struct {
	File      string
	Command   string
	Format    string
	JSONError string `json:"json_error"` // Python's json error for invalid samples
}

// pyPosition reads the position of a Python json error:
// "Expecting value: line 17 column 39 (char 639)".
var pyPosition = regexp.MustCompile(`line (\d+) column (\d+)`)

func cliIndex(t *testing.T) []cliIndexEntry {
	data, err := os.ReadFile(filepath.Join(corpus(t, "awscli-examples"), "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx []cliIndexEntry
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

var parentFlag = regexp.MustCompile(`--(?:target-group-arn|prefix-list-id|load-balancer-arn|cluster)\s+(\S+)`)

// cliSamples returns the AWS CLI example outputs of calls the loader reads,
// with ext ".json" or ".invalid-json.txt".
func cliSamples(t *testing.T, ext string) []sample {
	dir := corpus(t, "awscli-examples")
	commands := map[string]string{}
	for _, e := range cliIndex(t) {
		commands[e.File] = e.Command
	}
	files, err := filepath.Glob(filepath.Join(dir, "outputs", "*", "*", "example-*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	reads := map[model.Call]bool{}
	for _, c := range readCalls() {
		reads[c] = true
	}
	var out []sample
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		rel = filepath.ToSlash(rel)
		if ext == ".json" && strings.HasSuffix(rel, ".invalid-json.txt") {
			continue
		}
		parts := strings.Split(rel, "/") // outputs/<service>/<command>/example-N.ext
		call := model.Call(parts[1] + "-" + parts[2])
		if !reads[call] {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cmd, ok := commands[rel]
		if !ok {
			t.Errorf("%s is not in index.json", rel)
		}
		s := sample{name: "awscli/" + strings.Join(parts[1:], "/"), call: call, data: data, query: strings.Contains(cmd, "--query")}
		if m := parentFlag.FindStringSubmatch(cmd); m != nil {
			s.hint = strings.Trim(m[1], `"'`)
		}
		out = append(out, s)
	}
	return out
}

// TestAWSCLIExamples loads every JSON example output of the AWS CLI's
// documentation for a call the loader reads, alone (or with a made-up
// parent list) in a snapshot, and checks that the IDs it holds are in the
// model.
func TestAWSCLIExamples(t *testing.T) {
	samples := cliSamples(t, ".json")
	seen := map[model.Call]bool{}
	for _, s := range samples {
		seen[s.call] = true
		t.Run(s.name, func(t *testing.T) { checkSample(t, s) })
	}
	// The corpus README lists these; if they vanish the test is hollow.
	for _, call := range []model.Call{model.CallVPCs, model.CallSubnets, model.CallRouteTables, model.CallNetworkACLs, model.CallNATGateways,
		model.CallInternetGateways, model.CallNetworkInterfaces, model.CallInstances, model.CallVPCEndpoints, model.CallPeeringConnections,
		model.CallPrefixListEntries, model.CallListeners, model.CallTargetHealth, model.CallECSTasks, model.CallECSServices, model.CallFlowLogs} {
		if !seen[call] {
			t.Errorf("no AWS CLI example found for %s", call)
		}
	}
	if len(samples) < 30 {
		t.Errorf("found %d samples, want at least 30", len(samples))
	}
}

// cliName turns a botocore operation name into the AWS CLI's spelling, as
// botocore's xform_name does: DescribeDBInstances → describe-db-instances.
func cliName(op string) string {
	rs := []rune(op)
	var b strings.Builder
	for i, c := range rs {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func TestCLIName(t *testing.T) {
	for op, want := range map[string]string{
		"DescribeDBInstances":           "describe-db-instances",
		"DescribeVpcPeeringConnections": "describe-vpc-peering-connections",
		"ListFunctions":                 "list-functions",
		"DescribeTargetHealth":          "describe-target-health",
	} {
		if got := cliName(op); got != want {
			t.Errorf("cliName(%s) = %s, want %s", op, got, want)
		}
	}
}

// TestBotocoreExamples loads every example response in botocore's
// examples for an operation the loader reads.
func TestBotocoreExamples(t *testing.T) {
	dir := corpus(t, "botocore-models")
	files, err := filepath.Glob(filepath.Join(dir, "*", "examples-selected.json"))
	if err != nil {
		t.Fatal(err)
	}
	reads := map[model.Call]bool{}
	for _, c := range readCalls() {
		reads[c] = true
	}
	n := 0
	for _, f := range files {
		svc := filepath.Base(filepath.Dir(f))
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ex struct {
			Examples map[string][]struct {
				ID     string
				Input  map[string]any
				Output json.RawMessage
			}
		}
		if err := json.Unmarshal(data, &ex); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for op, list := range ex.Examples {
			call := model.Call(svc + "-" + cliName(op))
			if !reads[call] {
				continue
			}
			for i, e := range list {
				if len(e.Output) == 0 {
					continue
				}
				var out any
				if err := json.Unmarshal(e.Output, &out); err != nil {
					t.Fatalf("%s %s[%d]: %v", svc, op, i, err)
				}
				s := sample{name: fmt.Sprintf("botocore/%s/%s/%d", svc, op, i), call: call, data: []byte(mustJSON(out))}
				for _, k := range []string{"TargetGroupArn", "PrefixListId", "LoadBalancerArn", "cluster"} {
					if v, ok := e.Input[k].(string); ok {
						s.hint = v
					}
				}
				n++
				t.Run(s.name, func(t *testing.T) { checkSample(t, s) })
			}
		}
	}
	if n < 15 {
		t.Errorf("found %d botocore examples, want at least 15", n)
	}
}

// TestAWSCLIInvalidExamples places each AWS CLI example output that is not
// valid JSON (a trailing comma, single quotes, "..." for elided output) as
// its call's file: Load fails with a FileError naming that file and the
// position.
func TestAWSCLIInvalidExamples(t *testing.T) {
	dir := corpus(t, "awscli-examples")
	files, err := filepath.Glob(filepath.Join(dir, "outputs", "*", "*", "example-*.invalid-json.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Errorf("found %d invalid samples, want the README's 6", len(files))
	}
	pyErrors := map[string]string{}
	for _, e := range cliIndex(t) {
		pyErrors[e.File] = e.JSONError
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		call := model.Call(parts[1] + "-" + parts[2])
		t.Run(strings.Join(parts[1:], "/"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// The loader reads a call's file whether or not it knows the
			// call; a call it does not read (describe-stale-security-groups)
			// is placed as a call it does, to test the same decoding.
			if _, ok := model.CallInfoFor(call); !ok {
				call = model.CallSecurityGroups
			}
			sn := newSnap(t)
			file := sn.call(call, string(data))
			inv, err := Load(sn.root)
			if err == nil || inv != nil {
				t.Fatalf("Load = %v, %v; want no inventory and an error", inv, err)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FileError", err, err)
			}
			if fe.Path != file {
				t.Errorf("Path = %s, want %s", fe.Path, file)
			}
			if fe.Line <= 0 || fe.Col <= 0 {
				t.Errorf("position %d:%d, want both > 0", fe.Line, fe.Col)
			}
			if want := fmt.Sprintf("%s:%d:%d: ", file, fe.Line, fe.Col); !strings.Contains(err.Error(), want) {
				t.Errorf("error text %q lacks %q", err, want)
			}
			// The position is where Python's json module stopped, as
			// index.json's json_error records: the offending character.
			m := pyPosition.FindStringSubmatch(pyErrors[filepath.ToSlash(rel)])
			if m == nil {
				t.Fatalf("index.json has no json_error position for %s", rel)
			}
			if want := m[1] + ":" + m[2]; fmt.Sprintf("%d:%d", fe.Line, fe.Col) != want {
				t.Errorf("position %d:%d, want %s (%s)", fe.Line, fe.Col, want, pyErrors[filepath.ToSlash(rel)])
			}
		})
	}
}
