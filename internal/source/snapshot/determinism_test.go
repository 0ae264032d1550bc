package snapshot

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt from the loader's output")

// richSnapshot is a made-up account written for these tests: two regions,
// every call the loader reads, and the oddities it must tolerate
// (interfaces missing from the ENI list, groups that are not described,
// disassociated CIDRs and associations, a blackhole route, a terminated
// instance, a stopped task, a pagination token, an empty file).
const richSnapshot = "testdata/rich"

// summary renders everything a loaded inventory says, one fact per line, in
// a stable order: pointers are printed as the IDs they point at, so two
// loads can be compared as text and a change shows as a line diff.
func summary(inv *model.Inventory) string {
	var b strings.Builder
	p := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	for _, a := range inv.Accounts {
		p(0, "account %q name %q label %q", a.ID, a.Name, a.Label())
		for _, r := range a.Regions {
			summarizeRegion(r, p)
		}
	}
	return b.String()
}

func summarizeRegion(r *model.Region, p func(int, string, ...any)) {
	p(1, "region %s account %s", r.Name, r.Account)
	var has []string
	for _, ci := range model.Calls {
		if r.Coverage.Has(ci.Call) {
			has = append(has, string(ci.Call))
		}
	}
	p(2, "collected %v", has)
	for _, m := range r.Coverage.Missing {
		p(2, "missing %s %q: %s", m.Call, m.Resource, m.Reason)
	}
	for _, v := range r.VPCs {
		p(2, "vpc %s owner %s default %v cidrs %v tags %s", v.ID, v.OwnerID, v.IsDefault, v.CIDRs, tagString(v.Tags))
	}
	for _, s := range r.Subnets {
		p(2, "subnet %s vpc %s az %s cidr %v ipv6 %v map-public-ip %v public %s route-table %s nacl %s public-route %s tags %s",
			s.ID, s.VPCID, s.AZ, s.CIDR, s.IPv6CIDRs, s.MapPublicIPOnLaunch, s.Public, idOf(s.RouteTable), idOf(s.NetworkACL), routeString(s.PublicRoute), tagString(s.Tags))
	}
	for _, rt := range r.RouteTables {
		p(2, "route-table %s vpc %s main %v subnets %v gateways %v tags %s", rt.ID, rt.VPCID, rt.Main, rt.SubnetIDs, rt.GatewayIDs, tagString(rt.Tags))
		for i := range rt.Routes {
			p(3, "route %s", routeString(&rt.Routes[i]))
		}
	}
	for _, g := range r.InternetGateways {
		p(2, "igw %s attached %v tags %s", g.ID, g.Attached, tagString(g.Tags))
	}
	for _, g := range r.EgressOnlyInternetGateways {
		p(2, "eigw %s attached %v tags %s", g.ID, g.Attached, tagString(g.Tags))
	}
	for _, n := range r.NATGateways {
		p(2, "nat %s vpc %s subnet %s %s %s enis %v private %v public %v tags %s", n.ID, n.VPCID, n.SubnetID, n.ConnectivityType, n.State, n.ENIIDs, n.PrivateIPs, n.PublicIPs, tagString(n.Tags))
	}
	for _, e := range r.VPCEndpoints {
		p(2, "endpoint %s %s vpc %s %s %s subnets %v route-tables %v groups %v enis %v private-dns %v tags %s",
			e.ID, e.Type, e.VPCID, e.ServiceName, e.State, e.SubnetIDs, e.RouteTableIDs, e.SecurityGroupIDs, e.ENIIDs, e.PrivateDNSEnabled, tagString(e.Tags))
	}
	for _, c := range r.PeeringConnections {
		p(2, "peering %s %s requester %s/%s/%s %v accepter %s/%s/%s %v tags %s", c.ID, c.Status,
			c.RequesterOwner, c.RequesterRegion, c.RequesterVPC, c.RequesterCIDRs, c.AccepterOwner, c.AccepterRegion, c.AccepterVPC, c.AccepterCIDRs, tagString(c.Tags))
	}
	for _, f := range r.FlowLogs {
		p(2, "flow-log %s %s %s traffic %s status %s deliver %s %q destination %s %s group %q interval %d format %q tags %s", f.ID, f.ResourceType, f.ResourceID,
			f.TrafficType, f.Status, f.DeliverLogsStatus, f.DeliverLogsError, f.LogDestinationType, f.LogDestination, f.LogGroupName, f.MaxAggregationInterval, f.LogFormat, tagString(f.Tags))
	}
	for _, l := range r.PrefixLists {
		p(2, "prefix-list %s %q owner %s %s aws-managed %v entries-known %v %v", l.ID, l.Name, l.OwnerID, l.AddressFamily, l.AWSManaged(), l.EntriesKnown, l.Entries)
	}
	for _, n := range r.NetworkACLs {
		p(2, "nacl %s vpc %s default %v subnets %v tags %s", n.ID, n.VPCID, n.IsDefault, n.SubnetIDs, tagString(n.Tags))
		for _, e := range n.Entries {
			p(3, "entry %d egress %v allow %v %s ports %s icmp %s %v", e.RuleNumber, e.Egress, e.Allow, e.Protocol, e.Ports, e.ICMP, e.CIDR)
		}
	}
	for _, g := range r.SecurityGroups {
		p(2, "sg %s vpc %s owner %s tags %s enis %v resources %v", g.Label(), g.VPCID, g.OwnerID, tagString(g.Tags), eniIDs(g.ENIs), resourceKeys(g.Resources))
		for _, rules := range [][]model.Rule{g.Ingress, g.Egress} {
			for _, x := range rules {
				p(3, "%s (group %s, peer %+v) %q", x, x.GroupID, x.Peer, x.Description)
			}
		}
	}
	for _, e := range r.ENIs {
		p(2, "eni %s vpc %s subnet %s az %s type %q status %q instance %q requester %q/%v sdc %v groups %v addresses %s ipv6 %v origin %s desc %q tags %s",
			e.ID, e.VPCID, e.SubnetID, e.AZ, e.InterfaceType, e.Status, e.InstanceID, e.RequesterID, e.RequesterManaged, e.SourceDestCheck,
			e.SecurityGroupIDs, addressString(e.Addresses), e.IPv6, e.Origin, e.Description, tagString(e.Tags))
		p(3, "owner %s %q basis %q resource %s candidates %v", e.Owner.Kind, e.Owner.ID, e.Owner.Basis, resourceKey(e.Owner.Resource), resourceKeys(e.Owner.Candidates))
	}
	for _, tg := range r.TargetGroups {
		p(2, "target-group %s %s %s/%d type %s vpc %s lbs %v targets-known %v targets %+v attributes %s",
			tg.Name, tg.ARN, tg.Protocol, tg.Port, tg.TargetType, tg.VPCID, tg.LoadBalancerARNs, tg.TargetsKnown, tg.Targets, tagString(tg.Attributes))
	}
	for _, c := range r.DBClusters {
		p(2, "db-cluster %+v", *c)
	}
	for _, s := range r.ECSServices {
		p(2, "ecs-service %s/%s %s %s subnets %v groups %v public-ip %s target-groups %v tags %s",
			s.Cluster, s.Name, s.ARN, s.LaunchType, s.SubnetIDs, s.SecurityGroupIDs, s.AssignPublicIP, s.LoadBalancerTargetGroups, tagString(s.Tags))
	}
	for _, res := range r.Resources {
		p(2, "resource %s label %q arn %q vpc %s subnets %v groups %v enis %v maybe %v role %s tags %s public-ips %v",
			resourceKey(res), res.Label(), res.ARN, res.VPCID, res.SubnetIDs, res.SecurityGroupIDs, eniIDs(res.ENIs), eniIDs(res.MaybeENIs),
			roleID(res.Role), tagString(res.Tags), res.PublicIPs())
		switch {
		case res.Instance != nil:
			p(3, "instance %+v bastion %v", *res.Instance, res.IsBastion())
		case res.LoadBalancer != nil:
			p(3, "load-balancer %+v internet-facing %v", *res.LoadBalancer, res.IsInternetFacingLoadBalancer())
		case res.DB != nil:
			p(3, "db %+v", *res.DB)
		case res.Cache != nil:
			p(3, "cache %+v", *res.Cache)
		case res.Lambda != nil:
			p(3, "lambda %+v", *res.Lambda)
		case res.ECS != nil:
			p(3, "ecs %+v", *res.ECS)
		}
	}
	for _, role := range r.Roles {
		p(2, "role %s %q %s basis %q members %v", role.ID, role.Label(), role.Kind, role.Basis, resourceKeys(role.Members))
	}
	for _, n := range r.Notes {
		p(2, "note %s: %s", n.Subject, n.Text)
	}
}

func idOf[T interface {
	*model.RouteTable | *model.NetworkACL
}](x T) string {
	switch v := any(x).(type) {
	case *model.RouteTable:
		if v != nil {
			return v.ID
		}
	case *model.NetworkACL:
		if v != nil {
			return v.ID
		}
	}
	return "-"
}

func routeString(r *model.Route) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%s -> %s %s blackhole %v origin %s", r.DestinationString(), r.TargetKind, r.TargetID, r.Blackhole, r.Origin)
}

func tagString(m map[string]string) string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return "{" + strings.Join(kv, ",") + "}"
}

func addressString(as []model.AddressPair) string {
	var out []string
	for _, a := range as {
		s := a.Private.String()
		if a.Public.IsValid() {
			s += "=" + a.Public.String()
		}
		out = append(out, s)
	}
	return "[" + strings.Join(out, " ") + "]"
}

func resourceKey(r *model.Resource) string {
	if r == nil {
		return "-"
	}
	return string(r.Kind) + ":" + r.ID
}

func resourceKeys(rs []*model.Resource) []string { return ids(rs, resourceKey) }

func roleID(r *model.Role) string {
	if r == nil {
		return "-"
	}
	return r.ID
}

// diffLines reports the first lines where a and b differ.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)) && len(out) < 20; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}

// Loading the same snapshot again gives the same inventory: the same
// facts in the same order, and deeply equal values (reflect.DeepEqual
// follows the model's pointer cycles and compares its unexported indexes
// too). Maps are iterated in a new random order on every load, so several
// loads are compared.
func TestDeterministic(t *testing.T) {
	paths := []string{richSnapshot}
	if _, err := os.Stat(filepath.Join(corpusDir, "cloudmapper-demo/account-data-demo")); err == nil {
		paths = append(paths, filepath.Join(corpusDir, "cloudmapper-demo/account-data-demo"))
	} else {
		t.Logf("corpus absent: the CloudMapper demo is not compared (%v)", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			first, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			want := summary(first)
			for i := 0; i < 10; i++ {
				again, err := Load(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := summary(again); got != want {
					t.Fatalf("load %d differs from the first:\n%s", i+2, diffLines(want, got))
				}
				if !reflect.DeepEqual(first, again) {
					t.Fatalf("load %d is not deeply equal to the first, though its summary is", i+2)
				}
			}
		})
	}
	// Two snapshots, in either order, give the same inventory.
	a, err := Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	reversed := append([]string(nil), paths...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	b, err := Load(reversed...)
	if err != nil {
		t.Fatal(err)
	}
	if sa, sb := summary(a), summary(b); sa != sb {
		t.Errorf("Load order changes the inventory:\n%s", diffLines(sa, sb))
	}
}

// The rich snapshot's inventory is pinned in a golden file; run
// `go test ./internal/source/snapshot -run TestRichSnapshotGolden -update`
// after a deliberate change and review the diff.
func TestRichSnapshotGolden(t *testing.T) {
	inv, err := Load(richSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	got := summary(inv)
	golden := richSnapshot + ".golden.txt"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("inventory differs from %s (run with -update if the change is intended):\n%s", golden, diffLines(string(want), got))
	}
}
