package plan

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuildStagesOrderKindsAndRisks(t *testing.T) {
	p, _ := fixtureStaged(t)
	want := []struct {
		name, kind, risk string
	}{
		{"Prepare", StageAdditive, RiskLow},
		{"Network plumbing", StageAdditive, RiskLow},
		{"New security groups beside the old", StageAdditive, RiskLow},
		{"Move compute to private subnets", StageAdditive, RiskMedium},
		{"Database cut-over", StageCutover, RiskHigh},
		{"Remove the old access", StageSubtractive, RiskMedium},
		{"Clean up", StageSubtractive, RiskMedium},
	}
	if len(p.Stages) != len(want) {
		t.Fatalf("%d stages, want %d", len(p.Stages), len(want))
	}
	for i, w := range want {
		st := p.Stages[i]
		if st.Number != i || st.Name != w.name || st.Kind != w.kind || st.Risk != w.risk {
			t.Errorf("stage %d = %d %q %s %s, want %q %s %s", i, st.Number, st.Name, st.Kind, st.Risk, w.name, w.kind, w.risk)
		}
		if st.RiskNote == "" || len(st.Checks) == 0 || len(st.Steps) == 0 {
			t.Errorf("stage %d: risk note %q, %d checks, %d steps: each needs all three", i, st.RiskNote, len(st.Checks), len(st.Steps))
		}
		for j, s := range st.Steps {
			if id := fmt.Sprintf("%d.%d", i, j+1); s.ID != id {
				t.Errorf("step %q: want ID %s", s.ID, id)
			}
			if s.Account != fxAccount || s.Region != fxRegion {
				t.Errorf("step %s runs in %s/%s", s.ID, s.Account, s.Region)
			}
			if len(s.Commands) == 0 && s.Manual == "" {
				t.Errorf("step %s (%s) has neither commands nor manual work", s.ID, s.Title)
			}
		}
	}
}

// Every object the plan creates has exactly one command that creates it,
// tagged with its placeholder so that the lookup finds it again.
func TestEveryNewObjectIsCreatedOnceAndTagged(t *testing.T) {
	for name, p := range stagedPlans(t) {
		t.Run(name, func(t *testing.T) {
			rp := p.Regions[0]
			var want []string
			for _, v := range rp.VPCs {
				for _, s := range v.Subnets {
					want = append(want, s.ID)
				}
				for _, r := range v.RouteTables {
					want = append(want, r.ID)
				}
				for _, n := range v.NATGateways {
					want = append(want, n.ID, n.AllocationID)
				}
				for _, e := range v.Endpoints {
					want = append(want, e.ID)
				}
				want = append(want, v.FlowLog.ID)
			}
			for _, g := range rp.Groups {
				want = append(want, g.ID)
			}
			for _, m := range rp.Moves {
				if m.Method == MoveReplaceInstance {
					inst, image := replacementOf(m.Resource)
					want = append(want, inst, image)
				}
			}
			created := map[string]int{}
			for _, c := range allCommands(p) {
				if c.Sets == "" {
					continue
				}
				id, ok := placeholderOfVar(c.Sets)
				if !ok {
					t.Errorf("%s sets %s, which names no placeholder", argsText(c.Args), c.Sets)
					continue
				}
				created[id]++
				tag := `{"Key":"` + TagPlaceholder + `","Value":"` + id + `"}`
				if !slices.ContainsFunc(c.Args, func(a string) bool { return strings.Contains(a, tag) }) {
					t.Errorf("creating %s does not tag it %s: %s", id, tag, argsText(c.Args))
				}
				if !strings.Contains(c.Idempotent, "looks up") {
					t.Errorf("creating %s: Idempotent = %q", id, c.Idempotent)
				}
				if !slices.Contains(c.Args, "--query") {
					t.Errorf("creating %s prints no ID (--query): %s", id, argsText(c.Args))
				}
			}
			for _, id := range want {
				if created[id] != 1 {
					t.Errorf("%s is created %d times, want once", id, created[id])
				}
			}
			if len(created) != len(want) {
				t.Errorf("created %d objects, want %d", len(created), len(want))
			}
		})
	}
}

// AWS-SEMANTICS.md §8: new access is added before old access goes. Every
// placeholder is created before a command uses it, and nothing subtractive
// happens before stage 5 — except compute changing subnets, which keeps
// its old groups.
func TestStagesCreateBeforeUseAndAddBeforeRemove_S8(t *testing.T) {
	for name, p := range stagedPlans(t) {
		t.Run(name, func(t *testing.T) {
			created := map[string]bool{}
			for _, st := range p.Stages {
				for _, s := range st.Steps {
					for _, c := range s.Commands {
						for _, id := range placeholdersIn(c.Args) {
							if !created[id] {
								t.Errorf("step %s uses %s before any step creates it: %s", s.ID, id, argsText(c.Args))
							}
						}
						if id, ok := placeholderOfVar(c.Sets); ok {
							created[id] = true
						}
						if st.Number < 5 {
							op := operation(c.Args)
							if strings.HasPrefix(op, "ec2 revoke-") && !strings.Contains(argsText(c.Args), "${SG_NEW_") {
								t.Errorf("stage %d revokes an existing rule: %s", st.Number, argsText(c.Args))
							}
							if strings.Contains(op, "delete") || strings.Contains(op, "terminate") {
								t.Errorf("stage %d deletes: %s", st.Number, argsText(c.Args))
							}
						}
					}
				}
			}
		})
	}
}

// groupsSet returns the groups a command sets on a resource, when it is a
// groups-setting command.
func groupsSet(args []string) ([]string, bool) {
	for i, a := range args {
		switch a {
		case "--groups", "--vpc-security-group-ids", "--security-groups":
			var out []string
			for _, g := range args[i+1:] {
				if strings.HasPrefix(g, "--") {
					break
				}
				out = append(out, g)
			}
			return out, true
		case "--vpc-config":
			var cfg struct{ SecurityGroupIds []string }
			_ = json.Unmarshal([]byte(args[i+1]), &cfg)
			return cfg.SecurityGroupIds, true
		case "--network-configuration":
			var cfg struct {
				AwsvpcConfiguration struct{ SecurityGroups []string } `json:"awsvpcConfiguration"`
			}
			_ = json.Unmarshal([]byte(args[i+1]), &cfg)
			return cfg.AwsvpcConfiguration.SecurityGroups, true
		}
	}
	return nil, false
}

// §2/§8: in stage 2 (and 3) every member keeps all its old groups and gains
// its new one; in stage 5 it keeps only the new one; the rollbacks put the
// previous sets back.
func TestGroupsBesideThenAlone_S2_S8(t *testing.T) {
	for name, p := range stagedPlans(t) {
		t.Run(name, func(t *testing.T) {
			old := map[string]bool{fxALBSG: true, fxCommonSG: true, fxSSHSG: true}
			for _, st := range p.Stages {
				for _, s := range st.Steps {
					for _, c := range s.Commands {
						if operation(c.Args) == "rds restore-db-cluster-to-point-in-time" || operation(c.Args) == "elasticache create-replication-group" {
							continue
						}
						groups, ok := groupsSet(c.Args)
						if !ok {
							continue
						}
						var olds, news int
						for _, g := range groups {
							switch {
							case old[g]:
								olds++
							case strings.HasPrefix(g, "${SG_NEW_"):
								news++
							default:
								t.Errorf("step %s sets group %s, neither old nor new", s.ID, g)
							}
						}
						switch st.Number {
						case 2, 3:
							if olds == 0 || news != 1 {
								t.Errorf("step %s: %v, want the old groups and the new one beside them", s.ID, groups)
							}
						case 5:
							if olds != 0 || news != 1 {
								t.Errorf("step %s: %v, want only the new group", s.ID, groups)
							}
						}
					}
				}
			}
			// The batch server had two old groups: both stay beside the new one.
			found := false
			for _, s := range p.Stages[2].Steps {
				for _, c := range s.Commands {
					if slices.Contains(c.Args, "eni-0a1b2c3d4e5f60403") {
						found = true
						if g, _ := groupsSet(c.Args); !slices.Equal(g, []string{fxCommonSG, fxSSHSG, "${SG_NEW_BATCH}"}) {
							t.Errorf("batch-1's interface gets %v", g)
						}
					}
				}
			}
			if !found {
				t.Error("no step attaches sg-new-batch to batch-1's interface")
			}
		})
	}
}

// Rollbacks mirror the runbook: what a step creates, its rollback deletes
// (the same variable); what it sets, its rollback sets back.
func TestRollbackMirrorsTheStep(t *testing.T) {
	for name, p := range stagedPlans(t) {
		t.Run(name, func(t *testing.T) {
			for _, st := range p.Stages[:6] {
				for _, s := range st.Steps {
					changes := 0
					for _, c := range s.Commands {
						verb := ""
						if len(c.Args) > 1 {
							verb = c.Args[1]
						}
						if verb == "wait" || strings.HasPrefix(verb, "describe-") || verb == "associate-vpc-cidr-block" {
							continue
						}
						changes++
						if c.Sets == "" {
							continue
						}
						undone := false
						for _, r := range s.Rollback {
							if slices.ContainsFunc(r.Args, func(a string) bool { return strings.Contains(a, "${"+c.Sets+"}") }) &&
								(strings.Contains(r.Args[1], "delete") || strings.Contains(r.Args[1], "release") ||
									strings.Contains(r.Args[1], "terminate") || strings.Contains(r.Args[1], "deregister")) {
								undone = true
							}
						}
						if !undone {
							t.Errorf("step %s creates %s; its rollback does not delete it", s.ID, c.Sets)
						}
					}
					if changes > 0 && len(s.Rollback) == 0 {
						t.Errorf("step %s (%s) changes the account and has no rollback", s.ID, s.Title)
					}
					// A step that sets groups (and subnets) is undone by setting
					// what it found.
					for _, c := range s.Commands {
						g, ok := groupsSet(c.Args)
						if !ok || st.Number == 4 {
							continue
						}
						back := false
						for _, r := range s.Rollback {
							if _, ok := groupsSet(r.Args); ok && operation(r.Args) == operation(c.Args) && argsText(r.Args) != argsText(c.Args) {
								back = true
							}
						}
						if !back {
							t.Errorf("step %s sets groups %v; no rollback sets them back", s.ID, g)
						}
					}
				}
			}
		})
	}
}

// Every move of the plan is carried out by the stage its method belongs to.
func TestEveryMoveHasItsSteps(t *testing.T) {
	for name, p := range stagedPlans(t) {
		t.Run(name, func(t *testing.T) {
			stageOf := map[string]int{
				MoveReplaceInstance: 3, MoveLambdaConfig: 3, MoveECSConfig: 3, MoveLBSubnets: 3, MoveEndpointSubnets: 3,
				MoveAuroraClone: 4, MoveRDSReplica: 4, MoveCacheSnapshot: 4,
			}
			text := func(n int) string {
				b, _ := json.Marshal(p.Stages[n])
				return string(b)
			}
			for _, m := range p.Regions[0].Moves {
				n, ok := stageOf[m.Method]
				if !ok {
					continue
				}
				want := m.Resource
				if m.Method == MoveAuroraClone {
					want = "oyatsu-aurora-new"
				}
				if m.Method == MoveCacheSnapshot {
					want = "oyatsu-redis-new"
				}
				if !strings.Contains(text(n), want) {
					t.Errorf("move %s (%s): stage %d never names %s", m.Resource, m.Method, n, want)
				}
			}
			for _, g := range p.Regions[0].RetiredGroups {
				if !strings.Contains(text(6), `"delete-security-group","--group-id","`+g+`"`) {
					t.Errorf("retired group %s is not deleted in stage 6", g)
				}
				if !strings.Contains(text(5), `"revoke-security-group-ingress","--group-id","`+g+`"`) {
					t.Errorf("retired group %s keeps its rules after stage 5", g)
				}
			}
			if !strings.Contains(text(5), `"revoke-security-group-ingress","--group-id","`+fxDefaultSG+`"`) {
				t.Error("the default group is not emptied in stage 5")
			}
		})
	}
}

// The Aurora cut-over: clone by copy-on-write into the new subnet group,
// rename so the endpoint keeps its name, and the replication checks.
func TestAuroraCloneCutOver(t *testing.T) {
	p, _ := fixtureStaged(t)
	st := p.Stages[4]
	b, _ := json.Marshal(st)
	text := string(b)
	for _, want := range []string{
		`"restore-db-cluster-to-point-in-time","--source-db-cluster-identifier","oyatsu-aurora","--db-cluster-identifier","oyatsu-aurora-new","--restore-type","copy-on-write","--use-latest-restorable-time","--db-subnet-group-name","oyatsu-aurora-private"`,
		`"--db-cluster-identifier","oyatsu-aurora","--new-db-cluster-identifier","oyatsu-aurora-old"`,
		`"--db-cluster-identifier","oyatsu-aurora-new","--new-db-cluster-identifier","oyatsu-aurora"`,
		`"--db-instance-identifier","oyatsu-aurora-instance-2-new","--db-cluster-identifier","oyatsu-aurora-new","--engine","aurora-mysql","--db-instance-class","db.r6g.large"`,
		"mysql.rds_set_external_master", "mysql.rds_start_replication", "SHOW SLAVE STATUS", "Seconds_Behind_Master",
		`"create-db-subnet-group","--db-subnet-group-name","oyatsu-aurora-private"`,
		`"create-replication-group","--replication-group-id","oyatsu-redis-new"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("stage 4 lacks %s", want)
		}
	}
	// The renames are undone in reverse: the copy gives the name back first.
	var cut *Step
	for _, s := range st.Steps {
		if strings.HasPrefix(s.Title, "Cut over") {
			cut = s
		}
	}
	if cut == nil {
		t.Fatal("no cut-over step")
	}
	last := cut.Rollback[len(cut.Rollback)-2]
	if argsText(last.Args) != "rds modify-db-cluster --db-cluster-identifier oyatsu-aurora-old --new-db-cluster-identifier oyatsu-aurora --apply-immediately" {
		t.Errorf("the cut-over's rollback ends with %s", argsText(last.Args))
	}
	if cut.Commands[0].Idempotent != "" {
		t.Errorf("a rename claims to be idempotent: %q", cut.Commands[0].Idempotent)
	}
}

// A replaced instance: image, a new instance in the private subnet with old
// and new groups and no public address, registered and in service before
// the old one is deregistered and stopped (not terminated).
func TestReplaceInstanceRegistersBeforeDraining_S8(t *testing.T) {
	p, _ := fixtureStaged(t)
	var ops []string
	for _, s := range p.Stages[3].Steps {
		for _, c := range s.Commands {
			if slices.ContainsFunc(c.Args, func(a string) bool { return strings.Contains(a, "60301") }) {
				ops = append(ops, operation(c.Args)+" "+strings.Join(c.Args[2:min(len(c.Args), 3)], ""))
				if operation(c.Args) == "ec2 run-instances" {
					s := argsText(c.Args)
					for _, want := range []string{"--subnet-id ${SUBNET_NEW_PRIVATE_1A}", "--security-group-ids " + fxCommonSG + " ${SG_NEW_WEB}", "--no-associate-public-ip-address", "--instance-type t3.small", "Name=" + ssmInstanceProfile} {
						if !strings.Contains(s, want) {
							t.Errorf("run-instances lacks %q: %s", want, s)
						}
					}
				}
			}
		}
	}
	want := []string{"ec2 create-image", "ec2 wait", "ec2 run-instances", "ec2 wait", "elbv2 register-targets", "elbv2 wait",
		"elbv2 deregister-targets", "elbv2 wait", "ec2 stop-instances", "ec2 wait"}
	var got []string
	for _, o := range ops {
		got = append(got, strings.Join(strings.Fields(o)[:2], " "))
	}
	if !slices.Equal(got, want) {
		t.Errorf("web-1's replacement runs\n  %v\nwant\n  %v", got, want)
	}
	for _, c := range allCommands(p) {
		if operation(c.Args) == "ec2 terminate-instances" && slices.Contains(c.Args, fxWeb1) {
			return
		}
	}
	t.Error("the replaced web-1 is never terminated (stage 6)")
}

func TestBuildStagesIsDeterministic(t *testing.T) {
	inv := fixtureInventory(t)
	a, _ := json.Marshal(BuildStages(fixturePlan(), inv))
	b, _ := json.Marshal(BuildStages(fixturePlan(), inv))
	if string(a) != string(b) {
		t.Fatal("two builds of the same plan differ")
	}
}

// Without an inventory the stages still cover every decision, from what
// the plan says.
func TestBuildStagesWithoutInventory(t *testing.T) {
	p := fixturePlan()
	p.Stages = BuildStages(p, nil)
	for _, st := range p.Stages {
		if len(st.Steps) == 0 {
			t.Errorf("stage %d has no step", st.Number)
		}
	}
	var buf strings.Builder
	if err := WriteRunbook(&buf, p); err != nil {
		t.Fatal(err)
	}
}

func TestPlaceholderVariables(t *testing.T) {
	for _, id := range []string{"subnet-new-private-1a", "sg-new-v2-web", "fl-new-vpc-0a1b2c3d4e5f60001", "i-new-0a1b2c3d4e5f60301"} {
		v := varName(id)
		if back, ok := placeholderOfVar(v); !ok || back != id {
			t.Errorf("%s → %s → %q, %v", id, v, back, ok)
		}
	}
	for _, v := range []string{"HOME", "PATH", "version", "SG_NEW_", "SUBNET-NEW-X"} {
		if id, ok := placeholderOfVar(v); ok {
			t.Errorf("%s is taken for placeholder %s", v, id)
		}
	}
	got := splitWord(`{"a":"${SG_NEW_WEB}","b":"${HOME}","c":"${version}"}`)
	var vars []string
	for _, p := range got {
		if p.isVar {
			vars = append(vars, p.text)
		}
	}
	if !slices.Equal(vars, []string{"SG_NEW_WEB"}) {
		t.Errorf("variables %v, want only SG_NEW_WEB", vars)
	}
}

// The move methods the example does not use: an internal load balancer and
// an interface endpoint change subnets, a non-Aurora database moves by a
// promoted read replica, a lone cache cluster by a snapshot — here without
// an inventory, from what the plan says.
func TestOtherMoveMethods_S8(t *testing.T) {
	p := fixturePlan()
	rp := p.Regions[0]
	private := []string{"subnet-new-private-1a", "subnet-new-private-1c"}
	isolated := []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c"}
	rp.Moves = append(rp.Moves,
		&Move{Resource: "internal-api", Kind: "load-balancer", Method: MoveLBSubnets, FromSubnets: []string{fxPublic1a, fxPublic1c}, ToSubnets: private,
			OldGroups: []string{fxCommonSG}, NewGroups: []string{"sg-new-web"}},
		&Move{Resource: "vpce-0123456789abcdef0", Kind: "vpc-endpoint", Method: MoveEndpointSubnets, FromSubnets: []string{fxPublic1a}, ToSubnets: private[:1],
			OldGroups: []string{fxCommonSG}, NewGroups: []string{"sg-new-endpoints"}},
		&Move{Resource: "legacy-mysql", Kind: "rds-db-instance", Method: MoveRDSReplica, FromSubnets: []string{fxPublic1a}, ToSubnets: isolated,
			OldGroups: []string{fxCommonSG}, NewGroups: []string{"sg-new-oyatsu-aurora"}, SubnetGroup: "legacy-mysql-private"},
		&Move{Resource: "sessions-001", Kind: "elasticache-cluster", Method: MoveCacheSnapshot, FromSubnets: []string{fxPublic1a}, ToSubnets: isolated,
			OldGroups: []string{fxCommonSG}, NewGroups: []string{"sg-new-oyatsu-redis"}},
	)
	p.Stages = BuildStages(p, nil)
	b, _ := json.Marshal(p.Stages)
	text := string(b)
	for _, want := range []string{
		`"modify-vpc-endpoint","--vpc-endpoint-id","vpce-0123456789abcdef0","--add-subnet-ids","${SUBNET_NEW_PRIVATE_1A}","--remove-subnet-ids","` + fxPublic1a + `"`,
		`"modify-vpc-endpoint","--vpc-endpoint-id","vpce-0123456789abcdef0","--remove-subnet-ids","${SUBNET_NEW_PRIVATE_1A}","--add-subnet-ids","` + fxPublic1a + `"`,
		`Move load balancer internal-api to the subnets subnet-new-private-1a subnet-new-private-1c`,
		`"create-db-instance-read-replica","--db-instance-identifier","legacy-mysql-new","--source-db-instance-identifier","legacy-mysql","--db-subnet-group-name","legacy-mysql-private"`,
		`"promote-read-replica","--db-instance-identifier","legacy-mysql-new"`,
		`"--db-instance-identifier","legacy-mysql","--new-db-instance-identifier","legacy-mysql-old"`,
		`"delete-db-instance","--db-instance-identifier","legacy-mysql-old","--final-db-snapshot-identifier","legacy-mysql-old-final"`,
		`"create-snapshot","--cache-cluster-id","sessions-001"`,
		`"create-cache-cluster","--cache-cluster-id","sessions-001-new","--snapshot-name","sessions-001-vpcdoctor"`,
		`"create-cache-subnet-group","--cache-subnet-group-name","sessions-001-private"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the stages lack %s", want)
		}
	}
	dir := writeScripts(t, p)
	if _, out, err := runScript(t, dir, "runbook.sh", nil, "4", "--dry-run"); err != nil {
		t.Fatalf("runbook.sh 4 --dry-run: %v\n%s", err, out)
	}
	if shellcheck, err := exec.LookPath("shellcheck"); err == nil {
		for _, script := range []string{"runbook.sh", "rollback.sh"} {
			if out, err := exec.Command(shellcheck, filepath.Join(dir, script)).CombinedOutput(); err != nil {
				t.Errorf("%s: shellcheck: %v\n%s", script, err, out)
			}
		}
	}
}
