package plan

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// syntheticPlan is a plan of the size Design makes for a large account:
// per VPC a secondary block with a private subnet per AZ, one group per
// role replacing every member's groups, every instance moved to the
// private subnet of its AZ, the old groups retired.
func syntheticPlan(reg *model.Region) *Plan {
	rp := &RegionPlan{Account: reg.Account, Region: reg.Name}
	private := map[string]map[string]string{} // VPC → AZ → subnet
	for i, v := range reg.VPCs {
		vp := &VPCPlan{VPCID: v.ID, SecondaryCIDR: fmt.Sprintf("100.%d.0.0/16", 64+i)}
		azs := map[string]bool{}
		for _, s := range reg.Subnets {
			if s.VPCID == v.ID {
				azs[s.AZ] = true
			}
		}
		var names []string
		for az := range azs {
			names = append(names, az)
		}
		sort.Strings(names)
		private[v.ID] = map[string]string{}
		for j, az := range names {
			id := fmt.Sprintf("subnet-new-v%d-private-%s", i+1, azSuffix(reg.Name, az))
			vp.Subnets = append(vp.Subnets, &Subnet{ID: id, VPCID: v.ID, AZ: az, CIDR: fmt.Sprintf("100.%d.%d.0/20", 64+i, 16*j), Tier: TierPrivate})
			private[v.ID][az] = id
		}
		rp.VPCs = append(rp.VPCs, vp)
	}
	groupOf := map[*model.Role]string{}
	for i, role := range reg.Roles {
		if len(role.Members) == 0 || role.Members[0].VPCID == "" {
			continue
		}
		id := fmt.Sprintf("sg-new-role-%d", i)
		groupOf[role] = id
		rp.Groups = append(rp.Groups, &Group{ID: id, Name: role.Name, VPCID: role.Members[0].VPCID, Role: role.ID,
			Ingress: []*Rule{{Protocol: "tcp", FromPort: 443, ToPort: 443, Group: id, Description: "self"}}})
	}
	used := map[string]bool{}
	for _, res := range reg.Resources {
		g := groupOf[res.Role]
		if g == "" || res.Kind == model.KindNATGateway {
			continue
		}
		m := &Move{Resource: res.ID, Kind: string(res.Kind), Method: MoveStay, FromSubnets: res.SubnetIDs, OldGroups: res.SecurityGroupIDs, NewGroups: []string{g}}
		if res.Kind == model.KindInstance && len(res.ENIs) > 0 {
			if s := reg.Subnet(res.ENIs[0].SubnetID); s != nil && private[res.VPCID][s.AZ] != "" {
				m.Method, m.ToSubnets, m.DropsPublicIP = MoveReplaceInstance, []string{private[res.VPCID][s.AZ]}, true
			}
		}
		rp.Moves = append(rp.Moves, m)
		for _, id := range res.SecurityGroupIDs {
			used[id] = true
		}
	}
	for _, g := range reg.SecurityGroups {
		if used[g.ID] && g.Name != "default" {
			rp.RetiredGroups = append(rp.RetiredGroups, g.ID)
		}
	}
	sort.Strings(rp.RetiredGroups)
	return &Plan{Schema: Schema, Regions: []*RegionPlan{rp}}
}

// BenchmarkWriteTarget times WriteTarget on the scale-target account
// (10,000 interfaces):
//
//	go test ./internal/plan -run '^$' -bench WriteTarget -benchtime 3x
func BenchmarkWriteTarget(b *testing.B) {
	src := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(src, synth.Target); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(src)
	if err != nil {
		b.Fatal(err)
	}
	p := syntheticPlan(inv.Regions()[0])
	b.ReportMetric(float64(len(p.Regions[0].Moves)), "moves")
	out := b.TempDir()
	for b.Loop() {
		if err := WriteTarget(p, inv, out); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if _, err := snapshot.Load(out); err != nil {
		b.Fatalf("the target does not load: %v", err)
	}
}
