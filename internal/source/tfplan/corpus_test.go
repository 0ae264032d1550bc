package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// corpusDir is the third-party corpus beside the clone (/work/shared/corpus
// when the clone is /work/main); its terraform-plans/ folder holds plans of
// Terraform 0.12 to 1.9 from checkov and terraform-compliance (their
// licences are beside them) and index.json describing each.
const corpusDir = "../../../../shared/corpus/terraform-plans"

type corpusEntry struct {
	File          string   `json:"file"`
	Encoding      string   `json:"encoding"`
	FormatVersion *string  `json:"format_version"`
	Version       *string  `json:"terraform_version"`
	Sections      []string `json:"sections"`
	ResourceTypes []string `json:"resource_types"`
}

func corpusIndex(t *testing.T) []corpusEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "index.json"))
	if err != nil {
		t.Skipf("third-party corpus not found at %s (expected beside the clone, see shared/corpus/README.md): %v", corpusDir, err)
	}
	var index []corpusEntry
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	if len(index) < 50 {
		t.Fatalf("index.json lists %d plans; the corpus has 53", len(index))
	}
	return index
}

// TestCorpusPlans loads every plan of the corpus: each loads, or (the
// "corrupted" one, a Terraform state, not a plan) fails with an error that
// names the file and the position; the resource types decoded are those
// the index lists; and the inventory holds one object per planned resource
// of each type read (plus what AWS creates with each new VPC).
func TestCorpusPlans(t *testing.T) {
	for _, e := range corpusIndex(t) {
		t.Run(e.File, func(t *testing.T) {
			path := filepath.Join(corpusDir, e.File)
			inv, err := Load(path)
			if strings.Contains(e.File, "corrupted") {
				if err == nil {
					t.Fatal("loaded a corrupted plan")
				}
				if !strings.HasPrefix(err.Error(), path+":1:1: ") || !strings.Contains(err.Error(), "Terraform state") {
					t.Fatalf("error %q does not name the file, the position and what it is", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			p, err := readPlan(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := typesIn(p); !slices.Equal(got, e.ResourceTypes) {
				t.Errorf("resource types decoded %v, index lists %v", got, e.ResourceTypes)
			}
			want := expectedCounts(collect(p))
			got := inventoryCounts(inv)
			for k, n := range want {
				if got[k] != n {
					t.Errorf("%s: %d in the inventory, want %d from the plan", k, got[k], n)
				}
			}
			if len(inv.Accounts) != 1 || len(inv.Accounts[0].Regions) == 0 {
				t.Fatalf("want one account with a region, got %+v", inv.Accounts)
			}
			if inv.Accounts[0].Regions[0].Account != PlanAccount {
				t.Errorf("account label %q, want %q", inv.Accounts[0].Regions[0].Account, PlanAccount)
			}
		})
	}
}

// typesIn is every resource type a plan names, in any section, sorted.
func typesIn(p *tfjson.Plan) []string {
	set := map[string]bool{}
	var state func(m *tfjson.StateModule)
	state = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			set[r.Type] = true
		}
		for _, c := range m.ChildModules {
			state(c)
		}
	}
	if p.PlannedValues != nil {
		state(p.PlannedValues.RootModule)
	}
	if p.PriorState != nil && p.PriorState.Values != nil {
		state(p.PriorState.Values.RootModule)
	}
	for _, rc := range p.ResourceChanges {
		set[rc.Type] = true
	}
	var config func(m *tfjson.ConfigModule)
	config = func(m *tfjson.ConfigModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			set[r.Type] = true
		}
		for _, c := range m.ModuleCalls {
			config(c.Module)
		}
	}
	if p.Config != nil {
		config(p.Config.RootModule)
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expectedCounts is what the inventory must hold for a plan read alone:
// one object per resource instance of each type read, plus the main route
// table, default network ACL and default security group AWS creates with
// each VPC.
func expectedCounts(rs []*res) map[string]int {
	n := map[string]int{}
	for _, r := range rs {
		if !r.exists() || r.vals == nil {
			continue
		}
		switch r.typ {
		case "aws_vpc":
			n["vpcs"]++
			n["route tables"]++
			n["network ACLs"]++
			n["security groups"]++
		case "aws_subnet":
			n["subnets"]++
		case "aws_route_table":
			n["route tables"]++
		case "aws_network_acl":
			n["network ACLs"]++
		case "aws_security_group":
			n["security groups"]++
		case "aws_internet_gateway":
			n["internet gateways"]++
		case "aws_instance":
			n[string(model.KindInstance)]++
		case "aws_db_instance", "aws_rds_cluster_instance":
			n[string(model.KindDBInstance)]++
		case "aws_lb", "aws_alb":
			n[string(model.KindLoadBalancer)]++
		}
	}
	return n
}

func inventoryCounts(inv *model.Inventory) map[string]int {
	n := map[string]int{}
	for _, a := range inv.Accounts {
		for _, r := range a.Regions {
			n["vpcs"] += len(r.VPCs)
			n["subnets"] += len(r.Subnets)
			n["route tables"] += len(r.RouteTables)
			n["network ACLs"] += len(r.NetworkACLs)
			n["security groups"] += len(r.SecurityGroups)
			n["internet gateways"] += len(r.InternetGateways)
			for _, x := range r.Resources {
				n[string(x.Kind)]++
			}
		}
	}
	return n
}

// TestCorpusUTF16 reads the plan PowerShell saved as UTF-16 exactly as its
// UTF-8 twin.
func TestCorpusUTF16(t *testing.T) {
	corpusIndex(t)
	dir := filepath.Join(corpusDir, "checkov/tests/terraform/parser/resources/plan_encodings")
	a, err := readPlan(filepath.Join(dir, "tfplan_win_utf16.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := readPlan(filepath.Join(dir, "tfplan_win_utf8.json"))
	if err != nil {
		t.Fatal(err)
	}
	if a.TerraformVersion != "1.2.2" || len(a.ResourceChanges) == 0 || len(a.ResourceChanges) != len(b.ResourceChanges) || a.ResourceChanges[0].Address != b.ResourceChanges[0].Address {
		t.Fatalf("UTF-16 plan read as %q with %d changes; UTF-8 twin has %d", a.TerraformVersion, len(a.ResourceChanges), len(b.ResourceChanges))
	}
}
