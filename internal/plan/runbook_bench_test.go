package plan

import (
	"io"
	"path/filepath"
	"sort"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
	"github.com/vpcdoctor/vpcdoctor/internal/synth"
)

// scalePlan is a crude plan of a large synthetic account, shaped like
// Design's (one group per role, a move per resource), to measure the
// stages and the runbook at scale.
func scalePlan(b *testing.B) (*Plan, *model.Inventory) {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "acct")
	if err := synth.WriteAccount(dir, synth.Size{VPCs: 4, SecurityGroups: 400, ENIs: 10000}); err != nil {
		b.Fatal(err)
	}
	inv, err := snapshot.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	p := &Plan{Schema: Schema}
	for _, reg := range inv.Regions() {
		rp := &RegionPlan{Account: reg.Account, Region: reg.Name}
		groupOf := map[string]string{}
		for i, role := range reg.Roles {
			id := "sg-new-role-" + itoa(i)
			groupOf[role.ID] = id
			vpc := ""
			if len(role.Members) > 0 {
				vpc = role.Members[0].VPCID
			}
			rp.Groups = append(rp.Groups, &Group{ID: id, Name: role.Name, VPCID: vpc, Role: role.ID, Description: role.Name,
				Ingress: []*Rule{{Protocol: "tcp", FromPort: 443, ToPort: 443, Group: id, Description: "self"}}})
		}
		sort.Slice(rp.Groups, func(i, j int) bool { return rp.Groups[i].ID < rp.Groups[j].ID })
		for _, r := range reg.Resources {
			if r.Role == nil {
				continue
			}
			m := &Move{Resource: r.ID, Kind: string(r.Kind), Name: r.Name, Role: r.Role.ID, Method: MoveStay,
				FromSubnets: r.SubnetIDs, ToSubnets: []string{"subnet-new-private-1a"}, OldGroups: r.SecurityGroupIDs,
				NewGroups: []string{groupOf[r.Role.ID]}}
			switch r.Kind {
			case model.KindInstance:
				m.Method = MoveReplaceInstance
			case model.KindLambda:
				m.Method = MoveLambdaConfig
			case model.KindECSService:
				m.Method = MoveECSConfig
			case model.KindDBInstance:
				m.Method = MoveRDSReplica
				if r.DB != nil && r.DB.ClusterID != "" {
					m.Method = MoveAuroraClone
				}
			case model.KindCacheCluster:
				m.Method = MoveCacheSnapshot
			}
			rp.Moves = append(rp.Moves, m)
		}
		p.Regions = append(p.Regions, rp)
	}
	return p, inv
}

// BenchmarkStagesAndRunbook: go test ./internal/plan -run '^$' -bench StagesAndRunbook -benchtime 3x
func BenchmarkStagesAndRunbook(b *testing.B) {
	p, inv := scalePlan(b)
	moves := 0
	for _, rp := range p.Regions {
		moves += len(rp.Moves)
	}
	b.ReportMetric(float64(moves), "moves")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Stages = BuildStages(p, inv)
		if err := WriteRunbook(io.Discard, p); err != nil {
			b.Fatal(err)
		}
		if err := WriteRollback(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}
