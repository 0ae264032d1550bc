package plan

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

const exampleDir = "../../examples/startup-all-public"

// writeExample writes the fixture plan's target of the example account and
// loads it back.
func writeExample(t *testing.T) (dir string, src, tgt *model.Region, p *Plan) {
	t.Helper()
	inv, err := snapshot.Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	p = examplePlan(exAccount)
	dir = t.TempDir()
	if err := WriteTarget(p, inv, dir); err != nil {
		t.Fatalf("WriteTarget: %v", err)
	}
	out, err := snapshot.Load(dir)
	if err != nil {
		t.Fatalf("the target does not load: %v", err)
	}
	return dir, inv.Regions()[0], out.Regions()[0], p
}

func TestWriteTargetLoadsWithNoNewNotes(t *testing.T) {
	_, src, tgt, _ := writeExample(t)
	had := map[string]bool{}
	for _, n := range src.Notes {
		had[n.Subject+": "+n.Text] = true
	}
	// A note would say the files disagree: an interface claimed twice, a
	// group used but absent, a subnet without route table.
	for _, n := range tgt.Notes {
		if !had[n.Subject+": "+n.Text] {
			t.Errorf("the target has a note the source has not: %s: %s", n.Subject, n.Text)
		}
	}
}

// Every moved resource's interfaces are in its new subnets, in the AZ they
// were in, with its new groups; the resource's own description agrees
// (the model merges both, so a stale resource file shows up here).
func TestWriteTargetMovesEveryResource(t *testing.T) {
	_, src, tgt, p := writeExample(t)
	for _, m := range p.Regions[0].Moves {
		before := src.Resource(model.ResourceKind(m.Kind), m.Resource)
		res := tgt.Resource(model.ResourceKind(m.Kind), m.Resource)
		if res == nil || before == nil {
			t.Errorf("%s %s: not in the source or the target", m.Kind, m.Resource)
			continue
		}
		if len(res.ENIs) != len(before.ENIs) {
			t.Errorf("%s: %d interfaces in the target, %d before", m.Resource, len(res.ENIs), len(before.ENIs))
		}
		oldAZ := map[string]string{}
		for _, e := range before.ENIs {
			oldAZ[e.ID] = src.Subnet(e.SubnetID).AZ
		}
		for _, e := range res.ENIs {
			if !slices.Contains(m.ToSubnets, e.SubnetID) {
				t.Errorf("%s: interface %s is in %s, want one of %v", m.Resource, e.ID, e.SubnetID, m.ToSubnets)
			}
			if s := tgt.Subnet(e.SubnetID); s == nil || s.AZ != oldAZ[e.ID] {
				t.Errorf("%s: interface %s moved from AZ %s to subnet %s", m.Resource, e.ID, oldAZ[e.ID], e.SubnetID)
			}
			if !slices.Equal(e.SecurityGroupIDs, m.NewGroups) {
				t.Errorf("%s: interface %s has groups %v, want %v", m.Resource, e.ID, e.SecurityGroupIDs, m.NewGroups)
			}
		}
		if !slices.Equal(res.SecurityGroupIDs, m.NewGroups) {
			t.Errorf("%s: the resource has groups %v, want %v", m.Resource, res.SecurityGroupIDs, m.NewGroups)
		}
		for _, s := range res.SubnetIDs {
			if !slices.Contains(m.ToSubnets, s) {
				t.Errorf("%s: the resource names subnet %s, want only %v", m.Resource, s, m.ToSubnets)
			}
		}
	}
	if db := tgt.Resource(model.KindDBInstance, exDB1); db != nil && db.DB.SubnetGroup != "oyatsu-aurora-private" {
		t.Errorf("%s: DB subnet group %q, want oyatsu-aurora-private", exDB1, db.DB.SubnetGroup)
	}
	if c := tgt.Resource(model.KindCacheCluster, exRedis); c != nil {
		want := []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c", "subnet-new-isolated-1d"}
		if c.Cache.SubnetGroup != "oyatsu-redis-private" || !slices.Equal(c.Cache.SubnetGroupSubnetIDs, want) {
			t.Errorf("%s: cache subnet group %q %v, want oyatsu-redis-private %v", exRedis, c.Cache.SubnetGroup, c.Cache.SubnetGroupSubnetIDs, want)
		}
	}
	for _, cl := range tgt.DBClusters {
		if cl.SubnetGroup != "oyatsu-aurora-private" || !slices.Equal(cl.SecurityGroupIDs, []string{sgDB}) {
			t.Errorf("cluster %s: subnet group %q groups %v", cl.ID, cl.SubnetGroup, cl.SecurityGroupIDs)
		}
	}
}

// The n-th interface placed in a new subnet (by interface ID) has the
// subnet's network address + 10 + n; no two interfaces of a subnet share
// an address.
func TestWriteTargetAddresses(t *testing.T) {
	_, _, tgt, p := writeExample(t)
	bySubnet := map[string][]*model.ENI{}
	for _, e := range tgt.ENIs {
		bySubnet[e.SubnetID] = append(bySubnet[e.SubnetID], e)
	}
	for _, s := range p.Regions[0].VPCs[0].Subnets {
		enis := bySubnet[s.ID]
		sort.Slice(enis, func(i, j int) bool { return enis[i].ID < enis[j].ID })
		want := netip.MustParsePrefix(s.CIDR).Addr()
		for range 10 {
			want = want.Next()
		}
		for _, e := range enis {
			if len(e.Addresses) == 0 || e.Addresses[0].Private != want {
				t.Errorf("%s in %s: addresses %v, want %s", e.ID, s.ID, e.Addresses, want)
			}
			want = want.Next()
		}
	}
	for id, enis := range bySubnet {
		seen := map[netip.Addr]string{}
		s := tgt.Subnet(id)
		for _, e := range enis {
			for _, a := range e.Addresses {
				if other, dup := seen[a.Private]; dup {
					t.Errorf("subnet %s: %s and %s share %s", id, other, e.ID, a.Private)
				}
				seen[a.Private] = e.ID
				if s != nil && !s.CIDR.Contains(a.Private) {
					t.Errorf("subnet %s (%s): %s has %s", id, s.CIDR, e.ID, a.Private)
				}
			}
		}
	}
}

// Only the internet-facing load balancer and the NAT gateways keep public
// addresses (AWS-SEMANTICS.md §5); nothing assigns them on launch.
func TestWriteTargetPublicAddresses(t *testing.T) {
	_, _, tgt, _ := writeExample(t)
	for _, e := range tgt.ENIs {
		if len(e.PublicIPs()) == 0 {
			continue
		}
		if o := e.Owner.Resource; o == nil || !o.IsInternetFacingLoadBalancer() && o.Kind != model.KindNATGateway {
			t.Errorf("%s (%s %s) has public addresses %v", e.ID, e.Owner.Kind, e.Owner.ID, e.PublicIPs())
		}
	}
	for _, s := range tgt.Subnets {
		if s.MapPublicIPOnLaunch {
			t.Errorf("subnet %s still assigns public IPv4 addresses on launch", s.ID)
		}
	}
	for _, res := range tgt.Resources {
		switch {
		case res.Instance != nil && res.Instance.PublicIP != "":
			t.Errorf("instance %s has PublicIpAddress %s", res.ID, res.Instance.PublicIP)
		case res.DB != nil && res.DB.PubliclyAccessible:
			t.Errorf("DB instance %s is publicly accessible", res.ID)
		case res.ECS != nil && res.ECS.AssignPublicIP != "DISABLED":
			t.Errorf("ECS service %s: assignPublicIp %q", res.ID, res.ECS.AssignPublicIP)
		}
	}
}

// The internet reaches the load balancer's listener ports, and through it
// its targets, and nothing else.
func TestWriteTargetExposesOnlyTheListeners(t *testing.T) {
	_, _, tgt, _ := writeExample(t)
	alb := tgt.Resource(model.KindLoadBalancer, exALB)
	listeners := map[uint16]bool{}
	for _, l := range alb.LoadBalancer.Listeners {
		listeners[uint16(l.Port)] = true
	}
	direct := map[uint16]bool{}
	for _, x := range reach.InternetExposures(tgt) {
		switch {
		case x.Resource == alb && x.Via == reach.ViaDirect:
			for p := x.Ports.From; ; p++ {
				if !listeners[p] {
					t.Errorf("the load balancer is exposed on %s/%d, not a listener port", x.Protocol, p)
				}
				direct[p] = true
				if p == x.Ports.To {
					break
				}
			}
		case x.Via == reach.ViaLoadBalancer && x.LoadBalancer == alb:
		default:
			t.Errorf("unexpected exposure: %s %s %s/%s via %s", x.ENI.ID, x.Resource.Label(), x.Protocol, x.Ports, x.Via)
		}
	}
	if len(direct) != len(listeners) {
		t.Errorf("the load balancer is exposed on %v, want its listener ports %v", direct, listeners)
	}
}

func TestWriteTargetSecurityGroups(t *testing.T) {
	_, _, tgt, p := writeExample(t)
	for _, id := range p.Regions[0].RetiredGroups {
		if tgt.SecurityGroup(id) != nil {
			t.Errorf("retired group %s is still in the target", id)
		}
	}
	for _, id := range p.Regions[0].DefaultGroups {
		g := tgt.SecurityGroup(id)
		if g == nil || len(g.Ingress)+len(g.Egress) > 0 {
			t.Errorf("default group %s: want it present and empty, got %+v", id, g)
		}
	}
	for _, want := range p.Regions[0].Groups {
		g := tgt.SecurityGroup(want.ID)
		if g == nil {
			t.Errorf("new group %s missing", want.ID)
			continue
		}
		if g.Name != want.Name || g.VPCID != want.VPCID || len(g.Ingress) != len(want.Ingress) || len(g.Egress) != len(want.Egress) {
			t.Errorf("group %s: name %q VPC %s, %d/%d rules, want %q %s %d/%d", g.ID, g.Name, g.VPCID, len(g.Ingress), len(g.Egress), want.Name, want.VPCID, len(want.Ingress), len(want.Egress))
		}
		for i, r := range g.Ingress {
			w := want.Ingress[i]
			if r.Description != w.Description || w.Group != "" && (r.Peer.Kind != model.PeerGroup || r.Peer.GroupID != w.Group) {
				t.Errorf("group %s ingress %d: %s %q, want from %s %q", g.ID, i, r, r.Description, w.Group+w.CIDR, w.Description)
			}
		}
	}
}

// The NAT gateways are the private subnets' way out, each serving its AZ;
// the gateway endpoints' prefix lists route to them; the flow log is on.
func TestWriteTargetPlumbing(t *testing.T) {
	_, _, tgt, p := writeExample(t)
	vp := p.Regions[0].VPCs[0]
	for _, s := range vp.Subnets {
		sub := tgt.Subnet(s.ID)
		if sub == nil || sub.RouteTable == nil || sub.RouteTable.ID != s.RouteTable || sub.NetworkACL == nil || sub.Public != model.No {
			t.Errorf("subnet %s: %+v", s.ID, sub)
			continue
		}
		var nat string
		pls := map[string]string{}
		for _, r := range sub.RouteTable.Routes {
			switch {
			case r.Destination.String() == "0.0.0.0/0":
				nat = r.TargetID
			case r.DestinationPrefixList != "":
				pls[tgt.PrefixList(r.DestinationPrefixList).Name] = r.TargetID
			}
		}
		wantNAT := ""
		if s.Tier == TierPrivate {
			wantNAT = "nat-new-" + azSuffix(exRegion, s.AZ)
		}
		if nat != wantNAT {
			t.Errorf("subnet %s: 0.0.0.0/0 -> %q, want %q", s.ID, nat, wantNAT)
		}
		if pls["com.amazonaws.ap-northeast-1.s3"] != "vpce-new-s3" || pls["com.amazonaws.ap-northeast-1.dynamodb"] != "vpce-new-dynamodb" {
			t.Errorf("subnet %s: gateway endpoint routes %v", s.ID, pls)
		}
	}
	for _, n := range vp.NATGateways {
		res := tgt.Resource(model.KindNATGateway, n.ID)
		if res == nil || len(res.ENIs) != 1 || res.ENIs[0].SubnetID != n.Subnet || res.ENIs[0].Owner.Resource != res || res.ENIs[0].Origin != string(model.CallNetworkInterfaces) {
			t.Errorf("NAT gateway %s: %+v", n.ID, res)
		}
	}
	for _, ep := range vp.Endpoints {
		if ep.Type != "Interface" {
			continue
		}
		res := tgt.Resource(model.KindVPCEndpoint, ep.ID)
		if res == nil || len(res.ENIs) != len(ep.Subnets) {
			t.Errorf("endpoint %s: %+v", ep.ID, res)
			continue
		}
		for _, e := range res.ENIs {
			if e.Owner.Resource != res || !slices.Equal(e.SecurityGroupIDs, ep.Groups) || !slices.Contains(ep.Subnets, e.SubnetID) {
				t.Errorf("endpoint %s: interface %s in %s groups %v owner %s", ep.ID, e.ID, e.SubnetID, e.SecurityGroupIDs, e.Owner.ID)
			}
		}
	}
	if len(tgt.FlowLogs) != 1 || tgt.FlowLogs[0].ResourceID != exVPC || !tgt.FlowLogs[0].Active() || tgt.FlowLogs[0].LogDestinationType != "s3" {
		t.Errorf("flow logs: %+v", tgt.FlowLogs)
	}
}

// The plan's target of the story scans with nothing at high or above
// (the "done when").
func TestWriteTargetScansWithoutHighFindings(t *testing.T) {
	dir, _, _, _ := writeExample(t)
	inv, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	res := check.RunWith(inv, check.All, check.Options{})
	for _, f := range res.Findings {
		if f.Severity >= check.High {
			t.Errorf("%s %s %v: %s", f.Severity, f.Rule, f.Resources, f.Message)
		} else {
			t.Logf("%s %s %v", f.Severity, f.Rule, f.Resources)
		}
	}
}

// treeFiles reads every file under dir, by slash path.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Files the plan does not change are copied byte for byte; those it
// changes are exactly the ones it has to.
func TestWriteTargetCopiesUnchangedFiles(t *testing.T) {
	dir, _, _, _ := writeExample(t)
	src, out := treeFiles(t, exampleDir), treeFiles(t, dir)
	edited := map[string]bool{}
	for _, f := range []string{
		"ec2-describe-flow-logs.json", "ec2-describe-instances.json", "ec2-describe-nat-gateways.json",
		"ec2-describe-network-acls.json", "ec2-describe-network-interfaces.json", "ec2-describe-route-tables.json",
		"ec2-describe-security-groups.json", "ec2-describe-subnets.json", "ec2-describe-vpc-endpoints.json",
		"ecs-describe-services/arn%3Aaws%3Aecs%3Aap-northeast-1%3A111122223333%3Acluster%2Foyatsu-cluster",
		"ecs-describe-tasks/arn%3Aaws%3Aecs%3Aap-northeast-1%3A111122223333%3Acluster%2Foyatsu-cluster",
		"elasticache-describe-cache-clusters.json", "elasticache-describe-cache-subnet-groups.json",
		"elbv2-describe-load-balancers.json", "lambda-list-functions.json",
		"rds-describe-db-clusters.json", "rds-describe-db-instances.json",
	} {
		edited[exRegion+"/"+f] = true
	}
	if len(out) != len(src) {
		t.Errorf("the target has %d files, the source %d", len(out), len(src))
	}
	for rel, data := range src {
		switch got, ok := out[rel]; {
		case !ok:
			t.Errorf("%s: not in the target", rel)
		case edited[rel] && bytes.Equal(got, data):
			t.Errorf("%s: unchanged, want the plan's edits", rel)
		case !edited[rel] && !bytes.Equal(got, data):
			t.Errorf("%s: changed, want it copied byte for byte", rel)
		}
	}
}

func TestWriteTargetIsDeterministic(t *testing.T) {
	inv, err := snapshot.Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	a, b := t.TempDir(), t.TempDir()
	if err := WriteTarget(examplePlan(exAccount), inv, a); err != nil {
		t.Fatal(err)
	}
	// A plan listing its objects in another order writes the same bytes.
	p := examplePlan(exAccount)
	rp := p.Regions[0]
	slices.Reverse(rp.Moves)
	slices.Reverse(rp.Groups)
	slices.Reverse(rp.VPCs[0].Subnets)
	slices.Reverse(rp.VPCs[0].RouteTables)
	slices.Reverse(rp.VPCs[0].Endpoints)
	slices.Reverse(rp.VPCs[0].NATGateways)
	if err := WriteTarget(p, inv, b); err != nil {
		t.Fatal(err)
	}
	x, y := treeFiles(t, a), treeFiles(t, b)
	for rel, data := range x {
		if !bytes.Equal(data, y[rel]) {
			t.Errorf("%s differs between two writes", rel)
		}
	}
	if len(x) != len(y) {
		t.Errorf("%d files, then %d", len(x), len(y))
	}
}

// copyExample copies the example account to dir.
func copyExample(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS(exampleDir)); err != nil {
		t.Fatal(err)
	}
}

// Several accounts are written each in its folder; an account the plan
// does not cover is copied as it is.
func TestWriteTargetMultiAccount(t *testing.T) {
	root := t.TempDir()
	copyExample(t, filepath.Join(root, "acct-a"))
	copyExample(t, filepath.Join(root, "acct-b"))
	inv, err := snapshot.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Accounts) != 2 {
		t.Fatalf("%d accounts", len(inv.Accounts))
	}
	// Two folders of one account: the loader labels their regions with
	// the folder's name.
	label := inv.Accounts[0].Regions[0].Account
	dir := t.TempDir()
	if err := WriteTarget(examplePlan(label), inv, dir); err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Accounts) != 2 || out.Accounts[0].Name != "acct-a" || out.Accounts[1].Name != "acct-b" {
		t.Fatalf("target accounts: %+v", out.Accounts)
	}
	a := out.Accounts[0].Regions[0].Resource(model.KindInstance, exWeb1)
	if a == nil || a.SubnetIDs[0] != "subnet-new-private-1a" {
		t.Errorf("acct-a: web-1 not moved: %+v", a)
	}
	src, got := treeFiles(t, exampleDir), treeFiles(t, filepath.Join(dir, "acct-b"))
	for rel, data := range src {
		if !bytes.Equal(got[rel], data) {
			t.Errorf("acct-b/%s: changed, but the plan does not cover acct-b", rel)
		}
	}
}

// A file saved as UTF-16 with a byte-order mark (PowerShell's ">") is
// read as the loader reads it, and written back as UTF-8.
func TestWriteTargetReadsUTF16(t *testing.T) {
	src := t.TempDir()
	copyExample(t, src)
	file := filepath.Join(src, exRegion, "ec2-describe-subnets.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	units := utf16.Encode([]rune(string(data)))
	utf := []byte{0xFF, 0xFE}
	for _, u := range units {
		utf = binary.LittleEndian.AppendUint16(utf, u)
	}
	if err := os.WriteFile(file, utf, 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteTarget(examplePlan(exAccount), inv, dir); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(dir, exRegion, "ec2-describe-subnets.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("{")) || !bytes.Contains(out, []byte("subnet-new-private-1a")) {
		t.Errorf("the subnets file was not rewritten as UTF-8 with the new subnets: %q", out[:min(len(out), 40)])
	}
}

// Without the S3 and DynamoDB prefix lists in the snapshot, the gateway
// endpoints' routes name placeholder lists, added to the list file.
func TestWriteTargetPlaceholderPrefixLists(t *testing.T) {
	src := t.TempDir()
	copyExample(t, src)
	office := `{"PrefixLists": [{"PrefixListId": "pl-0a1b2c3d4e5f60201", "AddressFamily": "IPv4", "PrefixListName": "office-ips", "OwnerId": "111122223333"}]}`
	if err := os.WriteFile(filepath.Join(src, exRegion, "ec2-describe-managed-prefix-lists.json"), []byte(office), 0o644); err != nil {
		t.Fatal(err)
	}
	inv, err := snapshot.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteTarget(examplePlan(exAccount), inv, dir); err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := out.Regions()[0]
	for id, name := range map[string]string{"pl-new-s3": "com.amazonaws.ap-northeast-1.s3", "pl-new-dynamodb": "com.amazonaws.ap-northeast-1.dynamodb"} {
		if pl := reg.PrefixList(id); pl == nil || pl.Name != name || !pl.AWSManaged() {
			t.Errorf("prefix list %s: %+v", id, pl)
		}
	}
	rt := reg.Subnet("subnet-new-private-1a").RouteTable
	var dests []string
	for _, r := range rt.Routes {
		dests = append(dests, r.DestinationString())
	}
	if !slices.Contains(dests, "pl-new-s3") || !slices.Contains(dests, "pl-new-dynamodb") {
		t.Errorf("routes of %s: %v", rt.ID, dests)
	}
}

// A secondary CIDR block is associated with the VPC, and every route
// table of the VPC gets its local route, as AWS adds it.
func TestWriteTargetSecondaryCIDR(t *testing.T) {
	inv, err := snapshot.Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	p := examplePlan(exAccount)
	p.Regions[0].VPCs[0].SecondaryCIDR = "10.1.0.0/16"
	dir := t.TempDir()
	if err := WriteTarget(p, inv, dir); err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg := out.Regions()[0]
	secondary := netip.MustParsePrefix("10.1.0.0/16")
	if !slices.Contains(reg.VPC(exVPC).CIDRs, secondary) {
		t.Errorf("VPC CIDRs %v lack %s", reg.VPC(exVPC).CIDRs, secondary)
	}
	for _, rt := range reg.RouteTables {
		found := false
		for _, r := range rt.Routes {
			found = found || r.Destination == secondary && r.TargetKind == model.TargetLocal
		}
		if !found {
			t.Errorf("route table %s has no local route for %s", rt.ID, secondary)
		}
	}
}

func TestWriteTargetErrors(t *testing.T) {
	inv, err := snapshot.Load(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("region not in the snapshot", func(t *testing.T) {
		p := examplePlan(exAccount)
		p.Regions[0].Region = "eu-west-1"
		err := WriteTarget(p, inv, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "eu-west-1") {
			t.Errorf("got %v, want an error naming the region", err)
		}
	})
	t.Run("bad subnet CIDR", func(t *testing.T) {
		p := examplePlan(exAccount)
		p.Regions[0].VPCs[0].Subnets[0].CIDR = "10.0.300.0/24"
		err := WriteTarget(p, inv, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "subnet-new-private-1a") {
			t.Errorf("got %v, want an error naming the subnet", err)
		}
	})
	t.Run("subnet too small", func(t *testing.T) {
		p := examplePlan(exAccount)
		p.Regions[0].VPCs[0].Subnets[0].CIDR = "10.0.10.0/28"
		err := WriteTarget(p, inv, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "no room") {
			t.Errorf("got %v, want an error saying the subnet is full", err)
		}
	})
	t.Run("file broken after loading", func(t *testing.T) {
		src := t.TempDir()
		copyExample(t, src)
		inv, err := snapshot.Load(src)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(src, exRegion, "ec2-describe-subnets.json")
		if err := os.WriteFile(file, []byte("{\n  \"Subnets\": [\n    {,\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err = WriteTarget(examplePlan(exAccount), inv, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "ec2-describe-subnets.json") || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("got %v, want an error naming the file and line 3", err)
		}
	})
}

// No file of the target names a retired group or a public address the
// migration drops: every file describing a moved resource was edited, not
// only those the loader reads the fact from (an instance's top-level
// SecurityGroups, PublicDnsName).
func TestWriteTargetLeavesNoStaleReference(t *testing.T) {
	dir, src, _, p := writeExample(t)
	var stale []string
	stale = append(stale, p.Regions[0].RetiredGroups...)
	for _, e := range src.ENIs {
		if o := e.Owner.Resource; o != nil && o.IsInternetFacingLoadBalancer() {
			continue
		}
		for _, a := range e.PublicIPs() {
			stale = append(stale, a.String(), strings.ReplaceAll(a.String(), ".", "-"))
		}
	}
	if len(stale) <= len(p.Regions[0].RetiredGroups) {
		t.Fatal("the example has no public address to drop; the test tests nothing")
	}
	for rel, data := range treeFiles(t, dir) {
		if strings.HasSuffix(rel, ".md") {
			continue
		}
		for _, s := range stale {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s still names %s", rel, s)
			}
		}
	}
}
